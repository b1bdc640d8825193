#!/usr/bin/env python3
"""The number (or, with ``--kind name``, the name) check on real MT output with its source: WMT22 general test, every pair with English
on one side, every system's output and the human references. Flags per 1,000 words, and a seeded
sample of flags on system outputs written for judging by hand (bench/number_flags_sample.tsv:
the judgement column is filled in by a person, ``y`` = the target's number is wrong or
unsupported by the source, ``n`` = a false alarm; ``--score`` reads it back).

    python bench/number_flags_wmt22.py [--sample 100] [--write-sample]
    python bench/number_flags_wmt22.py --score bench/number_flags_sample.tsv

Samples are judged in rounds: each one drawn from segments no earlier sample had (``--exclude``),
at the code of its round. Round 1 (seed 0, ``number_flags_sample_dev.tsv``) and round 2 (seed 1,
``number_flags_sample_r2.tsv``) showed what to change; the reported one is the latest
(``number_flags_sample.tsv``), drawn after the changes they prompted.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker.errors import LanguageError  # noqa: E402
from checker.languages import normalize_lang  # noqa: E402
from checker.numbers import compare, format_number  # noqa: E402

WMT = ROOT.parent / "shared" / "corpora" / "wmt22"
SAMPLE = ROOT / "bench" / "number_flags_sample.tsv"


def pairs() -> list[tuple[str, str]]:
    out = []
    for p in sorted((WMT / "sources").glob("generaltest2022.*.src.*")):
        s, t = p.name.split(".")[1].split("-")
        if "en" in (s, t):
            out.append((s, t))
    return out


def _number_flags(a: str, b: str, lang: str, slang: str) -> list[tuple[str, str, str]]:
    return [(m.number.text, format_number(m.meant.main, lang, m.number.text) if m.meant else "", m.note)
            for m in compare(a, b, lang, slang)]


def _name_flags(lang: str):
    from checker import Checker
    from checker.document import Document

    sig = next(x for x in Checker(lang=lang)._parts(lang)[1] if x.name == "name")

    def check(a: str, b: str, lang: str, slang: str) -> list[tuple[str, str, str]]:
        d = Document.from_text(a, lang, b, slang)
        sig(d)
        return [(a[f.start:f.end], f.fix, f.note) for f in d.meta.get("names", [])]
    return check


def words(line: str, lang: str) -> int:
    return len(line) // 2 if lang in ("zh", "ja") else len(line.split())  # CJK: ~2 characters a word


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kind", choices=("number", "name"), default="number")
    ap.add_argument("--sample", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--write-sample", action="store_true", help=f"(over)write {SAMPLE.name} for judging")
    ap.add_argument("--score", type=Path, help="read judgements back: precision of the sample")
    ap.add_argument("--exclude", type=Path, nargs="*", default=[], help="judged samples whose segments the new one leaves out")
    ap.add_argument("--sample-file", type=Path, default=SAMPLE, help=f"where --write-sample writes (default {SAMPLE.name})")
    args = ap.parse_args()
    if args.score:
        rows = list(csv.DictReader(open(args.score, encoding="utf-8"), delimiter="\t"))
        judged = [r for r in rows if r["judgement"] in ("y", "n")]
        good = sum(r["judgement"] == "y" for r in judged)
        by_pair = defaultdict(lambda: [0, 0])
        for r in judged:
            by_pair[r["pair"]][0] += r["judgement"] == "y"
            by_pair[r["pair"]][1] += 1
        print(json.dumps({"judged": len(judged), "correct": good, "precision": round(good / len(judged), 3) if judged else None,
                          "by_pair": {k: f"{a}/{b}" for k, (a, b) in sorted(by_pair.items())}}))
        return
    table = {}
    flags = []
    if args.kind == "name" and args.sample_file == SAMPLE:
        args.sample_file = ROOT / "bench" / "name_flags_sample.tsv"
    for s, t in pairs():
        src = (WMT / "sources" / f"generaltest2022.{s}-{t}.src.{s}").read_text(encoding="utf-8").split("\n")
        try:
            lang, slang = normalize_lang(t), normalize_lang(s)
        except LanguageError:  # Livonian: no checker for it
            continue
        check = _number_flags if args.kind == "number" else _name_flags(lang)
        for kind, glob in (("systems", f"system-outputs/generaltest2022.{s}-{t}.hyp.*.{t}"),
                           ("references", f"references/generaltest2022.{s}-{t}.ref.*.{t}")):
            n_words = n_flags = 0
            for f in sorted(WMT.glob(glob)):
                system = f.name.split(".")[3]
                for i, (a, b) in enumerate(zip(f.read_text(encoding="utf-8").split("\n"), src)):
                    if not a.strip():
                        continue
                    n_words += words(a, lang)
                    for text, fix, note in check(a, b, lang, slang):
                        n_flags += 1
                        if kind == "systems":
                            flags.append({"pair": f"{s}-{t}", "system": system, "line": i, "number": text,
                                          "fix": fix, "note": note, "source": b, "target": a, "judgement": ""})
            table.setdefault(f"{s}-{t}", {})[kind] = {
                "words": n_words, "flags": n_flags, "per_1k": round(1000 * n_flags / n_words, 2) if n_words else None}
        print(f"{s}-{t}: {json.dumps(table[f'{s}-{t}'])}", flush=True)
    tot = defaultdict(int)
    for row in table.values():
        for kind, v in row.items():
            tot[f"{kind}_words"] += v["words"]
            tot[f"{kind}_flags"] += v["flags"]
    print(json.dumps({k: v for k, v in tot.items()} | {
        "systems_per_1k": round(1000 * tot["systems_flags"] / tot["systems_words"], 2),
        "references_per_1k": round(1000 * tot["references_flags"] / tot["references_words"], 2)}))
    if args.write_sample:
        rng = random.Random(args.seed)
        # one flag per (pair, line): many systems make the same flag on one segment
        by_seg = {}
        for f in flags:
            by_seg.setdefault((f["pair"], f["line"], f["number"]), f)
        if args.exclude:  # a sample judged before a change is no report on it: other segments only
            seen = {(r["pair"], int(r["line"])) for x in args.exclude
                    for r in csv.DictReader(open(x, encoding="utf-8"), delimiter="\t")}
            by_seg = {k: v for k, v in by_seg.items() if (k[0], k[1]) not in seen}
        pick = rng.sample(sorted(by_seg.values(), key=lambda f: (f["pair"], f["line"], f["system"])),
                          min(args.sample, len(by_seg)))
        with open(args.sample_file, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(pick[0]), delimiter="\t")
            w.writeheader()
            for f in pick:
                w.writerow({k: re.sub(r"[\t\n]", " ", str(v)) for k, v in f.items()})
        print(f"wrote {len(pick)} flags to {args.sample_file}")


if __name__ == "__main__":
    main()
