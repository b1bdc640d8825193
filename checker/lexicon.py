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
import unicodedata
import zipfile
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np

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

_Z45, _Z35, _Z3, _Z25, _Z2 = (10 ** (z - 9.0) for z in (4.5, 3.5, 3.0, 2.5, 2.0))  # Zipf values as raw frequencies

#: words below this Zipf value in their language are not indexed as "common words" there
FOREIGN_MIN_ZIPF = 3.0
_INDEX_FORMAT = 1


def norm(word: str) -> str:
    """The lookup form of a word: NFC, case-folded, typographic apostrophe made plain. A dotted
    capital İ lowers to i (Turkish, Azeri), not to i plus a combining dot."""
    if word.isascii():
        return word.lower()
    return unicodedata.normalize("NFC", word.replace("İ", "i")).casefold().replace("’", "'")


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
        # 'best' = the large list where wordfreq has one; values are frequencies in (0, 1)
        self._freq: dict[str, float] = wordfreq.get_frequency_dict(lang, wordlist="best")
        self._sorted: list[str] | None = None
        self._endings: Counter[str] | None = None

    def zipf(self, word: str) -> float:
        f = self._freq.get(norm(word))
        return 0.0 if not f else round(math.log10(f) + 9.0, 2)

    def freq(self, normed: str) -> float:
        """Raw frequency of an already normalised word (0.0 when unknown); the hot-path lookup."""
        return self._freq.get(normed, 0.0)

    def __contains__(self, word: str) -> bool:
        return norm(word) in self._freq

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
        w = norm(word)
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
        w = norm(word)
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
        w = norm(word)
        if len(w) < 4:
            return None
        words = self._sorted_words()
        i = bisect.bisect_left(words, w)
        best, best_f = None, 0.0
        for cand in words[i:i + limit]:
            if not cand.startswith(w):
                break
            if len(cand) >= len(w) + 2:
                f = self._freq[cand]
                if f > best_f:
                    best, best_f = cand, f
        return (best, round(math.log10(best_f) + 9.0, 2)) if best else None

    def compound_of(self, word: str, min_part: int = 4) -> tuple[str, ...] | None:
        """Split ``word`` into two or three known words (with an optional linking s/e/n), or None."""
        w = norm(word)
        if len(w) < 2 * min_part:
            return None
        return self._split(w, min_part, 3)

    def half_foreign(self, word: str, other: "Lexicon", min_part: int = 4) -> tuple[str, str] | None:
        """A compound glued from a word of this language and a common word of ``other`` that is
        no word here (an MT system's half-translated compound: ``Markenpartnering``), as
        (first part, second part) in written order, or None. The foreign part has at least five
        letters: short words of any language are too easily found inside a long word."""
        w = norm(word)
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


def _part_floor(n: int) -> float:
    return _Z45 if n < 4 else (_Z3 if n < 5 else _Z25)


@lru_cache(maxsize=None)  # one per language used: bounded by the supported languages
def get_lexicon(lang: str) -> Lexicon:
    return Lexicon(lang)


class ForeignIndex:
    """Common words (Zipf >= FOREIGN_MIN_ZIPF) of every wordfreq language, keyed by a 64-bit hash."""

    def __init__(self, path: Path | None = None, arrays: dict | None = None):
        data = np.load(path, mmap_mode="r") if arrays is None else arrays
        self.keys = data["keys"]
        self.langs = data["langs"]
        self.zipfs = data["zipfs"]
        self.lang_names: list[str] = [str(x) for x in data["lang_names"]]

    def lookup(self, word: str) -> dict[str, float]:
        """{language: zipf} for every language in which ``word`` is a common word."""
        h = np.uint64(_hash(norm(word)))
        lo = int(np.searchsorted(self.keys, h, "left"))
        hi = int(np.searchsorted(self.keys, h, "right"))
        return {self.lang_names[int(self.langs[i])]: int(self.zipfs[i]) / 10 for i in range(lo, hi)}

    def language_scores(self, words: list[str]) -> np.ndarray:
        """Summed Zipf frequency of ``words`` in each language (indexed like ``lang_names``)."""
        if not words:
            return np.zeros(len(self.lang_names))
        h = np.fromiter((_hash(norm(w)) for w in words), dtype=np.uint64, count=len(words))
        lo = np.searchsorted(self.keys, h, "left")
        hi = np.searchsorted(self.keys, h, "right")
        idx = np.concatenate([np.arange(a, b) for a, b in zip(lo, hi)]) if (hi > lo).any() else np.zeros(0, int)
        return np.bincount(self.langs[idx].astype(np.int64), weights=self.zipfs[idx] / 10.0,
                           minlength=len(self.lang_names))

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
