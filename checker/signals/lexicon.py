"""Lexicon signal: how common a word is in the target language and in every other language,
and whether an unknown word is explained as an inflection, a compound or a known word's typo."""
from __future__ import annotations

from functools import lru_cache

from ..document import Document, token_scripts
from ..lexicon import Lexicon, norm
from .base import Signal, register

#: words at or above this Zipf value in the target are not examined further
COMMON_ZIPF = 3.0
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
    for c in edits1(w, _alphabet(lex)):
        f = freq(c)
        if f >= floor and f > best_f:
            best, best_f = c, f
    return (best, lex.zipf(best)) if best else None


@register("lexicon")
class LexiconSignal(Signal):
    def __call__(self, doc: Document) -> None:
        lex = self.res.lexicon
        lm = self.res.lm
        native = self.res.scripts
        for t in doc.tokens:
            if t.kind != "word" or len(t.text) < 2 or any(c.isdigit() for c in t.text) or "." in t.text:
                continue
            scripts = token_scripts(t.text)
            if len(scripts) != 1:
                continue  # mixed scripts are the script signal's
            alien_latin = "Latin" in scripts and "Latin" not in native
            z = 0.0 if alien_latin else lex.zipf(t.text)
            if z >= COMMON_ZIPF:
                continue
            n = norm(t.text)
            ev: dict = {"zipf": z, "alien_latin": alien_latin}
            ev["news"] = lm.vocab_count(n) if lm is not None and not alien_latin else 0
            foreign = {k: v for k, v in self.res.foreign.lookup(t.text).items() if k != doc.lang}
            if foreign:
                fl = max(foreign, key=foreign.get)
                ev["foreign_lang"], ev["foreign_zipf"] = fl, foreign[fl]
            else:
                ev["foreign_lang"], ev["foreign_zipf"] = None, 0.0
            # a capitalised word mid-sentence is a name far more often than a typo: skip the
            # costly morphology and neighbour search (the detector still sees cap + foreign)
            named = t.evidence.get("names", {}).get("cap", False)
            ev["source_margin"] = 0.0
            if doc.source_lang and doc.source_lang != doc.lang and t.evidence.get("names", {}).get("in_source"):
                zs = self.res.source_lexicon(doc.source_lang).zipf(t.text)
                ev["source_margin"] = max(0.0, zs - z)
            if not alien_latin and z == 0.0 and not named:
                parts = [p for p in n.split("-") if p]
                ev["parts_known"] = len(parts) > 1 and all(lex.zipf(p) >= 2.0 for p in parts)
                ev["inflection"] = lex.inflection_of(n)
                comp = lex.compound_of(n, 3 if doc.lang in _COMPOUNDING else 4)
                ev["compound"] = "+".join(comp) if comp and len(comp) > 1 else None
            else:
                ev["parts_known"], ev["inflection"], ev["compound"] = False, None, None
            nb = None if alien_latin or named else best_neighbour(n, lex)
            ev["neighbour"], ev["neighbour_zipf"] = (nb if nb else (None, 0.0))
            ev["note"] = self._note(ev, doc.lang)
            t.evidence["lexicon"] = ev

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
        return base
