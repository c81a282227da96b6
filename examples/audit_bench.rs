//! Audit benchmark: the whole organization (500 projects × 200 keys by default) audited
//! against the mock Admin API with a fixed latency per request, compared with the ideal time
//! for the concurrency used, and the audit's peak memory.
//!
//! ```sh
//! cargo run --release --example audit_bench
//! cargo run --release --example audit_bench -- --projects 100 --keys 50 --concurrency 4,8
//! ```
//!
//! The mock runs in a child process (this example, re-run with `--serve`), and each audit in
//! a fresh one (`--client`), so that the peak RSS printed (`VmHWM` of that process) is one
//! audit's own: listing, flagging, sorting and writing the JSON report of every key. The ideal is the larger of (requests × latency ÷
//! concurrency) and the longest chain of pages fetched one after another (the project
//! pages, then the longest key listing). Target: wall ≤ 2 × ideal. See bench/README.md.

use keyhound::audit::flags::{Thresholds, DAY};
use keyhound::audit::{self, Options};
use keyhound::mock::{MockServer, Org, OrgSpec};
use keyhound::openai::{ApiBase, ClientOptions, HttpAdminApi};
use keyhound::report::audit as formats;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Args {
    serve: bool,
    /// `--client BASE`: run one audit against BASE and print its figures on one line.
    client: Option<String>,
    projects: usize,
    keys: usize,
    latency_ms: u64,
    concurrency: Vec<usize>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        serve: false,
        client: None,
        projects: 500,
        keys: 200,
        latency_ms: 20,
        concurrency: vec![4, 8, 16],
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--serve" {
            a.serve = true;
            continue;
        }
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let num = |v: &str| {
            v.parse::<usize>()
                .map_err(|_| format!("{flag}: not a number: {v}"))
        };
        match flag.as_str() {
            "--client" => a.client = Some(value),
            "--projects" => a.projects = num(&value)?,
            "--keys" => a.keys = num(&value)?,
            "--latency-ms" => a.latency_ms = num(&value)? as u64,
            "--concurrency" => {
                a.concurrency = value.split(',').map(num).collect::<Result<_, _>>()?;
            }
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(a)
}

/// The generated organization, with dates spread so that every rule has work: a key in 7
/// never used, one in 5 unused for 100 days, one in 13 orphaned, and admin keys without an
/// expiry.
fn organization(a: &Args) -> Org {
    let mut org = Org::generate(&spec(a.projects, a.keys));
    let now = now();
    for (i, k) in org
        .projects
        .iter_mut()
        .flat_map(|p| p.keys.iter_mut())
        .enumerate()
    {
        k.created_at = now - 400 * DAY;
        k.last_used_at = match i {
            i if i % 7 == 0 => None,
            i if i % 5 == 0 => Some(now - 100 * DAY),
            _ => Some(now - DAY),
        };
        k.owner_has_access = i % 13 != 0;
    }
    for k in &mut org.admin_keys {
        k.expires_at = None;
    }
    org
}

fn spec(projects: usize, keys: usize) -> OrgSpec {
    OrgSpec {
        seed: 2025,
        projects,
        keys_per_project: keys,
        admin_keys: 3,
        archived_every: 10,
        service_account_every: 10,
        realistic_tails: true,
    }
}

fn now() -> i64 {
    // The benchmark's own "now": fixed, so that every run flags the same keys.
    1_719_187_200
}

/// `--serve`: start the mock, print its port, serve until stdin closes.
fn serve(a: &Args) -> ! {
    let org = organization(a);
    let server = match MockServer::start(org) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("audit_bench: cannot start the mock: {e}");
            std::process::exit(2);
        }
    };
    server.set_latency(Duration::from_millis(a.latency_ms));
    println!("{}", server.addr().port());
    let _ = std::io::stdout().flush();
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    drop(server);
    std::process::exit(0);
}

fn pages(n: usize) -> usize {
    n.div_ceil(100).max(1)
}

