"""Numbers in a text and the values they can stand for, by each language's conventions.

A *number* is a run of digits with inner separators (``1,500.25``, ``1.500,25``, ``1 500``,
``12:30``, ``1.5.2022``, ``2019-2020``) in any script's digits (``٣``, ``３``); its *values* are
every reading the writing allows:

* the whole, read with the language's decimal mark (``1,5`` is 1.5 in German and 15 nowhere: a
  comma before one or two digits is a decimal mark in every convention; ``1,500`` is 1500 in
  English and 1.5 in German: a group of three is read both ways where the side is ``liberal``);
* its parts, for dates, times, scores and ranges (``1.5.2022`` → 1, 5, 2022);
* times its scale word (``1.5 million``, ``1,5 milionu``, ``15万``): 1,500,000;
* a spelled-out small number of the language (``three``, ``третьому``: models/numbers.json), also
  inside a compound (``čtyřměsíční``; Czech units before tens: ``jednatřicetiletý``, 31), and the
  English words that imply one (``another``, ``per``: 1; ``a couple``: 2; ``a fortnight``: 2 weeks;
  ``a quarter``: 1/4; ``teenage``: 10代);
* in a source, as each language writes them: ``四成``/``4成`` 40% and ``3割`` 30% (tenths);
  ``七八十`` 70-80 and ``六七十年代`` the 60s and 70s (two consecutive numerals before a unit are a
  range); ``十四五`` 14 and 5 (a run that is no one number is the numbers it runs together);
  ``万名`` 10,000 (a bare scale word); ``30余万`` over 300,000; ``£75m`` 75 million (a glued
  scale); ``тисяч 100`` about 100,000 (a Russian/Ukrainian scale word before the number); a
  two-digit year in a name (``COVID-19``: 2019); ``4分の1`` 1/4 on either side.

``compare(target, source)`` returns the target's numbers that no reading of the source supports,
each with the source's number the target most likely changed (its fix). Invariants
(tests/test_numbers.py): a number written identically on both sides is never reported; reading
and comparing are deterministic; each side's work is linear in its length (at most
``MAX_NUMBERS`` numbers per side are compared).
"""
from __future__ import annotations

import json
import re
import unicodedata

import regex
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .assets import embedded
from .spelling import damerau

#: numbers compared per side of one segment (bounded work; a table of figures is no sentence)
MAX_NUMBERS = 64
#: languages that write the decimal mark as a point (and group thousands with commas)
DECIMAL_POINT = frozenset({"en", "zh", "ja", "ko", "he", "th", "hi", "mr", "bn", "ta", "te", "gu", "ms", "tl",
                           "ga", "cy", "mt", "sw", "ha", "yo", "ig", "zu", "xh", "km", "ps", "ne", "si", "my"})

# a digit run with inner separators: . , : / - ' and the spaces that group thousands
# a target's number does not start inside a word of an alphabetic script or after a word and a
# hyphen (G7, A320, COVID-19, F-35 are names, and compared as such nowhere); next to a CJK character, or after an Arabic or Hebrew
# prefix letter (و802.11b, ב-2019), a number is a number. A source's digits count wherever they are.
_SEP = r"(?:[.,:/\-'\u2019\u30fb]|\uff0c(?=\d{3}(?!\d))|[ \u00a0\u202f\u2009](?=\d{3}(?!\d)))"
_NUM = regex.compile(r"(?<![\p{Latin}\p{Cyrillic}\p{Greek}\p{Armenian}\p{Georgian}\d_]|\d[.,:/\-]|\p{L}-)(\d+(?:" + _SEP + r"\d+)*)")
_SRC_NUM = regex.compile(r"(?<![\d]|\d[.,:/\-])(\d+(?:" + _SEP + r"\d+)*)")
_WORD = re.compile(r"[^\W\d_]+(?:[\-'\u2019][^\W\d_]+)*")
_CJK_NUM = re.compile(r"[〇零一二两三四五六七八九十百千]+")
_CJK_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CJK_UNIT = {"十": 10, "百": 100, "千": 1000}
#: number words a source may use besides models/numbers.json's cardinals and ordinals
#: (a tuple: every value the word can stand for). English words that imply a number a translation
#: writes in digits: 'another' is one more (もう1つ), 'per' is for each one (1台あたり), a couple and a
#: pair are two, a fortnight two weeks (2週間, 14日), a quarter 1/4 (4分の1), the teens the decade of
#: ages from ten (10代; the twenties 20代)
_EXTRA_WORDS = {"en": {"a": 1, "an": 1, "once": 1, "single": 1, "twice": 2, "dozen": 12, "half": 0.5,
                       "hundred": 100, "hundreds": 100, "thousand": 1000, "thousands": 1000, "million": 1000000,
                       "millions": 1000000, "billion": 1000000000, "another": 1, "per": 1, "each": 1,
                       "couple": 2, "pair": 2, "fortnight": (2, 14), "fortnights": (2, 14), "quarter": 0.25,
                       "decade": 10, "decades": 10, "century": 100, "teen": 10, "teens": 10,
                       "teenage": 10, "teenager": 10, "teenagers": 10, "twenties": 20, "thirties": 30, "forties": 40,
                       "fifties": 50, "sixties": 60, "seventies": 70, "eighties": 80, "nineties": 90},
                "de": {"hundert": 100, "tausend": 1000, "halb": 0.5, "halbe": 0.5, "halben": 0.5, "einmal": 1,
                       "zweimal": 2, "dutzend": 12},
                "cs": {"sto": 100, "tisíc": 1000, "půl": 0.5, "jednou": 1, "dvakrát": 2, "jeden": 1},
                "ru": {"сто": 100, "тысяча": 1000, "тысячи": 1000, "половина": 0.5, "дважды": 2},
                "uk": {"сто": 100, "тисяча": 1000, "тисячі": 1000, "половина": 0.5, "двічі": 2},
                "fr": {"cent": 100, "mille": 1000, "demi": 0.5, "demie": 0.5, "douzaine": 12}}
