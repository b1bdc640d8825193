#!/usr/bin/env python3
"""Build translators' copy statistics and usual translations for every covered language pair.

    python models/build_translation_stats.py [--corpus-dir ../shared/corpora/parallel]
                                             [--out-dir models/translation] [--jobs 2]

For every ordered pair src→tgt that the aligned WMT news test sets and NTREX-128 cover (both
directions of each aligned pair; languages the checker does not support are skipped) it writes
``<out-dir>/<src>-<tgt>.npz`` (format: see ``checker/translation.py``). For each source word type
seen in at least ``MIN_SEGMENTS`` segments it stores

* ``n``: segments whose source contains the word; ``kept``: those of them whose target contains
  the same word (casefolded; also as a part of a target token split at hyphens/apostrophes);
* its most frequent surface form and how often it is capitalised when not sentence-initial;
* its usual translations: the top target words under IBM Model 1 (``IBM1_ITERATIONS`` EM
  iterations with a NULL word), stored in their most frequent target surface form.

All pairs together must fit ``BUDGET`` bytes: each keeps its most frequent words up to one common
cap, the largest of ``VOCAB_CAPS`` that fits (``prune``). ``--table`` prints the model card's
per-pair table for existing artifacts.

The core (``tokenize``/``analyse``, ``build_pair``/``build_segments``, ``prune``, ``serialize``)
works on in-memory sentence pairs, so the tests build a tiny artifact from hand-written pairs.
Output is byte-for-byte reproducible.

Never point this at ``wmt22`` or ``flores200``: they measure the checker.
"""
from __future__ import annotations

import argparse
import io
import json
import sys
import time
import zipfile
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterable, NamedTuple, Sequence

import numpy as np
import regex

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from checker.lexicon import norm  # noqa: E402
from checker.translation import (CAP_SCALE, CAP_UNKNOWN, FORMAT_VERSION,  # noqa: E402
                                 PROB_SCALE, SURFACE_CAPITALIZED, SURFACE_EXPLICIT,
                                 SURFACE_KEY, SURFACE_UPPER, TR_FIRST, TR_NONE, TR_SAME,
                                 decode_words)

Arrays = dict[str, np.ndarray]

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "parallel"
DEFAULT_OUT = ROOT / "models" / "translation"
# Corpora that measure the checker: training on them would flatter it.
FORBIDDEN = ("wmt22", "flores200")

MIN_SEGMENTS = 2         # a word seen in one segment says nothing about how it is translated
# Size: all pairs together must fit BUDGET bytes. Every pair keeps its most frequent words up to
# one common cap, the largest of VOCAB_CAPS that fits (None: no cap).
BUDGET = 8_000_000
VOCAB_CAPS: tuple[int | None, ...] = (None, 20_000, 16_000, 14_000, 12_000, 11_000, 10_000,
                                      9_000, 8_000, 7_500, 7_000, 6_500, 6_000, 5_500, 5_000,
                                      4_500, 4_000, 3_000, 2_000, 1_000)
TOP_TRANSLATIONS = 3
MIN_TRANSLATION_P = 0.1  # below this a Model 1 translation is mostly noise (and costs space)
IBM1_ITERATIONS = 5
EM_MAX_LEN = 80          # longer segments still count for n/kept but not for EM (cost ~ len²)

# The checker's word pattern; Han, Hiragana and Katakana characters are tokens of their own
# (no spaces to split on), so a Latin name inside Chinese or Japanese text is still a token.
WORD_RE = regex.compile(r"[\p{L}\p{M}]+(?:['’\-][\p{L}\p{M}]+)*")
_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}ー々"
CJK_WORD_RE = regex.compile(
    rf"[{_CJK}]|[[\p{{L}}\p{{M}}]--[{_CJK}]]+(?:['’\-][[\p{{L}}\p{{M}}]--[{_CJK}]]+)*", regex.V1)
