"""Lexicon signal: how common a word is in the target language and in every other language,
whether an unknown word is explained as an inflection, a compound or a dictionary form, and which
common word it would be a typo of (checker.spelling's noisy-channel search)."""
from __future__ import annotations

from ..charmodel import get_char_model
from ..document import MAX_WORD_CHARS, WORD_PARTS, Document, token_scripts
from ..lexicon import norm
from ..morphology import known_form
from .base import Signal, register

#: words at or above this Zipf value in the target are not examined further
COMMON_ZIPF = 3.0
#: COMMON_ZIPF as a raw frequency, for the hot path (also the names signal's cut-off)
COMMON_FREQ = 10 ** (COMMON_ZIPF - 9.0)
_YO_OPTIONAL = {"ru", "be"}
_DOTLESS_I = {"tr", "az"}
_COMPOUNDING = {"de", "nl", "sv", "da", "nb", "fi", "is", "hu", "et", "lv", "lt", "el"}
#: a typo candidate scoring at least this (its Zipf minus the slip's cost) is named in the reason
#: and makes the anomaly a `misspelling` rather than a `non-word`
TYPO_NAMED = 1.0


@register("lexicon")
class LexiconSignal(Signal):
    requires = ("names",)
    assigns = ("lexicon",)

    def quiet_on_plain_lines(self) -> bool:
        return True  # plain_word() holds for every word of a plain line

    def __init__(self, resources):
        super().__init__(resources)
        # context-free evidence per word form: corpora repeat their rare words (names, terms)
        self._static: dict[tuple[str, bool], dict] = {}

    def plain_word(self, txt: str, lang: str) -> bool:
        """True when this signal writes no evidence for the word ``txt`` as written, whatever its
        context, unless the source makes it a suspect (names' ``src_suspect``): a token it does
        not judge or a common word of the language (checker.plain relies on it)."""
        scripts = self._judged(txt)
        return scripts is None or self._common(txt, scripts, lang)

    @staticmethod
    def _judged(txt: str) -> set[str] | None:
        """The script of a word this signal judges, or None: one letter, number-like, or mixed
        scripts (those are the script signal's)."""
        if len(txt) < 2 or (not txt.isalpha() and (any(c.isdigit() for c in txt) or "." in txt)):
            return None
        scripts = token_scripts(txt)  # {"Latin"} for ASCII, without a look at its letters
        return scripts if len(scripts) == 1 else None

    def _common(self, txt: str, scripts: set[str], lang: str) -> bool:
        """A common word of the language, never examined further (a Latin word in a language of
        another script is never common there)."""
        if "Latin" in scripts and "Latin" not in self.res.scripts:
            return False
        if txt.isascii():  # the hot path: plain Latin letters
            return self.res.lexicon.freq(norm(txt)) >= COMMON_FREQ
        return self._zipf(txt, lang) >= COMMON_ZIPF

    def _zipf(self, txt: str, lang: str) -> float:
        """The Zipf value of a native-script word, with the spellings the language allows."""
        lex = self.res.lexicon
        if "\u0301" in txt:  # a stress mark (о́бразу) is no misspelling
            txt = txt.replace("\u0301", "")
        z = lex.zipf(txt)
        if not z and "ё" in txt.lower() and lang in _YO_OPTIONAL:
            z = lex.zipf(txt.replace("ё", "е").replace("Ё", "Е"))  # ё is optional in Russian writing
        if not z and "I" in txt and lang in _DOTLESS_I:
            z = lex.zipf(txt.replace("I", "ı"))  # Turkish capital I is dotless ı in lower case
        return z

    def __call__(self, doc: Document) -> None:
        latin_native = "Latin" in self.res.scripts
        for t in doc.tokens:
            txt = t.text
            scripts = self._judged(txt) if t.kind == "word" else None
            if scripts is None:
                continue
            suspect = t.evidence.get("names", {}).get("src_suspect", False)
            if not suspect and self._common(txt, scripts, doc.lang):
                continue
            alien_latin = "Latin" in scripts and not latin_native
            if "\u0301" in txt and not alien_latin:  # a stress mark (о́бразу) is no misspelling
                txt = txt.replace("\u0301", "")
            z = 0.0 if alien_latin else self._zipf(txt, doc.lang)
            if z >= COMMON_ZIPF and not suspect:
                continue
            nm = t.evidence.get("names", {})
            n = norm(txt)
            key = (n, alien_latin)
            static = self._static.get(key)
            if static is None:
                if len(self._static) > 200_000:
                    self._static.clear()
                static = self._static[key] = self._word_evidence(n, z, alien_latin, doc.lang)
            ev = dict(static)
            ev["source_margin"] = 0.0
            if doc.source_lang and doc.source_lang != doc.lang and nm.get("in_source"):
                zs = self.res.source_lexicon(doc.source_lang).zipf(txt)
                ev["source_margin"] = max(0.0, zs - z)
            t.evidence["lexicon"] = ev

    def _word_evidence(self, n: str, z: float, alien_latin: bool, lang: str) -> dict:
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
        if len(n) > MAX_WORD_CHARS:
            return self._long_word_evidence(ev, n, lang)
        if not alien_latin and z == 0.0:
            # hyphenated compounds and elisions (l'attività, из-за): judge the parts; the short
            # elided ones (l', dell', c') are function words
            parts = [p for p in WORD_PARTS.split(n) if p]
            long_parts = [p for p in parts if len(p) >= 3]
            ev["parts_known"] = len(parts) > 1 and bool(long_parts) and all(lex.zipf(p) >= 2.0 for p in long_parts)
            ev["inflection"] = lex.inflection_of(n)
            comp = lex.compound_of(n, 3 if lang in _COMPOUNDING else 4)
            ev["compound"] = "+".join(comp) if comp and len(comp) > 1 else None
            # half of a compound left in English (the usual MT source): 'Markenpartnering'
            half = lex.half_foreign(n, self.res.source_lexicon("en")) if lang in _COMPOUNDING and lang != "en" else None
            ev["half_foreign"] = "+".join(half) if half else None
            comp_of = lex.completion_of(n)
            ev["completion"], ev["completion_zipf"] = comp_of if comp_of else (None, 0.0)
            if half:  # the English half is the better reading than a split into short words
                ev["compound"] = None
        else:
            ev["parts_known"], ev["inflection"], ev["compound"], ev["half_foreign"] = False, None, None, None
            ev["completion"], ev["completion_zipf"] = None, 0.0
        # what the word would be a slip of; capitalised words too (a sentence-initial
        # 'Předpokladam' is a typo, not a name), never other scripts' words
        # the Resources' index: the shared one, or with a profile's words as candidates
        spell = self.res.spell_index
        typo = None if alien_latin else spell.best(n)
        variant = None if alien_latin else spell.variant(n)
        ev["typo"], ev["typo_zipf"], ev["typo_cost"], ev["typo_edit"], ev["typo_score"] = (
            (typo.word, typo.zipf, typo.cost, typo.edit, typo.score) if typo else (None, 0.0, 0.0, None, -9.0))
        ev["variant"], ev["variant_zipf"] = variant if variant else (None, 0.0)
        named_typo = typo is not None and typo.score - z >= TYPO_NAMED
        ev["neighbour"], ev["neighbour_zipf"] = (typo.word, typo.zipf) if named_typo else (None, 0.0)
        kf = None if alien_latin else known_form(lang)
        ev["morph_known"] = None if kf is None else bool(kf(n))
        self._letter_evidence(ev, [p for p in WORD_PARTS.split(n) if p], lang)
        ev["note"] = self._note(ev, lang)
        return ev

    @staticmethod
    def _letter_evidence(ev: dict, parts: list[str], lang: str) -> None:
        """How plausible the letters of ``parts`` are under the language's character model
        (mean over parts, and the worst transition); nothing to judge in other scripts' words."""
        if ev["alien_latin"]:
            ev["char_mean"], ev["char_min"] = 0.0, 0.0
            return
        cm = get_char_model(lang)
        scores = [cm.score(p) for p in parts] or [(0.0, 0.0)]
        m = sum(x for x, _ in scores) / len(scores)
        ev["char_mean"], ev["char_min"] = round(m, 3), round(min(y for _, y in scores), 3)
        ev["char_z"] = round((m - cm.ref_mean) / cm.ref_std, 3)

    def _long_word_evidence(self, ev: dict, n: str, lang: str) -> dict:
        """A word over MAX_WORD_CHARS: no searches (they grow with its length), letters judged on
        its first MAX_WORD_CHARS characters."""
        ev.update(parts_known=False, inflection=None, compound=None, half_foreign=None, completion=None,
                  completion_zipf=0.0, typo=None, typo_zipf=0.0, typo_cost=0.0, typo_edit=None, typo_score=-9.0,
                  variant=None, variant_zipf=0.0, neighbour=None, neighbour_zipf=0.0, morph_known=None, long=True)
        self._letter_evidence(ev, [n[:MAX_WORD_CHARS]], lang)
        ev["note"] = self._note(ev, lang) + f"; {len(n):,} characters long (over {MAX_WORD_CHARS}: not searched)"
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
        if ev.get("half_foreign"):
            base += f"; half-translated compound ({ev['half_foreign']}: one part is English)"
        if ev["neighbour"]:
            base += f"; {_SLIP.get(ev['typo_edit'], 'a slip')} away from '{ev['neighbour']}' (Zipf {ev['typo_zipf']:.1f})"
        elif ev.get("char_mean", 0.0) < -3.0:
            base += "; unusual letter sequence for the language"
        return base


_SLIP = {"diacritic": "a diacritic", "phonetic": "a sound-alike letter", "double": "a doubled or single letter",
         "keyboard": "a neighbouring key", "transpose": "two swapped letters", "insert": "an extra letter",
         "delete": "a missing letter", "substitute": "a letter"}
