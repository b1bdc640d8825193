"""Score checker output (scan JSONL) against gold spans: synthetic benchmark and MQM.

Pure functions, independent of the rest of the checker.  Conventions:

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
* Undefined ratios (0/0) are ``None``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence

import regex

CJK_CHAR = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
MQM_FOCUS = ("Accuracy/Untranslated text", "Fluency/Spelling")


@dataclass(frozen=True)
class Span:
    """A gold error span: line[start:end] == text; ``original`` is what it replaced."""

    start: int
    end: int
    text: str = ""
    kind: str = ""
    original: Optional[str] = None


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
                Span(int(s["start"]), int(s["end"]), s.get("text", ""), s.get("kind", ""), s.get("original"))
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


def score(gold: Mapping[int, Sequence[Span]], predicted: Mapping[int, Sequence[dict]], lines: Sequence[str],
          min_score: float = 0.0, clean: Optional[Sequence[str]] = None) -> Metrics:
    """Score predictions (scan anomalies with score >= ``min_score``) against gold spans on ``lines``."""
    m = Metrics()
    kind_n: dict[str, int] = defaultdict(int)
    kind_rec: dict[str, int] = defaultdict(int)
    fix_n: dict[str, int] = defaultdict(int)
    fix1: dict[str, int] = defaultdict(int)
    fix3: dict[str, int] = defaultdict(int)
    for i, line in enumerate(lines):
        m.words += count_words(line)
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
            if hits:
                m.recalled_gold += 1
                kind_rec[g.kind] += 1
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
            best = max(hits, key=lambda p: (_overlap(p["start"], p["end"], g.start, g.end), p.get("score", 0.0)))
            want = _norm(target)
            sugg = [s["text"] for s in best.get("suggestions", [])[:3]]
            fixed = [_norm(line[: best["start"]] + s + line[best["end"]:]) == want for s in sugg]
            if fixed and fixed[0]:
                fix1[g.kind] += 1
            if any(fixed):
                fix3[g.kind] += 1
    m.precision = _ratio(m.true_pos_pred, m.n_pred)
    m.recall = _ratio(m.recalled_gold, m.n_gold)
    if m.precision is not None and m.recall is not None and m.precision + m.recall > 0:
        m.f1 = 2 * m.precision * m.recall / (m.precision + m.recall)
    elif m.precision is not None and m.recall is not None:
        m.f1 = 0.0
    m.fa_per_1k_words = _ratio(1000.0 * m.false_alarms, m.words)
    m.recall_by_kind = {k: {"n": kind_n[k], "recalled": kind_rec[k], "recall": _ratio(kind_rec[k], kind_n[k])}
                        for k in sorted(kind_n)}
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
              focus: Sequence[str] = MQM_FOCUS, min_score: float = 0.0) -> dict[str, object]:
    """Recall on ``focus`` categories (all segments) and false alarms on all-No-error segments.

    ``predicted`` is indexed by segment position (the line order of :func:`write_mqm_lines`).
    """
    lines = [s.target for s in segments]
    gold = {i: [sp for sp in s.spans if sp.kind in focus] for i, s in enumerate(segments)}
    rec = score(gold, predicted, lines, min_score)
    ok = [i for i, s in enumerate(segments) if s.all_no_error]
    fa = score({}, {j: predicted.get(i, []) for j, i in enumerate(ok)}, [lines[i] for i in ok], min_score)
    return {
        "segments": len(segments), "no_error_segments": len(ok),
        "recall_by_category": rec.recall_by_kind, "recall": rec.recall,
        "no_error_words": fa.words, "no_error_false_alarms": fa.false_alarms,
        "fa_per_1k_words_no_error": fa.fa_per_1k_words,
    }


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
