"""Character bigram models for the languages written without spaces (zh, ja).

A word list cannot see a garbled run of characters in Chinese or Japanese text: there are no
spaces to find the "word", and every character of the run is a real one. What gives the run away
is that its characters do not follow each other in the language — each is improbable after the
one before it *and* before the one after it. ``CharBigramLM`` gives that surprisal per character.

Artifacts: ``models/charlm/<lang>.npz``, written by ``models/build_charlm.py`` (news text minus
everything WMT22 holds, plus the bigrams inside wordfreq's words).

Invariants
----------
* ``surprisal(text)`` has one value per character of ``text``: the mean of the forward
  (``-ln P(c_i | c_{i-1})``) and backward (``-ln P(c_i | c_{i+1})``) surprisal under Witten-Bell
  interpolation with the unigram distribution; a line's ends count as BOS/EOS. Characters that
  are not Han or kana (punctuation, digits, Latin) get 0.0: other checks own them.
* Unknown characters get a finite surprisal (the unigram distribution reserves mass for them).
* ``homophones(c)``: the characters read like ``c`` among the 5,000 most frequent Han characters
  (zh: same pinyin without tones; ja: the same kana reading of the lone kanji); empty for
  characters outside the pool.
* A language without an artifact gives ``None`` from ``load_charlm``, never an exception.
"""
from __future__ import annotations

import hashlib
import io
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import regex

from .assets import embedded

__all__ = ["CharBigramLM", "load_charlm", "LANGS", "countable", "COUNTABLE_RUN"]

FORMAT_VERSION = 1
LANGS = ("zh", "ja")
BOS, EOS = "\x02", "\x03"
#: bigram key: (first code point << SHIFT) | second (code points fit 21 bits)
SHIFT = 21
DEFAULT_DIR = embedded("charlm")
_COUNTABLE = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}ー]")
COUNTABLE_RUN = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}ー]+")


def countable(ch: str) -> bool:
    """Whether the character models score ``ch`` (Han or kana)."""
    return _COUNTABLE.match(ch) is not None


