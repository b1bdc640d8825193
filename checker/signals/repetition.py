"""Repetition signal: doubled words and short loops ("in the city in the city")."""
from __future__ import annotations

from typing import Iterator

import regex

from ..document import Document
from ..lexicon import norm
from .base import Signal, register

#: the longest repeated loop looked for, in words
MAX_LOOP = 6
# Han text has no spaces: a run of 2+ characters immediately repeated.
_CJK_REPEAT = regex.compile(r"(\p{Han}{2,8})\1")


def loops_at(forms: list[str], i: int) -> Iterator[int]:
    """Lengths n, shortest first and at most MAX_LOOP, of the loops that repeat at ``i``: the n
    words before ``forms[i]`` again from it (checker.plain asks the same of a line)."""
    f = forms[i]
    for n in range(1, min(MAX_LOOP, i) + 1):
        if forms[i - n] == f and i + n <= len(forms) and forms[i - n:i] == forms[i:i + n]:
            yield n


@register("repetition")
class RepetitionSignal(Signal):
    requires = ()
    assigns = ("repetition", "meta:repeats")

    def quiet_on_plain_lines(self) -> bool:
        return True  # a plain line repeats no word within six

    """Marks the second copy; ``doc.meta['repeats']`` holds (start, end, n) spans where the span
    covers the repeated copy and the whitespace before it, so deleting it restores the text."""

    def __call__(self, doc: Document) -> None:
        reps: list[tuple[int, int, int]] = []
        lm = self.res.lm
        for seg in range(len(doc.segments)):
            words = doc.segment_words(seg)
            forms = [norm(t.text) for t in words]
            i = 1
            while i < len(words):
                hit = 0
                for n in loops_at(forms, i):
                    # copies must be adjacent: only spaces between the two copies
                    gap = doc.text[words[i - 1].end:words[i].start]
                    if gap.strip():
                        continue
                    if n == 1 and (self._normal_double(forms[i], lm)
                                   or (words[i - 1].text[:1].isupper() and words[i].text[:1].isupper())):
                        continue  # 'had had'; 'Pago Pago', 'Bora Bora' are names
                    if n == 1 and not words[i].text.isalpha() and len(words[i].text) < 2:
                        continue
                    hit = n
                    break
                if hit:
                    start, end = words[i - 1].end, words[i + hit - 1].end
                    reps.append((start, end, hit))
                    for t in words[i:i + hit]:
                        t.evidence["repetition"] = {"n": hit, "note": f"repeats the preceding {hit}-word sequence" if hit > 1 else "word doubled"}
                    i += hit
                else:
                    i += 1
        for t in doc.tokens:
            if t.kind == "cjk":
                for m in _CJK_REPEAT.finditer(t.text):
                    a = t.start + m.start(1) + len(m.group(1))
                    reps.append((a, a + len(m.group(1)), 1))
                    t.evidence["repetition"] = {"n": 1, "note": "characters doubled"}
        if reps:
            doc.meta["repeats"] = reps

    @staticmethod
    def _normal_double(form: str, lm) -> bool:
        """'had had', 'very very' are normal: the news corpus has them often enough, relative to
        the word's own frequency ('the the' occurs too, as a typo: 37 in 228k)."""
        if lm is None:
            return False
        b = lm.bigram_count(form, form)
        return b >= 3 and b >= 5e-4 * lm.vocab_count(form)