CJK_CHAR_RE = regex.compile(rf"[{_CJK}]", regex.V1)
GAP_WORD_RE = regex.compile(rf"([^\p{{L}}\p{{M}}]*)({WORD_RE.pattern})")
CJK_GAP_WORD_RE = regex.compile(rf"([^\p{{L}}\p{{M}}]*)({CJK_WORD_RE.pattern})", regex.V1)
#: languages written without spaces: per-character tokens, no source keys or translations
#: made of Han/kana characters (a single character is not a word)
UNSEGMENTED = frozenset({"zh", "ja"})
# Punctuation between two words after which the next word may be capitalised for reasons other
# than being a name (sentence end, quote, colon, bracket, dash): such tokens are left out of
# the mid-sentence capitalisation rate.
INITIAL_MARKS = frozenset(".!?:;\"“”«»„‟(（[「『‘'—–-•…·|")
# Target tokens also match their parts: "Biden-Regierung" keeps "Biden", "l'Europe" keeps
# "Europe" (French/Italian/Catalan elision would otherwise read as a translation).
PART_SPLIT = regex.compile(r"['’\-]")

# NTREX-128 file codes → the checker's codes. Left out on purpose: eng-* (English into English),
# nno (the checker folds nn into nb; Bokmål alone is cleaner), srp-Cyrl (sh is checked mostly in
# Latin script, and Cyrillic references would read every Latin name as "translated"), yue and
# prs (Cantonese, Dari: not the checker's zh, fa). Codes the checker does not support are
# dropped later by ``supported``.
NTREX_CODES = {
    "arb": "ar", "bul": "bg", "ben": "bn", "cat": "ca", "ces": "cs", "dan": "da", "deu": "de",
    "ell": "el", "spa": "es", "spa-MX": "es", "2.spa": "es", "fas": "fa", "fin": "fi",
    "fil": "fil", "fra": "fr", "fra-CA": "fr", "heb": "he", "hin": "hi", "hun": "hu", "ind": "id",
    "isl": "is", "ita": "it", "jpn": "ja", "kor": "ko", "lit": "lt", "lav": "lv", "mkd": "mk",
    "msa": "ms", "nob": "nb", "nld": "nl", "pol": "pl", "por": "pt", "por-BR": "pt", "ron": "ro",
    "rus": "ru", "hrv": "sh", "bos": "sh", "srp-Latn": "sh", "slk": "sk", "slv": "sl",
    "swe": "sv", "tam": "ta", "tur": "tr", "ukr": "uk", "urd": "ur", "vie": "vi",
    "zho_Hans": "zh", "zho_Hant": "zh",
    # not supported by the checker today, mapped so that they appear if it ever is
    "afr": "af", "est": "et", "guj": "gu", "hau": "ha", "kaz": "kk", "khm": "km", "pus": "ps",
}


# ------------------------------------------------------------------------- tokens
class Token(NamedTuple):
    surface: str
    key: str        # norm(surface): NFC, casefolded, ’ → '
    initial: bool   # sentence-initial or after a quote/colon/bracket/dash: case says nothing
    cjk: bool       # a single Han/kana character: an alignment unit, never a stored word


class Segment(NamedTuple):
    """One side of a segment pair, as the statistics need it."""
    keys: list[str]                       # every token's key in order (IBM Model 1 input)
    words: set[str]                       # keys that can be stored (no lone Han/kana)
    matches: set[str]                     # what a source word can match when this is a target
    forms: list[tuple[str, str, bool]]    # (key, surface, initial) of the word tokens


def tokenize(text: str, lang: str) -> list[Token]:
    """Word tokens of one segment (letters and marks; numbers and punctuation dropped)."""
    cjk_lang = lang in UNSEGMENTED or lang == "ko"
    out: list[Token] = []
    # (text since the previous word, word) pairs in one C-level pass
    for i, (gap, s) in enumerate((CJK_GAP_WORD_RE if cjk_lang else GAP_WORD_RE).findall(text)):
        initial = i == 0 or not INITIAL_MARKS.isdisjoint(gap)
        cjk = cjk_lang and len(s) == 1 and CJK_CHAR_RE.match(s) is not None
        out.append(Token(s, s.lower() if s.isascii() else norm(s), initial, cjk))
    return out


def match_set(tokens: Iterable[Token]) -> set[str]:
    """Keys a source word can match in a target segment: tokens and their hyphen/elision parts."""
    out: set[str] = set()
    for t in tokens:
        out.add(t.key)
        if "-" in t.key or "'" in t.key:
            out.update(p for p in PART_SPLIT.split(t.key) if p)
    return out


def analyse(text: str, lang: str) -> Segment:
    toks = tokenize(text, lang)
    words = [t for t in toks if not t.cjk]
    return Segment([t.key for t in toks], {t.key for t in words}, match_set(toks),
                   [(t.key, t.surface, t.initial) for t in words])


