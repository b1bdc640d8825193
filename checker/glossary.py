"""A user's glossary: source term -> the target term a translation must use (TSV or TBX).

TSV: one entry per line, ``source term<TAB>target term``, optionally two more columns naming the
source and target languages (``en<TAB>de``; an entry without them applies to every pair); blank
lines and ``#`` comments ignored; a first line ``source<TAB>target`` is a header. TBX (ISO 30042):
each ``termEntry`` pairs every term of one ``langSet`` with every term of another.

A term is *used* in a text when its words occur in order, each as a word of the text that starts
with the term word's stem (``term_stem``: all but its last two letters from seven letters on,
all but one from five: `Impfstoff`, `Impfstoffe`, `Impfstoffs`; `legge`, `leggi`); a source term is *present* when its words occur in order as words, an
English plural or possessive allowed. Matching is case-insensitive.

Invariants (tests/test_glossary.py): reading is deterministic and the digest names the entries,
not the file's layout; a file that is not a glossary is one InputError line with its line number;
an entry whose source term is absent is never reported.
"""
from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .errors import InputError
from .io import read_text, split_lines
from .lexicon import norm

#: entries read from one glossary at most (bounded work per segment)
MAX_ENTRIES = 50_000
# words split at apostrophes and hyphens on both sides (l'accord has the term accord; a
# hyphenated term is matched part by part)
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Entry:
    source: str
    target: str
    source_lang: str | None = None
    target_lang: str | None = None

    def applies(self, source_lang: str | None, lang: str | None) -> bool:
        return ((self.source_lang is None or source_lang is None or self.source_lang == source_lang)
                and (self.target_lang is None or lang is None or self.target_lang == lang))


def _words(text: str) -> list[str]:
    return [norm(w) for w in _WORD.findall(text)]


def term_stem(w: str) -> str:
    """The part of a term word a form must keep: all but two letters from seven letters on
    (Impfstoff: Impfstoffe, Impfstoffs), all but one from five (legge: leggi, not lege), the whole
    word below five."""
    return w[:-2] if len(w) >= 7 else w[:-1] if len(w) >= 5 else w


@dataclass(frozen=True)
class Glossary:
    entries: tuple[Entry, ...]

    def digest(self) -> str:
        """8 hex digits over the sorted entries; "none" when empty."""
        if not self.entries:
            return "none"
        rows = sorted(f"{e.source}\t{e.target}\t{e.source_lang or ''}\t{e.target_lang or ''}" for e in self.entries)
        return hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()[:8]

    def __bool__(self) -> bool:
        return bool(self.entries)

    def violations(self, target: str, source: str, lang: str | None, source_lang: str | None) -> list[Entry]:
        """Entries whose source term the source has and whose target term the target lacks.
        Only the entries whose first word the source has are looked at (an index by first word:
        a 50,000-entry glossary costs a segment its own words' lookups, not 50,000 matches)."""
        src = _words(source)
        if not src:
            return []
        index = self._by_first
        seen: set[int] = set()
        for w in src:
            for key in {w, w[:-1], w[:-2]}:  # vaccines, boxes: the singular's entries too
                seen.update(index.get(key, ()))
        tgt = _words(target)
        out = []
        for i in sorted(seen):
            e, source_words, target_words = self._tokenised[i]
            if e.applies(source_lang, lang) and _present(source_words, src) and not _used(target_words, tgt):
                out.append(e)
        return out

    # caches of derived data (cached_property writes the instance dict, which a frozen
    # dataclass allows; equality and the digest read ``entries`` only)
    @cached_property
    def _tokenised(self) -> list[tuple[Entry, list[str], list[str]]]:
        """Each entry with its terms' words, split once."""
        return [(e, _words(e.source), _words(e.target)) for e in self.entries]

    @cached_property
    def _by_first(self) -> dict[str, list[int]]:
        """Entry indices by the first word of their source term."""
        got: dict[str, list[int]] = {}
        for i, (_, ws, _) in enumerate(self._tokenised):
            if ws:
                got.setdefault(ws[0], []).append(i)
        return got


def _present(term: list[str], words: list[str]) -> bool:
    if not term:
        return False
    n = len(term)
    for i in range(len(words) - n + 1):
        if all(w == t or w in (t + "s", t + "es", t + "'s", t + "’s") for w, t in zip(words[i:i + n], term)):
            return True
    return False


def _used(term: list[str], words: list[str]) -> bool:
    if not term:
        return True
    stems = [term_stem(t) for t in term]
    n = len(stems)
    for i in range(len(words) - n + 1):
        if all(w.startswith(s) and not _undoubled(w, t) for w, s, t in zip(words[i:i + n], stems, term)):
            return True
    return False


def _undoubled(w: str, t: str) -> bool:
    """``w`` is ``t`` with one letter of a doubled pair dropped (began for begann, bekant for
    bekannt): a misspelling the stem alone would take for a form."""
    return len(w) + 1 == len(t) and any(t[i] == t[i + 1] and t[:i] + t[i + 1:] == w for i in range(len(t) - 1))


def read_glossary(path: str | Path) -> Glossary:
    """The glossary in ``path`` (TSV, or TBX by its .tbx suffix or XML content)."""
    text = read_text(str(path))
    if str(path).lower().endswith((".tbx", ".xml")) or text.lstrip().startswith("<"):
        return _read_tbx(text, str(path))
    entries: list[Entry] = []
    for i, line in enumerate(split_lines(text), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if i == 1 and [c.lower() for c in cols[:2]] == ["source", "target"]:
            continue
        if len(cols) not in (2, 4) or not cols[0] or not cols[1]:
            raise InputError(f"{path}:{i}: a glossary line is 'source<TAB>target' or 'source<TAB>target<TAB>"
                             f"source_lang<TAB>target_lang' ({len(cols)} columns here)")
        entries.append(Entry(cols[0], cols[1], *(cols[2:4] if len(cols) == 4 else (None, None))))
        if len(entries) > MAX_ENTRIES:
            raise InputError(f"{path}:{i}: more than {MAX_ENTRIES:,} glossary entries")
    return Glossary(tuple(entries))


def _read_tbx(text: str, path: str) -> Glossary:
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        raise InputError(f"{path}:{e.position[0]}: not a TBX file: {str(e).split(':')[0]}") from None
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    entries: list[Entry] = []
    for te in root.iter():
        if not te.tag.endswith("termEntry") and not te.tag.endswith("conceptEntry"):
            continue
        by_lang: dict[str, list[str]] = {}
        for ls in te:
            if not (ls.tag.endswith("langSet") or ls.tag.endswith("langSec")):
                continue
            lang = (ls.get(xml_lang) or ls.get("lang") or "").split("-")[0].lower()
            terms = [t.text.strip() for t in ls.iter() if t.tag.endswith("term") and t.text and t.text.strip()]
            by_lang.setdefault(lang, []).extend(terms)
        for sl, sts in sorted(by_lang.items()):
            for tl, tts in sorted(by_lang.items()):
                if sl != tl:
                    entries.extend(Entry(s, t, sl, tl) for s in sts for t in tts)
        if len(entries) > MAX_ENTRIES:
            raise InputError(f"{path}: more than {MAX_ENTRIES:,} glossary entries")
    if not entries:
        raise InputError(f"{path}:1: a TBX file without any termEntry of two languages")
    return Glossary(tuple(entries))


EMPTY = Glossary(())

__all__ = ["Entry", "Glossary", "read_glossary", "term_stem", "EMPTY", "MAX_ENTRIES"]
