#!/usr/bin/env python3
"""Source-aware checks on FLORES-200 with the source: numbers changed and names altered in the
target the way MT changes them, caught or not, fixed or not; false alarms on the same clean lines
with their sources. Hunspell beside, on the languages whose dictionary is installed (it reads no
source).

    python bench/source_checks.py [--split devtest] [--out build/bench/source_checks.json]

Data: ``../shared/corpora/flores200`` (devtest lines 1-500, multi-parallel), split as every
benchmark here splits FLORES: ``dev`` = lines 0-249, ``devtest`` = lines 250-499; nothing in the
number check is fitted, and the report is on ``devtest``. Pairs: English into 16 languages and
four languages into English.

Number changes (one per line that has a number the source also has, seeded): what real MT
number errors look like (WMT MQM and post-edits: digits swapped, one digit wrong (a year off by
one), a zero dropped or added, the decimal mark moved), never a change to a value the source
also has. Caught = a ``number`` flag on the changed number; fix@1 = its first suggestion is the
number as the clean target wrote it (same value in the target's writing).

Name alterations (one per line whose target carries a name of the source, or a form of it, in
the same script, seeded): one slip inside the name, as MT and typists make them — two
neighbouring letters swapped, a letter dropped, doubled or replaced by a neighbouring one —
within all but its last two letters (a slip there reads as an inflection: a stated blind spot of
the check). Caught = a ``name`` flag on it; fix@1 = its suggestion is the source's spelling and
the clean target wrote it so.
False alarms: every flag on the clean split (checked as one document with its sources, as
``checker scan --source`` does), per 1,000 words: of the number check, and of all kinds.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker import Checker  # noqa: E402
from checker.document import word_counts  # noqa: E402
from checker.numbers import find_numbers  # noqa: E402
from checker.lexicon import get_lexicon, norm  # noqa: E402
from checker.spelling import skeleton  # noqa: E402
from checker.signals.source_names import TARGET_WORD_ZIPF, is_form, source_names  # noqa: E402
from checker.pipe import check_document  # noqa: E402

FLORES = ROOT.parent / "shared" / "corpora" / "flores200"
#: (source FLORES code, source lang, target FLORES code, target lang)
PAIRS = [("eng_Latn", "en", code, lang) for code, lang in (
    ("deu_Latn", "de"), ("ces_Latn", "cs"), ("fra_Latn", "fr"), ("spa_Latn", "es"), ("ita_Latn", "it"),
    ("por_Latn", "pt"), ("pol_Latn", "pl"), ("rus_Cyrl", "ru"), ("ukr_Cyrl", "uk"), ("tur_Latn", "tr"),
    ("nld_Latn", "nl"), ("swe_Latn", "sv"), ("jpn_Jpan", "ja"), ("zho_Hans", "zh"), ("arb_Arab", "ar"),
    ("heb_Hebr", "he"))] + [(code, lang, "eng_Latn", "en") for code, lang in (
        ("deu_Latn", "de"), ("ces_Latn", "cs"), ("zho_Hans", "zh"), ("rus_Cyrl", "ru"))]
HUNSPELL = {"en": "en_US", "cs": "cs_CZ", "uk": "uk_UA"}
SPLITS = {"dev": (0, 250), "devtest": (250, 500)}


def corrupt(raw: str, rng: random.Random) -> str | None:
    """A real-looking change of the digits ``raw`` (None if none applies)."""
    digits = [i for i, c in enumerate(raw) if c.isdigit()]
    ops = []
    pairs = [(i, j) for i, j in zip(digits, digits[1:]) if j == i + 1 and raw[i] != raw[j]]
    if pairs:
        ops.append("swap")
    ops += ["digit", "zero"]
    if re.search(r"\d[.,]\d", raw):
        ops.append("mark")
    op = rng.choice(ops)
    if op == "swap":
        i, j = rng.choice(pairs)
        return raw[:i] + raw[j] + raw[i] + raw[j + 1:]
    if op == "digit":
        i = digits[-1] if rng.random() < 0.6 else rng.choice(digits)  # a year or a count off by one, mostly
        d = int(raw[i])
        new = (d + rng.choice((1, -1))) % 10
        if i == digits[0] and new == 0 and len(digits) > 1:
            new = d + 1 if d < 9 else d - 1
        return raw[:i] + str(new) + raw[i + 1:]
    if op == "zero":
        last = digits[-1]
        if raw[last] == "0" and len(digits) > 1 and rng.random() < 0.5:
            return raw[:last] + raw[last + 1:]
        return raw[:last + 1] + "0" + raw[last + 1:]
    m = re.search(r"(\d)([.,])(\d)", raw)  # the decimal mark moved or dropped
    return raw[:m.start(2)] + raw[m.end(2):] if rng.random() < 0.5 else raw[:m.start(1)] + m.group(2) + m.group(1) + raw[m.end(1) + 1:]


_KEYS = "qwertyuiop asdfghjkl zxcvbnm".split()


def alter_name(w: str, rng: random.Random, name_len: int | None = None) -> str:
    """One slip inside ``w`` before the last two letters of the name (``name_len`` letters, the
    source's; a slip after that reads as an inflection, the check's stated blind spot)."""
    inner = max(2, (name_len or len(w)) - 3)
    op = rng.choice(("swap", "drop", "double", "replace"))
    i = rng.randrange(1, inner)  # keep the capital: the first letter stays
    if op == "swap" and i + 1 < len(w) and w[i] != w[i + 1]:
        return w[:i] + w[i + 1] + w[i] + w[i + 2:]
    if op == "drop":
        return w[:i] + w[i + 1:]
    if op == "double":
        return w[:i] + w[i] + w[i:]
    c = w[i].lower()
    row = next((r for r in _KEYS if c in r), None)
    if row is None:
        return w[:i] + w[i + 1:]
    j = row.index(c)
    near = [row[k] for k in (j - 1, j + 1) if 0 <= k < len(row)]
    return w[:i] + rng.choice(near) + w[i + 1:]


def lines_of(code: str, split: str) -> list[str]:
    a, b = SPLITS[split]
    return (FLORES / f"{code}.txt").read_text(encoding="utf-8").split("\n")[a:b]


def hunspell_flags(lines: list[str], dic: str) -> list[set[str]]:
    """hunspell -l's words per line (one process per line: -l prints no line numbers)."""
    out = []
    for line in lines:
        p = subprocess.run(["hunspell", "-l", "-d", dic], input=line, capture_output=True, text=True)
        out.append(set(p.stdout.split()))
    return out


