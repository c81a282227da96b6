#!/usr/bin/env python3
"""keyhound's benchmark: speed and memory against ripgrep on the same files.

Speed claims about keyhound come only from this script. See bench/README.md.
Python 3 standard library only. It prints figures and exits 0; it asserts nothing.
"""
import argparse, json, os, random, shutil, statistics, string, subprocess, sys, tempfile, time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.path.join(REPO, os.environ.get("CARGO_TARGET_DIR", "target"))  # join keeps absolute paths
CARGO_HOME = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
MARKER = "T3Blbk" + "FJ"  # built by concatenation: no key-shaped literal in the repository
RG_PATTERN = "sk-[A-Za-z0-9_-]{20,}" + MARKER + "[A-Za-z0-9_-]{20,}"
B64URL = string.ascii_letters + string.digits + "-_"
ALNUM = string.ascii_letters + string.digits
RATIO_TARGET, RSS_TARGET_MB = 1.2, 100


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def fake_key(rng, legacy=False):
    """A fake key of the project (sk-proj-) or legacy (sk-) shape, random at run time."""
    if legacy:
        return "sk-" + "".join(rng.choices(ALNUM, k=20)) + MARKER + "".join(rng.choices(ALNUM, k=20))
    return "sk-proj-" + "".join(rng.choices(B64URL, k=74)) + MARKER + "".join(rng.choices(B64URL, k=74))


def tree_bytes(root):
    total = 0
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if x != ".git"]
        for f in files:
            p = os.path.join(d, f)
            if not os.path.islink(p):
                total += os.path.getsize(p)
    return total


# ---- part 1: tools ---------------------------------------------------------------------------
def ensure_ripgrep():
    rg = shutil.which("rg") or shutil.which(os.path.join(CARGO_HOME, "bin", "rg"))
    if rg:
        return rg
    if shutil.which("apt-get"):
        log("installing ripgrep with apt-get")
        subprocess.run(["apt-get", "update"], check=False, stdout=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "ripgrep"], check=False, stdout=sys.stderr)
    if not shutil.which("rg"):
        log("installing ripgrep with cargo install")
        subprocess.run(["cargo", "install", "ripgrep", "--locked"], check=True, stdout=sys.stderr)
    return shutil.which("rg") or os.path.join(CARGO_HOME, "bin", "rg")


def build_keyhound():
    log("cargo build --release")
    subprocess.run(["cargo", "build", "--release"], cwd=REPO, check=True, stdout=sys.stderr)
    return os.path.join(TARGET, "release", "keyhound")


def version(cmd):
    return subprocess.run(cmd + ["--version"], capture_output=True, text=True).stdout.splitlines()[0]


# ---- part 2: corpus --------------------------------------------------------------------------
def copy_tree(src, dst):
    """Hard-links (or copies, across file systems) regular files; symbolic links are left out."""
    for d, dirs, files in os.walk(src):
        dirs[:] = [x for x in dirs if x != ".git"]
        out = os.path.join(dst, os.path.relpath(d, src))
        os.makedirs(out, exist_ok=True)
        for f in files:
            s, t = os.path.join(d, f), os.path.join(out, f)
            if os.path.islink(s) or not os.path.isfile(s):
                continue
            try:
                os.link(s, t)
            except OSError:
                shutil.copy2(s, t)


def plant_keys(corpus, count, rng):
    """Puts one fake key on a new line in each of `count` .rs files. A hard-linked file is
    replaced by a private copy first, so the cargo registry itself is never modified.
    Directories holding a .gitignore or .ignore are avoided (with all below them), so that
    neither tool skips a planted key."""
    candidates = []
    for d, dirs, files in os.walk(corpus):
        if ".gitignore" in files or ".ignore" in files:
            dirs[:] = []
            continue
        dirs[:] = sorted(x for x in dirs if x != ".git")
        candidates += [os.path.join(d, f) for f in sorted(files) if f.endswith(".rs")]
    chosen = rng.sample(candidates, min(count, len(candidates)))
    for i, path in enumerate(chosen):
        with open(path, "rb") as fh:
            data = fh.read()
        key = fake_key(rng, legacy=(i % 4 == 3))
        os.unlink(path)
        with open(path, "wb") as fh:
            fh.write(data + f'\n// const FAKE_KEY: &str = "{key}";\n'.encode())
    return len(chosen)


