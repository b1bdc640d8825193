"""Word-frequency resources: the target lexicon and a cross-language index, both from wordfreq.

wordfreq ships frequency lists for 40+ languages inside its pip package, so nothing is downloaded.
The cross-language index (common words of every language) is derived from those lists once and
cached as a memory-mapped numpy file, so a cold start costs milliseconds, not seconds.
"""
from __future__ import annotations

import bisect
import hashlib
import math
import os
import zipfile
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np

from .normalise import in_own_alphabet, normaliser

# Proclitics and enclitics written into the word, longest first (conjunctions, prepositions,
# articles, possessive and object pronouns, plural endings).
_CLITICS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ar": (("وبال", "وال", "بال", "فال", "كال", "ولل", "لل", "ال", "وب", "ول", "و", "ف", "ب", "ك", "ل", "س"),
           ("هما", "كما", "ها", "هم", "هن", "كم", "كن", "نا", "ني", "ات", "ين", "ون", "ان", "ية", "ه", "ك", "ي", "ة")),
    "he": (("וכש", "וה", "שה", "מה", "לה", "בה", "כש", "וב", "ול", "ומ", "וש", "ה", "ו", "ב", "כ", "ל", "מ", "ש"),
           ("יהם", "יהן", "ים", "ות", "נו", "כם", "הם", "תי", "ה", "ו", "י", "ך")),
    "fa": (("نمی", "می", "ب", "ن"), ("هایی", "های", "ها", "ای", "ام", "ات", "اش", "مان", "تان", "شان", "ی")),
    "ur": (("", ), ("وں", "یں", "ے", "ی")),
}

_Z6, _Z45, _Z35, _Z3, _Z25, _Z2 = (10 ** (z - 9.0) for z in (6.0, 4.5, 3.5, 3.0, 2.5, 2.0))  # Zipf values as raw frequencies
_ZIPF: dict[float, float] = {}  # raw frequency -> Zipf value (rounded), shared by all lexicons

#: words below this Zipf value in their language are not indexed as "common words" there
FOREIGN_MIN_ZIPF = 3.0
_INDEX_FORMAT = 1


_generic = normaliser(None)

#: consonants of Serbo-Croatian Latin (wordfreq's form of both scripts); the yat follows one
_SH_CONSONANTS = frozenset("bcčćdđfghklmnprsštvzž")


def ijekavian_forms(word: str, max_changes: int = 2) -> tuple[str, ...]:
    """The ijekavian spellings an ekavian Serbo-Croatian word may stand for (``word`` in wordfreq's
    ``sh`` form: Latin, lower case), nearest first. Standard Serbian is ekavian; wordfreq's ``sh``
    list is mostly Croatian and Bosnian text, which is ijekavian, so it often has only the other
    form. The old yat is ``e`` in ekavian and ``ije`` (long syllable) or ``je`` (short) in
    ijekavian, ``i`` before ``o`` or ``j`` (video/vidio, smejati/smijati); it always follows a
    consonant. Up to ``max_changes`` such ``e`` (sedeo/sjedio) are rewritten; one direction only:
    an ijekavian word is never read as ekavian (``tjelo`` for ``tijelo`` is a real slip)."""
    n = len(word)
    if n < 2 or n > 30:
        return ()
    slots = [i for i in range(1, n) if word[i] == "e" and word[i - 1] in _SH_CONSONANTS][:8]
    if not slots:
        return ()

    def options(i: int) -> tuple[str, ...]:
        # no short 'je' after n: ijekavian 'nje' is nearly always the letter nj (njene, not
        # a yat of 'nene'), while the yat after n is long (nem/nijem, sneg/snijeg)
        short = ("je",) if word[i - 1] != "n" else ()
        return ("ije",) + short + (("i",) if i + 1 < n and word[i + 1] in "oj" else ())

    out: list[str] = []
    for i in slots:
        for a in options(i):
            out.append(word[:i] + a + word[i + 1:])
    if max_changes >= 2:
        for k, i in enumerate(slots):
            for j in slots[k + 1:]:
                for a in options(i):
                    for b in options(j):
                        out.append(word[:i] + a + word[i + 1:j] + b + word[j + 1:])
    return tuple(out)


#: per language: the other spellings of a word that its word list may hold instead (the same word
#: in another standard variety of the language), tried when the word itself is rare or unknown
ALTERNATE_FORMS = {"sh": ijekavian_forms}
#: at or above this raw frequency (Zipf 3) a word is common as written; no alternates are tried
_ALTERNATE_BELOW = 10 ** (3.0 - 9.0)


