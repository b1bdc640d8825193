#!/usr/bin/env python3
"""Build the synthetic anomaly benchmark from clean FLORES-200 text.

For every language and split (dev = lines 0-249, test = lines 250-499) this writes
``<out>/<split>/<lang>.{clean,src,noisy}.txt``, ``<lang>.gold.jsonl`` and a
``manifest.json``.  See ``bench/README.md`` for the meaning of each kind.

Invariants (both generators):

* Exactly one error is injected into (almost) every line; a line where nothing could be
  injected keeps ``"spans": []``.  The kinds are spread evenly over the lines.
* For every span: ``text == noisy[start:end]`` and
  ``noisy[:start] + original + noisy[end:] == clean`` exactly (asserted while building).
* Everything is deterministic for a given ``--seed`` (no set iteration order, no ``hash()``).
* Only dev lines (FLORES 0-249) feed any statistic (letter frequencies); test stays unseen.

Two generators live here:

* ``--legacy`` is the original generator (version 1.0.0), kept byte for byte on its own code
  path so that old numbers can be reproduced: one lower-case mid-sentence word replaced by a
  random letter string, a one-edit typo, a foreign word ...; gold spans carry
  ``start end text kind original``.
* The default (version 2) makes the errors look like real ones.  The ``kind`` set is
  unchanged; each gold span gets two more fields, ``variant`` (the sub-kind) and ``cap``
  (the slot is capitalised: the first word of a sentence, a German noun, a title-case common
  word in mid-sentence; the injected string is then case-matched to the slot).

  - ``misspelling``: ``diacritic`` (drop one/all marks, put a wrong one, or -- where real data
    show it -- add one), ``keyboard`` (a neighbouring key on the language's usual layout,
    substituted or fat-finger inserted), ``phonetic`` (per-language sound/spelling confusions
    plus the substitution pairs learned from real errors), ``double``, ``drop``, ``swap``,
    ``edit2`` (two edits, words of length >= 8), ``split`` (``news paper``; the span covers
    both parts) and ``merge`` (two adjacent words written together).  The mix per language,
    the diacritic operations and letter pairs, the edit position in the word (first / middle /
    last) and the capitalised share come from ``bench/error_model.json`` (learned by
    ``bench/build_error_model.py`` from the DEV half of real Czech, Ukrainian and Spanish
    spelling errors) where the language has data, else from documented defaults.  Every
    result except ``split`` has wordfreq zipf 0 in the language (``split`` yields two words).
  - ``non-word``: ``garble`` (the old random pseudo-word), ``truncated`` (a long word cut to
    55-80 %), ``subword-merge`` (a prefix of the slot word glued to the suffix of another word
    of the line), ``half-compound`` (de nl sv da: one part of a target compound replaced by an
    English word of the source line).  Zipf 0 in the language and in English.
  - ``untranslated``: ``single`` (one source word) and ``multi`` (2-3 consecutive source words,
    a content phrase, replacing 1-3 target words).  Source words are chosen by frequency only:
    zipf >= 2.5 in the source language, >= 1.5 above the target language, < 3.5 in the target,
    not already a word of the target line (source function words inside a phrase are exempt).
  - ``foreign``, ``script``, ``repetition``, ``wrong-word``: variant ``word``, as before.
  - About 30 % of the non-word, foreign and untranslated lines, and the learned real share of
    the misspelling lines (30 % where no data), are planned into capitalised slots.  A line
    falls back to another variant, then to a lower-case slot, then to another kind, when its
    planned injection is impossible, so the realised shares are printed and stored in the
    manifest (``variants``, ``cap``) together with the error model's hash.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional

import regex
import wordfreq

VERSION = "1.0.0"
DEFAULT_SEED = 20240601
FLORES_DIR = Path("/work/shared/corpora/flores200")

#: ISO 639-1 code -> FLORES-200 file code.
LANGS: dict[str, str] = {
    "en": "eng_Latn", "de": "deu_Latn", "fr": "fra_Latn", "es": "spa_Latn",
    "it": "ita_Latn", "pt": "por_Latn", "cs": "ces_Latn", "pl": "pol_Latn",
    "ru": "rus_Cyrl", "uk": "ukr_Cyrl", "vi": "vie_Latn", "zh": "zho_Hans",
    "nl": "nld_Latn", "sv": "swe_Latn", "tr": "tur_Latn", "ar": "arb_Arab",
    "he": "heb_Hebr", "ja": "jpn_Jpan",
}
SCRIPT: dict[str, str] = {
    **{l: "Latin" for l in ("en", "de", "fr", "es", "it", "pt", "cs", "pl", "vi", "nl", "sv", "tr")},
    "ru": "Cyrillic", "uk": "Cyrillic", "ar": "Arabic", "he": "Hebrew", "zh": "Han", "ja": "Han",
}
#: Same-script donor languages for the ``foreign`` kind (he has none in wordfreq).
FOREIGN_DONORS: dict[str, tuple[str, ...]] = {
    **{l: tuple(d for d in ("en", "de", "fr", "es", "it", "pt", "nl", "sv", "pl", "cs", "tr") if d != l)
       for l in ("en", "de", "fr", "es", "it", "pt", "cs", "pl", "vi", "nl", "sv", "tr")},
    "ru": ("uk", "bg"), "uk": ("ru", "bg"), "ar": ("fa", "ur"), "he": (),
    "zh": ("ja",), "ja": ("zh",),
}
#: Other-script donor languages for the ``script`` kind (never Latin into CJK text).
SCRIPT_DONORS: dict[str, tuple[str, ...]] = {
    **{l: ("ru", "el") for l, s in SCRIPT.items() if s == "Latin"},
    "ru": ("en",), "uk": ("en",), "ar": ("en", "ru"), "he": ("en", "ru"),
    "zh": ("ru", "ar"), "ja": ("ru", "ar"),
}
KINDS = ("non-word", "misspelling", "foreign", "script", "repetition", "untranslated", "wrong-word")
CJK = ("zh", "ja")
SKIPPED_KINDS: dict[str, tuple[str, ...]] = {"zh": ("non-word", "misspelling"),
                                             "ja": ("non-word", "misspelling"), "he": ("foreign",)}
VOWELS = {
    "Latin": set("aeiouy"), "Cyrillic": set("аеёиоуыэюяіїє"),
    "Arabic": set("اويى"), "Hebrew": set("אויה"),
}
WORD_RE = regex.compile(r"[\p{L}\p{M}]+(?:['’\-][\p{L}\p{M}]+)*")
LETTERS_RE = regex.compile(r"^[\p{L}\p{M}]+$")
HAN2_RE = regex.compile(r"(?=(\p{Han}{2}))")
N_STOP = 150  # most frequent words of a language count as function words


@dataclass(frozen=True)
class Slot:
    """A replaceable unit of a clean line: line[start:end] == text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Injection:
    """One injected error: the noisy line and the gold span in it."""

    noisy: str
    start: int
    end: int
    kind: str
    original: str
    variant: str = ""  # sub-kind (v2 only; the legacy path leaves it empty and does not write it)
    cap: bool = False  # the slot is capitalised (v2 only)


# --------------------------------------------------------------------------- lexicon


@lru_cache(maxsize=None)
def _cjk_dict(lang: str) -> dict[str, float]:
    return wordfreq.get_frequency_dict(lang)


@lru_cache(maxsize=1_000_000)
def zipf(word: str, lang: str) -> float:
    """Zipf frequency; CJK looked up directly (no jieba/MeCab needed)."""
    if lang in CJK:
        f = _cjk_dict(lang).get(word, 0.0)
        return round(math.log10(f) + 9, 2) if f > 0 else 0.0
    return wordfreq.zipf_frequency(word, lang)


def base_letter(ch: str) -> str:
    """The letter without diacritics (Latin), lower-cased."""
    return unicodedata.normalize("NFD", ch.lower())[0]


def in_script(word: str, script: str) -> bool:
    """True if every character of ``word`` is a letter/mark of ``script``."""
    pattern = r"^[\p{%s}\p{M}]+$" % ("Han" if script == "Han" else script)
    return regex.match(pattern, word) is not None


@lru_cache(maxsize=None)
def stopwords(lang: str) -> frozenset[str]:
    """The ``N_STOP`` most frequent words of ``lang``."""
    return frozenset(wordfreq.top_n_list(lang, N_STOP))


@lru_cache(maxsize=None)
def common_words(lang: str, script: str, n: int = 20000, min_zipf: float = 4.0) -> tuple[str, ...]:
    """Common lower-case words of ``lang`` written in ``script`` (length >= 4, or 2 for Han)."""
    min_len = 2 if script == "Han" else 4
    out = []
    for w in wordfreq.top_n_list(lang, n):
        if len(w) >= min_len and w == w.lower() and in_script(w, script) and zipf(w, lang) >= min_zipf:
            out.append(w)
    return tuple(out)


@lru_cache(maxsize=None)
def foreign_pool(lang: str) -> tuple[str, ...]:
    """Common same-script words of donor languages that are not words of ``lang``."""
    script = SCRIPT[lang]
    pool = set()
    for donor in FOREIGN_DONORS[lang]:
        for w in common_words(donor, script):
            if zipf(w, lang) < 1.0 and not (script == "Han" and len(w) != 2):
                pool.add(w)
    return tuple(sorted(pool))


@lru_cache(maxsize=None)
def script_pool(lang: str) -> tuple[str, ...]:
    """Common words of other-script donor languages."""
    pool = set()
    for donor in SCRIPT_DONORS[lang]:
        donor_script = {"en": "Latin", "ru": "Cyrillic", "el": "Greek", "ar": "Arabic"}[donor]
        pool.update(fix_greek(w) if donor == "el" else w
                    for w in common_words(donor, donor_script, n=5000) if len(w) >= 4)
    return tuple(sorted(pool))


@lru_cache(maxsize=None)
def wrong_word_pool(lang: str) -> tuple[tuple[str, float], ...]:
    """(word, zipf) of real lower-case words of ``lang``, sorted by zipf."""
    script = SCRIPT[lang]
    out = []
    for w in wordfreq.top_n_list(lang, 60000):
        if script == "Han":
            ok = len(w) == 2 and in_script(w, "Han")
        else:
            ok = len(w) >= 4 and w == w.lower() and in_script(w, script)
        if ok and w not in stopwords(lang) and usually_lowercase(w, lang):
            out.append((w, zipf(w, lang)))
    return tuple(sorted(out, key=lambda p: p[1]))


