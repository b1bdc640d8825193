"""Shared, lazily loaded resources for one target language: lexicons, indexes and the LM."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Optional

from .document import SimpleTokenizer, simple_tokenizer
from .glossary import EMPTY, Glossary
from .languages import UNSEGMENTED, scripts_of
from .lexicon import ForeignIndex, Lexicon, get_foreign_index, get_lexicon
from .lm.base import LanguageModel

if TYPE_CHECKING:
    from .lm.hf import ContextModel
    from .profile import Profile
    from .spelling import SpellIndex


@dataclass
class Resources:
    lang: str
    lm: Optional[LanguageModel] = None
    allowlist: frozenset[str] = field(default_factory=frozenset)
    #: a sentence-level neural model (checker.lm.hf.ContextModel) or None
    cm: Optional["ContextModel"] = None
    #: the user's glossary (checker.glossary), empty by default
    glossary: "Glossary" = field(default_factory=lambda: EMPTY)
    #: a newsroom profile (checker.profile) of this language, or None
    profile: Optional["Profile"] = None

    @cached_property
    def lexicon(self) -> Lexicon:
        """The language's shared lexicon; with a profile, a copy that also knows its words."""
        base = get_lexicon(self.lang)
        return base if self.profile is None else self.profile.lexicon(base)

    @cached_property
    def spell_index(self) -> "SpellIndex":
        """The language's shared spelling index; with a profile, one whose candidates include
        its words (checker.profile)."""
        from .spelling import get_spell_index

        base = get_spell_index(self.lang)
        return base if self.profile is None else self.profile.spell_index(self.lexicon, base)

    @cached_property
    def foreign(self) -> ForeignIndex:
        return get_foreign_index()

    @cached_property
    def scripts(self) -> set[str]:
        return scripts_of(self.lang)

    @cached_property
    def tokenizer(self) -> "SimpleTokenizer":
        """The fast tokenizer for plain text in the language's scripts (document.SimpleTokenizer)."""
        return simple_tokenizer(frozenset(self.scripts))

    @property
    def unsegmented(self) -> bool:
        return self.lang in UNSEGMENTED

    def source_lexicon(self, lang: str) -> Lexicon:
        return get_lexicon(lang)