def run_pair(src_code: str, src_lang: str, tgt_code: str, tgt_lang: str, split: str, seed: int) -> dict:
    src, tgt = lines_of(src_code, split), lines_of(tgt_code, split)
    chk = Checker(lang=tgt_lang)
    t0 = time.perf_counter()
    clean = check_document(chk, "\n".join(tgt), source=src, source_lang=src_lang, lang=tgt_lang)
    kinds = Counter(a.kind for a in clean.anomalies)
    ctx = word_counts(tgt)
    rng = random.Random(f"{seed}-{tgt_code}-{src_code}")
    n = caught = fixed = 0
    examples = []
    changed_lines: list[tuple[str, str]] = []
    for i, (s, t) in enumerate(zip(src, tgt)):
        src_values = set()
        for x in find_numbers(s, src_lang, liberal=True):
            src_values |= x.values
        cands = [x for x in find_numbers(t, tgt_lang) if x.main is not None and x.values & src_values
                 and any(c.isdigit() for c in x.text)]
        if not cands:
            continue
        x = rng.choice(cands)
        new = corrupt(x.text, rng)
        if new is None or new == x.text:
            continue
        changed = t[:x.start] + new + t[x.end:]
        nx = [y for y in find_numbers(changed, tgt_lang) if y.start == x.start]
        if not nx or nx[0].values & src_values or new in s:
            continue  # the change is a value the source also has: not an error to find
        n += 1
        rep = chk.check(changed, source=s, source_lang=src_lang, context=ctx, lang=tgt_lang)
        hit = [a for a in rep.anomalies if a.kind == "number" and a.start < x.start + len(new) and a.end > x.start]
        caught += bool(hit)
        ok = bool(hit and hit[0].suggestions and _same(hit[0].suggestions[0].text, x.text, tgt_lang))
        fixed += ok
        changed_lines.append((changed, new))
        if len(examples) < 3 or (not hit and len(examples) < 6):
            examples.append({"line": i, "was": x.text, "now": new, "caught": bool(hit),
                             "fix": hit[0].suggestions[0].text if hit and hit[0].suggestions else None})
    nn, ncaught, nfixed = 0, 0, 0
    tlex, slex = get_lexicon(tgt_lang), get_lexicon(src_lang)
    rng2 = random.Random(f"{seed}-names-{tgt_code}-{src_code}")
    for i, (s, t) in enumerate(zip(src, tgt)):
        names = source_names(s, src_lang, slex)
        cands = []
        for m in re.finditer(r"\w+", t):
            w = m.group()
            # a word that carries the name: all of it but perhaps its last letter (not an
            # exonym that merely shares its beginning: Frankreich, Japonsko)
            of = [x for x in names if skeleton(norm(w)).startswith(skeleton(norm(x))[:len(x) - 1])]
            if len(w) >= 5 and w[:1].isupper() and of:
                cands.append((m, len(of[0])))
        if not cands:
            continue
        m, name_len = rng2.choice(cands)
        new = alter_name(m.group(), rng2, name_len)
        if new == m.group() or tlex.zipf(norm(new)) >= TARGET_WORD_ZIPF or norm(new) in {norm(x) for x in re.findall(r"\w+", s)}:
            continue
        nn += 1
        rep = chk.check(t[:m.start()] + new + t[m.end():], source=s, source_lang=src_lang, context=ctx, lang=tgt_lang)
        hit = [a for a in rep.anomalies if a.kind == "name" and a.start == m.start()]
        ncaught += bool(hit)
        nfixed += bool(hit and hit[0].suggestions and hit[0].suggestions[0].text == m.group())
    out = {"pair": f"{src_lang}-{tgt_lang}", "words": clean.words, "changed": n,
           "recall": round(caught / n, 3) if n else None, "fix@1": round(fixed / caught, 3) if caught else None,
           "fa_number_per_1k": round(1000 * kinds["number"] / clean.words, 2),
           "names_altered": nn, "name_recall": round(ncaught / nn, 3) if nn else None,
           "name_fix@1": round(nfixed / ncaught, 3) if ncaught else None,
           "fa_name_per_1k": round(1000 * kinds["name"] / clean.words, 2),
           "fa_all_per_1k": round(1000 * len(clean.anomalies) / clean.words, 2),
           "flags_by_kind": dict(kinds), "seconds": round(time.perf_counter() - t0, 1), "examples": examples}
    dic = HUNSPELL.get(tgt_lang)
    if dic and shutil.which("hunspell") and changed_lines:
        got = hunspell_flags([c for c, _ in changed_lines], dic)
        out["hunspell_recall"] = round(sum(new in g for (_, new), g in zip(changed_lines, got)) / len(changed_lines), 3)
    return out