NEWS_DIR = Path("/work/shared/corpora/news")
CASE_SAMPLE_CHARS = 6_000_000


@lru_cache(maxsize=None)
def case_counts(lang: str) -> tuple[Counter[str], Counter[str], bool]:
    """(lower-case counts, capitalised counts keyed by lower form, from_news) of mid-line tokens."""
    path = NEWS_DIR / f"{lang}.txt"
    from_news = path.exists()
    if not from_news:
        path = FLORES_DIR / f"{LANGS[lang]}.txt"
    if not path.exists():  # offline (tests): no case evidence, so no word counts as usually lower-case
        return Counter(), Counter(), False
    with open(path, encoding="utf-8") as fh:
        text = fh.read(CASE_SAMPLE_CHARS)
    low: Counter[str] = Counter()
    cap: Counter[str] = Counter()
    for line in text.split("\n"):
        for i, m in enumerate(WORD_RE.finditer(line)):
            w = m.group()
            if i == 0:
                continue
            if w == w.lower():
                low[w] += 1
            elif w[0].isupper():
                cap[w.lower()] += 1
    return low, cap, from_news


def usually_lowercase(word: str, lang: str) -> bool:
    """False for words that are mostly written capitalised (names) in the language's text."""
    if SCRIPT[lang] in ("Arabic", "Hebrew", "Han"):
        return True
    low, cap, from_news = case_counts(lang)
    if cap[word] > low[word]:
        return False
    if lang != "en" and zipf(word, "en") >= zipf(word, lang):
        return False  # English leakage in the target's word list
    return low[word] >= (2 if from_news else 1)


def fix_greek(word: str) -> str:
    """wordfreq folds final sigma; restore it."""
    return word[:-1] + "ς" if word.endswith("σ") else word


class Alphabet:
    """Letter frequencies of a language, estimated from its clean text."""

    def __init__(self, lines: list[str], script: str) -> None:
        counts: Counter[str] = Counter(
            ch for line in lines for ch in line.lower() if in_script(ch, script) and unicodedata.category(ch).startswith("L")
        )
        total = sum(counts.values())
        letters = [(c, n) for c, n in counts.most_common() if n / total >= 0.001]
        vowel_set = VOWELS[script]
        is_vowel = (lambda c: base_letter(c) in vowel_set) if script == "Latin" else (lambda c: c in vowel_set)
        self.all = [c for c, _ in letters]
        self.all_w = [n for _, n in letters]
        self.vowels = [c for c, _ in letters if is_vowel(c)]
        self.vowels_w = [n for c, n in letters if is_vowel(c)]
        self.cons = [c for c, _ in letters if not is_vowel(c)]
        self.cons_w = [n for c, n in letters if not is_vowel(c)]

    def letter(self, rng: random.Random) -> str:
        return rng.choices(self.all, self.all_w)[0]

    def pseudo_word(self, rng: random.Random) -> str:
        """A pronounceable-ish random string of 5-10 letters (C V alternation)."""
        length = rng.randint(5, 10)
        out, vowel = [], rng.random() < 0.3
        while len(out) < length:
            if vowel:
                out.append(rng.choices(self.vowels, self.vowels_w)[0])
            else:
                out.append(rng.choices(self.cons, self.cons_w)[0])
                if rng.random() < 0.2 and len(out) < length:  # occasional cluster
                    out.append(rng.choices(self.cons, self.cons_w)[0])
            vowel = not vowel
        return "".join(out)


# --------------------------------------------------------------------------- slots


def word_slots(line: str, lang: str) -> list[Slot]:
    """Mid-sentence lower-case pure-letter words (not the first word of the line)."""
    if lang in CJK:
        slots = []
        for m in HAN2_RE.finditer(line):
            s = m.start()
            w = m.group(1)
            if s > 0 and zipf(w, lang) >= 3.5 and w not in stopwords(lang):
                slots.append(Slot(s, s + 2, w))
        # keep non-overlapping slots, left to right
        kept, last = [], -1
        for sl in slots:
            if sl.start >= last:
                kept.append(sl)
                last = sl.end
        return kept
    out = []
    for i, m in enumerate(WORD_RE.finditer(line)):
        w = m.group()
        if i == 0 or not LETTERS_RE.match(w) or w != w.lower():
            continue
        before = line[: m.start()].rstrip()
        if before.endswith((".", "!", "?", "\"", "“", "«", "„", "(", ":")):
            continue
        if m.end() < len(line) and line[m.end()] in "-'’@_/0123456789":
            continue
        out.append(Slot(m.start(), m.end(), w))
    return out


def content_slots(line: str, lang: str, min_len: int = 4) -> list[Slot]:
    """Word slots that are not function words."""
    sw = stopwords(lang)
    return [s for s in word_slots(line, lang) if s.text not in sw and len(s.text) >= (2 if lang in CJK else min_len)]


def replace(line: str, slot: Slot, new: str, kind: str) -> Injection:
    return Injection(line[: slot.start] + new + line[slot.end:], slot.start, slot.start + len(new), kind, slot.text)


# --------------------------------------------------------------------------- injectors

Injector = Callable[[str, str, str, random.Random, "Context"], Optional[Injection]]


@dataclass
class Context:
    """Per-language state shared by the injectors."""

    lang: str
    src_lang: str
    alphabet: Optional[Alphabet]
    #: v2 only (the legacy injectors read the three fields above): learned error statistics
    errors: Optional["LangErrors"] = None
    #: v2 only: lower-case letter -> neighbouring keys on the language's usual layout
    keyboard: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: v2 only: base letter -> the marked letters of the language's alphabet on that base
    marked_by_base: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: v2 only: weights of an edit's position in the word (first, middle, last)
    positions: tuple[float, float, float] = (0.10, 0.75, 0.15)


def inject_non_word(line: str, src: str, lang: str, rng: random.Random, ctx: Context) -> Optional[Injection]:
    slots = content_slots(line, lang)
    if not slots or ctx.alphabet is None:
        return None
    slot = rng.choice(slots)
    for _ in range(50):
        w = ctx.alphabet.pseudo_word(rng)
        if zipf(w, lang) == 0 and zipf(w, "en") == 0 and w != slot.text:
            return replace(line, slot, w, "non-word")
    return None


def inject_misspelling(line: str, src: str, lang: str, rng: random.Random, ctx: Context) -> Optional[Injection]:
    slots = [s for s in content_slots(line, lang, min_len=5) if zipf(s.text, lang) > 0]
    if not slots or ctx.alphabet is None:
        return None
    slot = rng.choice(slots)
    w = slot.text
    for _ in range(50):
        op = rng.choice(("delete", "insert", "substitute", "transpose"))
        i = rng.randrange(len(w))
        if op == "delete":
            res = w[:i] + w[i + 1:]
        elif op == "insert":
            res = w[:i] + ctx.alphabet.letter(rng) + w[i:]
        elif op == "substitute":
            res = w[:i] + ctx.alphabet.letter(rng) + w[i + 1:]
        else:
            i = min(i, len(w) - 2)
            res = w[:i] + w[i + 1] + w[i] + w[i + 2:]
        if res != w and len(res) >= 4 and zipf(res, lang) == 0:
            return replace(line, slot, res, "misspelling")
    return None


def _pick_from_pool(pool: tuple[str, ...], line: str, rng: random.Random) -> Optional[str]:
    for _ in range(20):
        w = rng.choice(pool)
        if w not in line:
            return w
    return None


def _inject_from_pool(kind: str, pool_of):
    """An injector that replaces a content word with a word drawn from ``pool_of(lang)``."""

    def inject(line: str, src: str, lang: str, rng: random.Random, ctx: Context) -> Optional[Injection]:
        slots, pool = content_slots(line, lang), pool_of(lang)
        if not slots or not pool:
            return None
        w = _pick_from_pool(pool, line, rng)
        return replace(line, rng.choice(slots), w, kind) if w else None

    return inject


inject_foreign = _inject_from_pool("foreign", foreign_pool)
inject_script = _inject_from_pool("script", script_pool)


def inject_repetition(line: str, src: str, lang: str, rng: random.Random, ctx: Context) -> Optional[Injection]:
    """Double a content word; the gold span is the second copy plus the whitespace before it."""
    slots = content_slots(line, lang)
    if lang in CJK:
        slots = [s for s in slots if s.text[0] != s.text[1]]  # AA words reduplicate normally
    rng.shuffle(slots)
    for slot in slots:
        sep = "" if lang in CJK else " "
        if line[slot.end: slot.end + len(sep) + len(slot.text)] == sep + slot.text:
            continue
        ins = sep + slot.text
        noisy = line[: slot.end] + ins + line[slot.end:]
        return Injection(noisy, slot.end, slot.end + len(ins), "repetition", "")
    return None


def inject_untranslated(line: str, src: str, lang: str, rng: random.Random, ctx: Context) -> Optional[Injection]:
    slots = content_slots(line, lang)
    if not slots:
        return None
    src_sw = stopwords(ctx.src_lang)
    cands = []
    for m in WORD_RE.finditer(src):
        w = m.group()
        if m.start() == 0 or not LETTERS_RE.match(w) or len(w) < 4 or w.lower() in src_sw:
            continue
        if ctx.src_lang == "en" and w != w.lower():
            continue  # capitalised English words are mostly names, which stay untranslated anyway
        # an untranslated word need not be absent from the target's word list (web-derived lists
        # carry many English words at low frequency); it must be far more common in the source
        zs, zt = zipf(w, ctx.src_lang), zipf(w, lang)
        if zs < 2.0 or zt >= 3.0 or zs - zt < 2.0 or w in line:
            continue
        cands.append(w)
    if not cands:
        return None
    return replace(line, rng.choice(slots), rng.choice(sorted(set(cands))), "untranslated")


