"""Context signal: how well each word fits its whole sentence, from one unmasked pass of the
neural context model (see checker.lm.hf.ContextModel). Does nothing without such a model or
for a language the model was not trained on."""
from __future__ import annotations

from ..document import Document
from .base import Signal, register


@register("context")
class ContextSignal(Signal):
    def __call__(self, doc: Document) -> None:
        cm = self.res.cm
        if cm is None or not cm.covers(doc.lang):
            return
        segs = [doc.segment_words(s) for s in range(len(doc.segments))]
        scores = cm.visible_logprobs([[t.text for t in ws] for ws in segs])
        for ws, sc in zip(segs, scores):
            for t, (lp, low) in zip(ws, sc):
                t.evidence["context"] = {"lp": round(lp, 3), "min": round(low, 3)}
