"""Tests for checker.evaluate with tiny hand-built data (no shared corpora needed)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from checker.evaluate import (
    TYPO_DIACRITIC,
    TYPO_NON_WORD,
    RealLine,
    Span,
    block_bounds,
    count_readme_words,
    count_words,
    is_diacritic_error,
    load_gold_jsonl,
    load_mqm_tsv,
    load_real_set,
    load_scan_jsonl,
    main,
    mqm_split,
    normalize_for_fix,
    read_lines,
    real_split,
    score,
    score_mqm,
    score_real,
    select_mqm_split,
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


# --------------------------------------------------------------------------- synthetic variant / cap


def test_variant_and_cap_spans_get_their_own_recall_rows(tmp_path: Path) -> None:
    lines = ["Zurich is nice", "the dgo ran", "a cta sat", "Hause is big"]
    gold_rows = [
        {"line": 0, "spans": [{"start": 0, "end": 6, "text": "Zurich", "kind": "non-word", "original": "Zürich",
                               "variant": "diacritic", "cap": True}]},
        {"line": 1, "spans": [{"start": 4, "end": 7, "text": "dgo", "kind": "non-word", "original": "dog",
                               "variant": "keyboard", "cap": False}]},
        {"line": 2, "spans": [{"start": 2, "end": 5, "text": "cta", "kind": "non-word", "original": "cat",
                               "variant": "keyboard"}]},
        {"line": 3, "spans": [{"start": 0, "end": 5, "text": "Hause", "kind": "untranslated", "original": "House",
                               "variant": "untranslated-multi", "cap": True}]},
    ]
    gold = load_gold_jsonl(write_jsonl(tmp_path / "g.jsonl", gold_rows))
    assert gold[0][0].variant == "diacritic" and gold[0][0].cap is True and gold[2][0].cap is None
    pred = {0: [anomaly(0, 6, "Zurich", ["Zürich"])], 1: [anomaly(4, 7, "dgo", ["dog"])]}
    m = score(gold, pred, lines)
    assert m.recall_by_variant == {
        "non-word/diacritic": {"n": 1, "recalled": 1, "recall": 1.0},
        "non-word/keyboard": {"n": 2, "recalled": 1, "recall": 0.5},
        "untranslated/untranslated-multi": {"n": 1, "recalled": 0, "recall": 0.0},
    }
    # only the two cap spans: the non-word one found, the untranslated one missed
    assert m.recall_cap_by_kind == {"non-word": {"n": 1, "recalled": 1, "recall": 1.0},
                                    "untranslated": {"n": 1, "recalled": 0, "recall": 0.0}}


def test_gold_without_variant_or_cap_leaves_those_tables_empty(files: dict[str, Path]) -> None:
    m = score(load_gold_jsonl(files["gold"]), load_scan_jsonl(files["pred"]), NOISY)
    assert m.recall_by_variant == {} and m.recall_cap_by_kind == {}
    assert load_gold_jsonl(files["gold"])[1][0].variant is None


# --------------------------------------------------------------------------- splits


def test_real_split_alternates_blocks_of_50_lines() -> None:
    assert [real_split(i) for i in (0, 49, 50, 99, 100, 149, 150)] == ["dev", "dev", "test", "test", "dev", "dev", "test"]
    assert block_bounds(73, 1000) == (50, 100)
    assert block_bounds(0, 1000) == (0, 50)
    assert block_bounds(110, 120) == (100, 120)  # last block is clipped to the set


def test_mqm_split_is_a_fixed_hash_of_doc_and_segment() -> None:
    # CRC-32 values, hard-coded: a change of hash would silently move segments between halves
    assert [mqm_split("talk.1", s) for s in range(1, 9)] == ["dev"] * 3 + ["test"] * 4 + ["dev"]
    assert mqm_split("talk.1", 4) == mqm_split("talk.1", "4")  # int or str id: same text hashed
    # the doc is part of the key: segment 1 of talk.2 is not in the half of segment 1 of talk.1
    assert [mqm_split("talk.2", s) for s in (1, 4)] == ["test", "dev"]


def test_mqm_split_keeps_every_system_of_a_segment_together(tmp_path: Path) -> None:
    path = tmp_path / "m.tsv"
    path.write_text(MQM_TSV, encoding="utf-8")
    segs = load_mqm_tsv(path)
    dev, test = select_mqm_split(segs, "dev"), select_mqm_split(segs, "test")
    assert len(dev) + len(test) == len(segs) and select_mqm_split(segs, None) == segs
    halves = {}
    for s in segs:
        halves.setdefault((s.doc, s.seg_id), set()).add(mqm_split(s.doc, s.seg_id))
    assert all(len(h) == 1 for h in halves.values())
    # sysA and sysB both translated segment 2: same half
    assert {(s.system, s.seg_id) for s in dev} >= {("sysA", "2"), ("sysB", "2")}
    with pytest.raises(ValueError):
        select_mqm_split(segs, "train")


# --------------------------------------------------------------------------- real errors: loading


def write_real_set(folder: Path, name: str, lines: list[str], spans: dict[int, list[dict]],
                   sources: list[str] | None = None, lang: str = "cs") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text("".join(l + "\n" for l in lines), encoding="utf-8")
    if sources is not None:
        (folder / f"{name}.src.txt").write_text("".join(l + "\n" for l in sources), encoding="utf-8")
    rows = []
    for i, line in enumerate(lines):
        gold = spans.get(i, [])
        original = None
        if gold and all(g.get("original") is not None for g in gold):
            original = line
            for g in sorted(gold, key=lambda g: -g["start"]):
                original = original[: g["start"]] + g["original"] + original[g["end"]:]
        rows.append({"line": i, "lang": lang, "source_lang": "en" if sources else None,
                     "original": original if gold else line, "gold": gold})
    write_jsonl(folder / f"{name}.gold.jsonl", rows)


def test_load_real_set_selects_the_split_and_keeps_set_line_numbers(tmp_path: Path) -> None:
    lines = [f"věta číslo {i}" for i in range(120)]
    lines[3] = "Mam psa."
    lines[60] = "Jdu domu ted."
    spans = {3: [{"start": 0, "end": 3, "type": "typo", "original": "Mám"}],
             60: [{"start": 4, "end": 8, "type": "realword", "original": "domů"},
                  {"start": 9, "end": 12, "type": "typo", "original": "teď"}]}
    write_real_set(tmp_path, "tiny_cs", lines, spans, sources=[f"src {i}" for i in range(120)])
    test = load_real_set(tmp_path, "tiny_cs", "test")
    assert [rl.line for rl in test.lines] == list(range(50, 100))
    assert test.lang == "cs" and test.source_lang == "en" and test.n_total == 120 and not test.is_qe
    rl = test.lines[10]
    assert rl.line == 60 and rl.source == "src 60" and rl.original == "Jdu domů teď."
    assert rl.spans == [Span(4, 8, "domu", "realword", "domů"), Span(9, 12, "ted", "typo", "teď")]
    dev = load_real_set(tmp_path, "tiny_cs", "dev")
    assert [r.line for r in dev.lines] == list(range(50)) + list(range(100, 120))
    assert dev.lines[3].spans[0].text == "Mam"
    assert len(load_real_set(tmp_path, "tiny_cs").lines) == 120


def test_load_real_set_rejects_files_that_disagree(tmp_path: Path) -> None:
    write_real_set(tmp_path, "bad", ["a b", "c d"], {})
    (tmp_path / "bad.txt").write_text("a b\n", encoding="utf-8")
    with pytest.raises(ValueError):
        load_real_set(tmp_path, "bad")
    write_real_set(tmp_path, "bad2", ["a b"], {0: [{"start": 2, "end": 9, "type": "typo", "original": "x"}]})
    with pytest.raises(ValueError):
        load_real_set(tmp_path, "bad2")


# --------------------------------------------------------------------------- real errors: metrics


def rline(i: int, text: str, *spans: tuple[str, str, str | None]) -> RealLine:
    """A RealLine whose spans are given as (erroneous token, type, correction), found left to right."""
    out, pos = [], 0
    for tok, typ, orig in spans:
        s = text.index(tok, pos)
        out.append(Span(s, s + len(tok), tok, typ, orig))
        pos = s + len(tok)
    return RealLine(i, text, out)


def flag(text: str, tok: str, *suggestions: str, score: float = 0.9, after: int = 0) -> dict:
    s = text.index(tok, after)
    return anomaly(s, s + len(tok), tok, list(suggestions), score)


def test_readme_word_count() -> None:
    assert count_readme_words("it's well-known: Müller’s 3 cats_dogs 42") == 5
    assert count_readme_words("用 Python 写") == pytest.approx(1 + 2 / 1.5)
    assert count_readme_words("मी आज शाळेत गेलो") == 4  # vowel signs do not split Devanagari words
    assert count_readme_words("") == 0


def test_flag_on_error_free_line_is_a_false_alarm_and_overlap_is_a_hit() -> None:
    clean = rline(7, "Tohle je dobrá věta.")
    noisy = rline(8, "Tohle je spatna věta.", ("spatna", "typo", "špatná"))
    pred = {7: [flag(clean.text, "dobrá")],
            # overlapping only part of the span is still a hit; "věta" is a false alarm on an error line
            8: [anomaly(10, 13, "pat", []), flag(noisy.text, "věta")]}
    m = score_real([clean, noisy], pred)
    assert (m.n_pred, m.true_pos_pred, m.false_alarms, m.false_alarms_error_free) == (3, 1, 2, 1)
    assert m.precision == pytest.approx(1 / 3)
    assert m.recall == 1.0 and m.recall_by_type["typo"] == {"n": 1, "recalled": 1, "recall": 1.0}
    assert (m.lines, m.error_free_lines, m.words, m.error_free_words) == (2, 1, 8, 4)
    assert m.fa_per_1k_error_free == pytest.approx(1000 * 1 / 4)
    assert m.fa_per_1k_words == pytest.approx(1000 * 2 / 8)
    # a flag that touches the span's end without overlapping is no hit
    assert score_real([noisy], {8: [anomaly(15, 16, " ", [])]}).recall == 0.0


def test_predictions_are_keyed_by_set_line_number_and_min_score_applies() -> None:
    noisy = rline(57, "a spatna věc", ("spatna", "typo", "špatná"))
    assert score_real([noisy], {0: [flag(noisy.text, "spatna")]}).recall == 0.0
    assert score_real([noisy], {57: [flag(noisy.text, "spatna", score=0.3)]}, min_score=0.5).n_pred == 0


def test_fix_at_k_normalises_spacing_and_compares_one_span_at_a_time() -> None:
    text = "Rekl , ze prijde teh , a neprisel ."
    rl = rline(0, text, ("Rekl", "typo", "Řekl"), ("teh", "typo", "ten"), ("neprisel", "typo", "nepřišel"))
    pred = {0: [
        flag(text, "Rekl", "Řekl"),  # top-1 fix, although the other two spans stay wrong
        # the flag takes in " ,": the suggestion "ten," only matches after removing space before ","
        anomaly(text.index("teh"), text.index("teh") + 5, "teh ,", ["tem,", "ten,"]),
        flag(text, "neprisel", "neprisek", "nepřišel"),
    ]}
    m = score_real([rl], pred)
    assert m.fix_by_type["typo"] == {"n": 3, "fix_at_1": pytest.approx(1 / 3), "fix_at_3": 1.0}
    assert (m.fix_at_1, m.fix_at_3) == (pytest.approx(1 / 3), 1.0)
    assert normalize_for_fix("  a  b ,c ; d !\t") == "a b,c; d!"


def test_fix_counts_unflagged_spans_and_skips_spans_without_correction() -> None:
    rl = rline(0, "xx yy zz", ("yy", "realword", "ww"), ("zz", "qe_bad", None))
    m = score_real([rl], {0: [flag(rl.text, "zz", "zz2")]})
    assert m.fix_by_type == {"realword": {"n": 1, "fix_at_1": 0.0, "fix_at_3": 0.0}}
    assert m.recall_by_type["qe_bad"]["recall"] == 1.0 and m.recall_by_type["realword"]["recall"] == 0.0


def test_typo_subsets_non_word_and_diacritic() -> None:
    assert is_diacritic_error("Jidla", "jídla") and is_diacritic_error("ucitel", "učitel")
    assert not is_diacritic_error("jidlo", "jídla") and not is_diacritic_error("x", None)
    lines = [rline(0, "Jidla bylo hodne a xqzt.", ("Jidla", "typo", "Jídla"), ("hodne", "typo", "hodně"),
                   ("xqzt", "typo", "text")),
             rline(1, "Chci byt doma.", ("byt", "realword", "být"))]
    known = {"hodne"}  # an informal spelling that is a (rare) word: a typo, but not a non-word

    def is_word(tok: str) -> bool:
        return tok.lower() in known

    pred = {0: [flag(lines[0].text, "Jidla", "Jídla"), flag(lines[0].text, "xqzt", "test", "text")],
            1: [flag(lines[1].text, "byt", "být")]}
    m = score_real(lines, pred, is_word)
    r = {k: (v["n"], v["recalled"]) for k, v in m.recall_by_type.items()}
    # byt/být is a diacritic pair but a realword span: subsets are for typos only
    assert r == {"typo": (3, 2), TYPO_NON_WORD: (2, 2), TYPO_DIACRITIC: (2, 1), "realword": (1, 1)}
    assert m.fix_by_type[TYPO_DIACRITIC]["fix_at_1"] == 0.5 and m.fix_by_type[TYPO_NON_WORD]["fix_at_3"] == 1.0
    # without a word test there is no non-word row
    assert TYPO_NON_WORD not in score_real(lines, pred).recall_by_type


def test_qe_precision_counts_flags_on_ok_words_on_every_line() -> None:
    bad = rline(0, "Das Haus ist grun und groß.", ("grun", "qe_bad", None), ("und", "qe_bad", None))
    ok = rline(1, "Alles gut hier.")
    pred = {0: [flag(bad.text, "grun"), flag(bad.text, "Haus")], 1: [flag(ok.text, "hier")]}
    m = score_real([bad, ok], pred)
    assert m.precision == pytest.approx(1 / 3)
    assert m.false_alarms == 2 and m.false_alarms_error_free == 1
    assert m.fa_per_1k_words == pytest.approx(1000 * 2 / 9)
    assert m.fa_per_1k_error_free == pytest.approx(1000 * 1 / 3)
    assert m.recall_by_type["qe_bad"]["recall"] == 0.5
    assert m.fix_at_1 is None and m.fix_by_type == {}
    assert json.dumps(m.to_dict())


def test_score_mqm_word_counter_is_pluggable(tmp_path: Path) -> None:
    path = tmp_path / "m.tsv"
    path.write_text(MQM_TSV, encoding="utf-8")
    segs = load_mqm_tsv(path)
    res = score_mqm(segs, {1: [anomaly(0, 4, "Gute", [])]}, word_counter=lambda line: 10.0)
    assert res["no_error_words"] == 10 and res["fa_per_1k_words_no_error"] == pytest.approx(100.0)


# --------------------------------------------------------------------------- runner (no checking)


def _real_errors_module():
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "bench" / "real_errors.py"
    spec = importlib.util.spec_from_file_location("bench_real_errors", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def test_runner_checks_each_line_with_its_own_block_as_document(tmp_path: Path) -> None:
    rr = _real_errors_module()
    folder = tmp_path / "corpora" / "real-errors"
    write_real_set(folder, "tiny_cs", [f"věta {i}" for i in range(130)], {})
    job = rr.load_job("tiny_cs", "dev", tmp_path)
    assert job.keys == list(range(50)) + list(range(100, 130))
    assert [(idx[0], len(idx), ctx[0], len(ctx)) for idx, ctx in job.chunks] == [(0, 50, "věta 0", 50),
                                                                                (50, 30, "věta 100", 30)]
    res = {"tiny_cs": {"lang": "cs", "lines": 80, "error_free_lines": 80, "ours": rr.score_job(job, {}),
                       "hunspell": None}}
    md = rr.tables(res, "dev")
    assert "| tiny_cs | cs | 80 (80) |" in md and "0.00 / n/a" in md