def inject_wrong_word(line: str, src: str, lang: str, rng: random.Random, ctx: Context) -> Optional[Injection]:
    pool = wrong_word_pool(lang)
    zs = [z for _, z in pool]
    slots = [s for s in content_slots(line, lang) if zipf(s.text, lang) >= 2.5]
    rng.shuffle(slots)
    import bisect

    for slot in slots[:5]:
        z = zipf(slot.text, lang)
        lo, hi = bisect.bisect_right(zs, z - 0.5), bisect.bisect_left(zs, z + 0.5)
        for _ in range(30):
            if hi <= lo:
                break
            w, wz = pool[rng.randrange(lo, hi)]
            if lang in CJK:
                related = bool(set(w) & set(slot.text))
            else:
                related = w[:3] == slot.text[:3] or w in slot.text or slot.text in w
            if w != slot.text and abs(wz - z) < 0.5 and not related and w not in line:
                return replace(line, slot, w, "wrong-word")
    return None


INJECTORS: dict[str, Injector] = {
    "non-word": inject_non_word, "misspelling": inject_misspelling, "foreign": inject_foreign,
    "script": inject_script, "repetition": inject_repetition, "untranslated": inject_untranslated,
    "wrong-word": inject_wrong_word,
}


# =========================================================================== version 2
# Everything below up to the driver is the v2 generator; the legacy code above is left as it
# was so that ``--legacy`` reproduces the old output exactly.

VERSION_V2 = "2.0.0"
ERROR_MODEL_PATH = Path(__file__).resolve().parent / "error_model.json"

VARIANTS: dict[str, tuple[str, ...]] = {
    "non-word": ("garble", "truncated", "subword-merge", "half-compound"),
    "misspelling": ("diacritic", "keyboard", "phonetic", "double", "drop", "swap", "edit2", "split", "merge"),
    "foreign": ("word",), "script": ("word",), "repetition": ("word",),
    "untranslated": ("single", "multi"), "wrong-word": ("word",),
}
#: Kinds a share of whose lines goes into capitalised slots.
CAP_KINDS = ("non-word", "misspelling", "foreign", "untranslated")
CAP_SHARE = 0.30
#: Languages that capitalise every noun: a capitalised common word there is a slot in mid-sentence.
NOUN_CAPS = ("de", "lb")
#: Languages that write compounds as one word (``half-compound``), with their linking elements.
COMPOUND_LINKERS: dict[str, tuple[str, ...]] = {
    "de": ("", "s", "es", "n", "en", "e", "er"), "nl": ("", "s", "en", "e"),
    "sv": ("", "s", "a", "u", "o", "e"), "da": ("", "s", "e"),
}
#: Misspelling mix where a language has no real-error data (sums to 1; variants a language
#: cannot do, such as ``diacritic`` in English, are dropped and the rest renormalised).
DEFAULT_MISSPELLING_MIX: dict[str, float] = {
    "diacritic": 0.15, "keyboard": 0.15, "phonetic": 0.20, "double": 0.10, "drop": 0.15,
    "swap": 0.10, "edit2": 0.05, "split": 0.05, "merge": 0.05,
}
#: Learned mixes are shrunk towards the default by n / (n + MODEL_PRIOR_TOKENS) (cows_es has
#: only 34 dev tokens) and then get a uniform floor of UNIFORM_FLOOR, so every variant the
#: language can do keeps a few lines (the GEC sets hold no split/merge at all: multi-token
#: edits were corrected, not measured).
MODEL_PRIOR_TOKENS = 20
UNIFORM_FLOOR = 0.20
#: Edit position in the word (first, middle, last) where no language has data.
DEFAULT_POSITIONS = (0.10, 0.75, 0.15)
#: Share of ``keyboard`` typos that insert the neighbouring key instead of substituting it,
#: and of ``drop`` typos that drop one letter of a double (when the word has one), by default.
DEFAULT_KB_INSERT = 0.25
DEFAULT_DROP_DOUBLE = 0.5
#: Zipf a half must reach to count as a word for ``split`` and ``half-compound``.
SPLIT_ZIPF = 3.8
COMPOUND_ZIPF = 3.5
#: Source function words that may open an untranslated phrase (``the government``).
DETERMINERS: dict[str, frozenset[str]] = {
    "en": frozenset("the a an this that these those his her its their our my your".split()),
    "de": frozenset("der die das den dem des ein eine einen einem einer eines sein seine ihr ihre".split()),
}
#: Sentence-ending punctuation: a word after it (or at line start) is sentence-initial.
SENT_END = (".", "!", "?")
OPENERS = " \t\"'“”„«»‘’(["
#: Characters that glue a word to its neighbour (URLs, hyphenated names, numbers): no slot there.
GLUE = "-'’@_/0123456789"

# --------------------------------------------------------------------------- keyboards
# Rows of the usual layouts, lower case; '_' marks a key without a letter.  Row x offsets
# follow a physical keyboard (digit row at 0, Q row 1.5, A row 1.75, Z row 2.25), so the
# neighbours of a key are its row neighbours and the keys touching it in the rows above and
# below.  Only the digit rows that carry letters (Czech, French) are listed.

_QWERTY = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
KEYBOARD_ROWS: dict[str, tuple[Optional[str], str, str, str]] = {
    "en": (None, *_QWERTY), "nl": (None, *_QWERTY), "vi": (None, *_QWERTY),
    "es": (None, "qwertyuiop", "asdfghjklñ", "zxcvbnm"),
    "pt": (None, "qwertyuiop", "asdfghjklç", "zxcvbnm"),
    "it": (None, "qwertyuiopè", "asdfghjklòàù", "zxcvbnm"),
    "sv": (None, "qwertyuiopå", "asdfghjklöä", "zxcvbnm"),
    "tr": (None, "qwertyuıopğü", "asdfghjklşi", "zxcvbnmöç"),
    "de": (None, "qwertzuiopü", "asdfghjklöä", "yxcvbnm"),
    "cs": ("__ěščřžýáíé", "qwertzuiopú", "asdfghjklů", "yxcvbnm"),
    "pl": (None, "qwertzuiopżś", "asdfghjklłą", "yxcvbnm"),
    "fr": ("__é____è_çà", "azertyuiop", "qsdfghjklmù", "wxcvbn"),
    "ru": (None, "йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю"),
    "uk": (None, "йцукенгшщзхї", "фівапролджє", "ячсмитьбю"),
    "ar": (None, "ضصثقفغعهخحجد", "شسيبلاتنمكط", "ئءؤر_ىةوزظ"),
    "he": (None, "__קראטוןםפ", "שדגכעיחלךף", "זסבהנמצתץ"),
}
_ROW_X = (0.0, 1.5, 1.75, 2.25)


@lru_cache(maxsize=None)
def keyboard_neighbours(lang: str) -> dict[str, tuple[str, ...]]:
    """Letter -> the letters on the keys touching it (same row +-1, adjacent rows within 0.75)."""
    rows = KEYBOARD_ROWS.get(lang, (None, *_QWERTY))
    keys = [(r, _ROW_X[r] + i, ch) for r, row in enumerate(rows) if row for i, ch in enumerate(row) if ch != "_"]
    out: dict[str, set[str]] = {}
    for r, x, ch in keys:
        for r2, x2, ch2 in keys:
            if ch2 == ch:
                continue
            if (r2 == r and abs(x2 - x) <= 1.01) or (abs(r2 - r) == 1 and abs(x2 - x) <= 0.76):
                out.setdefault(ch, set()).add(ch2)
    return {ch: tuple(sorted(n)) for ch, n in out.items()}


# --------------------------------------------------------------------------- phonetic rules
# (regex on the lower-case word, replacement).  Small, per language, both directions where the
# confusion goes both ways.  ``DOUBLING`` rules are the doubled/single consonant confusions.


def _doubling(consonants: str) -> list[tuple[str, str]]:
    return [(rf"([{consonants}])\1", r"\1"), (rf"(?<=[aeiouy])([{consonants}])(?=[aeiouy])", r"\1\1")]


PHONETIC: dict[str, list[tuple[str, str]]] = {
    "cs": [("i", "y"), ("y", "i"), ("í", "ý"), ("ý", "í"), ("s", "z"), ("z", "s"), ("ě", "je"),
           ("(?<=[bpvfm])je", "ě"), ("mě", "mně"), ("mně", "mě"), ("ú", "ů"), ("ů", "ú")],
    "de": [("ie", "ei"), ("ei", "ie"), ("ss", "ß"), ("ß", "ss"), ("d$", "t"), ("t$", "d"),
           ("dt", "t"), ("v", "f"), ("äu", "eu"), ("eu", "äu"), *_doubling("bdfgklmnprt")],
    "en": [("ie", "ei"), ("ei", "ie"), ("ible$", "able"), ("able$", "ible"), ("ance$", "ence"),
           ("ence$", "ance"), ("ph", "f"), *_doubling("bcdfglmnprst")],
    "es": [("b", "v"), ("v", "b"), ("ll", "y"), ("y(?=[aeiou])", "ll"), ("^h", ""), ("(?<=[aeiou])h", ""),
           ("c(?=[ei])", "s"), ("c(?=[ei])", "z"), ("z", "s"), ("s", "z"), ("z(?=[ao u])", "c")],
    "fr": [("é", "è"), ("è", "é"), ("é", "e"), ("è", "e"), ("ê", "è"), ("ent$", "ant"), ("ant$", "ent"),
           ("ai", "é"), ("au", "o"), *_doubling("clmnprst")],
    "it": [*_doubling("bcdfglmnprstvz"), ("zz", "z"), ("cq", "q")],
    "pt": [("ç", "c"), ("ç", "ss"), ("ss", "ç"), ("s(?=[aeiou])", "z"), ("x", "ch"), ("ch", "x")],
    "pl": [("ó", "u"), ("u", "ó"), ("rz", "ż"), ("ż", "rz"), ("ch", "h"), ("h", "ch"), ("ą", "om"), ("ę", "en")],
    "ru": [("и", "ы"), ("ы", "и"), ("е", "и"), ("и", "е"), ("я", "е"), ("е", "я"), ("о", "а"), ("а", "о"),
           ("тся$", "ться"), ("ться$", "тся")],
    "uk": [("и", "і"), ("і", "и"), ("е", "є"), ("є", "е"), ("г", "ґ"), ("ґ", "г"), ("е", "и"), ("и", "е")],
    "nl": [("ei", "ij"), ("ij", "ei"), ("d$", "t"), ("dt$", "t"), ("t$", "dt"), ("ou", "au"), ("au", "ou"),
           ("g", "ch"), *_doubling("klmnprst")],
    "sv": [("ä", "e"), ("e", "ä"), ("å", "o"), ("sj", "sk"), ("hj", "j"), *_doubling("klmnpst")],
    "tr": [("ı", "i"), ("i", "ı"), ("ğ", ""), ("c", "ç"), ("ç", "c"), ("ş", "s")],
    "vi": [("d", "gi"), ("gi", "d"), ("tr", "ch"), ("ch", "tr"), ("s", "x"), ("x", "s"), ("ng$", "n"), ("n$", "ng")],
    "ar": [("ة$", "ه"), ("ه$", "ة"), ("ى$", "ي"), ("ي$", "ى"), ("ض", "ظ"), ("ظ", "ض"), ("ذ", "ز"), ("ث", "س")],
    "he": [("כ", "ח"), ("ח", "כ"), ("ת", "ט"), ("ט", "ת"), ("ס", "ש"), ("א", "ע"), ("ע", "א"), ("ק", "כ"),
           ("(?<=.)ו(?=.)", ""), ("(?<=.)י(?=.)", "")],
}


