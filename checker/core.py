"""The Checker: Document -> signals -> detector -> suggester -> Report."""
from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

from .assets import embedded
from .detector import Detector
from .glossary import EMPTY, Glossary, read_glossary
from .document import Document
from .errors import ModelError, probability
from .languages import normalize_lang
from .langid import detect_language
from .lexicon import norm
from .lm.base import LanguageModel
from .morphology import describe as describe_morphology
from .plain import PlainLines
from .profile import Profile, check_lang, read_profile
from .translation import bundle_digest
from .report import Report
from .signature import Signature, allowlist_digest
from .resources import Resources
from .signals import DEFAULT_PIPELINE, check_pipeline, get_signal
from .suggest import Suggester
from .version import __version__

_log = logging.getLogger(__name__)


def load_lm(model: str | LanguageModel | None, lang: str) -> LanguageModel | None:
    """``"ngram"`` (the embedded default), ``"none"``, a LanguageModel, a directory of n-gram
    artifacts, or a transformers model: a hub id or local directory (``mlm:``/``clm:`` prefixes
    force the kind; otherwise its config decides)."""
    if model is None or isinstance(model, LanguageModel):
        return model
    if model == "none":
        return None
    from .lm.ngram import NgramLM, load_ngram

    if model == "ngram":
        # the news corpus names Croatian "hr"; wordfreq folds it into Serbo-Croatian "sh"
        lm = load_ngram({"sh": "hr"}.get(lang, lang))
        if lm is None:
            _log.warning("no embedded n-gram model for %s: the perplexity signal is off (lm:none in the signature)",
                         lang)
        return lm
    p = Path(model)
    # a path (not a hub id like "xlm-roberta-base" or "org/name") that is not there: say so
    # before anything else, not "needs the neural extra"
    if not p.exists() and (model.startswith((".", "/", "~")) or os.sep + os.sep in model or p.suffix == ".npz"
                           or model.count("/") > 1):
        raise ModelError(f"no such model file or directory: {model}")
    if p.suffix == ".npz" or (p.is_dir() and any(p.glob("*.npz"))):
        try:
            return NgramLM.from_pretrained(model, lang)
        except (OSError, ValueError) as e:
            raise ModelError(f"cannot load language model {model!r} for {lang}: {e}") from None
    try:
        from .lm.hf import load_hf  # a hub id or a transformers directory; imports torch
    except ModelError:  # the neural extra is not installed: name the option that needs it
        raise ModelError(f"--model {model} needs the neural extra: pip install 'translation-checker[neural]'") from None

    return load_hf(model, lang)


EMBEDDED_CONTEXT_MODEL = embedded("mlm")


@lru_cache(maxsize=4)
def load_context_model(spec: str | None):
    """``None``/``"none"``, ``"embedded"`` (models/mlm, the project's own), or a masked LM's hub
    id or directory. Loaded once per process and shared by every language."""
    if spec in (None, "none"):
        return None
    try:
        from .lm.hf import ContextModel  # imports torch
    except ModelError:  # the neural extra is not installed: name the option that needs it
        raise ModelError(f"--context-model {spec} needs the neural extra: "
                         "pip install 'translation-checker[neural]'") from None

    if spec == "embedded":
        if not (EMBEDDED_CONTEXT_MODEL / "config.json").is_file():
            raise ModelError(f"the embedded context model is missing from {EMBEDDED_CONTEXT_MODEL} "
                             "(rebuild it with `python models/train_mlm.py`)")
        spec = str(EMBEDDED_CONTEXT_MODEL)
    return ContextModel.from_pretrained(spec)


