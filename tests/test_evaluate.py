"""Tests for checker.evaluate with tiny hand-built data (no shared corpora needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.evaluate import (
    Span,
    count_words,
    load_gold_jsonl,
    load_mqm_tsv,
    load_scan_jsonl,
    main,
    read_lines,
    score,
    score_mqm,
    write_mqm_lines,
)

CLEAN = ["the cat sat on the mat", "a dog barked loudly", "", "nothing wrong here at all"]
NOISY = ["the cat cat sat on the mat", "a dgo barked loudly", "", "nothing wrong here at all"]
GOLD = [
    {"line": 0, "spans": [{"start": 7, "end": 11, "text": " cat", "kind": "repetition", "original": ""}]},
    {"line": 1, "spans": [{"start": 2, "end": 5, "text": "dgo", "kind": "misspelling", "original": "dog"}]},
    {"line": 2, "spans": []},
    {"line": 3, "spans": []},
]


def anomaly(start: int, end: int, text: str, suggestions: list[str], score: float = 0.9) -> dict:
    return {"start": start, "end": end, "text": text, "kind": "x", "score": score, "reason": "",
            "suggestions": [{"text": s, "score": 1.0 / (r + 1)} for r, s in enumerate(suggestions)]}


PRED = [
    # second "cat" without its space: deleting it leaves a double space, fixed after normalisation
    {"line": 0, "anomalies": [anomaly(8, 11, "cat", [""]), anomaly(19, 22, "the", ["a"], score=0.2)]},
    # right span, correct suggestion only at rank 2
    {"line": 1, "anomalies": [anomaly(2, 5, "dgo", ["dig", "dog"])]},
    {"line": 2, "anomalies": []},
    {"line": 3, "anomalies": [anomaly(8, 13, "wrong", ["right"])]},
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "noisy.txt").write_text("\n".join(NOISY) + "\n", encoding="utf-8")
    (tmp_path / "clean.txt").write_text("\n".join(CLEAN) + "\n", encoding="utf-8")
    return {
        "gold": write_jsonl(tmp_path / "gold.jsonl", GOLD),
        "pred": write_jsonl(tmp_path / "pred.jsonl", PRED),
        "lines": tmp_path / "noisy.txt",
        "clean": tmp_path / "clean.txt",
    }


def test_loaders(files: dict[str, Path]) -> None:
    gold = load_gold_jsonl(files["gold"])
    assert gold[1] == [Span(2, 5, "dgo", "misspelling", "dog")]
    assert gold[2] == []
    pred = load_scan_jsonl(files["pred"])
    assert len(pred[0]) == 2 and pred[3][0]["text"] == "wrong"
    assert read_lines(files["lines"]) == NOISY  # keeps the empty line


def test_score_numbers(files: dict[str, Path]) -> None:
    m = score(load_gold_jsonl(files["gold"]), load_scan_jsonl(files["pred"]), NOISY)
    # 4 predictions: 2 overlap gold, 2 ("the", "wrong") do not
    assert (m.n_pred, m.true_pos_pred, m.false_alarms) == (4, 2, 2)
    assert m.precision == pytest.approx(0.5)
    assert m.recall == pytest.approx(1.0)
    assert m.f1 == pytest.approx(2 * 0.5 * 1.0 / 1.5)
    # words: 7 + 4 + 0 + 5 = 16 -> 2 / 16 * 1000
    assert m.words == 16
    assert m.fa_per_1k_words == pytest.approx(125.0)
    assert m.recall_by_kind["repetition"]["recall"] == 1.0
    # fix@1: repetition fixed (deletion), misspelling not (top-1 "dig"); fix@3: both
    assert m.fix_at_1 == pytest.approx(0.5)
    assert m.fix_at_3 == pytest.approx(1.0)
    assert m.fix_by_kind["misspelling"] == {"n": 1, "fix_at_1": 0.0, "fix_at_3": 1.0}
    d = m.to_dict()
    assert d["precision"] == 0.5 and json.dumps(d)


def test_min_score_and_clean(files: dict[str, Path]) -> None:
    m = score(load_gold_jsonl(files["gold"]), load_scan_jsonl(files["pred"]), NOISY, min_score=0.5,
              clean=CLEAN)
    assert (m.n_pred, m.false_alarms) == (3, 1)
    assert m.precision == pytest.approx(2 / 3)
    assert m.fa_per_1k_words == pytest.approx(62.5)
    assert m.fix_at_1 == pytest.approx(0.5)


def test_missed_span_and_empty_gold() -> None:
    m = score({0: [Span(4, 7, "xyz", "non-word", "cat")]}, {}, ["the xyz sat"])
    assert m.recall == 0.0 and m.precision is None and m.fix_at_1 == 0.0
    clean = score({}, {0: [anomaly(0, 3, "the", [])]}, ["the cat sat down"])
    assert clean.recall is None and clean.false_alarms == 1 and clean.fa_per_1k_words == pytest.approx(250.0)


def test_count_words_cjk() -> None:
    assert count_words("我们在北京") == pytest.approx(5 / 1.5)
    assert count_words("用 Python 写") == pytest.approx(1 + 2 / 1.5)


def test_cli(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--gold", str(files["gold"]), "--pred", str(files["pred"]), "--lines", str(files["lines"]),
                 "--clean", str(files["clean"])]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["precision"] == 0.5 and out["fix_at_3"] == 1.0


MQM_TSV = "\t".join(["system", "doc", "doc_id", "seg_id", "rater", "source", "target", "category", "severity"]) + "\n" + "\n".join(
    "\t".join(r) for r in [
        ["sysA", "talk.1", "1", "1", "r1", "Hello world.", "Hallo <v>world</v>.", "Accuracy/Untranslated text", "Major"],
        ["sysA", "talk.1", "1", "1", "r1", "Hello world.", "<v>Hallo</v> world.", "Style/Awkward", "Minor"],
        ["sysA", "talk.1", "1", "2", "r1", "Good night.", "Gute Nacht.", "No-error", "No-error"],
        ["sysB", "talk.1", "1", "2", "r2", "Good night.", "Gutte<v> Nacht</v>", "Fluency/Spelling", "Minor"],
        ["sysB", "talk.1", "1", "3", "r2", "<v>Tschüss</v> now.", "Tschüss jetzt.", "Accuracy/Omission", "Minor"],
    ]) + "\n"


def test_mqm(tmp_path: Path) -> None:
    path = tmp_path / "m.tsv"
    path.write_text(MQM_TSV, encoding="utf-8")
    segs = load_mqm_tsv(path)
    assert [(s.system, s.seg_id) for s in segs] == [("sysA", "1"), ("sysA", "2"), ("sysB", "2"), ("sysB", "3")]
    a1 = segs[0]
    assert a1.target == "Hallo world." and not a1.all_no_error
    assert [(s.start, s.end, s.text, s.kind) for s in a1.spans] == [
        (6, 11, "world", "Accuracy/Untranslated text"), (0, 5, "Hallo", "Style/Awkward")]
    assert segs[1].all_no_error and segs[1].spans == []
    # the span " Nacht" is trimmed to "Nacht"
    assert segs[2].target == "Gutte Nacht" and (segs[2].spans[0].start, segs[2].spans[0].end) == (6, 11)
    # source-side span: segment has an error but no target span
    assert segs[3].spans == [] and not segs[3].all_no_error
    only = load_mqm_tsv(path, categories=["Fluency/Spelling"])
    assert only[0].spans == [] and len(only[2].spans) == 1

    write_mqm_lines(segs, tmp_path / "l.txt", tmp_path / "g.jsonl")
    assert read_lines(tmp_path / "l.txt") == ["Hallo world.", "Gute Nacht.", "Gutte Nacht", "Tschüss jetzt."]
    assert load_gold_jsonl(tmp_path / "g.jsonl")[0][0] == Span(6, 11, "world", "Accuracy/Untranslated text", None)

    pred = {0: [anomaly(6, 11, "world", ["Welt"])], 1: [anomaly(0, 4, "Gute", [])]}
    res = score_mqm(segs, pred)
    assert res["recall"] == pytest.approx(0.5)  # untranslated found, spelling missed
    assert res["recall_by_category"]["Fluency/Spelling"]["recall"] == 0.0
    assert res["no_error_segments"] == 1 and res["no_error_words"] == 2
    assert res["fa_per_1k_words_no_error"] == pytest.approx(500.0)
