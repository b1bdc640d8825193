"""Embedded word trigram language model (modified Kneser–Ney, pruned, stored in backoff form).

Artifacts are ``<lang>.npz`` files written by ``models/train_ngram.py``: plain numpy arrays
(no pickles) plus a JSON header. N-gram keys are packed integers (``(u*V + v)*V + w``) kept
sorted, so every lookup is a vectorised ``np.searchsorted``.
"""
from __future__ import annotations

import hashlib
import io
import json
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import regex

from checker.assets import embedded
from checker.lm.base import LanguageModel

__all__ = ["NgramLM", "load_ngram", "artifact_name", "lm_words", "normalize_word", "DEFAULT_DIR",
           "UNK", "BOS", "EOS", "FORMAT_VERSION"]

DEFAULT_DIR = embedded("ngram")
#: artifact (and training corpus) names that differ from the checker's language code: wordfreq
#: folds Croatian into Serbo-Croatian "sh", the news corpus calls it "hr"
ARTIFACT_NAMES = {"sh": "hr"}
FORMAT_VERSION = 1
UNK, BOS, EOS = 0, 1, 2
SPECIALS = ("<unk>", "<s>", "</s>")

# Han/kana characters are tokens of their own (no spaces to split on); ー and 々 belong with them.
_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}ー々"
_WORD_RE = regex.compile(
    rf"[{_CJK}]|[\w--{_CJK}]+(?:['’\-][\w--{_CJK}]+)*", regex.V1)


def normalize_word(word: str, lang: str | None = None) -> str:
    """The form a word has in the model's vocabulary (casefolded, ’ unified with '). With the
    model's ``lang``, also the letter-for-letter steps of wordfreq's normalisation for it
    (checker.normalise.letter_table): Serbian Cyrillic looked up in the Latin Serbo-Croatian
    model, Romanian cedilla s/t as the comma letters its corpus writes."""
    w = word.casefold()
    if lang is None or w.isascii():
        return w.replace("’", "'")
    t = _LETTERS.get(lang)
    if t is None:
        from checker.normalise import letter_table

        t = _LETTERS[lang] = letter_table(lang)
    return w.translate(t)


_LETTERS: dict[str, dict[int, str]] = {}


def lm_words(text: str) -> list[str]:
    """Tokenise ``text`` the way the model was trained: words only, casefolded."""
    return [normalize_word(w) for w in _WORD_RE.findall(text)]


