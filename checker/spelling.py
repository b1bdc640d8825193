"""What a misspelling was meant to be: a noisy-channel search for the intended word.

Real misspellings (learner and web text, MT output) are mostly one or two *cheap* edits away from
a common word: a dropped or wrong diacritic (``kamaradky`` → ``kamarádky``, ``tyden`` → ``týden``),
a doubled, dropped or swapped letter, a neighbouring key, a sound-alike letter (Czech ``i``/``y``,
Ukrainian ``и``/``і``). Rare real words (inflections, compounds, terms) are usually far from any
common word. So for an unknown or rare word we look for the candidate ``w`` that maximises

    zipf(w) − cost(word → w)

where ``cost`` is a weighted edit distance in the same log10 units as Zipf frequencies (an edit
that real typists make often is cheap). The result is evidence, not a verdict: the detector
weighs it against the other signals.

Candidates come from these places, all exact dictionary lookups (no fuzzy scan of the lexicon):

* the **diacritic variant**: the most frequent word with the same *skeleton* (the word with its
  combining marks removed, casefolded) — diacritic restoration as a first-class candidate;
* one edit of the word (delete, transpose, replace, insert over the language's alphabet);
* one edit of the skeleton, looked up in the skeleton index: one real edit plus any number of
  diacritic slips (``prochazku`` → ``procházku``, ``zejmave`` → ``zajímavé`` is two);
* a stuttered syllable taken out (``запитатати`` → ``запитати``), one slip;
* where a full-form dictionary is installed (uk, ru) and the word is in neither list: its forms
  one edit away (``протвейном`` → ``портвейном``), rated by their lemma's frequency, since the
  rare inflection a typist meant is often missing from the frequency list.

Invariants: the same word gives the same candidates in every process (candidates are visited in
sorted order, ties keep the first); a candidate is never the word itself; costs are ≥ 0 and
additive over edits; ``skeleton`` is idempotent.
"""
from __future__ import annotations

import json
import logging
import math
import os
import unicodedata
import zipfile
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .lexicon import Lexicon, cache_dir, get_lexicon, norm
from .morphology import known_form, lemma_of, near_forms

_SMALL_TABLE = 5000
#: candidates below this Zipf value are not proposed (the intended word of a typo is a word
#: people write; the lexicon's long tail is full of other typos)
MIN_CANDIDATE_ZIPF = 1.5
_FORMAT = 4  # 4: keys are _hashes (vectorised), not two CRC-32s

# Edit costs in log10 units (a Zipf point is a factor of 10 in frequency). A dropped diacritic
# is by far the most common real slip; an arbitrary letter substitution the least likely.
COST_DIACRITIC = 0.6
COST_PHONETIC = 1.2
COST_DOUBLE = 1.2  # a letter doubled or a double written single
COST_KEYBOARD = 1.6
COST_TRANSPOSE = 1.6
COST_INDEL = 2.0
COST_SUBSTITUTE = 2.2

# Keyboard rows (lower case); neighbours are left/right on a row and the keys above/below.
_LAYOUTS = {
    "qwerty": ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"),
    "qwertz": ("1234567890", "qwertzuiop", "asdfghjkl", "yxcvbnm"),
    "azerty": ("1234567890", "azertyuiop", "qsdfghjklm", "wxcvbn"),
    "jcuken": ("1234567890", "йцукенгшщзхї", "фівапролджє", "ячсмитьбю"),
    "jcuken_ru": ("1234567890", "йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю"),
}
_LAYOUT_OF = {"de": "qwertz", "cs": "qwertz", "sk": "qwertz", "pl": "qwertz", "hu": "qwertz",
              "sl": "qwertz", "sh": "qwertz", "fr": "azerty", "uk": "jcuken", "ru": "jcuken_ru",
              "bg": "jcuken_ru", "mk": "jcuken_ru"}

