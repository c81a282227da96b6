//! Prefilter benchmark: what the base64 spellings cost the scan's hottest loop.
//!
//! ```sh
//! cargo run --release --example prefilter_bench -- DIR [MB]
//! ```
//!
//! Reads up to MB (default 200) megabytes of the regular files under DIR into memory, then
//! times the literal prefilter over them (best of 5) with the built-in rules' plain keywords
//! alone, with the single-encoding spellings added, with every spelling (single and double
//! encodings of every keyword), and with what `scan` runs with decoding on (double encodings
//! only for the keyword several rules share, the marker). No reference tool: this isolates
//! one loop; `bench/run.py` compares whole scans with ripgrep. See bench/README.md.

use keyhound::rules::RuleSet;
use keyhound::scan::decode::base64;
use keyhound::scan::prefilter::Prefilter;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: prefilter_bench DIR [MB]");
        std::process::exit(2);
    };
    let limit_mb: usize = match args.next().map(|a| a.parse()) {
        None => 200,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("prefilter_bench: MB must be a positive number");
            std::process::exit(2);
        }
    };
    let hay = read_tree(Path::new(&dir), limit_mb << 20);
    let rules = RuleSet::builtin().expect("the built-in rules load");
    let mut keywords: Vec<String> = Vec::new();
    for rule in rules.rules() {
        for kw in &rule.spec.keywords {
            if !keywords.contains(kw) {
                keywords.push(kw.clone());
            }
        }
    }
    let all = base64::prefilter_spellings(&keywords, |_| true);
    let once: Vec<String> = keywords
        .iter()
        .flat_map(|k| base64::spellings(k.as_bytes()))
        .map(|s| s.text)
        .filter(|t| all.iter().any(|s| &s.text == t))
        .collect();
    let all: Vec<String> = all.into_iter().map(|s| s.text).collect();
    // What `scan` runs: double encodings only for a keyword several rules share.
    let shared = |kw: &str| {
        rules
            .rules()
            .iter()
            .filter(|r| r.spec.keywords.iter().any(|k| k == kw))
            .count()
            > 1
    };
    let shipped: Vec<String> = base64::prefilter_spellings(&keywords, shared)
        .into_iter()
        .map(|s| s.text)
        .collect();
    println!(
        "{:.0} MB in memory from {dir}; keywords {:?}",
        hay.len() as f64 / (1 << 20) as f64,
        keywords
    );
    println!(
        "{:<28} {:>8} {:>10} {:>8} {:>6}",
        "literals", "count", "best ms", "GB/s", "hits"
    );
    let mut plain_ms = None;
    for (name, extra) in [
        ("plain keywords", Vec::new()),
        ("+ single encodings", once),
        ("+ single and double", all),
        ("as scan runs", shipped),
    ] {
        let mut patterns = keywords.clone();
        patterns.extend(extra);
        let prefilter = Prefilter::new(&patterns);
        let (mut best, mut hits) = (f64::MAX, 0usize);
        for _ in 0..5 {
            let started = Instant::now();
            hits = 0;
            prefilter.for_each(&hay, |_| hits += 1);
            best = best.min(started.elapsed().as_secs_f64());
        }
        let ms = best * 1e3;
        let base = *plain_ms.get_or_insert(ms);
        println!(
            "{name:<28} {:>8} {ms:>10.1} {:>8.2} {hits:>6}   ratio to plain {:.2}",
            patterns.len(),
            hay.len() as f64 / best / 1e9,
            ms / base
        );
    }
}

/// Concatenates the regular files under `dir` (symbolic links left out) up to `limit` bytes.
fn read_tree(dir: &Path, limit: usize) -> Vec<u8> {
    let mut hay = Vec::new();
    let mut stack: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() && hay.len() < limit {
                if let Ok(bytes) = std::fs::read(entry.path()) {
                    hay.extend_from_slice(&bytes);
                }
            }
        }
    }
    hay.truncate(limit);
    hay
}
