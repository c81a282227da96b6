//! Cross-check benchmark: the whole inventory + match against the mock Admin API with a fixed
//! latency per request, compared with the ideal time for the concurrency used.
//!
//! ```sh
//! cargo run --release --example crosscheck_bench
//! cargo run --release --example crosscheck_bench -- --projects 100 --concurrency 4
//! ```
//!
//! The ideal is the larger of (requests × latency ÷ concurrency) and the longest chain of
//! pages that must be fetched one after another (the project pages, then the longest key
//! listing). Target: wall ≤ 2 × ideal. Also prints the share of sampled leaked keys that are
//! ambiguous when tails are realistic (every key ends in `A`, so 3 characters discriminate)
//! and, for comparison, when they are random. See bench/README.md.

use keyhound::crosscheck::{self, CrossCheckReport, Options, Status};
use keyhound::finding::Finding;
use keyhound::mock::{MockServer, Org, OrgSpec};
use keyhound::openai::{ApiBase, ClientOptions, HttpAdminApi};
use keyhound::secret::Secret;
use std::time::{Duration, Instant};

struct Args {
    projects: usize,
    keys: usize,
    latency_ms: u64,
    concurrency: Vec<usize>,
    sample_every: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        projects: 500,
        keys: 200,
        latency_ms: 20,
        concurrency: vec![4, 2, 8, 16],
        sample_every: 97,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let num = |v: &str| {
            v.parse::<usize>()
                .map_err(|_| format!("{flag}: not a number: {v}"))
        };
        match flag.as_str() {
            "--projects" => a.projects = num(&value)?,
            "--keys" => a.keys = num(&value)?,
            "--latency-ms" => a.latency_ms = num(&value)? as u64,
            "--sample-every" => a.sample_every = num(&value)?.max(1),
            "--concurrency" => {
                a.concurrency = value.split(',').map(num).collect::<Result<_, _>>()?;
            }
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(a)
}

fn finding(value: &Secret, kind: &str) -> Finding {
    Finding {
        rule: 0,
        rule_id: format!("openai.{kind}-key"),
        kind: kind.into(),
        fingerprint: value.fingerprint(),
        redacted: value.redacted(),
        secret: value.clone(),
        locations: Vec::new(),
    }
}

/// Leaked keys: every n-th project key and every admin key of the organization.
fn sample(org: &Org, every: usize) -> Vec<Finding> {
    let mut out: Vec<Finding> = org
        .projects
        .iter()
        .flat_map(|p| p.keys.iter())
        .step_by(every)
        .map(|k| finding(&k.value, "project"))
        .collect();
    out.extend(org.admin_keys.iter().map(|k| finding(&k.value, "admin")));
    out
}

fn pages(n: usize) -> usize {
    n.div_ceil(100).max(1)
}

fn run(
    server: &MockServer,
    org: &Org,
    findings: &[Finding],
    c: usize,
) -> (CrossCheckReport, usize, Duration) {
    server.clear_requests();
    let api = HttpAdminApi::new(
        org.admin_key.clone(),
        ClientOptions {
            base: ApiBase::parse(&server.base_url()).expect("mock base"),
            concurrency: c,
            ..ClientOptions::default()
        },
    );
    let started = Instant::now();
    let report = crosscheck::cross_check(findings, &api, None, Options { concurrency: c });
    let wall = started.elapsed();
    (report, server.requests().len(), wall)
}

fn share(report: &CrossCheckReport, status: Status) -> f64 {
    let n = report
        .checks
        .values()
        .filter(|c| c.status == status)
        .count();
    100.0 * n as f64 / report.checks.len().max(1) as f64
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("crosscheck_bench: {e}");
            std::process::exit(2);
        }
    };
    let spec = OrgSpec {
        seed: 2024,
        projects: args.projects,
        keys_per_project: args.keys,
        admin_keys: 3,
        archived_every: 10,
        service_account_every: 10,
        realistic_tails: true,
    };
    let org = Org::generate(&spec);
    let findings = sample(&org, args.sample_every);
    let server = MockServer::start(org.clone()).expect("start the mock");
    let latency = Duration::from_millis(args.latency_ms);
    server.set_latency(latency);
    let chain = pages(args.projects) + pages(args.keys);
    // The machine may be shared: the load says how comparable two runs are.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load avg: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "mock: {} projects x {} keys ({} keys, tails ending in A), {} ms per request; {} leaked keys sampled",
        args.projects,
        args.keys,
        args.projects * args.keys + spec.admin_keys,
        args.latency_ms,
        findings.len()
    );
    println!(
        "{:>11} {:>9} {:>9} {:>9} {:>7}  target",
        "concurrency", "requests", "wall s", "ideal s", "ratio"
    );
    let mut realistic = None;
    for &c in &args.concurrency {
        let (report, requests, wall) = run(&server, &org, &findings, c);
        let by_requests = latency.as_secs_f64() * requests as f64 / c.max(1) as f64;
        let by_chain = latency.as_secs_f64() * chain as f64;
        let ideal = by_requests.max(by_chain);
        let ratio = wall.as_secs_f64() / ideal;
        println!(
            "{c:>11} {requests:>9} {:>9.2} {ideal:>9.2} {ratio:>7.2}  {}",
            wall.as_secs_f64(),
            if ratio <= 2.0 {
                "ok (<= 2)"
            } else {
                "MISSED (> 2)"
            }
        );
        realistic.get_or_insert(report);
    }
    let Some(realistic) = realistic else { return };
    let counts = realistic.counts();
    println!(
        "matches, realistic tails: {:.1} % live, {:.1} % ambiguous, {:.1} % not found, {:.1} % error ({} live, {} ambiguous of {})",
        share(&realistic, Status::Live),
        share(&realistic, Status::Ambiguous),
        share(&realistic, Status::NotFound),
        share(&realistic, Status::Error),
        counts.live,
        counts.ambiguous,
        findings.len()
    );
    // The same organization with random tails, served without latency: ambiguity only.
    let random = Org::generate(&OrgSpec {
        realistic_tails: false,
        ..spec
    });
    let findings = sample(&random, args.sample_every);
    let server = MockServer::start(random.clone()).expect("start the mock");
    let (report, _, _) = run(&server, &random, &findings, 8);
    println!(
        "matches, random tails:    {:.1} % live, {:.1} % ambiguous",
        share(&report, Status::Live),
        share(&report, Status::Ambiguous)
    );
}