# Letters that sound alike in the language (unordered pairs). Pairs that differ only in a
# diacritic are already cheap and need not be listed.
_PHONETIC = {
    "cs": ("iy", "sz", "dt", "bp", "vf", "gk", "hc"),
    "sk": ("iy", "sz", "dt", "bp", "vf"),
    "pl": ("uó", "hc", "żz", "rż"),
    "de": ("dt", "bp", "gk", "fv", "sz", "ie"),
    "nl": ("dt", "ij", "fv", "sz", "gc"),
    "en": ("ie", "ae", "sc", "sz", "ck", "ea", "ou"),
    "es": ("bv", "yl", "sz", "cz", "cs", "ie", "gj", "ck"),
    "pt": ("sz", "çs", "ei", "ou", "xs", "gj"),
    "fr": ("ea", "sc", "éa", "mn", "td"),
    "it": ("ei", "ou", "cg", "zs"),
    "ro": ("ăa", "âî", "ei"),
    "tr": ("ıi", "ei", "ou"),
    "sv": ("eä", "oå", "ck"),
    "uk": ("иі", "еє", "гґ", "ие", "оа", "зс", "дт", "шщ"),
    "ru": ("иы", "еи", "ао", "ея", "зс", "дт", "шщ", "ьъ"),
    "bg": ("ъа", "ео", "ия"),
}

# Letters that lose their marks only under compatibility folding or not at all in NFD.
_EXTRA_FOLD = str.maketrans({"ł": "l", "đ": "d", "ħ": "h", "ı": "i", "ø": "o", "ŀ": "l", "ґ": "г"})

_log = logging.getLogger(__name__)


def skeleton(word: str) -> str:
    """The word without diacritics, casefolded: ``Kamarádky`` → ``kamaradky``, ``їжак`` → ``іжак``."""
    if word.isascii():
        return word.lower()
    d = unicodedata.normalize("NFD", word.casefold())
    return "".join(c for c in d if not unicodedata.combining(c)).translate(_EXTRA_FOLD)


def _zipf(freq: float) -> float:
    return round(math.log10(freq) + 9.0, 2) if freq > 0 else 0.0


@dataclass(frozen=True, slots=True)
class Candidate:
    """A word the typist probably meant, with the cost of the slip that would produce the text."""

    word: str
    zipf: float
    cost: float
    #: the cheapest kind of edit involved: diacritic, phonetic, double, keyboard, transpose,
    #: insert, delete, substitute (the most expensive one when there are several)
    edit: str

    @property
    def score(self) -> float:
        """Zipf of the intended word minus the slip's cost: high = a likely typo of ``word``."""
        return round(self.zipf - self.cost, 3)


class SkeletonTable:
    """skeleton -> its most frequent word, for the skeletons whose best word has diacritics.

    A skeleton whose best word is the skeleton itself (every English word) is not stored: the
    lexicon answers for it. Stored as sorted 64-bit hashes with the words in one UTF-8 blob, so
    loading from the cache is a file read, not the unpickling of a dict of 300,000 strings.
    """

    def __init__(self, keys: np.ndarray, offsets: np.ndarray, blob: bytes, small: dict[str, str] | None = None):
        self.keys, self.offsets, self.blob = keys, offsets, blob
        # a small table (English has a few hundred entries: café, naïve) is a plain dict keyed
        # by the skeleton itself, so the hot path hashes nothing
        self._small: dict[str, str] | None = small if len(keys) <= _SMALL_TABLE else None

    @classmethod
    def from_dict(cls, table: dict[str, str]) -> "SkeletonTable":
        ks = list(table)
        items = sorted(zip(_hashes(ks).tolist(), (table[k] for k in ks)))
        keys = np.array([h for h, _ in items], dtype=np.uint64)
        data = [v.encode("utf-8") for _, v in items]
        offsets = np.zeros(len(data) + 1, dtype=np.uint32)
        offsets[1:] = np.cumsum([len(d) for d in data], dtype=np.uint64)
        return cls(keys, offsets, b"".join(data), dict(table) if len(table) <= _SMALL_TABLE else None)

    def get(self, skel: str) -> str | None:
        if self._small is not None:
            return self._small.get(skel)
        h = np.uint64(_hash(skel))
        i = int(np.searchsorted(self.keys, h))
        if i < len(self.keys) and self.keys[i] == h:
            return self.blob[self.offsets[i]:self.offsets[i + 1]].decode("utf-8")
        return None

    def values_of(self, skels: set[str]) -> list[str]:
        """The words of those of ``skels`` that are in the table (in no particular order)."""
        small = self._small
        if small is not None:
            return [small[x] for x in small.keys() & skels]
        if not len(self.keys) or not skels:
            return []
        h = np.sort(_hashes(list(skels)))  # sorted queries: numpy's search reuses each bound
        idx = np.minimum(np.searchsorted(self.keys, h), len(self.keys) - 1)
        found = idx[self.keys[idx] == h]  # a handful of a thousand: decode only those
        blob = self.blob
        return [blob[a:b].decode("utf-8") for a, b in zip(self.offsets[found].tolist(), self.offsets[found + 1].tolist())]

    def __len__(self) -> int:
        return len(self.keys)