#: month names by their beginnings (a source that names May supports a target's 5 in a date or
#: in 5月); the longest matching beginning wins (Czech červen/June, červenec/July)
_MONTH_NAMES = {
    "en": ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    "de": ("jan", "feb", "märz", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov", "dez"),
    "fr": ("janv", "févr", "mars", "avril", "mai", "juin", "juil", "août", "sept", "oct", "nov", "déc"),
    "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"),
    "cs": ("led", "únor", "břez", "dub", "květ", ("červen", "června"), ("červenc", "července"), "srp", "září",
           "říj", "listop", "prosin"),
    "ru": ("январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр", "ноябр", "декабр"),
    "uk": ("січ", "лют", "берез", "квіт", "трав", "черв", "лип", "серп", "верес", "жовт", "листопад", "груд"),
}
#: imperial -> metric factors a translator may have converted with (inch, foot, yard, mile,
#: pound, ounce, gallon, acre, square mile)
_CONVERSIONS = (2.54, 0.3048, 0.9144, 1.609344, 0.45359237, 28.3495, 3.78541, 0.404686, 2.58999)
_IMPERIAL = re.compile(r"\b(?:inch|inches|in\.|foot|feet|ft|yards?|miles?|mph|pounds?|lbs?|ounces?|oz|gallons?|acres?|"
                       r"fahrenheit|°f)\b|°F", re.IGNORECASE)
_PM = re.compile(r"\b(?:p\.\s?m\.|pm)\b|\d\s?p\.?m\b", re.IGNORECASE)


@dataclass(frozen=True)
class Number:
    """One number of a text: its span, as written, and every value it can stand for."""

    start: int
    end: int
    text: str
    values: frozenset[Decimal]
    #: the value a reader of this language takes it for (None: a date, time or range)
    main: Decimal | None = None
    parts: tuple[Decimal, ...] = field(default=())


@dataclass(frozen=True)
class Mismatch:
    """A number of the target that nothing in the source supports."""

    number: Number
    #: the source's number it most likely stands for (unmatched there), or None
    meant: Number | None
    note: str


def _dec(s: str) -> Decimal | None:
    try:
        return Decimal(s).normalize()
    except InvalidOperation:
        return None


def _ascii_digits(s: str) -> str:
    return "".join(str(unicodedata.digit(c)) if c.isdigit() and not c.isascii() else c for c in s)


@lru_cache(maxsize=None)
def _table() -> dict:
    try:
        return json.loads(embedded("numbers.json").read_text(encoding="utf-8"))["languages"]
    except (OSError, ValueError, KeyError):
        return {}


def number_words(lang: str) -> dict[str, int]:
    return _table().get(lang, {}).get("words", {})


#: languages that write a number word into a compound (čtyřměsíční, tausendste, четырёхмесячные)
_COMPOUNDING = frozenset({"cs", "sk", "pl", "ru", "uk", "de", "nl", "sv", "nb", "fi", "hu", "sh", "sl"})


@lru_cache(maxsize=None)
def _prefixes(lang: str) -> tuple[tuple[str, int], ...]:
    """Number words of at least four letters, longest first."""
    words = {**number_words(lang), **_EXTRA_WORDS.get(lang, {})}
    words = {w: (v[0] if isinstance(v, tuple) else v) for w, v in words.items()}
    words.update({w: v for w, v in _inverted_tens(lang).items() if w not in words})
    return tuple(sorted(((w, v) for w, v in words.items() if len(w) >= 4 and w.isalpha()), key=lambda x: -len(x[0])))


def _inverted_tens(lang: str) -> dict[str, int]:
    """Czech writes 21-99 also units first, joined by 'a': jednatřicet (1 + 30 = 31), pětadvacet,
    dvaadvacet; and so in compounds (jednatřicetiletý: 31 years old)."""
    if lang != "cs":
        return {}
    words = {**number_words(lang), **_EXTRA_WORDS.get(lang, {})}
    units = [(w, v) for w, v in words.items() if isinstance(v, int) and 1 <= v <= 9 and w.isalpha()]
    tens = [(w, v) for w, v in words.items() if isinstance(v, int) and v in range(20, 100, 10) and w.isalpha()]
    out = {}
    for u, a in units:
        for t, b in tens:
            out[u + "a" + t] = a + b
            if u.endswith("a"):  # jedna + dvacet: jednadvacet
                out[u + t] = a + b
    return out


def _prefix_value(word: str, lang: str) -> float | None:
    """The number a compound starts with ('čtyřměsíční' -> 4), or None."""
    if len(word) < 6:
        return None
    for w, v in _prefixes(lang):
        if word.startswith(w):
            return v
    return None


