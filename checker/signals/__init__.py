"""Signals register themselves by name on import; a pipeline lists the names it runs."""
from . import context, langid, lexicon, names, number, perplexity, repetition, script, source_names, term  # noqa: F401
from .base import Signal, check_pipeline, get_signal, register, registered

DEFAULT_PIPELINE = ("script", "names", "lexicon", "langid", "repetition", "number", "name", "term", "perplexity", "context")

__all__ = ["Signal", "check_pipeline", "get_signal", "register", "registered", "DEFAULT_PIPELINE"]