# --------------------------------------------------------------------------- letters and case


def is_marked(ch: str) -> bool:
    """True for a letter that carries a diacritic (its NFD form has combining marks): é, ů, й, ї, أ."""
    return unicodedata.category(ch).startswith("L") and len(unicodedata.normalize("NFD", ch)) > 1


def strip_mark(ch: str) -> str:
    """The base letter of ``ch`` (its first NFD character)."""
    return unicodedata.normalize("NFD", ch)[0]


def fold_marks(word: str) -> str:
    """``word`` without any diacritic, ß written ss: what a diacritic error leaves unchanged."""
    return "".join(strip_mark(c) for c in word).replace("ß", "ss")


def lower_word(word: str, lang: str) -> str:
    """Lower case, with Turkish dotted/dotless i."""
    if lang in ("tr", "az"):
        word = word.replace("I", "ı").replace("İ", "i")
    return word.lower()


def upper_first(word: str, lang: str) -> str:
    """``word`` with its first letter upper-cased (Turkish i -> İ)."""
    if not word:
        return word
    first = "İ" if lang in ("tr", "az") and word[0] == "i" else word[0].upper()
    return first + word[1:]


def is_title(word: str) -> bool:
    """Title case: an upper-case first letter and nothing upper-case after it."""
    return word[:1].isupper() and not any(c.isupper() for c in word[1:])


def match_case(new: str, slot_text: str, lang: str) -> str:
    """``new`` (lower case) written like the slot it replaces: capitalised for a capitalised slot."""
    return upper_first(new, lang) if slot_text[:1].isupper() else new


def sentence_initial(line: str, start: int) -> bool:
    """True at line start or after ``. ! ?`` (opening quotes and brackets skipped)."""
    before = line[:start].rstrip(OPENERS)
    return before == "" or before.endswith(SENT_END)


def common_lower(lw: str, lang: str) -> bool:
    """A common word of the language that is normally written lower case (so not a name).

    ``usually_lowercase`` (news case counts), or wordfreq zipf >= 3.5 for a word that is not
    mostly written capitalised in the news and is more frequent in the language than in English
    (the second route covers words too rare for the news sample and works offline from zipf
    alone; names leak into every web word list from English, so they fail its last test).
    """
    if usually_lowercase(lw, lang):
        return True
    low, cap, _ = case_counts(lang)
    z = zipf(lw, lang)
    return z >= 3.5 and cap[lw] <= low[lw] and (lang == "en" or z > zipf(lw, "en"))


def is_noun_cap(word: str, lang: str) -> bool:
    """A capitalised common noun of a noun-capitalising language, not a name.

    A German noun is frequent in German and rare in English (zipf_en < 3), while names are
    about as frequent in both word lists (Berlin, Merkel); wordfreq keys are lower case.
    """
    lw = word.lower()
    return lang in NOUN_CAPS and zipf(lw, lang) >= 3.0 and zipf(lw, "en") < 3.0


def glued(line: str, start: int, end: int) -> bool:
    """True when line[start:end] is glued to a neighbour by a hyphen, apostrophe, digit etc."""
    return (end < len(line) and line[end] in GLUE) or (start > 0 and line[start - 1] in GLUE)


def cap_slots(line: str, lang: str, min_len: int = 4) -> list[Slot]:
    """Capitalised content words that are not names: sentence-initial common words, German
    nouns, and title-case common words in mid-sentence."""
    if lang in CJK:
        return []
    out = []
    for m in WORD_RE.finditer(line):
        w = m.group()
        if len(w) < min_len or not LETTERS_RE.match(w) or not is_title(w) or glued(line, m.start(), m.end()):
            continue
        lw = lower_word(w, lang)
        if lw in stopwords(lang):
            continue
        if is_noun_cap(w, lang) or common_lower(lw, lang):
            out.append(Slot(m.start(), m.end(), w))
    return out


def slots_for(line: str, lang: str, cap: bool, min_len: int = 4) -> list[Slot]:
    """Content-word slots: capitalised ones (``cap_slots``) or the legacy lower-case ones."""
    return cap_slots(line, lang, min_len) if cap else content_slots(line, lang, min_len)


def replace_v2(line: str, slot: Slot, new: str, kind: str, variant: str, cap: bool) -> Injection:
    """Replace ``slot`` by ``new``; the span is exactly the new text."""
    return Injection(line[: slot.start] + new + line[slot.end:], slot.start, slot.start + len(new), kind,
                     slot.text, variant, cap)


# --------------------------------------------------------------------------- learned errors


@dataclass(frozen=True)
class LangErrors:
    """What the error model learned for one language (see bench/build_error_model.py)."""

    tokens: int
    classes: dict[str, int]
    positions: tuple[float, float, float]
    sub_pairs: tuple[tuple[str, str, int], ...]        # (intended, written, count), not diacritic
    diacritic_pairs: tuple[tuple[str, str, int], ...]  # (intended, written, count)
    diacritic_drop_all: int
    keyboard_subs: int
    cap_share: float


def load_error_model(path: Optional[Path] = ERROR_MODEL_PATH) -> tuple[dict, str]:
    """(the error model JSON, its sha256[:16]); ({}, "none") when there is none."""
    if path is None or not Path(path).exists():
        return {}, "none"
    raw = Path(path).read_bytes()
    return json.loads(raw), hashlib.sha256(raw).hexdigest()[:16]


def lang_errors(model: dict, lang: str) -> Optional[LangErrors]:
    """The learned statistics of ``lang``, or None when the model has no data for it."""
    d = model.get("langs", {}).get(lang)
    if not d or not d.get("tokens"):
        return None
    pos = d["positions"]
    tot = sum(pos.values()) or 1
    case = d["case"]
    return LangErrors(
        tokens=d["tokens"], classes=dict(d["classes"]),
        positions=(pos["first"] / tot, pos["middle"] / tot, pos["last"] / tot),
        sub_pairs=tuple((a, b, n) for a, b, n in d["sub_pairs"]),
        diacritic_pairs=tuple((a, b, n) for a, b, n in d["diacritic_pairs"]),
        diacritic_drop_all=d.get("diacritic_drop_all", 0), keyboard_subs=d.get("keyboard_subs", 0),
        cap_share=(case["cap_initial"] + case["cap_mid"]) / max(1, d["tokens"]),
    )


def pooled_positions(model: dict) -> tuple[float, float, float]:
    """Edit positions pooled over every language of the model (DEFAULT_POSITIONS without one)."""
    tot = Counter()
    for d in model.get("langs", {}).values():
        tot.update(d.get("positions", {}))
    n = sum(tot.values())
    return (tot["first"] / n, tot["middle"] / n, tot["last"] / n) if n else DEFAULT_POSITIONS


def learned_variant_mix(err: LangErrors) -> dict[str, float]:
    """Edit classes of real errors mapped onto the misspelling variants (shares sum to 1).

    Diacritic classes -> diacritic; substitutions of a neighbouring key -> keyboard, other
    substitutions -> phonetic; insertions -> keyboard (a fat-finger extra key); deletions and
    dropped doubles -> drop; doubled letters -> double; transpositions -> swap; several edits
    -> edit2; split/merge -> split/merge.
    """
    c = err.classes
    subs = c.get("substitution", 0)
    kb = min(err.keyboard_subs, subs)
    mix = {
        "diacritic": sum(n for k, n in c.items() if k.startswith("diacritic")),
        "keyboard": kb + c.get("insertion", 0), "phonetic": subs - kb,
        "double": c.get("doubled-letter", 0), "drop": c.get("deletion", 0) + c.get("dropped-double", 0),
        "swap": c.get("transposition", 0), "edit2": c.get("multiple", 0),
        "split": c.get("split", 0), "merge": c.get("merge", 0),
    }
    tot = sum(mix.values()) or 1
    return {v: n / tot for v, n in mix.items()}


def misspelling_mix(err: Optional[LangErrors], applicable: tuple[str, ...]) -> dict[str, float]:
    """The misspelling variant weights of a language (see MODEL_PRIOR_TOKENS, UNIFORM_FLOOR)."""
    base = dict(DEFAULT_MISSPELLING_MIX)
    if err is not None:
        lam = err.tokens / (err.tokens + MODEL_PRIOR_TOKENS)
        learned = learned_variant_mix(err)
        base = {v: lam * learned[v] + (1 - lam) * base[v] for v in base}
        base = {v: (1 - UNIFORM_FLOOR) * base[v] + UNIFORM_FLOOR / len(applicable) for v in base}
    base = {v: w for v, w in base.items() if v in applicable}
    tot = sum(base.values())
    return {v: w / tot for v, w in base.items()}


# --------------------------------------------------------------------------- context


def marked_by_base(alphabet: Alphabet) -> dict[str, tuple[str, ...]]:
    """Base letter -> the marked letters of the alphabet on that base (a -> á, à ...)."""
    out: dict[str, list[str]] = {}
    for ch in alphabet.all:
        if is_marked(ch):
            out.setdefault(strip_mark(ch), []).append(ch)
    return {b: tuple(sorted(v)) for b, v in sorted(out.items())}