def _scale(word: str, lang: str) -> int | None:
    """The power of ten a scale word after a number multiplies it by ('million' -> 6), or None."""
    scales = _table().get(lang, {}).get("scales", {})
    w = word.lower().rstrip(".")
    best = None
    for k, e in scales.items():
        # an abbreviation (mil, mln, bn) must be the whole word; a longer key its beginning
        if (w == k if len(k) <= 4 else w.startswith(k)) and (best is None or len(k) > best[0]):
            best = (len(k), e)
    return best[1] if best else None


def _readings(raw: str, lang: str | None, liberal: bool) -> tuple[set[Decimal], Decimal | None, tuple[Decimal, ...]]:
    """(values, the main reading, the parts) of one digit run."""
    # ・ is the decimal mark in Japanese writing (1・5メートル); ， a full-width comma
    s = _ascii_digits(raw).replace("\u2019", "'").replace("\u30fb", ".").replace("\uff0c", ",")
    if re.search(r"[:/]|\d-\d|\d\.\d+\.\d", s) and not re.fullmatch(r"\d{1,3}(?:\.\d{3})+", s):
        # a date, time, score, fraction or range: its parts, each read as a number (3,000-6,000)
        pieces = re.split(r"[:/\-]", s) if re.search(r"[:/\-]", s) else s.split(".")
        parts = tuple(p for p in (_readings(x, lang, liberal)[1] for x in pieces if x) if p is not None)
        return set(parts), None, parts
    parts = ()
    values: set[Decimal] = set()
    point = lang in DECIMAL_POINT if lang else True
    grouped = re.sub(r"[ \u00a0\u202f\u2009']", "", s)
    readings: list[Decimal | None] = []
    if re.fullmatch(r"\d+", grouped):
        readings.append(_dec(grouped))
    else:
        m = re.fullmatch(r"(\d+)([.,])(\d+)", grouped)
        if m:
            a, sep, b = m.groups()
            as_decimal, as_group = _dec(f"{a}.{b}"), (_dec(a + b) if len(b) == 3 and len(a) <= 3 else None)
            own = sep == "." if point else sep == ","  # the language's decimal mark
            if len(b) != 3 or as_group is None:
                readings.append(as_decimal)  # 1,5 / 1.25: a decimal whatever the convention
            else:
                readings.append(as_decimal if own else as_group)
                if liberal:
                    readings.append(as_group if own else as_decimal)
        else:
            # several separators: the last one is the decimal mark if it differs from the rest
            m = re.fullmatch(r"(\d{1,3}(?:([.,])\d{3})+)(?:([.,])(\d+))?", grouped)
            if m and (m.group(3) is None or m.group(3) != m.group(2)):
                whole = re.sub(r"[.,]", "", m.group(1))
                readings.append(_dec(whole + ("." + m.group(4) if m.group(4) else "")))
    main = readings[0] if readings else None
    values.update(r for r in readings if r is not None)
    return values, main, parts


def find_numbers(text: str, lang: str | None, liberal: bool = False) -> list[Number]:
    """The numbers of ``text`` (digits, CJK numerals, and spelled-out ones where ``liberal``),
    each with its values; at most MAX_NUMBERS."""
    out: list[Number] = []
    compounds = _cjk_compounds(text) if lang in ("zh", "ja") or liberal else []
    out.extend(compounds)
    covered = {i for n in compounds for i in range(n.start, n.end)}
    for m in (_SRC_NUM if liberal else _NUM).finditer(text):
        if m.start(1) in covered:
            continue
        pieces = _pieces(m.start(1), m.group(1), lang)
        if liberal and len(pieces) == 1 and re.search(r"\d[ \u00a0\u202f\u2009]\d", m.group(1)):
            # a source's '30 000' supports a target's 30,000 and, split as English splits it, 30
            pieces = pieces + _pieces(m.start(1), m.group(1), "en")
        for start, raw in pieces:
            if len(out) >= MAX_NUMBERS:
                break
            values, main, parts = _readings(raw, lang, liberal)
            scaled = _scaled(text, start + len(raw), values, main, lang) | _tenths(text, start + len(raw), values, lang)
            if liberal:
                scaled |= _inverted(text, start, values, lang)
            out.append(Number(start, start + len(raw), raw, frozenset(values | scaled), main, parts))
    if liberal:
        words = number_words(lang) if lang else {}
        for m in _WORD.finditer(text):
            if len(out) >= MAX_NUMBERS:
                break
            w = m.group().lower()
            # 'hundred-run', 'five-match', 'three-dimensional': the number is one part of the word
            for part in [w] + (re.split(r"[\-'\u2019]", w) if "-" in w else []):
                v = words.get(part)
                if v is None:
                    v = _EXTRA_WORDS.get(lang, {}).get(part)
                if v is None and lang in _COMPOUNDING:
                    v = _prefix_value(part, lang)
                if v is not None:
                    vs = {Decimal(str(x)).normalize() for x in (v if isinstance(v, tuple) else (v,))}
                    d = Decimal(str(v[0] if isinstance(v, tuple) else v)).normalize()
                    out.append(Number(m.start(), m.end(), m.group(),
                                      frozenset(vs | _scaled(text, m.end(), vs, d, lang) | _inverted(text, m.start(), vs, lang)), d))
                    break
    if liberal:  # CJK numerals in a source (三, 十五); in a target they are mostly words (一部, 十分)
        for m in _CJK_NUM.finditer(text):
            vs = _cjk_values(m.group())
            if vs and len(out) < MAX_NUMBERS:
                d = Decimal(vs[0])
                vals = {Decimal(v) for v in vs}
                vals |= _scaled(text, m.end(), vals, d, lang) | _tenths(text, m.end(), vals, lang)
                if all(c in _CJK_DIGIT for c in m.group()):  # 六四 is June 4, 一二三 grades 1, 2, 3
                    vals |= {Decimal(_CJK_DIGIT[c]) for c in m.group()}
                out.append(Number(m.start(), m.end(), m.group(), frozenset(vals), d))
        for m in _BARE_SCALE.finditer(text):  # 万名 (ten thousand teachers), 每万字 (per 10,000 words)
            if len(out) < MAX_NUMBERS:
                d = Decimal(10) ** _CJK_POWER[m.group()]
                out.append(Number(m.start(), m.end(), m.group(), frozenset({d}), d))
    out.sort(key=lambda n: n.start)
    return out


