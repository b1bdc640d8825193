"""Where one process's time goes on a whole corpus, and the speed left if every rare word's
evidence (the lexicon's per-word searches) and every suggestion cost nothing (not a test).

    python bench/speed_floor.py [--shared ../shared] [--corpora wmt22-en news-cs news-uk]

Each component is timed around its call (a few percent of overhead); ``hunspell -l`` runs on the
same file in the same run (median of 3). The last line per corpus is the bound that matters for
the speed targets of bench/speed.py: the rest of the per-line work (tokenising, the names,
langid, repetition, script and perplexity signals, the detector, the plain-line test) at its
measured cost, beside hunspell's time.
"""
from __future__ import annotations

import argparse
import collections
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from speed import CORPORA, corpus_file  # noqa: E402

from checker import Checker  # noqa: E402
from checker.document import Document  # noqa: E402
from checker.pipe import check_document  # noqa: E402
import checker.plain as plain  # noqa: E402
import checker.signals.lexicon as lexicon  # noqa: E402

RARE = "lexicon: per-word evidence (searches)"


def timed_parts(lang: str) -> tuple[Checker, collections.Counter]:
    """A Checker whose components add their wall time to the returned counter."""
    spent: collections.Counter = collections.Counter()

    def wrap(cls, name: str, label: str) -> None:
        f = getattr(cls, name)

        def g(*a, **k):
            t = time.perf_counter()
            try:
                return f(*a, **k)
            finally:
                spent[label] += time.perf_counter() - t
        setattr(cls, name, g)

    c = Checker(lang=lang)
    _, signals, suggester = c._parts(lang)
    wrap(lexicon.LexiconSignal, "_word_evidence", RARE)
    wrap(type(suggester), "__call__", "suggestions")
    for s in signals:
        wrap(type(s), "__call__", f"signal {s.name} (all)")
    wrap(type(c.detector), "__call__", "detector")
    wrap(Document, "from_text", "Document (tokenising)")
    wrap(plain.PlainLines, "words", "plain-line test")
    return c, spent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--corpora", nargs="+", default=list(CORPORA), choices=list(CORPORA))
    args = ap.parse_args()
    for name in args.corpora:
        lang, dic = CORPORA[name]
        path = corpus_file(name, args.shared, 0)
        c, spent = timed_parts(lang)
        text = path.read_text(encoding="utf-8")
        t = time.perf_counter()
        words = check_document(c, text, lang=lang).words
        total = time.perf_counter() - t
        hs = []
        for _ in range(3):
            t = time.perf_counter()
            with open(path, "rb") as f:
                subprocess.run(["hunspell", "-l", "-d", dic], stdin=f, stdout=subprocess.DEVNULL, check=True)
            hs.append(time.perf_counter() - t)
        h = statistics.median(hs)
        print(f"{name}: {words:,} words; ours {total:.1f} s = {words / total:,.0f} words/s; "
              f"hunspell -l {h:.1f} s = {words / h:,.0f} words/s ({h / total:.2f}x)")
        for k, v in spent.most_common():
            print(f"  {k:40s} {v:6.1f} s")
        rest = total - spent[RARE] - spent["suggestions"]
        print(f"  with rare-word evidence and suggestions free: {rest:.1f} s = {words / rest:,.0f} words/s "
              f"= {h / rest:.2f}x hunspell -l")


if __name__ == "__main__":
    main()