# letters the full-form dictionaries spell with that are not letters to str.isalpha()
_APOSTROPHE = {"uk": "'"}

#: finished candidate searches kept per language (a few MB at most; cleared when full)
MEMO_SIZE = 20_000


class SpellIndex:
    """Per-language lookup tables for the channel search (skeleton table, alphabets, costs)."""

    def __init__(self, lang: str, lexicon: Lexicon, skeletons: SkeletonTable | dict[str, str]):
        self.lang = lang
        self.lex = lexicon
        #: skeleton -> its most frequent word where that word has diacritics
        self.skeletons = skeletons if isinstance(skeletons, SkeletonTable) else SkeletonTable.from_dict(skeletons)
        self._floor = 10 ** (MIN_CANDIDATE_ZIPF - 9.0)
        letters: set[str] = set()
        for w in lexicon.words(min_zipf=4.0):
            letters.update(c for c in w if c.isalpha())
        self.alphabet = "".join(sorted(letters))
        self.skel_alphabet = "".join(sorted({skeleton(c) for c in letters if skeleton(c).isalpha()}))
        rows = _LAYOUTS.get(_LAYOUT_OF.get(lang, "qwerty"), _LAYOUTS["qwerty"])
        self._keys: set[tuple[str, str]] = set()
        for r, row in enumerate(rows):
            for i, ch in enumerate(row):
                near = [row[i - 1] if i else "", row[i + 1] if i + 1 < len(row) else ""]
                for other in (rows[r - 1] if r else "", rows[r + 1] if r + 1 < len(rows) else ""):
                    near += [other[j] for j in (i - 1, i, i + 1) if 0 <= j < len(other)]
                self._keys.update((ch, n) for n in near if n)
        self._phon = {frozenset(p) for p in _PHONETIC.get(lang, ())}
        self._sub: dict[str, tuple[float, str]] = {}
        # news repeats its unknown words (names, terms): a bounded memo of finished searches
        self._memo: dict[tuple[str, int], list[Candidate]] = {}
        self._pools: dict[str, tuple] = {}
        # a full-form dictionary (uk, ru) knows the rare inflections frequency lists miss
        self._known = known_form(lang)
        self._near = near_forms(lang, self.alphabet + _APOSTROPHE.get(lang, ""))

    # --- costs ------------------------------------------------------------------------------
    def sub_cost(self, a: str, b: str) -> tuple[float, str]:
        key = a + b
        got = self._sub.get(key)
        if got is None:
            got = self._sub[key] = self._sub_cost(a, b)
        return got

    def _sub_cost(self, a: str, b: str) -> tuple[float, str]:
        if skeleton(a) == skeleton(b):
            return COST_DIACRITIC, "diacritic"
        if frozenset((a, b)) in self._phon or frozenset((skeleton(a), skeleton(b))) in self._phon:
            return COST_PHONETIC, "phonetic"
        if (skeleton(a), skeleton(b)) in self._keys:
            return COST_KEYBOARD, "keyboard"
        return COST_SUBSTITUTE, "substitute"

    def cost(self, written: str, meant: str) -> tuple[float, str]:
        """Weighted optimal-string-alignment distance from ``meant`` to ``written`` and the most
        expensive edit kind on the cheapest path (ties: the first of substitution, deletion,
        insertion, transposition, as tried below; a path's label changes to a new edit only
        if that edit costs at least as much as the label's)."""
        a, b = meant, written
        la, lb = len(a), len(b)
        rank = _COST_OF
        sub = self.sub_cost
        # the typist left out a[i-1] / added b[j-1]: a doubled letter is a cheaper slip
        dela = [(COST_DOUBLE, "double") if (i >= 2 and a[i - 2] == a[i - 1]) or (i < la and a[i] == a[i - 1])
                else (COST_INDEL, "delete") for i in range(1, la + 1)]
        insb = [(COST_DOUBLE, "double") if (j >= 2 and b[j - 2] == b[j - 1]) or (j < lb and b[j] == b[j - 1])
                else (COST_INDEL, "insert") for j in range(1, lb + 1)]
        D = [[0.0] * (lb + 1) for _ in range(la + 1)]
        K = [[""] * (lb + 1) for _ in range(la + 1)]
        for i in range(la + 1):
            Di, Ki = D[i], K[i]
            Du, Ku = (D[i - 1], K[i - 1]) if i else (None, None)
            for j in range(lb + 1):
                if not i and not j:
                    continue
                bc, bk = 1e9, ""
                if i and j:
                    if a[i - 1] == b[j - 1]:
                        bc, bk = Du[j - 1], Ku[j - 1]
                    else:
                        c, k = sub(a[i - 1], b[j - 1])
                        pk = Ku[j - 1]
                        t = Du[j - 1] + c
                        if t < bc:
                            bc, bk = t, (k if not pk or c >= rank.get(pk, 0.0) else pk)
                if i:
                    c, k = dela[i - 1]
                    pk = Ku[j]
                    t = Du[j] + c
                    if t < bc:
                        bc, bk = t, (k if not pk or c >= rank.get(pk, 0.0) else pk)
                if j:
                    c, k = insb[j - 1]
                    pk = Ki[j - 1]
                    t = Di[j - 1] + c
                    if t < bc:
                        bc, bk = t, (k if not pk or c >= rank.get(pk, 0.0) else pk)
                if i >= 2 and j >= 2 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1] and a[i - 1] != a[i - 2]:
                    pk = K[i - 2][j - 2]
                    t = D[i - 2][j - 2] + COST_TRANSPOSE
                    if t < bc:
                        bc, bk = t, ("transpose" if not pk or COST_TRANSPOSE >= rank.get(pk, 0.0) else pk)
                Di[j], Ki[j] = bc, bk
        return round(D[la][lb], 3), K[la][lb]

    # --- search -----------------------------------------------------------------------------
    def _best_of_skeleton(self, skel: str) -> str | None:
        v = self.skeletons.get(skel)
        if v is None and self.lex.freq(skel) >= self._floor:
            v = skel
        return v

    def variant(self, word: str) -> tuple[str, float] | None:
        """The most frequent word spelt like ``word`` but for its diacritics, or None."""
        n = norm(word)
        v = self._best_of_skeleton(skeleton(n))
        if v is None or v == n:
            return None
        return v, _zipf(self.lex.freq(v))

    def candidates(self, word: str, limit: int = 8) -> list[Candidate]:
        """Likely intended words for ``word``, best (highest ``score``) first."""
        key = (word, limit)
        got = self._memo.get(key)
        if got is None:
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            got = self._memo[key] = self._candidates(word, limit)
        return list(got)

    def _candidates(self, word: str, limit: int) -> list[Candidate]:
        pool = self._pools.get(word)
        if pool is None:
            # the same word is searched for the detector (limit 1) and, if flagged, for its
            # suggestions (limit 12): the pool of candidates is gathered once for both
            if len(self._pools) >= MEMO_SIZE:
                self._pools.clear()
            pool = self._pools[word] = self._pool(word)
        n, s, found, special = pool
        if not found:
            return []
        # cheapest possible slip costs COST_DIACRITIC, so once a candidate's Zipf minus that
        # cannot beat the limit-th best score, no later (rarer) candidate can: stop computing
        out: list[Candidate] = []
        for w in sorted(found, key=lambda x: (-found[x], x)):
            z = _zipf(found[w])
            if len(out) >= limit and z - COST_DIACRITIC < out[limit - 1].score:
                break
            # a cheaper bound first: any slip that changes the skeleton costs at least
            # COST_PHONETIC, each letter more or less at least COST_DOUBLE
            lb = max(COST_PHONETIC if skeleton(w) != s else COST_DIACRITIC, abs(len(w) - len(n)) * COST_DOUBLE)
            if w not in special and len(out) >= limit and z - lb < out[limit - 1].score:
                continue
            cst, kind = special[w] if w in special else self.cost(n, w)
            out.append(Candidate(w, z, cst, kind))
            out.sort(key=lambda c: (-c.score, c.word))
        return out[:limit]

    def _pool(self, word: str) -> tuple[str, str, dict[str, float], dict[str, tuple[float, str]]]:
        """(normalised word, its skeleton, {candidate: frequency}, {candidate: (cost, kind)} for
        the slips priced without the alignment)."""
        n = norm(word)
        if len(n) < 2 or len(n) > 40:  # bounded work: the edit search grows with the length
            return n, "", {}, {}
        floor = self._floor
        freq = self.lex.frequencies.get
        found: dict[str, float] = {}
        s = skeleton(n)
        v = self._best_of_skeleton(s)
        if v is not None and v != n:
            found[v] = freq(v, 0.0)
        # one edit of the skeleton: one real slip plus any number of diacritic slips. Each
        # edited skeleton stands for its most frequent word (from the table when that word has
        # diacritics, else the lexicon), so one pass over a small alphabet covers both.
        # (the order of the edits does not matter: the candidates are ranked by a total order)
        es = _edits1(s, self.skel_alphabet)
        for w in self.skeletons.values_of(es):
            if w != n and w not in found:
                found[w] = freq(w, 0.0)
        for c in self.lex.frequencies.keys() & es:  # a table value never equals its skeleton
            f = freq(c, 0.0)
            if f >= floor and c != n:
                found[c] = f
        special: dict[str, tuple[float, str]] = {}
        # a stuttered syllable ('запитатати', 'sommemer') is one slip, not two or three edits
        for size in (2, 3):
            for i in range(len(n) - 2 * size + 1):
                if n[i:i + size] == n[i + size:i + 2 * size]:
                    c = n[:i + size] + n[i + 2 * size:]
                    f = freq(c, 0.0)
                    if c not in found and (f >= floor or (f == 0.0 and self._known and self._known(c))):
                        found[c], special[c] = max(f, floor), (COST_INDEL, "double")
        if self._near is not None and freq(n, 0.0) == 0.0 and not self._known(n):
            # one edit to a dictionary form the frequency list lacks: rated by its lemma, an
            # inflected form taken as ten times rarer than the lemma, never below the floor
            for c in self._near(n):
                if c not in found:
                    lemma = lemma_of(self.lang, c)
                    found[c] = max(floor, freq(lemma, 0.0) / 10 if lemma else 0.0)
        return n, s, found, special

    def best(self, word: str) -> Candidate | None:
        c = self.candidates(word, limit=1)
        return c[0] if c else None


