"""The signal interface and registry: each signal reads a Document and adds per-token evidence.

Each signal declares what it reads and writes (spaCy's ``requires``/``assigns``): ``requires``
names the evidence keys (``token.evidence[key]``) or document annotations (``meta:key``) that
must be written by an earlier signal of the pipeline; ``assigns`` those it writes. A pipeline
whose requirements are not met — a signal before the one it reads, or without it — is refused
when the Checker is built (``check_pipeline``), instead of running with evidence missing.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Callable, TYPE_CHECKING

if TYPE_CHECKING:
    from ..document import Document
    from ..resources import Resources

_REGISTRY: dict[str, type["Signal"]] = {}


class Signal(ABC):
    """A pipeline component. ``__call__`` annotates ``token.evidence[self.name]`` in place."""

    name: str = ""
    #: evidence keys / "meta:" document annotations this signal reads (written earlier)
    requires: tuple[str, ...] = ()
    #: evidence keys / "meta:" document annotations this signal writes
    assigns: tuple[str, ...] = ()

    def __init__(self, resources: "Resources"):
        self.res = resources

    @abstractmethod
    def __call__(self, doc: "Document") -> None: ...

    def quiet_on_plain_lines(self) -> bool:
        """Whether this signal provably reports nothing on a *plain line* (checker.plain: no
        source, only common words of the language, no control, invisible or mojibake characters,
        no word repeated within six words): then Checker.check may skip the whole pipeline for
        such a line. False unless a signal says so; a signal that can flag a common word (a
        context model's wrong word) must keep it False."""
        return False

    def describe(self) -> str:
        """What the signal used, for the report signature."""
        return self.name


@dataclass(frozen=True)
class Finding:
    """A span of the target a source check reports: why, the fix ("" for none) and any further
    evidence; ``claims``: whether other checks leave its span alone (a segment-wide finding
    does not)."""

    start: int
    end: int
    note: str
    fix: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
    claims: bool = True


class SourceSignal(Signal):
    """A check of the target against its source: it runs only when a source comes with the text,
    so it is quiet on plain lines (which have none), and writes its ``find`` results, when there
    are any, as ``meta:<meta_key>`` (the detector reports them as ``kind``)."""

    meta_key: str = ""
    kind: str = ""

    def quiet_on_plain_lines(self) -> bool:
        return True  # a plain line has no source

    def __call__(self, doc: "Document") -> None:
        if doc.source:
            found = self.find(doc)
            if found:
                doc.meta[self.meta_key] = found

    @abstractmethod
    def find(self, doc: "Document") -> list[Finding]: ...


def register(name: str) -> Callable[[type[Signal]], type[Signal]]:
    """Class decorator: make a signal available to pipelines by ``name``."""

    def deco(cls: type[Signal]) -> type[Signal]:
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return deco


def get_signal(name: str) -> type[Signal]:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown signal {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None


def registered() -> list[str]:
    return sorted(_REGISTRY)


def check_pipeline(names: "tuple[str, ...] | list[str]") -> None:
    """Refuse (UsageError, one line) a pipeline with an unknown signal, a signal listed twice, or
    a signal that reads what no earlier signal writes."""
    from ..errors import UsageError

    written: dict[str, str] = {}
    seen: set[str] = set()
    for n in names:
        if n not in _REGISTRY:
            raise UsageError(f"pipeline: unknown signal {n!r}; known: {', '.join(sorted(_REGISTRY))}")
        if n in seen:
            raise UsageError(f"pipeline: signal {n!r} is listed twice")
        seen.add(n)
        cls = _REGISTRY[n]
        for req in cls.requires:
            if req not in written:
                by = [m for m, c in sorted(_REGISTRY.items()) if req in c.assigns]
                where = (f"put {' or '.join(repr(b) for b in by)} before it" if by else "no signal writes it")
                raise UsageError(f"pipeline: {n!r} reads {req!r} evidence, which no earlier signal writes ({where})")
        for a in cls.assigns:
            written.setdefault(a, n)
