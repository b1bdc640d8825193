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

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
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
                  source_lang: str | None = None, context: Mapping[str, int] | None = None,
                  tokenizer: "SimpleTokenizer | None" = None) -> "Document":
        """The Document of ``text``; ``tokenizer``: the language's SimpleTokenizer, which gives
        the same tokens faster when the text is plain."""
        doc = cls(text=text, lang=lang, source=source, source_lang=source_lang, context=context)
        simple = tokenizer.tokens(text) if tokenizer is not None else None
        if simple is None:
            ends = [m.end() for m in _SENT_END_RE.finditer(text)]
            found = [(m.start(), m.end(), m.group(), m.lastgroup) for m in _TOKEN_RE.finditer(text)]
        else:
            found, ends = simple
        bounds = [0] + ends + [len(text)]
        seg_i = 0
        tokens = doc.tokens
        for start, end, tok, kind in found:
            while start >= bounds[seg_i + 1] and seg_i + 1 < len(bounds) - 1:
                seg_i += 1
            tokens.append(Token(start, end, tok, kind, len(tokens), seg_i))
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


# --- the simple tokenizer: _TOKEN_RE's twin, in the standard library's faster engine, for text
# of plain characters only ---------------------------------------------------------------------

#: punctuation that starts no token but a one-character punctuation token (not '<' '&' of
#: markup, '@' of e-mail and handles, '#' of hashtags; no emoji, no letter-like symbol)
_PUNCT = ("!\"$%'()*+,-./:;=?[]^_`{|}~\u2013\u2014\u2018\u2019\u201c\u201d\u201e\u00ab\u00bb"
          "\u2026\u00b7\u00b0\u20ac\u00a3\u00a7")
_SPACE = " \t\n\r\u00a0\u2009\u202f"
#: scripts whose words _TOKEN_RE makes CJK runs, not words
_CJK_SCRIPTS = frozenset({"Han", "Hiragana", "Katakana"})


def _ranges(cps: list[int]) -> str:
    """A character-class body for code points (consecutive ones as ranges)."""
    out, i = [], 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        a, b = _esc(chr(cps[i])), _esc(chr(cps[j]))
        out.append(a if i == j else f"{a}-{b}")
        i = j + 1
    return "".join(out)


def _esc(c: str) -> str:
    return "\\" + c if c in "\\]^-[" else c


class SimpleTokenizer:
    """Tokens and sentence ends of text made only of *plain characters* — letters of the given
    scripts (as ``char_script`` names them), ASCII digits, whitespace and the punctuation in
    ``_PUNCT`` — exactly as ``_TOKEN_RE`` and ``_SENT_END_RE`` find them, in a fraction of the
    time; None for any other text. On such text the only alternatives of ``_TOKEN_RE`` that can
    match are number, word and punct (no control, markup, URL, e-mail, handle, hashtag, emoji or
    CJK character is plain; "://" and "www." make text not plain), and their patterns below are
    theirs with the classes narrowed to plain characters (tests/test_document.py compares the
    two on real text)."""

    def __init__(self, scripts: frozenset[str]):
        scripts = scripts - _CJK_SCRIPTS
        # letters of the Basic Multilingual Plane only: a rarer letter makes text not plain,
        # which costs speed, never correctness (and the walk stays at ~50 ms)
        letters = [cp for cp in range(0x10000) if not 0xD800 <= cp <= 0xDFFF and chr(cp).isalpha()
                   and char_script(chr(cp)) in scripts]
        self.empty = not letters
        if self.empty:
            return
        heads = [cp for cp in letters if unicodedata.category(chr(cp)) in ("Lu", "Lo")]
        lt = _ranges(letters)
        L, LN = f"[{lt}]", f"[{lt}0-9]"
        punct = "".join(_esc(c) for c in _PUNCT + _SPACE)
        self._unsafe = re.compile(f"[^{lt}0-9{punct}]|://|www\\.")
        num = f"[+\\-]?[0-9]+(?:[.,:/\\-][0-9]+)*(?:{L}{{1,3}}\\b)?"
        word = f"{L}{LN}*(?:['\u2019\\-.]{LN}+)*"
        not_space = f"[^{''.join(_esc(c) for c in _SPACE)}]"
        self._words = re.compile(f"{num}|({word})|{not_space}")
        self._tokens = re.compile(f"(?P<number>{num})|(?P<word>{word})|(?P<punct>{not_space})")
        head = f"[{_ranges(heads)}0-9]" if heads else "[0-9]"
        self._sent = re.compile(f"(?:(?<=[.!?\u2026])|(?<=[.!?\u2026][\"\u201d\u2019\u00bb)\\]]))\\s+"
                                f"(?=[\"\u201c\u2018\u00ab(\\[]?{head})")

    def plain(self, text: str) -> bool:
        return not self.empty and not self._unsafe.search(text)

    def words(self, text: str) -> list[str] | None:
        """The word tokens' texts, or None when ``text`` is not plain."""
        if not self.plain(text):
            return None
        return [w for w in self._words.findall(text) if w]

    def tokens(self, text: str) -> tuple[list[tuple[int, int, str, str]], list[int]] | None:
        """((start, end, text, kind) of every token, offsets where sentences end), or None when
        ``text`` is not plain."""
        if not self.plain(text):
            return None
        toks = [(m.start(), m.end(), m.group(), m.lastgroup) for m in self._tokens.finditer(text)]
        return toks, [m.end() for m in self._sent.finditer(text)]


@lru_cache(maxsize=None)  # per script set: a few dozen at most
def simple_tokenizer(scripts: frozenset[str]) -> SimpleTokenizer:
    """The SimpleTokenizer for a language's scripts (built once: it walks every code point)."""
    return SimpleTokenizer(scripts)
