"""Score checker output (scan JSONL) against gold spans: synthetic benchmark, MQM, real errors.

Pure functions, independent of the rest of the checker (no checker or wordfreq imports: a
caller that needs word frequencies passes them in as a callable).  Conventions:

* A prediction is a true positive if it overlaps any gold span of its line by >= 1 char;
  a gold span is recalled if any prediction overlaps it.
* Words = whitespace tokens, except that Han/Hiragana/Katakana characters are counted
  as 1/1.5 word each (zh/ja have no spaces).  False alarms per 1,000 words =
  predictions overlapping no gold span / words of all lines * 1000.
* fix@k: the line with the gold span's error corrected (from the span's ``original``,
  or the ``clean`` line when the line has exactly one gold span) equals the noisy line
  with one of the top-k suggestions of the best overlapping prediction applied,
  both compared with whitespace runs collapsed and stripped.  Denominator: all gold
  spans whose correction is known.
* Synthetic gold spans may carry ``variant`` (the generator's sub-kind) and ``cap`` (injected
  at a capitalised position); recall is then also reported per ``"kind/variant"`` and per kind
  on ``cap`` spans only (empty dicts when the gold has no such fields).
* Undefined ratios (0/0) are ``None``.

Real errors (``corpora/real-errors``, scored by :func:`score_real`) follow that folder's README:

* Split: line *i* of every set is in ``"dev"`` when ``(i // 50) % 2 == 0``, else ``"test"``
  (:func:`real_split`); MQM-TED segments by a CRC-32 of ``(doc, seg_id)`` (:func:`mqm_split`),
  so every system's output of one source segment is in the same half.  Everyone uses these two
  functions; nothing else decides what is dev and what is test.
* Matching is by overlap as above.  Words are README words: ``[^\\W\\d_]+(?:['’-][^\\W\\d_]+)*``
  matches (Unicode-aware ``regex``, so Devanagari vowel signs stay inside words) plus Han/kana
  characters / 1.5 (:func:`count_readme_words`).
* Recall per span ``type``; ``typo`` spans also count in the subsets ``typo/non-word`` (the
  erroneous token is no word: ``is_word(token)`` is False; only when an ``is_word`` is given)
  and ``typo/diacritic`` (token and correction equal after NFD, dropping combining marks and
  casefolding).
* False alarms per 1,000 words are reported on all lines and on error-free lines (no gold span)
  only; on GEC sets the latter is the headline (lines are annotator-corrected text), on QE sets
  both (an OK word was accepted by a professional).
* fix@k per span with a non-null ``original``: the line with the best overlapping flag's range
  replaced by one of its top-k suggestions equals the line corrected at that span only, both
  normalised by :func:`normalize_for_fix` (whitespace collapsed, no space before ``,.;:!?``).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import unicodedata
import zlib
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping, Optional, Sequence

import regex

CJK_CHAR = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
MQM_FOCUS = ("Accuracy/Untranslated text", "Fluency/Spelling")
#: lines per split block of a real-errors set (neighbouring sentences of one document stay together)
SPLIT_BLOCK = 50
SPLITS = ("dev", "test")
README_WORD = regex.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SPACE_BEFORE_PUNCT = regex.compile(r"\s+([,.;:!?])")
TYPO_NON_WORD = "typo/non-word"
TYPO_DIACRITIC = "typo/diacritic"


@dataclass(frozen=True)
class Span:
    """A gold error span: line[start:end] == text; ``original`` is what it replaced.

    ``variant`` (generator sub-kind, e.g. ``"diacritic"``) and ``cap`` (injected at a capitalised
    position) are optional synthetic-gold fields; None when the gold does not carry them.
    """

    start: int
    end: int
    text: str = ""
    kind: str = ""
    original: Optional[str] = None
    variant: Optional[str] = None
    cap: Optional[bool] = None


@dataclass
class Metrics:
    """Span-level scores; see the module docstring for definitions."""

    n_gold: int = 0
    n_pred: int = 0
    true_pos_pred: int = 0
    recalled_gold: int = 0
    precision: Optional[float] = None
    recall: Optional[float] = None
    f1: Optional[float] = None
    false_alarms: int = 0
    words: float = 0.0
    fa_per_1k_words: Optional[float] = None
    recall_by_kind: dict[str, dict[str, object]] = field(default_factory=dict)
    fix_at_1: Optional[float] = None
    fix_at_3: Optional[float] = None
    fix_by_kind: dict[str, dict[str, object]] = field(default_factory=dict)
    #: keyed ``"kind/variant"``; only spans whose gold carries a ``variant``
    recall_by_variant: dict[str, dict[str, object]] = field(default_factory=dict)
    #: keyed by kind; only spans whose gold says ``"cap": true``
    recall_cap_by_kind: dict[str, dict[str, object]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class MqmSegment:
    """One (system, seg_id) of an MQM file: clean target, target spans, No-error flag."""

    system: str
    doc: str
    seg_id: str
    source: str
    target: str
    spans: list[Span]
    all_no_error: bool
    raters: list[str]


# --------------------------------------------------------------------------- I/O


def read_lines(path: str | Path) -> list[str]:
    """Lines of a UTF-8 file, split on '\\n' only (not on U+2028 etc.)."""
    text = Path(path).read_text(encoding="utf-8")
    if text.endswith("\n"):
        text = text[:-1]
    return text.split("\n") if text else []


def load_gold_jsonl(path: str | Path) -> dict[int, list[Span]]:
    """``{"line": i, "spans": [...]}`` records -> {line: [Span]}."""
    gold: dict[int, list[Span]] = {}
    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            if not raw.strip():
                continue
            rec = json.loads(raw)
            gold[int(rec["line"])] = [
                Span(int(s["start"]), int(s["end"]), s.get("text", ""), s.get("kind", ""), s.get("original"),
                     s.get("variant"), None if s.get("cap") is None else bool(s["cap"]))
                for s in rec.get("spans", [])
            ]
    return gold


def load_scan_jsonl(path: str | Path) -> dict[int, list[dict]]:
    """``checker scan --format jsonl`` output -> {line: [anomaly dict]}."""
    pred: dict[int, list[dict]] = {}
    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            if raw.strip():
                rec = json.loads(raw)
                pred[int(rec["line"])] = list(rec.get("anomalies", []))
    return pred


# --------------------------------------------------------------------------- scoring


def count_words(line: str) -> float:
    """Whitespace tokens, with each Han/kana character counted as 1/1.5 word."""
    n_cjk = len(CJK_CHAR.findall(line))
    return len(CJK_CHAR.sub(" ", line).split()) + n_cjk / 1.5


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def _norm(text: str) -> str:
    return " ".join(text.split())


def _ratio(num: float, den: float) -> Optional[float]:
    return num / den if den else None


def _recall_table(n: Mapping[str, int], rec: Mapping[str, int]) -> dict[str, dict[str, object]]:
    return {k: {"n": n[k], "recalled": rec.get(k, 0), "recall": _ratio(rec.get(k, 0), n[k])} for k in sorted(n)}


def _best_hit(hits: Sequence[dict], g: Span) -> dict:
    return max(hits, key=lambda p: (_overlap(p["start"], p["end"], g.start, g.end), p.get("score", 0.0)))


def _fixes(line: str, target: str, best: dict, normalise: Callable[[str], str]) -> tuple[bool, bool]:
    """(fixed by the top suggestion, fixed by one of the top three): does applying a suggestion of
    anomaly ``best`` to ``line`` give ``target``, both compared after ``normalise``."""
    want = normalise(target)
    sugg = [s["text"] for s in best.get("suggestions", [])[:3]]
    fixed = [normalise(line[: best["start"]] + s + line[best["end"]:]) == want for s in sugg]
    return bool(fixed and fixed[0]), any(fixed)


def score(gold: Mapping[int, Sequence[Span]], predicted: Mapping[int, Sequence[dict]], lines: Sequence[str],
          min_score: float = 0.0, clean: Optional[Sequence[str]] = None,
          word_counter: Callable[[str], float] = count_words) -> Metrics:
    """Score predictions (scan anomalies with score >= ``min_score``) against gold spans on ``lines``.

    ``word_counter`` counts the words of a line for false alarms per 1,000 words.
    """
    m = Metrics()
    kind_n: dict[str, int] = defaultdict(int)
    kind_rec: dict[str, int] = defaultdict(int)
    var_n: dict[str, int] = defaultdict(int)
    var_rec: dict[str, int] = defaultdict(int)
    cap_n: dict[str, int] = defaultdict(int)
    cap_rec: dict[str, int] = defaultdict(int)
    fix_n: dict[str, int] = defaultdict(int)
    fix1: dict[str, int] = defaultdict(int)
    fix3: dict[str, int] = defaultdict(int)
    for i, line in enumerate(lines):
        m.words += word_counter(line)
        gspans = list(gold.get(i, ()))
        preds = [p for p in predicted.get(i, ()) if float(p.get("score", 0.0)) >= min_score]
        m.n_pred += len(preds)
        m.n_gold += len(gspans)
        for p in preds:
            if any(_overlap(p["start"], p["end"], g.start, g.end) > 0 for g in gspans):
                m.true_pos_pred += 1
            else:
                m.false_alarms += 1
        for g in gspans:
            kind_n[g.kind] += 1
            hits = [p for p in preds if _overlap(p["start"], p["end"], g.start, g.end) > 0]
            variant = f"{g.kind}/{g.variant}" if g.variant is not None else None
            if variant is not None:
                var_n[variant] += 1
            if g.cap:
                cap_n[g.kind] += 1
            if hits:
                m.recalled_gold += 1
                kind_rec[g.kind] += 1
                if variant is not None:
                    var_rec[variant] += 1
                if g.cap:
                    cap_rec[g.kind] += 1
            if clean is not None and len(gspans) == 1:
                target: Optional[str] = clean[i]
            elif g.original is not None:
                target = line[: g.start] + g.original + line[g.end:]
            else:
                target = None
            if target is None:
                continue
            fix_n[g.kind] += 1
            if not hits:
                continue
            f1, f3 = _fixes(line, target, _best_hit(hits, g), _norm)
            fix1[g.kind] += f1
            fix3[g.kind] += f3
    m.precision = _ratio(m.true_pos_pred, m.n_pred)
    m.recall = _ratio(m.recalled_gold, m.n_gold)
    if m.precision is not None and m.recall is not None and m.precision + m.recall > 0:
        m.f1 = 2 * m.precision * m.recall / (m.precision + m.recall)
    elif m.precision is not None and m.recall is not None:
        m.f1 = 0.0
    m.fa_per_1k_words = _ratio(1000.0 * m.false_alarms, m.words)
    m.recall_by_kind = _recall_table(kind_n, kind_rec)
    m.recall_by_variant = _recall_table(var_n, var_rec)
    m.recall_cap_by_kind = _recall_table(cap_n, cap_rec)
    m.fix_by_kind = {k: {"n": fix_n[k], "fix_at_1": _ratio(fix1[k], fix_n[k]), "fix_at_3": _ratio(fix3[k], fix_n[k])}
                     for k in sorted(fix_n)}
    m.fix_at_1 = _ratio(sum(fix1.values()), sum(fix_n.values()))
    m.fix_at_3 = _ratio(sum(fix3.values()), sum(fix_n.values()))
    return m


# --------------------------------------------------------------------------- MQM


def _strip_markers(text: str) -> tuple[str, Optional[tuple[int, int]]]:
    """Remove one ``<v>…</v>`` pair; returns the clean text and the span (whitespace-trimmed).

    An unclosed ``<v>`` runs to the end of the text.
    """
    s = text.find("<v>")
    if s < 0:
        return text.replace("</v>", ""), None
    e = text.find("</v>", s + 3)
    if e < 0:
        clean = text[:s] + text[s + 3:]
        start, end = s, len(clean)
    else:
        clean = text[:s] + text[s + 3: e] + text[e + 4:]
        start, end = s, e - 3
    while start < end and clean[start].isspace():
        start += 1
    while end > start and clean[end - 1].isspace():
        end -= 1
    return clean, (start, end)


def load_mqm_tsv(path: str | Path, categories: Optional[Iterable[str]] = None) -> list[MqmSegment]:
    """Read an MQM-TED TSV into segments, in order of first appearance.

    Spans are kept only for rows whose ``category`` is in ``categories`` (all when None)
    and whose ``<v>`` marker is in the target (source-side spans, e.g. omissions, are
    dropped).  ``all_no_error`` is True when every row of the segment is ``No-error``.
    """
    keep = None if categories is None else set(categories)
    segs: dict[tuple[str, str], MqmSegment] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        for row in reader:
            key = (row["system"], row["seg_id"])
            target, span = _strip_markers(row["target"])
            seg = segs.get(key)
            if seg is None:
                source, _ = _strip_markers(row["source"])
                seg = segs[key] = MqmSegment(row["system"], row["doc"], row["seg_id"], source, target, [], True, [])
            if row["rater"] not in seg.raters:
                seg.raters.append(row["rater"])
            category = row["category"]
            if category != "No-error":
                seg.all_no_error = False
            if span is None or target != seg.target or span[0] >= span[1]:
                continue
            if keep is None or category in keep:
                sp = Span(span[0], span[1], target[span[0]: span[1]], category, None)
                if sp not in seg.spans:
                    seg.spans.append(sp)
    return list(segs.values())


def write_mqm_lines(segments: Sequence[MqmSegment], lines_path: str | Path, gold_path: str | Path) -> None:
    """Write one clean target per line plus gold JSONL (``kind`` = MQM category, ``original`` = null)."""
    with open(lines_path, "w", encoding="utf-8") as lf, open(gold_path, "w", encoding="utf-8") as gf:
        for i, seg in enumerate(segments):
            lf.write(seg.target.replace("\n", " ") + "\n")
            spans = [{"start": s.start, "end": s.end, "text": s.text, "kind": s.kind, "original": None}
                     for s in seg.spans]
            gf.write(json.dumps({"line": i, "spans": spans, "system": seg.system, "seg_id": seg.seg_id,
                                 "no_error": seg.all_no_error}, ensure_ascii=False) + "\n")


def score_mqm(segments: Sequence[MqmSegment], predicted: Mapping[int, Sequence[dict]],
              focus: Sequence[str] = MQM_FOCUS, min_score: float = 0.0,
              word_counter: Callable[[str], float] = count_words) -> dict[str, object]:
    """Recall on ``focus`` categories (all segments) and false alarms on all-No-error segments.

    ``predicted`` is indexed by segment position (the line order of :func:`write_mqm_lines`).
    """
    lines = [s.target for s in segments]
    gold = {i: [sp for sp in s.spans if sp.kind in focus] for i, s in enumerate(segments)}
    rec = score(gold, predicted, lines, min_score, word_counter=word_counter)
    ok = [i for i, s in enumerate(segments) if s.all_no_error]
    fa = score({}, {j: predicted.get(i, []) for j, i in enumerate(ok)}, [lines[i] for i in ok], min_score,
               word_counter=word_counter)
    return {
        "segments": len(segments), "no_error_segments": len(ok),
        "recall_by_category": rec.recall_by_kind, "recall": rec.recall,
        "no_error_words": fa.words, "no_error_false_alarms": fa.false_alarms,
        "fa_per_1k_words_no_error": fa.fa_per_1k_words,
    }


# --------------------------------------------------------------------------- splits


def real_split(i: int, block: int = SPLIT_BLOCK) -> str:
    """``"dev"`` or ``"test"`` for line ``i`` (0-based) of a real-errors set.

    Blocks of ``block`` consecutive lines alternate dev, test, dev, ...: a block keeps
    neighbouring sentences of one essay or document together, and alternating balances the
    domains, which are clustered in corpus order.
    """
    return "dev" if (i // block) % 2 == 0 else "test"


def block_bounds(i: int, n: int, block: int = SPLIT_BLOCK) -> tuple[int, int]:
    """``(start, end)`` of the split block holding line ``i`` of an ``n``-line set (end exclusive)."""
    start = (i // block) * block
    return start, min(start + block, n)


def mqm_split(doc: str, seg_id: str | int) -> str:
    """``"dev"`` or ``"test"`` for an MQM-TED segment: CRC-32 of ``doc<TAB>seg_id``, even -> dev.

    Depends on the source segment only, so all systems' translations of one segment land in
    the same half; CRC-32 is stable across processes and Python versions (``hash`` is not).
    """
    return "dev" if zlib.crc32(f"{doc}\t{seg_id}".encode("utf-8")) % 2 == 0 else "test"


def select_mqm_split(segments: Sequence[MqmSegment], split: Optional[str]) -> list[MqmSegment]:
    """The segments of ``split`` (see :func:`mqm_split`) in their order; all when ``split`` is None."""
    _check_split(split)
    return [s for s in segments if split is None or mqm_split(s.doc, s.seg_id) == split]


def _check_split(split: Optional[str]) -> None:
    if split is not None and split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS} or None, not {split!r}")


# --------------------------------------------------------------------------- real errors


@dataclass
class RealLine:
    """One line of a real-errors set; ``line`` is its index in the whole set (not in the split).

    Spans carry the gold ``type`` as ``kind``, the erroneous token as ``text`` and the
    correction (or None) as ``original``.
    """

    line: int
    text: str
    spans: list[Span]
    source: Optional[str] = None
    original: Optional[str] = None


@dataclass
class RealSet:
    """A real-errors set, or the lines of one split of it, in corpus order."""

    name: str
    lang: str
    source_lang: Optional[str]
    lines: list[RealLine]
    n_total: int
    split: Optional[str] = None

    @property
    def is_qe(self) -> bool:
        """MT output with word-level QE tags (``qe_*``/``qe22_*``): read precision and false alarms."""
        return self.name.startswith("qe")


def load_real_set(folder: str | Path, name: str, split: Optional[str] = None) -> RealSet:
    """Load ``NAME.txt``, ``NAME.gold.jsonl`` and (if present) ``NAME.src.txt`` from ``folder``.

    ``split`` ``"dev"``/``"test"`` keeps only that half (see :func:`real_split`), None keeps all.
    Raises ValueError when the files disagree (line counts, line numbers, span offsets).
    """
    _check_split(split)
    folder = Path(folder)
    texts = read_lines(folder / f"{name}.txt")
    src_path = folder / f"{name}.src.txt"
    sources: Optional[list[str]] = read_lines(src_path) if src_path.exists() else None
    records = [json.loads(r) for r in (folder / f"{name}.gold.jsonl").read_text(encoding="utf-8").split("\n")
               if r.strip()]
    if len(records) != len(texts) or (sources is not None and len(sources) != len(texts)):
        raise ValueError(f"{name}: {len(texts)} lines, {len(records)} gold records, "
                         f"{None if sources is None else len(sources)} sources")
    lang = records[0]["lang"] if records else ""
    source_lang = records[0].get("source_lang") if records else None
    lines: list[RealLine] = []
    for i, (text, rec) in enumerate(zip(texts, records)):
        if int(rec["line"]) != i:
            raise ValueError(f"{name}: gold record {i} says line {rec['line']}")
        if split is not None and real_split(i) != split:
            continue
        spans = []
        for g in rec.get("gold", []):
            s, e = int(g["start"]), int(g["end"])
            if not 0 <= s < e <= len(text):
                raise ValueError(f"{name}: span {s}-{e} outside line {i}")
            spans.append(Span(s, e, text[s:e], g["type"], g.get("original")))
        lines.append(RealLine(i, text, spans, sources[i] if sources is not None else None, rec.get("original")))
    return RealSet(name, lang, source_lang, lines, len(texts), split)


def count_readme_words(line: str) -> float:
    """Words as the real-errors README counts them: regex words plus Han/kana characters / 1.5."""
    n_cjk = len(CJK_CHAR.findall(line))
    return len(README_WORD.findall(CJK_CHAR.sub(" ", line))) + n_cjk / 1.5


def normalize_for_fix(text: str) -> str:
    """Whitespace runs collapsed, ends stripped, no space before ``, . ; : ! ?`` (fix@k comparison)."""
    return _SPACE_BEFORE_PUNCT.sub(r"\1", " ".join(text.split()))


def strip_marks(text: str) -> str:
    """``text`` casefolded, in NFD, without combining marks: ``"Jídla"`` -> ``"jidla"``."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).casefold()