def make_context(lang: str, src_lang: str, alphabet_lines: list[str], model: dict) -> Context:
    """Per-language state of the v2 injectors; ``alphabet_lines`` must be dev lines only."""
    alphabet = None if lang in CJK else Alphabet(alphabet_lines, SCRIPT[lang])
    errors = lang_errors(model, lang)
    # edit positions: the language's own where it has data, else pooled over the model's languages
    return Context(lang, src_lang, alphabet, errors=errors, keyboard=keyboard_neighbours(lang),
                   marked_by_base=marked_by_base(alphabet) if alphabet else {},
                   positions=errors.positions if errors else pooled_positions(model))


def variant_weights(kind: str, ctx: Context) -> dict[str, float]:
    """The variants a language can do for ``kind``, with their shares of the kind's lines."""
    lang = ctx.lang
    if kind == "misspelling":
        app = tuple(v for v in VARIANTS[kind]
                    if not (v == "diacritic" and not (ctx.marked_by_base or lang in ("de",)))
                    and not (v in ("split", "edit2") and lang == "vi"))  # vi words are short syllables
        return misspelling_mix(ctx.errors, app)
    if kind == "non-word":
        app = tuple(v for v in VARIANTS[kind] if (v != "half-compound" or lang in COMPOUND_LINKERS)
                    and not (v == "truncated" and lang == "vi"))  # vi syllables are too short to cut
        return {v: 1 / len(app) for v in app}
    if kind == "untranslated":
        return {"single": 1.0} if lang in CJK else {"single": 0.5, "multi": 0.5}
    return {"word": 1.0}


def cap_share(kind: str, ctx: Context) -> float:
    """Planned share of capitalised slots for ``kind`` (0 for scripts without case)."""
    if kind not in CAP_KINDS or SCRIPT[ctx.lang] not in ("Latin", "Cyrillic"):
        return 0.0
    if kind == "misspelling" and ctx.errors is not None:
        return ctx.errors.cap_share
    return CAP_SHARE


# --------------------------------------------------------------------------- edit helpers

def pick_position(n: int, rng: random.Random, weights: tuple[float, float, float],
                  ok: Callable[[int], bool]) -> Optional[int]:
    """An index in [0, n) accepted by ``ok``: first/middle/last drawn by the learned weights."""
    idx = [i for i in range(n) if ok(i)]
    if not idx:
        return None
    groups = ([i for i in idx if i == 0], [i for i in idx if 0 < i < n - 1], [i for i in idx if i == n - 1 and i > 0])
    live = [(g, wt) for g, wt in zip(groups, weights) if g and wt > 0] or [(idx, 1.0)]
    group = rng.choices([g for g, _ in live], [wt for _, wt in live])[0]
    return rng.choice(group)


def _pair_weight(pairs: tuple[tuple[str, str, int], ...], a: str, b: Optional[str] = None) -> float:
    """1 + the learned count of intended ``a`` written as ``b`` (any ``b`` when None)."""
    return 1.0 + sum(n for x, y, n in pairs if x == a and (b is None or y == b))


def misspell_diacritic(w: str, rng: random.Random, ctx: Context) -> Optional[str]:
    """Drop one or all marks, put a wrong mark, or (where real data show it) add one."""
    err = ctx.errors
    marked = [i for i, c in enumerate(w) if is_marked(c) or c == "ß"]
    wrongable = [i for i in marked if len(ctx.marked_by_base.get(strip_mark(w[i]), ())) > 1]
    addable = [i for i, c in enumerate(w) if not is_marked(c) and ctx.marked_by_base.get(c)]
    if err is not None:
        c = err.classes
        ops = {"drop": c.get("diacritic-dropped", 0) + c.get("diacritic-mixed", 0) / 2,
               "wrong": c.get("diacritic-wrong", 0), "add": c.get("diacritic-added", 0) + c.get("diacritic-mixed", 0) / 2}
        pairs = err.diacritic_pairs
        drop_all = err.diacritic_drop_all / max(1.0, ops["drop"])
    else:  # no data: uniformly over the marked letters the word has
        ops = {"drop": 1.0, "wrong": 1.0, "add": 0.0}
        pairs, drop_all = (), 1 / 3
    live = {"drop": marked, "wrong": wrongable, "add": addable}
    ops = {k: v for k, v in ops.items() if v > 0 and live[k]}
    if not ops:
        return None
    op = rng.choices(sorted(ops), [ops[k] for k in sorted(ops)])[0]
    if op == "drop":
        if len(marked) >= 2 and rng.random() < drop_all:
            return fold_marks(w)
        i = rng.choices(marked, [_pair_weight(pairs, w[j], strip_mark(w[j])) for j in marked])[0]
        return w[:i] + ("ss" if w[i] == "ß" else strip_mark(w[i])) + w[i + 1:]
    if op == "wrong":
        i = rng.choice(wrongable)
        alts = [a for a in ctx.marked_by_base[strip_mark(w[i])] if a != w[i]]
        return w[:i] + rng.choices(alts, [_pair_weight(pairs, w[i], a) for a in alts])[0] + w[i + 1:]
    i = rng.choices(addable, [_pair_weight(pairs, w[j]) for j in addable])[0]
    alts = list(ctx.marked_by_base[w[i]])
    return w[:i] + rng.choices(alts, [_pair_weight(pairs, w[i], a) for a in alts])[0] + w[i + 1:]


def kb_insert_share(ctx: Context) -> float:
    """Share of keyboard typos that insert a neighbouring key (learned insertions : keyboard subs)."""
    if ctx.errors is None:
        return DEFAULT_KB_INSERT
    ins, kb = ctx.errors.classes.get("insertion", 0), ctx.errors.keyboard_subs
    return ins / (ins + kb) if ins + kb else DEFAULT_KB_INSERT


def misspell_keyboard(w: str, rng: random.Random, ctx: Context) -> Optional[str]:
    """A neighbouring key typed instead of the letter, or (fat finger) next to it."""
    nb = ctx.keyboard
    i = pick_position(len(w), rng, ctx.positions, lambda j: w[j] in nb)
    if i is None:
        return None
    k = rng.choice(nb[w[i]])
    if rng.random() < kb_insert_share(ctx):
        return w[:i] + k + w[i:] if rng.random() < 0.5 else w[: i + 1] + k + w[i + 1:]
    return w[:i] + k + w[i + 1:]


def phonetic_candidates(w: str, ctx: Context) -> tuple[list[str], list[str], list[float]]:
    """(rule-list results, learned-pair results, their weights) for the lower-case word ``w``."""
    rules = []
    for pat, rep in PHONETIC.get(ctx.lang, []):
        for m in regex.finditer(pat, w):
            rules.append(w[: m.start()] + m.expand(rep) + w[m.end():])
    learned, weights = [], []
    if ctx.errors is not None:
        for a, b, n in ctx.errors.sub_pairs:
            for m in regex.finditer(regex.escape(a), w):
                learned.append(w[: m.start()] + b + w[m.end():])
                weights.append(float(n))
    return rules, learned, weights


def misspell_phonetic(w: str, rng: random.Random, ctx: Context) -> Optional[str]:
    """A sound/spelling confusion: the language's rule list, or (cs uk es) a learned letter pair."""
    rules, learned, weights = phonetic_candidates(w, ctx)
    if learned and (not rules or rng.random() < 0.5):
        return rng.choices(learned, weights)[0]
    return rng.choice(rules) if rules else None


def misspell_double(w: str, rng: random.Random, ctx: Context) -> Optional[str]:
    """A letter typed twice."""
    def ok(j: int) -> bool:
        return w[j].isalpha() and not (j > 0 and w[j - 1] == w[j]) and not (j + 1 < len(w) and w[j + 1] == w[j])
    i = pick_position(len(w), rng, ctx.positions, ok)
    return None if i is None else w[: i + 1] + w[i] + w[i + 1:]


def misspell_drop(w: str, rng: random.Random, ctx: Context) -> Optional[str]:
    """A letter left out; in a word with a double letter, one of the pair half of the time (or the
    real dropped-double share of deletions where that is higher)."""
    doubles = [j for j in range(len(w) - 1) if w[j] == w[j + 1]]
    share = DEFAULT_DROP_DOUBLE
    if ctx.errors is not None:
        dd, de = ctx.errors.classes.get("dropped-double", 0), ctx.errors.classes.get("deletion", 0)
        share = max(DEFAULT_DROP_DOUBLE, dd / (dd + de)) if dd + de else DEFAULT_DROP_DOUBLE
    if doubles and rng.random() < share:
        i = rng.choice(doubles)
    else:
        i = pick_position(len(w), rng, ctx.positions, lambda j: True)
    return None if i is None else w[:i] + w[i + 1:]


def misspell_swap(w: str, rng: random.Random, ctx: Context) -> Optional[str]:
    """Two adjacent letters transposed."""
    i = pick_position(len(w) - 1, rng, ctx.positions, lambda j: w[j] != w[j + 1])
    return None if i is None else w[:i] + w[i + 1] + w[i] + w[i + 2:]


def _edit_at(op: str, w: str, i: int, rng: random.Random, ctx: Context) -> Optional[str]:
    """One edit touching only w[i:i+2] (so edits at i and j >= i + 2 do not interact)."""
    c = w[i]
    if op == "keyboard":
        nb = ctx.keyboard.get(c)
        return w[:i] + rng.choice(nb) + w[i + 1:] if nb else None
    if op == "drop":
        return w[:i] + w[i + 1:]
    if op == "double":
        return w[: i + 1] + c + w[i + 1:] if i + 1 >= len(w) or w[i + 1] != c else None
    if op == "swap":
        return w[:i] + w[i + 1] + c + w[i + 2:] if i + 1 < len(w) and w[i + 1] != c else None
    if op == "diacritic":
        return w[:i] + ("ss" if c == "ß" else strip_mark(c)) + w[i + 1:] if is_marked(c) or c == "ß" else None
    raise ValueError(op)


def misspell_edit2(w: str, rng: random.Random, ctx: Context) -> Optional[str]:
    """Two edits at positions at least two letters apart (words of length >= 8)."""
    if len(w) < 8:
        return None
    ops = ["keyboard", "drop", "double", "swap"] + (["diacritic"] if any(is_marked(c) for c in w) else [])
    i = rng.randrange(0, len(w) - 3)
    j = rng.randrange(i + 2, len(w))
    right = _edit_at(rng.choice(ops), w, j, rng, ctx)
    if right is None:
        return None
    return _edit_at(rng.choice(ops), right, i, rng, ctx)