_COST_OF = {"diacritic": COST_DIACRITIC, "phonetic": COST_PHONETIC, "double": COST_DOUBLE,
            "keyboard": COST_KEYBOARD, "transpose": COST_TRANSPOSE, "insert": COST_INDEL,
            "delete": COST_INDEL, "substitute": COST_SUBSTITUTE}


def damerau(a: str, b: str) -> int:
    """Optimal-string-alignment edit distance."""
    la, lb = len(a), len(b)
    prev2: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        for j in range(1, lb + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[lb]


def edits1(word: str, alphabet: str) -> list[str]:
    """Every string one delete, transposition, replacement or insertion away, sorted (so any
    walk over them is the same in every process)."""
    return sorted(_edits1(word, alphabet))


def _edits1(word: str, alphabet: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in alphabet}
    out |= {a + c + b for a, b in splits for c in alphabet}
    out.discard(word)
    return out


# powers of an odd 64-bit multiplier, one per character position (words are at most ~40
# characters; longer strings reuse the powers cyclically)
_POW = np.cumprod(np.full(64, 0x9E3779B97F4A7C15, dtype=np.uint64), dtype=np.uint64)


_POW_INT = [int(x) for x in _POW]
_M64 = (1 << 64) - 1


def _hash(word: str) -> int:
    """_hashes of one string, in plain integers (the array machinery costs more than the hash)."""
    h = sum(ord(c) * _POW_INT[i % 64] for i, c in enumerate(word)) & _M64
    h ^= h >> 30
    h = (h * 0xBF58476D1CE4E5B9) & _M64
    h ^= h >> 27
    h = (h * 0x94D049BB133111EB) & _M64
    return h ^ (h >> 31)


def _hashes(words: list[str]) -> np.ndarray:
    """Stable 64-bit hashes of many strings at once, the same in every process and batch:
    sum(code point_i * M^(i+1)) mod 2^64, then mixed (splitmix64's finaliser). Vectorised,
    because a spelling search hashes a thousand edits of a word (two CRC-32s each in Python
    took most of a Ukrainian or Czech scan)."""
    if not words:
        return np.zeros(0, dtype=np.uint64)
    lens = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    cps = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    starts = np.cumsum(lens) - lens
    pos = np.arange(cps.size) - np.repeat(starts, lens)
    h = np.zeros(len(words), dtype=np.uint64)
    full = lens > 0
    with np.errstate(over="ignore"):
        if cps.size:
            h[full] = np.add.reduceat(cps * _POW[pos % _POW.size], starts[full])
        h ^= h >> np.uint64(30)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(27)
        h *= np.uint64(0x94D049BB133111EB)
        h ^= h >> np.uint64(31)
    return h


def _build_skeletons(lex: Lexicon) -> dict[str, str]:
    floor = 10 ** (MIN_CANDIDATE_ZIPF - 9.0)
    best: dict[str, tuple[float, str]] = {}
    for w, f in lex.frequencies.items():
        if f < floor or not w.replace("-", "").replace("'", "").isalpha():
            continue
        s = skeleton(w)
        cur = best.get(s)
        if cur is None or f > cur[0] or (f == cur[0] and w < cur[1]):
            best[s] = (f, w)
    return {s: w for s, (_, w) in best.items() if w != s}


@lru_cache(maxsize=None)  # per language: bounded by the supported languages
def get_spell_index(lang: str) -> SpellIndex:
    """The language's index; the skeleton table is cached on disk (built in about a second)."""
    from importlib.metadata import version

    lex = get_lexicon(lang)
    path = cache_dir() / f"skeletons-v{_FORMAT}-wordfreq{version('wordfreq')}-z{MIN_CANDIDATE_ZIPF}-{lang}.npz"
    table = None
    try:
        with np.load(path) as z:
            small = json.loads(z["small"].tobytes().decode("utf-8")) if "small" in z.files else None
            table = SkeletonTable(z["keys"], z["offsets"], z["blob"].tobytes(), small)
            if len(table.keys) <= _SMALL_TABLE and small is None:
                table = None  # written by an older version: rebuild
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        pass
    if table is None:
        table = SkeletonTable.from_dict(_build_skeletons(lex))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
            small = json.dumps(table._small or {}, ensure_ascii=False).encode("utf-8")
            np.savez(tmp, keys=table.keys, offsets=table.offsets, blob=np.frombuffer(table.blob, dtype=np.uint8),
                     small=np.frombuffer(small, dtype=np.uint8))
            os.replace(tmp, path)
        except OSError:
            # a read-only cache only costs the rebuild next time; say so once, it explains slow starts
            _log.warning("cannot write the spelling index cache in %s: it is rebuilt in every process", path.parent)
    return SpellIndex(lang, lex, table)


__all__ = ["Candidate", "SpellIndex", "get_spell_index", "skeleton", "edits1", "damerau", "MIN_CANDIDATE_ZIPF"]