def is_diacritic_error(token: str, correction: Optional[str]) -> bool:
    """True when ``token`` and ``correction`` differ at most in diacritics and case."""
    return correction is not None and strip_marks(token) == strip_marks(correction)


def span_subsets(span: Span, is_word: Optional[Callable[[str], bool]] = None) -> list[str]:
    """The extra recall rows a gold span counts in: ``typo/non-word``, ``typo/diacritic`` (typo spans only).

    ``typo/non-word`` is decided by ``is_word`` (e.g. wordfreq zipf > 0) and left out without it.
    """
    if span.kind != "typo":
        return []
    out = []
    if is_word is not None and not is_word(span.text):
        out.append(TYPO_NON_WORD)
    if is_diacritic_error(span.text, span.original):
        out.append(TYPO_DIACRITIC)
    return out


@dataclass
class RealMetrics:
    """Scores of one split of a real-errors set; see the module docstring for definitions.

    ``recall_by_type`` and ``fix_by_type`` hold one row per gold type plus the typo subsets.
    """

    lines: int = 0
    error_free_lines: int = 0
    words: float = 0.0
    error_free_words: float = 0.0
    n_gold: int = 0
    n_pred: int = 0
    true_pos_pred: int = 0
    false_alarms: int = 0
    false_alarms_error_free: int = 0
    precision: Optional[float] = None
    recall: Optional[float] = None
    fa_per_1k_words: Optional[float] = None
    fa_per_1k_error_free: Optional[float] = None
    recall_by_type: dict[str, dict[str, object]] = field(default_factory=dict)
    fix_at_1: Optional[float] = None
    fix_at_3: Optional[float] = None
    fix_by_type: dict[str, dict[str, object]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def score_real(lines: Sequence[RealLine], predicted: Mapping[int, Sequence[dict]],
               is_word: Optional[Callable[[str], bool]] = None, min_score: float = 0.0) -> RealMetrics:
    """Score scan anomalies (score >= ``min_score``) on real-errors lines.

    ``predicted`` is keyed by :attr:`RealLine.line` (the line number in the whole set); lines
    without an entry have no flags.  ``is_word(token)`` enables the ``typo/non-word`` row.
    """
    m = RealMetrics()
    n: dict[str, int] = defaultdict(int)
    rec: dict[str, int] = defaultdict(int)
    fix_n: dict[str, int] = defaultdict(int)
    fix1: dict[str, int] = defaultdict(int)
    fix3: dict[str, int] = defaultdict(int)
    recalled = 0
    fixed1 = fixed3 = fixable = 0
    for rl in lines:
        words = count_readme_words(rl.text)
        preds = [p for p in predicted.get(rl.line, ()) if float(p.get("score", 0.0)) >= min_score]
        fa = sum(1 for p in preds if not any(_overlap(p["start"], p["end"], g.start, g.end) > 0 for g in rl.spans))
        m.lines += 1
        m.words += words
        m.n_pred += len(preds)
        m.false_alarms += fa
        m.true_pos_pred += len(preds) - fa
        if not rl.spans:
            m.error_free_lines += 1
            m.error_free_words += words
            m.false_alarms_error_free += fa
        for g in rl.spans:
            m.n_gold += 1
            rows = [g.kind] + span_subsets(g, is_word)
            hits = [p for p in preds if _overlap(p["start"], p["end"], g.start, g.end) > 0]
            if hits:
                recalled += 1
            f1 = f3 = False
            if hits and g.original is not None:
                target = rl.text[: g.start] + (g.original or "") + rl.text[g.end:]
                f1, f3 = _fixes(rl.text, target, _best_hit(hits, g), normalize_for_fix)
            if g.original is not None:
                fixable += 1
                fixed1 += f1
                fixed3 += f3
            for r in rows:
                n[r] += 1
                rec[r] += bool(hits)
                if g.original is not None:
                    fix_n[r] += 1
                    fix1[r] += f1
                    fix3[r] += f3
    m.precision = _ratio(m.true_pos_pred, m.n_pred)
    m.recall = _ratio(recalled, m.n_gold)
    m.fa_per_1k_words = _ratio(1000.0 * m.false_alarms, m.words)
    m.fa_per_1k_error_free = _ratio(1000.0 * m.false_alarms_error_free, m.error_free_words)
    m.recall_by_type = _recall_table(n, rec)
    m.fix_by_type = {k: {"n": fix_n[k], "fix_at_1": _ratio(fix1[k], fix_n[k]), "fix_at_3": _ratio(fix3[k], fix_n[k])}
                     for k in sorted(fix_n)}
    m.fix_at_1 = _ratio(fixed1, fixable)
    m.fix_at_3 = _ratio(fixed3, fixable)
    return m


# --------------------------------------------------------------------------- CLI


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m checker.evaluate`` entry point; prints a JSON metrics dict."""
    ap = argparse.ArgumentParser(prog="checker.evaluate", description=__doc__.split("\n")[0])
    ap.add_argument("--gold", help="gold JSONL (synthetic benchmark)")
    ap.add_argument("--pred", help="checker scan JSONL")
    ap.add_argument("--lines", help="the scanned (noisy) text file")
    ap.add_argument("--clean", help="clean text file (optional, for fix@k)")
    ap.add_argument("--min-score", type=float, default=0.0)
    ap.add_argument("--mqm", help="MQM-TED TSV file (MQM mode)")
    ap.add_argument("--export-lines", help="MQM mode: write the clean targets here (then run checker scan)")
    ap.add_argument("--export-gold", help="MQM mode: write the gold JSONL here")
    args = ap.parse_args(argv)

    if args.mqm:
        segments = load_mqm_tsv(args.mqm)
        if args.export_lines or args.export_gold:
            if not (args.export_lines and args.export_gold):
                ap.error("--export-lines and --export-gold go together")
            write_mqm_lines(segments, args.export_lines, args.export_gold)
            if not args.pred:
                print(json.dumps({"segments": len(segments), "lines": args.export_lines}))
                return 0
        if not args.pred:
            ap.error("--mqm needs --pred (or --export-lines/--export-gold)")
        result = score_mqm(segments, load_scan_jsonl(args.pred), min_score=args.min_score)
    else:
        if not (args.gold and args.pred and args.lines):
            ap.error("--gold, --pred and --lines are required")
        clean = read_lines(args.clean) if args.clean else None
        result = score(load_gold_jsonl(args.gold), load_scan_jsonl(args.pred), read_lines(args.lines),
                       args.min_score, clean).to_dict()
    json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