def split_points(w: str, lang: str) -> list[int]:
    """Plausible points to split ``w`` in two: both halves are words of the language (zipf >=
    SPLIT_ZIPF, or a function word: ``news paper``, ``any more``, ``na příklad``), at least one
    half has four letters; wordfreq lists carry fragments (``bes``, ``ange``), hence the bar."""
    sw = stopwords(lang)

    def word(x: str) -> bool:
        return x in sw or (len(x) >= 3 and zipf(x, lang) >= SPLIT_ZIPF)

    return [k for k in range(2, len(w) - 1)
            if max(k, len(w) - k) >= 4 and word(w[:k]) and word(w[k:])]


MISSPELLERS: dict[str, Callable[[str, random.Random, Context], Optional[str]]] = {
    "diacritic": misspell_diacritic, "keyboard": misspell_keyboard, "phonetic": misspell_phonetic,
    "double": misspell_double, "drop": misspell_drop, "swap": misspell_swap, "edit2": misspell_edit2,
}


# --------------------------------------------------------------------------- v2 injectors

V2Injector = Callable[[str, str, random.Random, Context, str, bool], Optional[Injection]]


def inject_misspelling_v2(line: str, src: str, rng: random.Random, ctx: Context, variant: str,
                          cap: bool) -> Optional[Injection]:
    """A misspelling of ``variant``; the result (lower-cased) has zipf 0 except for ``split``."""
    lang = ctx.lang
    if ctx.alphabet is None:
        return None
    if variant == "merge":
        return _inject_merge(line, rng, ctx, cap)
    # Vietnamese syllables are short: 4 letters there, else too few lines have a slot
    min_len = {"split": 6, "edit2": 8}.get(variant, 4 if lang == "vi" else 5)
    slots = [s for s in slots_for(line, lang, cap, min_len) if zipf(lower_word(s.text, lang), lang) > 0]
    rng.shuffle(slots)
    for slot in slots[:8]:
        lw = lower_word(slot.text, lang)
        if variant == "split":
            points = split_points(lw, lang)
            if not points:
                continue
            k = rng.choice(points)
            right = lw[k:]
            if cap and is_noun_cap(slot.text, lang):
                right = upper_first(right, lang)  # German writes a split compound as two nouns
            return replace_v2(line, slot, match_case(lw[:k], slot.text, lang) + " " + right,
                              "misspelling", variant, cap)
        for _ in range(12):
            res = MISSPELLERS[variant](lw, rng, ctx)
            if res is None:
                break
            if res != lw and len(res) >= 4 and zipf(res, lang) == 0:
                return replace_v2(line, slot, match_case(res, slot.text, lang), "misspelling", variant, cap)
    return None


def _inject_merge(line: str, rng: random.Random, ctx: Context, cap: bool) -> Optional[Injection]:
    """Two adjacent words written together (``tothe``); the span is the merged word."""
    lang = ctx.lang
    words = list(WORD_RE.finditer(line))
    cands, weights = [], []
    for m1, m2 in zip(words, words[1:]):
        w1, w2 = m1.group(), m2.group()
        if line[m1.end(): m2.start()] != " " or not (LETTERS_RE.match(w1) and LETTERS_RE.match(w2)):
            continue
        if glued(line, m1.start(), m2.end()) or (w2 != lower_word(w2, lang) and not is_noun_cap(w2, lang)):
            continue
        initial = sentence_initial(line, m1.start())
        l1 = lower_word(w1, lang)
        if cap:
            if not (initial and is_title(w1) and (l1 in stopwords(lang) or common_lower(l1, lang))):
                continue
        elif initial or w1 != l1 or not m1.start() or line[: m1.start()].rstrip().endswith(("\"", "“", "«", "„", "(", ":")):
            continue
        merged = l1 + w2
        if len(merged) < 4 or zipf(merged, lang) > 0:
            continue
        cands.append((m1, m2))
        # real merges mostly glue a short function word to its neighbour
        weights.append(3.0 if l1 in stopwords(lang) or w2 in stopwords(lang) else 1.0)
    if not cands:
        return None
    m1, m2 = rng.choices(cands, weights)[0]
    slot = Slot(m1.start(), m2.end(), line[m1.start(): m2.end()])
    return replace_v2(line, slot, m1.group() + m2.group(), "misspelling", "merge", cap)


def _nonword_ok(w: str, lang: str) -> bool:
    """Not a word of the language nor of English (so it is not ``foreign`` either)."""
    return zipf(w, lang) == 0 and zipf(w, "en") == 0


def compound_splits(lw: str, lang: str) -> list[tuple[str, str, str]]:
    """(head, linker, tail) splits of a compound: head and tail are content words of >= 4 letters
    with zipf >= COMPOUND_ZIPF (``zeit`` + ``punkt``; not ``deut`` + ``lich``)."""
    sw = stopwords(lang)
    out = []
    for k in range(4, len(lw) - 3):
        tail = lw[k:]
        if tail in sw or zipf(tail, lang) < COMPOUND_ZIPF:
            continue
        for link in sorted(COMPOUND_LINKERS[lang], key=len, reverse=True):
            head = lw[:k]
            if link and not head.endswith(link):
                continue
            core = head[: len(head) - len(link)]
            if len(core) >= 4 and core not in sw and zipf(core, lang) >= COMPOUND_ZIPF:
                out.append((core, link, tail))
                break
    return out


def inject_non_word_v2(line: str, src: str, rng: random.Random, ctx: Context, variant: str,
                       cap: bool) -> Optional[Injection]:
    """A non-word of ``variant`` (zipf 0 in the language and in English), case-matched."""
    lang = ctx.lang
    if ctx.alphabet is None:
        return None
    if variant == "half-compound" and lang in NOUN_CAPS:
        cap = True  # compounds are nouns there, so always capitalised
    min_len = {"truncated": 8, "half-compound": 8, "subword-merge": 5}.get(variant, 4)
    slots = slots_for(line, lang, cap, min_len)
    rng.shuffle(slots)
    if variant == "garble":
        if not slots:
            return None
        slot = slots[0]
        for _ in range(50):
            w = ctx.alphabet.pseudo_word(rng)
            if _nonword_ok(w, lang) and w != lower_word(slot.text, lang):
                return replace_v2(line, slot, match_case(w, slot.text, lang), "non-word", variant, cap)
        return None
    for slot in slots[:8]:
        lw = lower_word(slot.text, lang)
        res = None
        if variant == "truncated":
            for _ in range(6):
                frag = lw[: round(len(lw) * rng.uniform(0.55, 0.80))]
                if len(frag) >= 4 and _nonword_ok(frag, lang):
                    res = frag
                    break
        elif variant == "subword-merge":
            others = sorted({lower_word(m.group(), lang) for m in WORD_RE.finditer(line)
                             if len(m.group()) >= 5 and LETTERS_RE.match(m.group())} - {lw})
            others = [o for o in others if o not in stopwords(lang)]
            for _ in range(10):
                if not others:
                    break
                b = rng.choice(others)
                head = lw[: max(2, round(len(lw) * rng.uniform(0.3, 0.65)))]
                tail = b[round(len(b) * rng.uniform(0.35, 0.7)):]
                cand = head + tail
                if len(tail) >= 2 and len(cand) >= 5 and cand != lw and _nonword_ok(cand, lang):
                    res = cand
                    break
        elif variant == "half-compound":
            splits = compound_splits(lw, lang)
            english = english_parts(src, lang) if ctx.src_lang == "en" else []
            if splits and english:
                # the English words nearest the compound's relative position: a stand-in for the
                # source word of the replaced part (``Bekanntgabe`` -> ``Bekanntannouncement``)
                rel = slot.start / max(1, len(line))
                english = [w for w, _ in sorted(english, key=lambda p: (abs(p[1] - rel), p[0]))[:3]]
                for _ in range(6):
                    core, link, tail = rng.choice(splits)
                    en = rng.choice(english)
                    cand = en + tail if rng.random() < 0.5 else core + link + en
                    if cand != lw and _nonword_ok(cand, lang):
                        res = cand
                        break
        else:
            raise ValueError(variant)
        if res is not None:
            return replace_v2(line, slot, match_case(res, slot.text, lang), "non-word", variant, cap)
    return None


def english_parts(src: str, lang: str) -> list[tuple[str, float]]:
    """(word, relative position) of the lower-case English content words of the source line that
    are not words of ``lang``; sorted, first occurrence."""
    out: dict[str, float] = {}
    for m in WORD_RE.finditer(src):
        w = m.group()
        if (m.start() and w not in out and LETTERS_RE.match(w) and w == w.lower() and len(w) >= 4
                and w not in stopwords("en") and zipf(w, "en") >= 3.0 and zipf(w, lang) < 3.0):
            out[w] = m.start() / max(1, len(src))
    return sorted(out.items())


def inject_foreign_v2(line: str, src: str, rng: random.Random, ctx: Context, variant: str,
                      cap: bool) -> Optional[Injection]:
    """A common same-script word of another language, case-matched to the slot."""
    slots, pool = slots_for(line, ctx.lang, cap), foreign_pool(ctx.lang)
    if not slots or not pool:
        return None
    slot = rng.choice(slots)
    low = line.lower()
    for _ in range(20):
        w = rng.choice(pool)
        if w not in low:
            return replace_v2(line, slot, match_case(w, slot.text, ctx.lang), "foreign", variant, cap)
    return None


def _from_legacy(kind: str) -> V2Injector:
    """A kind without new variants: the legacy injector, tagged ``word``/``cap: false``."""

    def inject(line: str, src: str, rng: random.Random, ctx: Context, variant: str, cap: bool) -> Optional[Injection]:
        inj = INJECTORS[kind](line, src, ctx.lang, rng, ctx)
        return None if inj is None else Injection(inj.noisy, inj.start, inj.end, inj.kind, inj.original, "word", False)

    return inject


def passes_untranslated(w: str, lang: str, src_lang: str) -> bool:
    """The frequency test of an untranslated source word (frequencies only, nothing else).

    Web-derived word lists carry common English words at Zipf 3+ in other languages ('monday'
    is 3.1 in German, 'government' 3.5), so the target bound is 3.5 with a 1.5 margin: such a
    word is still 30 times more common in the source language."""
    zs, zt = zipf(w, src_lang), zipf(w, lang)
    return zs >= 2.5 and zt < 3.5 and zs - zt >= 1.5


