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
letters transliterations trade — z/s, y/i/j, w/v, k/c, sh/sch/sz/š — are not slips; doubled
letters are). Also compared: the name after an elided article (`d'Ebbola`), each part of a
hyphenated word, the name before an apostrophe ending (`Obbama'nın`: the span and the fix are
the name's).
A form of a name keeps all of it but its last two letters (`Berlioz`, `Berliozu`; `Anna`,
`Anny`): a slip in the last two letters reads as an inflection and is not reported (a stated
blind spot) — but a letter doubled inside the name is a slip however the word ends
(`Rosssbyho`). A slip may sit inside a form: one slip from a word of the target language that
is a form of the name (`Irráku`: `Iráku` for Iraq; `Carrterovi`), inside the part a form keeps
(`Frrancie`), or inside the name at the head of a compound (`Diiabetesverbands`); the fix is
then that word. Cross-script pairs (Latin source, Cyrillic target) are not compared: their
transliterations vary too much for a one-letter rule.

Invariant (tests/test_source_names.py): a target word identical to a source word is never
reported; work is bounded by ``MAX_NAMES`` source names per segment.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable

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


def _key_shared(a: str, b: str, free: int = 2) -> bool:
    """The transliteration key ``a`` keeps all of the name's key ``b`` but its last ``free``
    letters (three at least), and is at most five letters longer. A name as a source that does
    not inflect names writes it (``free`` 1: English Buenos, Lakkha) leaves the target's
    ending less room than a name that may carry the source's own ending (2: Romanian
    Transilvaniei, Tracia for Transylvania, Thrace): a key has already merged what
    transliterations trade, and a slip beside a merged letter would pass for a spelling (Buneos
    for Buenos: key bunos; Lakha for Lakkha: lac(c)a)."""
    k = max(3, len(b) - free)
    return a == b or (len(a) >= k and len(a) - len(b) <= 5 and a[:k] == b[:k])


def slip(w: str, name: str, zipf: Callable[[str], float] | None = None, sh_as_s: bool = False,
         name_inflects: bool = True) -> bool:
    """``w`` is one slip from ``name`` (two for names of seven letters or more) and no form of it;
    with ``zipf`` (the target language's word frequencies) also one slip from a word of the
    language that is a form of the name (``Irráku``: ``Iráku``, Iraq)."""
    return _slip(w, name, zipf, sh_as_s, name_inflects) is not None


#: a word of the target language this common is a known form of a name (Iráku, Argentinischen)
KNOWN_FORM_ZIPF = 1.5


def _slip(w: str, name: str, zipf: Callable[[str], float] | None = None, sh_as_s: bool = False,
          name_inflects: bool = True) -> str | None:
    """The word of the target language ``w`` is a slip of, when one is known (else ""), if ``w``
    is a slip of ``name`` (see ``slip``); None if it is not."""
    a, b = skeleton(w), skeleton(name)
    doubled = _extra_double(a, b)  # a doubled letter is neither an ending nor a transliteration
    if is_form(w, name) and not doubled:
        return None
    if len(a) < len(b) - 2 or a[:1] != b[:1] and len(b) < 7:
        return None  # (first letters without diacritics: Írránu for Iran, Áfica for Africa)
    free = 2 if name_inflects else 1
    if not doubled and any(_key_shared(x, y, free) for x in _translit(_shin(w), False, sh_as_s)
                           for y in _translit(_shin(name), True, sh_as_s)):
        return None  # transliteration habits, inflected (Selenskyj, Zelensky; Biškeku, Bishkek)
    known = _known_form(w, name, zipf) if zipf is not None and zipf(w) < KNOWN_FORM_ZIPF else None
    if known:
        return known
    if doubled:
        return w[:doubled] + w[doubled + 1:] if len(w) == len(a) else ""
    if zipf is not None and _compound_slip(a, b, zipf):
        return ""
    d = 1 if len(name) < 7 else 2
    if len(a) - len(b) <= 2 and damerau(a, b) <= d:
        return ""
    # a slip in an inflected form (Frrancie for Francie, France): the part of the name a form
    # keeps (all but its last two letters, four at least), give or take the letter a slip adds
    # or drops, one slip from the target's beginning
    # — a slip inside it, not at its end, where translations of a name's derivatives differ
    # (Ricardian, Ricardský; Devonian, Devonská)
    stem = b[:max(3, len(b) - 2)]
    if (len(stem) >= (4 if len(a) - len(b) <= 2 else 5) and len(a) - len(b) <= 4 and a[:len(stem) - 1] != stem[:-1]
            and min(damerau(a[:len(stem) + j], stem) for j in (-1, 0, 1)) <= 1):
        return ""
    return None


#: the rest of a compound that begins with a name is a word of the language this common
COMPOUND_REST_ZIPF = 3.0


def _compound_slip(a: str, b: str, zipf: Callable[[str], float]) -> bool:
    """``a`` is a compound too long for a form: the name ``b`` with one slip inside it (not in its
    last letter), then a word of the language (Diiabetesverbands, Sagittaariusgalaxen)."""
    if len(a) - len(b) < 4:
        return False
    for j in (-1, 0, 1):
        head, rest = a[:len(b) + j], a[len(b) + j:]
        if (len(rest) >= 4 and head[-1:] == b[-1:] and damerau(head, b) == 1
                and not _translit(head) & _translit(b, True)  # (Kongresskammern, Congress)
                and max(zipf(rest), zipf(rest[1:]) if rest[:1] in "se" else 0.0) >= COMPOUND_REST_ZIPF):
            return True  # (with a linking s or e: Bishkeksflyg)
    return False


def _edits(w: str, upto: int, letters: str):
    """Words one slip from ``w`` (a letter dropped, added, replaced by one of ``letters``, two
    swapped), the slip before position ``upto``."""
    for i in range(min(upto, len(w))):
        yield w[:i] + w[i + 1:]
        if i + 1 < len(w):
            yield w[:i] + w[i + 1] + w[i] + w[i + 2:]
        for c in letters:
            yield w[:i] + c + w[i + 1:]
            yield w[:i] + c + w[i:]


def _known_form(w: str, name: str, zipf: Callable[[str], float]) -> str:
    """The commonest word of the language one slip from ``w`` — the slip inside the name, not in
    its last letter — that is a form of ``name`` (``Irráku`` -> ``iráku``; ``Carrterovi`` ->
    ``carterovi``), or ""."""
    letters = "".join(sorted(set(w + name.lower()) - {"-", "'", "’"}))
    best, bz = "", KNOWN_FORM_ZIPF
    for v in set(_edits(w, len(name) - 1, letters)):
        if v != w and v[:1] == w[:1] and is_form(v, name):
            z = zipf(v)
            if z >= bz:
                best, bz = v, z
    return best


def _extra_double(a: str, b: str) -> int:
    """Where ``a`` (a form of the name ``b`` by its first letters) doubles a letter inside the
    name that the name writes once, and without it keeps all of the name — a slip, not an
    ending (Rosssby, Milller, Lakkkha for Rossby, Miller, Lakkha): the index of the extra
    letter, else 0."""
    if a.startswith(b):
        return 0
    return next((i for i in range(1, min(len(a), len(b) - 1))
                 if a[i] == a[i - 1] and (a[:i] + a[i + 1:]).startswith(b)), 0)


_SHIN = str.maketrans({"š": "sh", "ş": "sh", "ș": "sh", "ś": "sh"})


def _shin(w: str) -> str:
    """The skeleton, with the letters for /ʃ/ written sh before their diacritics go (Biškek,
    Bişkek as Bishkek, not Biskek)."""
    return skeleton(w.lower().translate(_SHIN))


_TRANSLIT = (("sz", "ʃ"), ("dzh", "j"), ("ph", "f"), ("gh", "g"), ("dh", "d"), ("th", "t"), ("bh", "b"),
             ("oe", "o"), ("ae", "a"), ("ue", "u"))
#: what ch, kh, sh are in the writing systems names pass through: /ʃ/ (French Bichkek, German
#: Maschhad), /x/ (Czech Chalífa, Russian-style Khalifa), /tʃ/ (English Kochner for Kočner)
_CH = ("ʃ", "h", "c")
_SH = regex.compile(r"t?sch|sh")
_CHX = regex.compile(r"[ck]h")
_TRANSLIT_LETTERS = str.maketrans({"z": "s", "y": "i", "j": "i", "w": "v", "k": "c", "q": "c", "-": None, "'": None})
_H_BETWEEN_VOWELS = regex.compile(r"(?<=[aeiou])h(?=[aeiou])")


#: what a target may simplify in the name it writes, not the other way round: n before b, p
#: as m (Portuguese Rustemburgo for Rustenburg; Zanbia for Zambia is a slip), the h after sh
#: (Mashad for Mashhad; Shhark for Shark is a slip), h between vowels (Joanesburgo; Cehers for
#: Cheers is a slip)
_NAME_SIMPLER = ((regex.compile(r"n(?=[bp])"), "m"), (regex.compile(r"(?<=ʃ)h"), ""), (_H_BETWEEN_VOWELS, ""))


@lru_cache(maxsize=1 << 14)  # each target word meets every name of its segment, each name every word
def _translit(s: str, name: bool = False, sh_as_s: bool = False) -> frozenset[str]:
    """Keys equal for transliterations and local spellings of one name (Zelensky, Selenskyj;
    Bishkek, Bischkek, Biszkek, Biškek; Khalifa, Chalífa; Groener, Gröner): the sounds they
    trade merged (one key per reading of ch/kh), h dropped in digraphs (not elsewhere: Jonhson
    is a slip); doubled letters stay (Johnsson, Shhark are slips too); /ʃ/ (sh, sch, sz, š, ş)
    is one letter, not s (Biskek is a slip of Bishkek) — but s in a language without it
    (``sh_as_s``: Spanish Biskek). A ``name``'s keys are also those of its simpler spellings
    (``_NAME_SIMPLER``)."""
    s = _SH.sub("ʃ", s)
    for a, b in _TRANSLIT:
        s = s.replace(a, b)
    forms = {s}
    if name:
        for rx, by in _NAME_SIMPLER:
            forms |= {rx.sub(by, f) for f in forms}
    out = set()
    for f in forms:
        for ch in _CH:
            k = _CHX.sub(ch, f).translate(_TRANSLIT_LETTERS)
            out.add(k.replace("ʃ", "s") if sh_as_s else k)
    return frozenset(out)


#: source languages that write a name without case endings (but a possessive 's, which
#: ``source_names`` strips): their names end as the name does
UNINFLECTED_NAMES = frozenset({"en", "fr", "es", "it", "pt", "nl", "zh", "ja", "ko", "vi", "th", "id", "ms"})
#: target languages that write the /ʃ/ of a foreign name as s (Spanish Biskek, Asjabad)
SH_AS_S = frozenset({"es"})


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
#: an elided article or preposition glued to the next word by an apostrophe (French d', l',
#: qu'; Italian dell', nell', all')
_ELIDED = regex.compile(r"\p{Ll}{1,5}['’](?=\p{Lu})")


def _kept(a: str, b: str) -> int:
    """How many first letters of the name ``b`` the word ``a`` keeps (skeletons)."""
    a, b = skeleton(a), skeleton(b)
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return i


def _recase(v: str, w: str) -> str:
    """``v``, a lower-case word one slip from ``w``, in ``w``'s capitals (``zmapp``, ``ZMMapp``
    -> ``ZMapp``): the letters both begin with, then those both end with, keep theirs."""
    lw = w.lower()
    p = 0
    while p < min(len(v), len(w)) and v[p] == lw[p]:
        p += 1
    q = 0
    while q < min(len(v), len(w)) - p and v[-1 - q] == lw[-1 - q]:
        q += 1
    mid = v[p:len(v) - q]
    return w[:p] + (mid.upper() if w.isupper() else mid) + (w[len(w) - q:] if q else "")


def _fix(w: str, name: str, known: str = "") -> str:
    """The source's spelling of the name, in the target's inflection: ``Jonhsona`` -> ``Johnsona``,
    ``Frrancie`` -> ``Francie`` (the name's kept part, then the target's ending); an uninflected
    slip gets the name itself (``Macorn`` -> ``Macron``); a slip of a known form of the name gets
    that form, capitalised as ``w`` is (``Irráku`` -> ``Iráku``)."""
    if known:
        return _recase(known, w)
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
               word_zipf: float, sh_as_s: bool = False, name_inflects: bool = True) -> tuple[str, str, int] | None:
        """(the source name ``w`` is a slip of, the fix, the length of ``w`` it replaces), or None."""
        if len(w) < 4 or not w[:1].isupper() or w.isupper():
            return None
        lex = self.res.lexicon
        n = norm(w)
        head = regex.split(r"['’]", n)
        if len(head) > 1 and len(head[0]) >= 3:
            n = head[0]  # Bishkek's, Obama'nın: the name is before the apostrophe
            w = regex.split(r"['’]", w)[0]  # and so is the slip: the ending is the target's
        if n in src_words or lex.zipf(n) >= word_zipf:
            return None  # the source's own word, or a word of the language
        parts = [p for p in n.split("-") if p]
        if len(parts) > 1 and all(lex.zipf(p) >= TARGET_WORD_ZIPF for p in parts):
            return None  # words of the language joined (Juni-August)
        for name in names:
            nn = norm(name)
            if _script(name) != _script(w):
                continue
            known = _slip(n, nn, lex.zipf, sh_as_s, name_inflects)
            if known is None:
                continue
            kept = _kept(n, nn)
            others = [norm(o) for o in names if o != name] + [
                norm(p) for o in names for p in regex.split(r"['’\-]", o) if p and p != o]
            if any(is_form(n, o) and _kept(n, o) > kept for o in others):
                # a form of another name of the source or of a part of one (O'Mahony) that keeps
                # more of it than of this one (not Simpons, a slip of Simpsons, for Simon)
                return None
            ws = stats.lookup(nn) if stats is not None else None
            if ws is not None and any(norm(tr) == n or is_form(n, norm(tr)) for tr, _ in ws.translations):
                return None  # how translators write it (Selenskyj for Zelensky)
            return name, _fix(w, name, known), len(w)
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
        sh_as_s = doc.lang in SH_AS_S
        name_inflects = doc.source_lang not in UNINFLECTED_NAMES
        found = []
        for t in doc.words():
            # a hyphenated word is judged whole and by its parts (Ost-Texas, Guinness-Buch)
            # (the parts first: the slip is in one of them, and so is the fix)
            pieces = [(t.start + m.start(), m.group()) for m in _PART.finditer(t.text)] if "-" in t.text else []
            el = _ELIDED.match(t.text)
            if el:  # an elided article or preposition before the name (d'Ebola, dell'Africa)
                pieces.append((t.start + el.end(), t.text[el.end():]))
            pieces.append((t.start, t.text))
            for start, w in pieces:
                hit = self._judge(w, names, src_words, stats, word_zipf, sh_as_s, name_inflects)
                if hit is not None:
                    found.append(Finding(start, start + hit[2], f"the source writes the name '{hit[0]}'", hit[1]))
                    break
        return found
