"""Lookup keys for words: one normaliser per language that agrees with wordfreq's preprocessing.

wordfreq stores every word list in a preprocessed form (``wordfreq.preprocess.preprocess_text``):
Unicode NFC or NFKC, Serbian Cyrillic transliterated to Latin (its Serbo-Croatian list ``sh`` is
Latin only), vowel marks and the tatweel removed in abjad scripts (Arabic, Persian, Urdu, Hebrew),
Turkish case folding (``I`` → ``ı``, ``İ`` → ``i``), Romanian cedillas made commas (``ş`` → ``ș``)
and Turkish commas made cedillas; its lookups also straighten curly single quotes. A key built any
other way misses words the list has, so every lexicon lookup goes through ``normaliser(lang)``,
which applies exactly the steps ``wordfreq.language_info.get_language_info(lang)`` names, in
wordfreq's order.

Only lookup keys are normalised, never a document's text: offsets stay offsets into the original.

Speed: the hot path runs once per word. Plain ASCII takes ``str.lower()`` (no step changes ASCII,
but for Turkish ``I``); every other form is computed once and kept in a per-language dict.
``normaliser(None)`` is the language-independent key (NFC, case-folded, ``İ`` → ``i``, quotes
straightened, marks and tatweel removed from Arabic- and Hebrew-script words, which every language
written in those scripts does).
"""
from __future__ import annotations

import unicodedata
from typing import Callable, NamedTuple, Optional

import regex

__all__ = ["normaliser", "steps", "Steps", "GENERIC", "in_own_alphabet", "letter_table", "VERSION"]

#: bumped whenever a key changes for some word, or a lexicon's lookup does (the keys decide which
#: words are known, so they are part of what determines a report's numbers). 2: Serbo-Croatian
#: ekavian words count with their ijekavian spelling's frequency (checker.lexicon.ALTERNATE_FORMS)
VERSION = 2

#: wordfreq.preprocess.MARK_RE: nonspacing marks and the Arabic tatweel
_MARKS = regex.compile(r"[\p{Mn}\N{ARABIC TATWEEL}]", regex.V1)
#: letters of the abjad scripts whose marks every wordfreq language written in them removes
_ABJAD = regex.compile(r"[\p{Arabic}\p{Hebrew}]")
#: ftfy.fixes.uncurl_quotes, single quotes (wordfreq.lossy_tokenize applies it to every token)
_QUOTES = str.maketrans({c: "'" for c in "\u02bc\u2018\u2019\u201a\u201b"})
_CEDILLA_TO_COMMA = str.maketrans({"ş": "ș", "ţ": "ț"})
_COMMA_TO_CEDILLA = str.maketrans({"ș": "ş", "ț": "ţ"})
#: per-language cache bound (word forms); cleared, not evicted, when reached
_CACHE_MAX = 1 << 17


class Steps(NamedTuple):
    """What the normaliser of a language does (from wordfreq's language_info)."""
    normal_form: str = "NFC"
    transliteration: Optional[str] = None  # 'sr-Latn' or 'az-Latn'
    remove_marks: bool = False
    dotless_i: bool = False
    diacritics_under: Optional[str] = None  # 'commas', 'cedillas' or None
    #: NFKC and remove_marks for words in an abjad script only (the language-independent key)
    abjad_marks: bool = False


#: the language-independent key's steps
GENERIC = Steps(abjad_marks=True)

_STEPS: dict[Optional[str], Steps] = {None: GENERIC}
_NORMALISERS: dict[Optional[str], Callable[[str], str]] = {}
_BY_STEPS: dict[Steps, Callable[[str], str]] = {}  # languages with the same steps share one cache


def steps(lang: Optional[str]) -> Steps:
    """The normalisation steps wordfreq applies to ``lang`` (GENERIC for None)."""
    s = _STEPS.get(lang)
    if s is None:
        from wordfreq.language_info import get_language_info

        info = get_language_info(lang)
        s = _STEPS[lang] = Steps(info["normal_form"], info["transliteration"], bool(info["remove_marks"]),
                                 bool(info["dotless_i"]), info["diacritics_under"])
    return s