def build_corpus(args, rng):
    """Returns (corpus dir, planted key count or None, description)."""
    if args.corpus:
        inside_git = subprocess.run(["git", "-C", args.corpus, "rev-parse"], capture_output=True).returncode == 0
        if not inside_git:
            log("note: --corpus is not in a git repository: ripgrep will ignore its .gitignore files, keyhound will not")
        return os.path.abspath(args.corpus), None, f"{args.corpus} (as given)"
    src = os.path.join(CARGO_HOME, "registry", "src")
    corpus = os.path.join(TARGET, "bench-corpus")
    stamp = corpus + ".json"
    src_bytes = tree_bytes(src)
    want = args.size_mb * 1024 * 1024
    copies = max(1, -(-want // max(src_bytes, 1)))
    spec = {"src": src, "src_bytes": src_bytes, "copies": copies, "keys": args.keys}
    if os.path.exists(stamp) and not args.rebuild_corpus:
        with open(stamp) as fh:
            old = json.load(fh)
        if {k: old.get(k) for k in spec} == spec:
            return corpus, old["planted"], old["desc"]
    log(f"building corpus: {src} is {src_bytes / 2**20:.0f} MB, {copies} cop{'y' if copies == 1 else 'ies'}")
    shutil.rmtree(corpus, ignore_errors=True)
    for i in range(1, copies + 1):
        copy_tree(src, os.path.join(corpus, f"copy{i}"))
    planted = plant_keys(corpus, args.keys, rng)
    subprocess.run(["git", "init", "-q", corpus], check=True)  # nothing committed: .gitignore applies to both tools
    desc = f"{src} ({src_bytes / 2**20:.0f} MB) x {copies} = {tree_bytes(corpus) / 2**20:.0f} MB"
    with open(stamp, "w") as fh:
        json.dump(dict(spec, planted=planted, desc=desc), fh)
    return corpus, planted, desc


def build_big_file(args, rng):
    """One file of args.big_file_gb GB of generated code-like text, with a few keys in it."""
    path = os.path.join(TARGET, f"bench-big-{args.big_file_gb:g}gb.txt")
    size = int(args.big_file_gb * 2**30)
    stamp = path + ".json"
    if os.path.exists(stamp) and os.path.exists(path) and os.path.getsize(path) >= size:
        with open(stamp) as fh:
            return path, json.load(fh)["planted"]
    log(f"writing {path}")
    words = ["let", "fn", "impl", "match", "self", "return", "value", "buffer", "index", "key", "=", "+",
             "(", ")", "{", "}", ";", "Option<u64>", "Vec::new()", "// comment", "0x1f", "\"text\""]
    lines = [" ".join(rng.choices(words, k=rng.randint(3, 14))) for _ in range(60000)]
    block = ("\n".join(lines) + "\n").encode()  # about 3 MB
    n_blocks = -(-size // len(block))
    key_blocks = set(rng.sample(range(n_blocks), min(8, n_blocks)))
    with open(path, "wb") as fh:
        for b in range(n_blocks):
            fh.write(block)
            if b in key_blocks:
                fh.write(f'api_key = "{fake_key(rng, legacy=b % 2 == 1)}"\n'.encode())
    with open(stamp, "w") as fh:
        json.dump({"planted": len(key_blocks)}, fh)
    return path, len(key_blocks)


# ---- part 3: timing --------------------------------------------------------------------------
def run_measured(cmd, stdout=subprocess.DEVNULL):
    """Runs cmd; returns (wall seconds, peak RSS in MB) of that one process (os.wait4)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode not in (0, 1):
        log(f"warning: exit {p.returncode}: {' '.join(cmd)}")
    return wall, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def compare(kh, rg, path, runs):
    """One warm-up each, then `runs` interleaved rounds (the order alternates per round)."""
    kh_cmd = [kh, "scan", "--no-progress", "-q", "--format", "json", "-o", "/dev/null", path]
    rg_cmd = [rg, "-a", "--hidden", "-g", "!.git", "-n", "-o", "-e", RG_PATTERN, path]
    run_measured(kh_cmd); run_measured(rg_cmd)
    times, rss = {"kh": [], "rg": []}, []
    for i in range(runs):
        order = [("kh", kh_cmd), ("rg", rg_cmd)]
        for name, cmd in (order if i % 2 == 0 else order[::-1]):
            wall, peak = run_measured(cmd)
            times[name].append(wall)
            if name == "kh":
                rss.append(peak)
        log(f"round {i + 1}/{runs}: keyhound {times['kh'][-1]:.2f}s, rg {times['rg'][-1]:.2f}s")
    kh_med, rg_med = statistics.median(times["kh"]), statistics.median(times["rg"])
    return {"kh_times": times["kh"], "rg_times": times["rg"], "kh_median": kh_med, "rg_median": rg_med,
            "ratio": kh_med / rg_med, "kh_rss_mb": max(rss)}


def counts(kh, rg, path):
    """Both tools' match counts and file counts, to show they did the same work."""
    with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
        subprocess.run([kh, "scan", "--no-progress", "-q", "--format", "json", "-o", tmp.name, path])
        summary = json.load(open(tmp.name))["summary"]
    out = subprocess.run([rg, "-a", "--hidden", "-g", "!.git", "-n", "-o", "-e", RG_PATTERN, path],
                         capture_output=True).stdout
    files = subprocess.run([rg, "--files", "-a", "--hidden", "-g", "!.git", path], capture_output=True).stdout
    return {"kh_matches": summary["occurrences"], "rg_matches": out.count(b"\n"),
            "kh_files": summary["filesScanned"], "rg_files": files.count(b"\n"),
            "kh_bytes": summary["bytesScanned"]}


# ---- part 4: report --------------------------------------------------------------------------
def verdict(ok):
    return "ok" if ok else "MISSED"


def report(meta, tree, big):
    print("\n== keyhound benchmark ==")
    for k, v in meta.items():
        print(f"{k:<12} {v}")
    rows = []
    if tree:
        c = tree["counts"]
        print(f"\nTree: {tree['desc']}")
        print(f"  keyhound runs (s): {' '.join(f'{t:.2f}' for t in tree['kh_times'])}")
        print(f"  ripgrep runs (s):  {' '.join(f'{t:.2f}' for t in tree['rg_times'])}")
        print(f"  files: keyhound {c['kh_files']} scanned, ripgrep {c['rg_files']} listed; "
              f"keyhound read {c['kh_bytes'] / 2**20:.0f} MB")
        print(f"  matches: keyhound {c['kh_matches']} occurrences, ripgrep {c['rg_matches']} lines; "
              f"planted {tree['planted'] if tree['planted'] is not None else 'n/a'}")
        rows += [("tree: keyhound median", f"{tree['kh_median']:.2f} s", ""),
                 ("tree: ripgrep median", f"{tree['rg_median']:.2f} s", ""),
                 ("tree: ratio keyhound/rg", f"{tree['ratio']:.2f}", f"<= {RATIO_TARGET}  {verdict(tree['ratio'] <= RATIO_TARGET)}"),
                 ("tree: keyhound peak RSS", f"{tree['kh_rss_mb']:.1f} MB", f"< {RSS_TARGET_MB} MB  {verdict(tree['kh_rss_mb'] < RSS_TARGET_MB)}"),
                 ("tree: matches kh / rg", f"{c['kh_matches']} / {c['rg_matches']}", "")]
    if big:
        c = big["counts"]
        print(f"\nBig file: {big['desc']}")
        print(f"  keyhound runs (s): {' '.join(f'{t:.2f}' for t in big['kh_times'])}")
        print(f"  ripgrep runs (s):  {' '.join(f'{t:.2f}' for t in big['rg_times'])}")
        print(f"  matches: keyhound {c['kh_matches']}, ripgrep {c['rg_matches']}; planted {big['planted']}")
        rows += [("big file: keyhound median", f"{big['kh_median']:.2f} s", ""),
                 ("big file: ripgrep median", f"{big['rg_median']:.2f} s", ""),
                 # No speed target here: rg maps a single large file into memory, keyhound
                 # reads it in bounded buffers (the RSS target), which costs one copy.
                 ("big file: ratio keyhound/rg", f"{big['ratio']:.2f}", "(informational)"),
                 ("big file: keyhound peak RSS", f"{big['kh_rss_mb']:.1f} MB", f"< {RSS_TARGET_MB} MB  {verdict(big['kh_rss_mb'] < RSS_TARGET_MB)}"),
                 ("big file: matches kh / rg", f"{c['kh_matches']} / {c['rg_matches']}", "")]
    print_rows(rows, 30, 14)


def print_rows(rows, name_width, value_width):
    """The figures table and the list of missed targets (shared with bench/git.py)."""
    print(f"\n{'figure':<{name_width}} {'value':>{value_width}}   target")
    for name, value, target in rows:
        print(f"{name:<{name_width}} {value:>{value_width}}   {target}")
    missed = [name for name, _, target in rows if "MISSED" in target]
    print("\nTargets missed: " + (", ".join(missed) if missed else "none"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="timed runs per tool (after one warm-up)")
    ap.add_argument("--corpus", help="scan this tree as is instead of building one (no keys planted)")
    ap.add_argument("--size-mb", type=int, default=500, help="minimum size of the built corpus")
    ap.add_argument("--keys", type=int, default=40, help="fake keys planted in the built corpus")
    ap.add_argument("--rebuild-corpus", action="store_true", help="rebuild the corpus even if it is up to date")
    ap.add_argument("--big-file-gb", type=float, default=2.0)
    ap.add_argument("--skip-tree", action="store_true")
    ap.add_argument("--skip-big-file", action="store_true")
    ap.add_argument("--seed", type=int, help="random seed for the planted keys (default: fresh)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    rg, kh = ensure_ripgrep(), build_keyhound()
    meta = {"keyhound": f"{kh} ({version([kh])})", "ripgrep": f"{rg} ({version([rg])})",
            "cpus": os.cpu_count(), "runs": f"{args.runs} per tool, 1 warm-up, interleaved",
            "load avg": " ".join(f"{x:.2f}" for x in os.getloadavg())}
    tree = big = None
    if not args.skip_tree:
        corpus, planted, desc = build_corpus(args, rng)
        log(f"tree: {corpus}")
        tree = dict(compare(kh, rg, corpus, args.runs), counts=counts(kh, rg, corpus), planted=planted, desc=desc)
    if not args.skip_big_file:
        path, planted = build_big_file(args, rng)
        log(f"big file: {path}")
        desc = f"{path} ({os.path.getsize(path) / 2**30:.2f} GiB)"
        big = dict(compare(kh, rg, path, args.runs), counts=counts(kh, rg, path), planted=planted, desc=desc)
    report(meta, tree, big)
    return 0


if __name__ == "__main__":
    sys.exit(main())
