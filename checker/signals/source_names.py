"""Name signal: a name of the source that the target writes almost, but not quite, the same way
(``Jonhson`` for ``Johnson``, ``Macorn`` for ``Macron``): one or two slips inside the name,
in the same script, where an inflection (``Johnsona``, ``Merkelová``) or the usual translation
(translators' statistics) would explain nothing. Runs only with a source; writes ``meta:names``:
Findings whose fix is the source's spelling in the target's inflection.

Which source words are names: capitalised mid-sentence (not after . ! ? : or an opening quote),
at least four letters, letters only, and rare as a lower-case word of the source language
(Zipf < ``NAME_MAX_ZIPF``: `Johnson`, not `Monday` or `White`). Which target words are compared:
capitalised, not a common word of the target language (Zipf < ``TARGET_WORD_ZIPF``), not the
word itself, a form of it, or another transliteration of it (`Selenskyj` for `Zelensky`: the
letters transliterations trade — z/s, y/i/j, w/v, k/c, doubled letters — are not slips).
A form of a name keeps all of it but its last two letters (`Berlioz`, `Berliozu`; `Anna`,
`Anny`): a slip in the last two letters reads as an inflection and is not reported (a stated
blind spot). Cross-script pairs (Latin source, Cyrillic target) are not compared: their
transliterations vary too much for a one-letter rule.

Invariant (tests/test_source_names.py): a target word identical to a source word is never
reported; work is bounded by ``MAX_NAMES`` source names per segment.
"""
from __future__ import annotations

from functools import lru_cache

import regex

from ..document import Document, char_script
from ..lexicon import norm
from ..spelling import damerau, skeleton
from ..translation import get_translation_stats
from .base import Finding, SourceSignal, register

#: a capitalised source word rarer than this (lower-cased) in the source language is a name
#: (names are in word lists too: `johnson` is Zipf 3.9 in English; `monday`, `white` are over 5)
NAME_MAX_ZIPF = 5.0
#: a target word this common in the target language is a word, not a misspelt name
TARGET_WORD_ZIPF = 3.0
#: ... in a language that capitalises every noun, this common
NOUN_CAPS_WORD_ZIPF = 1.5
NOUN_CAPS = frozenset({"de", "lb"})
#: source names compared per segment (bounded work)
MAX_NAMES = 32
_WORD = regex.compile(r"\p{L}+(?:['’\-]\p{L}+)*")
_OPENERS = '.!?:"“«„(‘'


def _script(w: str) -> str:
    return next((char_script(c) for c in w if c.isalpha()), "")


def is_form(w: str, name: str) -> bool:
    """``w`` and ``name`` (normalised) are forms of one name: one is the other, or an inflection
    of it — all of it but its last two letters, at least four, then anything (Johnsona,
    Merkelová, Berliozu; a source inflects too: Erdoğanem, Bischkeks) — with or without
    diacritics and hyphens (Klöcker, Klockera; WiFi, Wi-Fi)."""
    if w == name:
        return True
    a, b = skeleton(w).replace("-", ""), skeleton(name).replace("-", "")
    return _stem_shared(a, b)


def _stem_shared(a: str, b: str) -> bool:
    """``a`` keeps all of the name ``b`` but its last two letters (three at least: a short name
    inflects too — Brno, Brna; Dara, Daře; Iowa, Iowy), and is at most five letters longer."""
    k = max(3, len(b) - 2)
    return a == b or (len(a) >= k and len(a) - len(b) <= 5 and a[:k] == b[:k])


def slip(w: str, name: str) -> bool:
    """``w`` is one slip from ``name`` (two for names of seven letters or more) and no form of it."""
    if is_form(w, name) or abs(len(w) - len(name)) > 2 or w[:1] != name[:1] and len(name) < 7:
        return False
    a, b = skeleton(w), skeleton(name)
    if any(_stem_shared(x, y) for x in _translit(a) for y in _translit(b)):
        return False  # transliteration habits, inflected (Selenskyj, Zelensky; Biškeku, Bishkek)
    d = 1 if len(name) < 7 else 2
    if damerau(a, b) <= d:
        return True
    # a slip in an inflected form (Frrancie for Francie, France): the part of the name a form
    # keeps (all but its last two letters, four at least), give or take the letter a slip adds
    # or drops, one slip from the target's beginning
    # — a slip inside it, not at its end, where translations of a name's derivatives differ
    # (Ricardian, Ricardský; Devonian, Devonská)
    stem = b[:max(3, len(b) - 2)]
    return (len(stem) >= 4 and a[:len(stem) - 1] != stem[:-1]
            and min(damerau(a[:len(stem) + j], stem) for j in (-1, 0, 1)) <= 1)


_TRANSLIT = (("sz", "s"), ("dzh", "j"), ("ph", "f"), ("gh", "g"), ("dh", "d"), ("th", "t"), ("bh", "b"),
             ("oe", "o"), ("ae", "a"), ("ue", "u"))
#: what ch, kh, sh are in the writing systems names pass through: /ʃ/ (French Bichkek, German
#: Maschhad), /x/ (Czech Chalífa, Russian-style Khalifa), /tʃ/ (English Kochner for Kočner)
_CH = ("s", "h", "c")
_SH = regex.compile(r"t?sch+|sh+")
_CHX = regex.compile(r"[ck]h+")
_TRANSLIT_LETTERS = str.maketrans({"z": "s", "y": "i", "j": "i", "w": "v", "k": "c", "q": "c", "-": None, "'": None})
_H_BETWEEN_VOWELS = regex.compile(r"(?<=[aeiou])h(?=[aeiou])")


