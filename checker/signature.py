"""The signature of a report: everything that determines its numbers, built from the components'
own settings (sacrebleu's ``Signature`` is the model), so any number can be reproduced.

Invariants: ``Signature.parse(str(sig)) == sig``; two runs whose signatures are equal give the same
anomalies and scores for the same text; every setting that changes a score has a field — version,
language, language model (+ context model), lexicon (+ full-form dictionary), translators'
statistics, detector weights, threshold, signals, allowlist (a hash of its normalised words),
context mode (``file``: a line is judged with its document's word counts; ``line``: alone), the
glossary (a hash of its entries) and the newsroom profile (a hash of its language and words,
checker.profile); the last two are rendered only when given, so signatures without them stay as
they were.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Iterable

#: the rendered order; a field's name is its key in the string
_KEYS = ("checker", "lang", "lm", "lex", "tr", "det", "thr", "signals", "allow", "ctx", "gloss", "prof")
#: fields rendered only when not "none" (they came later: older signatures stay unchanged)
_OPTIONAL = ("gloss", "prof")


def allowlist_digest(words: Iterable[str]) -> str:
    """8 hex digits of sha256 over the sorted, normalised words; "none" for an empty allowlist."""
    ws = sorted(set(words))
    if not ws:
        return "none"
    return hashlib.sha256("\n".join(ws).encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class Signature:
    checker: str  # the package version
    lang: str
    lm: str  # "none", "ngram-en@<sha8>", a transformers model's id, "+cm:..." for a context model
    lex: str  # word lists (and full-form dictionary) with their versions
    tr: str  # digest of the translators' statistics, or "none"
    det: str  # digest of the detector weights
    thr: float  # the reporting threshold
    signals: tuple[str, ...]
    allow: str = "none"  # allowlist_digest()
    ctx: str = "file"  # "file" or "line"
    gloss: str = "none"  # Glossary.digest()
    prof: str = "none"  # Profile.digest (checker.profile)

    def __str__(self) -> str:
        vals = {**asdict(self), "thr": f"{self.thr:.3f}", "signals": "+".join(self.signals)}
        # a glossary or profile is rendered only when there is one: signatures without stay as they were
        return "|".join(f"{k}:{vals[k]}" for k in _KEYS if k not in _OPTIONAL or vals[k] != "none")

    @classmethod
    def parse(cls, text: str) -> "Signature":
        """The Signature a string renders; ValueError for a string that is not one."""
        parts = dict(p.split(":", 1) for p in text.split("|") if ":" in p)
        missing = [k for k in _KEYS[:8] if k not in parts]  # allow, ctx, gloss came later: defaults
        if missing:
            raise ValueError(f"not a checker signature (no {', '.join(missing)}): {text!r}")
        return cls(checker=parts["checker"], lang=parts["lang"], lm=parts["lm"], lex=parts["lex"], tr=parts["tr"],
                   det=parts["det"], thr=float(parts["thr"]), signals=tuple(parts["signals"].split("+")),
                   allow=parts.get("allow", "none"), ctx=parts.get("ctx", "file"), gloss=parts.get("gloss", "none"),
                   prof=parts.get("prof", "none"))


__all__ = ["Signature", "allowlist_digest"]
