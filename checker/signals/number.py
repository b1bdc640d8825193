"""Number signal: a number of the target that no reading of the source's numbers supports
(checker.numbers): changed digits, a dropped or added digit, a decimal mark read the wrong way.
Runs only when a source comes with the text; writes ``meta:numbers``: Findings whose fix is the
source's number in the target's writing, or ""."""
from __future__ import annotations

from ..document import Document
from ..numbers import compare, format_number
from .base import Finding, SourceSignal, register


@register("number")
class NumberSignal(SourceSignal):
    requires = ()
    assigns = ("meta:numbers",)
    meta_key, kind = "numbers", "number"

    def find(self, doc: Document) -> list[Finding]:
        return [Finding(m.number.start, m.number.end, m.note,
                        format_number(m.meant.main, doc.lang, m.number.text) if m.meant is not None else "")
                for m in compare(doc.text, doc.source, doc.lang, doc.source_lang)]
