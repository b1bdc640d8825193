#!/usr/bin/env python3
"""Garbled and inserted character runs in Chinese and Japanese: found or not, and false alarms
per 1,000 characters on clean text — the checker with its character model (``charseq``) beside
the word-list checker (the default pipeline, without it: ``charseq`` is opt-in, see
``bench/cjk_flags_wmt22.py`` for why). Hunspell has no zh/ja dictionary.

    python bench/cjk_checks.py [--split devtest] [--out build/bench/cjk_checks.json]

Data: FLORES-200 ``zho_Hans``/``jpn_Jpan`` (dev = lines 0-249, where the thresholds of
signals/charseq.py were chosen; devtest = 250-499, the report) and the WMT22 references of
en-zh and en-ja (clean professional text the character models never saw: their builder holds
every WMT22 line out).

Injections, one per line, seeded: ``inserted`` — a run of 2-4 characters drawn uniformly from the
language's 3,000 most frequent Han characters, put between two Han/kana characters (garbage
spliced into a sentence, as broken MT and encoding accidents leave it); ``garbled`` — a two-
character word replaced by such a run; ``homophone`` — one character of a two-character word
replaced by another character read the same (pinyin without tones, via ``pypinyin`` when it is
installed; zh only), the kind of real Chinese spelling error (在/再, 已/以) this check does not
claim to find: measured to say so. Found = any flag overlapping the injected span.
"""
from __future__ import annotations

import argparse
import glob
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checker import Checker  # noqa: E402
from checker.charlm import countable, load_charlm  # noqa: E402
from checker.signals import DEFAULT_PIPELINE, OPT_IN  # noqa: E402
from source_checks import SPLITS, lines_of  # noqa: E402
from models.build_charlm import reading_of  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
CODES = {"zh": "zho_Hans", "ja": "jpn_Jpan"}


def common_han(lang: str, n: int = 3000) -> list[str]:
    lm = load_charlm(lang)
    order = sorted(range(lm._cp.size), key=lambda i: -lm._pu[i])
    out = [chr(int(lm._cp[i])) for i in order if "\u4e00" <= chr(int(lm._cp[i])) <= "\u9fff"]
    return out[:n]


def homophones(chars: list[str], lang: str) -> dict[str, list[str]]:
    """The characters of ``chars`` read alike (zh: pinyin without tones; ja: the lone kanji's kana
    reading), by the same build-time tools as the model's groups; {} without the tool."""
    try:
        read = reading_of(lang)
    except SystemExit:
        return {}
    by: dict[str, list[str]] = {}
    for c in chars:
        by.setdefault(read(c), []).append(c)
    return {c: [x for x in by[read(c)] if x != c] for c in chars}


def inject(line: str, kind: str, rng: random.Random, pool: list[str], homo: dict[str, list[str]]):
    """(noisy line, start, end[, the character replaced]) or None."""
    if kind == "inserted":
        spots = [i for i in range(1, len(line)) if countable(line[i - 1]) and countable(line[i])]
        if not spots:
            return None
        i = rng.choice(spots)
        run = "".join(rng.choice(pool) for _ in range(rng.choice((2, 3, 4))))
        return line[:i] + run + line[i:], i, i + len(run)
    slots = [i for i in range(1, len(line) - 1) if all("\u4e00" <= c <= "\u9fff" for c in line[i:i + 2])]
    if not slots:
        return None
    i = rng.choice(slots)
    if kind == "garbled":
        run = "".join(rng.choice(pool) for _ in range(rng.choice((2, 3, 4))))
        return line[:i] + run + line[i + 2:], i, i + len(run)
    j = i + rng.randrange(2)
    alts = homo.get(line[j], [])
    if not alts:
        return None
    return line[:j] + rng.choice(alts) + line[j + 1:], j, j + 1, line[j]


def flags_per_1k(chk: Checker, lines: list[str], lang: str) -> tuple[float, int, int, list]:
    chars = sum(len(x.replace(" ", "")) for x in lines)
    n, ex = 0, []
    for x in lines:
        for a in chk.check(x, lang=lang).anomalies:
            n += 1
            if len(ex) < 15:
                ex.append([a.kind, a.text, x[max(0, a.start - 6):a.end + 6]])
    return round(1000 * n / max(chars, 1), 2), n, chars, ex


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="devtest", choices=list(SPLITS))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--wmt22-lines", type=int, default=1000, help="reference lines per language")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    out = args.out or ROOT / "build" / "bench" / f"cjk_checks-{args.split}.json"
    result = {}
    for lang in CODES:
        t0 = time.perf_counter()
        lines = lines_of(CODES[lang], args.split)
        refs: list[str] = []
        for p in sorted(glob.glob(str(CORPORA / "wmt22" / "references" / f"*.en-{lang}.ref.*.{lang}"))):
            refs += [x.strip() for x in open(p, encoding="utf-8") if x.strip()]
        refs = random.Random(args.seed).sample(refs, min(args.wmt22_lines, len(refs)))
        pool = common_han(lang)
        homo = homophones(pool, lang)
        checkers = {"with charseq": Checker(lang=lang, pipeline=DEFAULT_PIPELINE + OPT_IN),
                    "word lists only (default)": Checker(lang=lang)}
        row: dict = {}
        for name, chk in checkers.items():
            r: dict = {}
            for kind in ("inserted", "garbled", "homophone"):
                rng = random.Random(f"{args.seed}-{lang}-{kind}")
                n = found = fixed = 0
                for x in lines:
                    got = inject(x, kind, rng, pool, homo)
                    if got is None:
                        continue
                    noisy, s, e = got[:3]
                    n += 1
                    hit = [a for a in chk.check(noisy, lang=lang).anomalies if a.start < e and s < a.end]
                    found += bool(hit)
                    fixed += bool(len(got) > 3 and hit and hit[0].suggestions and hit[0].suggestions[0].text == got[3])
                if n:
                    r[kind] = {"n": n, "recall": round(found / n, 3)}
                    if kind == "homophone":
                        r[kind]["fix@1"] = round(fixed / found, 3) if found else None
            fa, nf, chars, ex = flags_per_1k(chk, lines, lang)
            r["flores_clean"] = {"flags_per_1k_chars": fa, "flags": nf, "chars": chars, "examples": ex}
            fa, nf, chars, ex = flags_per_1k(chk, refs, lang)
            r["wmt22_refs"] = {"flags_per_1k_chars": fa, "flags": nf, "chars": chars, "examples": ex}
            row[name] = r
            print(f"{lang} {name:26s} " + " ".join(f"{k} {v['recall']} (n={v['n']}" + (f", fix@1 {v['fix@1']})" if "fix@1" in v else ")") for k, v in r.items() if "recall" in v)
                  + f" | FA/1k chars FLORES {r['flores_clean']['flags_per_1k_chars']} WMT22 refs {r['wmt22_refs']['flags_per_1k_chars']}",
                  flush=True)
        row["seconds"] = round(time.perf_counter() - t0, 1)
        result[lang] = row
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"split": args.split, "seed": args.seed, "langs": result}, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
