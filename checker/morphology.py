"""Full-form dictionaries: is this rare word a real inflected form of the language?

Frequency lists only hold the forms that occurred often enough on the web. In a highly inflected
language most forms of most words are missing (a clean Ukrainian text has 12–25 forms per 1,000
words that wordfreq does not know), so "not in the list" says little there. A morphological
dictionary lists every form of every lemma it has, so a word it does not know is much more likely
a slip. Where one is installed we use it:

* Ukrainian and Russian: pymorphy3's dictionaries (``pymorphy3-dicts-uk``, ``pymorphy3-dicts-ru``,
  installed with the package; only the dictionary lookup is used, never its guesser).

``known_form(lang)`` returns None for other languages or when the dictionary is not installed; the
checker then runs on frequency lists alone and the report signature says so.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Callable

_log = logging.getLogger(__name__)

_PYMORPHY = {"uk": "pymorphy3_dicts_uk", "ru": "pymorphy3_dicts_ru"}


@lru_cache(maxsize=None)  # per language: bounded by the supported languages
def analyzer(lang: str):
    if lang not in _PYMORPHY:
        return None
    try:
        import pymorphy3  # noqa: F401
        import importlib

        importlib.import_module(_PYMORPHY[lang])
        return pymorphy3.MorphAnalyzer(lang=lang)
    except Exception as e:  # missing or broken optional dictionary: run without it
        _log.warning("no full-form dictionary for %s (%s): words are judged by frequency lists alone", lang, e)
        return None


_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})
_STRESS = "\u0301"  # a stress mark over a Cyrillic vowel (о́бразу) is not part of the spelling


def known_form(lang: str) -> Callable[[str], bool] | None:
    """A predicate telling whether a (lower-case) word is a form in the language's dictionary,
    or None when no dictionary is available for ``lang``. A hyphenated word is known when every
    part is (``прямо-таки``, ``жінок-підприємців``); apostrophe variants and stress marks are
    normalised the way the dictionary writes them."""
    m = analyzer(lang)
    if m is None:
        return None
    known = m.word_is_known

    def is_known(word: str) -> bool:
        w = word.lower().translate(_APOSTROPHES).replace(_STRESS, "")
        if known(w):
            return True
        parts = [p for p in w.split("-") if p]
        return len(parts) > 1 and all(known(p) for p in parts)

    return is_known


def near_forms(lang: str, alphabet: str) -> Callable[[str], list[str]] | None:
    """A function giving the dictionary forms one edit (delete, transpose, replace, insert over
    ``alphabet``) from a lower-case word, sorted; None when no dictionary is available.

    The rare inflections a typist meant (``протвейном`` → ``портвейном``) are missing from
    frequency lists but not from the full-form dictionary. Looking up 700 one-edit strings one by
    one costs ~10 ms a word; walking the dictionary's DAWG once per edit position, and dropping an
    edit as soon as its first changed letter leaves the automaton, costs a fraction of that.
    This is the one place that uses the DAWG's lower-level API (``dct.follow_bytes`` and the
    payload separator of dawg2-python's ``BytesDAWG``); ``tests/test_morphology.py`` pins it."""
    m = analyzer(lang)
    if m is None:
        return None
    words = m.dictionary.words
    dct, sep, root = words.dct, words._payload_separator, words.dct.ROOT
    follow = dct.follow_bytes
    letters = [(c, c.encode("utf-8")) for c in sorted(set(alphabet))]

    def ends_word(state, rest: bytes) -> bool:
        if rest:
            state = follow(rest, state)
            if state is None:
                return False
        return follow(sep, state) is not None

    def near(word: str) -> list[str]:
        w = word.translate(_APOSTROPHES)
        enc = [c.encode("utf-8") for c in w]
        states = [root]  # states[i]: the automaton after w[:i]; stops where w leaves it
        for b in enc:
            nxt = follow(b, states[-1])
            if nxt is None:
                break
            states.append(nxt)
        tail = [b"".join(enc[i:]) for i in range(len(enc) + 1)]
        out: set[str] = set()
        for i, st in enumerate(states):  # an edit at i needs w[:i] to be a prefix of a word
            if i < len(w):
                if ends_word(st, tail[i + 1]):
                    out.add(w[:i] + w[i + 1:])
                if i + 1 < len(w) and w[i] != w[i + 1] and ends_word(st, enc[i + 1] + enc[i] + tail[i + 2]):
                    out.add(w[:i] + w[i + 1] + w[i] + w[i + 2:])
            for c, cb in letters:
                s2 = follow(cb, st)
                if s2 is None:
                    continue
                if i < len(w) and c != w[i] and ends_word(s2, tail[i + 1]):
                    out.add(w[:i] + c + w[i + 1:])
                if ends_word(s2, tail[i]):
                    out.add(w[:i] + c + w[i:])
        out.discard(w)
        return sorted(out)

    return near


@lru_cache(maxsize=50_000)
def lemma_of(lang: str, word: str) -> str | None:
    """The dictionary's lemma of a known form (its first analysis), or None."""
    m = analyzer(lang)
    if m is None:
        return None
    for p in m.parse(word):
        if p.is_known:
            return p.normal_form
    return None


@lru_cache(maxsize=None)
def describe(lang: str) -> str | None:
    """Name and version of the dictionary used for ``lang`` (for the signature), or None."""
    if analyzer(lang) is None:
        return None
    from importlib.metadata import PackageNotFoundError, version

    pkg = _PYMORPHY[lang].replace("_", "-")
    try:
        return f"{pkg}-{version(pkg)}"
    except PackageNotFoundError:
        return pkg


__all__ = ["known_form", "near_forms", "lemma_of", "describe"]