# a digit run inside may group its thousands (2億8,600万: 286 million)
_CJK_DIG = r"\d{1,3}(?:[,\uff0c]\d{3})+(?!\d)|\d+(?:\.\d+)?"
_CJK_COMPOUND = re.compile(rf"(?:{_CJK_DIG})(?:[億亿万萬千](?:{_CJK_DIG}))+[億亿万萬千]?|(?:{_CJK_DIG})(?:[億亿万萬千]){{2,}}")
_CJK_POWER = {"千": 3, "万": 4, "萬": 4, "億": 8, "亿": 8}


def _cjk_compounds(text: str) -> list[Number]:
    """Numbers written with digits and CJK units inside them: 2億8600万 (286 million), 223万7841,
    66万3千."""
    out = []
    for m in _CJK_COMPOUND.finditer(_ascii_digits(text)):
        total, section, num = Decimal(0), Decimal(0), None
        for tok in re.findall(rf"{_CJK_DIG}|[億亿万萬千]+", m.group()):
            if tok[0].isdigit():
                num = Decimal(re.sub(r"[,\uff0c]", "", tok))
            elif tok == "千":
                section += (num if num is not None else 1) * 1000
                num = None
            else:  # units in a row multiply: 万亿 is 10^12
                total += (section + (num or 0)) * Decimal(10) ** sum(_CJK_POWER[c] for c in tok)
                section, num = Decimal(0), None
        v = (total + section + (num or 0)).normalize()
        out.append(Number(m.start(), m.end(), text[m.start():m.end()], frozenset({v}), v))
    return out


def _pieces(start: int, raw: str, lang: str | None) -> list[tuple[int, str]]:
    """A digit run split at spaces that group no thousands: in a language that groups with
    commas ('on April 3 410 bodies'), or where a group before a space has more than three digits
    ('2019 200 people')."""
    if not re.search(r"[ \u00a0\u202f\u2009]", raw) or (
            lang not in DECIMAL_POINT and not re.search(r"\d{4}[ \u00a0\u202f\u2009]", raw)):
        return [(start, raw)]
    return [(start + m.start(), m.group()) for m in re.finditer(r"[^ \u00a0\u202f\u2009]+", raw)]


_ROMAN = re.compile(r"(?=[IVX]{2,6}$)X{0,3}(?:IX|IV|V?I{0,3})")


def _roman(s: str) -> int:
    vals = {"I": 1, "V": 5, "X": 10}
    return sum(-vals[a] if vals[a] < vals[b] else vals[a] for a, b in zip(s, s[1:])) + vals[s[-1]]


def _digits(s: str) -> str:
    return re.sub(r"\D", "", _ascii_digits(s))


def _plain(d: Decimal) -> str:
    return format(d, "f")


def _scaled(text: str, end: int, values: set[Decimal], main: Decimal | None, lang: str | None) -> set[Decimal]:
    """The value times a scale word right after it ('1.5 million', '15万')."""
    if main is None or lang is None:
        return set()
    glued = _GLUED.get(lang)
    if glued:  # £75m, $1.2bn, 20k: English glues the scale to the number
        g = re.match(r"([a-zA-Z]{1,3})(?![^\W\d_])", text[end:end + 4])
        if g and g.group(1) in glued:
            return {(v * (Decimal(10) ** glued[g.group(1)])).normalize() for v in values}
    # 30余万, 三十多万, 十几万, 20来万: 'over', 'some' between a Chinese/Japanese number and its scale
    m = re.match(r"\s?(?:[多余餘几幾来來])?([^\W\d_]+\.?)", text[end:end + 24])
    if not m:
        return set()
    word = m.group(1)
    exp = _scale(word, lang)
    if lang in ("zh", "ja", "ko"):
        # units one after another multiply: 万亿 is 10^12 (1.77万亿元)
        exps = []
        for ch in word[:2]:
            e = _scale(ch, lang)
            if e is None:
                break
            exps.append(e)
        exp = sum(exps) if exps else exp
    if exp is None:
        return set()
    return {(v * (Decimal(10) ** exp)).normalize() for v in values}


