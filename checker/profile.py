"""Newsroom profiles: what a newsroom's own archive knows that the embedded models do not.

``checker adapt --lang L --out DIR FILE...`` reads a monolingual archive (one sentence or
paragraph per line) and writes a *profile directory*; ``--profile DIR`` (every shell,
``profile = "dir"`` in ``.checker.toml``, ``Checker(profile=...)``) makes the checker use it.

A profile holds the words that recur in the archive (at least ``min_count`` times on at least
``min_lines`` lines) but are unknown or rare (below Zipf 3, where the lexicon signal starts to
examine a word) to the embedded lexicon (wordfreq): the newsroom's names and terms. With a
profile such a word is *known*: it enters the target lexicon at its archive frequency (never
below Zipf 3, so it is not examined; never above Zipf 4, so it does not outrank the language's
common words as a spelling candidate), and it is a *spelling candidate*: a slip of it (a
misspelt newsroom name) is read as a misspelling of the profile's spelling.

Format (``FORMAT`` 1), a directory of plain files, no pickles:

* ``profile.json``: ``{"format", "kind": "checker-profile", "lang", "min_count", "min_lines",
  "sources": [{"name", "bytes", "lines"}], "counts": {"lines", "words", "entries"},
  "files": {"words.tsv": sha256}}``, keys sorted;
* ``words.tsv``: a ``#`` header, then ``key<TAB>form<TAB>count<TAB>lines<TAB>mid<TAB>cap_share
  <TAB>zipf`` per word, most frequent first (ties by key): the lookup key (the lexicon's own
  normal form), the most frequent written form, occurrences, lines holding it, occurrences not
  first in their sentence, the share of those written with a capital (``-`` when none) — the
  word's capitalisation habit — and its Zipf value in wordfreq.

Invariants: the same input files (same names, same bytes, same order) and options give
byte-identical files; a profile is for one language (another is a UsageError); its digest (the
``prof:`` field of the signature) is a hash of its language and its words file, so two profiles
with the same signature field change detection alike; a profile never changes the lexicon shared
by Checkers without one (``Lexicon.with_words`` copies).
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable

from .errors import InputError, OutputError, UsageError, os_error_message
from .spelling import MIN_CANDIDATE_ZIPF, SkeletonTable, SpellIndex, skeleton

FORMAT = 1
KIND = "checker-profile"
MANIFEST = "profile.json"
WORDS = "words.tsv"
#: a word must occur this often, on this many lines, to enter a profile (by default)
MIN_COUNT = 3
MIN_LINES = 2
#: the Zipf range a profile word takes in the lexicon (see the module docstring). The ceiling was
#: measured (bench/adapt_check.py, German newstest 2020 -> 2021): 3.0, 3.5 and 4.0 found 11.4%,
#: 15.4% and 18.0% of slips injected into profile words, at 278, 281 and 281 flags on the clean
#: text (0.82-0.83 per 1,000 words): the higher a candidate, the more slips are read as its
MIN_ZIPF, MAX_ZIPF = 3.0, 4.0
_HEADER = "# key\tform\tcount\tlines\tmid\tcap_share\tzipf\n"


@dataclass(frozen=True)
class Entry:
    """One word of a profile (a row of ``words.tsv``)."""

    key: str
    form: str
    count: int
    lines: int
    mid: int  # occurrences not first in their sentence
    cap_share: float | None  # of those, the share written with a capital; None when mid == 0
    zipf: float  # in wordfreq


@dataclass(frozen=True)
class Profile:
    """A profile directory as read by ``read_profile``."""

    path: Path
    lang: str
    words: dict[str, Entry]
    #: word tokens of the archive (the denominator of a word's archive frequency)
    tokens: int
    digest: str
    manifest: dict = field(default_factory=dict, compare=False)

    @cached_property
    def frequencies(self) -> dict[str, float]:
        """{lookup key: raw frequency} the words take in the lexicon: their archive frequency,
        clamped to [MIN_ZIPF, MAX_ZIPF] — known (not examined) but not a common word of the
        language. The floor matters for large archives (a word seen 3 times in 10 million is
        Zipf 2.5, yet recurs); the ceiling for small ones (3 in 1,000 would be Zipf 6.5)."""
        out = {}
        for k, e in self.words.items():
            z = math.log10(e.count / max(self.tokens, 1)) + 9.0
            out[k] = 10 ** (min(MAX_ZIPF, max(MIN_ZIPF, z)) - 9.0)
        return out

    def lexicon(self, base):
        """``base`` (a checker.lexicon.Lexicon of the profile's language) that also knows the
        profile's words."""
        return base.with_words(self.frequencies)

    def spell_index(self, lexicon, base_index):
        """A checker.spelling.SpellIndex over ``lexicon`` (``self.lexicon(...)``): ``base_index``'s
        skeleton table with the profile's words where one is now its skeleton's best word."""
        floor = 10 ** (MIN_CANDIDATE_ZIPF - 9.0)
        table = base_index.skeletons
        base_freq = base_index.lex.freq
        extra: dict[str, str] = {}
        for w, f in sorted(self.frequencies.items()):  # sorted: ties resolve alike in every process
            if not w.replace("-", "").replace("'", "").isalpha():
                continue
            s = skeleton(w)
            cur = extra.get(s) or table.get(s) or (s if base_freq(s) >= floor else None)
            cur_f = lexicon.freq(cur) if cur else 0.0
            if cur is None or f > cur_f or (f == cur_f and w < cur):
                extra[s] = w
        return SpellIndex(self.lang, lexicon, _OverlaidSkeletons(table, extra))


class _OverlaidSkeletons(SkeletonTable):
    """A skeleton table with some skeletons answered by a small dict first (the profile's)."""

    def __init__(self, base: SkeletonTable, extra: dict[str, str]):
        super().__init__(base.keys, base.offsets, base.blob, base._small)
        self._extra = extra

    def get(self, skel: str) -> str | None:
        got = self._extra.get(skel)
        return got if got is not None else super().get(skel)

    def values_of(self, skels: set[str]) -> list[str]:
        mine = self._extra.keys() & skels
        return [self._extra[s] for s in sorted(mine)] + super().values_of(skels - mine)


def _digest(lang: str, words: bytes) -> str:
    return hashlib.sha256(lang.encode("utf-8") + b"\n" + words).hexdigest()[:8]


def _manifest(path: str | os.PathLike) -> tuple[Path, dict]:
    """The directory and its checked manifest; InputError (exit 3) for anything not a profile."""
    p = Path(path)
    if not p.is_dir():
        raise InputError(f"{path}: no such profile directory" if not p.exists()
                         else f"{path}: not a profile directory (build one with `checker adapt`)")
    try:
        manifest = json.loads((p / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: not a profile directory (no {MANIFEST} or {WORDS}; "
                         "build one with `checker adapt`)") from None
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise InputError(f"{path}: unreadable profile ({e})") from None
    if not isinstance(manifest, dict) or manifest.get("kind") != KIND:
        raise InputError(f"{path}: not a profile directory ({MANIFEST} is not a checker profile manifest)")
    if manifest.get("format") != FORMAT:
        raise InputError(f"{path}: profile format {manifest.get('format')!r}, this checker reads {FORMAT} "
                         "(rebuild it with `checker adapt`)")
    return p, manifest


def read_profile(path: str | os.PathLike) -> Profile:
    """The profile in directory ``path``; InputError (exit 3) for anything that is not one."""
    p, manifest = _manifest(path)
    try:
        words_bytes = (p / WORDS).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: not a profile directory (no {MANIFEST} or {WORDS}; "
                         "build one with `checker adapt`)") from None
    except OSError as e:
        raise InputError(f"{path}: unreadable profile ({e})") from None
    want = manifest.get("files", {}).get(WORDS)
    if want != hashlib.sha256(words_bytes).hexdigest():
        raise InputError(f"{path}: {WORDS} does not match {MANIFEST} (edited or truncated; rebuild the profile)")
    lang = str(manifest.get("lang", ""))
    words: dict[str, Entry] = {}
    try:
        for ln, row in enumerate(words_bytes.decode("utf-8").splitlines(), 1):
            if not row or row.startswith("#"):
                continue
            key, form, count, lines, mid, cap, zipf = row.split("\t")
            words[key] = Entry(key, form, int(count), int(lines), int(mid),
                               None if cap == "-" else float(cap), float(zipf))
    except (ValueError, UnicodeDecodeError):
        raise InputError(f"{path}/{WORDS}: line {ln} is not key, form, count, lines, mid, cap_share, zipf") from None
    return Profile(path=p, lang=lang, words=words, tokens=int(manifest.get("counts", {}).get("words", 0)),
                   digest=_digest(lang, words_bytes), manifest=manifest)


def profile_lang(path: str | os.PathLike) -> str:
    """The language of the profile in ``path``, from its manifest alone (the shells ask before
    the Checker reads the whole profile); InputError if it is not a profile."""
    return str(_manifest(path)[1].get("lang", ""))


def check_lang(profile: Profile, lang: str) -> None:
    """A UsageError (one line) when ``profile`` is used for a language it was not built for."""
    if profile.lang != lang:
        raise UsageError(f"profile {profile.path} is for {profile.lang}, not {lang}: "
                         f"build one for {lang} with `checker adapt --lang {lang}`")


# --- building ---------------------------------------------------------------------------------

def build_profile(lang: str, files: Iterable[str], out: str | os.PathLike, min_count: int = MIN_COUNT,
                  min_lines: int = MIN_LINES, progress: Callable[[str], None] | None = None) -> dict:
    """Read the archive ``files`` (text, one sentence or paragraph per line), write the profile
    directory ``out`` and return its manifest. LanguageError for an unknown ``lang``, InputError
    for a missing, unreadable or empty archive, OutputError when ``out`` cannot be written."""
    from .document import Document, simple_tokenizer
    from .io import read_text
    from .languages import normalize_lang, scripts_of
    from .lexicon import get_lexicon
    from .signals.lexicon import COMMON_FREQ, LexiconSignal

    lang = normalize_lang(lang)  # LanguageError (exit 4) for an unknown code
    if min_count < 1 or min_lines < 1:
        raise UsageError("--min-count and --min-lines must be at least 1")
    files = list(files)
    if not files:
        raise UsageError("checker adapt needs at least one archive file")
    texts = [(f, read_text(f)) for f in files]  # every file readable before any work
    scripts = scripts_of(lang)
    tok = simple_tokenizer(frozenset(scripts))
    lex = get_lexicon(lang)
    key_of = lex.norm
    count: Counter[str] = Counter()
    lines_of: Counter[str] = Counter()
    mid: Counter[str] = Counter()
    cap: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    n_lines = n_words = 0
    sources = []
    total = sum(len(t) for _, t in texts) or 1
    done = 0
    for f, text in texts:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        sources.append({"name": os.path.basename(f) if f != "-" else "<stdin>",
                        "bytes": len(text.encode("utf-8")), "lines": len(lines)})
        for i, line in enumerate(lines):
            doc = Document.from_text(line, lang, tokenizer=tok)
            seen: set[str] = set()
            for seg in range(len(doc.segments)):
                for j, t in enumerate(doc.segment_words(seg)):
                    n_words += 1
                    txt = t.text
                    scripts_w = LexiconSignal._judged(txt) if t.kind == "word" else None
                    if scripts_w is None or not scripts_w <= scripts:
                        continue  # what the lexicon signal never judges needs no profile entry
                    k = key_of(txt)
                    count[k] += 1
                    forms.setdefault(k, Counter())[txt] += 1
                    seen.add(k)
                    if j > 0:  # not first in its sentence: its capital is a habit, not the position
                        mid[k] += 1
                        cap[k] += txt[:1].isupper()
            lines_of.update(seen)
            n_lines += 1
            done += len(line) + 1
            if progress is not None and (i + 1) % 20000 == 0:
                progress(f"adapt: {f}: {i + 1:,} lines ({min(99, 100 * done // total)}%)")
    if not n_words:
        raise InputError(f"{', '.join(files)}: empty archive (no words); "
                         "give one sentence or paragraph per line")
    entries = []
    for k, c in count.items():
        if c < min_count or lines_of[k] < min_lines or lex.freq(k) >= COMMON_FREQ:
            continue
        form = min(forms[k].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        share = round(cap[k] / mid[k], 3) if mid[k] else None
        entries.append(Entry(k, form, c, lines_of[k], mid[k], share, lex.zipf(k)))
    entries.sort(key=lambda e: (-e.count, e.key))
    body = _HEADER + "".join(
        f"{e.key}\t{e.form}\t{e.count}\t{e.lines}\t{e.mid}\t{'-' if e.cap_share is None else f'{e.cap_share:.3f}'}"
        f"\t{e.zipf:.2f}\n" for e in entries)
    words_bytes = body.encode("utf-8")
    manifest = {"format": FORMAT, "kind": KIND, "lang": lang, "min_count": min_count, "min_lines": min_lines,
                "sources": sources, "counts": {"lines": n_lines, "words": n_words, "entries": len(entries)},
                "files": {WORDS: hashlib.sha256(words_bytes).hexdigest()}}
    outp = Path(out)
    if outp.exists() and not outp.is_dir():
        raise OutputError(f"{out}: exists and is not a directory")
    if outp.is_dir() and any(outp.iterdir()) and not (outp / MANIFEST).is_file():
        # never write into (or later overwrite files of) a directory that is not a profile
        raise OutputError(f"{out}: not empty and not a profile directory; choose a new --out")
    try:
        outp.mkdir(parents=True, exist_ok=True)
        for name, data in ((WORDS, words_bytes),
                           (MANIFEST, (json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
                            .encode("utf-8"))):
            tmp = outp / f".{name}.{os.getpid()}.tmp"
            tmp.write_bytes(data)
            os.replace(tmp, outp / name)  # a reader never sees half a file
    except OSError as e:
        raise OutputError(os_error_message(str(outp), e)) from None
    if progress is not None:
        progress(f"adapt: {n_lines:,} lines, {n_words:,} words: {len(entries):,} words in {outp}")
    return manifest


def stderr_progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


__all__ = ["Profile", "Entry", "read_profile", "profile_lang", "check_lang", "build_profile", "FORMAT"]
