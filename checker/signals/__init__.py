"""Signals register themselves by name on import; a pipeline lists the names it runs."""
from . import charseq, context, langid, lexicon, names, number, perplexity, repetition, script, source_names, term  # noqa: F401
from .base import Signal, check_pipeline, get_signal, register, registered

DEFAULT_PIPELINE = ("script", "names", "lexicon", "langid", "repetition", "number", "name", "term", "perplexity", "context")

#: signals that run only when asked for (``Checker(pipeline=DEFAULT_PIPELINE + OPT_IN)``):
#: ``charseq`` finds garbled runs and homophone slips in zh/ja (synthetic recall 0.87-0.98 at
#: < 1 false alarm per 1,000 characters), but on real MT output 2 of 50 of its flags are errors
#: (bench/cjk_flags_wmt22.tsv): such errors are rarer there than its false alarms
OPT_IN = ("charseq",)

__all__ = ["Signal", "check_pipeline", "get_signal", "register", "registered", "DEFAULT_PIPELINE", "OPT_IN"]
