#!/usr/bin/env python3
"""keyhound's benchmark: speed and memory against ripgrep on the same files.

Speed claims about keyhound come only from this script. See bench/README.md.
Python 3 standard library only. It prints figures and exits 0; it asserts nothing.
"""
import argparse, json, os, pickle, random, shutil, statistics, string, subprocess, sys, tempfile, time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.path.join(REPO, os.environ.get("CARGO_TARGET_DIR", "target"))  # join keeps absolute paths
CARGO_HOME = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
MARKER = "T3Blbk" + "FJ"  # built by concatenation: no key-shaped literal in the repository
RG_PATTERN = "sk-[A-Za-z0-9_-]{20,}" + MARKER + "[A-Za-z0-9_-]{20,}"
B64URL = string.ascii_letters + string.digits + "-_"
ALNUM = string.ascii_letters + string.digits
RATIO_TARGET, DECODE_TARGET, RSS_TARGET_MB = 1.2, 1.1, 100


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


def build_archive_corpus(args, rng):
    """target/bench-archives/: crates of the cargo registry packed as .zip, .tar.gz and a
    .gz per large source file, a zip inside a tar.gz, and fake keys planted in members as
    they are and base64-encoded. Rebuilt when its spec changes."""
    import base64, gzip, io, tarfile, zipfile
    src = os.path.join(CARGO_HOME, "registry", "src")
    out = os.path.join(TARGET, "bench-archives")
    stamp = out + ".json"
    spec = {"src": src, "crates": args.archive_crates, "version": 1}
    if os.path.exists(stamp) and not args.rebuild_corpus:
        with open(stamp) as fh:
            old = json.load(fh)
        if {k: old.get(k) for k in spec} == spec:
            return old
    crates = sorted(os.path.join(reg, c) for reg in os.listdir(src) for c in os.listdir(os.path.join(src, reg))
                    if os.path.isdir(os.path.join(src, reg, c)))
    crates = [os.path.join(src, c) for c in crates]
    chosen = rng.sample(crates, min(args.archive_crates, len(crates)))
    log(f"building archive corpus from {len(chosen)} crates")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    planted, content = 0, 0

    def members(crate):
        for d, dirs, files in os.walk(crate):
            dirs.sort()
            for f in sorted(files):
                p = os.path.join(d, f)
                if os.path.isfile(p) and not os.path.islink(p):
                    yield os.path.relpath(p, crate), open(p, "rb").read()

    def planted_member(i):
        key = fake_key(rng, legacy=i % 4 == 3)
        if i % 3 == 2:  # one in three as a Kubernetes Secret value
            return ("deploy/secret.yaml", f"data:\n  OPENAI_API_KEY: {base64.b64encode(key.encode()).decode()}\n".encode())
        return ("config/.env", f"DEBUG=0\nOPENAI_API_KEY={key}\n".encode())

    for i, crate in enumerate(chosen):
        name = os.path.basename(crate)
        files = list(members(crate))
        files.append(planted_member(i))
        planted += 1
        content += sum(len(d) for _, d in files)
        if i % 3 == 0:
            with zipfile.ZipFile(os.path.join(out, f"{name}.zip"), "w", zipfile.ZIP_DEFLATED) as z:
                for rel, data in files:
                    z.writestr(f"{name}/{rel}", data)
        elif i % 3 == 1:
            with tarfile.open(os.path.join(out, f"{name}.tar.gz"), "w:gz", compresslevel=6) as t:
                for rel, data in files:
                    info = tarfile.TarInfo(f"{name}/{rel}")
                    info.size = len(data)
                    t.addfile(info, io.BytesIO(data))
        else:
            # A zip inside a tar.gz, and the largest source file alone as .gz.
            inner = io.BytesIO()
            with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
                for rel, data in files:
                    z.writestr(f"{name}/{rel}", data)
            with tarfile.open(os.path.join(out, f"{name}-bundle.tar.gz"), "w:gz", compresslevel=6) as t:
                info = tarfile.TarInfo(f"bundle/{name}.zip")
                info.size = len(inner.getvalue())
                t.addfile(info, io.BytesIO(inner.getvalue()))
            rel, data = max(files, key=lambda f: len(f[1]))
            key = fake_key(rng)
            with gzip.open(os.path.join(out, f"{name}-{os.path.basename(rel)}.log.gz"), "wb") as g:
                g.write(data + f"\nAuthorization: Bearer {key}\n".encode())
            planted += 1
            content += len(data)
    compressed = tree_bytes(out)
    desc = (f"{len(chosen)} crates as .zip, .tar.gz, zip-in-tar.gz and .gz: {compressed / 2**20:.0f} MB packed, "
            f"{content / 2**20:.0f} MB of content")
    meta = dict(spec, dir=out, planted=planted, content_bytes=content, desc=desc)
    with open(stamp, "w") as fh:
        json.dump(meta, fh)
    return meta


