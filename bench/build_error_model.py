#!/usr/bin/env python3
"""Learn what real spelling errors look like, for the synthetic benchmark's generator.

    python bench/build_error_model.py            # -> bench/error_model.json, prints a summary

Reads the human-written GEC sets of ``/work/shared/corpora/real-errors`` (``geccc_cs``,
``uagec_uk``, ``cows_es``) and, for every ``typo``/``realword`` span, compares the erroneous
token with its correction (``original``):

* edit class: ``diacritic-dropped`` / ``-added`` / ``-wrong`` / ``-mixed`` (only marks differ),
  ``substitution``, ``deletion``, ``insertion``, ``doubled-letter``, ``dropped-double``,
  ``transposition`` (one edit each), ``multiple`` (two or more edits), ``split`` / ``merge``
  (a space added or removed);
* substitution letter pairs (intended -> written), kept apart from diacritic pairs, and how
  many substitutions hit a neighbouring key of the language's usual keyboard;
* the number of edits per token and each edit's position in the word (first/middle/last);
* whether the token is capitalised, sentence-initial or in mid-sentence.

Invariants:

* Only the DEV half is read: line i is dev when ``(i // 50) % 2 == 0``.  Test lines are
  skipped before their JSON is parsed, so no test span is ever looked at.
* Tokens are compared lower-cased (case-only corrections are counted as skipped, not as
  errors); alignment is optimal string alignment (Damerau) with a fixed tie-break order, so
  the output is deterministic.
* The JSON keeps only the top ``TOP_PAIRS`` pairs per language.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Iterator, Optional

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import make_synthetic as ms  # noqa: E402

REAL_ERRORS = Path("/work/shared/corpora/real-errors")
SETS: dict[str, str] = {"cs": "geccc_cs", "uk": "uagec_uk", "es": "cows_es"}
TYPES = ("typo", "realword")
TOP_PAIRS = 25
OPENERS = " \t\"'“”„«»‘’(["

Op = tuple[str, int, str, str]  # (op, index in the intended word, intended text, written text)


def is_dev(i: int) -> bool:
    """The dev/test rule of the real-error sets: blocks of 50 lines, even blocks are dev."""
    return (i // 50) % 2 == 0


def dev_records(name: str, folder: Path = REAL_ERRORS) -> Iterator[tuple[str, dict]]:
    """(line, gold record) of the dev lines of a set; test records are never parsed."""
    with open(folder / f"{name}.txt", encoding="utf-8") as fl, open(folder / f"{name}.gold.jsonl", encoding="utf-8") as fg:
        for i, (line, rec) in enumerate(zip(fl, fg)):
            if is_dev(i):
                yield line.rstrip("\n"), json.loads(rec)


def align(a: str, b: str) -> list[Op]:
    """Edit operations turning the intended word ``a`` into the written word ``b``.

    Optimal string alignment (Levenshtein plus adjacent transposition).  Ops: ``sub``,
    ``del`` (a letter of ``a`` missing), ``ins`` (an extra letter before a[i]), ``swap``.
    """
    n, m = len(a), len(b)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = i
    for j in range(m + 1):
        d[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1] and a[i - 1] != a[i - 2]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    ops: list[Op] = []
    i, j = n, m
    while i > 0 or j > 0:
        if i and j and a[i - 1] == b[j - 1] and d[i][j] == d[i - 1][j - 1]:
            i, j = i - 1, j - 1
        elif (i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1] and a[i - 1] != a[i - 2]
              and d[i][j] == d[i - 2][j - 2] + 1):
            ops.append(("swap", i - 2, a[i - 2: i], b[j - 2: j]))
            i, j = i - 2, j - 2
        elif i and j and d[i][j] == d[i - 1][j - 1] + 1:
            ops.append(("sub", i - 1, a[i - 1], b[j - 1]))
            i, j = i - 1, j - 1
        elif i and d[i][j] == d[i - 1][j] + 1:
            ops.append(("del", i - 1, a[i - 1], ""))
            i -= 1
        else:
            ops.append(("ins", i, "", b[j - 1]))
            j -= 1
    return ops[::-1]


def diacritic_kind(x: str, y: str) -> Optional[str]:
    """For intended ``x`` written ``y``: ``dropped``/``added``/``wrong`` when only marks differ."""
    if x == y or not (x.isalpha() and y.isalpha()) or ms.strip_mark(x) != ms.strip_mark(y):
        return None
    if not ms.is_marked(y):
        return "dropped"
    return "added" if not ms.is_marked(x) else "wrong"


def position(i: int, n: int) -> str:
    """Where index ``i`` lies in a word of length ``n``."""
    return "first" if i == 0 else ("last" if i >= n - 1 else "middle")


def classify(intended: str, written: str) -> tuple[str, list[Op]]:
    """(edit class, ops) of a lower-case (intended, written) pair; see the module docstring."""
    if " " in written and written.replace(" ", "") == intended:
        return "split", []
    if " " in intended and intended.replace(" ", "") == written:
        return "merge", []
    if " " in written or " " in intended:
        return "other-multiword", []
    ops = align(intended, written)
    dia = [diacritic_kind(x, y) if op == "sub" else None for op, _, x, y in ops]
    if ops and all(dia):
        kinds = set(dia)
        return ("diacritic-" + kinds.pop()) if len(kinds) == 1 else "diacritic-mixed", ops
    if len(ops) != 1:
        return "multiple", ops
    op, i, x, y = ops[0]
    if op == "sub":
        return "substitution", ops
    if op == "swap":
        return "transposition", ops
    if op == "del":
        double = (i > 0 and intended[i - 1] == x) or (i + 1 < len(intended) and intended[i + 1] == x)
        return ("dropped-double" if double else "deletion"), ops
    double = (i > 0 and intended[i - 1] == y) or (i < len(intended) and intended[i] == y)
    return ("doubled-letter" if double else "insertion"), ops


def learn(lang: str, name: str, folder: Path = REAL_ERRORS) -> dict:
    """The statistics of one language from the dev half of its set."""
    classes: Counter[str] = Counter()
    types: Counter[str] = Counter()
    n_edits: Counter[str] = Counter()
    positions: Counter[str] = Counter()
    sub_pairs: Counter[tuple[str, str]] = Counter()
    dia_pairs: Counter[tuple[str, str]] = Counter()
    case: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    drop_all = keyboard_subs = 0
    nb = ms.keyboard_neighbours(lang)
    lines = 0
    for line, rec in dev_records(name, folder):
        lines += 1
        for s in rec["gold"]:
            if s["type"] not in TYPES:
                continue
            token = line[s["start"]: s["end"]]
            if s.get("original") is None:
                skipped["no-correction"] += 1
                continue
            written, intended = ms.lower_word(token, lang), ms.lower_word(s["original"], lang)
            written = unicodedata.normalize("NFC", written)
            intended = unicodedata.normalize("NFC", intended)
            if written == intended:
                skipped["case-only"] += 1
                continue
            cls, ops = classify(intended, written)
            if cls == "other-multiword":
                skipped[cls] += 1
                continue
            classes[cls] += 1
            types[s["type"]] += 1
            n_edits[str(min(len(ops), 4)) if ops else "0"] += 1
            for op, i, x, y in ops:
                positions[position(i, len(intended))] += 1
                if op == "sub" and x.isalpha() and y.isalpha():
                    if diacritic_kind(x, y):
                        dia_pairs[(x, y)] += 1
                    else:
                        sub_pairs[(x, y)] += 1
                        keyboard_subs += len(ops) == 1 and y in nb.get(x, ())
            if cls == "diacritic-dropped" and sum(map(ms.is_marked, intended)) >= 2 \
                    and not any(map(ms.is_marked, written)):
                drop_all += 1
            if token[:1].isupper():
                before = line[: s["start"]].rstrip(OPENERS)
                case["cap_initial" if before == "" or before.endswith((".", "!", "?")) else "cap_mid"] += 1
            else:
                case["lower"] += 1
    tokens = sum(classes.values())
    return {
        "set": name, "dev_lines": lines, "tokens": tokens, "types": dict(sorted(types.items())),
        "classes": dict(classes.most_common()),
        "n_edits": {k: n_edits[k] for k in sorted(n_edits)},
        "positions": {k: positions[k] for k in ("first", "middle", "last")},
        "sub_pairs": [[a, b, n] for (a, b), n in sorted(sub_pairs.items(), key=lambda p: (-p[1], p[0]))[:TOP_PAIRS]],
        "diacritic_pairs": [[a, b, n] for (a, b), n in sorted(dia_pairs.items(), key=lambda p: (-p[1], p[0]))[:TOP_PAIRS]],
        "substitutions": classes["substitution"], "keyboard_subs": int(keyboard_subs),
        "diacritic_drop_all": drop_all,
        "case": {k: case[k] for k in ("lower", "cap_initial", "cap_mid")},
        "skipped": dict(sorted(skipped.items())),
    }


def summary(model: dict) -> str:
    """A short human-readable summary of the model."""
    out = []
    for lang, d in model["langs"].items():
        n = d["tokens"] or 1
        c = d["case"]
        out.append(f"{lang} ({d['set']}, {d['dev_lines']} dev lines, {d['tokens']} error tokens {d['types']})")
        out.append("  classes:   " + ", ".join(f"{k} {v / n:.0%}" for k, v in d["classes"].items()))
        out.append("  edits:     " + ", ".join(f"{k}: {v}" for k, v in d["n_edits"].items())
                   + "   positions: " + ", ".join(f"{k} {v}" for k, v in d["positions"].items()))
        out.append("  sub pairs (intended>written): " + " ".join(f"{a}>{b} {k}" for a, b, k in d["sub_pairs"][:10])
                   + f"   neighbouring keys: {d['keyboard_subs']}/{d['substitutions']} single substitutions")
        out.append("  diacritic pairs: " + " ".join(f"{a}>{b} {k}" for a, b, k in d["diacritic_pairs"][:10]))
        out.append(f"  capitalised: {(c['cap_initial'] + c['cap_mid']) / n:.1%} "
                   f"(sentence-initial {c['cap_initial']}, mid-sentence {c['cap_mid']})   skipped: {d['skipped']}")
        err = ms.lang_errors(model, lang)
        if err is not None:
            mix = ms.learned_variant_mix(err)
            out.append("  as misspelling variants: " + ", ".join(f"{v} {w:.0%}" for v, w in mix.items() if w))
    return "\n".join(out)


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--real-errors", type=Path, default=REAL_ERRORS)
    ap.add_argument("-o", "--out", type=Path, default=ms.ERROR_MODEL_PATH)
    args = ap.parse_args(argv)
    model = {
        "version": 1,
        "source": "GEC sets of real-errors/ (typo and realword spans), dev half only",
        "dev_rule": "line i is dev when (i // 50) % 2 == 0",
        "langs": {lang: learn(lang, name, args.real_errors) for lang, name in SETS.items()},
    }
    args.out.write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(summary(model))
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
