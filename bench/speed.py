"""Speed and memory benchmark (not a test): `checker scan` beside `hunspell -l` on the same file in
the same run, on three corpora: all English system outputs of WMT22, and the Czech and Ukrainian
news text; and cold `checker check` on the sample article. Medians of --runs runs, interleaved so
all see the same machine load; peak RSS of each process from wait4().

    python bench/speed.py [--shared ../shared] [--runs 3] [--jobs 1 2] [--corpora wmt22-en news-cs news-uk]
                          [--baseline DIR]

Every run's output is kept (build/bench/speed/) and compared: ``-j N`` must print what ``-j 1``
prints, and ``--baseline DIR`` (another checkout, e.g. ``git worktree add /tmp/base <rev>``) is
timed beside ours and its output compared line by line, so a change's effect on speed is a ratio
measured under the same load, next to the number of lines whose results it changed.
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
#: corpus name -> (checker language, hunspell dictionary)
CORPORA = {"wmt22-en": ("en", "en_US"), "news-cs": ("cs", "cs_CZ"), "news-uk": ("uk", "uk_UA")}


def timed(cmd: list[str], out: Path | None = None, cwd: Path = ROOT) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one command, its stdout to ``out`` (run in ``cwd``:
    ``-m checker`` imports the package found there first)."""
    with open(out or os.devnull, "wb") as f:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=f, stderr=subprocess.PIPE, cwd=cwd)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}: {p.stderr.read().decode()[-500:]}")
    return wall, ru.ru_maxrss / 1024


def corpus_file(name: str, shared: Path, lines: int) -> Path:
    """The corpus as one file under build/ (WMT22: every English system output, concatenated)."""
    if name == "wmt22-en":
        srcs = sorted((shared / "corpora" / "wmt22" / "system-outputs").glob("*.en"))
    else:
        srcs = [shared / "corpora" / "news" / f"{name.split('-')[1]}.txt"]
    out = ROOT / "build" / f"{name}{f'-{lines}' if lines else ''}.txt"
    out.parent.mkdir(exist_ok=True)
    n = 0
    with open(out, "w", encoding="utf-8") as f:
        for p in srcs:
            for line in p.read_text(encoding="utf-8").splitlines():
                if lines and n >= lines:
                    break
                f.write(line + "\n")
                n += 1
    return out


def differing_lines(a: Path, b: Path) -> int:
    la, lb = a.read_bytes().splitlines(), b.read_bytes().splitlines()
    return sum(x != y for x, y in zip(la, lb)) + abs(len(la) - len(lb))


def bench(name: str, args, outdir: Path) -> dict:
    lang, dic = CORPORA[name]
    corpus = corpus_file(name, Path(args.shared), args.lines)
    text = corpus.read_text(encoding="utf-8")
    words, n_lines = sum(len(l.split()) for l in text.splitlines()), text.count("\n")
    py = sys.executable
    scan = [py, "-m", "checker", "scan", str(corpus), "--lang", lang, "--format", "jsonl"]
    runs = {f"checker scan -j {j}": (scan + ["-j", str(j)], ROOT) for j in args.jobs}
    if args.baseline:
        runs["baseline scan -j 1"] = (scan + ["-j", "1"], Path(args.baseline).resolve())
    runs["hunspell -l"] = (["hunspell", "-l", "-d", dic, str(corpus)], ROOT)
    res: dict[str, list[tuple[float, float]]] = {k: [] for k in runs}
    for _ in range(args.runs):  # interleaved, so all see the same machine load
        for key, (cmd, cwd) in runs.items():
            res[key].append(timed(cmd, outdir / f"{name}.{key.replace(' ', '_')}.out", cwd))
    table = {}
    for key, rs in res.items():
        wall = statistics.median(r[0] for r in rs)
        table[key] = {"wall_s": round(wall, 2), "words_per_s": round(words / wall),
                      "peak_rss_mib": round(max(r[1] for r in rs), 1), "runs_wall_s": [round(r[0], 2) for r in rs]}
    hun = table["hunspell -l"]["words_per_s"]
    one = outdir / f"{name}.checker_scan_-j_1.out"
    report = {"corpus": f"{corpus.name}: {n_lines} lines, {words} words ({lang}, hunspell -d {dic})",
              "results": table,
              "ratio_vs_hunspell": {k: round(v["words_per_s"] / hun, 3) for k, v in table.items() if k != "hunspell -l"}}
    if 1 in args.jobs:
        report["speedup_vs_j1"] = {f"-j {j}": round(table["checker scan -j 1"]["wall_s"] / table[f"checker scan -j {j}"]["wall_s"], 3)
                                   for j in args.jobs if j != 1}
        # the output must not depend on the number of processes, nor (for a speed change) on the version
        report["lines_differing_from_j1"] = {k: differing_lines(one, outdir / f"{name}.{k.replace(' ', '_')}.out")
                                             for k in runs if k.startswith(("checker", "baseline")) and k != "checker scan -j 1"}
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--lines", type=int, default=0, help="use only the first N lines of each corpus (0 = all)")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="checker -j values to time")
    ap.add_argument("--corpora", nargs="+", default=list(CORPORA), choices=list(CORPORA))
    ap.add_argument("--baseline", help="another checkout whose `checker scan -j 1` is timed beside ours")
    args = ap.parse_args()
    outdir = ROOT / "build" / "bench" / "speed"
    outdir.mkdir(parents=True, exist_ok=True)
    report = {"runs": args.runs, "targets": {"wmt22-en": "scan -j 1 >= 2.0x hunspell -l",
                                              "news-cs, news-uk": "scan -j 1 >= 1.0x hunspell -l",
                                              "-j 2": ">= 1.7x -j 1"},
              "corpora": {name: bench(name, args, outdir) for name in args.corpora}}
    sample = ROOT / "corpora" / "samples" / "harbour.en.txt"
    cold = [timed([sys.executable, "-m", "checker", "check", str(sample), "--lang", "en"])[0] for _ in range(5)]
    report["cold_check_sample_s_median_of_5"] = round(statistics.median(cold), 2)
    report["cold_runs_s"] = [round(c, 2) for c in cold]
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
