"""How human translators treat source words: kept verbatim, or translated (and into what).

A target word that also occurs in the source is usually a kept name (``Biden``), but not always
(``Monday`` left in a German translation). Statistics learned from aligned news translations
(WMT news test sets 2008–2021, NTREX-128) tell the two apart: for a source word of a language
pair, in how many segments it occurred, in how many of those the translator kept it, and what
translators usually wrote instead.

Artifacts: ``models/translation/<src>-<tgt>.npz``, one per ordered pair, written by
``models/build_translation_stats.py``; the directory can be overridden with the ``directory``
argument or ``$CHECKER_TRANSLATION_DIR``.

Invariants
----------
* Keys are ``checker.lexicon.norm`` forms (NFC, casefolded, ’ → '); ``lookup`` normalises its
  argument the same way, so any case of a word finds it.
* ``0 <= kept <= n`` and ``n >= 2`` (the header's ``min_segments``): ``n`` counts segments whose
  source contains the word, ``kept`` those whose target contains it too (casefolded, also as a
  part of a target token split at hyphens and apostrophes: ``Biden-Regierung``, ``l'Europe``,
  ``Trump'ın``).
* ``copy_rate = (kept + 0.5) / (n + 1)``: strictly between 0 and 1, shrunk towards ½ for rare
  words. ``cap_rate`` is the share of mid-sentence source occurrences that were capitalised
  (quantised to 1/100), ``nan`` when the word was only ever seen sentence-initially.
* ``translations``: at most three ``(target word, probability)`` from IBM Model 1, probability
  descending (quantised to 1/100, ties alphabetical), each in its most frequent mid-sentence
  surface form in the target corpus (``Montag``). A word may translate as itself. Single
  Han/kana characters are never stored, so pairs into zh/ja have few or no translations.
* An uncovered pair gives ``None``, never an exception. Files are plain numpy arrays (no
  pickles), byte-identical on rebuild; ``digest`` is the first 12 hex digits of their sha256.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .assets import embedded
from .languages import ALIASES
from .lexicon import norm

__all__ = ["WordStats", "TranslationStats", "get_translation_stats", "covered_pairs", "bundle_digest",
           "translation_dir", "DEFAULT_DIR", "FORMAT_VERSION"]

_log = logging.getLogger(__name__)
DEFAULT_DIR = embedded("translation")
ENV_DIR = "CHECKER_TRANSLATION_DIR"
FORMAT_VERSION = 1
#: translation probabilities are stored as round(p * PROB_SCALE) in uint8
PROB_SCALE = 100
#: cap rates are stored as round(rate * CAP_SCALE) in uint8; CAP_UNKNOWN: never mid-sentence
CAP_SCALE = 100
CAP_UNKNOWN = 255
# How a word's surface form is rebuilt from its key (most words need no string of their own).
SURFACE_KEY, SURFACE_CAPITALIZED, SURFACE_UPPER, SURFACE_EXPLICIT = 0, 1, 2, 3
# Translation slots: empty, the source word's own surface form (kept names need no string),
# else row ``value - TR_FIRST`` of the target word list.
TR_NONE, TR_SAME, TR_FIRST = 0, 1, 2


@dataclass(frozen=True)
class WordStats:
    """What translators did with one source word of a language pair."""

    #: segments whose source contains the word
    n: int
    #: of those, segments whose target contains the same word
    kept: int
    #: smoothed share of segments where the word was kept: (kept + 0.5) / (n + 1)
    copy_rate: float
    #: share of mid-sentence source occurrences written capitalised (nan: none mid-sentence)
    cap_rate: float
    #: usual translations, most probable first: ((target surface form, probability), ...)
    translations: tuple[tuple[str, float], ...]
    #: the word's most frequent surface form in the source corpus
    surface: str = ""


def decode_words(a: np.ndarray) -> list[str]:
    """The word list of an artifact array (UTF-8, newline-separated); used by the builder too."""
    text = a.tobytes().decode("utf-8")
    return text.split("\n") if text else []


class TranslationStats:
    """Word statistics for one ordered pair, loaded from one artifact file."""

    def __init__(self, data: bytes, name: str = "") -> None:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        self.header: dict[str, Any] = json.loads(arrays["header"].tobytes().decode("utf-8"))
        if self.header.get("format") != FORMAT_VERSION:
            raise ValueError(f"{name}: translation stats format {self.header.get('format')}, "
                             f"expected {FORMAT_VERSION}")
        self.src: str = self.header["src"]
        self.tgt: str = self.header["tgt"]
        #: the artifact's file name and a short content hash, for report signatures
        self.name = name or f"{self.src}-{self.tgt}.npz"
        self.digest = hashlib.sha256(data).hexdigest()[:12]
        self._words_raw = arrays["words"]
        self._n = arrays["n"]
        self._kept = arrays["kept"]
        self._cap = arrays["cap"]
        self._code = arrays["surface_code"]
        self._surfaces_raw = arrays["surfaces"]
        self._tr_idx = arrays["tr_idx"]
        self._tr_p = arrays["tr_p"]
        self._tr_words_raw = arrays["tr_words"]
        # built on first lookup: most checks never need them
        # (set last, so a concurrent first lookup never sees a half-built table)
        self._index: dict[str, int] | None = None
        self._words: list[str] = []
        self._rows: list[tuple[int, int, int, int, list[int], list[int]]] = []
        self._tr_words: list[str] = []
        self._explicit: dict[int, str] = {}

    @classmethod
    def from_file(cls, path: str | Path) -> "TranslationStats":
        p = Path(path)
        return cls(p.read_bytes(), p.name)

    @property
    def signature(self) -> str:
        """``<file name>@<digest>``: names the exact artifact in a report."""
        return f"{self.name}@{self.digest}"

    def _build(self) -> dict[str, int]:
        words = decode_words(self._words_raw)
        self._tr_words = decode_words(self._tr_words_raw)
        rows = np.flatnonzero(self._code == SURFACE_EXPLICIT).tolist()
        self._explicit = dict(zip(rows, decode_words(self._surfaces_raw)))
        # plain lists: a lookup then costs no numpy scalar conversions
        self._rows = list(zip(self._n.tolist(), self._kept.tolist(), self._cap.tolist(),
                              self._code.tolist(), self._tr_idx.T.tolist(),
                              self._tr_p.T.tolist()))
        self._words = words
        self._index = {w: i for i, w in enumerate(words)}
        return self._index

    def __len__(self) -> int:
        return int(self._n.size)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.lookup(word) is not None

    def words(self) -> list[str]:
        """Every stored key (alphabetical)."""
        if self._index is None:
            self._build()
        return list(self._words)

    def lookup(self, word: str) -> WordStats | None:
        """The statistics of ``word`` (any case), or None if it was not seen often enough."""
        index = self._index if self._index is not None else self._build()
        i = index.get(norm(word))
        if i is None:
            return None
        n, kept, cap, code, idx, probs = self._rows[i]
        key = self._words[i]
        surface = (key if code == SURFACE_KEY else key[:1].upper() + key[1:]
                   if code == SURFACE_CAPITALIZED else key.upper() if code == SURFACE_UPPER
                   else self._explicit[i])
        trs = tuple((surface if j == TR_SAME else self._tr_words[j - TR_FIRST], q / PROB_SCALE)
                    for j, q in zip(idx, probs) if j != TR_NONE)
        return WordStats(n=n, kept=kept, copy_rate=(kept + 0.5) / (n + 1),
                         cap_rate=math.nan if cap == CAP_UNKNOWN else cap / CAP_SCALE,
                         translations=trs, surface=surface)


def translation_dir(directory: str | Path | None = None) -> Path:
    """Where artifacts are read from: ``directory``, else $CHECKER_TRANSLATION_DIR, else the
    package's ``models/translation``."""
    if directory is not None:
        return Path(directory)
    env = os.environ.get(ENV_DIR)
    return Path(env) if env else DEFAULT_DIR


