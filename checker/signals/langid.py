"""Language-ID signal: runs of words better explained by one other language (untranslated or
foreign fragments). Document-level detection lives in checker.langid."""
from __future__ import annotations

from ..document import Document
from .base import Signal, register


@register("langid")
class LangIDSignal(Signal):
    def __call__(self, doc: Document) -> None:
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
