"""Language-ID signal: runs of words better explained by one other language (untranslated or
foreign fragments), and whole sentences left in another language. Document-level detection
lives in checker.langid."""
from __future__ import annotations

from ..document import Document
from .base import Signal, register

_MIN_WORDS = 3
# the target language must score below this fraction of the best language's evidence
_MARGIN = 0.7


@register("langid")
class LangIDSignal(Signal):
    requires = ("lexicon",)
    assigns = ("langid", "meta:foreign_segments")

    def quiet_on_plain_lines(self) -> bool:
        return True  # runs and sentences are built from lexicon evidence, which a plain line has none of

    def __call__(self, doc: Document) -> None:
        self._runs(doc)
        self._segments(doc)

    @staticmethod
    def _runs(doc: Document) -> None:
        run: list = []
        for t in doc.tokens + [None]:
            ev = t.evidence.get("lexicon") if t is not None else None
            lang = None
            if ev and ev["foreign_zipf"] - ev["zipf"] >= 1.5:
                lang = ev["foreign_lang"]
            if lang and run and (run[-1][1] == lang) and run[-1][0].segment == t.segment:
                run.append((t, lang))
                continue
            if run:
                for tok, lg in run:
                    tok.evidence["langid"] = {"lang": lg, "run": len(run),
                                              "note": f"{len(run)}-word run that reads as {lg}" if len(run) > 1 else f"reads as {lg}"}
            run = [(t, lang)] if lang else []

    def _segments(self, doc: Document) -> None:
        """A sentence that reads as another language: its words score far higher there."""
        if self.res.unsegmented:
            return
        index = self.res.foreign
        names = index.lang_names
        try:
            ti = names.index(doc.lang)
        except ValueError:
            return
        found = []
        for i in range(len(doc.segments)):
            words = doc.segment_words(i)
            if len(words) < _MIN_WORDS:
                continue
            if sum(1 for w in words[1:] if w.text[:1].isupper()) > len(words) // 2:
                continue  # a list of names reads as anything
            if not any("langid" in w.evidence for w in words):
                continue  # cheap gate: no word reads as another language, so neither does the sentence
            sc = index.language_scores([w.text for w in words])
            best = int(sc.argmax())
            if best != ti and sc[ti] < _MARGIN * sc[best]:
                found.append((words[0].start, words[-1].end, names[best], round(1 - sc[ti] / sc[best], 3)))
        if found:
            doc.meta["foreign_segments"] = found
