"""The signal interface and registry: each signal reads a Document and adds per-token evidence."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Callable, TYPE_CHECKING

if TYPE_CHECKING:
    from ..document import Document
    from ..resources import Resources

_REGISTRY: dict[str, type["Signal"]] = {}


class Signal(ABC):
    """A pipeline component. ``__call__`` annotates ``token.evidence[self.name]`` in place."""

    name: str = ""

    def __init__(self, resources: "Resources"):
        self.res = resources

    @abstractmethod
    def __call__(self, doc: "Document") -> None: ...

    def describe(self) -> str:
        """What the signal used, for the report signature."""
        return self.name


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