def target_words(line: str, lang: str) -> set[str]:
    """Lower-case words of the target line."""
    return {lower_word(m.group(), lang) for m in WORD_RE.finditer(line)}


def untranslated_words(src: str, line: str, lang: str, src_lang: str) -> list[tuple[str, float]]:
    """(word, relative position in the source) of the source content words (not sentence-initial)
    that pass the frequency test and are not words of the target line; sorted, first occurrence."""
    sw, tw = stopwords(src_lang), target_words(line, lang)
    out: dict[str, float] = {}
    for m in WORD_RE.finditer(src):
        w = m.group()
        if m.start() == 0 or not LETTERS_RE.match(w) or len(w) < 4 or w.lower() in sw or w in out:
            continue
        if lower_word(w, src_lang) not in tw and passes_untranslated(w, lang, src_lang):
            out[w] = m.start() / max(1, len(src))
    return sorted(out.items())


def untranslated_phrases(src: str, line: str, lang: str, src_lang: str) -> list[tuple[str, float]]:
    """(phrase, relative position in the source) of 2-3 consecutive single-spaced source words
    forming a content phrase: an optional lower-case determiner, then one or two content words
    (``the government``, ``press conference``, ``the press conference``).  Not sentence-initial;
    every content word passes the frequency test and is not a word of the target line."""
    sw, tw = stopwords(src_lang), target_words(line, lang)
    dets = DETERMINERS.get(src_lang, frozenset())
    toks = list(WORD_RE.finditer(src))
    out = []
    for a in range(1, len(toks)):
        for n in (2, 3):
            win = toks[a: a + n]
            if len(win) < n or any(src[x.end(): y.start()] != " " for x, y in zip(win, win[1:])):
                continue
            words = [t.group() for t in win]
            if not all(LETTERS_RE.match(w) for w in words) or glued(src, win[0].start(), win[-1].end()):
                continue
            content = words[1:] if words[0] in dets else words
            if len(content) > 2 or any(w.lower() in sw or len(w) < 3 for w in content):
                continue
            if all(lower_word(w, src_lang) not in tw and passes_untranslated(w, lang, src_lang) for w in content):
                out.append((src[win[0].start(): win[-1].end()], win[0].start() / max(1, len(src))))
    return out


def near(slots: list[tuple[Slot, float]], rel: float, rng: random.Random) -> Slot:
    """One of the three slots nearest to relative position ``rel``: a cheap stand-in for word
    alignment (source and target sentences run roughly in parallel)."""
    ranked = sorted(slots, key=lambda p: (abs(p[1] - rel), p[0].start))
    return rng.choice(ranked[:3])[0]


def target_windows(line: str, lang: str, cap: bool) -> list[tuple[Slot, float]]:
    """(slot, relative position) of 1-3 consecutive single-spaced target words holding a
    content word; the first word is a lower-case mid-sentence word, or a capitalised slot when
    ``cap``; later words are lower case (or German nouns)."""
    toks = list(WORD_RE.finditer(line))
    sw = stopwords(lang)
    out = []
    for a, first in enumerate(toks):
        w0 = first.group()
        if not LETTERS_RE.match(w0):
            continue
        if cap:
            l0 = lower_word(w0, lang)
            if not (is_title(w0) and (is_noun_cap(w0, lang) or (sentence_initial(line, first.start())
                                                                 and (l0 in sw or common_lower(l0, lang))))):
                continue
        elif (a == 0 or w0 != lower_word(w0, lang)
              or line[: first.start()].rstrip().endswith(("\"", "“", "«", "„", "(", ":") + SENT_END)):
            continue
        for n in (1, 2, 3):
            win = toks[a: a + n]
            if len(win) < n or any(line[x.end(): y.start()] != " " for x, y in zip(win, win[1:])):
                break
            words = [t.group() for t in win]
            if not all(LETTERS_RE.match(w) for w in words[1:]):
                break
            if any(w != lower_word(w, lang) and not is_noun_cap(w, lang) for w in words[1:]):
                break
            if glued(line, win[0].start(), win[-1].end()):
                continue
            if any(lower_word(w, lang) not in sw and len(w) >= 4 for w in words):
                out.append((Slot(win[0].start(), win[-1].end(), line[win[0].start(): win[-1].end()]),
                            win[0].start() / max(1, len(line))))
    return out


def inject_untranslated_v2(line: str, src: str, rng: random.Random, ctx: Context, variant: str,
                           cap: bool) -> Optional[Injection]:
    """Source text left in the target: one word (``single``) or a 2-3 word phrase (``multi``),
    put near its relative position in the source.

    In a lower-case slot the source text keeps its source casing (an untranslated word is
    copied as written); in a capitalised slot its first letter is capitalised (in mid-sentence
    the first word after a determiner: ``in der the Vicinity`` is how a noun slot reads).
    """
    lang, sl = ctx.lang, ctx.src_lang
    if variant == "single":
        cands = untranslated_words(src, line, lang, sl)
        slots = [(s, s.start / max(1, len(line))) for s in slots_for(line, lang, cap)]
        if not cands or not slots:
            return None
        w, rel = rng.choice(cands)
        slot = near(slots, rel, rng)
        return replace_v2(line, slot, upper_first(w, lang) if cap else w, "untranslated", variant, cap)
    if lang in CJK:
        return None
    phrases = untranslated_phrases(src, line, lang, sl)
    windows = target_windows(line, lang, cap)
    if not phrases or not windows:
        return None
    phrase, rel = rng.choice(phrases)
    n_src = phrase.count(" ") + 1
    # a target window of about the phrase's length (a compound may stand for two source words)
    fit = [(s, r) for s, r in windows if s.text.count(" ") + 1 in (n_src - 1, n_src)] or windows
    slot = near(fit, rel, rng)
    new = phrase
    if cap:
        words = phrase.split(" ")
        # a German noun slot in mid-sentence capitalises the noun, not a determiner before it
        k = 1 if not sentence_initial(line, slot.start) and words[0] in DETERMINERS.get(sl, ()) else 0
        words[k] = upper_first(words[k], lang)
        new = " ".join(words)
    if new == slot.text:
        return None
    return replace_v2(line, slot, new, "untranslated", variant, cap)


INJECTORS_V2: dict[str, V2Injector] = {
    "non-word": inject_non_word_v2, "misspelling": inject_misspelling_v2, "foreign": inject_foreign_v2,
    "script": _from_legacy("script"), "repetition": _from_legacy("repetition"),
    "untranslated": inject_untranslated_v2, "wrong-word": _from_legacy("wrong-word"),
}


# --------------------------------------------------------------------------- driver


def read_lines(path: Path) -> list[str]:
    """Lines of a UTF-8 file split on '\\n' only."""
    text = path.read_text(encoding="utf-8")
    return text[:-1].split("\n") if text.endswith("\n") else text.split("\n")


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("".join(l + "\n" for l in lines), encoding="utf-8")


def plan_kinds(kinds: list[str], clean: list[str], src: list[str], lang: str, ctx: Context,
               rng: random.Random) -> list[str]:
    """Assign a kind to every line, evenly; scarce ``untranslated`` goes to lines that allow it."""
    n = len(clean)
    plan: list[Optional[str]] = [None] * n
    share = n // len(kinds)
    if "untranslated" in kinds:
        probe = random.Random(0)
        feasible = [i for i in range(n) if inject_untranslated(clean[i], src[i], lang, probe, ctx) is not None]
        for i in rng.sample(feasible, min(share, len(feasible))):
            plan[i] = "untranslated"
    rest = [i for i in range(n) if plan[i] is None]
    others = [k for k in kinds if k != "untranslated"] if "untranslated" in kinds else kinds
    fill = [others[j % len(others)] for j in range(len(rest))]
    rng.shuffle(fill)
    for i, k in zip(rest, fill):
        plan[i] = k
    return [k for k in plan if k is not None]


def build_language_legacy(lang: str, clean: list[str], src: list[str], src_lang: str, alphabet_lines: list[str],
                   seed: int, split: str) -> tuple[list[str], list[dict], Counter[str]]:
    """Inject one error per line (legacy generator); returns noisy lines, gold records and kind counts."""
    rng = random.Random(seed * 1000003 + zlib.crc32(f"{lang}/{split}".encode()))
    kinds = [k for k in KINDS if k not in SKIPPED_KINDS.get(lang, ())]
    ctx = Context(lang, src_lang, None if lang in CJK else Alphabet(alphabet_lines, SCRIPT[lang]))
    plan = plan_kinds(kinds, clean, src, lang, ctx, rng)
    counts: Counter[str] = Counter()
    noisy_lines, gold = [], []
    for i, (line, src_line) in enumerate(zip(clean, src)):
        order = [plan[i]] + sorted((k for k in kinds if k != plan[i]), key=lambda k: (counts[k], rng.random()))
        if plan[i] != "untranslated":  # fall-backs never steal the scarce kind's lines' budget
            order = [k for k in order if k != "untranslated"] + ["untranslated"]
        inj = None
        for kind in order:
            inj = INJECTORS[kind](line, src_line, lang, rng, ctx)
            if inj is not None:
                break
        if inj is None:
            noisy_lines.append(line)
            gold.append({"line": i, "spans": []})
            continue
        text = inj.noisy[inj.start: inj.end]
        assert inj.noisy[: inj.start] + inj.original + inj.noisy[inj.end:] == line, (lang, i)
        counts[inj.kind] += 1
        noisy_lines.append(inj.noisy)
        gold.append({"line": i, "spans": [{"start": inj.start, "end": inj.end, "text": text,
                                           "kind": inj.kind, "original": inj.original}]})
    return noisy_lines, gold, counts


def apportion(weights: dict[str, float], n: int) -> list[str]:
    """``n`` labels in proportion to ``weights`` (largest remainder, ties by label), unshuffled."""
    keys = sorted(k for k, w in weights.items() if w > 0)
    tot = sum(weights[k] for k in keys)
    quota = {k: weights[k] / tot * n for k in keys}
    got = {k: int(quota[k]) for k in keys}
    for k in sorted(keys, key=lambda k: (got[k] - quota[k], k))[: n - sum(got.values())]:
        got[k] += 1
    return [k for k in keys for _ in range(got[k])]


