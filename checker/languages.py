"""Which target languages are supported, how codes are normalised, and which scripts each writes."""
from __future__ import annotations

from functools import lru_cache

from .errors import LanguageError

# Aliases users type for the codes wordfreq uses.
ALIASES = {
    "no": "nb", "nn": "nb", "hr": "sh", "sr": "sh", "bs": "sh", "tl": "fil",
    "iw": "he", "in": "id", "zh-hans": "zh", "zh-cn": "zh", "zh-hant": "zh", "zh-tw": "zh",
    "cmn": "zh", "eng": "en", "deu": "de", "fra": "fr", "spa": "es", "rus": "ru",
}

# Scripts a language is normally written in. Latin is tolerated in every language for names
# and brands; the lexicon signal decides whether a Latin token there is a foreign word.
_SCRIPTS = {
    "ar": {"Arabic"}, "fa": {"Arabic"}, "ur": {"Arabic"},
    "he": {"Hebrew"},
    "bg": {"Cyrillic"}, "mk": {"Cyrillic"}, "ru": {"Cyrillic"}, "uk": {"Cyrillic"},
    "sh": {"Latin", "Cyrillic"},
    "el": {"Greek"},
    "hi": {"Devanagari"}, "bn": {"Bengali"}, "ta": {"Tamil"},
    "zh": {"Han"}, "ja": {"Han", "Hiragana", "Katakana"}, "ko": {"Hangul", "Han"},
}

#: languages written without spaces between words
UNSEGMENTED = {"zh", "ja"}


@lru_cache(maxsize=1)
def supported_languages() -> tuple[str, ...]:
    """Every target language wordfreq has a word list for (40+)."""
    import wordfreq

    return tuple(sorted(wordfreq.available_languages(wordlist="best")))


def normalize_lang(code: str) -> str:
    """Map a user's language code to a supported one, or raise LanguageError listing them."""
    raw = (code or "").strip().lower().replace("_", "-")
    c = ALIASES.get(raw, raw)
    supported = supported_languages()
    if c not in supported:
        base = c.split("-")[0]
        c = ALIASES.get(base, base)
    if c not in supported:
        raise LanguageError(
            f"unsupported language {code!r}; supported: {' '.join(supported)}")
    return c


def scripts_of(lang: str) -> set[str]:
    return _SCRIPTS.get(lang, {"Latin"})