def norm(word: str, lang: str | None = None) -> str:
    """The lookup form of a word: case-folded, curly apostrophes made plain, and normalised as
    wordfreq preprocesses ``lang`` (checker.normalise: Serbian Cyrillic as Latin, Turkish I/İ,
    Arabic marks and tatweel removed, Romanian comma letters). Without ``lang``: NFC, a dotted
    capital İ lowered to i (not i plus a combining dot), and Arabic- or Hebrew-script marks
    removed. A Lexicon's own ``norm`` is ``normaliser(its language)``."""
    if lang is None:
        return word.lower() if word.isascii() else _generic(word)
    return normaliser(lang)(word)


def cache_dir() -> Path:
    """Where derived resources live: $CHECKER_CACHE, else $XDG_CACHE_HOME/checker, else ~/.cache/checker."""
    env = os.environ.get("CHECKER_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "checker"


def _hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


class Lexicon:
    """Zipf frequencies (log10 per billion words) of the target language's words."""

    def __init__(self, lang: str):
        import wordfreq

        self.lang = lang
        #: the lookup key of a word in this language's list (wordfreq's own preprocessing)
        self.norm = normaliser(lang)
        # 'best' = the large list where wordfreq has one; values are frequencies in (0, 1)
        self._freq: dict[str, float] = wordfreq.get_frequency_dict(lang, wordlist="best")
        #: the language's alternate spellings (ALTERNATE_FORMS), and their best frequency per word
        self._alternates = ALTERNATE_FORMS.get(lang)
        self._alt_freq: dict[str, float] = {}
        self._zipf: dict[str, float] = {}
        self._sorted: list[str] | None = None
        self._endings: Counter[str] | None = None

    @property
    def frequencies(self) -> dict[str, float]:
        """wordfreq's frequency table for the language ({word in wordfreq's form: frequency});
        read-only by convention (the spelling index walks it)."""
        return self._freq

    def zipf(self, word: str) -> float:
        z = self._zipf.get(word)  # per word form as written: the hot path asks for each word
        if z is None:
            f = self.freq(self.norm(word))
            if not f:
                z = 0.0
            else:
                z = _ZIPF.get(f)  # wordfreq's lists hold a few hundred distinct values
                if z is None:
                    z = _ZIPF[f] = round(math.log10(f) + 9.0, 2)
            if len(self._zipf) >= 1 << 17:
                self._zipf.clear()
            self._zipf[word] = z
        return z

    def __reduce__(self):  # the key function is a closure: rebuild from the language
        return (Lexicon, (self.lang,))

    def with_words(self, extra: dict[str, float]) -> "Lexicon":
        """A new Lexicon of the same language that also knows ``extra`` ({lookup form: raw
        frequency}, e.g. a newsroom profile's words, checker.profile): a word's frequency is the
        larger of the two. This lexicon and the shared ``get_lexicon`` one are left unchanged."""
        return _ExtendedLexicon(self.lang, extra)

    def freq(self, normed: str) -> float:
        """Raw frequency of an already normalised word (0.0 when unknown); the hot-path lookup.
        A word below Zipf 3 counts with the frequency of its most frequent alternate spelling
        where the language has them (ALTERNATE_FORMS: Serbian ekavian ``sedeći``, missing from
        wordfreq's ``sh`` list, as ijekavian ``sjedeći``)."""
        f = self._freq.get(normed, 0.0)
        if f < _ALTERNATE_BELOW and self._alternates is not None:
            return self._alternate_freq(normed, f)
        return f

    def _alternate_freq(self, normed: str, f: float) -> float:
        got = self._alt_freq.get(normed)
        if got is None:
            get = self._freq.get
            got = max([f] + [get(a, 0.0) for a in self._alternates(normed)])
            if len(self._alt_freq) >= 1 << 17:
                self._alt_freq.clear()
            self._alt_freq[normed] = got
        return got

    def alternate_of(self, word: str) -> str | None:
        """The most frequent known alternate spelling of ``word`` (ALTERNATE_FORMS), or None."""
        if self._alternates is None:
            return None
        get = self._freq.get
        best = max(self._alternates(self.norm(word)), key=lambda a: get(a, 0.0), default=None)
        return best if best is not None and get(best, 0.0) > 0.0 else None

    def __contains__(self, word: str) -> bool:
        return self.freq(self.norm(word)) > 0.0

    def words(self, min_zipf: float = 0.0) -> list[str]:
        lim = 10 ** (min_zipf - 9.0)
        return [w for w, f in self._freq.items() if f >= lim]

    # --- morphology without a morphological analyser -------------------------------------------
    def _sorted_words(self) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self._freq)
        return self._sorted

    def _ending_counts(self) -> Counter[str]:
        if self._endings is None:
            c: Counter[str] = Counter()
            lim = 10 ** (3.0 - 9.0)
            for w, f in self._freq.items():
                if f >= lim and len(w) >= 5:
                    c.update((w[-1:], w[-2:], w[-3:]))
            self._endings = c
        return self._endings

    def clitic_base(self, word: str) -> str | None:
        """For languages that write clitics into the word (Arabic, Hebrew, Persian): the known
        word left after removing one proclitic and/or one enclitic, or None."""
        pre, suf = _CLITICS.get(self.lang, ((), ()))
        if not pre and not suf:
            return None
        w = self.norm(word)
        for p in ("",) + pre:
            if not w.startswith(p):
                continue
            for x in ("",) + suf:
                if (p or x) and w.endswith(x):
                    base = w[len(p):len(w) - len(x)]
                    if len(base) >= 2 and self.zipf(base) >= 2.0:
                        return base
        return None

    def inflection_of(self, word: str) -> str | None:
        """A known word sharing all but a common ending with ``word`` (an unseen inflection), or None.

        Highly inflected languages have far more forms than any frequency list; a form whose stem
        is known and whose ending is common in the language is much more likely an inflection than
        an error.
        """
        w = self.norm(word)
        base = self.clitic_base(w)
        if base:
            return base
        if len(w) < 6:
            return None
        words = self._sorted_words()
        endings = self._ending_counts()
        need = max(30, len(self._freq) // 4000)
        for j in (1, 2, 3):
            stem, end = w[:-j], w[-j:]
            if len(stem) < 5 or endings.get(end, 0) < need:
                continue
            i = bisect.bisect_left(words, stem)
            while i < len(words) and words[i].startswith(stem):
                cand = words[i]
                if cand != w and len(cand) - len(stem) <= 3 and endings.get(cand[len(stem):] or "", need) >= need:
                    return cand
                i += 1
        return None

    def completion_of(self, word: str, limit: int = 400) -> tuple[str, float] | None:
        """The most frequent known word that ``word`` is the beginning of, at least two letters
        longer (a word cut short: ``utveckl`` for ``utvecklingen``), with its Zipf value, or None.
        Looks at no more than ``limit`` words sharing the prefix (bounded work)."""
        got = self.completions(word, k=1, limit=limit)
        return (got[0], round(math.log10(self._freq[got[0]]) + 9.0, 2)) if got else None

    def completions(self, word: str, k: int = 6, limit: int = 400) -> list[str]:
        """The ``k`` most frequent known words that ``word`` is the beginning of, at least two
        letters longer, most frequent first (ties alphabetical): what a word cut short may have
        been. Words under four letters begin too many words to say; at most ``limit`` words
        sharing the prefix are looked at (bounded work)."""
        w = self.norm(word)
        if len(w) < 4:
            return []
        words = self._sorted_words()
        i = bisect.bisect_left(words, w)
        got = [c for c in words[i:i + limit] if c.startswith(w) and len(c) >= len(w) + 2]
        got.sort(key=lambda c: (-self._freq[c], c))
        return got[:k]

    def splits(self, word: str, k: int = 3) -> list[tuple[str, str]]:
        """Ways to read ``word`` as two words run together (``thecat`` → the cat), each part a
        word a writer uses (Zipf ≥ 3, ≥ 4.5 under four letters, as in ``compound_of``), the
        pair's rarer part most frequent first; at most ``k``."""
        w = self.norm(word)
        f = self._freq.get
        out = []
        for i in range(1, len(w)):
            a, b = w[:i], w[i:]
            fa, fb = f(a, 0.0), f(b, 0.0)
            if fa >= _split_floor(len(a)) and fb >= _split_floor(len(b)):
                out.append((min(fa, fb), a, b))
        out.sort(key=lambda x: (-x[0], x[1]))
        return [(a, b) for _, a, b in out[:k]]

    def compound_of(self, word: str, min_part: int = 4) -> tuple[str, ...] | None:
        """Split ``word`` into two or three known words (with an optional linking s/e/n), or None."""
        w = self.norm(word)
        if len(w) < 2 * min_part:
            return None
        return self._split(w, min_part, 3)

    def half_foreign(self, word: str, other: "Lexicon", min_part: int = 4) -> tuple[str, str] | None:
        """A compound glued from a word of this language and a common word of ``other`` that is
        no word here (an MT system's half-translated compound: ``Markenpartnering``), as
        (first part, second part) in written order, or None. The foreign part has at least five
        letters: short words of any language are too easily found inside a long word."""
        w = self.norm(word)
        f, g = self._freq.get, other._freq.get
        for i in range(min_part, len(w) - min_part + 1):
            head, tail = w[:i], w[i:]
            for native, foreign in ((head, tail), (tail, head)):
                if len(foreign) < 5 or g(foreign, 0.0) < _Z3 or f(foreign, 0.0) >= _Z2:
                    continue
                # a linking element after a native head: Arbeit+s+meeting
                stems = [native] + ([native[:-len(k)] for k in ("s", "n", "en", "es") if native.endswith(k)]
                                    if native is head else [])
                if any(len(x) >= min_part and f(x, 0.0) >= _Z3 for x in stems):
                    return (head, tail)
        return None

    def _split(self, w: str, min_part: int, parts: int) -> tuple[str, ...] | None:
        # short parts must be common (Zipf 3; three letters Zipf 4.5, as Haus, Tag, Amt are):
        # garbled strings contain rare short words by chance, and web word lists carry English
        # ones ('let', 'ing') that would split 'verschwundlet' into versch+wund+let
        f = self._freq.get
        if len(w) >= min_part and f(w, 0.0) >= _part_floor(len(w)):
            return (w,)
        if parts == 1:
            return None
        for i in range(len(w) - min_part, min_part - 1, -1):
            head = w[:i]
            if f(head, 0.0) < _part_floor(len(head)):
                continue
            for link in ("", "s", "es", "n", "en", "e"):
                if w[i:].startswith(link):
                    rest = self._split(w[i + len(link):], min_part, parts - 1)
                    if rest:
                        return (head,) + rest
        return None


class _ExtendedLexicon(Lexicon):
    """Lexicon.with_words: wordfreq's table merged with extra words (one dict, so the hot-path
    lookups cost the same as the plain lexicon's)."""

    def __init__(self, lang: str, extra: dict[str, float]):
        super().__init__(lang)
        self._extra = dict(extra)
        # a copy: wordfreq's dict is its own cache, shared by every lexicon of the language
        merged = dict(self._freq)
        for w, f in self._extra.items():
            if f > merged.get(w, 0.0):
                merged[w] = f
        self._freq = merged

    def __reduce__(self):
        return (_ExtendedLexicon, (self.lang, self._extra))


def _split_floor(n: int) -> float:
    # one letter: only the language's commonest words ('a', 'y', 'à'; not the abbreviations
    # and stray letters web lists rate at Zipf 5, German 'd', 'm', 'u')
    return _Z6 if n < 2 else _part_floor(n)


def _part_floor(n: int) -> float:
    return _Z45 if n < 4 else (_Z3 if n < 5 else _Z25)


@lru_cache(maxsize=None)  # one per language used: bounded by the supported languages
def get_lexicon(lang: str) -> Lexicon:
    return Lexicon(lang)


class ForeignIndex:
    """Common words (Zipf >= FOREIGN_MIN_ZIPF) of every wordfreq language, keyed by a 64-bit hash.

    wordfreq stores each language's words in that language's normal form (checker.normalise), so a
    word is looked up under each language's key: Serbian Cyrillic ``влада`` as ``vlada`` in ``sh``
    only, Turkish ``IŞIK`` as ``ışık`` in ``tr`` only, and so on. Languages normalising alike share
    one key; a plain ASCII word (no capital I) has the same key everywhere."""

    def __init__(self, path: Path | None = None, arrays: dict | None = None):
        data = np.load(path, mmap_mode="r") if arrays is None else arrays
        self.keys = data["keys"]
        self.langs = data["langs"]
        self.zipfs = data["zipfs"]
        self.lang_names: list[str] = [str(x) for x in data["lang_names"]]
        fns: list = []
        group: list[int] = []
        for lang in self.lang_names:
            fn = normaliser(lang)
            if fn not in fns:
                fns.append(fn)
            group.append(fns.index(fn))
        self._fns = tuple(fns)
        # a transliterating group's language, to check a Cyrillic word's letters against
        self._translit = {g: lang for lang, g in zip(self.lang_names, group) if fns[g].steps.transliteration}
        self._group = group  # language index -> normaliser group
        self._group_arr = np.array(group, dtype=np.int64)
        self._all = (1 << len(fns)) - 1
        self._key_cache: dict[str, tuple[tuple[int, int], ...]] = {}
        self._lookup_cache: dict[str, dict[str, float]] = {}

    def _keys(self, word: str) -> tuple[tuple[int, int], ...]:
        """((hash, mask of normaliser groups whose key it is), ...) for ``word``: one pair when
        every language normalises it alike."""
        got = self._key_cache.get(word)
        if got is None:
            if word.isascii() and "I" not in word:  # every normaliser lowers plain ASCII alike
                got = ((_hash(word.lower()), self._all),)
            else:
                masks: dict[str, int] = {}
                for g, fn in enumerate(self._fns):
                    if g in self._translit and not in_own_alphabet(word, self._translit[g]):
                        continue  # Russian 'явили' is no Serbian 'javili'
                    k = fn(word)
                    masks[k] = masks.get(k, 0) | (1 << g)
                got = tuple((_hash(k), m) for k, m in masks.items())
            if len(self._key_cache) >= 1 << 17:
                self._key_cache.clear()
            self._key_cache[word] = got
        return got

    def lookup(self, word: str) -> dict[str, float]:
        """{language: zipf} for every language in which ``word`` is a common word."""
        got = self._lookup_cache.get(word)
        if got is None:
            out: dict[str, float] = {}
            names, group, every = self.lang_names, self._group, self._all
            for h, mask in self._keys(word):
                h = np.uint64(h)
                lo = int(self.keys.searchsorted(h, "left"))
                hi = int(self.keys.searchsorted(h, "right"))
                if hi > lo:  # one slice, not one numpy scalar per hit: common words hit 40 languages
                    for li, z in zip(self.langs[lo:hi].tolist(), self.zipfs[lo:hi].tolist()):
                        if mask == every or (mask >> group[li]) & 1:
                            out[names[li]] = z / 10
            if len(self._lookup_cache) >= 1 << 16:
                self._lookup_cache.clear()
            got = self._lookup_cache[word] = out
        return dict(got)

    def language_scores(self, words: list[str]) -> np.ndarray:
        """Summed Zipf frequency of ``words`` in each language (indexed like ``lang_names``)."""
        if not words:
            return np.zeros(len(self.lang_names))
        pairs = [p for w in words for p in self._keys(w)]
        h = np.fromiter((p[0] for p in pairs), dtype=np.uint64, count=len(pairs))
        lo = np.searchsorted(self.keys, h, "left")
        hi = np.searchsorted(self.keys, h, "right")
        counts = hi - lo
        total = int(counts.sum())
        if not total:
            return np.zeros(len(self.lang_names))
        # every row of every key's [lo, hi) range, without a Python loop
        idx = np.arange(total) + np.repeat(lo - (np.cumsum(counts) - counts), counts)
        li = self.langs[idx].astype(np.int64)
        if len(pairs) > len(words):  # some word has per-language keys: keep each key's languages
            masks = np.repeat(np.fromiter((p[1] for p in pairs), dtype=np.int64, count=len(pairs)), counts)
            keep = ((masks >> self._group_arr[li]) & 1).astype(bool)
            idx, li = idx[keep], li[keep]
        return np.bincount(li, weights=self.zipfs[idx] / 10.0, minlength=len(self.lang_names))

    @staticmethod
    def build(path: Path) -> dict:
        """The index's arrays, also written to ``path`` when the cache directory takes them (an
        unwritable cache only costs the rebuild, about 10 s, next time)."""
        import wordfreq

        langs = sorted(wordfreq.available_languages(wordlist="best"))
        keys, lidx, zs = [], [], []
        max_bucket = int(round((9.0 - FOREIGN_MIN_ZIPF) * 100))
        for li, lang in enumerate(langs):
            for b, bucket in enumerate(wordfreq.get_frequency_list(lang, wordlist="best")):
                if b > max_bucket:
                    break
                z = int(round((9.0 - b / 100) * 10))
                for w in bucket:
                    keys.append(_hash(w))
                    lidx.append(li)
                    zs.append(z)
        k = np.array(keys, dtype=np.uint64)
        order = np.argsort(k, kind="stable")
        arrays = {"keys": k[order], "langs": np.array(lidx, np.uint8)[order],
                  "zipfs": np.array(zs, np.uint8)[order], "lang_names": np.array(langs)}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")  # per process: parallel builds do not clash
            np.savez(tmp, **arrays)
            os.replace(tmp, path)
        except OSError:
            pass
        return arrays


@lru_cache(maxsize=1)
def get_foreign_index() -> ForeignIndex:
    import wordfreq

    ver = getattr(wordfreq, "__version__", None) or _wordfreq_version()
    path = cache_dir() / f"foreign-index-v{_INDEX_FORMAT}-wordfreq{ver}-z{FOREIGN_MIN_ZIPF}.npz"
    try:
        return ForeignIndex(path)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return ForeignIndex(arrays=ForeignIndex.build(path))


def _wordfreq_version() -> str:
    from importlib.metadata import version

    return version("wordfreq")