Plan = tuple[str, str, bool]  # (kind, variant, cap)


def plan_lines(kinds: list[str], clean: list[str], src: list[str], ctx: Context, rng: random.Random) -> list[Plan]:
    """Assign (kind, variant, cap) to every line.

    Kinds get equal shares as in the legacy plan (scarce ``untranslated`` first, on lines where
    a source word passes the frequency test); each kind's lines are split among its variants
    by ``variant_weights`` and a ``cap_share`` of them is planned into capitalised slots, each
    on lines where a probe injection of that variant (and capitalised slot) succeeds.
    """
    lang, n = ctx.lang, len(clean)
    plan: list[Optional[str]] = [None] * n
    share = n // len(kinds)
    if "untranslated" in kinds:
        feasible = [i for i in range(n) if untranslated_words(src[i], clean[i], lang, ctx.src_lang)
                    and (content_slots(clean[i], lang) or cap_slots(clean[i], lang))]
        for i in rng.sample(feasible, min(share, len(feasible))):
            plan[i] = "untranslated"
    rest = [i for i in range(n) if plan[i] is None]
    others = [k for k in kinds if k != "untranslated"]
    fill = [others[j % len(others)] for j in range(len(rest))]
    rng.shuffle(fill)
    for i, k in zip(rest, fill):
        plan[i] = k
    out: list[Plan] = [("", "", False)] * n
    for kind in kinds:
        idx = [i for i in range(n) if plan[i] == kind]
        weights = variant_weights(kind, ctx)

        @lru_cache(maxsize=None)
        def feasible(i: int, variant: str, cap: bool, kind: str = kind) -> bool:
            # a probe with its own generator, so planning does not depend on the probes' draws
            return INJECTORS_V2[kind](clean[i], src[i], random.Random(i), ctx, variant, cap) is not None

        variants = assign_variants(idx, weights, lambda i, v: len(weights) == 1 or feasible(i, v, False), rng)
        n_cap = round(cap_share(kind, ctx) * len(idx))
        cap_ok = [i for i in idx if n_cap and feasible(i, variants[i], True)]
        caps = set(rng.sample(cap_ok, min(n_cap, len(cap_ok))))
        for i in idx:
            out[i] = (kind, variants[i], i in caps)
    return out


def assign_variants(idx: list[int], weights: dict[str, float], feasible: Callable[[int, str], bool],
                    rng: random.Random) -> dict[int, str]:
    """Line -> variant, in the shares of ``weights``, each variant on lines where it is feasible.

    The scarcest variant (fewest feasible lines) picks first; labels left over when a variant
    has too few feasible lines go to the remaining lines at random (they fall back later).
    """
    need = Counter(apportion(weights, len(idx)))
    feas = {v: [i for i in idx if feasible(i, v)] for v in sorted(need)}
    free, out = set(idx), {}
    for v in sorted(need, key=lambda v: (len(feas[v]), v)):
        pool = [i for i in feas[v] if i in free]
        for i in rng.sample(pool, min(need[v], len(pool))):
            out[i] = v
            free.discard(i)
            need[v] -= 1
    left = [v for v in sorted(need) for _ in range(need[v])]
    rng.shuffle(left)
    out.update(zip(sorted(free), left))
    return out


def attempts(planned: Plan, kinds: list[str], counts: Counter[str], ctx: Context, rng: random.Random) -> list[Plan]:
    """What to try on a line, in order: the plan; the same variant in a lower-case slot; the
    kind's other variants (by weight); then the other kinds (least used first, ``untranslated``
    last unless planned), each with a variant drawn by weight in a lower-case slot."""
    kind, variant, cap = planned
    weights = variant_weights(kind, ctx)
    others = sorted((v for v in weights if v != variant), key=lambda v: (-weights[v], v))
    out = [planned] + ([(kind, variant, False)] if cap else [])
    out += [(kind, v, cap) for v in others] + ([(kind, v, False) for v in others] if cap else [])
    rest = sorted((k for k in kinds if k != kind), key=lambda k: (counts[k], rng.random()))
    if kind != "untranslated":  # fall-backs never steal the scarce kind's budget
        rest = [k for k in rest if k != "untranslated"] + (["untranslated"] if "untranslated" in kinds else [])
    for k in rest:
        w = variant_weights(k, ctx)
        vs = sorted(w)
        out.append((k, rng.choices(vs, [w[v] for v in vs])[0], False))
    return out


def build_language(lang: str, clean: list[str], src: list[str], src_lang: str, alphabet_lines: list[str],
                   seed: int, split: str, model: Optional[dict] = None) -> tuple[list[str], list[dict], Counter]:
    """Inject one error per line (v2); returns noisy lines, gold records and counts.

    The counts are keyed by kind, by ``(kind, variant)`` and by ``(kind, "cap")``.
    """
    rng = random.Random(seed * 1000003 + zlib.crc32(f"{lang}/{split}".encode()))
    kinds = [k for k in KINDS if k not in SKIPPED_KINDS.get(lang, ())]
    ctx = make_context(lang, src_lang, alphabet_lines, model or {})
    plan = plan_lines(kinds, clean, src, ctx, rng)
    counts: Counter = Counter()
    noisy_lines, gold = [], []
    for i, (line, src_line) in enumerate(zip(clean, src)):
        inj = None
        for kind, variant, cap in attempts(plan[i], kinds, counts, ctx, rng):
            inj = INJECTORS_V2[kind](line, src_line, rng, ctx, variant, cap)
            if inj is not None:
                break
        if inj is None:
            noisy_lines.append(line)
            gold.append({"line": i, "spans": []})
            continue
        text = inj.noisy[inj.start: inj.end]
        assert inj.noisy[: inj.start] + inj.original + inj.noisy[inj.end:] == line, (lang, i)
        assert inj.variant in VARIANTS[inj.kind] and text and text != inj.original, (lang, i, inj)
        counts[inj.kind] += 1
        counts[(inj.kind, inj.variant)] += 1
        counts[(inj.kind, "cap")] += inj.cap
        noisy_lines.append(inj.noisy)
        gold.append({"line": i, "spans": [{"start": inj.start, "end": inj.end, "text": text, "kind": inj.kind,
                                           "original": inj.original, "variant": inj.variant, "cap": inj.cap}]})
    return noisy_lines, gold, counts


def describe_counts(counts: Counter) -> str:
    """One line: per kind its count, its variants' counts and its capitalised count."""
    parts = []
    for kind in KINDS:
        if not counts.get(kind):
            continue
        vs = ", ".join(f"{v} {counts[(kind, v)]}" for v in VARIANTS[kind] if counts.get((kind, v)))
        cap = counts.get((kind, "cap"), 0)
        parts.append(f"{kind} {counts[kind]}" + (f" [{vs}]" if len(VARIANTS[kind]) > 1 else "")
                     + (f" cap {cap}" if cap else ""))
    return "; ".join(parts)


# --------------------------------------------------------------------------- main


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--flores", type=Path, default=FLORES_DIR)
    ap.add_argument("--out", type=Path, default=Path("build/bench"))
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--langs", default=",".join(LANGS), help="comma-separated ISO 639-1 codes")
    ap.add_argument("--legacy", action="store_true",
                    help="the original generator (version 1.0.0), output identical to it")
    ap.add_argument("--error-model", type=Path, default=ERROR_MODEL_PATH,
                    help="learned error statistics (bench/build_error_model.py); a missing file means defaults")
    args = ap.parse_args(argv)
    langs = [l for l in args.langs.split(",") if l]
    code_sha = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    model, model_sha = ({}, "none") if args.legacy else load_error_model(args.error_model)
    splits = {"dev": (0, 250), "test": (250, 500)}
    for split, (a, b) in splits.items():
        out = args.out / split
        out.mkdir(parents=True, exist_ok=True)
        manifest: dict = {"version": VERSION if args.legacy else VERSION_V2, "code_sha256": code_sha,
                          "seed": args.seed, "split": split, "flores_lines": [a, b - 1], "kinds": list(KINDS)}
        if args.legacy:
            manifest["legacy"] = True
        else:
            manifest["variants"] = {k: list(v) for k, v in VARIANTS.items()}
            manifest["error_model"] = {"path": "bench/error_model.json", "sha256": model_sha}
        manifest["langs"] = {}
        for lang in langs:
            all_lines = read_lines(args.flores / f"{LANGS[lang]}.txt")
            src_lang = "de" if lang == "en" else "en"
            src_all = read_lines(args.flores / f"{LANGS[src_lang]}.txt")
            clean, src = all_lines[a:b], src_all[a:b]
            # letter statistics come from the dev lines only, so test stays unseen
            if args.legacy:
                noisy, gold, counts = build_language_legacy(lang, clean, src, src_lang, all_lines[0:250],
                                                            args.seed, split)
            else:
                noisy, gold, counts = build_language(lang, clean, src, src_lang, all_lines[0:250], args.seed,
                                                     split, model)
            write_lines(out / f"{lang}.clean.txt", clean)
            write_lines(out / f"{lang}.src.txt", src)
            write_lines(out / f"{lang}.noisy.txt", noisy)
            with open(out / f"{lang}.gold.jsonl", "w", encoding="utf-8") as fh:
                for rec in gold:
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n_inj = sum(counts.get(k, 0) for k in KINDS)
            entry = {
                "flores": LANGS[lang], "src_lang": src_lang, "src_flores": LANGS[src_lang], "lines": len(clean),
                "kinds": {k: counts.get(k, 0) for k in KINDS}, "skipped_kinds": list(SKIPPED_KINDS.get(lang, ())),
                "uninjected_lines": len(clean) - n_inj,
            }
            if args.legacy:
                print(f"{split}/{lang}: {dict(counts)}")
            else:
                entry["variants"] = {k: {v: counts[(k, v)] for v in VARIANTS[k] if counts.get((k, v))}
                                     for k in KINDS if counts.get(k)}
                entry["cap"] = {k: counts.get((k, "cap"), 0) for k in KINDS}
                print(f"{split}/{lang}: {describe_counts(counts)}")
            manifest["langs"][lang] = entry
        (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
