#!/usr/bin/env python3
"""The number and name checks on real MT output whose words were labelled by people: the QE sets
of ``../shared/corpora/real-errors`` (WMT QE word tags from post-editing or MQM; every set with a
source). A flag is confirmed when its span overlaps a span the annotators marked bad; beside it,
the base rate: the share of all such tokens (numbers; capitalised words) that are marked bad — a
check that picked at random would be confirmed that often.

    python bench/source_checks_qe.py [--out build/bench/source_checks_qe.json]

Read the real-errors README's caveats: a post-editor may leave a wrong number or name (a flag
then counts as unconfirmed), and MQM marks the span of the error it saw, which may not cover the
token flagged.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker import Checker  # noqa: E402
from checker.document import Document  # noqa: E402
from checker.errors import LanguageError  # noqa: E402
from checker.languages import normalize_lang  # noqa: E402
from checker.numbers import compare, find_numbers  # noqa: E402

REAL = ROOT.parent / "shared" / "corpora" / "real-errors"


def _bad(spans: list[dict], s: int, e: int) -> bool:
    return any(g["start"] < e and s < g["end"] for g in spans)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "bench" / "source_checks_qe.json")
    args = ap.parse_args()
    rows = {}
    tot = defaultdict(int)
    for src_file in sorted(REAL.glob("*.src.txt")):
        name = src_file.name[:-len(".src.txt")]
        lines = (REAL / f"{name}.txt").read_text(encoding="utf-8").split("\n")[:-1]
        srcs = src_file.read_text(encoding="utf-8").split("\n")[:-1]
        gold = [json.loads(x) for x in open(REAL / f"{name}.gold.jsonl", encoding="utf-8")]
        try:
            lang, slang = normalize_lang(gold[0]["lang"]), normalize_lang(gold[0]["source_lang"])
        except LanguageError:
            continue
        sig = next(x for x in Checker(lang=lang)._parts(lang)[1] if x.name == "name")
        c = defaultdict(int)
        for line, src, g in zip(lines, srcs, gold):
            spans = g["gold"]
            for n in find_numbers(line, lang):
                c["numbers"] += 1
                c["numbers_bad"] += _bad(spans, n.start, n.end)
            for m in compare(line, src, lang, slang):
                c["number_flags"] += 1
                c["number_confirmed"] += _bad(spans, m.number.start, m.number.end)
            for m in re.finditer(r"\w+", line):
                if m.group()[:1].isupper() and len(m.group()) >= 4 and m.start() > 0:
                    c["caps"] += 1
                    c["caps_bad"] += _bad(spans, m.start(), m.end())
            d = Document.from_text(line, lang, src, slang)
            sig(d)
            for f in d.meta.get("names", []):
                c["name_flags"] += 1
                c["name_confirmed"] += _bad(spans, f.start, f.end)
        for k, v in c.items():
            tot[k] += v
        rows[name] = dict(c)
        print(name, json.dumps(dict(c)), flush=True)

    def rate(a: str, b: str, d) -> float | None:
        return round(d[a] / d[b], 3) if d[b] else None

    summary = {"number_flags": tot["number_flags"], "number_confirmed": rate("number_confirmed", "number_flags", tot),
               "number_base_rate": rate("numbers_bad", "numbers", tot),
               "name_flags": tot["name_flags"], "name_confirmed": rate("name_confirmed", "name_flags", tot),
               "capitalised_base_rate": rate("caps_bad", "caps", tot)}
    print(json.dumps(summary))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"summary": summary, "sets": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
