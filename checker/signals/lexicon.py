"""Lexicon signal: how common a word is in the target language and in every other language,
and whether an unknown word is explained as an inflection, a compound or a known word's typo."""
from __future__ import annotations

from functools import lru_cache

from ..charmodel import get_char_model
from ..document import WORD_PARTS, Document, token_scripts
from ..lexicon import Lexicon, norm
from .base import Signal, register

#: words at or above this Zipf value in the target are not examined further
COMMON_ZIPF = 3.0
#: COMMON_ZIPF as a raw frequency, for the hot path (also the names signal's cut-off)
COMMON_FREQ = 10 ** (COMMON_ZIPF - 9.0)
_COMPOUNDING = {"de", "nl", "sv", "da", "nb", "fi", "is", "hu", "et", "lv", "lt", "el"}


@lru_cache(maxsize=64)
def _alphabet(lex: Lexicon) -> str:
    chars: set[str] = set()
    for w in lex.words(min_zipf=4.0):
        chars.update(c for c in w if c.isalpha())
    return "".join(sorted(chars))


def edits1(word: str, alphabet: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in alphabet}
    out |= {a + c + b for a, b in splits for c in alphabet}
    out.discard(word)
    return out


def best_neighbour(word: str, lex: Lexicon, min_zipf: float = 3.0) -> tuple[str, float] | None:
    """The most frequent known word one edit away (the typo's likely intent), or None."""
    w = norm(word)
    floor = 10 ** (min_zipf - 9.0)
    best, best_f = None, 0.0
    freq = lex.freq
    for c in sorted(edits1(w, _alphabet(lex))):  # sorted: ties go the same way in every process
        f = freq(c)
        if f >= floor and f > best_f:
            best, best_f = c, f
    return (best, lex.zipf(best)) if best else None


@register("lexicon")
class LexiconSignal(Signal):
    def __init__(self, resources):
        super().__init__(resources)
        # context-free evidence per word form: corpora repeat their rare words (names, terms)
        self._static: dict[tuple[str, bool, bool], dict] = {}

    def __call__(self, doc: Document) -> None:
        lex = self.res.lexicon
        native = self.res.scripts
        latin_native = "Latin" in native
        freq = lex.freq
        for t in doc.tokens:
            txt = t.text
            if t.kind != "word" or len(txt) < 2:
                continue
            if not txt.isalpha() and (any(c.isdigit() for c in txt) or "." in txt):
                continue
            if txt.isascii():  # the hot path: plain Latin letters
                alien_latin = not latin_native
                if not alien_latin and freq(norm(txt)) >= COMMON_FREQ:
                    continue
            else:
                scripts = token_scripts(txt)
                if len(scripts) != 1:
                    continue  # mixed scripts are the script signal's
                alien_latin = "Latin" in scripts and not latin_native
            z = 0.0 if alien_latin else lex.zipf(txt)
            if z >= COMMON_ZIPF:
                continue
            nm = t.evidence.get("names", {})
            # a capitalised word mid-sentence is a name far more often than a typo: skip the
            # costly morphology and neighbour search (the detector still sees cap + foreign)
            named = bool(nm.get("cap", False))
            n = norm(t.text)
            key = (n, alien_latin, named)
            static = self._static.get(key)
            if static is None:
                if len(self._static) > 200_000:
                    self._static.clear()
                static = self._static[key] = self._word_evidence(n, z, alien_latin, named, doc.lang)
            ev = dict(static)
            ev["source_margin"] = 0.0
            if doc.source_lang and doc.source_lang != doc.lang and nm.get("in_source"):
                zs = self.res.source_lexicon(doc.source_lang).zipf(t.text)
                ev["source_margin"] = max(0.0, zs - z)
            t.evidence["lexicon"] = ev

    def _word_evidence(self, n: str, z: float, alien_latin: bool, named: bool, lang: str) -> dict:
        lex = self.res.lexicon
        lm = self.res.lm
        ev: dict = {"zipf": z, "alien_latin": alien_latin}
        ev["news"] = lm.vocab_count(n) if lm is not None and not alien_latin else 0
        foreign = {k: v for k, v in self.res.foreign.lookup(n).items() if k != lang}
        if foreign:
            fl = max(foreign, key=foreign.get)
            ev["foreign_lang"], ev["foreign_zipf"] = fl, foreign[fl]
        else:
            ev["foreign_lang"], ev["foreign_zipf"] = None, 0.0
        if not alien_latin and z == 0.0 and not named:
            # hyphenated compounds and elisions (l'attività, из-за): judge the parts; the short
            # elided ones (l', dell', c') are function words
            parts = [p for p in WORD_PARTS.split(n) if p]
            long_parts = [p for p in parts if len(p) >= 3]
            ev["parts_known"] = len(parts) > 1 and bool(long_parts) and all(lex.zipf(p) >= 2.0 for p in long_parts)
            ev["inflection"] = lex.inflection_of(n)
            comp = lex.compound_of(n, 3 if lang in _COMPOUNDING else 4)
            ev["compound"] = "+".join(comp) if comp and len(comp) > 1 else None
        else:
            ev["parts_known"], ev["inflection"], ev["compound"] = False, None, None
        nb = None if alien_latin or named else best_neighbour(n, lex)
        ev["neighbour"], ev["neighbour_zipf"] = (nb if nb else (None, 0.0))
        if alien_latin or named:
            ev["char_mean"], ev["char_min"] = 0.0, 0.0
        else:
            cm = get_char_model(lang)
            scores = [cm.score(p) for p in WORD_PARTS.split(n) if p] or [(0.0, 0.0)]
            m = sum(x for x, _ in scores) / len(scores)
            ev["char_mean"], ev["char_min"] = round(m, 3), round(min(y for _, y in scores), 3)
            ev["char_z"] = round((m - cm.ref_mean) / cm.ref_std, 3)
        ev["note"] = self._note(ev, lang)
        return ev

    @staticmethod
    def _note(ev: dict, lang: str) -> str:
        if ev["alien_latin"]:
            base = f"Latin-script word in {lang} text"
        elif ev["zipf"] == 0:
            base = f"not a known {lang} word"
        else:
            base = f"rare in {lang} (Zipf {ev['zipf']:.1f})"
        if ev["foreign_zipf"] >= 3.0:
            base += f"; common in {ev['foreign_lang']} (Zipf {ev['foreign_zipf']:.1f})"
        if ev["neighbour"]:
            base += f"; one edit from '{ev['neighbour']}'"
        elif ev.get("char_mean", 0.0) < -3.0:
            base += "; unusual letter sequence for the language"
        return base