def _same(fix: str, was: str, lang: str) -> bool:
    a, b = find_numbers(fix, lang), find_numbers(was, lang)
    return fix == was or bool(a and b and a[0].main is not None and a[0].main == b[0].main)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="devtest", choices=list(SPLITS))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "bench" / "source_checks.json")
    args = ap.parse_args()
    rows = []
    for p in PAIRS:
        r = run_pair(*p, args.split, args.seed)
        rows.append(r)
        print(f"{r['pair']:6s} words {r['words']:6d} changed {r['changed']:4d} recall {r['recall']} fix@1 {r['fix@1']} "
              f"FA/1k number {r['fa_number_per_1k']} all {r['fa_all_per_1k']}"
              + (f" hunspell recall {r['hunspell_recall']}" if "hunspell_recall" in r else "")
              + f" | names altered {r['names_altered']} recall {r['name_recall']} fix@1 {r['name_fix@1']} FA/1k {r['fa_name_per_1k']}",
              flush=True)
    tot = {k: sum(r[k] for r in rows) for k in ("words", "changed")}
    caught = sum(round((r["recall"] or 0) * r["changed"]) for r in rows)
    fa_n = sum(r["flags_by_kind"].get("number", 0) for r in rows)
    fa_all = sum(sum(r["flags_by_kind"].values()) for r in rows)
    nn = sum(r["names_altered"] for r in rows)
    ncaught = sum(round((r["name_recall"] or 0) * r["names_altered"]) for r in rows)
    fa_name = sum(r["flags_by_kind"].get("name", 0) for r in rows)
    summary = {"split": args.split, "pairs": len(rows), **tot, "recall": round(caught / tot["changed"], 3),
               "fa_number_per_1k": round(1000 * fa_n / tot["words"], 2), "names_altered": nn,
               "name_recall": round(ncaught / nn, 3) if nn else None, "fa_name_per_1k": round(1000 * fa_name / tot["words"], 2),
               "fa_all_per_1k": round(1000 * fa_all / tot["words"], 2)}
    print(json.dumps(summary))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"summary": summary, "pairs": rows}, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