@lru_cache(maxsize=1 << 14)  # each target word meets every name of its segment, each name every word
def _translit(s: str) -> frozenset[str]:
    """Keys equal for transliterations and local spellings of one name (Zelensky, Selenskyj;
    Bishkek, Bischkek, Biszkek, Biškek; Khalifa, Chalífa; Groener, Gröner): the sounds they
    trade merged (one key per reading of ch/kh), h dropped between vowels and in digraphs (not
    elsewhere: Jonhson is a slip); doubled letters stay (Johnsson is a slip too); the skeleton
    has already folded š, ş, ö to s, s, o."""
    s = _SH.sub("s", s)
    for a, b in _TRANSLIT:
        s = s.replace(a, b)
    out = set()
    for ch in _CH:
        k = _H_BETWEEN_VOWELS.sub("", _CHX.sub(ch, s)).translate(_TRANSLIT_LETTERS)
        out.add(k)
    return frozenset(out)


def source_names(source: str, lang: str | None, lexicon) -> list[str]:
    """The names of ``source`` as written (see the module docstring)."""
    out: list[str] = []
    for m in _WORD.finditer(source):
        w = regex.sub(r"['’]s$", "", m.group())  # Bishkek's: the name is Bishkek
        if len(w) < 4 or not w[:1].isupper() or w.isupper() or not w.replace("-", "").replace("'", "").isalpha():
            continue
        j = m.start() - 1
        while j >= 0 and source[j].isspace():
            j -= 1
        if j < 0 or source[j] in _OPENERS:
            continue  # sentence-initial: a capital says nothing
        if lexicon is not None and lexicon.zipf(w.lower()) >= NAME_MAX_ZIPF:
            continue
        if w not in out:
            out.append(w)
        if len(out) >= MAX_NAMES:
            break
    return out


_PART = regex.compile(r"[^\-]+")


def _fix(w: str, name: str) -> str:
    """The source's spelling of the name, in the target's inflection: ``Jonhsona`` -> ``Johnsona``,
    ``Frrancie`` -> ``Francie`` (the name's kept part, then the target's ending); an uninflected
    slip gets the name itself (``Macorn`` -> ``Macron``)."""
    a, b = skeleton(w), skeleton(name)
    if len(w) <= len(name) or damerau(a, b) <= 1:
        return name  # no ending of the target's own (Macorn; Johnsson: one letter added)
    k = max(3, len(name) - 2)
    j = min((-1, 0, 1), key=lambda j: (damerau(a[:k + j], b[:k]), abs(j)))
    return name[:k] + w[k + j:]


@register("name")
class NameSignal(SourceSignal):
    requires = ()
    assigns = ("meta:names",)
    meta_key, kind = "names", "name"

    def _judge(self, w: str, names: list[str], src_words: set[str], stats,
               word_zipf: float) -> tuple[str, str] | None:
        """(the source name ``w`` is a slip of, the fix), or None."""
        if len(w) < 4 or not w[:1].isupper() or w.isupper():
            return None
        lex = self.res.lexicon
        n = norm(w)
        head = regex.split(r"['’]", n)
        if len(head) > 1 and len(head[0]) >= 3:
            n = head[0]  # Bishkek's, Obama'nın: the name is before the apostrophe
        if n in src_words or lex.zipf(n) >= word_zipf:
            return None  # the source's own word, or a word of the language
        parts = [p for p in n.split("-") if p]
        if len(parts) > 1 and all(lex.zipf(p) >= TARGET_WORD_ZIPF for p in parts):
            return None  # words of the language joined (Juni-August)
        for name in names:
            nn = norm(name)
            if _script(name) != _script(w) or not slip(n, nn):
                continue
            if any(is_form(n, norm(o)) or is_form(n, norm(p)) for o in names
                   for p in regex.split(r"['’\-]", o)):
                return None  # a form of a name of the source or of a part of one (O'Mahony)
            ws = stats.lookup(nn) if stats is not None else None
            if ws is not None and any(norm(tr) == n or is_form(n, norm(tr)) for tr, _ in ws.translations):
                return None  # how translators write it (Selenskyj for Zelensky)
            return name, _fix(w, name)
        return None

    def find(self, doc: Document) -> list[Finding]:
        slex = self.res.source_lexicon(doc.source_lang) if doc.source_lang else None
        names = source_names(doc.source, doc.source_lang, slex)
        if not names:
            return []
        stats = (get_translation_stats(doc.source_lang, doc.lang)
                 if doc.source_lang and doc.source_lang != doc.lang else None)
        src_words = {norm(m.group()) for m in _WORD.finditer(doc.source)}
        # a language that capitalises its nouns writes rare words like names (Hemisphäre): only
        # a word it hardly knows can be a misspelt name there
        word_zipf = NOUN_CAPS_WORD_ZIPF if doc.lang in NOUN_CAPS else TARGET_WORD_ZIPF
        found = []
        for t in doc.words():
            # a hyphenated word is judged whole and by its parts (Ost-Texas, Guinness-Buch)
            pieces = [(t.start, t.text)]
            if "-" in t.text:
                pieces += [(t.start + m.start(), m.group()) for m in _PART.finditer(t.text)]
            for start, w in pieces:
                hit = self._judge(w, names, src_words, stats, word_zipf)
                if hit is not None:
                    found.append(Finding(start, start + len(w), f"the source writes the name '{hit[0]}'", hit[1]))
                    break
        return found
