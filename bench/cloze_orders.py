"""How well can a count model fill a gap? Top-1/top-10 of filling one masked word per FLORES dev
line (English, lines 0-249; a random alphabetic word of 3+ letters among the 10,000 commonest of
the news corpus, seed 7) from both sides, for n-gram orders 2-5 (stupid backoff, alpha 0.4,
counted unpruned on ../shared/corpora/news/en.txt) beside the shipped pruned Kneser-Ney trigram's
``fill`` (two words either side). This is the ceiling of fix@1 for a garbled or foreign token
without a source (the word that was there is anyone's guess but the context's), and it is what
chose the shipped order and smoothing (not a test; ~4 min, ~3 GB).

    python bench/cloze_orders.py
"""
from __future__ import annotations

import collections
import math
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checker.lm.ngram import lm_words, load_ngram  # noqa: E402
from source_checks import lines_of  # noqa: E402

NEWS = ROOT.parent / "shared" / "corpora" / "news" / "en.txt"
MAX_ORDER = 5


def main() -> None:
    t0 = time.time()
    corpus = [lm_words(x) for x in open(NEWS, encoding="utf-8")]
    cnt = [collections.Counter() for _ in range(MAX_ORDER + 1)]
    for ws in corpus:
        s = ["<s>"] + ws + ["</s>"]
        for n in range(1, MAX_ORDER + 1):
            cnt[n].update(tuple(s[i:i + n]) for i in range(len(s) - n + 1))
    total = sum(cnt[1].values())
    vocab = [w for (w,), _ in cnt[1].most_common(10000) if w.isalpha()]
    known = set(vocab)

    def sb(ng: tuple) -> float:  # stupid backoff: log score of ng[-1] after ng[:-1]
        pen = 0.0
        while len(ng) > 1:
            c = cnt[len(ng)].get(ng, 0)
            if c:
                return pen + math.log(c / cnt[len(ng) - 1][ng[:-1]])
            pen += math.log(0.4)
            ng = ng[1:]
        return pen + math.log(cnt[1].get(ng, 0.5) / total)

    rng = random.Random(7)
    gaps = []
    for x in lines_of("eng_Latn", "dev"):
        ws = lm_words(x)
        pos = [i for i, w in enumerate(ws) if w.isalpha() and len(w) >= 3 and w in known]
        if pos:
            gaps.append((ws, rng.choice(pos)))
    print(f"{len(gaps)} gaps; counted in {time.time() - t0:.0f} s", flush=True)
    for order in range(2, MAX_ORDER + 1):
        top1 = top10 = 0
        for ws, i in gaps:
            s, j = ["<s>"] + ws + ["</s>"], i + 1

            def score(w: str) -> float:
                t = s[:j] + [w] + s[j + 1:]
                return sum(sb(tuple(t[max(0, k - order + 1):k + 1])) for k in range(j, min(len(t), j + order)))
            ranked = sorted(vocab, key=lambda w: -score(w))
            top1 += ranked[0] == ws[i]
            top10 += ws[i] in ranked[:10]
        print(f"order {order}, stupid backoff, unpruned: top-1 {top1 / len(gaps):.3f} top-10 {top10 / len(gaps):.3f}", flush=True)
    lm = load_ngram("en")
    top1 = top10 = 0
    for ws, i in gaps:
        got = [w for w, _ in lm.fill(ws[max(0, i - 2):i], ws[i + 1:i + 3], k=10, limit=10000)]
        top1 += got[:1] == [ws[i]]
        top10 += ws[i] in got
    print(f"shipped Kneser-Ney trigram ({lm.name}), fill: top-1 {top1 / len(gaps):.3f} top-10 {top10 / len(gaps):.3f}")


if __name__ == "__main__":
    main()
