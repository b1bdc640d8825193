"""Typed results: anomalies with suggestions, one Report per checked text."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Suggestion:
    """A replacement for ``text[start:end]``; ``""`` means delete. ``score`` estimates how likely
    an editor accepts it (0..1)."""

    text: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "score": round(self.score, 4)}


@dataclass(slots=True)
class Anomaly:
    start: int
    end: int
    text: str
    kind: str  # non-word, misspelling, foreign, untranslated, script, repetition, context
    score: float  # calibrated probability that the span is an error
    reason: str
    suggestions: list[Suggestion] = field(default_factory=list)
    #: the raw evidence behind the decision, for debugging and the HTML report
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, evidence: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "start": self.start, "end": self.end, "text": self.text, "kind": self.kind,
            "score": round(self.score, 4), "reason": self.reason,
            "suggestions": [s.to_dict() for s in self.suggestions],
        }
        if evidence:
            d["evidence"] = self.evidence
        return d


@dataclass(slots=True)
class Report:
    """Everything the checker found in one text, and what produced it."""

    text: str
    lang: str
    anomalies: list[Anomaly]
    signature: str
    words: int = 0
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, evidence: bool = False) -> dict[str, Any]:
        return {
            "lang": self.lang, "words": self.words, "signature": self.signature,
            "anomalies": [a.to_dict(evidence) for a in self.anomalies], "meta": self.meta,
        }

    def flagged(self, min_score: float = 0.0) -> list[Anomaly]:
        return [a for a in self.anomalies if a.score >= min_score]


__all__ = ["Suggestion", "Anomaly", "Report"]
