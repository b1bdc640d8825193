"""Suggester: candidate fixes for an anomaly, each scored by how likely an editor accepts it.

Candidates come from three places: spelling neighbours in the target lexicon, the language
model's fill-in for the gap, and deletion. Each is scored on the language model's gain for the
corrected sentence, its edit distance to what is there and its frequency.
"""
from __future__ import annotations

import math

from .document import Document
from .lexicon import norm
from .report import Anomaly, Suggestion
from .resources import Resources
from .signals.lexicon import _alphabet, edits1

_CONTEXT = 2
# Weights of the acceptance model (logistic); bench/calibrate.py may override them.
DEFAULT_WEIGHTS = {"bias": 0.5, "lm_rel": 0.9, "dist": -1.2, "zipf": 0.25, "same_initial": 0.6}


def damerau(a: str, b: str) -> int:
    """Optimal-string-alignment edit distance."""
    la, lb = len(a), len(b)
    prev2: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        for j in range(1, lb + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[lb]


def match_case(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


class Suggester:
    def __init__(self, resources: Resources, weights: dict[str, float] | None = None, k: int = 5):
        self.res = resources
        self.w = dict(DEFAULT_WEIGHTS, **(weights or {}))
        self.k = k

    def __call__(self, doc: Document, anomalies: list[Anomaly]) -> None:
        for a in anomalies:
            if a.kind == "repetition":
                a.suggestions = [Suggestion("", round(min(0.99, a.score), 4))]
            elif "mojibake" in a.evidence:
                a.suggestions = [Suggestion(a.evidence["mojibake"], 0.9)]
            elif a.kind == "script" and "script" in a.evidence and a.evidence["script"]["anomaly"] == "control":
                a.suggestions = [Suggestion("", 0.8)]
            elif a.kind == "script" and a.evidence.get("script", {}).get("anomaly") == "invisible":
                a.suggestions = [Suggestion("".join(c for c in a.text if c not in "\u200b\u2060\ufeff\u200c\u200d"), 0.9)]
            else:
                a.suggestions = self._word(doc, a)

    def _word(self, doc: Document, a: Anomaly) -> list[Suggestion]:
        lex = self.res.lexicon
        lm = self.res.lm
        tok = next((t for t in doc.tokens if t.start == a.start), None)
        if tok is None:
            return []
        words = doc.segment_words(tok.segment)
        i = next(j for j, t in enumerate(words) if t.index == tok.index)
        left = [w.text for w in words[max(0, i - _CONTEXT):i]]
        right = [w.text for w in words[i + 1:i + 1 + _CONTEXT]]
        n = norm(a.text)
        cands: dict[str, None] = {}
        if not self.res.unsegmented:
            alpha = _alphabet(lex)
            for c in edits1(n, alpha):
                if lex.zipf(c) >= 2.5:
                    cands[c] = None
        if lm is not None:
            for c, _ in lm.fill(left, right, k=12):
                if c.isalpha() or "-" in c or "'" in c:
                    cands[c] = None
        cands.pop(n, None)
        if not cands:
            return []
        names = list(cands)
        if lm is not None:
            scored = dict(lm.fill(left, right, candidates=names))
        else:
            scored = {c: lex.zipf(c) * math.log(10) - 20 for c in names}
        best_lm = max(scored.values())
        out = []
        for c in names:
            lm_rel = max(-15.0, scored.get(c, best_lm - 15) - best_lm)
            dist = damerau(n, c) / max(len(n), 1)
            x = (self.w["bias"] + self.w["lm_rel"] * lm_rel + self.w["dist"] * dist * 3
                 + self.w["zipf"] * lex.zipf(c) + self.w["same_initial"] * float(c[:1] == n[:1]))
            out.append((1 / (1 + math.exp(-x)), c))
        out.sort(reverse=True)
        return [Suggestion(match_case(c, a.text), round(p, 4)) for p, c in out[: self.k]]