def time_archives(kh, corpus, runs):
    path = corpus["dir"]
    r = compare([("kh", kh_cmd(kh, path)), ("kh_off", kh_cmd(kh, path, "--no-archives"))], runs)
    with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
        subprocess.run([kh, "scan", "--no-progress", "-q", "--format", "json", "-o", tmp.name, path])
        report = json.load(open(tmp.name))
    return {"desc": corpus["desc"], "times": r["times"]["kh"], "off_times": r["times"]["kh_off"],
            "median": r["median"]["kh"], "off_median": r["median"]["kh_off"], "rss_mb": r["rss_mb"]["kh"],
            "found": report["summary"]["occurrences"], "warnings": report["summary"]["warnings"],
            "planted": corpus["planted"], "content_mb": corpus["content_bytes"] / 2**20}


def rss_text(mb, floor):
    """An RSS figure, marked when it is within 1 MB of the launcher's floor: keyhound used at
    most that much, perhaps less."""
    return f"<= {mb:.1f} MB" if mb <= floor + 1 else f"{mb:.1f} MB"


def rss_floor():
    """The peak RSS the launcher gives a command that uses next to nothing (`true`): an RSS
    figure at this floor says only that keyhound used no more."""
    return run_measured(["true"])[1]


# ---- part 3: timing --------------------------------------------------------------------------
def run_measured(cmd):
    """Runs cmd (output to /dev/null); returns (wall seconds, peak RSS in MB) of that one
    process (`os.wait4`), and records its CPU seconds (user + system) in CPU_TIMES under the
    command's key. The launcher starts it (see start_launcher)."""
    if LAUNCHER is None:
        start_launcher()
    _, requests, results = LAUNCHER
    pickle.dump((list(cmd), os.getcwd()), requests)
    requests.flush()
    wall, code, cpu, maxrss_kib = pickle.load(results)
    if code not in (0, 1):
        log(f"warning: exit {code}: {' '.join(cmd)}")
    CPU_TIMES.setdefault(tuple(cmd), []).append(cpu)
    return wall, maxrss_kib / 1024  # ru_maxrss is in KiB on Linux


# The process that starts every measured command: (pid, request pipe, result pipe).
LAUNCHER = None


def start_launcher():
    """Forks the launcher while this process is still small. A command's peak RSS begins at
    that of the process that forks it, so commands are forked by this small process, never
    by the harness, which grows as it reads reports. Each main calls it first."""
    global LAUNCHER
    if LAUNCHER is not None:
        return
    req_r, req_w = os.pipe()
    res_r, res_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(req_w)
        os.close(res_r)
        requests, results = os.fdopen(req_r, "rb"), os.fdopen(res_w, "wb")
        while True:
            try:
                cmd, cwd = pickle.load(requests)
            except EOFError:
                os._exit(0)
            t0 = time.perf_counter()
            child = os.fork()
            if child == 0:
                try:
                    os.chdir(cwd)
                    null = os.open(os.devnull, os.O_RDWR)
                    os.dup2(null, 1)
                    os.dup2(null, 2)
                    os.execvp(cmd[0], cmd)
                finally:
                    os._exit(127)
            _, status, usage = os.wait4(child, 0)
            wall = time.perf_counter() - t0
            pickle.dump((wall, os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime,
                         usage.ru_maxrss), results)
            results.flush()
    os.close(req_r)
    os.close(res_w)
    LAUNCHER = (pid, os.fdopen(req_w, "wb"), os.fdopen(res_r, "rb"))


# CPU seconds of every measured run, by command: on a loaded machine (the load average is
# printed) CPU time moves far less than wall time, so ratios are printed for both.
CPU_TIMES = {}


def kh_cmd(kh, path, *flags):
    return [kh, "scan", "--no-progress", "-q", *flags, "--format", "json", "-o", "/dev/null", path]


