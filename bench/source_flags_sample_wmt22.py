#!/usr/bin/env python3
"""A uniform random sample of the checker's source-aware flags (`number`, `name`) on real MT output
(WMT22 general test, every system output of every pair with English on one side), for judging by
hand; ``--score`` reads the judged file back (issue 12, "Done when": precision of 100 flags).

    python bench/source_flags_sample_wmt22.py [--seed 20261130] [--sample 100] [--write-sample]
    python bench/source_flags_sample_wmt22.py --score bench/source_flags_sample_wmt22.tsv
    python bench/source_flags_sample_wmt22.py --verify 3000     # check the prefilter (below)
    # after a change of the checker: redraw, keeping the verdicts of rows still drawn
    python bench/source_flags_sample_wmt22.py --score bench/source_flags_sample_wmt22.tsv --write-sample --out /tmp/redrawn.tsv

What a flag is: an anomaly of kind ``number`` or ``name`` in
``Checker(lang=tgt).check(line, source=src_line, source_lang=src)`` for one segment (line) of one
system output — the full pipeline, detector included. To keep the run short the full check runs
only on the segments where the two source signals alone (``number_flags_wmt22._number_flags`` and
``_name_flags``, the same code the pipeline's ``number`` and ``name`` signals run) find something:
the detector only drops such findings (a name inside a repeat or a foreign-language segment),
never adds any, so this gives the same flags as checking every segment; ``--verify N`` checks that
on N random segments where the prefilter found nothing (the full check must report no number/name).

The pool is every such flag of every system and pair (no deduplication across systems; no quota per
kind). The sample is the ``--sample`` flags with the smallest keys ``sha256(seed, pair, system,
line, start, kind)``: a uniform random subset of the pool, in random order, the same for the same
seed and the same flags — and, unlike ``random.sample`` over a list, a flag added or dropped by a
change of the checker changes the sample only where that flag itself is at stake (other rows stay).
The run prints a fingerprint of the checker (its source files and models); ``--score`` redraws the
sample and says how many judged rows the current checker still draws. Pairs: en->{cs, de,
hr, ja, ru, uk, zh} and {cs, de, ja, ru, uk, zh}->en; en-liv and liv-en are left out (the checker
has no Livonian: ``normalize_lang`` refuses it, as in number_flags_wmt22.py). References are not
sampled. Words: whitespace tokens, CJK characters / 2 (``number_flags_wmt22.words``).

TSV columns: row (1-based), pair, system, line (0-based line of the WMT file, as in
number_flags_sample.tsv), kind, flagged, suggestion (the checker's first fix), note (the checker's
reason), source, target, verdict (``correct`` / ``wrong`` / ``unclear``, filled in by hand), reason
(the judge's). Precision = correct / (correct + wrong); unclear rows are counted apart.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checker import Checker  # noqa: E402
from checker.errors import LanguageError  # noqa: E402
from checker.languages import normalize_lang  # noqa: E402
from number_flags_wmt22 import WMT, _name_flags, _number_flags, pairs, words  # noqa: E402

OUT = ROOT / "bench" / "source_flags_sample_wmt22.tsv"
KINDS = ("number", "name")
SEED = 20261130
FIELDS = ["row", "pair", "system", "line", "kind", "flagged", "suggestion", "note", "source", "target",
          "verdict", "reason"]


def outputs():
    """(pair, src, tgt, slang, lang, system, source lines, target lines) for every system output."""
    for s, t in pairs():
        try:
            lang, slang = normalize_lang(t), normalize_lang(s)
        except LanguageError:  # Livonian: no checker for it
            print(f"{s}-{t}: skipped (no checker for the language)", file=sys.stderr)
            continue
        src = (WMT / "sources" / f"generaltest2022.{s}-{t}.src.{s}").read_text(encoding="utf-8").split("\n")
        for f in sorted(WMT.glob(f"system-outputs/generaltest2022.{s}-{t}.hyp.*.{t}")):
            yield f"{s}-{t}", s, t, slang, lang, f.name.split(".")[3], src, f.read_text(encoding="utf-8").split("\n")


def collect(verify: int = 0, seed: int = SEED):
    """All number/name flags of the full check, and words per pair; with ``verify`` also the
    number of random prefilter-negative segments fully checked (all must come back without flags)."""
    checkers: dict[str, Checker] = {}
    name_fns = {}
    flags, n_words, n_segs = [], Counter(), Counter()
    negatives = []  # (pair, system, line, a, b, lang, slang) the prefilter passed over (for --verify)
    for pair, s, t, slang, lang, system, src, hyp in outputs():
        if lang not in checkers:
            checkers[lang] = Checker(lang=lang)
            name_fns[lang] = _name_flags(lang)
        c, names = checkers[lang], name_fns[lang]
        nf = 0
        for i, (a, b) in enumerate(zip(hyp, src)):
            if not a.strip():
                continue
            n_words[pair] += words(a, lang)
            n_segs[pair] += 1
            if not (_number_flags(a, b, lang, slang) or names(a, b, lang, slang)):
                if verify:
                    negatives.append((pair, system, i, a, b, lang, slang))
                continue
            for an in c.check(a, source=b, source_lang=slang).anomalies:
                if an.kind in KINDS:
                    fix = an.suggestions[0].text if an.suggestions else an.evidence.get(an.kind, {}).get("fix", "")
                    flags.append({"pair": pair, "system": system, "line": i, "start": an.start, "kind": an.kind,
                                  "flagged": an.text, "suggestion": fix, "note": an.reason, "source": b, "target": a})
                    nf += 1
        print(f"{pair} {system}: {nf} flags", file=sys.stderr, flush=True)
    missed = []
    if verify:
        for pair, system, i, a, b, lang, slang in random.Random(seed).sample(negatives, min(verify, len(negatives))):
            got = [an for an in checkers[lang].check(a, source=b, source_lang=slang).anomalies if an.kind in KINDS]
            if got:
                missed.append((pair, system, i, [(g.kind, g.text) for g in got]))
        print(json.dumps({"verified_negatives": min(verify, len(negatives)), "missed": missed}))
    flags.sort(key=lambda f: (f["pair"], f["system"], f["line"], f["start"], f["kind"]))
    return flags, n_words, n_segs


def sample_key(f: dict, seed: int) -> str:
    return hashlib.sha256(f"{seed}\t{f['pair']}\t{f['system']}\t{f['line']}\t{f['start']}\t{f['kind']}".encode()).hexdigest()


def draw(flags: list[dict], n: int, seed: int) -> list[dict]:
    """A uniform random subset of ``n`` flags: those with the smallest keys, in key order."""
    return sorted(flags, key=lambda f: sample_key(f, seed))[:n]


def fingerprint() -> str:
    """sha256 of the checker's source files and models (what decides the flags), 12 hex digits."""
    h = hashlib.sha256()
    for base in ("checker", "models"):
        for p in sorted((ROOT / base).rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts:
                h.update(str(p.relative_to(ROOT)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:12]


def rates(flags, n_words, n_segs) -> dict:
    per = defaultdict(Counter)
    for f in flags:
        per[f["pair"]][f["kind"]] += 1
    tw = sum(n_words.values())
    out = {"systems_segments": sum(n_segs.values()), "systems_words": tw,
           "flags": {k: sum(p[k] for p in per.values()) for k in KINDS},
           "per_1k_words": {k: round(1000 * sum(p[k] for p in per.values()) / tw, 3) for k in KINDS},
           "by_pair": {pair: {"words": n_words[pair], **{k: per[pair][k] for k in KINDS},
                              **{f"{k}_per_1k": round(1000 * per[pair][k] / n_words[pair], 3) for k in KINDS}}
                       for pair in sorted(n_words)}}
    return out


def score(path: Path) -> dict:
    rows = list(csv.DictReader(open(path, encoding="utf-8"), delimiter="\t"))
    out = {"rows": len(rows), "unjudged": sum(r["verdict"] not in ("correct", "wrong", "unclear") for r in rows)}
    for k in ("all",) + KINDS:
        rs = [r for r in rows if k == "all" or r["kind"] == k]
        c = sum(r["verdict"] == "correct" for r in rs)
        w = sum(r["verdict"] == "wrong" for r in rs)
        out[k] = {"n": len(rs), "correct": c, "wrong": w, "unclear": sum(r["verdict"] == "unclear" for r in rs),
                  "precision": round(c / (c + w), 3) if c + w else None}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--sample", type=int, default=100)
    ap.add_argument("--write-sample", action="store_true", help=f"(over)write the unjudged sample (default {OUT.name})")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--score", type=Path, help="a judged sample: precision overall and per kind, then flags per 1,000 words")
    ap.add_argument("--no-rates", action="store_true", help="with --score: precision only (skip the WMT22 run)")
    ap.add_argument("--verify", type=int, default=0, metavar="N",
                    help="fully check N random segments the prefilter passed over; report any number/name flag")
    ap.add_argument("--pool-out", type=Path, help="also write every flag of the pool (JSONL) here")
    args = ap.parse_args()
    if args.write_sample and args.score and args.out.resolve() == args.score.resolve():
        ap.error("--write-sample would overwrite the judged file: give another --out")
    if args.score:
        print(json.dumps({"precision": score(args.score)}))
        if args.no_rates:
            return
    fp = fingerprint()
    flags, n_words, n_segs = collect(args.verify, args.seed)
    if fingerprint() != fp:
        print("warning: the checker's files changed during the run; its flags may mix two versions", file=sys.stderr)
    print(json.dumps({"rates": rates(flags, n_words, n_segs)}))
    pick = draw(flags, args.sample, args.seed)
    print(json.dumps({"checker": fp, "seed": args.seed, "pool": len(flags), "sample": len(pick),
                      "sample_by_kind": dict(Counter(f["kind"] for f in pick)),
                      "pool_by_kind": dict(Counter(f["kind"] for f in flags))}))
    if args.score:
        ident = ("pair", "system", "line", "kind", "flagged")
        judged = {tuple(r[k] for k in ident): r for r in csv.DictReader(open(args.score, encoding="utf-8"), delimiter="\t")}
        now = {tuple(str(f[k]) for k in ident) for f in pick}
        print(json.dumps({"judged_rows_redrawn": len(judged.keys() & now), "of": len(judged)}))
        for f in pick:  # with --write-sample: a row judged before keeps its verdict (only new rows to judge)
            r = judged.get(tuple(str(f[k]) for k in ident))
            if r is not None:
                f["verdict"], f["reason"] = r["verdict"], r["reason"]
    if args.pool_out:
        with open(args.pool_out, "w", encoding="utf-8") as fh:
            for f in flags:
                fh.write(json.dumps(f, ensure_ascii=False) + "\n")
    if args.write_sample:
        with open(args.out, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=FIELDS, delimiter="\t", extrasaction="ignore")
            w.writeheader()
            for n, f in enumerate(pick, 1):
                w.writerow({k: re.sub(r"[\t\n\r]", " ", str(v)) for k, v in
                            ({"row": n, "verdict": "", "reason": ""} | f | {"row": n}).items()})
        print(f"wrote {len(pick)} flags to {args.out}")


if __name__ == "__main__":
    main()
