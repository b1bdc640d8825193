"""The language-model interface every backend implements (n-gram now, transformers later)."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Sequence


class LanguageModel(ABC):
    """Scores words in context and proposes fill-ins for a gap.

    Words are surface strings as they appear in the text (case is the backend's business).
    Log-probabilities are natural logs.
    """

    #: a short, reproducible identifier that goes into report signatures, e.g. "ngram-en@<sha8>"
    name: str = "lm"
    lang: str = "und"

    @abstractmethod
    def token_logprobs(self, words: Sequence[str]) -> list[float]:
        """log P(word_i | words before it in the same sentence), one value per word.

        The sequence is one sentence; a sentence start is implied before words[0] and
        an end after words[-1] is *not* scored here.
        """

    @abstractmethod
    def fill(self, left: Sequence[str], right: Sequence[str], k: int = 10,
             candidates: Sequence[str] | None = None,
             limit: int | None = None) -> list[tuple[str, float]]:
        """Best words for the gap between ``left`` and ``right`` (both may be empty).

        Returns up to ``k`` (word, score) pairs, best first, where score is
        log P(left + [word] + right) - log P(left) (i.e. the log-prob of the word and of the
        right context given it). With ``candidates`` given, score exactly those words (in the
        returned order best first, all of them, ignoring ``k``). ``limit`` lets a backend search
        only its ``limit`` most likely words (a speed hint; backends may ignore it).
        """

    def sequence_logprob(self, words: Sequence[str]) -> float:
        """log P(words) as one sentence."""
        return float(sum(self.token_logprobs(words)))

    def vocab_count(self, word: str) -> int:
        """How often the model saw ``word`` in training (0 when unknown or not tracked)."""
        return 0

    def bigram_count(self, w1: str, w2: str) -> int:
        """How often ``w1 w2`` occurred in training (0 when unknown or not tracked)."""
        return 0
