#!/usr/bin/env python3
"""The glossary check on FLORES with the source (not a test): a glossary of term pairs the clean
translation itself uses, then each entry violated the way translations break glossaries — the
term replaced by another word (the translators' statistics' other rendering where there is one,
else a common word of the language), or written with one slip. Caught = a ``term`` flag on the
line (and on the misspelt word); false alarms: ``term`` flags on the clean lines. Only flags of a
line's own entry count (another line's entry is enforced wherever its source term appears, which
is the glossary's point, not a false alarm). A slip is made inside the term's stem
(``glossary.term_stem``): a slip after it reads as an inflection (`Impfstoffe`), the check's
stated blind spot.

    python bench/glossary_check.py [--split devtest]

Glossary entries: per line, one source content word (Zipf 3-5.5 in English, letters only) whose
usual translation (checker.translation's statistics, probability ≥ 0.3, four letters or more) the
clean target has, once (a second use would still satisfy the entry after the change).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from source_checks import SPLITS, lines_of  # noqa: E402

from checker import Checker  # noqa: E402
from checker.glossary import Entry, Glossary, term_stem  # noqa: E402
from checker.lexicon import get_lexicon, norm  # noqa: E402
from checker.translation import get_translation_stats  # noqa: E402

PAIRS = [("deu_Latn", "de"), ("ces_Latn", "cs"), ("fra_Latn", "fr"), ("spa_Latn", "es"), ("rus_Cyrl", "ru"),
         ("ukr_Cyrl", "uk"), ("ita_Latn", "it"), ("pol_Latn", "pl"), ("nld_Latn", "nl"), ("swe_Latn", "sv"),
         ("por_Latn", "pt"), ("tur_Latn", "tr")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="devtest", choices=list(SPLITS))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "bench" / "glossary_check.json")
    args = ap.parse_args()
    en = get_lexicon("en")
    rows = []
    for code, lang in PAIRS:
        stats = get_translation_stats("en", lang)
        if stats is None:
            continue
        src, tgt = lines_of("eng_Latn", args.split), lines_of(code, args.split)
        tlex = get_lexicon(lang)
        common = [w for w in tlex.words(min_zipf=5.0) if w.isalpha() and len(w) >= 4][:500]
        rng = random.Random(f"{args.seed}-{lang}")
        picks = []  # (line, entry, target word as written, its span)
        for i, (s, t) in enumerate(zip(src, tgt)):
            if sum(1 for _ in re.finditer(r"[^\W_]+", t)) < 3:
                continue
            twords = {norm(m.group()): m for m in re.finditer(r"[^\W_]+", t)}
            for w in sorted({norm(x) for x in re.findall(r"[A-Za-z]+", s)}):
                if not 3.0 <= en.zipf(w) <= 5.5 or len(w) < 4:
                    continue
                ws = stats.lookup(w)
                tr = next((x for x, p in (ws.translations if ws else ()) if p >= 0.3 and norm(x) in twords
                           and len(x) >= 4), None)
                # the term once in the line: a second use of it (or of its stem) would still
                # satisfy the glossary after the change
                stem = term_stem(norm(tr or ""))
                if tr is not None and sum(1 for x in re.findall(r"[^\W_]+", t) if norm(x).startswith(stem)) == 1:
                    picks.append((i, Entry(w, tr), twords[norm(tr)]))
                    break
        gloss = Glossary(tuple(sorted({e for _, e, _ in picks}, key=lambda e: (e.source, e.target))))
        chk = Checker(lang=lang, glossary=gloss)

        def own(rep, e):  # the flags of the line's own entry (see the module docstring)
            return [a for a in rep.anomalies if a.kind == "term"
                    and (a.evidence["term"]["source"], a.evidence["term"]["target"]) == (e.source, e.target)]

        fa = caught = fixed = 0
        for i, e, m in picks:
            fa += len(own(chk.check(tgt[i], source=src[i], source_lang="en"), e))
            t = tgt[i]
            if rng.random() < 0.5:  # another word in its place
                ws = stats.lookup(e.source)
                others = [x for x, _ in ws.translations  # not the term again (l'accordo for accordo)
                          if not any(p.startswith(term_stem(norm(e.target))) for p in re.findall(r"[^\W_]+", norm(x)))] if ws else []
                new = others[0] if others else rng.choice(common)
                hit_text = None
            else:  # the term with one slip
                w = m.group()
                j = rng.randrange(1, max(2, len(term_stem(w))))
                new = w[:j] + w[j + 1:]
                hit_text = new
            changed = t[:m.start()] + new + t[m.end():]
            hits = own(chk.check(changed, source=src[i], source_lang="en"), e)
            caught += bool(hits)
            if hit_text is not None:
                fixed += any(a.text == hit_text and a.suggestions and a.suggestions[0].text == e.target for a in hits)
        n = len(picks)
        r = {"pair": f"en-{lang}", "entries": len(gloss.entries), "violations": n,
             "recall": round(caught / n, 3) if n else None, "misspelt_fixed": fixed, "fa_flags_on_clean_lines": fa}
        rows.append(r)
        print(json.dumps(r), flush=True)
    tot = sum(r["violations"] for r in rows)
    summary = {"split": args.split, "pairs": len(rows), "violations": tot,
               "recall": round(sum(r["recall"] * r["violations"] for r in rows) / tot, 3),
               "fa_flags_on_clean_lines": sum(r["fa_flags_on_clean_lines"] for r in rows)}
    print(json.dumps(summary))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"summary": summary, "pairs": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