#: scale suffixes glued to a number (no space): £75m, $1.2bn, 20k, $3tn
_GLUED = {"en": {"m": 6, "mn": 6, "bn": 9, "b": 9, "k": 3, "tn": 12}}
#: a tenth written as a counter: 四成 / 4成 is 40% in Chinese, 3割 30% in Japanese (3割5分: 35%)
_TENTH = {"zh": "成", "ja": "割"}
#: a scale word with no number before it is one of it: 万名 (10,000 people), 每万字 (per 10,000 words)
_BARE_SCALE = re.compile(r"(?<![\d０-９〇零一二两三四五六七八九十百千万萬亿億余多几幾来來数數上成])[万萬亿億]")


def _tenths(text: str, end: int, values: set[Decimal], lang: str | None) -> set[Decimal]:
    """N成 (zh) and N割 (ja): N tenths, N×10%; N割M分: N×10 + M %."""
    mark = _TENTH.get(lang or "")
    if not mark or text[end:end + 1] != mark:
        return set()
    out = {(v * 10).normalize() for v in values}
    m = re.match(r"([0-9０-９一二三四五六七八九])分", text[end + 1:end + 3])
    if m:
        extra = _CJK_DIGIT.get(m.group(1)) if m.group(1) in _CJK_DIGIT else int(_ascii_digits(m.group(1)))
        out |= {(v * 10 + extra).normalize() for v in values}
    return out


def _inverted(text: str, start: int, values: set[Decimal], lang: str | None) -> set[Decimal]:
    """A Russian or Ukrainian scale word before the number: the inverted order of an
    approximation (тисяч 100, тысяч сто: about 100,000; like 'человек сто', about a hundred)."""
    if lang not in ("ru", "uk", "be"):
        return set()
    m = re.search(r"([^\W\d_]+)\s+$", text[max(0, start - 24):start])
    exp = _scale(m.group(1), lang) if m else None
    if not exp:
        return set()
    return {(v * (Decimal(10) ** exp)).normalize() for v in values}


def _cjk_strict(s: str) -> int | None:
    """A CJK numeral written as one number (十四, 三百零五, 两千), or None: units must fall
    (千 > 百 > 十) and a numeral stands before a unit or last (零 fills a gap)."""
    total, cur, last = 0, None, 10 ** 9
    for c in s:
        if c in _CJK_DIGIT:
            if cur not in (None, 0):
                return None  # two numerals in a row
            cur = _CJK_DIGIT[c]
        elif c in _CJK_UNIT:
            u = _CJK_UNIT[c]
            if u >= last or cur == 0:
                return None
            total += (1 if cur is None else cur) * u
            cur, last = None, u
        else:
            return None
    return total + (cur or 0)


def _cjk_values(s: str) -> list[int]:
    """Every number a run of CJK numerals stands for, the first its main reading:
    a number (十五: 15), digits one by one (二〇二二: 2022); two consecutive numerals before a unit
    are a range (七八十: 70-80, 六七十年代: the 60s and 70s, 三四百: 300-400), and so after 十
    (十七八岁: 17 or 18); a run that is no one number is the numbers it runs together (十四五: 14
    and 5, the 14th Five-Year Plan; 十一五)."""
    if all(c in _CJK_DIGIT for c in s):
        v = _cjk_value(s)
        return [v] if v is not None else []
    m = re.search(r"([一二两三四五六七八九])([二三四五六七八九])(?=[十百千])", s)
    if m and _CJK_DIGIT[m.group(2)] == _CJK_DIGIT[m.group(1)] + 1:
        out = []
        for c in m.group(1, 2):
            for v in _cjk_values(s[:m.start()] + c + s[m.end():]):
                if v not in out:
                    out.append(v)
        return out
    v = _cjk_strict(s)
    if v is not None:
        return [v]
    out: list[int] = []
    i = 0
    while i < len(s):  # the longest well-formed number at each point
        for j in range(len(s), i, -1):
            w = _cjk_strict(s[i:j])
            if w is not None:
                if w not in out:
                    out.append(w)
                i = j
                break
        else:
            i += 1
    m = re.fullmatch(r"(.*十)([一二两三四五六七八])([二三四五六七八九])", s)
    if m and _CJK_DIGIT[m.group(3)] == _CJK_DIGIT[m.group(2)] + 1:
        for c in m.group(2, 3):
            w = _cjk_strict(m.group(1) + c)
            if w is not None and w not in out:
                out.append(w)
    return out


def _cjk_value(s: str) -> int | None:
    """一 .. 九千九百九十九 (and digit strings like 二〇二二) as an integer; None if malformed."""
    if all(c in _CJK_DIGIT for c in s):
        return int("".join(str(_CJK_DIGIT[c]) for c in s)) if len(s) > 1 or s in _CJK_DIGIT else None
    total, cur = 0, None
    for c in s:
        if c in _CJK_DIGIT:
            cur = _CJK_DIGIT[c]
        elif c in _CJK_UNIT:
            total += (1 if cur is None else cur) * _CJK_UNIT[c]
            cur = None
        else:
            return None
    return total + (cur or 0)


@dataclass
class _Source:
    """What one source supports: its numbers' values and texts, and what it says about them."""

    values: set[Decimal]
    texts: set[str]
    months: set[int]
    imperial: bool
    pm: bool


