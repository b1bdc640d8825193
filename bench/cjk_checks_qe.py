#!/usr/bin/env python3
"""The opt-in character-model check (``charseq``) on real MT output whose words people labelled:
the en-zh and en-ja QE sets of ``../shared/corpora/real-errors`` (MLQE-PE post-edits, WMT22 QE),
their held-out (test) halves (``checker.evaluate.real_split``). A flag is confirmed when its span
overlaps a span the annotators marked bad; beside it, the same-length span at a random Han/kana
position of the same line (seeded): how often a check that picked at random would be confirmed,
and the default checker's own flags on the same lines. Hunspell has no zh/ja dictionary.

    python bench/cjk_checks_qe.py [--split test] [--out build/bench/cjk_checks_qe.json]

Caveat (the set's README): QE tags mark words a post-editor changed for any reason — mostly
meaning and fluency, rarely garbage — so "confirmed" is an upper bound on errors of charseq's kind.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker import Checker  # noqa: E402
from checker.charlm import COUNTABLE_RUN  # noqa: E402
from checker.evaluate import load_real_set  # noqa: E402
from checker.resources import Resources  # noqa: E402
from checker.signals.charseq import CharSequenceSignal  # noqa: E402

REAL = ROOT.parent / "shared" / "corpora" / "real-errors"
SETS = {"qe_enzh": "zh", "qe22_enja": "ja"}


def _bad(spans, s: int, e: int) -> bool:
    return any(g.start < e and s < g.end for g in spans)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="test", choices=["dev", "test"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "bench" / "cjk_checks_qe.json")
    args = ap.parse_args()
    result = {}
    for name, lang in SETS.items():
        rs = load_real_set(REAL, name, split=args.split)
        sig = CharSequenceSignal(Resources(lang=lang))
        chk = Checker(lang=lang)
        rng = random.Random(f"{args.seed}-{name}")
        n = {"flags": 0, "confirmed": 0, "random_confirmed": 0, "default_flags": 0, "default_confirmed": 0}
        chars = bad_chars = 0
        examples = []
        for ln in rs.lines:
            text = ln.text
            runs, homs = sig.find_line(text)
            spots = [i for m in COUNTABLE_RUN.finditer(text) for i in range(m.start(), m.end())]
            chars += len(spots)
            bad_chars += sum(_bad(ln.spans, i, i + 1) for i in spots)
            for f in runs + homs:
                n["flags"] += 1
                hit = _bad(ln.spans, f.start, f.end)
                n["confirmed"] += hit
                if len(examples) < 20:
                    examples.append([text[f.start:f.end], f.fix, hit, text[max(0, f.start - 8):f.end + 8]])
                if spots:
                    s = rng.choice(spots)
                    n["random_confirmed"] += _bad(ln.spans, s, s + f.end - f.start)
            for a in chk.check(text, source=ln.source, source_lang=rs.source_lang).anomalies:
                n["default_flags"] += 1
                n["default_confirmed"] += _bad(ln.spans, a.start, a.end)
        row = {"lines": len(rs.lines), "han_kana_chars": chars, **n,
               "flags_per_1k_chars": round(1000 * n["flags"] / max(chars, 1), 3),
               "confirmed_share": round(n["confirmed"] / n["flags"], 3) if n["flags"] else None,
               "random_confirmed_share": round(n["random_confirmed"] / n["flags"], 3) if n["flags"] else None,
               "default_confirmed_share": round(n["default_confirmed"] / n["default_flags"], 3) if n["default_flags"] else None,
               "bad_char_share": round(bad_chars / max(chars, 1), 3), "examples": examples}
        result[name] = row
        print(name, json.dumps({k: v for k, v in row.items() if k != "examples"}), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"split": args.split, "sets": result}, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