# ------------------------------------------------------------------------- IBM Model 1
def ibm1(src: Sequence[np.ndarray], tgt: Sequence[np.ndarray], n_src: int, n_tgt: int,
         iterations: int = IBM1_ITERATIONS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """IBM Model 1 lexical table t(f|e), vectorised over all (segment, e-position, f-position)
    cells. ``src`` arrays must already contain the NULL word (id 0). Returns the co-occurring
    pairs (e ids, f ids, t(f|e)) sorted by (e, f); pairs that never co-occur have t = 0.

    Model 1 is convex, so the uniform start is as good as any and the result deterministic.
    """
    # Cells are laid out target-position-major: for each target token, the source tokens of its
    # segment are contiguous, so the E-step denominator is one np.add.reduceat.
    ls = np.array([len(e) for e in src], dtype=np.int64)
    lt = np.array([len(f) for f in tgt], dtype=np.int64)
    if not lt.sum():
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    e_flat = np.concatenate(list(src)).astype(np.int64)
    f_flat = np.concatenate(list(tgt)).astype(np.int64)
    e_start = np.cumsum(ls) - ls
    blocks = np.repeat(ls, lt)                       # cells of each target position
    starts = np.cumsum(blocks) - blocks
    seg = np.repeat(np.repeat(np.arange(ls.size), lt), blocks)  # segment of each cell
    within = np.arange(int(blocks.sum()), dtype=np.int64) - np.repeat(starts, blocks)
    keys = f_flat.repeat(blocks) * n_src + e_flat[e_start[seg] + within]  # f * n_src + e
    del seg, within
    uniq, inv = np.unique(keys, return_inverse=True)
    del keys
    inv = inv.astype(np.int32 if uniq.size < 2**31 else np.int64).ravel()
    pair_e = (uniq % n_src).astype(np.int64)
    pair_f = (uniq // n_src).astype(np.int64)
    t = np.ones(uniq.size)
    for _ in range(iterations):
        tc = t[inv]
        denom = np.add.reduceat(tc, starts)
        tc /= np.repeat(denom, blocks)
        counts = np.bincount(inv, weights=tc, minlength=uniq.size)
        total = np.bincount(pair_e, weights=counts, minlength=n_src)
        t = counts / total[pair_e]
    order = np.lexsort((pair_f, pair_e))
    return pair_e[order], pair_f[order], t[order]


# ------------------------------------------------------------------------- one pair
def _best_surface(forms: Counter) -> str:
    """Most frequent mid-sentence form (ties: alphabetical), else most frequent overall.
    ``forms`` counts (surface, initial)."""
    mid = [(c, w) for (w, initial), c in forms.items() if not initial]
    pool = mid or [(c, w) for (w, _), c in forms.items()]
    return min(pool, key=lambda cw: (-cw[0], cw[1]))[1]


def _surface_code(key: str, surface: str) -> int:
    if surface == key:
        return SURFACE_KEY
    if surface == key[:1].upper() + key[1:]:
        return SURFACE_CAPITALIZED
    if surface == key.upper():
        return SURFACE_UPPER
    return SURFACE_EXPLICIT


def _text(words: Sequence[str]) -> np.ndarray:
    return np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8)


def _uint(a: Sequence[int] | np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.int64)
    return a.astype(np.min_scalar_type(int(a.max()) if a.size else 0))


def _forms_by_key(counts: Counter) -> dict[str, Counter]:
    out: dict[str, Counter] = defaultdict(Counter)
    for (key, surface, initial), c in counts.items():
        out[key][(surface, initial)] += c
    return out


def build_pair(pairs: Sequence[tuple[str, str]], src_lang: str, tgt_lang: str,
               **kwargs) -> Arrays:
    """The artifact arrays for src→tgt from aligned (source, target) segment pairs; keyword
    arguments as for ``build_segments``."""
    return build_segments([(analyse(a, src_lang), analyse(b, tgt_lang)) for a, b in pairs],
                          src_lang, tgt_lang, **kwargs)


def build_segments(segs: Sequence[tuple[Segment, Segment]], src_lang: str, tgt_lang: str, *,
                   sources: Sequence[tuple[str, int]] = (), min_segments: int = MIN_SEGMENTS,
                   max_vocab: int | None = None, iterations: int = IBM1_ITERATIONS,
                   top: int = TOP_TRANSLATIONS, min_p: float = MIN_TRANSLATION_P) -> Arrays:
    """The artifact arrays for src→tgt from analysed segment pairs (see ``analyse``)."""
    n: Counter = Counter()
    kept: Counter = Counter()
    src_forms: Counter = Counter()  # (key, surface, initial)
    tgt_forms: Counter = Counter()
    src_ids: dict[str, int] = {"": 0}  # id 0 is the NULL word
    tgt_ids: dict[str, int] = {}
    em_src: list[np.ndarray] = []
    em_tgt: list[np.ndarray] = []
    tokens_src = tokens_tgt = 0
    for s, t in segs:
        tokens_src += len(s.keys)
        tokens_tgt += len(t.keys)
        n.update(s.words)
        kept.update(s.words & t.matches)
        src_forms.update(s.forms)
        tgt_forms.update(t.forms)
        if 0 < len(s.keys) <= EM_MAX_LEN and 0 < len(t.keys) <= EM_MAX_LEN:
            em_src.append(np.array([0] + [src_ids.setdefault(k, len(src_ids)) for k in s.keys],
                                   dtype=np.int64))
            em_tgt.append(np.array([tgt_ids.setdefault(k, len(tgt_ids)) for k in t.keys],
                                   dtype=np.int64))

    candidates = [w for w, c in n.items() if c >= min_segments]
    # the most frequent words (ties alphabetical) up to the cap, then stored alphabetically
    candidates.sort(key=lambda w: (-n[w], w))
    stored = sorted(candidates[:max_vocab] if max_vocab is not None else candidates)
    keep = set(stored)
    sforms = _forms_by_key(Counter({f: c for f, c in src_forms.items() if f[0] in keep}))
    surfaces = [_best_surface(sforms[w]) for w in stored]
    mid = Counter()
    cap_mid = Counter()
    for w, forms in sforms.items():
        for (surface, initial), c in forms.items():
            if not initial:
                mid[w] += c
                cap_mid[w] += c * surface[:1].isupper()

    # translations: target words only (a lone Han/kana character is not one)
    pe, pf, pt = ibm1(em_src, em_tgt, len(src_ids), len(tgt_ids), iterations)
    tgt_words = [""] * len(tgt_ids)
    for w, i in tgt_ids.items():
        tgt_words[i] = w
    word_keys = {f[0] for f in tgt_forms}
    usable_f = np.array([w in word_keys for w in tgt_words], dtype=bool)
    bounds = np.searchsorted(pe, np.arange(len(src_ids) + 1))
    chosen: list[list[tuple[str, int]]] = []
    for w in stored:
        sid = src_ids.get(w)
        best: list[tuple[str, int]] = []
        if sid is not None:
            lo, hi = bounds[sid], bounds[sid + 1]
            f, p = pf[lo:hi], pt[lo:hi]
            q = np.rint(p * PROB_SCALE).astype(np.int64)
            ok = usable_f[f] & (p >= min_p) & (q > 0)
            f, q = f[ok], q[ok]
            # rank by the stored (quantised) probability, ties alphabetical: deterministic
            order = sorted(range(len(f)), key=lambda i: (-q[i], tgt_words[f[i]]))[:top]
            best = [(tgt_words[f[i]], int(q[i])) for i in order]
        chosen.append(best)

    # Translations as indices: TR_NONE, TR_SAME (the source surface itself: kept names cost no
    # string), else TR_FIRST + row of tr_words (most used first, so small numbers dominate).
    needed = {t for best in chosen for t, _ in best}
    tforms = _forms_by_key(Counter({f: c for f, c in tgt_forms.items() if f[0] in needed}))
    tsurf = {t: _best_surface(tforms[t]) for t in needed}
    rows: list[list[tuple[str | None, int]]] = []
    for surface, best in zip(surfaces, chosen):
        rows.append([(None if tsurf[t] == surface else tsurf[t], q) for t, q in best])
    use = Counter(t for row in rows for t, _ in row if t is not None)
    tvocab = sorted(use, key=lambda w: (-use[w], w))
    tindex = {w: i + TR_FIRST for i, w in enumerate(tvocab)}
    tr_idx = np.full((top, len(stored)), TR_NONE, dtype=np.int64)
    tr_p = np.zeros((top, len(stored)), dtype=np.uint8)
    for r, row in enumerate(rows):
        for c, (t, q) in enumerate(row):
            tr_idx[c, r] = TR_SAME if t is None else tindex[t]
            tr_p[c, r] = q

    codes = [_surface_code(w, s) for w, s in zip(stored, surfaces)]
    cap = [CAP_UNKNOWN if mid[w] == 0 else int(round(cap_mid[w] / mid[w] * CAP_SCALE))
           for w in stored]
    header = {
        "format": FORMAT_VERSION, "src": src_lang, "tgt": tgt_lang,
        "segments": len(segs), "segments_em": len(em_src),
        "tokens_src": tokens_src, "tokens_tgt": tokens_tgt,
        "types_src": len(n), "types_eligible": len(candidates), "types_stored": len(stored),
        "min_segments": min_segments, "max_vocab": max_vocab, "ibm1_iterations": iterations,
        "em_max_len": EM_MAX_LEN, "min_translation_p": min_p,
        "sources": [[name, count] for name, count in sources],
    }
    return {
        "header": _text([json.dumps(header, sort_keys=True, ensure_ascii=False)]),
        "words": _text(stored),
        "n": _uint([n[w] for w in stored]),
        "kept": _uint([kept[w] for w in stored]),
        "cap": np.asarray(cap, dtype=np.uint8),
        "surface_code": np.asarray(codes, dtype=np.uint8),
        "surfaces": _text([s for s, c in zip(surfaces, codes) if c == SURFACE_EXPLICIT]),
        "tr_idx": _uint(tr_idx),
        "tr_p": tr_p,
        "tr_words": _text(tvocab),
    }


def prune(arrays: Arrays, max_vocab: int | None) -> Arrays:
    """The same artifact keeping only the ``max_vocab`` most frequent words (ties alphabetical);
    the target word list is rebuilt so that it holds only what the kept words use."""
    header = json.loads(arrays["header"].tobytes().decode("utf-8"))
    header["max_vocab"] = max_vocab
    out = dict(arrays)
    words = decode_words(arrays["words"])
    if max_vocab is not None and len(words) > max_vocab:
        n = arrays["n"].tolist()
        rows = np.array(sorted(sorted(range(len(words)), key=lambda i: (-n[i], words[i]))
                               [:max_vocab]), dtype=np.int64)
        codes = arrays["surface_code"]
        explicit = dict(zip(np.flatnonzero(codes == SURFACE_EXPLICIT).tolist(),
                            decode_words(arrays["surfaces"])))
        out["words"] = _text([words[i] for i in rows])
        for name in ("n", "kept"):
            out[name] = _uint(arrays[name][rows])
        out["cap"] = arrays["cap"][rows]
        out["surface_code"] = codes[rows]
        out["surfaces"] = _text([explicit[i] for i in rows.tolist() if i in explicit])
        tr = arrays["tr_idx"][:, rows].astype(np.int64)
        out["tr_p"] = np.ascontiguousarray(arrays["tr_p"][:, rows])
        tvocab = decode_words(arrays["tr_words"])
        use = Counter(tr[tr >= TR_FIRST].tolist())
        new_order = sorted(use, key=lambda j: (-use[j], tvocab[j - TR_FIRST]))
        remap = np.arange(max(len(tvocab) + TR_FIRST, 1), dtype=np.int64)
        remap[new_order] = np.arange(len(new_order)) + TR_FIRST
        out["tr_idx"] = _uint(np.where(tr >= TR_FIRST, remap[tr], tr))
        out["tr_words"] = _text([tvocab[j - TR_FIRST] for j in new_order])
        header["types_stored"] = len(rows)
    out["header"] = _text([json.dumps(header, sort_keys=True, ensure_ascii=False)])
    return out


def serialize(arrays: Arrays, level: int = 9) -> bytes:
    """An ``.npz`` (zip of ``.npy``) with fixed timestamps and member order: rebuilds are
    byte-identical."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(arrays):
            npy = io.BytesIO()
            np.lib.format.write_array(npy, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            zf.writestr(info, npy.getvalue(), compress_type=zipfile.ZIP_DEFLATED,
                        compresslevel=level)
    return buf.getvalue()


# ------------------------------------------------------------------------- corpora
def supported() -> set[str]:
    from checker.languages import supported_languages

    return set(supported_languages())


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1] if path.stat().st_size else []


def discover(corpus: Path, langs: set[str]) -> dict[tuple[str, str], list[tuple[str, Path, Path]]]:
    """Aligned file pairs per unordered language pair (a < b): (label, file in a, file in b)."""
    corpus = Path(corpus)
    if any(part in FORBIDDEN for part in corpus.resolve().parts):
        raise ValueError(f"{corpus}: evaluation data must not be used for training")
    found: dict[tuple[str, str], list[tuple[str, Path, Path]]] = defaultdict(list)

    def add(label: str, a: str, pa: Path, b: str, pb: Path) -> None:
        if a == b or a not in langs or b not in langs:
            return
        if b < a:
            a, b, pa, pb = b, a, pb, pa
        found[(a, b)].append((label, pa, pb))

    news = corpus / "newstest"
    for year in sorted(p for p in news.iterdir() if p.is_dir()) if news.is_dir() else []:
        files = sorted(p for p in year.iterdir() if p.is_file())
        if files:  # 2008–2013: multi-parallel sets, all pairs among their languages
            groups: dict[str, list[Path]] = defaultdict(list)
            for p in files:
                groups[p.stem].append(p)
            for stem, ps in sorted(groups.items()):
                for i, pa in enumerate(ps):
                    for pb in ps[i + 1:]:
                        add(stem, pa.suffix[1:], pa, pb.suffix[1:], pb)
        for d in sorted(p for p in year.iterdir() if p.is_dir()):  # 2014+: one folder a pair
            a, _, b = d.name.partition("-")
            fa, fb = sorted(d.glob(f"*.{a}")), sorted(d.glob(f"*.{b}"))
            if len(fa) == 1 and len(fb) == 1:
                add(f"{fa[0].stem} {d.name}", a, fa[0], b, fb[0])
    ntrex = corpus / "ntrex128" / "NTREX-128"
    src = ntrex / "newstest2019-src.eng.txt"
    if src.is_file():
        for p in sorted(ntrex.glob("newstest2019-ref*.txt")):
            code = p.name[len("newstest2019-ref"):-len(".txt")].lstrip(".-")
            lang = NTREX_CODES.get(code)
            if lang:
                add(f"NTREX-128 {code}", "en", src, lang, p)
    return dict(found)


def load_pairs(files: Sequence[tuple[str, Path, Path]]
               ) -> tuple[list[tuple[str, str]], list[tuple[str, int]]]:
    """Deduplicated non-empty (a, b) segment pairs in discovery order, and segments per source.

    2014–2015 ship the same set under x-en and en-x: exact duplicate pairs count once; two
    different translations of one segment (newstest2019 and NTREX) both count. Files whose line
    counts differ are not aligned and are skipped (listed with 0 segments)."""
    seen: set[tuple[str, str]] = set()
    out: list[tuple[str, str]] = []
    per_source: list[tuple[str, int]] = []
    for label, pa, pb in files:
        la, lb = _lines(pa), _lines(pb)
        if len(la) != len(lb):
            # several newstest2021 folders hold files of different sets: not aligned, unusable
            print(f"skipped, not line-aligned: {pa} ({len(la)}) / {pb} ({len(lb)})",
                  file=sys.stderr)
            per_source.append((f"{label} (skipped: {len(la)} vs {len(lb)} lines)", 0))
            continue
        added = 0
        for a, b in zip(la, lb):
            a, b = a.strip(), b.strip()
            if a and b and (a, b) not in seen:
                seen.add((a, b))
                out.append((a, b))
                added += 1
        per_source.append((label, added))
    return out, per_source


def _build_both(task: tuple[str, str, list[tuple[str, Path, Path]]]
                ) -> list[tuple[str, str, Arrays, float]]:
    """Both directions of one aligned pair (unpruned); each side is tokenised once for both."""
    a, b, files = task
    t0 = time.perf_counter()
    pairs, sources = load_pairs(files)
    cache_a: dict[str, Segment] = {}
    cache_b: dict[str, Segment] = {}
    segs = []
    for x, y in pairs:  # NTREX variants and multi-parallel years repeat one side's lines
        sx = cache_a.get(x) or cache_a.setdefault(x, analyse(x, a))
        sy = cache_b.get(y) or cache_b.setdefault(y, analyse(y, b))
        segs.append((sx, sy))
    del cache_a, cache_b
    out = [(s, t, build_segments(ss, s, t, sources=sources))
           for s, t, ss in ((a, b, segs), (b, a, [(y, x) for x, y in segs]))]
    seconds = time.perf_counter() - t0
    return [(s, t, arrays, seconds) for s, t, arrays in out]


def fit_budget(built: dict[tuple[str, str], Arrays], budget: int
               ) -> tuple[int | None, dict[tuple[str, str], bytes]]:
    """The largest common vocabulary cap of VOCAB_CAPS under which all artifacts fit ``budget``
    bytes (binary search: the total shrinks with the cap), and the artifacts under it."""
    tried: dict[int, dict[tuple[str, str], bytes]] = {}

    def blobs_at(i: int) -> dict[tuple[str, str], bytes]:
        if i not in tried:
            tried[i] = {k: serialize(prune(a, VOCAB_CAPS[i])) for k, a in sorted(built.items())}
            print(f"cap {VOCAB_CAPS[i]}: {sum(map(len, tried[i].values()))} bytes", flush=True)
        return tried[i]

    lo, hi = 0, len(VOCAB_CAPS) - 1
    if sum(map(len, blobs_at(hi).values())) > budget:
        raise SystemExit(f"even cap {VOCAB_CAPS[hi]} exceeds the budget of {budget} bytes")
    while lo < hi:  # invariant: VOCAB_CAPS[hi] fits
        mid = (lo + hi) // 2
        if sum(map(len, blobs_at(mid).values())) <= budget:
            hi = mid
        else:
            lo = mid + 1
    return VOCAB_CAPS[hi], blobs_at(hi)


def card_table(out_dir: Path) -> str:
    """Markdown rows: pair, segments, word types seen ≥ min_segments times, stored, words with
    a translation, bytes, digest."""
    import hashlib

    rows = ["| pair | segments | eligible types | stored | with translation | bytes "
            "| sha256[:12] |", "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for path in sorted(Path(out_dir).glob("*-*.npz")):
        data = path.read_bytes()
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            h = json.loads(npz["header"].tobytes().decode("utf-8"))
            with_tr = int((npz["tr_idx"][0] != TR_NONE).sum())
        rows.append(f"| {h['src']}→{h['tgt']} | {h['segments']:,} | {h['types_eligible']:,} | "
                    f"{h['types_stored']:,} | {with_tr:,} | {len(data):,} | "
                    f"{hashlib.sha256(data).hexdigest()[:12]} |")
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus-dir", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--budget", type=int, default=BUDGET, help="bytes for all artifacts")
    ap.add_argument("--pairs", nargs="*", help="only these unordered pairs, e.g. de-en "
                    "(for experiments: the budget then applies to them alone)")
    ap.add_argument("--table", action="store_true",
                    help="print the model card's per-pair table for the artifacts in --out-dir")
    args = ap.parse_args(argv)
    if args.table:
        print(card_table(args.out_dir))
        return 0
    t0 = time.perf_counter()
    found = discover(args.corpus_dir, supported())
    if args.pairs:
        want = {tuple(sorted(p.split("-"))) for p in args.pairs}
        found = {k: v for k, v in found.items() if k in want}
    # largest first, so two workers finish together
    size = {k: sum(pa.stat().st_size for _, pa, _ in v) for k, v in found.items()}
    tasks = [(a, b, found[(a, b)]) for a, b in sorted(found, key=lambda k: (-size[k], k))]
    built: dict[tuple[str, str], Arrays] = {}
    seconds: dict[tuple[str, str], float] = {}
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as ex:
            results = [r for res in ex.map(_build_both, tasks) for r in res]
    else:
        results = [r for task in tasks for r in _build_both(task)]
    for s, t, arrays, sec in results:
        built[(s, t)] = arrays
        seconds[(s, t)] = sec
    print(f"statistics: {time.perf_counter() - t0:.0f} s", flush=True)
    cap, blobs = fit_budget(built, args.budget)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    written = set()
    for (s, t), blob in sorted(blobs.items()):
        path = args.out_dir / f"{s}-{t}.npz"
        path.write_bytes(blob)
        written.add(path.name)
        print(f"{s}-{t}: {len(blob)} bytes ({seconds[(s, t)]:.0f} s for both directions)",
              flush=True)
    if not args.pairs:  # a full build replaces the set: drop pairs no longer covered
        for old in args.out_dir.glob("*-*.npz"):
            if old.name not in written:
                old.unlink()
    total = sum(map(len, blobs.values()))
    print(f"{len(written)} pairs, cap {cap}, {total} bytes, {time.perf_counter() - t0:.0f} s",
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