def _code(lang: str) -> str:
    """The checker's code for ``lang`` ("hr" → "sh", "pt-BR" → "pt"), without importing
    wordfreq (normalize_lang would, and raises for codes it does not know)."""
    raw = (lang or "").strip().lower().replace("_", "-")
    c = ALIASES.get(raw, raw)
    return ALIASES.get(c.split("-")[0], c.split("-")[0]) if "-" in c else c


@lru_cache(maxsize=4)
def bundle_digest(directory: str | Path | None = None) -> str:
    """Short sha256 over every artifact (names and contents), for report signatures; "none"
    when there are none."""
    d = translation_dir(directory)
    files = sorted(d.glob("*-*.npz")) if d.is_dir() else []
    if not files:
        _log.warning("no translators' statistics in %s: untranslated words are judged without them (tr:none)", d)
        return "none"
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:8]


def covered_pairs(directory: str | Path | None = None) -> tuple[tuple[str, str], ...]:
    """Every (src, tgt) with an artifact, sorted."""
    d = translation_dir(directory)
    if not d.is_dir():
        return ()
    out = []
    for p in d.glob("*-*.npz"):
        s, _, t = p.stem.partition("-")
        if s and t and "-" not in t:
            out.append((s, t))
    return tuple(sorted(out))


@lru_cache(maxsize=None)
def _load(path: str, mtime_ns: int, size: int) -> TranslationStats:
    # keyed by mtime and size too, so a rebuilt artifact is picked up without a restart
    return TranslationStats.from_file(path)


def get_translation_stats(src_lang: str, tgt_lang: str,
                          directory: str | Path | None = None) -> TranslationStats | None:
    """Statistics for src→tgt (codes as the checker accepts them, e.g. ``"en"``, ``"hr"`` → sh),
    or None where the data does not cover the pair. Each file is loaded once and cached."""
    s, t = _code(src_lang), _code(tgt_lang)
    if not (s.isalpha() and t.isalpha()) or s == t:
        return None  # also keeps odd input from naming a path outside the directory
    path = translation_dir(directory) / f"{s}-{t}.npz"
    try:
        st = path.stat()
    except OSError:
        return None
    return _load(str(path.resolve()), st.st_mtime_ns, st.st_size)
