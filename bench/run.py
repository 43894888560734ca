#!/usr/bin/env python3
"""End-to-end benchmark of `attache build` (issue 5), with a spaCy + rdflib peer.

    python3 bench/run.py                                # sizes 1000,10000,100000
    python3 bench/run.py --sizes 1000,10000 --timeout 1800

For each size N: generate (or reuse) a synthetic corpus of N articles with bench/gen_corpus.py
(cached under --work by N, seed and the generator's hash), run

    attache build CORPUS --out OUT

under /usr/bin/time -v, and record wall time, input MB/s, articles/s, triples/s (the triples
are those of the summary line the build prints), peak RSS, and the time ratio to the previous
size. The peer (bench/peer_spacy.py) runs on the smallest size and is timed the same way.
Results are printed as Markdown and written to bench/results.md (with a description of the
machine); anything in that file below the NOTES marker line is kept.

A size is skipped when the previous one took longer than --skip-after seconds (the brief of
issue 5: 100k only if 10k is fast), and a run is stopped after --timeout seconds. The binary
is copied out of target/ before it runs, so a concurrent `cargo build` cannot swap it mid-run.
Pure stdlib; needs cargo, and /usr/bin/time (apt-get install time) for peak RSS.
"""

import argparse
import datetime as dt
import hashlib
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GEN = os.path.join(HERE, "gen_corpus.py")
PEER = os.path.join(HERE, "peer_spacy.py")
NOTES = "<!-- NOTES: everything below this line is kept when bench/run.py rewrites the file -->"

SUMMARY = re.compile(r"read (\d+) documents? \((\d+) bytes\): (.*?); (\d+) relations, (\d+) triples")
PEER_SUMMARY = re.compile(r"peer: (\d+) documents \((\d+) bytes\): (\d+) entities, (\d+) mentions; (\d+) triples")


