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


@lru_cache(maxsize=8)
def _analyzer(lang: str):
    if lang not in _PYMORPHY:
        return None
    try:
        import pymorphy3  # noqa: F401
        import importlib

        importlib.import_module(_PYMORPHY[lang])
        return pymorphy3.MorphAnalyzer(lang=lang)
    except Exception as e:  # missing or broken optional dictionary: run without it
        _log.info("no morphological dictionary for %s: %s", lang, e)
        return None


_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})
_STRESS = "\u0301"  # a stress mark over a Cyrillic vowel (о́бразу) is not part of the spelling


def known_form(lang: str) -> Callable[[str], bool] | None:
    """A predicate telling whether a (lower-case) word is a form in the language's dictionary,
    or None when no dictionary is available for ``lang``. A hyphenated word is known when every
    part is (``прямо-таки``, ``жінок-підприємців``); apostrophe variants and stress marks are
    normalised the way the dictionary writes them."""
    m = _analyzer(lang)
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


@lru_cache(maxsize=8)
def describe(lang: str) -> str | None:
    """Name and version of the dictionary used for ``lang`` (for the signature), or None."""
    if _analyzer(lang) is None:
        return None
    from importlib.metadata import PackageNotFoundError, version

    pkg = _PYMORPHY[lang].replace("_", "-")
    try:
        return f"{pkg}-{version(pkg)}"
    except PackageNotFoundError:
        return pkg


__all__ = ["known_form", "describe"]
