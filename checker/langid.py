"""Document-level language identification from scripts and the cross-language word index.

Off-the-shelf identifiers are trained on sentences; here every wordfreq language is a candidate
and the evidence is the summed Zipf frequency of the text's words in each language.
"""
from __future__ import annotations

from collections import Counter

import regex

from .document import token_scripts
from .languages import scripts_of, supported_languages
from .lexicon import get_foreign_index

_WORD = regex.compile(r"[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*")


def detect_language(text: str, max_words: int = 300) -> tuple[str, float]:
    """(language code, confidence in 0..1) for a text; ("und", 0.0) when there are no words."""
    words = _WORD.findall(text)[:max_words]
    if not words:
        return "und", 0.0
    script_count: Counter[str] = Counter()
    for w in words:
        for s in token_scripts(w):
            script_count[s] += len(w)
    if not script_count:
        return "und", 0.0
    if script_count.get("Hiragana", 0) + script_count.get("Katakana", 0) > 0.05 * sum(script_count.values()):
        return "ja", 0.9
    top = script_count.most_common(1)[0][0]
    if top == "Hangul":
        return "ko", 0.95
    cands = [lg for lg in supported_languages() if top in scripts_of(lg)]
    if top == "Han":
        return ("zh", 0.9) if "zh" in cands else (cands[0], 0.5)
    if len(cands) == 1:
        return cands[0], 0.95
    if not cands:
        return "und", 0.0
    idx = get_foreign_index()
    score: Counter[str] = Counter()
    for w in words:
        for lg, z in idx.lookup(w).items():
            score[lg] += z
    ranked = [(score[lg], lg) for lg in cands]
    ranked.sort(reverse=True)
    best, second = ranked[0], ranked[1] if len(ranked) > 1 else (0.0, "")
    if best[0] <= 0:
        return "und", 0.0
    return best[1], round(min(1.0, (best[0] - second[0]) / max(best[0], 1e-9) * 5), 3)
