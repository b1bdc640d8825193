"""Plain lines: a line that provably holds nothing to report, recognised without a Document.

Most lines of professional text are *plain*: only common words of the language, numbers and
ordinary punctuation. Every default signal declares (``Signal.quiet_on_plain_lines``) that it
reports nothing on such a line, so ``Checker.check`` answers it with an empty Report and the
word count, at the cost of one regular-expression pass and a set lookup per word, instead of
tokenising, annotating and scoring it (about ten times the work).

A line is plain when
  * no source comes with it (source comparisons can make a common word a suspect);
  * it is plain text to ``document.SimpleTokenizer`` (letters of the language's scripts, ASCII
    digits, whitespace, ordinary punctuation: no control, invisible, combining, emoji,
    other-script characters, no markup, URL, e-mail, handle or hashtag) and has no mojibake;
  * every word (tokenised exactly as ``document._TOKEN_RE`` tokenises such a line) is one the
    lexicon signal never examines (``LexiconSignal.plain_word``: common, short or number-like);
  * no loop of up to six words is repeated (repetition's own test, without its excuses).

Invariant (tests/test_plain.py, on real text and on every kind of anomaly; bench/speed.py
compares whole corpora's output with the previous release's): for a plain line, ``PlainLines.words(line)`` equals the number of
words the full path counts, and the full path reports no anomaly.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .lexicon import norm
from .signals.repetition import MAX_LOOP, loops_at
from .signals.script import MOJIBAKE_HINT

if TYPE_CHECKING:
    from .signals.lexicon import LexiconSignal

#: per-language memo of plain-word verdicts (word forms as written); cleared when full
_MEMO_MAX = 1 << 18


class PlainLines:
    """The plain-line test for one language (see the module docstring)."""

    def __init__(self, lexicon_signal: "LexiconSignal"):
        self.lang = lexicon_signal.res.lang
        self._lex = lexicon_signal
        self._tok = lexicon_signal.res.tokenizer
        self._memo: dict[str, bool] = {}

    def words(self, line: str) -> int | None:
        """The number of words of ``line`` if it is plain, else None."""
        words = self._tok.words(line)
        if words is None or (not line.isascii() and MOJIBAKE_HINT.search(line)):
            return None
        memo = self._memo
        for w in words:
            ok = memo.get(w)
            if ok is None:
                if len(memo) >= _MEMO_MAX:
                    memo.clear()
                ok = memo[w] = self._lex.plain_word(w, self.lang)
            if not ok:
                return None
        if len(words) > 1:
            forms = [w.lower() if w.isascii() else norm(w) for w in words]  # norm, inlined for ASCII
            last: dict[str, int] = {}
            for i, f in enumerate(forms):
                j = last.get(f)
                last[f] = i
                # repetition's own test, without its excuses: 'had had' is left to the full path
                if j is not None and i - j <= MAX_LOOP and next(loops_at(forms, i), None):
                    return None
        return len(words)


__all__ = ["PlainLines"]
