"""Script signal: letters of a script the language does not use, mixed scripts, invisible and
control characters, mojibake, and CJK radicals standing in for ideographs."""
from __future__ import annotations

import unicodedata

import regex

from ..document import WORD_PARTS, Document, token_scripts
from .base import Signal, register

_INVISIBLE = regex.compile(r"[\u200b\u2060\ufeff]")
_JOINERS = regex.compile(r"[\u200c\u200d]")
# Joiners are part of normal spelling in these scripts.
_JOINER_SCRIPTS = {"Arabic", "Devanagari", "Bengali", "Tamil", "Malayalam", "Sinhala", "Gurmukhi"}
# Fullwidth Latin letters and digits (ＮＡＴＯ, Ｇ７) are ordinary typography in these scripts.
_FULLWIDTH_SCRIPTS = {"Han", "Hiragana", "Katakana", "Hangul"}
#: classic UTF-8-read-as-Latin-1/cp1252 sequences; ftfy confirms before we report (checker.plain
#: reads it too: text with such a sequence is never plain)
MOJIBAKE_HINT = regex.compile(r"[ÃÂâÐÑØÙÅÄ][\u0080-\u00bf\u2018-\u201e\u2020-\u2122\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]")

#: Kangxi radicals and the CJK radicals supplement: glyphs drawn like ideographs (⼦ U+2F26, 子
#: U+5B50) that running text never uses; PDF text layers put them in place of, or beside, the
#: ideograph (WMT22 en-ja output: 電⼦子書籍, 37 times in one system's output, never in
#: references, sources, FLORES or the news corpus). A line holding one is never plain: the
#: tokeniser of checker.plain refuses Han text and other-script characters.
RADICAL = regex.compile(r"[\u2e80-\u2fdf]")


@register("script")
class ScriptSignal(Signal):
    requires = ()
    assigns = ("script", "meta:mojibake", "meta:radicals")

    def quiet_on_plain_lines(self) -> bool:
        # a plain line holds only the language's own letters: no control, invisible or mojibake
        return True

    def __call__(self, doc: Document) -> None:
        allowed = self.res.scripts
        for tok in doc.tokens:
            if tok.kind == "control":
                cp = ord(tok.text)
                what = "replacement character" if cp == 0xFFFD else (
                    "bidirectional override" if cp >= 0x202A else "control character")
                tok.evidence["script"] = {"anomaly": "control", "note": f"{what} U+{cp:04X}"}
                continue
            if not tok.is_word or tok.text.isascii():
                continue
            scripts = token_scripts(tok.text)
            if _INVISIBLE.search(tok.text) or (_JOINERS.search(tok.text) and not scripts & _JOINER_SCRIPTS):
                tok.evidence["script"] = {"anomaly": "invisible",
                                          "note": "invisible zero-width character inside the word"}
            elif self._mixed(tok.text) and "Latin" in scripts | allowed:
                tok.evidence["script"] = {"anomaly": "mixed",
                                          "note": "mixes " + " and ".join(sorted(scripts)) + " letters"}
            elif scripts == {"Fullwidth"} and allowed & _FULLWIDTH_SCRIPTS:
                continue
            elif scripts and not scripts & (allowed | {"Latin"}) and len(tok.text) >= 2:
                s = next(iter(scripts))
                tok.evidence["script"] = {
                    "anomaly": "foreign-script",
                    "note": f"{s} word in {'/'.join(sorted(allowed))}-script {doc.lang} text"}
        if MOJIBAKE_HINT.search(doc.text):
            self._mojibake(doc)
        if RADICAL.search(doc.text):
            self._radicals(doc)

    @staticmethod
    def _radicals(doc: Document) -> None:
        """Each radical with its fix: the ideograph it looks like (NFKC), or nothing when that
        ideograph follows it already (the 電⼦子 of a text layer that kept both)."""
        found = []
        for m in RADICAL.finditer(doc.text):
            meant = unicodedata.normalize("NFKC", m.group())
            if meant == m.group():
                continue  # a radical without an ideograph equivalent: nothing to say what is meant
            fix = "" if doc.text[m.end():m.end() + len(meant)] == meant else meant
            found.append((m.start(), m.end(), meant, fix))
        if found:
            doc.meta["radicals"] = found

    @staticmethod
    def _mixed(text: str) -> bool:
        """Scripts mixed inside one part of a word; 'ה-NPWS' or 'ב-pH' join parts and are fine."""
        return any(len(token_scripts(p)) > 1 for p in WORD_PARTS.split(text) if p)

    @staticmethod
    def _mojibake(doc: Document) -> None:
        import ftfy

        spans = []
        for m in regex.finditer(r"\S+", doc.text):
            chunk = m.group()
            if MOJIBAKE_HINT.search(chunk):
                fixed = ftfy.fix_text(chunk)
                if fixed != chunk:
                    spans.append((m.start(), m.end(), fixed))
        if spans:
            doc.meta["mojibake"] = spans