/// This process's peak resident set, from /proc/self/status.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// `--client`: one audit (listing, flagging, sorting, the JSON report written to a sink)
/// in this fresh process, so that its peak RSS is that audit's alone. Prints `requests wall_s
/// json_s peak_mb keys flagged complete flag=count,...`.
fn client(base: &str, c: usize) -> ! {
    // The admin key is the first the seeded generator makes, whatever the organization's size.
    let admin = Org::generate(&spec(0, 0)).admin_key;
    let api = HttpAdminApi::new(
        admin.clone(),
        ClientOptions {
            base: ApiBase::parse(base).expect("mock base"),
            concurrency: c,
            ..ClientOptions::default()
        },
    );
    let options = Options {
        thresholds: Thresholds {
            now: now(),
            stale_days: 90,
            max_keys_per_owner: 10,
        },
        concurrency: c,
    };
    let started = Instant::now();
    let report = match audit::run(&api, Some(&admin), options) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("audit_bench: {e}");
            std::process::exit(2);
        }
    };
    let wall = started.elapsed();
    let started = Instant::now();
    let mut out = std::io::BufWriter::new(std::io::sink());
    formats::write_json(&report, &mut out).expect("write to a sink");
    drop(out);
    let json = started.elapsed();
    let flags: Vec<String> = report
        .flag_counts()
        .into_iter()
        .map(|(f, n)| format!("{f}={n}"))
        .collect();
    println!(
        "{} {:.3} {:.3} {:.0} {} {} {} {}",
        api.requests(),
        wall.as_secs_f64(),
        json.as_secs_f64(),
        peak_rss_mb().unwrap_or(f64::NAN),
        report.keys.len(),
        report.flagged(),
        report.complete(),
        flags.join(",")
    );
    std::process::exit(0);
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("audit_bench: {e}");
            std::process::exit(2);
        }
    };
    if args.serve {
        serve(&args);
    }
    if let Some(base) = &args.client {
        client(base, args.concurrency.first().copied().unwrap_or(4));
    }
    let exe = std::env::current_exe().expect("current exe");
    let mut child = Command::new(&exe)
        .args([
            "--serve",
            "--projects",
            &args.projects.to_string(),
            "--keys",
            &args.keys.to_string(),
            "--latency-ms",
            &args.latency_ms.to_string(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the mock process");
    let mut port = String::new();
    BufReader::new(child.stdout.take().expect("child stdout"))
        .read_line(&mut port)
        .expect("read the mock's port");
    let base = format!("http://127.0.0.1:{}/v1", port.trim());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load avg: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "mock (own process): {} projects x {} keys ({} keys + 3 admin keys), {} ms per request",
        args.projects,
        args.keys,
        args.projects * args.keys,
        args.latency_ms
    );
    println!(
        "{:>11} {:>9} {:>9} {:>9} {:>7} {:>9} {:>8}  target",
        "concurrency", "requests", "wall s", "ideal s", "ratio", "json s", "peak MB"
    );
    let latency = Duration::from_millis(args.latency_ms).as_secs_f64();
    let chain = pages(args.projects) + pages(args.keys);
    let mut summary = None;
    for &c in &args.concurrency {
        let out = Command::new(&exe)
            .args(["--client", &base, "--concurrency", &c.to_string()])
            .stderr(Stdio::inherit())
            .output()
            .expect("run one audit");
        let line = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let f: Vec<&str> = line.split(' ').collect();
        if !out.status.success() || f.len() != 8 {
            eprintln!("audit_bench: the audit at concurrency {c} failed: {line}");
            std::process::exit(2);
        }
        let requests: f64 = f[0].parse().unwrap_or(f64::NAN);
        let wall: f64 = f[1].parse().unwrap_or(f64::NAN);
        let ideal = (latency * requests / c.max(1) as f64).max(latency * chain as f64);
        let ratio = wall / ideal;
        println!(
            "{c:>11} {:>9} {wall:>9.2} {ideal:>9.2} {ratio:>7.2} {:>9} {:>8}  {}",
            f[0],
            f[2],
            f[3],
            if ratio <= 2.0 {
                "ok (<= 2)"
            } else {
                "MISSED (> 2)"
            }
        );
        summary = Some((
            f[4].to_string(),
            f[5].to_string(),
            f[6].to_string(),
            f[7].to_string(),
        ));
    }
    drop(child.stdin.take());
    let _ = child.wait();
    if let Some((keys, flagged, complete, flags)) = summary {
        println!(
            "audited: {keys} keys, {flagged} flagged, complete: {complete}; flags: {}",
            flags.replace(',', ", ").replace('=', " ")
        );
    }
    println!("peak MB: VmHWM of the process that ran that audit alone (the mock excluded)");
}
