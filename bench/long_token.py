"""Bounded work for one long token (a script, not a CI test): `checker scan` on a line holding one
word of N random letters, beside the same line with an ordinary rare word, in the same run.

Reports the median wall time of --runs runs (whole process: start-up and model loading
included, as a user sees it) and the peak RSS of each, from os.wait4. Target: a 10,000-letter
word under 1 s and 300 MB. Words over checker.document.MAX_WORD_CHARS get cheap evidence only.

    python bench/long_token.py [--runs 3] [--lengths 10000,100000] [--lang en]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_once(path: Path, lang: str) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one `checker scan` process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-m", "checker", "scan", "--lang", lang, str(path)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"checker scan {path} exited {p.returncode}: {p.stderr.read().decode()[-500:]}")
    return dt, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--lengths", default="10000,100000")
    ap.add_argument("--lang", default="en")
    ap.add_argument("--seed", type=int, default=3)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    cases = [("ordinary rare word (zorvanted)", "zorvanted")]
    for n in (int(x) for x in a.lengths.split(",")):
        cases.append((f"{n:,}-letter word", "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(n))))
    with tempfile.TemporaryDirectory() as d:
        files = []
        for i, (_, word) in enumerate(cases):
            f = Path(d) / f"case{i}.txt"
            f.write_text(f"The word {word} is in this line.\n", encoding="utf-8")
            files.append(f)
        res: dict[int, list[tuple[float, float]]] = {i: [] for i in range(len(cases))}
        for _ in range(a.runs):  # interleaved, so drifting machine load hits every case alike
            for i, f in enumerate(files):
                res[i].append(run_once(f, a.lang))
    print(f"checker scan --lang {a.lang}, one line, median of {a.runs} runs (process start-up included)")
    print(f"{'case':34s} {'wall s':>8s} {'peak RSS MiB':>13s}")
    for i, (name, _) in enumerate(cases):
        t = statistics.median(x for x, _ in res[i])
        m = max(y for _, y in res[i])
        print(f"{name:34s} {t:8.2f} {m:13.0f}")


if __name__ == "__main__":
    main()