def compare(cmds, runs):
    """`cmds`: (name, command) pairs, keyhound's first. One warm-up each, then `runs` rounds;
    the order rotates every round so that no command always runs first."""
    for _, cmd in cmds:
        run_measured(cmd)
    times, rss = {name: [] for name, _ in cmds}, {name: [] for name, _ in cmds}
    for i in range(runs):
        k = i % len(cmds)
        for name, cmd in cmds[k:] + cmds[:k]:
            wall, peak = run_measured(cmd)
            times[name].append(wall)
            rss[name].append(peak)
        log(f"round {i + 1}/{runs}: " + ", ".join(f"{n} {times[n][-1]:.2f}s" for n, _ in cmds))
    med = {name: statistics.median(t) for name, t in times.items()}
    # The warm-up is left out: the last `runs` CPU times of each command.
    cpu = {name: statistics.median(CPU_TIMES[tuple(cmd)][-runs:]) for name, cmd in cmds}
    return {"times": times, "median": med, "cpu": cpu, "rss_mb": {n: max(r) for n, r in rss.items()}}


def compare_tools(kh, rg, path, runs):
    """keyhound as shipped (decoding on), keyhound with --no-decode --no-archives, ripgrep."""
    rg_cmd = [rg, "-a", "--hidden", "-g", "!.git", "-n", "-o", "-e", RG_PATTERN, path]
    r = compare([("kh", kh_cmd(kh, path)), ("kh_off", kh_cmd(kh, path, "--no-decode", "--no-archives")),
                 ("rg", rg_cmd)], runs)
    m = r["median"]
    return {"kh_times": r["times"]["kh"], "kh_off_times": r["times"]["kh_off"], "rg_times": r["times"]["rg"],
            "kh_median": m["kh"], "kh_off_median": m["kh_off"], "rg_median": m["rg"],
            "ratio": m["kh"] / m["rg"], "decode_ratio": m["kh"] / m["kh_off"], "cpu": r["cpu"],
            "cpu_ratio": r["cpu"]["kh"] / r["cpu"]["rg"], "cpu_decode_ratio": r["cpu"]["kh"] / r["cpu"]["kh_off"],
            "kh_rss_mb": max(r["rss_mb"]["kh"], r["rss_mb"]["kh_off"])}


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


def print_runs(label, times):
    print(f"  {label} runs (s): {' '.join(f'{t:.2f}' for t in times)}")


