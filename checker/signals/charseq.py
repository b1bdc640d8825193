"""Garbled character runs in text written without spaces (zh, ja).

A run of Han/kana characters is reported when (1) each of at least ``MIN_RUN`` consecutive
characters is improbable next to both of its neighbours under the language's character bigram
model (``checker.charlm``: surprisal above the language's ``THRESHOLDS``), (2) no word of the
language's word list — a 2-6 character word, or a one-character word of Zipf >= 4.5 such as
已 or の — covers each of its characters (rare technical words and boundaries between a particle
and a rare word have improbable transitions too, but are words), and (3) it is not part of a
transliterated foreign name: Han/kana within four characters of a name separator (·, •, ・) or
of the original in Latin letters in brackets after it ("桑朱·沙玛（S…"), the conventions of
Chinese and Japanese news for foreign names, whose character sequences the model has not seen.

A single character is reported as a ``misspelling`` of a character read alike (Chinese: 在/再,
已/以; the model's homophone groups) when putting that character in its place raises the
probability of the two transitions around it by more than ``HOMOPHONE_GAIN`` nats *and* makes a
word of the word list at least ten times as frequent as any word the written character makes
there: the model alone takes rare but right characters for errors, the word list alone cannot say
which of two real words is meant. The fix is that character.

Thresholds were chosen on FLORES dev lines 0-249 (``python bench/cjk_checks.py --split dev``);
the report is on devtest and WMT22 references (see the bench).

Writes ``meta:garbled`` and ``meta:homophones`` (``signals.base.Finding`` spans, reported by the
detector as ``non-word`` and ``misspelling``).
Not quiet on plain lines where it runs: a run of common characters is made of common words.
"""
from __future__ import annotations

import numpy as np
import regex

from ..charlm import COUNTABLE_RUN, load_charlm
from ..document import Document
from .base import Finding, Signal, register

#: surprisal (nats, mean of forward and backward) above which a character is improbable
THRESHOLDS = {"zh": 8.5, "ja": 7.0}
#: improbable characters in a row that make a run
MIN_RUN = 2
#: how far from a name separator or bracketed original a run may be and still be part of the name
NAME_REACH = 4
#: nats the two transitions around a character must gain when a character read alike replaces it
HOMOPHONE_GAIN = 9.0
#: characters below this surprisal are not looked at for homophones: a gain of HOMOPHONE_GAIN
#: needs a costly character; on dev, floors 4-7 find the same, 8 loses one (the look costs a
#: model query per member of the character's group)
HOMOPHONE_FLOOR = 7.0
_SEPARATORS = "·•・‧"
#: languages whose homophone check counts the written character alone as a word (see __init__)
#: (on FLORES dev it costs ja homophone recall 0.87 -> 0.81; on every WMT22 en-ja system output it
#: removes all 24 homophone flags, 23 of them wrong, bench/cjk_homophones_ja_wmt22.tsv; in Chinese
#: it would hide 在/再 — 在 alone is a word — so zh keeps the plain rule)
SUFFIX_LANGS = frozenset({"ja"})
_LATIN_IN_BRACKETS = regex.compile(r"\s*[(（]\s*\p{Latin}")