def _slow(s: Steps) -> Callable[[str], str]:
    """The full normalisation of one word (no cache) for ``s``."""
    table = None
    if s.transliteration:
        from wordfreq.transliterate import AZ_LATN_TABLE, SR_LATN_TABLE

        table = {"sr-Latn": SR_LATN_TABLE, "az-Latn": AZ_LATN_TABLE}[s.transliteration]
    form, marks, dotless = s.normal_form, s.remove_marks, s.dotless_i
    under = {"commas": _CEDILLA_TO_COMMA, "cedillas": _COMMA_TO_CEDILLA}.get(s.diacritics_under or "")
    abjad = s.abjad_marks

    def one(word: str) -> str:
        if abjad and _ABJAD.search(word):  # what every abjad-script language does
            w = _MARKS.sub("", unicodedata.normalize("NFKC", word))
        else:
            w = unicodedata.normalize(form, word)
            if table is not None:
                w = w.translate(table)
            if marks:
                w = _MARKS.sub("", w)
        if dotless:
            w = w.replace("İ", "i").replace("I", "ı")
        else:
            w = w.replace("İ", "i")  # not i + combining dot: no list but Turkish writes İ
        w = w.casefold()
        if under is not None:
            w = w.translate(under)
        return w.translate(_QUOTES)

    return one


def normaliser(lang: Optional[str] = None) -> Callable[[str], str]:
    """The lookup key function for ``lang`` (a wordfreq code; None: language-independent).

    ``normaliser(lang)(word)`` equals ``wordfreq.preprocess.preprocess_text(word, lang)`` with
    curly single quotes straightened (as wordfreq's lookups do) and, outside Turkish and Azeri,
    ``İ`` lowered to ``i`` rather than ``i`` plus a combining dot. It is idempotent."""
    fn = _NORMALISERS.get(lang)
    if fn is None:
        s = steps(lang)
        fn = _NORMALISERS[lang] = _BY_STEPS.get(s) or _BY_STEPS.setdefault(s, _make(s))
    return fn


def _make(s: Steps) -> Callable[[str], str]:
    slow = _slow(s)
    cache: dict[str, str] = {}
    get = cache.get

    dotless = s.dotless_i  # Turkish/Azeri: an ASCII "I" lowers to dotless ı, so it is no fast case

    def fn(word: str) -> str:
        if word.isascii() and not (dotless and "I" in word):
            return word.lower()
        k = get(word)
        if k is None:
            if len(cache) >= _CACHE_MAX:
                cache.clear()
            k = cache[word] = slow(word)
        return k

    fn.steps = s  # type: ignore[attr-defined]
    return fn


#: the Cyrillic letters of each transliterated alphabet (lower case)
_ALPHABETS = {"sr-Latn": "абвгдђежзијклљмнњопрстћуфхцчџш", "az-Latn": "абвгғдеәжзиыјкҝлмноөпрстуүфхһчҹш"}
#: a Cyrillic letter outside the alphabet, either case
_OUTSIDE = {t: regex.compile(rf"[\p{{Cyrillic}}--[{a}{a.upper()}]]", regex.V1) for t, a in _ALPHABETS.items()}


def in_own_alphabet(word: str, lang: Optional[str]) -> bool:
    """False when ``lang`` transliterates Cyrillic and ``word`` has a Cyrillic letter its
    alphabet lacks (Russian я, ъ, ы in Serbian): wordfreq transliterates those too, but no word
    of the language is written with them, so such a word is no evidence for the language."""
    t = steps(lang).transliteration
    return t is None or word.isascii() or _OUTSIDE[t].search(word) is None


#: languages whose text wordfreq folds into Serbo-Croatian ``sh`` (the news corpus says ``hr``)
_SERBO_CROATIAN = {"sh", "sr", "hr", "bs"}
_TABLES: dict[Optional[str], dict[int, str]] = {}


def letter_table(lang: Optional[str]) -> dict[int, str]:
    """The letter-for-letter steps of ``lang``'s normaliser as a ``str.translate`` table, for a
    vocabulary stored only case-folded (the n-gram models'): Serbian Cyrillic to Latin for
    Serbo-Croatian (any of sh, sr, hr, bs), s/t with comma or cedilla as Romanian or Turkish
    write them, curly single quotes made straight. Apply it after case folding."""
    t = _TABLES.get(lang)
    if t is None:
        t = dict(_QUOTES)
        if lang is not None:
            s = steps("sh" if lang in _SERBO_CROATIAN else lang)
            if s.transliteration:
                from wordfreq.transliterate import AZ_LATN_TABLE, SR_LATN_TABLE

                src = {"sr-Latn": SR_LATN_TABLE, "az-Latn": AZ_LATN_TABLE}[s.transliteration]
                # lower case only: the table runs after case folding, which lowers Cyrillic
                t.update({k: v for k, v in src.items() if chr(k).lower() == chr(k)})
            t.update({"commas": _CEDILLA_TO_COMMA, "cedillas": _COMMA_TO_CEDILLA}.get(s.diacritics_under or "", {}))
        _TABLES[lang] = t
    return t
