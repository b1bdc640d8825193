#!/usr/bin/env python3
"""fix@1 with the source given, per kind, on the synthetic test split (not a test): the first
suggestion of a flag overlapping an injected error equals the word the injection replaced.

    python bench/make_synthetic.py ...   # writes build/bench/test/<lang>.{noisy,src,gold}.* (once)
    python bench/source_fixes.py --langs de,cs,fr,es

Each line is checked with its source line and the split's word counts as context, as
bench/run_benchmark.py's scan does; only the fix is measured here (recall is that bench's).
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker import Checker  # noqa: E402
from checker.document import word_counts  # noqa: E402

KINDS = ("non-word", "misspelling", "foreign", "script", "untranslated")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--langs", default="de,cs,fr,es")
    ap.add_argument("--test", type=Path, default=ROOT / "build" / "bench" / "test")
    args = ap.parse_args()
    tot: collections.Counter = collections.Counter()
    for lang in args.langs.split(","):
        gold = [json.loads(x) for x in open(args.test / f"{lang}.gold.jsonl", encoding="utf-8")]
        noisy = (args.test / f"{lang}.noisy.txt").read_text(encoding="utf-8").split("\n")
        src = (args.test / f"{lang}.src.txt").read_text(encoding="utf-8").split("\n")
        chk = Checker(lang=lang)
        ctx = word_counts(noisy)
        n: collections.Counter = collections.Counter()
        ok: collections.Counter = collections.Counter()
        for g in gold:
            i = g["line"]
            rep = chk.check(noisy[i], source=src[i], source_lang="en" if lang != "en" else "de", context=ctx, lang=lang)
            for sp in g["spans"]:
                if sp["kind"] not in KINDS:
                    continue
                hit = [a for a in rep.anomalies if a.start < sp["end"] and sp["start"] < a.end]
                if hit:
                    n[sp["kind"]] += 1
                    ok[sp["kind"]] += bool(hit[0].suggestions and hit[0].suggestions[0].text == sp["original"])
        print(lang, json.dumps({k: f"{ok[k]}/{n[k]}" for k in KINDS if n[k]}), flush=True)
        for k in KINDS:
            tot[k, "n"] += n[k]
            tot[k, "ok"] += ok[k]
    print(json.dumps({k: round(tot[k, "ok"] / tot[k, "n"], 3) for k in KINDS if tot[k, "n"]}))


if __name__ == "__main__":
    main()