@register("charseq")
class CharSequenceSignal(Signal):
    requires = ()
    assigns = ("meta:garbled", "meta:homophones")

    def __init__(self, resources) -> None:
        super().__init__(resources)
        self.lm = load_charlm(resources.lang)
        self.threshold = THRESHOLDS.get(resources.lang)
        # Japanese writes productive one-kanji suffixes (金属製, 延長管, 洗浄剤, 無効化) that its
        # word list segments off as words of their own: there the written kanji alone is a word
        self.suffixes = resources.lang in SUFFIX_LANGS

    def quiet_on_plain_lines(self) -> bool:
        # a garbled run of common characters segments into common one-character words, so a
        # line holding one can pass the plain-line test: where the model runs, no line is skipped
        return self.lm is None or self.threshold is None

    def describe(self) -> str:
        return f"charseq({self.lm.name}@{self.lm.digest})" if self.lm is not None else "charseq(none)"

    def __call__(self, doc: Document) -> None:
        if self.lm is None or self.threshold is None or doc.lang != self.res.lang:
            return
        found: list[Finding] = []
        homophones: list[Finding] = []
        offset = 0
        for line in doc.text.split("\n"):
            runs, homs = self.find_line(line, offset)
            found.extend(runs)
            homophones.extend(homs)
            offset += len(line) + 1
        if found:
            doc.meta["garbled"] = found
        if homophones:
            doc.meta["homophones"] = homophones

    def find_line(self, line: str, offset: int = 0) -> tuple[list[Finding], list[Finding]]:
        """(garbled runs, homophone slips) of one line, as the signal reports them."""
        sur = self.lm.surprisal(line)
        runs = self.find(line, offset, sur)
        homs = self.find_homophones(line, offset, sur)
        # a two-character "run" around a character a homophone would fix is that misspelling
        # (one wrong character spoils both of its transitions); longer runs stay garbage
        at = {f.start for f in homs}
        runs = [f for f in runs if not (f.end - f.start <= 2 and at & set(range(f.start, f.end)))]
        inside = {k for f in runs for k in range(f.start, f.end)}
        return runs, [f for f in homs if f.start not in inside]

    def find_homophones(self, line: str, offset: int = 0, sur: "np.ndarray | None" = None) -> list[Finding]:
        """Single characters that a character read alike would make far more probable and a
        word of the language (see the module docstring); ``sur``: the line's surprisal, if known."""
        sur = self.lm.surprisal(line) if sur is None else sur
        cp = np.array([ord(c) for c in line], dtype=np.int64)
        inner = np.zeros(len(line), dtype=bool)
        inner[1:-1] = True
        at = np.flatnonzero(inner & (sur > HOMOPHONE_FLOOR) & self.lm.has_homophones(cp))
        if not at.size:
            return []
        pos = at.tolist()
        # every alternative of every position in one query of the model: a line costs a few
        # numpy calls, not one per character and alternative
        alts = [self.lm.homophones(line[i]) for i in pos]
        sizes = np.array([len(a) for a in alts])
        fwd = self.lm.logprobs(cp[:-1], cp[1:])           # fwd[j-1] = ln P(c_j | c_{j-1})
        base = fwd[at - 1] + fwd[at]
        alt_cp = np.array([ord(c) for a in alts for c in a], dtype=np.int64)
        n = alt_cp.size
        both = self.lm.logprobs(np.concatenate((np.repeat(cp[at - 1], sizes), alt_cp)),
                                np.concatenate((alt_cp, np.repeat(cp[at + 1], sizes))))
        gains = both[:n] + both[n:] - np.repeat(base, sizes)
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        best_gain = np.maximum.reduceat(gains, starts)
        out: list[Finding] = []
        freq = self.res.lexicon.frequencies
        for k in np.flatnonzero(best_gain > HOMOPHONE_GAIN):
            i = pos[k]
            if self._in_name(line, i, i + 1):
                continue
            alt = alts[k][int(np.argmax(gains[starts[k]:starts[k] + sizes[k]]))]
            was, now = _word_freq(line, i, line[i], freq, self.suffixes), _word_freq(line, i, alt, freq)
            if now > 10 * max(was, 1e-9):
                out.append(Finding(offset + i, offset + i + 1,
                                   f"'{line[i]}' reads like '{alt}', which makes a word here and is far "
                                   f"more likely between '{line[i - 1]}' and '{line[i + 1]}' (character "
                                   f"model gain {float(best_gain[k]):.1f} nats)", fix=alt,
                                   evidence={"gain": round(float(best_gain[k]), 2)}))
        return out

    def find(self, line: str, offset: int = 0, sur: "np.ndarray | None" = None) -> list[Finding]:
        """Garbled runs of ``line`` (see the module docstring); ``sur``: its surprisal, if known."""
        s = self.lm.surprisal(line) if sur is None else sur
        out: list[Finding] = []
        i, n = 0, len(line)
        while i < n:
            if s[i] <= self.threshold:
                i += 1
                continue
            j = i
            while j < n and s[j] > self.threshold:
                j += 1
            if j - i >= MIN_RUN and not self._covered(line, i, j) and not self._in_name(line, i, j):
                out.append(Finding(offset + i, offset + j,
                                   f"'{line[i:j]}': characters that do not follow each other in "
                                   f"{self.res.lang} (character model surprisal "
                                   f"{float(s[i:j].mean()):.1f} nats, threshold {self.threshold})",
                                   evidence={"surprisal": round(float(s[i:j].mean()), 2)}))
            i = j
        return out

    def _covered(self, line: str, i: int, j: int) -> bool:
        """Whether words of the word list cover every character of line[i:j]."""
        freq = self.res.lexicon.frequencies
        cov = set()
        for a in range(max(0, i - 5), j):
            for length in range(1, 7):
                if a + length > i and _is_word(line[a:a + length], freq):
                    cov.update(range(a, a + length))
        return all(k in cov for k in range(i, j))

    @staticmethod
    def _in_name(line: str, i: int, j: int) -> bool:
        """Whether line[i:j] is part of a foreign name: within ``NAME_REACH`` characters of a
        name separator, or of a following original in Latin letters in brackets, with only
        Han/kana between."""
        for m in COUNTABLE_RUN.finditer(line):
            if m.start() <= i and j <= m.end():
                before = line[m.start() - 1] if m.start() > 0 else ""
                after = line[m.end()] if m.end() < len(line) else ""
                near_start, near_end = i - m.start() <= NAME_REACH, m.end() - j <= NAME_REACH
                return bool((near_start and before and before in _SEPARATORS)
                            or (near_end and after and after in _SEPARATORS)
                            or (near_end and _LATIN_IN_BRACKETS.match(line, m.end()) is not None))
        return False


#: what counts as a word of the word list when covering a run: 2-6 characters of any listed
#: frequency, or one character of Zipf >= 4.5 (particles and function words: 已, 被, 更, の)
WORD_MIN_FREQ, SINGLE_MIN_FREQ = 1e-8, 10 ** (4.5 - 9)


def _is_word(s: str, freq: dict[str, float]) -> bool:
    f = freq.get(s, 0.0)
    return f >= WORD_MIN_FREQ if 2 <= len(s) <= 6 else len(s) == 1 and f >= SINGLE_MIN_FREQ


def _word_freq(line: str, i: int, ch: str, freq: dict[str, float], single: bool = False) -> float:
    """The frequency of the most frequent word of 2-4 characters that ``ch`` at ``line[i]`` makes
    with its neighbours (0.0: none); with ``single``, ``ch`` alone counts as a word too."""
    t = line[:i] + ch + line[i + 1:]
    best = max((freq.get(t[a:a + n], 0.0) for a in range(max(0, i - 3), i + 1)
                for n in range(2, 5) if a + n > i and a + n <= len(t)), default=0.0)
    return max(best, freq.get(ch, 0.0)) if single else best
