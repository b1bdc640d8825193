"""Names are not errors: capitalised words, acronyms, recurring words, words of the source, and
the user's allowlist all count as evidence *against* an anomaly."""
from __future__ import annotations

from collections import Counter

import regex

from ..document import Document
from ..lexicon import norm
from .base import Signal, register
from .lexicon import COMMON_FREQ

_SRC_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:['’\-][\p{L}\p{M}\p{N}]+)*")


@register("names")
class NamesSignal(Signal):
    def __call__(self, doc: Document) -> None:
        words = doc.words()
        counts = Counter(norm(t.text) for t in words)
        # word counts of the enclosing document (a whole file when scanning line by line)
        ctx = doc.context or {}
        src = set()
        if doc.source:
            src = {norm(w) for w in _SRC_WORD.findall(doc.source)}
        first_in_seg = set()
        for s in range(len(doc.segments)):
            ws = doc.segment_words(s)
            if ws:
                first_in_seg.add(ws[0].index)
        allow = self.res.allowlist
        freq = self.res.lexicon.freq
        for i, t in enumerate(words):
            w = t.text
            n = norm(w)
            alien = w.isascii() and "Latin" not in self.res.scripts
            if not alien and freq(n) >= COMMON_FREQ:
                continue  # common words are never candidates: no evidence needed
            prev = doc.tokens[t.index - 1].text if t.index > 0 else ""
            initial = t.index in first_in_seg or prev in {'"', "“", "«", "„", ":", "(", "‘", "'", "—", "–", "-"}
            ev = {
                "cap": w[:1].isupper() and not initial,
                "cap_initial": w[:1].isupper() and initial,
                "acronym": len(w) >= 2 and w.isupper(),
                "inner_cap": any(c.isupper() for c in w[1:]) and not w.isupper(),
                "recurring": (counts[n] >= 2 and not (i > 0 and norm(words[i - 1].text) == n))
                             or ctx.get(n, 0) >= 2,
                "in_source": n in src or (len(n) > 3 and any(p in src for p in n.split("-"))),
                "allowed": n in allow or w in allow,
            }
            notes = [k for k, v in ev.items() if v]
            ev["note"] = ", ".join(notes)
            t.evidence["names"] = ev
