"""Speed and memory benchmark (not a test): `checker scan` over all English system outputs of
WMT22 beside `hunspell -l` on the same file in the same run, and cold `checker check` on the
sample article. Medians of --runs runs; peak RSS of each process from wait4().

    python bench/speed.py [--shared ../shared] [--runs 3] [--jobs 1 2] [--baseline DIR]

``--baseline DIR`` also times ``checker scan -j 1`` from another checkout (e.g. a git worktree of
the last release: ``git worktree add /tmp/base <rev>``), interleaved with ours in the same run, so a
change's effect on speed is a ratio measured under the same load.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], stdout=subprocess.DEVNULL, cwd: Path = ROOT) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one command (run in ``cwd``: ``-m checker`` imports the
    package found there first)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, cwd=cwd)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}: {p.stderr.read().decode()[-500:]}")
    return wall, ru.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--lines", type=int, default=0, help="use only the first N lines (0 = all)")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="checker -j values to time")
    ap.add_argument("--baseline", help="another checkout whose `checker scan -j 1` is timed beside ours")
    args = ap.parse_args()
    outs = sorted((Path(args.shared) / "corpora" / "wmt22" / "system-outputs").glob("*.en"))
    corpus = ROOT / "build" / "wmt22-en-all.txt"
    corpus.parent.mkdir(exist_ok=True)
    with open(corpus, "w", encoding="utf-8") as f:
        n = 0
        for p in outs:
            for line in p.read_text(encoding="utf-8").splitlines():
                if args.lines and n >= args.lines:
                    break
                f.write(line + "\n")
                n += 1
    words = sum(len(l.split()) for l in corpus.read_text(encoding="utf-8").splitlines())
    py = sys.executable
    ours = {f"checker scan -j {j}": [py, "-m", "checker", "scan", str(corpus), "--lang", "en", "--format", "jsonl",
                                      "-j", str(j)] for j in args.jobs}
    hun_cmd = ["hunspell", "-l", "-d", "en_US", str(corpus)]
    base = {}
    if args.baseline:
        base = {"baseline scan -j 1": ([py, "-m", "checker", "scan", str(corpus), "--lang", "en", "--format", "jsonl",
                                        "-j", "1"], Path(args.baseline).resolve())}
    res: dict[str, list[tuple[float, float]]] = {k: [] for k in ours} | {k: [] for k in base} | {"hunspell -l": []}
    for _ in range(args.runs):  # interleaved, so all see the same machine load
        for name, cmd in ours.items():
            res[name].append(timed(cmd))
        for name, (cmd, cwd) in base.items():
            res[name].append(timed(cmd, cwd=cwd))
        res["hunspell -l"].append(timed(hun_cmd))
    sample = ROOT / "corpora" / "samples" / "harbour.en.txt"
    cold = [timed([py, "-m", "checker", "check", str(sample), "--lang", "en"])[0] for _ in range(5)]
    table = {}
    for name, runs in res.items():
        wall = statistics.median(r[0] for r in runs)
        table[name] = {"wall_s": round(wall, 2), "words_per_s": round(words / wall), "peak_rss_mib": round(max(r[1] for r in runs), 1),
                       "runs_wall_s": [round(r[0], 2) for r in runs]}
    ratio = {k: round(table[k]["words_per_s"] / table["hunspell -l"]["words_per_s"], 3) for k in [*ours, *base]}
    report = {"corpus": f"{len(outs)} WMT22 English system outputs, {n} lines, {words} words", "runs": args.runs,
              "results": table, "ratio_vs_hunspell": ratio, "target_ratio": 0.5,
              "cold_check_sample_s_median_of_5": round(statistics.median(cold), 2), "cold_runs_s": [round(c, 2) for c in cold]}
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