def _months(source: str, lang: str | None) -> set[int]:
    low = source.lower()
    out = set()
    for code in ([lang] if lang in _MONTH_NAMES else []) + ["en"]:
        names = _MONTH_NAMES[code]
        for w in re.findall(r"[^\W\d_]+", low):
            best = None
            for i, keys in enumerate(names):
                for k in (keys if isinstance(keys, tuple) else (keys,)):
                    if w.startswith(k) and (best is None or len(k) > best[0]) and (len(k) > 2 or w == k or len(w) <= 4):
                        best = (len(k), i + 1)
            if best:
                out.add(best[1])
    return out


#: what follows a number that makes it an hour (12 h, 12 Uhr, 12時) or a month (5月)
_HOUR_AFTER = re.compile(r"\s?(?::\s?\d\d|h(?![^\W\d_])|hod|Uhr|uur|godz|час|год|heure|hora|ore\b|時|时|시)", re.IGNORECASE)
_MILITARY_AFTER = re.compile(r"\s?(?:GMT|UTC|hours|hrs|h\b)")
_MONTH_AFTER = re.compile(r"\s?(?:月|월)")
#: a unit after a number that a translator may have converted (metric or imperial)
_UNIT_AFTER = re.compile(r"[\s\u00a0]?(?:km|cm|mm|m\b|kg|g\b|t\b|l\b|ha\b|°|ft\b|lbs?\b|mph|oz\b|in\b|kilo|metr|meter|"
                         r"mètre|metro|metar|метр|кілометр|километр|mil|míl|mijl|meile|feet|foot|fuß|stop|inch|zoll|palc|pound|"
                         r"pfund|liber|acre|hektar|гектар|gallon|litr|liter|литр|літр|tonn|тонн|stupn|grad|degree|градус|"
                         r"公里|英里|千克|公斤|磅|米|厘米|英尺|度|キロ|メートル|マイル|ポンド|フィート|מטר|ק\"מ|ק״מ|קמ|קילו|מייל|"
                         r"רגל|متر|كم|كيلو|ميل|قدم|رطل)", re.IGNORECASE)


@dataclass
class _Where:
    """What surrounds one number of the target."""

    after: str
    before: str
    pm: bool
    in_date: bool = False


