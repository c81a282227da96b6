use super::*;
use std::io::Read;

#[test]
fn magic_bytes_decide_not_names() {
    assert_eq!(sniff(b"PK\x03\x04rest"), Some(Kind::Zip));
    assert_eq!(sniff(b"PK\x05\x06"), Some(Kind::Zip));
    assert_eq!(sniff(&[0x1f, 0x8b, 0x08, 0]), Some(Kind::Gzip));
    assert_eq!(sniff(b"PK is a fine start for text"), None);
    let mut b = ::tar::Builder::new(Vec::new());
    let mut h = ::tar::Header::new_ustar();
    h.set_size(1);
    h.set_cksum();
    b.append_data(&mut h, "a.txt", &b"x"[..]).unwrap();
    let mut tar = b.into_inner().unwrap();
    assert_eq!(sniff(&tar), Some(Kind::Tar));
    // "ustar" with a wrong checksum is text that happens to say so.
    tar[0] ^= 1;
    assert_eq!(sniff(&tar), None);
}

#[test]
fn the_budget_stops_every_reader_of_one_input() {
    let budget = Budget::new(1000, 100);
    let data = vec![7u8; 800];
    let mut a = Limited::new(&data[..], budget.clone(), Cap::Fixed(u64::MAX));
    assert_eq!(io::copy(&mut a, &mut io::sink()).unwrap(), 800);
    let mut b = Limited::new(&data[..], budget.clone(), Cap::Fixed(u64::MAX));
    assert!(io::copy(&mut b, &mut io::sink()).is_err());
    assert_eq!(budget.take_stop(), Some(Stop::Bytes));
    assert!(budget.spent());
    assert!(budget.report_spent());
    assert!(!budget.report_spent(), "reported once");
}

#[test]
fn the_ratio_is_checked_against_compressed_bytes_consumed() {
    let budget = Budget::new(u64::MAX, 100);
    let consumed = Rc::new(Cell::new(1000));
    // 1000 compressed bytes may expand to 1 MiB (the floor), not more.
    let data = vec![0u8; (RATIO_FLOOR + 1) as usize];
    let mut r = Limited::new(&data[..], budget.clone(), Cap::Consumed(consumed.clone()));
    assert!(io::copy(&mut r, &mut io::sink()).is_err());
    assert_eq!(budget.take_stop(), Some(Stop::Ratio));
    consumed.set(20_000);
    let mut r = Limited::new(&data[..], budget.clone(), Cap::Consumed(consumed));
    assert!(io::copy(&mut r, &mut io::sink()).is_ok());
    assert_eq!(budget.member_cap(0), RATIO_FLOOR);
}

#[test]
fn large_spools_go_to_a_temporary_file_and_read_back_whole() {
    let data: Vec<u8> = (0..SPOOL_IN_MEMORY + 4096)
        .map(|i| (i % 251) as u8)
        .collect();
    let mut spooled = spool(&mut &data[..]).unwrap();
    assert!(matches!(spooled, Spool::File(_)));
    let mut back = Vec::new();
    spooled.read_to_end(&mut back).unwrap();
    assert!(back == data);
    rewind(&mut spooled).unwrap();
    let small = spool(&mut &b"abc"[..]).unwrap();
    assert!(matches!(small, Spool::Memory(_)));
}

#[test]
fn sizes_read_as_people_write_them() {
    assert_eq!(human_bytes(256 << 20), "256 MiB");
    assert_eq!(human_bytes(1536 << 10), "1.5 MiB");
    assert_eq!(human_bytes(100), "100 bytes");
}