def report(meta, tree, big, archives):
    print("\n== keyhound benchmark ==")
    floor = rss_floor()
    meta["rss floor"] = f"{floor:.1f} MB (peak RSS of `true` started by the launcher)"
    for k, v in meta.items():
        print(f"{k:<12} {v}")
    rows = []
    if tree:
        c = tree["counts"]
        print(f"\nTree: {tree['desc']}")
        print_runs("keyhound", tree['kh_times'])
        print_runs("keyhound --no-decode --no-archives", tree['kh_off_times'])
        print_runs("ripgrep", tree['rg_times'])
        print(f"  files: keyhound {c['kh_files']} scanned, ripgrep {c['rg_files']} listed; "
              f"keyhound read {c['kh_bytes'] / 2**20:.0f} MB")
        print(f"  matches: keyhound {c['kh_matches']} occurrences, ripgrep {c['rg_matches']} lines; "
              f"planted {tree['planted'] if tree['planted'] is not None else 'n/a'}")
        rows += [("tree: keyhound median", f"{tree['kh_median']:.2f} s", ""),
                 ("tree: keyhound off median", f"{tree['kh_off_median']:.2f} s", "(--no-decode --no-archives)"),
                 ("tree: ripgrep median", f"{tree['rg_median']:.2f} s", ""),
                 ("tree: ratio keyhound/rg", f"{tree['ratio']:.2f}", f"<= {RATIO_TARGET}  {verdict(tree['ratio'] <= RATIO_TARGET)}"),
                 ("tree: ratio decoding on/off", f"{tree['decode_ratio']:.2f}", f"<= {DECODE_TARGET}  {verdict(tree['decode_ratio'] <= DECODE_TARGET)}"),
                 ("tree: CPU s kh / off / rg", "{kh:.2f} / {kh_off:.2f} / {rg:.2f}".format(**tree['cpu']), "(user + system, medians)"),
                 ("tree: CPU ratio keyhound/rg", f"{tree['cpu_ratio']:.2f}", "(informational)"),
                 ("tree: CPU ratio on/off", f"{tree['cpu_decode_ratio']:.2f}", "(informational)"),
                 ("tree: keyhound peak RSS", rss_text(tree['kh_rss_mb'], floor), f"< {RSS_TARGET_MB} MB  {verdict(tree['kh_rss_mb'] < RSS_TARGET_MB)}"),
                 ("tree: matches kh / rg", f"{c['kh_matches']} / {c['rg_matches']}", "")]
    if big:
        c = big["counts"]
        print(f"\nBig file: {big['desc']}")
        print_runs("keyhound", big['kh_times'])
        print_runs("keyhound --no-decode --no-archives", big['kh_off_times'])
        print_runs("ripgrep", big['rg_times'])
        print(f"  matches: keyhound {c['kh_matches']}, ripgrep {c['rg_matches']}; planted {big['planted']}")
        rows += [("big file: keyhound median", f"{big['kh_median']:.2f} s", ""),
                 ("big file: ripgrep median", f"{big['rg_median']:.2f} s", ""),
                 # No speed target here: rg maps a single large file into memory, keyhound
                 # reads it in bounded buffers (the RSS target), which costs one copy.
                 ("big file: ratio keyhound/rg", f"{big['ratio']:.2f}", "(informational)"),
                 ("big file: ratio decoding on/off", f"{big['decode_ratio']:.2f}", f"<= {DECODE_TARGET}  {verdict(big['decode_ratio'] <= DECODE_TARGET)}"),
                 ("big file: CPU ratio on/off", f"{big['cpu_decode_ratio']:.2f}", "(informational)"),
                 ("big file: keyhound peak RSS", rss_text(big['kh_rss_mb'], floor), f"< {RSS_TARGET_MB} MB  {verdict(big['kh_rss_mb'] < RSS_TARGET_MB)}"),
                 ("big file: matches kh / rg", f"{c['kh_matches']} / {c['rg_matches']}", "")]
    if archives:
        a = archives
        print(f"\nArchives: {a['desc']}")
        print_runs("keyhound", a['times'])
        print_runs("keyhound --no-archives", a['off_times'])
        print(f"  matches: keyhound {a['found']} occurrences, {a['warnings']} warnings; planted {a['planted']}")
        rows += [("archives: keyhound median", f"{a['median']:.2f} s", ""),
                 ("archives: unpacked MB/s", f"{a['content_mb'] / a['median']:.0f}", "(content bytes / median)"),
                 ("archives: --no-archives median", f"{a['off_median']:.2f} s", "(informational)"),
                 ("archives: keyhound peak RSS", rss_text(a['rss_mb'], floor), f"< {RSS_TARGET_MB} MB  {verdict(a['rss_mb'] < RSS_TARGET_MB)}"),
                 ("archives: found / planted", f"{a['found']} / {a['planted']}", verdict(a['found'] == a['planted']))]
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
    ap.add_argument("--skip-archives", action="store_true")
    ap.add_argument("--archive-crates", type=int, default=400, help="crates packed into the archive corpus")
    ap.add_argument("--seed", type=int, help="random seed for the planted keys (default: fresh)")
    args = ap.parse_args()
    start_launcher()
    rng = random.Random(args.seed)
    rg, kh = ensure_ripgrep(), build_keyhound()
    meta = {"keyhound": f"{kh} ({version([kh])})", "ripgrep": f"{rg} ({version([rg])})",
            "cpus": os.cpu_count(), "runs": f"{args.runs} per tool, 1 warm-up, interleaved",
            "load avg": " ".join(f"{x:.2f}" for x in os.getloadavg())}
    tree = big = None
    if not args.skip_tree:
        corpus, planted, desc = build_corpus(args, rng)
        log(f"tree: {corpus}")
        tree = dict(compare_tools(kh, rg, corpus, args.runs), counts=counts(kh, rg, corpus), planted=planted, desc=desc)
    if not args.skip_big_file:
        path, planted = build_big_file(args, rng)
        log(f"big file: {path}")
        desc = f"{path} ({os.path.getsize(path) / 2**30:.2f} GiB)"
        big = dict(compare_tools(kh, rg, path, args.runs), counts=counts(kh, rg, path), planted=planted, desc=desc)
    archives = None
    if not args.skip_archives:
        archives = time_archives(kh, build_archive_corpus(args, rng), args.runs)
    report(meta, tree, big, archives)
    return 0


if __name__ == "__main__":
    sys.exit(main())
