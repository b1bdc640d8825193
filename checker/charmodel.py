"""A character 4-gram model of a language's word shapes, built from its wordfreq list.

Garbled tokens ("впопосоьыл", "nicreccun") and real rare words are both unknown to a word list;
what separates them is whether their letter sequences are ones the language writes. Built once
per process and language from the 40,000 most frequent words (about half a second).
"""
from __future__ import annotations

import logging
import math
import os
from collections import Counter
from functools import lru_cache

_ORDER = 4
_BETA = 3.0
_TOP = 40_000
_HELD = 1_000
_FORMAT = 1

_log = logging.getLogger(__name__)


class CharModel:
    #: the language's lookup-key function (checker.normalise), set by get_char_model: the model
    #: is built from wordfreq's words, which are in that form (Serbian in Latin letters, Arabic
    #: without vowel marks, Romanian with comma letters); None scores words as given
    key = None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("key", None)  # a function of the running process, set again on load
        return state

    def __init__(self, words: list[str]):
        self.counts: list[Counter[str]] = [Counter() for _ in range(_ORDER + 1)]
        for w in words:
            s = "^" * (_ORDER - 1) + w + "$"
            for n in range(1, _ORDER + 1):
                self.counts[n].update(s[i:i + n] for i in range(len(s) - n + 1))
        self.ctx: list[Counter[str]] = [Counter() for _ in range(_ORDER + 1)]
        for n in range(2, _ORDER + 1):
            c = self.ctx[n]
            for g, k in self.counts[n].items():
                c[g[:-1]] += k
        self.total = sum(self.counts[1].values())
        self.ref_mean, self.ref_std = 0.0, 1.0
        self.alphabet = max(len(self.counts[1]), 1)

    def _p(self, hist: str, ch: str) -> float:
        p = (self.counts[1].get(ch, 0) + 1) / (self.total + self.alphabet + 1)
        for n in range(2, len(hist) + 2):
            h = hist[len(hist) - (n - 1):]
            c = self.ctx[n].get(h, 0)
            if c:
                p = (self.counts[n].get(h + ch, 0) + _BETA * p) / (c + _BETA)
        return p

    def score(self, word: str) -> tuple[float, float]:
        """(mean, minimum) log-probability per character transition, end of word included."""
        if self.key is not None:
            word = self.key(word)
        s = "^" * (_ORDER - 1) + word + "$"
        lps = [math.log(self._p(s[i - _ORDER + 1:i], s[i])) for i in range(_ORDER - 1, len(s))]
        return sum(lps) / len(lps), min(lps)

    def zscore(self, word: str) -> float:
        """How many standard deviations less plausible than held-out real words (negative = odd)."""
        return (self.score(word)[0] - self.ref_mean) / self.ref_std


@lru_cache(maxsize=None)  # per language: bounded by the supported languages
def get_char_model(lang: str) -> CharModel:
    """The language's model, from the cache directory when an earlier run built it."""
    import pickle
    from importlib.metadata import version

    from .lexicon import cache_dir
    from .normalise import normaliser

    path = cache_dir() / f"charmodel-v{_FORMAT}-wordfreq{version('wordfreq')}-{lang}.pickle"
    try:
        with open(path, "rb") as f:
            model = pickle.load(f)  # our own derived cache, written below
        model.key = normaliser(lang)
        return model
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    model = _build(lang)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            pickle.dump(model, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        # a read-only cache only costs the rebuild next time; say so once, it explains slow starts
        _log.warning("cannot write the character model cache in %s: it is rebuilt in every process", path.parent)
    model.key = normaliser(lang)
    return model


def _build(lang: str) -> CharModel:
    import wordfreq

    words: list[str] = []
    for bucket in wordfreq.get_frequency_list(lang, wordlist="best"):
        words.extend(w for w in bucket if w.isalpha())
        if len(words) >= _TOP + _HELD:
            break
    model = CharModel(words[:_TOP])
    # Real words the model did not see: how plausible a rare real word of this language looks.
    # Agglutinative and inflected languages sit lower; scores are compared against this.
    held = words[_TOP:_TOP + _HELD] or words[-_HELD:]
    scores = [model.score(w)[0] for w in held if len(w) >= 4] or [0.0]
    mean = sum(scores) / len(scores)
    var = sum((x - mean) ** 2 for x in scores) / max(1, len(scores) - 1)
    model.ref_mean, model.ref_std = mean, max(math.sqrt(var), 0.1)
    return model
