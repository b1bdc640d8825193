"""Term signal: the user's glossary (checker.glossary) violated — the source has a glossary
term and the translation lacks the target term it requires. Runs only with a source and a
glossary; writes ``meta:terms``: Findings over the target word that misspells
the required term (one or two slips: ``Impstoff``) with the term as its fix, else the whole
segment (the glossary says what must be there, not which words stand for it) with no fix."""
from __future__ import annotations

from ..document import Document
from ..lexicon import norm
from ..spelling import damerau
from .base import Finding, SourceSignal, register


@register("term")
class TermSignal(SourceSignal):
    requires = ()
    assigns = ("meta:terms",)
    meta_key, kind = "terms", "term"

    def describe(self) -> str:
        return f"term@{self.res.glossary.digest()}"

    def find(self, doc: Document) -> list[Finding]:
        if not self.res.glossary:
            return []
        found = []
        for e in self.res.glossary.violations(doc.text, doc.source, doc.lang, doc.source_lang):
            note = f"the glossary requires '{e.target}' for '{e.source}', which the source has"
            terms = {"source": e.source, "target": e.target}
            near = self._misspelt(doc, e.target)
            if near is not None:
                found.append(Finding(near.start, near.end, note, e.target, terms))
            else:  # the whole segment, leaving its words to the other checks
                s = len(doc.text) - len(doc.text.lstrip())
                found.append(Finding(s, len(doc.text.rstrip()), note + "; the translation does not use it", "",
                                     terms, claims=False))
        return found

    @staticmethod
    def _misspelt(doc: Document, term: str):
        """The word of a one-word term written with a slip (one edit, two from 7 letters)."""
        t = norm(term)
        if " " in t or len(t) < 4:
            return None
        best = None
        for w in doc.words():
            n = norm(w.text)
            d = damerau(n, t)
            if 0 < d <= (1 if len(t) < 7 else 2) and (best is None or d < best[0]):
                best = (d, w)
        return best[1] if best else None