def _find(keys: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(found mask, index) of ``queries`` in the sorted ``keys``; index is valid where found."""
    if keys.size == 0:
        z = np.zeros(np.shape(queries), dtype=np.int64)
        return z.astype(bool), z
    idx = np.minimum(np.searchsorted(keys, queries), keys.size - 1)
    return keys[idx] == queries, idx


def _decode_ids(lo: np.ndarray, hi: np.ndarray, group_sizes: np.ndarray) -> np.ndarray:
    """Inverse of the trainer's ``encode_ids``: byte planes of within-group deltas → ids."""
    cs = np.cumsum(lo.astype(np.int64) | (hi.astype(np.int64) << 8))
    starts = np.cumsum(group_sizes) - group_sizes
    base = np.concatenate(([0], cs))[starts]
    return cs - np.repeat(base, group_sizes)


def _decode_counts(codes: np.ndarray, big_idx: np.ndarray, big_val: np.ndarray) -> np.ndarray:
    out = codes.astype(np.int64)
    out[big_idx.astype(np.int64)] = big_val
    return out


def _dequant(codes: np.ndarray, book: np.ndarray) -> np.ndarray:
    return book[codes].astype(np.float32)


class NgramLM(LanguageModel):
    """Word trigram LM; words are casefolded, unknown words share an ``<unk>`` mass.

    An unknown word gets ``log P(<unk> | history) - log(unk_types)``, i.e. the ``<unk>`` mass
    spread evenly over the out-of-vocabulary types seen in training, so that a misspelling is
    not scored like a frequent word.
    """

    def __init__(self, arrays: Mapping[str, np.ndarray], name: str | None = None) -> None:
        header = json.loads(bytes(arrays["header"]).decode("utf-8"))
        if header.get("format") != FORMAT_VERSION:
            raise ValueError(f"unsupported n-gram artifact format {header.get('format')!r}")
        self.header: dict = header
        self.lang = header["lang"]
        self.name = name or f"ngram-{self.lang}"
        words = bytes(arrays["vocab"]).decode("utf-8").split("\n") if arrays["vocab"].size else []
        self.words: list[str] = list(SPECIALS) + words
        self.V = V = len(self.words)
        self._ids: dict[str, int] = {w: i for i, w in enumerate(self.words)}
        for s in SPECIALS:  # specials are never matched by surface words
            del self._ids[s]
        #: log(#OOV types in training): what an unknown word pays on top of log P(<unk> | history)
        self.unk_penalty = float(np.log(max(int(header["unk_types"]), 1)))

        self._ucount = arrays["uni_count"].astype(np.int64)
        self._ulp = _dequant(arrays["uni_lp"], arrays["book_uni_lp"])
        self._ubow = _dequant(arrays["uni_bow"], arrays["book_uni_bow"])

        bi_n = arrays["bi_n"].astype(np.int64)
        first = np.repeat(np.arange(V, dtype=np.int64), bi_n)
        self._bk = first * V + _decode_ids(arrays["bi_w_lo"], arrays["bi_w_hi"], bi_n)
        self._blp = _dequant(arrays["bi_lp"], arrays["book_bi_lp"])
        self._bbow = _dequant(arrays["bi_bow"], arrays["book_bi_bow"])
        self._bcount = _decode_counts(arrays["bi_count"], arrays["bi_count_big_idx"],
                                      arrays["bi_count_big_val"])

        tri_n = _decode_counts(arrays["tri_n"], arrays["tri_n_big_idx"], arrays["tri_n_big_val"])
        ctx = np.repeat(self._bk, tri_n)
        self._tk = ctx * V + _decode_ids(arrays["tri_w_lo"], arrays["tri_w_hi"], tri_n)
        self._tlp = _dequant(arrays["tri_lp"], arrays["book_tri_lp"])
        self._cand = np.arange(len(SPECIALS), V, dtype=np.int64)

    # ---------------------------------------------------------------- loading
    @classmethod
    def from_file(cls, path: str | Path) -> "NgramLM":
        """Load one ``<lang>.npz`` artifact."""
        data = Path(path).read_bytes()
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        lm = cls(arrays)
        lm.name = f"ngram-{lm.lang}@{hashlib.sha256(data).hexdigest()[:8]}"
        return lm

    @classmethod
    def from_pretrained(cls, name_or_path: str | Path = DEFAULT_DIR,
                        lang: str = "en") -> "NgramLM":
        """Load ``<name_or_path>/<lang>.npz``, else the file ``load_ngram`` would pick for ``lang``
        there (``sh`` → ``hr.npz``, ``pt-BR`` → ``pt.npz``), or ``name_or_path`` itself if it is a file."""
        p = Path(name_or_path)
        path = p if p.suffix == ".npz" else p / f"{lang}.npz"
        if p.suffix != ".npz" and not path.is_file():
            path = p / f"{artifact_name(lang)}.npz"
        if not path.is_file():
            raise FileNotFoundError(f"no n-gram model for {lang!r} at {path}")
        return cls.from_file(path)

    # ---------------------------------------------------------------- ids & core scoring
    def word_id(self, word: str) -> int:
        """Vocabulary id of ``word`` (``UNK`` when unknown)."""
        return self._ids.get(normalize_word(word, self.lang), UNK)

    def logprob_ids(self, h2: np.ndarray | int, h1: np.ndarray | int,
                    w: np.ndarray | int) -> np.ndarray:
        """log P(w | h2 h1) for broadcastable id arrays; ``h2 < 0`` means only ``h1`` is known.

        ``<unk>`` is scored as the whole unknown-word class (no per-type penalty here).
        """
        V = self.V
        h2 = np.asarray(h2, dtype=np.int64)
        h1 = np.asarray(h1, dtype=np.int64)
        w = np.asarray(w, dtype=np.int64)
        f2, i2 = _find(self._bk, h1 * V + w)
        lp = np.where(f2, self._blp[i2], self._ubow[h1] + self._ulp[w])
        ctx = h2 * V + h1  # negative (never found) when h2 < 0
        fc, ic = _find(self._bk, ctx)
        bow = np.where(fc, self._bbow[ic], np.float32(0.0))
        f3, i3 = _find(self._tk, ctx * V + w)
        return np.where(f3, self._tlp[i3], lp + bow)

    def histories(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(h2, h1) for each position of a sentence, with the start symbol before it."""
        padded = np.concatenate(([-1, BOS], ids))
        return padded[:-2], padded[1:-1]

    # ---------------------------------------------------------------- LanguageModel API
    def token_logprobs(self, words: Sequence[str]) -> list[float]:
        if not words:
            return []
        ids = np.fromiter((self._ids.get(normalize_word(x, self.lang), UNK) for x in words),
                          dtype=np.int64, count=len(words))
        h2, h1 = self.histories(ids)
        lp = self.logprob_ids(h2, h1, ids).astype(np.float64)
        lp[ids == UNK] -= self.unk_penalty
        return lp.tolist()

    def fill(self, left: Sequence[str], right: Sequence[str], k: int = 10,
             candidates: Sequence[str] | None = None,
             limit: int | None = None) -> list[tuple[str, float]]:
        """See LanguageModel.fill; ``limit`` searches only the ``limit`` most frequent words."""
        lids = [BOS] + [self.word_id(x) for x in left]
        rids = [self.word_id(x) for x in right]
        l2 = lids[-2] if len(lids) >= 2 else -1
        l1 = lids[-1]
        if candidates is None:  # a range of ids: the block search (same numbers, less work)
            cand = self._cand[:limit] if limit else self._cand
            score = (self._slot_scores(l2, l1, rids[:2], int(cand[0]), int(cand[-1]) + 1) if cand.size
                     else np.zeros(0))
        else:
            cand = np.fromiter((self.word_id(x) for x in candidates), dtype=np.int64,
                               count=len(candidates))
            score = self.logprob_ids(l2, l1, cand).astype(np.float64)
            score[cand == UNK] -= self.unk_penalty
            if rids:
                score += self.logprob_ids(l1, cand, rids[0])
            if len(rids) >= 2:
                score += self.logprob_ids(cand, rids[0], rids[1])
        if len(rids) >= 3:  # later right words do not see the gap: one constant for all
            r = np.asarray(rids, dtype=np.int64)
            rest = self.logprob_ids(r[:-2], r[1:-1], r[2:])
            score += float(rest.sum()) - self.unk_penalty * int((r[2:] == UNK).sum())
        if rids:
            score -= self.unk_penalty * sum(1 for r in rids[:2] if r == UNK)

        if candidates is not None:
            order = np.argsort(-score, kind="stable")
            return [(candidates[i], float(score[i])) for i in order]
        k = max(0, min(k, cand.size))
        if k == 0:
            return []
        top = np.argpartition(-score, k - 1)[:k]
        top = top[np.argsort(-score[top], kind="stable")]
        return [(self.words[cand[i]], float(score[i])) for i in top]

    # ---------------------------------------------------------------- the slot search
    # fill() over a range of ids (the most frequent words) computes the same three terms as
    # logprob_ids, but reads each n-gram table only where the fixed words put the answers: the
    # keys sharing a prefix are one contiguous block of the sorted table, and the bigrams and
    # trigrams *ending* in fixed words are blocks of two reverse tables sorted by their end.
    # A block is scattered into a dense array over the id range, so no candidate is searched
    # for; the arithmetic (float32 terms, summed in float64 in the same order) is logprob_ids'
    # own, so the scores are the same to the bit (tests/test_ngram.py compares them).

    def _block(self, keys: np.ndarray, lo: int, hi: int) -> slice:
        """Positions of the keys in [lo, hi) of a sorted key array."""
        a, b = np.searchsorted(keys, (lo, hi))
        return slice(int(a), int(b))

    def _scalar(self, keys: np.ndarray, key: int) -> int:
        """Position of ``key`` in sorted ``keys``, or -1."""
        i = int(np.searchsorted(keys, key))
        return i if i < keys.size and int(keys[i]) == key else -1

    def _reverse(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(bigram keys by (second, first), their positions in the bigram table, trigram keys by
        (second, third, first), their positions in the trigram table); built on first use."""
        rev = getattr(self, "_rev", None)
        if rev is None:
            V = self.V
            k2 = (self._bk % V) * V + self._bk // V
            o2 = np.argsort(k2, kind="stable")
            k3 = (self._tk % (V * V)) * V + self._tk // (V * V)
            o3 = np.argsort(k3, kind="stable")
            rev = self._rev = (k2[o2], o2, k3[o3], o3)
        return rev

    def _slot_scores(self, l2: int, l1: int, r: list[int], c0: int, c1: int) -> np.ndarray:
        """fill()'s score for every id in [c0, c1) between (l2, l1) and r[:2] (float64), as
        logprob_ids(l2, l1, c) + logprob_ids(l1, c, r0) + logprob_ids(c, r0, r1)."""
        V, n = self.V, c1 - c0
        # log P(c | l2 l1)
        lp = self._ubow[l1] + self._ulp[c0:c1]
        b = self._block(self._bk, l1 * V + c0, l1 * V + c1)
        lp[self._bk[b] - (l1 * V + c0)] = self._blp[b]
        ctx = l2 * V + l1 if l2 >= 0 else -1
        at = self._scalar(self._bk, ctx) if ctx >= 0 else -1
        out = lp + (self._bbow[at] if at >= 0 else np.float32(0.0))
        if ctx >= 0:
            t = self._block(self._tk, ctx * V + c0, ctx * V + c1)
            out[self._tk[t] - (ctx * V + c0)] = self._tlp[t]
        score = out.astype(np.float64)
        if not r:
            return score
        rb2, ro2, rk3, ro3 = self._reverse()
        r0 = r[0]
        # log P(r0 | l1 c)
        pos = ro2[self._block(rb2, r0 * V + c0, r0 * V + c1)]  # bigrams (c, r0)
        lp = self._ubow[c0:c1] + self._ulp[r0]
        lp[self._bk[pos] // V - c0] = self._blp[pos]
        bow = np.zeros(n, dtype=np.float32)  # contexts (l1, c)
        bow[self._bk[b] - (l1 * V + c0)] = self._bbow[b]
        out = lp + bow
        t = self._block(self._tk, (l1 * V + c0) * V, (l1 * V + c1) * V)  # trigrams (l1, c, *)
        keys = self._tk[t]
        hit = keys % V == r0
        out[(keys[hit] // V) - (l1 * V + c0)] = self._tlp[t][hit]
        score += out
        if len(r) < 2:
            return score
        r1 = r[1]
        # log P(r1 | c r0)
        at = self._scalar(self._bk, r0 * V + r1)
        lp = self._blp[at] if at >= 0 else self._ubow[r0] + self._ulp[r1]
        bow = np.zeros(n, dtype=np.float32)  # contexts (c, r0)
        bow[self._bk[pos] // V - c0] = self._bbow[pos]
        out = lp + bow
        t3 = ro3[self._block(rk3, (r0 * V + r1) * V + c0, (r0 * V + r1) * V + c1)]  # trigrams (c, r0, r1)
        out[self._tk[t3] // (V * V) - c0] = self._tlp[t3]
        score += out
        return score

    def vocab_count(self, word: str) -> int:
        i = self._ids.get(normalize_word(word, self.lang), UNK)
        return int(self._ucount[i]) if i != UNK else 0

    def bigram_count(self, w1: str, w2: str) -> int:
        a, b = self.word_id(w1), self.word_id(w2)
        if a == UNK or b == UNK:
            return 0
        found, i = _find(self._bk, np.int64(a * self.V + b))
        if not found:
            return 0
        return int(self._bcount[int(i)])


@lru_cache(maxsize=None)
def _load_cached(lang: str) -> NgramLM | None:
    path = DEFAULT_DIR / f"{lang}.npz"
    return NgramLM.from_file(path) if path.is_file() else None


def artifact_name(lang: str) -> str:
    """The ``<name>.npz`` of the model for a language code: ``"pt-BR"`` → ``"pt"``, ``"sh"`` → ``"hr"``."""
    base = lang.lower().replace("_", "-").split("-")[0]
    return ARTIFACT_NAMES.get(base, base)


def load_ngram(lang: str) -> NgramLM | None:
    """The packaged model for ``lang`` (e.g. ``"en"``, ``"pt-BR"`` → ``"pt"``, ``"sh"`` → ``"hr"``),
    or None."""
    return _load_cached(artifact_name(lang))
