#!/usr/bin/env python3
"""keyhound's git benchmark: `scan --staged` and `scan --history` against git itself.

Speed claims about keyhound's git scans come only from this script. See bench/README.md.
Python 3 standard library only (and the git CLI). It prints figures and exits 0.
"""
import argparse, os, random, statistics, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (the tree benchmark's helpers: timing, fake keys, build)

STAGED_TARGET, HISTORY_TARGET = 3.0, 0.5  # keyhound/git ratios: <= 3x, and >= 2x faster
GIT_ENV = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.test",
               GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@example.test")
for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
    GIT_ENV.pop(var, None)
os.environ.clear()
os.environ.update(GIT_ENV)  # both tools, and every git below, see the same isolated config


def git(repo, *args, **kw):
    return subprocess.run(["git", "-C", repo, *args], check=True, **kw)


def fast_import(repo, stream_writer):
    """Creates `repo` and feeds it a fast-import stream written by `stream_writer(out)`."""
    subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True)
    p = subprocess.Popen(["git", "-C", repo, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    stream_writer(p.stdin)
    p.stdin.close()
    if p.wait() != 0:
        raise SystemExit("git fast-import failed")


def data(out, payload):
    out.write(b"data %d\n" % len(payload))
    out.write(payload)
    out.write(b"\n")


# ---- scenario (a): --staged on a big repository -----------------------------------------------
def build_staged_repo(args, rng):
    """A repository of --files small files (1000 per directory), checked out, with 3 staged
    files: two modified (one gets a fake key on a new line) and one added."""
    repo = os.path.join(bench.TARGET, f"bench-git-staged-{args.files}")
    stamp = repo + ".done"
    if not os.path.exists(stamp):
        bench.log(f"building {repo}")
        subprocess.run(["rm", "-rf", repo], check=True)

        def stream(out):
            out.write(b"commit refs/heads/main\ncommitter Bench <bench@example.test> 1704067200 +0000\n")
            data(out, b"files")
            for i in range(args.files):
                body = f"// file {i}\nfn f{i}() -> u64 {{ {i} }}\n".encode()
                out.write(f"M 100644 inline src/d{i // 1000:03}/f{i}.rs\n".encode())
                data(out, body)
        fast_import(repo, stream)
        git(repo, "reset", "-q", "--hard", "main")  # a real checkout: index with its TREE cache
        open(stamp, "w").close()
    # The staged change is made afresh each run, on top of the committed tree.
    git(repo, "reset", "-q", "--hard", "main")
    with open(os.path.join(repo, "src/d007/f7001.rs"), "a") as fh:
        fh.write(f'const KEY: &str = "{bench.fake_key(rng)}";\n')
    with open(os.path.join(repo, "src/d042/f42042.rs"), "a") as fh:
        fh.write("// edited\n")
    with open(os.path.join(repo, "src/d099/new.rs"), "w") as fh:
        fh.write("fn new() {}\n")
    git(repo, "add", "src/d007/f7001.rs", "src/d042/f42042.rs", "src/d099/new.rs")
    return repo


# ---- scenario (b): --history over a long history of a real source tree ------------------------
def source_files(src):
    out = []
    for d, dirs, files in os.walk(src):
        dirs[:] = sorted(x for x in dirs if x != ".git")
        for f in sorted(files):
            p = os.path.join(d, f)
            if os.path.isfile(p) and not os.path.islink(p) and os.path.getsize(p) < 1 << 20:
                out.append(p)
    return out


def build_history_repo(args, rng):
    """--commits commits that add the crate sources of the cargo registry a chunk at a time,
    each also editing two earlier files; --keys fake keys are added along the way and half of
    them deleted again later. Packed with `git repack -ad`, as a clone would be."""
    src = os.path.join(bench.CARGO_HOME, "registry", "src")
    files = source_files(src)
    repo = os.path.join(bench.TARGET, f"bench-git-history-{args.commits}")
    stamp = repo + ".json"
    spec = {"files": len(files), "commits": args.commits, "keys": args.keys}
    if os.path.exists(stamp):
        with open(stamp) as fh:
            old = bench.json.load(fh)
        if {k: old.get(k) for k in spec} == spec:
            return repo, old
    bench.log(f"building {repo}: {len(files)} files of {src} over {args.commits} commits")
    subprocess.run(["rm", "-rf", repo], check=True)
    per_commit = max(1, -(-len(files) // args.commits))
    key_commits = sorted(rng.sample(range(1, args.commits), min(args.keys, args.commits - 1)))
    contents, paths, deletions = {}, [], {}
    planted = 0

    def stream(out):
        nonlocal planted
        for c in range(args.commits):
            out.write(b"commit refs/heads/main\n")
            out.write(b"committer Bench <bench@example.test> %d +0000\n" % (1704067200 + c * 3600))
            data(out, f"commit {c}".encode())
            for p in files[c * per_commit:(c + 1) * per_commit]:
                rel = os.path.relpath(p, src)
                with open(p, "rb") as fh:
                    contents[rel] = fh.read()
                paths.append(rel)
                out.write(f"M 100644 inline {rel}\n".encode())
                data(out, contents[rel])
            edits = rng.sample(paths, min(2, len(paths))) if paths else []
            if c in key_commits:
                rel = f"config/secrets-{c}.env"
                contents[rel] = f"OPENAI_API_KEY={bench.fake_key(rng)}\n".encode()
                planted += 1
                paths.append(rel)
                edits.append(rel)
                if planted % 2 == 0:  # deleted again 100 commits later: still in history
                    deletions.setdefault(c + 100, []).append(rel)
            for rel in edits:
                if not rel.startswith("config/"):
                    contents[rel] = contents[rel] + f"\n// edit {c}\n".encode()
                out.write(f"M 100644 inline {rel}\n".encode())
                data(out, contents[rel])
            for rel in deletions.get(c, []):
                out.write(f"D {rel}\n".encode())
                paths.remove(rel)
    fast_import(repo, stream)
    bench.log("git repack -ad")
    git(repo, "repack", "-q", "-ad")
    meta = dict(spec, planted=planted, size_mb=bench.tree_bytes(os.path.join(repo, ".git")) / 2**20)
    with open(stamp, "w") as fh:
        bench.json.dump(meta, fh)
    return repo, meta


# ---- timing -----------------------------------------------------------------------------------
def compare(commands, runs, cwd):
    """One warm-up each, then `runs` rounds in rotating order. Returns {name: [seconds]} and
    keyhound's peak RSS (MB) over its runs."""
    os.chdir(cwd)
    for _, cmd in commands:
        bench.run_measured(cmd)
    times, rss = {name: [] for name, _ in commands}, []
    for i in range(runs):
        order = commands[i % len(commands):] + commands[:i % len(commands)]
        for name, cmd in order:
            wall, peak = bench.run_measured(cmd)
            times[name].append(wall)
            if name == "keyhound":
                rss.append(peak)
        bench.log(f"round {i + 1}/{runs}: " + ", ".join(f"{n} {t[-1]:.3f}s" for n, t in times.items()))
    return times, max(rss)


def keyhound_summary(kh, args, cwd):
    out = subprocess.run([kh, "scan", "--no-progress", "-q", "--format", "json", *args], cwd=cwd,
                         capture_output=True, text=True).stdout
    return bench.json.loads(out)


def sh(cmd):
    return ["sh", "-c", cmd]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="timed runs per command (after one warm-up)")
    ap.add_argument("--files", type=int, default=100_000, help="files in the --staged repository")
    ap.add_argument("--commits", type=int, default=3000, help="commits in the --history repository")
    ap.add_argument("--keys", type=int, default=20, help="fake keys added along the history")
    ap.add_argument("--skip-staged", action="store_true")
    ap.add_argument("--skip-history", action="store_true")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    bench.start_launcher()
    rng = random.Random(args.seed)
    kh = bench.build_keyhound()
    git_version = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    print("\n== keyhound git benchmark ==")
    print(f"{'keyhound':<12} {kh} ({bench.version([kh])})")
    print(f"{'git':<12} {git_version}")
    print(f"{'cpus':<12} {os.cpu_count()}")
    print(f"{'runs':<12} {args.runs} per command, 1 warm-up, rotating order")
    print(f"{'load avg':<12} {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rows = []
    if not args.skip_staged:
        repo = build_staged_repo(args, rng)
        entries = int(subprocess.run(["git", "-C", repo, "ls-files"], capture_output=True).stdout.count(b"\n"))
        commands = [
            ("keyhound", [kh, "scan", "--staged", "--no-progress", "-q", "--format", "json", "-o", "/dev/null", "."]),
            ("git diff --cached --name-only", ["git", "diff", "--cached", "--name-only"]),
            ("git diff --cached -U0", ["git", "diff", "--cached", "-U0"]),
        ]
        times, rss = compare(commands, args.runs, repo)
        med = {n: statistics.median(t) for n, t in times.items()}
        ratio = med["keyhound"] / med["git diff --cached --name-only"]
        found = keyhound_summary(kh, ["--staged", "."], repo)
        print(f"\n--staged: {repo} ({entries} index entries, 3 staged files, 1 fake key on an added line)")
        for n, t in times.items():
            print(f"  {n + ' runs (s):':<40} {' '.join(f'{x:.3f}' for x in t)}")
        print(f"  keyhound: {found['summary']['keys']} key(s) reported, {found['summary']['filesScanned']} blobs read")
        # `git add -A` drops every cached tree of the index: both tools then compare all
        # of HEAD's directories (informational).
        git(repo, "add", "-A")
        times_a, _ = compare(commands[:2], args.runs, repo)
        med_a = {n: statistics.median(t) for n, t in times_a.items()}
        ratio_a = med_a["keyhound"] / med_a["git diff --cached --name-only"]
        rows += [("staged: keyhound median", f"{med['keyhound'] * 1000:.1f} ms", ""),
                 ("staged: git diff --cached --name-only", f"{med['git diff --cached --name-only'] * 1000:.1f} ms", ""),
                 ("staged: git diff --cached -U0", f"{med['git diff --cached -U0'] * 1000:.1f} ms", "(informational)"),
                 ("staged: ratio keyhound/git", f"{ratio:.2f}", f"<= {STAGED_TARGET}  {bench.verdict(ratio <= STAGED_TARGET)}"),
                 ("staged: keyhound peak RSS", bench.rss_text(rss, bench.rss_floor()), ""),
                 ("staged after add -A: keyhound", f"{med_a['keyhound'] * 1000:.1f} ms", "(informational)"),
                 ("staged after add -A: git diff", f"{med_a['git diff --cached --name-only'] * 1000:.1f} ms", "(informational)"),
                 ("staged after add -A: ratio", f"{ratio_a:.2f}", "(informational)")]
    if not args.skip_history:
        repo, meta = build_history_repo(args, rng)
        commands = [
            ("keyhound", [kh, "scan", "--history", "--no-progress", "-q", "--format", "json", "-o", "/dev/null", "."]),
            ("git log --all -p", sh("git log --all -p > /dev/null")),
            ("git cat-file --batch-all-objects", sh("git cat-file --batch-all-objects --batch --unordered > /dev/null")),
        ]
        times, rss = compare(commands, args.runs, repo)
        med = {n: statistics.median(t) for n, t in times.items()}
        ratio = med["keyhound"] / med["git log --all -p"]
        found = keyhound_summary(kh, ["--history", "."], repo)
        s = found["summary"]
        print(f"\n--history: {repo} ({meta['commits']} commits, {meta['files']} source files, "
              f"packed .git {meta['size_mb']:.0f} MB)")
        for n, t in times.items():
            print(f"  {n + ' runs (s):':<40} {' '.join(f'{x:.2f}' for x in t)}")
        print(f"  keyhound: {s['keys']} keys found (planted {meta['planted']}), {s['filesScanned']} distinct blobs, "
              f"{s['bytesScanned'] / 2**20:.0f} MB scanned")
        rows += [("history: keyhound median", f"{med['keyhound']:.2f} s", ""),
                 ("history: git log --all -p", f"{med['git log --all -p']:.2f} s", ""),
                 ("history: cat-file all objects", f"{med['git cat-file --batch-all-objects']:.2f} s", "(git CLI floor)"),
                 ("history: ratio keyhound/git log", f"{ratio:.2f}", f"<= {HISTORY_TARGET}  {bench.verdict(ratio <= HISTORY_TARGET)}"),
                 ("history: keyhound peak RSS", bench.rss_text(rss, bench.rss_floor()), ""),
                 ("history: keys found / planted", f"{s['keys']} / {meta['planted']}", "")]
    rows.append(("launcher RSS floor", f"{bench.rss_floor():.1f} MB", "(peak RSS of `true` started by it)"))
    bench.print_rows(rows, 38, 12)
    return 0


if __name__ == "__main__":
    sys.exit(main())
