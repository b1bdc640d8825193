"""The document model: text -> segments -> tokens, all with character offsets into the original.

Offsets are Python string indices into the text the user gave; nothing here normalises the text,
so ``text[tok.start:tok.end] == tok.text`` always holds.

A word longer than ``MAX_WORD_CHARS`` characters is judged by cheap evidence only (its lexicon
frequency, script and letters of its first ``MAX_WORD_CHARS`` characters): no spelling-neighbour
search, no compound splitting, no suggestions. Real words are shorter (the longest German
compounds in news run to ~40 letters); a longer one is junk (lost spaces, encoded data), and the
searches grow with its length, so one such token could otherwise take a request's whole budget.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import regex

# Order matters: the first alternative that matches at a position wins.
_TOKEN_RE = regex.compile(
    r"""
    (?P<control>[\p{Cc}--[\t\n\r]]|\ufffd|[\u202a-\u202e\u2066-\u2069])
   |(?P<markup><\/?[A-Za-z][^<>\n]{0,200}>|&(?:[A-Za-z]{2,8}|\#\d{1,6});)
   |(?P<url>(?:https?://|www\.)[^\s<>"]+[^\s<>".,;:!?)\]}'])
   |(?P<email>[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+)
   |(?P<handle>(?<![\w@])@\w{1,30})
   |(?P<hashtag>(?<![\w#])\#\w+)
   |(?P<emoji>(?:\p{Extended_Pictographic}|\p{Regional_Indicator}{1,2}|[0-9\#*](?=\ufe0f?\u20e3))
              [\ufe0f\u20e3\p{Emoji_Modifier}\U000e0020-\U000e007f]*
              (?:\u200d(?:\p{Extended_Pictographic}|\p{Regional_Indicator})[\ufe0f\p{Emoji_Modifier}]*)*)
   |(?P<number>[+\-]?\p{N}+(?:[.,:/\-]\p{N}+)*(?:\p{L}{1,3}\b)?)
   |(?P<cjk>\p{Han}+|\p{Hiragana}+|[\p{Katakana}\u30fc]+)
   |(?P<word>[[\p{L}\p{M}]--[\p{Han}\p{Hiragana}\p{Katakana}]]
             [[\p{L}\p{M}\p{N}\u200b-\u200d\u2060\ufeff]--[\p{Han}\p{Hiragana}\p{Katakana}]]*
             (?:['’\-\.][[\p{L}\p{M}\p{N}]--[\p{Han}\p{Hiragana}\p{Katakana}]]+)*)
   |(?P<punct>\S)
    """,
    regex.VERSION1 | regex.VERBOSE,
)

# A sentence ends at . ! ? (or their CJK forms) followed by space and a capital/quote/digit, or at
# a CJK full stop. Abbreviations cost us a little context for the language model only.
_SENT_END_RE = regex.compile(
    r"(?<=[.!?…][\"”’»)\]]?)\s+(?=[\"“‘«(\[]?[\p{Lu}\p{Lo}\p{N}])|(?<=[。！？])")

#: a longer word gets cheap evidence only (see the module docstring)
MAX_WORD_CHARS = 64

#: splits a word into the parts joined by hyphens and apostrophes ('ה-NPWS', "l'attività")
WORD_PARTS = regex.compile(r"[-'’]")

#: token kinds that are words to check (numbers, URLs, markup... are not)
WORD_KINDS = frozenset({"word", "cjk"})


def char_script(ch: str) -> str:
    """The Unicode script of one character, coarsely, from its name ("Latin", "Cyrillic", ...)."""
    if ch.isascii():
        return "Latin" if ch.isalpha() else "Common"
    try:
        first = unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return "Unknown"
    if first == "CJK":
        return "Han"
    if first in ("COMBINING", "ZERO", "MODIFIER"):
        return "Inherited"
    return first.capitalize()


def token_scripts(text: str) -> set[str]:
    """Scripts of the letters of a token (marks and punctuation inherit, so they are left out)."""
    if text.isascii():
        return {"Latin"}
    out = set()
    for ch in text:
        if ch.isalpha():
            out.add(char_script(ch))
    out.discard("Inherited")
    out.discard("Common")
    return out


@dataclass(slots=True)
class Token:
    start: int
    end: int
    text: str
    kind: str  # word, cjk, number, url, email, handle, hashtag, markup, control, punct
    index: int  # position in Document.tokens
    segment: int  # index of the segment (sentence) holding it
    #: evidence added by signals: signal name -> details (each a dict with at least "note")
    evidence: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def is_word(self) -> bool:
        return self.kind in WORD_KINDS


@dataclass(slots=True)
class Segment:
    start: int
    end: int
    tokens: list[int]  # indices into Document.tokens


@dataclass
class Document:
    """One text (usually a line of a file) with its tokens, segments and annotations."""

    text: str
    lang: str
    source: str | None = None
    source_lang: str | None = None
    tokens: list[Token] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    #: document-level annotations (e.g. detected language, word counts)
    meta: dict[str, Any] = field(default_factory=dict)
    #: counts of normalised word forms in the enclosing document, when this is part of one
    context: Mapping[str, int] | None = None
    # per segment, computed on first use (tokens do not change after from_text)
    _seg_words: dict[int, list[Token]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _word_pos: dict[int, dict[int, int]] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_text(cls, text: str, lang: str, source: str | None = None,
                  source_lang: str | None = None, context: Mapping[str, int] | None = None) -> "Document":
        doc = cls(text=text, lang=lang, source=source, source_lang=source_lang, context=context)
        bounds = [0] + [m.end() for m in _SENT_END_RE.finditer(text)] + [len(text)]
        seg_i = 0
        for m in _TOKEN_RE.finditer(text):
            while m.start() >= bounds[seg_i + 1] and seg_i + 1 < len(bounds) - 1:
                seg_i += 1
            doc.tokens.append(Token(m.start(), m.end(), m.group(), m.lastgroup, len(doc.tokens), seg_i))
        segs: dict[int, list[int]] = {}
        for t in doc.tokens:
            segs.setdefault(t.segment, []).append(t.index)
        for i in range(len(bounds) - 1):
            doc.segments.append(Segment(bounds[i], bounds[i + 1], segs.get(i, [])))
        return doc

    def words(self) -> list[Token]:
        return [t for t in self.tokens if t.is_word]

    def segment_words(self, seg: int) -> list[Token]:
        """The word tokens of one segment (computed once: signals ask per word, and a long
        segment would make that quadratic). Callers must not change the list."""
        got = self._seg_words.get(seg)
        if got is None:
            got = self._seg_words[seg] = [self.tokens[i] for i in self.segments[seg].tokens if self.tokens[i].is_word]
        return got

    def word_position(self, tok: Token) -> int:
        """Index of word token ``tok`` in ``segment_words(tok.segment)``."""
        pos = self._word_pos
        if tok.segment not in pos:
            pos[tok.segment] = {t.index: j for j, t in enumerate(self.segment_words(tok.segment))}
        return pos[tok.segment][tok.index]


_CONTEXT_WORD_RE = regex.compile(r"[\p{L}\p{M}]+(?:['’\-][\p{L}\p{M}]+)*")


def word_counts(lines: "Iterable[str]") -> dict[str, int]:
    """Counts of normalised word forms over many lines: the document context of each line."""
    from collections import Counter

    from .lexicon import norm

    c: Counter[str] = Counter()
    for line in lines:
        c.update(norm(w) for w in _CONTEXT_WORD_RE.findall(line))
    return dict(c)
