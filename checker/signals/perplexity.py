"""Perplexity signal: how much better the language model likes its own best word in this slot
than the word that is there. Run only on words the cheaper signals already doubt."""
from __future__ import annotations

from ..document import Document
from .base import Signal, register

_CONTEXT = 2
# The best competitor is searched among the most frequent words only: 30x less work, and the
# word a sentence wants in a slot is almost always among them.
_SEARCH = 2000
#: bound on remembered (word, context) scores; cleared, not evicted, when reached
_MEMO_MAX = 1 << 16


@register("perplexity")
class PerplexitySignal(Signal):
    requires = ("names", "lexicon")
    assigns = ("perplexity",)

    def quiet_on_plain_lines(self) -> bool:
        return True  # it scores only words with lexicon evidence

    def __init__(self, resources):
        super().__init__(resources)
        # the same word in the same context, scored once for the life of the signal: a corpus
        # repeats its rare words in the same phrases (one source, many systems' translations),
        # and the score depends on nothing else
        self._memo: dict[tuple, dict] = {}

    def __call__(self, doc: Document) -> None:
        lm = self.res.lm
        if lm is None:
            return
        seen = self._memo
        for seg in range(len(doc.segments)):
            words = doc.segment_words(seg)
            for i, t in enumerate(words):
                lx = t.evidence.get("lexicon")
                if not lx or not suspicious(t):
                    continue
                left = [w.text for w in words[max(0, i - _CONTEXT):i]]
                right = [w.text for w in words[i + 1:i + 1 + _CONTEXT]]
                key = (t.text, *left, "|", *right)
                ev = seen.get(key)
                if ev is None:
                    if len(seen) >= _MEMO_MAX:
                        seen.clear()
                    own = lm.fill(left, right, candidates=[t.text])[0][1]
                    best_w, best = lm.fill(left, right, k=1, limit=_SEARCH)[0]
                    ev = seen[key] = {
                        "gain": round(best - own, 3), "best": best_w, "own": round(own, 3),
                        "note": f"the language model prefers '{best_w}' here ({best - own:+.1f} nats)"}
                t.evidence["perplexity"] = dict(ev)


def suspicious(t) -> bool:
    """Worth the language model's time: unknown or rare, and not protected as a name."""
    lx = t.evidence.get("lexicon")
    nm = t.evidence.get("names", {})
    if not lx or nm.get("allowed") or nm.get("acronym"):
        return False
    # a likely slip of a common word is worth a look whatever excuses it (capitals, inflection)
    slip = lx.get("typo_score", -9.0) - lx["zipf"] >= 1.0
    if nm.get("cap") and not lx.get("alien_latin") and not slip:
        return False
    # a guessed inflection of an unknown word ('verschwundlet' as verschwund+let) must not
    # excuse a garble from the model's look; a compound or known parts may
    if (lx.get("compound") or lx.get("parts_known")) and not slip:
        return False
    if lx.get("inflection") and lx["zipf"] > 0.0 and not slip:
        return False
    # a known rare word with no sign of error elsewhere is not worth the model's time
    return (lx["zipf"] == 0.0 or lx.get("neighbour") is not None or lx.get("alien_latin")
            or lx["foreign_zipf"] - lx["zipf"] >= 1.5 or lx.get("source_margin", 0.0) > 0)