class CharBigramLM:
    """Forward and backward character bigram probabilities of one language."""

    def __init__(self, data: bytes, name: str = "") -> None:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            a = {k: z[k] for k in z.files}
        self.header = json.loads(a["header"].tobytes().decode("utf-8"))
        if self.header.get("format") != FORMAT_VERSION:
            raise ValueError(f"{name}: charlm format {self.header.get('format')}, expected {FORMAT_VERSION}")
        self.lang: str = self.header["lang"]
        self.name = name or f"{self.lang}.npz"
        self.digest = hashlib.sha256(data).hexdigest()[:12]
        self._cp = a["chars"].astype(np.int64)             # sorted code points
        uni = a["unigram"].astype(np.float64)
        self._keys = a["bigram_keys"].astype(np.int64)       # sorted
        cnt = a["bigram"].astype(np.float64)
        n, v = uni.sum(), uni.size
        # index 0..v-1: known characters; index v: any unknown one
        self._pu = np.append(uni + 0.5, 0.5) / (n + 0.5 * (v + 1))
        first = np.searchsorted(self._cp, self._keys >> SHIFT)
        second = np.searchsorted(self._cp, self._keys & ((1 << SHIFT) - 1))
        self._cnt = cnt
        self._left_total = np.bincount(first, weights=cnt, minlength=v + 1)
        self._left_types = np.bincount(first, minlength=v + 1).astype(np.float64)
        self._right_total = np.bincount(second, weights=cnt, minlength=v + 1)
        self._right_types = np.bincount(second, minlength=v + 1).astype(np.float64)
        # code point -> row, one array lookup instead of a binary search per character (the
        # models' characters lie below U+30000: 0.8 MB)
        self._table = np.full(int(self._cp.max()) + 1 if self._cp.size else 1, v, dtype=np.int32)
        self._table[self._cp] = np.arange(v, dtype=np.int32)
        groups = a["homophones"].tobytes().decode("utf-8").split("\n") if "homophones" in a else []
        self._homophones = {c: g.replace(c, "") for g in groups if g for c in g}
        self._has_h = np.zeros(v + 1, dtype=bool)
        self._has_h[self._index(np.array([ord(c) for c in self._homophones], dtype=np.int64))] = True

    def has_homophones(self, cps: np.ndarray) -> np.ndarray:
        """For each code point: whether the model knows characters read like it."""
        return self._has_h[self._index(cps)]

    def homophones(self, ch: str) -> str:
        """The characters read like ``ch`` (its confusion set), "" when none are known."""
        return self._homophones.get(ch, "")

    def logprobs(self, prev: "str | np.ndarray", chars: "str | np.ndarray") -> np.ndarray:
        """ln P(c | p) under the forward model (Witten-Bell, as ``surprisal``) for each pair of
        ``prev`` and ``chars`` (strings of equal length, or code point arrays)."""
        a = np.array([ord(c) for c in prev], dtype=np.int64) if isinstance(prev, str) else prev
        b = np.array([ord(c) for c in chars], dtype=np.int64) if isinstance(chars, str) else chars
        i, j = self._index(a), self._index(b)
        return np.log(_witten_bell(self._pair_counts(a, b), self._left_total[i], self._left_types[i], self._pu[j]))

    @classmethod
    def from_file(cls, path: str | Path) -> "CharBigramLM":
        p = Path(path)
        return cls(p.read_bytes(), p.name)

    def _index(self, cps: np.ndarray) -> np.ndarray:
        """Row of each code point (``v``, the unknown row, for characters the model lacks)."""
        table = self._table
        inside = cps < table.size
        return np.where(inside, table[np.where(inside, cps, 0)], self._cp.size)

    def _pair_counts(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        k = (a << SHIFT) | b
        j = np.minimum(np.searchsorted(self._keys, k), max(self._keys.size - 1, 0))
        return np.where(self._keys.size and (self._keys[j] == k), self._cnt[j] if self._cnt.size else 0.0, 0.0)

    def surprisal(self, text: str) -> np.ndarray:
        """Per character of ``text``: mean forward/backward surprisal in nats (0.0 where the
        character is not Han or kana)."""
        if not text:
            return np.zeros(0)
        cps = np.array([ord(BOS)] + [ord(c) for c in text] + [ord(EOS)], dtype=np.int64)
        idx = self._index(cps)
        pair = self._pair_counts(cps[:-1], cps[1:])          # pair[j]: (cps[j], cps[j+1])
        pu = self._pu[idx]
        # forward: P(c_j | c_{j-1}) for j = 1..len; backward: P(c_j | c_{j+1}) for j = 0..len-1
        fwd = _witten_bell(pair, self._left_total[idx[:-1]], self._left_types[idx[:-1]], pu[1:])
        bwd = _witten_bell(pair, self._right_total[idx[1:]], self._right_types[idx[1:]], pu[:-1])
        s = (-np.log(fwd[:-1]) - np.log(bwd[1:])) / 2     # characters 1..len of cps = text
        mask = np.zeros(len(text), dtype=bool)
        for m in COUNTABLE_RUN.finditer(text):
            mask[m.start():m.end()] = True
        return np.where(mask, s, 0.0)


def _witten_bell(pair: np.ndarray, total: np.ndarray, types: np.ndarray, pu: np.ndarray) -> np.ndarray:
    """P(c | context) from the pair's count, the context's total and distinct continuations,
    and the unigram probability of c; the unigram alone for a context never seen."""
    t = total + types
    return np.where(t > 0, (pair + types * pu) / np.where(t > 0, t, 1.0), pu)


@lru_cache(maxsize=None)
def _load(path: str, mtime: int, size: int) -> CharBigramLM:
    return CharBigramLM.from_file(path)


def load_charlm(lang: str, directory: str | Path | None = None) -> CharBigramLM | None:
    """The embedded model of ``lang`` (or the one in ``directory``), None when there is none."""
    if lang not in LANGS and directory is None:
        return None
    p = Path(directory or DEFAULT_DIR) / f"{lang}.npz"
    try:
        st = p.stat()
    except OSError:
        return None
    return _load(str(p.resolve()), st.st_mtime_ns, st.st_size)

