"""Build models/numbers.json: spelled-out numbers and scale words per language, for the
source-aware number check (checker/numbers.py).

    pip install num2words==0.5.13 && python models/build_number_words.py

For each language num2words covers: cardinals 0-100 and ordinals 1-31 as single words (a source
that spells "three" supports a target's "3"), every inflected form of those words where a
full-form dictionary is installed (uk, ru: pymorphy3), and the words for thousand, million and
billion (a "1.5 million" in the source supports "1 500 000" in the target). Only a build-time
dependency: the checker reads the JSON.
"""
from __future__ import annotations

import json
from pathlib import Path

from num2words import num2words

OUT = Path(__file__).resolve().parent / "numbers.json"
#: our language code -> num2words's
CODES = {"en": "en", "de": "de", "cs": "cz", "sk": "sk", "uk": "uk", "ru": "ru", "fr": "fr", "es": "es",
         "it": "it", "pl": "pl", "pt": "pt", "nl": "nl", "sv": "sv", "nb": "no", "tr": "tr", "ja": "ja",
         "ar": "ar", "he": "he", "sh": "sr", "fi": "fi", "hu": "hu", "ro": "ro", "lt": "lt", "lv": "lv",
         "sl": "sl", "id": "id", "vi": "vi", "ko": "ko", "kk": "kz"}


def _single(words: str) -> str | None:
    w = words.strip().lower()
    return w if w and " " not in w else None


def _forms(lang: str, word: str) -> set[str]:
    """The word and, for uk/ru, all its inflected forms."""
    out = {word}
    if lang in ("uk", "ru"):
        import pymorphy3

        m = _MORPH.setdefault(lang, pymorphy3.MorphAnalyzer(lang=lang))
        for p in m.parse(word)[:1]:
            out.update(f.word for f in p.lexeme)
    return out


_MORPH: dict = {}

#: scale words by the beginning of their forms (a word that starts so, after a number, multiplies
#: it: 'milion', 'milionu', 'miliony'), and abbreviations ending in '.': exponents of ten. Written
#: by hand: num2words's own words for 10**9 are two words in es and pt ('mil millones'), one of
#: which means a thousand.
SCALES = {
    "en": {"thousand": 3, "million": 6, "billion": 9, "trillion": 12, "bn": 9, "mln": 6, "decade": 1},
    "de": {"tausend": 3, "million": 6, "milliarde": 9, "mio": 6, "mrd": 9, "billion": 12},
    "cs": {"tisíc": 3, "milion": 6, "miliard": 9, "mil": 6, "mld": 9},
    "sk": {"tisíc": 3, "milión": 6, "miliard": 9, "mil": 6, "mld": 9},
    "pl": {"tysiąc": 3, "tysięc": 3, "milion": 6, "miliard": 9, "tys": 3, "mln": 6, "mld": 9},
    "uk": {"тисяч": 3, "мільйон": 6, "мільярд": 9, "тис": 3, "млн": 6, "млрд": 9},
    "ru": {"тысяч": 3, "миллион": 6, "миллиард": 9, "тыс": 3, "млн": 6, "млрд": 9},
    "fr": {"mille": 3, "million": 6, "milliard": 9, "mds": 9, "md": 9},
    "es": {"millón": 6, "millones": 6, "mil": 3},
    "it": {"mila": 3, "mille": 3, "milion": 6, "miliard": 9, "mln": 6, "mld": 9},
    "pt": {"mil": 3, "milhão": 6, "milhões": 6, "bilhão": 9, "bilhões": 9},
    "nl": {"duizend": 3, "miljoen": 6, "miljard": 9, "mln": 6, "mld": 9},
    "sv": {"tusen": 3, "miljon": 6, "miljard": 9, "mkr": 6},
    "nb": {"tusen": 3, "million": 6, "milliard": 9},
    "tr": {"bin": 3, "milyon": 6, "milyar": 9},
    "ja": {"千": 3, "万": 4, "億": 8},
    "zh": {"千": 3, "万": 4, "萬": 4, "亿": 8, "億": 8},
    "ko": {"천": 3, "만": 4, "억": 8},
    "ar": {"ألف": 3, "آلاف": 3, "مليون": 6, "ملايين": 6, "مليار": 9},
    "he": {"אלף": 3, "אלפי": 3, "מיליון": 6, "מיליארד": 9},
    "sh": {"hiljad": 3, "tisuć": 3, "milion": 6, "milijun": 6, "milijard": 9, "хиљад": 3, "милион": 6, "милијард": 9},
    "fi": {"tuhat": 3, "tuhann": 3, "miljoon": 6, "miljard": 9},
    "hu": {"ezer": 3, "millió": 6, "milliárd": 9},
    "ro": {"mie": 3, "mii": 3, "milion": 6, "miliard": 9},
    "id": {"ribu": 3, "juta": 6, "miliar": 9},
    "vi": {"nghìn": 3, "ngàn": 3, "triệu": 6, "tỷ": 9},
}


def main() -> None:
    table: dict[str, dict] = {}
    for lang, code in sorted(CODES.items()):
        words: dict[str, int] = {}
        for n in range(0, 101):
            for kind in ("cardinal", "ordinal"):
                if kind == "ordinal" and not 1 <= n <= 31:
                    continue
                try:
                    w = _single(num2words(n, lang=code, to=kind))
                except (NotImplementedError, OverflowError, ValueError, KeyError, TypeError):
                    w = None
                if w:
                    for f in _forms(lang, w):
                        words.setdefault(f, n)
        table[lang] = {"words": dict(sorted(words.items())), "scales": SCALES.get(lang, {})}
    for lang in SCALES.keys() - table.keys():  # zh: no num2words, scales only
        table[lang] = {"words": {}, "scales": SCALES[lang]}
    meta = {"built_by": "models/build_number_words.py", "num2words": "0.5.13"}
    OUT.write_text(json.dumps({"meta": meta, "languages": table}, ensure_ascii=False, indent=0, sort_keys=True) + "\n",
                   encoding="utf-8")
    print(f"{OUT}: {len(table)} languages, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
