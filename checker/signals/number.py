"""Number signal: a number of the target that no reading of the source's numbers supports
(checker.numbers): changed digits, a dropped or added digit, a decimal mark read the wrong way.
Runs only when a source comes with the text; writes ``meta:numbers`` as
``(start, end, note, fix)`` where ``fix`` is the source's number in the target's writing, or ""."""
from __future__ import annotations

from ..document import Document
from ..numbers import compare, format_number
from .base import Signal, register


@register("number")
class NumberSignal(Signal):
    requires = ()
    assigns = ("meta:numbers",)

    def quiet_on_plain_lines(self) -> bool:
        return True  # a plain line has no source

    def __call__(self, doc: Document) -> None:
        if not doc.source:
            return
        found = []
        for m in compare(doc.text, doc.source, doc.lang, doc.source_lang):
            fix = format_number(m.meant.main, doc.lang, m.number.text) if m.meant is not None else ""
            found.append((m.number.start, m.number.end, m.note, fix))
        if found:
            doc.meta["numbers"] = found