class Checker:
    """Finds tokens that do not belong in a (translated) text and suggests fixes.

    >>> Checker(lang="en").check("The the cat sat.").anomalies[0].kind
    'repetition'

    ``allowlist``: words never to flag (a single string is one word); ``glossary``: a TSV or TBX
    file (or a ``checker.glossary.Glossary``) of source terms and the target terms a translation
    with its source must use (kind ``term``); ``profile``: a newsroom profile directory (or a
    ``checker.profile.Profile``) built by ``checker adapt``: its words are known and are spelling
    candidates; it is for one language (its own when ``lang`` is None, not the default "en";
    another is a UsageError); ``threshold``: the minimum score to report, in [0, 1] (default:
    calibrated per language; anything else is a UsageError).
    Models load once per language and stay loaded for the Checker's life.
    """

    def __init__(self, lang: str | None = "en", model: str | LanguageModel | None = "ngram",
                 pipeline: Sequence[str] = DEFAULT_PIPELINE, allowlist: Iterable[str] = (),
                 threshold: float | None = None, detector: str | None = None,
                 suggestions: int = 5, context_model: str | None = "none",
                 glossary: "str | os.PathLike | Glossary | None" = None,
                 profile: "str | os.PathLike | Profile | None" = None):
        #: what a worker process needs to build the same Checker (Checker.pipe with n_process > 1)
        self.init_kwargs = {"lang": lang, "model": model, "pipeline": tuple(pipeline),
                            "allowlist": [allowlist] if isinstance(allowlist, str) else list(allowlist),
                            "threshold": threshold, "detector": detector, "suggestions": suggestions,
                            "context_model": context_model,
                            "glossary": str(glossary) if isinstance(glossary, (str, os.PathLike)) else glossary,
                            "profile": str(profile) if isinstance(profile, (str, os.PathLike)) else profile}
        #: the newsroom profile (checker.profile), or None; it names the language when none is given
        self.profile = read_profile(profile) if isinstance(profile, (str, os.PathLike)) else profile
        if lang is None and self.profile is not None:
            lang = self.profile.lang
        self.lang = normalize_lang(lang) if lang else None
        self.model = model
        self.context_model = context_model
        self.pipeline = tuple(pipeline)
        check_pipeline(self.pipeline)  # a typo, or a signal before what it reads: one line, now
        if isinstance(allowlist, str):  # one word, not its letters
            allowlist = [allowlist]
        self.allowlist = frozenset(norm(w) for w in allowlist)
        #: the user's glossary (checker.glossary): a path (TSV or TBX) or a Glossary
        self.glossary = (read_glossary(glossary) if isinstance(glossary, (str, os.PathLike))
                         else glossary if glossary is not None else EMPTY)
        self.detector = Detector.load(detector)
        self.threshold = None if threshold is None else probability("threshold", threshold)
        self.n_suggestions = suggestions
        # per language, for the life of this Checker: the languages are a bounded set (about 40),
        # and evicting one reloads its models (a 16-entry LRU thrashed at 17 languages: 99 ms per
        # check instead of 4 ms)
        self._loaded: dict[str, tuple] = {}
        self._plain: dict[str, PlainLines | None] = {}
        self._signatures: dict[tuple[str, bool], tuple[Signature, str]] = {}
        if self.lang:
            self._parts(self.lang)  # load models now, not on the first text

    def _parts(self, lang: str):
        got = self._loaded.get(lang)
        if got is None:
            got = self._loaded[lang] = self._load(lang)
        return got

    def _load(self, lang: str):
        if self.profile is not None:
            check_lang(self.profile, lang)  # one line, before any model loads
        res = Resources(lang=lang, lm=load_lm(self.model, lang), allowlist=self.allowlist,
                        cm=load_context_model(self.context_model), glossary=self.glossary, profile=self.profile)
        signals = [get_signal(n)(res) for n in self.pipeline]
        return res, signals, Suggester(res, self.detector.extra.get("suggester"), k=self.n_suggestions,
                                        cm_weights=self.detector.extra.get("suggester_cm"))

    def _plain_lines(self, lang: str) -> "PlainLines | None":
        """The plain-line test for ``lang``, or None when a signal of the pipeline could report
        something on a plain line (checker.plain)."""
        if lang not in self._plain:
            _, signals, _ = self._parts(lang)
            lexicon = next((s for s in signals if s.name == "lexicon"), None)
            quiet = lexicon is not None and all(s.quiet_on_plain_lines() for s in signals)
            self._plain[lang] = PlainLines(lexicon) if quiet else None
        return self._plain[lang]

    def signature(self, lang: str, file_context: bool = True) -> str:
        """Everything that determines the numbers, sacrebleu-style (see checker.signature);
        ``file_context``: whether lines are judged with their document's word counts."""
        return self._signature_entry(lang, file_context)[1]

    def signature_info(self, lang: str, file_context: bool = True) -> Signature:
        """The Signature object behind signature()."""
        return self._signature_entry(lang, file_context)[0]

    def _signature_entry(self, lang: str, file_context: bool) -> tuple[Signature, str]:
        key = (lang, file_context)
        got = self._signatures.get(key)
        if got is None:  # built and formatted once: every Report carries the text
            sig = self._signature(lang, file_context)
            got = self._signatures[key] = (sig, str(sig))
        return got

    def _signature(self, lang: str, file_context: bool) -> Signature:
        from importlib.metadata import version

        res, _, _ = self._parts(lang)
        lm = res.lm.name if res.lm is not None else "none"
        if res.cm is not None and res.cm.covers(lang):
            lm += f"+{res.cm.name}"
        thr = self.threshold if self.threshold is not None else self.detector.threshold(lang)
        from .normalise import VERSION as NORM_VERSION

        lex = f"wordfreq-{version('wordfreq')}+norm{NORM_VERSION}"  # lookup keys as wordfreq folds them
        morph = describe_morphology(lang)
        if morph:
            lex += f"+{morph}"
        return Signature(checker=__version__, lang=lang, lm=lm, lex=lex, tr=bundle_digest(), det=self.detector.digest,
                         thr=thr, signals=self.pipeline, allow=allowlist_digest(self.allowlist),
                         ctx="file" if file_context else "line", gloss=self.glossary.digest(),
                         prof=self.profile.digest if self.profile is not None else "none")

    def annotate(self, text: str, source: str | None = None, source_lang: str | None = None,
                 lang: str | None = None, context: Mapping[str, int] | None = None) -> Document:
        """Run the signals only; the Document carries all evidence (for tools and calibration)."""
        lang = lang or self.lang or self._detect(text)
        res, signals, _ = self._parts(lang)
        doc = Document.from_text(text, lang, source, normalize_lang(source_lang) if source_lang else None,
                                 context, tokenizer=res.tokenizer)
        for s in signals:
            s(doc)
        return doc

    def check(self, text: str, source: str | None = None, source_lang: str | None = None,
              context: Mapping[str, int] | None = None, lang: str | None = None) -> Report:
        """Check one text (a sentence, a line or a whole article).

        ``context`` holds word counts of the enclosing document (see ``document.word_counts``)
        when ``text`` is one line of it: a word that recurs in the document is a term or a name.
        """
        lang = normalize_lang(lang) if lang else self.lang
        if source is None and lang is not None:
            plain = self._plain_lines(lang)
            n = plain.words(text) if plain is not None else None
            if n is not None:  # provably nothing to report (checker.plain)
                return Report(text=text, lang=lang, anomalies=[], signature=self.signature(lang, context is not None),
                              words=n)
        doc = self.annotate(text, source, source_lang, lang=lang, context=context)
        res, _, suggester = self._parts(doc.lang)
        anomalies = self.detector(doc, self.threshold)
        suggester(doc, anomalies)
        return Report(text=text, lang=doc.lang, anomalies=anomalies, signature=self.signature(doc.lang, context is not None),
                      words=sum(1 for t in doc.tokens if t.is_word), meta={k: v for k, v in doc.meta.items() if k == "detected"})

    def pipe(self, items: Iterable, *, context: "str | Mapping[str, int]" = "file", n_process: int = 1,
             batch_size: int = 32) -> Iterator[Report]:
        """One Report per item, in input order — spaCy's ``Language.pipe`` for translations.

        An item is a text (str), a ``(text, source)`` pair, a mapping or ``checker.pipe.Text``
        with ``text`` and optional ``source``, ``lang``, ``source_lang``, ``id``. Each text is a
        document: its lines are checked one by one (blank ones skipped), its source line by line,
        and the Report's offsets are offsets into the whole text. ``context``: ``"file"`` judges
        each line with its own document's word counts (a rare word that recurs in it is a term or
        a name), ``"line"`` alone, and word counts (``document.word_counts``) apply those to every
        item (the items are the lines of one document). ``n_process`` > 1 checks batches of
        ``batch_size`` items in that many worker processes (checker.pool: spawned, ordered, they
        end with this process); the output is the same as with one.
        """
        from .pipe import pipe

        return pipe(self, items, context=context, n_process=n_process, batch_size=batch_size)

    def check_many(self, items: Iterable[str | tuple[str, str | None]],
                   source_lang: str | None = None,
                   context: Mapping[str, int] | None = None) -> Iterator[Report]:
        """Stream reports for texts, or (text, source) pairs, in order; ``context`` as in check()."""
        for it in items:
            if isinstance(it, tuple):
                yield self.check(it[0], it[1], source_lang, context)
            else:
                yield self.check(it, context=context)

    def _detect(self, text: str) -> str:
        lang, _ = detect_language(text)
        if lang == "und":
            _log.info("language not recognised in %r...: checked as English", text[:40])
            lang = "en"
        return normalize_lang(lang)
