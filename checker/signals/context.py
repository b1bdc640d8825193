"""Context signal: how well each word fits its whole sentence, from one unmasked pass of the
neural context model (see checker.lm.hf.ContextModel); words it doubts get a second, masked
look (their own log-probability with the word hidden, and how much better the model's best
guess is). Does nothing without such a model or for a language it was not trained on."""
from __future__ import annotations

from ..document import Document
from .base import Signal, register

# visible log-probability below which a known word gets the masked look (about 1 word in 10)
DOUBT_LP = -6.0


@register("context")
class ContextSignal(Signal):
    requires = ()
    assigns = ("context",)

    def quiet_on_plain_lines(self) -> bool:
        # with a model it judges common words too (a wrong real word)
        return self.res.cm is None or not self.res.cm.covers(self.res.lang)

    def __call__(self, doc: Document) -> None:
        cm = self.res.cm
        if cm is None or not cm.covers(doc.lang):
            return
        segs = [doc.segment_words(s) for s in range(len(doc.segments))]
        scores = cm.visible_logprobs([[t.text for t in ws] for ws in segs])
        lex = self.res.lexicon
        doubted = []
        for si, (ws, sc) in enumerate(zip(segs, scores)):
            for wi, (t, (lp, low)) in enumerate(zip(ws, sc)):
                cx = t.evidence["context"] = {"lp": round(lp, 3), "min": round(low, 3)}
                if t.text.islower():  # candidates for a wrong real word: known, lower-case words
                    cx["zipf"] = z = lex.zipf(t.text)
                    if lp < DOUBT_LP and z >= 1.0:
                        doubted.append((si, wi))
        if doubted:
            texts = [[t.text for t in ws] for ws in segs]
            for (si, wi), (own, gain) in zip(doubted, cm.masked_word_scores(texts, doubted)):
                segs[si][wi].evidence["context"].update(masked=round(own, 3), gain=round(gain, 3))