def _value_ok(v: Decimal, src: _Source, at: _Where) -> bool:
    """Whether one value of the target answers to something in the source."""
    if v in src.values or v == 0:
        return True
    if v == v.to_integral():
        hour = at.in_date or bool(_HOUR_AFTER.match(at.after))
        if 13 <= v <= 24 and hour and src.pm and (v - 12) in src.values:
            return True  # 15:30, 15 h for 3:30 p.m.
        if 1 <= v <= 12 and at.pm and (v + 12) in src.values:
            return True  # 3 p.m. for 15 Uhr
        if v <= 24 and hour and v * 100 in src.values:
            return True  # 12:00 for 1200 GMT
        if 1 <= v <= 12 and (at.in_date or _MONTH_AFTER.match(at.after)) and v in src.months:
            return True  # 5 in a date, or 5月, for May
        years = [y for y in src.values if 1000 <= y <= 2100 and y == y.to_integral()]
        if v < 100 and (v % 10 == 0 or at.before.endswith(("'", "\u2019")) or at.after[:1] == "年") \
                and any(y % 100 == v for y in years):
            return True  # '95, the 90s, for 1995, 1990
        if 1 <= v <= 21 and any(y // 100 + 1 == v for y in years) and not at.after[:1].isdigit():
            return True  # the 20th century for the 1960s
        if 1000 <= v <= 2100:
            if v % 10 == 0 and v % 100 in src.values:
                return True  # 1960 for the 60s
            if v % 100 == 0 and (v // 100 + 1) in src.values:
                return True  # the 1800s for the 19th century
        if 100 <= v <= 2400 and v % 100 < 60 and _MILITARY_AFTER.match(at.after) and (v // 100) in src.values:
            return True  # 1200 GMT for 12:00
    if src.imperial and v > 0 and _UNIT_AFTER.match(at.after):
        fv = float(v)
        for x in src.values:
            fx = float(x)
            if fx <= 0:
                continue
            if any(abs(fv - fx * f) <= 0.05 * fx * f or abs(fv - fx / f) <= 0.05 * fx / f for f in _CONVERSIONS):
                return True  # a converted unit: 790 km for 491 miles
            if abs(fv - (fx - 32) * 5 / 9) <= 1.0 or abs(fv - (fx * 9 / 5 + 32)) <= 1.0:
                return True  # °C for °F
    return False


def _supported(t: Number, src: _Source, at: _Where) -> bool:
    if t.text in src.texts or _ascii_digits(t.text) in src.texts or (
            not t.text.isdigit() and _digits(t.text) in src.texts):
        return True
    clock = re.fullmatch(r"(\d{1,2})[.:h](\d{2})", _ascii_digits(t.text))
    if clock and int(clock.group(1)) <= 24 and int(clock.group(2)) < 60:
        # 20.30 is a time in Dutch, Turkish, Finnish as often as a decimal
        hh, mm = Decimal(clock.group(1)), Decimal(clock.group(2))
        inner = _Where(at.after, at.before, at.pm, in_date=True)
        if _value_ok(hh, src, inner) and _value_ok(mm, src, inner):
            return True
    frac = re.fullmatch(r"(\d)/(\d{1,2})", _ascii_digits(t.text))
    if frac and 0 < int(frac.group(1)) < int(frac.group(2)) and _value_ok(
            (Decimal(frac.group(1)) / Decimal(frac.group(2))).normalize(), src, at):
        return True  # 1/2 for half
    if t.main is None:
        # a date, time or range: each part must be there
        inner = _Where(at.after, at.before, at.pm, in_date=True)
        return bool(t.parts) and all(_value_ok(p, src, inner) for p in t.parts)
    return any(_value_ok(v, src, at) for v in t.values)


def compare(target: str, source: str, lang: str | None, source_lang: str | None) -> list[Mismatch]:
    """The target's numbers that no reading of the source's numbers supports."""
    tnums = [n for n in find_numbers(target, lang) if n.text.strip()]
    if not tnums:
        return []
    snums = find_numbers(source, source_lang, liberal=True)
    values: set[Decimal] = set()
    for n in snums:
        values |= n.values
        clock = re.fullmatch(r"(\d{1,2})[.:](\d{2})", _ascii_digits(n.text))
        if clock:  # 5.30pm: an hour and its minutes, not 5.3
            values |= {Decimal(clock.group(1)), Decimal(clock.group(2))}
        if re.match(r"[時时点]半", source[n.end:n.end + 2]):
            values.add(Decimal(30))  # 8時半: half past eight
        if n.main is not None and n.main < 100 and source[n.end:n.end + 1] == "年":
            values |= {n.main + 2000, n.main + 1900}  # 22年度: fiscal 2022
        if n.main is None and re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{2}", _ascii_digits(n.text)):
            yy = n.parts[-1]
            values |= {yy + 2000, yy + 1900}  # 12.1.21: 2021
        if n.main is not None and re.fullmatch(r"\d\d", _ascii_digits(n.text)) and (
                source[n.start - 1:n.start] in ("'", "\u2019") or regex.match(r"\p{L}-", source[max(0, n.start - 2):n.start])):
            values |= {n.main + 2000, n.main + 1900}  # a year cut to two digits: '96, COVID-19 (2019冠状病毒病)
    for m in _WORD.finditer(source):
        exp = _scale(m.group(), source_lang) if source_lang else None
        if exp is not None and exp >= 3:  # 'milion korun', 'a million': one million
            values |= {Decimal(1), Decimal(10) ** exp}
        if _ROMAN.fullmatch(m.group()):  # World War II, Part III
            values.add(Decimal(_roman(m.group())))
    texts = {n.text for n in snums} | {_ascii_digits(n.text) for n in snums}
    # numbers side by side (an identifier: E 95 01) may be written as one (E 95.01); so may a
    # number with a stray space at its separator (25 .000, 3, 126)
    texts |= {_digits(a.text) + _digits(b.text) for a, b in zip(snums, snums[1:])
              if a.end < b.start and re.fullmatch(r" |[.,] | [.,]", source[a.end:b.start])
              and _digits(a.text) and _digits(b.text)}
    # fractions: 4分の1 (ja), 四分之一 (zh) are 1/4, also as a percentage
    for m in re.finditer(r"(\d+|[一二两三四五六七八九十百]+)\s?分[の之]\s?(\d+|[一二两三四五六七八九十]+)", _ascii_digits(source)):
        den, num = (_frac_part(x) for x in m.group(1, 2))
        if den and num is not None and 0 < num < den:
            values |= {(Decimal(num) / Decimal(den)).normalize(), (Decimal(100 * num) / Decimal(den)).normalize()}
    src = _Source(values, texts,
                  _months(source, source_lang), bool(_IMPERIAL.search(source) or _IMPERIAL.search(target)),
                  bool(_PM.search(source)))
    target_pm = bool(_PM.search(target))
    bad = [t for t in tnums if not _supported(t, src, _Where(target[t.end:t.end + 16], target[max(0, t.start - 2):t.start],
                                                             target_pm))]
    bad = _fractions(target, tnums, bad, src)
    bad = _respaced(target, tnums, bad, src, {_digits(n.text) for n in snums} | src.texts)
    out = _broken(target, tnums, bad, snums)
    gone = {id(x) for m in out for x in tnums if m.number.start <= x.start < m.number.end}
    bad = [t for t in bad if id(t) not in gone]
    if not bad:
        return out
    # the source's numbers no target number accounts for: what a changed number was meant to be
    tvals: set[Decimal] = set()
    for t in tnums:
        if t not in bad:
            tvals |= t.values
    spare = [s for s in snums if not (s.values & tvals) and s.main is not None]
    for t in bad:
        meant = _closest(t, spare, len(bad) == 1 and len(spare) == 1)
        if meant is not None:
            note = f"the source has {meant.text}" + ("" if meant.text == format_number(meant.main, lang) else
                                                    f" ({format_number(meant.main, lang)})") + f", not {t.text}"
        else:
            note = f"the source has no {t.text}"
        out.append(Mismatch(t, meant, note))
    return sorted(out, key=lambda m: m.number.start)


def _respaced(target: str, tnums: list[Number], bad: list[Number], src: _Source, src_digits: set[str]) -> list[Number]:
    """Two target numbers with a space at the separator between them: the source's digits with
    other spacing (11,2021 written '11, 2021') are the same numbers; a thousands group broken
    by a space ('700, 000' for 70万) is the source's value read whole. (Where the source writes
    the very digits of a broken group, '3, 126' for 3,126, ``_broken`` reports the slip.)"""
    fine = set()
    for a, b in zip(tnums, tnums[1:]):
        gap = target[a.end:b.start]
        if a.main is None or b.main is None or not re.fullmatch(r"[.,\uff0c]\s|\s[.,\uff0c]", gap):
            continue
        group = bool(re.fullmatch(r"\d{3}", _ascii_digits(b.text))) and len(a.text) <= 3
        if _digits(a.text) + _digits(b.text) in src_digits:
            if not (group and gap[0] != " "):
                fine |= {id(a), id(b)}
        elif group and (a.main * 1000 + b.main).normalize() in src.values:
            fine |= {id(a), id(b)}
    return [t for t in bad if id(t) not in fine]


def _frac_part(x: str) -> int | None:
    return int(x) if x.isdigit() else _cjk_strict(x)


def _fractions(target: str, tnums: list[Number], bad: list[Number], src: _Source) -> list[Number]:
    """A fraction written N分のM (ja) or N分之M (zh), M/N: 4分の1 for a quarter, 1/4 or 25%."""
    ok = set()
    for a, b in zip(tnums, tnums[1:]):
        if a.main is None or b.main is None or not re.fullmatch(r"\s?分[の之]\s?", target[a.end:b.start]):
            continue
        if 0 < b.main < a.main and ((b.main / a.main).normalize() in src.values
                                     or (100 * b.main / a.main).normalize() in src.values):
            ok |= {id(a), id(b)}
    return [t for t in bad if id(t) not in ok]


def _broken(target: str, tnums: list[Number], bad: list[Number], snums: list[Number]) -> list[Mismatch]:
    """A source number the target writes broken in two by a space after its group mark
    ('3, 126', '9, 680 yen' for 3,126 and 9,680): one mismatch over both pieces, the whole number
    its fix (the pieces alone would each get a wrong one)."""
    out = []
    bad_ids = {id(t) for t in bad}
    for a, b in zip(tnums, tnums[1:]):
        if id(a) not in bad_ids or not re.fullmatch(r"[,.\uff0c] ", target[a.end:b.start]):
            continue
        if a.main is None or b.main is None or not re.fullmatch(r"\d{3}", _ascii_digits(b.text)) or len(a.text) > 3:
            continue
        whole = a.main * 1000 + b.main
        meant = next((s for s in snums if whole in s.values), None)
        if meant is not None:
            span = Number(a.start, b.end, target[a.start:b.end], frozenset({whole}), whole)
            out.append(Mismatch(span, meant, f"the source has {meant.text}: '{span.text}' is one number broken by a space"))
    return out


def _closest(t: Number, spare: list[Number], alone: bool) -> Number | None:
    """The spare source number ``t`` most likely stands for, or None when none is like it: the
    same digits in another order (54 for 45), one digit wrong, added or dropped (a longer number:
    two), or the same digits at another magnitude (500 for 50, 25 for 2.5). Any digit is one
    edit from any other, so a one-digit number needs ``alone``: the only unsupported number of
    the target and the only spare one of the source. A number merely present in the source is
    no fix: the target's may be an addition, not a change."""
    td = _digits(t.text).lstrip("0") or "0"
    best = None
    for s in spare:
        sd = _digits(_plain(s.main)).lstrip("0") or "0"
        same = sorted(td) == sorted(sd)
        d = damerau(td, sd)
        scaled = td.rstrip("0") == sd.rstrip("0")
        longest = max(len(td), len(sd))
        if not (same or scaled or (longest > 1 or alone) and d <= (1 if longest <= 3 else 2)):
            continue
        key = (not same and not scaled, d, s.start)
        if best is None or key < best[0]:
            best = (key, s)
    return best[1] if best else None


#: thousands separator per language (the decimal mark is the other of . and ,)
_GROUP = {"de": ".", "es": ".", "it": ".", "pt": ".", "nl": ".", "tr": ".", "id": ".", "vi": ".", "da": ".",
          "ro": ".", "sl": ".", "sh": ".", "el": "."}


def format_number(value: Decimal | None, lang: str | None, like: str = "") -> str:
    """``value`` written the way the target language writes numbers (grouping only above 9,999,
    as most style guides do; ``like``: the target's own writing, whose grouping is kept)."""
    if value is None:
        return ""
    point = lang in DECIMAL_POINT if lang else True
    sign, digits = ("-" if value < 0 else ""), _plain(abs(value))
    whole, _, frac = digits.partition(".")
    group = "," if point else _GROUP.get(lang or "", "\u00a0")
    spaced = re.search(r"\d([ \u00a0\u202f])\d{3}", like)
    if spaced:
        group = spaced.group(1)
    # group above 9,999 (most style guides), or wherever the target's own writing groups
    if len(whole) > 4 or (len(whole) > 3 and re.search(r"\d[,.\u00a0\u202f ]\s?\d{3}(?!\d)", like)):
        whole = f"{int(whole):,}".replace(",", group)
    return sign + whole + (("." if point else ",") + frac if frac else "")


__all__ = ["Number", "Mismatch", "find_numbers", "compare", "format_number", "number_words", "MAX_NUMBERS"]
