#!/usr/bin/env python3
"""The character-model check (signals/charseq.py) on real MT output: flags per 1,000 characters
on every WMT22 en-zh and en-ja system output, and a random sample of its flags to judge by hand.

    python bench/cjk_flags_wmt22.py                       # counts, and the unjudged sample on stdout
    python bench/cjk_flags_wmt22.py --score bench/cjk_flags_wmt22.tsv   # precision of a judged file
    python bench/cjk_flags_wmt22.py --kind homophone      # every homophone flag instead of the sample

The sample (seed 20261130): 30 zh and 20 ja flags drawn uniformly from all flags of all systems.
The judged file has the sample's columns plus ``verdict`` (correct: the target really has a
garbled run or a character read alike in place of the right one; wrong: a false alarm) and a
reason. Its numbers set ``garbled_score``/``homophone_score`` in models/detector.json.
"""
from __future__ import annotations

import argparse
import collections
import csv
import glob
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker.resources import Resources  # noqa: E402
from checker.signals.charseq import CharSequenceSignal  # noqa: E402

WMT22 = ROOT.parent / "shared" / "corpora" / "wmt22" / "system-outputs"
COLUMNS = ["row", "lang", "system", "line", "kind", "flagged", "fix", "context"]


def flags(lang: str) -> tuple[list[list], int]:
    sig = CharSequenceSignal(Resources(lang=lang))
    out, chars = [], 0
    for p in sorted(glob.glob(str(WMT22 / f"*.en-{lang}.hyp.*.{lang}"))):
        system = p.split(".hyp.")[1].rsplit(".", 1)[0]
        with open(p, encoding="utf-8") as f:
            for ln, line in enumerate(f):
                line = line.rstrip("\n")
                chars += len(line.replace(" ", ""))
                runs, homs = sig.find_line(line)
                for r in runs:
                    out.append([lang, system, ln, "garbled", line[r.start:r.end], "", line[max(0, r.start - 12):r.end + 12]])
                for h in homs:
                    out.append([lang, system, ln, "homophone", line[h.start:h.end], h.fix,
                                line[max(0, h.start - 12):h.end + 12]])
    return out, chars


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--score", type=Path, help="a judged TSV: print precision per language and kind")
    ap.add_argument("--seed", type=int, default=20261130)
    ap.add_argument("--kind", choices=("garbled", "homophone"),
                    help="print every flag of this kind (both languages) instead of the sample")
    args = ap.parse_args()
    if args.score:
        rows = list(csv.DictReader(open(args.score, encoding="utf-8"), delimiter="\t"))
        tally: collections.Counter = collections.Counter()
        for r in rows:
            for key in ("all", r["lang"], r["kind"], f"{r['lang']} {r['kind']}"):
                tally[key, r["verdict"]] += 1
        for key in sorted({k for k, _ in tally}):
            c, w = tally[key, "correct"], tally[key, "wrong"]
            print(f"{key:14s} precision {c}/{c + w} = {c / (c + w):.2f}" if c + w else key)
        return
    sample = []
    for lang, n in (("zh", 30), ("ja", 20)):
        got, chars = flags(lang)
        kinds = collections.Counter(f[3] for f in got)
        print(f"{lang}: {chars} characters, {len(got)} flags = {1000 * len(got) / chars:.3f} per 1,000 "
              f"characters ({dict(kinds)})", file=sys.stderr)
        if args.kind:
            sample += [f for f in got if f[3] == args.kind]
            continue
        sample += random.Random(args.seed).sample(got, min(n, len(got)))
    w = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    w.writerow(COLUMNS)
    for i, r in enumerate(sample):
        w.writerow([i, *r])


if __name__ == "__main__":
    main()