def sh(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def file_hash(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:10]


def corpus(work, n, seed):
    """The folder of the corpus of n articles, generated once per (n, seed, generator)."""
    path = os.path.join(work, f"corpus-n{n}-s{seed}-g{file_hash(GEN)}")
    marker = os.path.join(path, ".complete")
    if os.path.exists(marker):
        return path, False
    if os.path.exists(path):
        shutil.rmtree(path)
    t = time.perf_counter()
    subprocess.run([sys.executable, GEN, "--articles", str(n), "--out", path, "--seed", str(seed), "--quiet"], check=True)
    with open(marker, "w") as f:
        f.write(f"{n} {seed}\n")
    print(f"  generated {n} articles in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return path, True


def corpus_bytes(path):
    return sum(e.stat().st_size for e in os.scandir(path) if e.name.endswith(".txt"))


def timed(cmd, timeout):
    """Run cmd; (wall seconds, peak RSS in KiB or None, stdout, stderr, status)."""
    time_bin = shutil.which("time", path="/usr/bin:/bin")
    full = [time_bin, "-v"] + cmd if time_bin else cmd
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    proc = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        status = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        status = "timeout"
    wall = time.perf_counter() - t
    rss = None
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    if m:
        rss = int(m.group(1))
    else:
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        rss = after if after > before else None  # the largest child so far: an upper bound
    return wall, rss, out, err, status


def measured(cmd, timeout, repeat, warmup=0, before=None):
    """Run cmd `warmup` times unmeasured (so that the corpus and the program are in the page cache
    for every measured run alike), then `repeat` times (stopping at a failure): (median wall
    seconds, every wall, largest peak RSS, stdout, stderr, status, every wall of `before`) — the
    median, because a shared machine is noisy. `before`, when given, runs once right before each
    measured run: a virtual machine's speed drifts by tens of percent within an hour, so a ratio of
    two programs is fair only between runs made side by side."""
    for _ in range(max(0, warmup)):
        wall, rss, out, err, status = timed(cmd, timeout)
        if status != 0:
            return wall, [wall], rss, out, err, status, []
    walls, rsss, befores = [], [], []
    for _ in range(max(1, repeat)):
        if before:
            before_wall, _, _, _, before_status = timed(before, timeout)
            if before_status == 0:
                befores.append(before_wall)
        wall, rss, out, err, status = timed(cmd, timeout)
        walls.append(wall)
        rsss.append(rss)
        if status != 0:
            return wall, walls, rss, out, err, status, befores
    known = [r for r in rsss if r is not None]
    return statistics.median(walls), walls, (max(known) if known else None), out, err, status, befores


# Run in a child process, so that the memory is new to it: seconds to write one byte in every
# page of an anonymous mapping, the first time, then again in a new mapping once the first is
# freed (the kernel usually hands the same pages back).
FRESH_MEMORY_PROBE = r"""
import mmap, sys, time
size = int(sys.argv[1]) << 20
def touch():
    m = mmap.mmap(-1, size)
    started = time.perf_counter()
    for i in range(0, size, 4096):
        m[i] = 1
    took = time.perf_counter() - started
    m.close()
    return took
print(touch(), touch())
"""


def fresh_memory(mb=1024):
    """Seconds per GiB to first touch memory the process has never used, and to touch it again
    once freed. On a virtual machine that backs guest memory lazily, the first can be several
    times the second and changes with what ran before; a build touches its peak RSS at least
    once, so this is one reason why its time grows faster than its input, and why runs vary."""
    p = sh([sys.executable, "-c", FRESH_MEMORY_PROBE, str(mb)])
    try:
        first, again = (float(x) for x in p.stdout.split())
    except ValueError:
        return "unknown"
    gib = mb / 1024
    return f"{first / gib:.2f} s/GiB to first touch, {again / gib:.2f} s/GiB touched again once freed ({mb} MiB, before the runs)"


def source_state():
    """The commit the sources are at, and whether they differ from it: read when the binary is
    built, since a run takes long enough for the sources to change meanwhile."""
    commit = sh(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]).stdout.strip() or "unknown"
    dirty = sh(["git", "-C", ROOT, "status", "--porcelain", "--", "src", "Cargo.toml", "lexicon"]).stdout.strip()
    return commit + (" + uncommitted changes in src/, lexicon/ or Cargo.toml" if dirty else "")


def machine(built_from, fresh="unknown"):
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "unknown"
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    rustc = sh(["rustc", "--version"]).stdout.strip() if shutil.which("rustc") else "unknown"
    return {
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "cpus": str(os.cpu_count()),
        "nproc": sh(["nproc"]).stdout.strip() if shutil.which("nproc") else str(os.cpu_count()),
        "cpu": cpu,
        "memory": mem,
        "os": f"{platform.system()} {platform.release()}",
        "rustc": rustc,
        "python": platform.python_version(),
        "fresh memory": fresh,
        "commit": built_from,
    }


def fmt_s(x):
    return f"{x:.2f}" if x < 100 else f"{x:.0f}"


def main():
    ap = argparse.ArgumentParser(description="End-to-end benchmark of attache build (issue 5).")
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated corpus sizes in articles")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default="/tmp/attache-bench", help="corpora, outputs and the binary's copy")
    ap.add_argument("--timeout", type=float, default=3600, help="stop a run after this many seconds")
    ap.add_argument("--skip-after", type=float, default=60,
                    help="skip the larger sizes once a size took longer than this many seconds (0: never skip)")
    ap.add_argument("--threads", type=int, default=None, help="pass -j N to attache build")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run each build (and the peer) this many times and report the median wall time")
    ap.add_argument("--warmup", type=int, default=1,
                    help="run each build (and the peer) this many times unmeasured first (default 1)")
    ap.add_argument("--no-build", action="store_true", help="do not run cargo build --release first")
    ap.add_argument("--no-peer", action="store_true", help="do not run the spaCy + rdflib peer")
    ap.add_argument("--peer-size", type=int, default=None, help="corpus size for the peer (default: the smallest)")
    ap.add_argument("--results", default=os.path.join(HERE, "results.md"), help="Markdown file to write ('-': none)")
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    os.makedirs(args.work, exist_ok=True)

    if not shutil.which("time", path="/usr/bin:/bin"):
        print("note: /usr/bin/time is missing (apt-get install -y time); peak RSS from getrusage", file=sys.stderr)
    if not args.no_build:
        print("cargo build --release", file=sys.stderr)
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    built_from = source_state() if not args.no_build else "unknown (--no-build: the binary in target/release)"
    src = os.path.join(ROOT, "target", "release", "attache")
    binary = os.path.join(args.work, f"attache-{file_hash(src)}")
    if not os.path.exists(binary):
        shutil.copy2(src, binary)

    fresh = fresh_memory()
    print(f"fresh memory: {fresh}", file=sys.stderr)
    rows = []
    previous = None
    for n in sizes:
        if previous and (previous["status"] != 0 or (args.skip_after and previous["wall"] > args.skip_after)):
            why = (f"skipped: {previous['n']} articles took {fmt_s(previous['wall'])} s (> --skip-after {args.skip_after:g} s)"
                   if previous["status"] == 0 else f"skipped: {previous['n']} articles did not finish")
            rows.append({"n": n, "status": "skipped", "why": why})
            print(f"{n}: {why}", file=sys.stderr)
            continue
        path, _ = corpus(args.work, n, args.seed)
        out = os.path.join(args.work, f"out-n{n}")
        cmd = [binary, "build", path, "--out", out]
        if args.threads:
            cmd += ["-j", str(args.threads)]
        print(f"{n}: {' '.join(cmd)}", file=sys.stderr)
        wall, walls, rss, stdout, stderr, status, _ = measured(cmd, args.timeout, args.repeat, args.warmup)
        row = {"n": n, "wall": wall, "walls": walls, "rss": rss, "status": status, "bytes": corpus_bytes(path)}
        m = SUMMARY.search(stdout)
        if m:
            row.update(docs=int(m.group(1)), bytes=int(m.group(2)), classes=m.group(3),
                       relations=int(m.group(4)), triples=int(m.group(5)))
        if status != 0:
            row["why"] = (f"stopped after --timeout {args.timeout:g} s" if status == "timeout"
                          else f"exit {status}: {stderr.strip().splitlines()[-1] if stderr.strip() else ''}")
        print(f"  {fmt_s(wall)} s (runs: {', '.join(fmt_s(w) for w in walls)}), peak RSS {rss // 1024 if rss else '?'} MB, status {status}", file=sys.stderr)
        rows.append(row)
        previous = row

    peer = None
    if not args.no_peer:
        n = args.peer_size or sizes[0]
        path, _ = corpus(args.work, n, args.seed)
        check = sh([sys.executable, "-c", "import spacy, rdflib"])
        if check.returncode != 0:
            peer = {"n": n, "status": "unavailable", "why": "spaCy or rdflib cannot be imported (pip install spacy rdflib): "
                    + (check.stderr.strip().splitlines() or [""])[-1]}
        else:
            out = os.path.join(args.work, f"peer-out-n{n}")
            cmd = [sys.executable, PEER, path, "--out", out]
            # attache again on the same articles, right before each peer run: the ratio compares
            # runs made side by side, not the peer's against attache's of several minutes earlier.
            alongside = [binary, "build", path, "--out", os.path.join(args.work, f"out-n{n}-alongside-peer")]
            if args.threads:
                alongside += ["-j", str(args.threads)]
            print(f"peer {n}: {' '.join(cmd)}, each measured run after one of {' '.join(alongside)}", file=sys.stderr)
            wall, walls, rss, stdout, stderr, status, attache_walls = measured(cmd, args.timeout, args.repeat, args.warmup, before=alongside)
            peer = {"n": n, "wall": wall, "walls": walls, "rss": rss, "status": status, "bytes": corpus_bytes(path),
                    "attache_walls": attache_walls}
            m = PEER_SUMMARY.search(stdout)
            if m:
                peer.update(entities=int(m.group(3)), mentions=int(m.group(4)), triples=int(m.group(5)))
            if status != 0:
                peer["why"] = f"status {status}: {stderr.strip().splitlines()[-1] if stderr.strip() else ''}"
            print(f"  {fmt_s(wall)} s (runs: {', '.join(fmt_s(w) for w in walls)}), peak RSS {rss // 1024 if rss else '?'} MB; "
                  f"attache alongside: {', '.join(fmt_s(w) for w in attache_walls)} s", file=sys.stderr)

    md = report(rows, peer, machine(built_from, fresh), args)
    print(md)
    if args.results != "-":
        kept = ""
        if os.path.exists(args.results):
            with open(args.results) as f:
                old = f.read()
            if NOTES in old:
                kept = old.split(NOTES, 1)[1]
        with open(args.results, "w") as f:
            f.write(md + "\n" + NOTES + kept.rstrip("\n") + "\n")
        print(f"wrote {args.results}", file=sys.stderr)


def report(rows, peer, m, args):
    lines = ["# Benchmark results", "",
             f"Written by `python3 bench/run.py --sizes {args.sizes}{' --repeat ' + str(args.repeat) if args.repeat > 1 else ''}` on {m['date']} "
             f"(seed {args.seed}, corpora from `bench/gen_corpus.py`, default outputs graph.ttl + graph.trig + graph.dot"
             f"{', -j ' + str(args.threads) if args.threads else ''}"
             f"{'; wall times are the median of ' + str(args.repeat) + ' runs, listed under each table, peak RSS the largest' if args.repeat > 1 else ''}"
             f"{'; each after ' + str(args.warmup) + ' unmeasured warm-up run' + ('s' if args.warmup > 1 else '') if args.warmup > 0 else ''}).", "",
             "| machine | |", "| --- | --- |",
             f"| CPU | {m['cpu']} |", f"| cores (`nproc`) | {m['nproc']} |", f"| memory | {m['memory']} |",
             f"| OS | {m['os']} |", f"| fresh memory | {m['fresh memory']} |",
             f"| rustc | {m['rustc']} |", f"| python | {m['python']} |",
             f"| attache | {m['commit']} |", "",
             "## attache build", "",
             "| articles | input MB | wall s | MB/s | articles/s | triples | triples/s | peak RSS MB | time ratio to previous size |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    prev = None
    for r in rows:
        if r["status"] == "skipped":
            lines.append(f"| {r['n']} | | | | | | | | {r['why']} |")
            continue
        mb = r["bytes"] / 1e6
        if r["status"] != 0:
            lines.append(f"| {r['n']} | {mb:.1f} | > {fmt_s(r['wall'])} | < {mb / r['wall']:.3f} | < {r['n'] / r['wall']:.1f} "
                         f"| | | {r['rss'] // 1024 if r['rss'] else '?'} (at stop) | {r.get('why', '')} |")
            prev = None
            continue
        ratio = ""
        if prev:
            ratio = f"{r['wall'] / prev['wall']:.1f}× for {r['n'] / prev['n']:.0f}× the articles"
        t = r.get("triples")
        lines.append(f"| {r['n']} | {mb:.1f} | {fmt_s(r['wall'])} | {mb / r['wall']:.3f} | {r['n'] / r['wall']:.1f} | "
                     f"{t if t is not None else '?'} | {(t / r['wall']) if t else 0:.0f} | "
                     f"{r['rss'] // 1024 if r['rss'] else '?'} | {ratio} |")
        prev = r
    runs = [r for r in rows if len(r.get("walls", [])) > 1]
    if runs:
        lines += ["", "Every run, in seconds: " + "; ".join(
            f"{r['n']} articles {', '.join(fmt_s(w) for w in r['walls'])}" for r in runs) + "."]
    done = [r for r in rows if r["status"] == 0 and "classes" in r]
    if done:
        lines += ["", "What the builds found:", ""]
        lines += [f"- {r['n']} articles: {r['classes']}; {r['relations']} relations, {r['triples']} triples" for r in done]
    if peer:
        lines += ["", "## Peer: spaCy rules + rdflib (`bench/peer_spacy.py`)", ""]
        if peer["status"] == "unavailable":
            lines.append(peer["why"])
        else:
            alongside = peer.get("attache_walls") or []
            base_wall = statistics.median(alongside) if alongside else None
            lines += ["| articles | wall s | MB/s | articles/s | entities | mentions | triples | triples/s | peak RSS MB | peer time / attache time (side by side) |",
                      "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
            mb = peer["bytes"] / 1e6
            ratio = f"{peer['wall'] / base_wall:.2f}" if base_wall and peer["status"] == 0 else "n/a"
            lines.append(f"| {peer['n']} | {fmt_s(peer['wall'])} | {mb / peer['wall']:.3f} | {peer['n'] / peer['wall']:.1f} | "
                         f"{peer.get('entities', '?')} | {peer.get('mentions', '?')} | {peer.get('triples', '?')} | "
                         f"{peer.get('triples', 0) / peer['wall']:.0f} | {peer['rss'] // 1024 if peer['rss'] else '?'} | {ratio} |")
            if len(peer.get("walls", [])) > 1:
                lines += ["", "Every run, in seconds: " + ", ".join(fmt_s(w) for w in peer["walls"]) + "."]
            if alongside:
                lines += ["", f"attache was timed again on the same {peer['n']} articles right before each measured peer run "
                          f"({', '.join(fmt_s(w) for w in alongside)} s, median {fmt_s(base_wall)} s): the ratio is the peer's "
                          "median over that median, so that both programs meet the machine in the same state (its speed drifts "
                          "by tens of percent within an hour)."]
            if peer["status"] != 0:
                lines.append(f"\nThe peer did not finish: {peer.get('why', '')}")
            lines += ["", "The peer finds mentions with general EntityRuler patterns and makes one entity per "
                      "(class, folded name): no relations, dates, visits or cross-document transliteration matching, "
                      "so it does less than attache; the ratio is what a user would otherwise run, not like for like."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
