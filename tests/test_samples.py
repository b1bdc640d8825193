"""The project's own sample articles, end to end through `checker scan` and `checker eval`."""
import json
from pathlib import Path

import pytest

from checker.cli import main

SAMPLES = Path(__file__).resolve().parents[1] / "corpora" / "samples"


@pytest.mark.parametrize("name,lang,min_recall", [("harbour.en", "en", 0.8), ("wahl.de", "de", 0.6)])
def test_sample_scan_and_eval(tmp_path, capsys, name, lang, min_recall):
    pred = tmp_path / "pred.jsonl"
    assert main(["scan", str(SAMPLES / f"{name}.txt"), "--lang", lang]) == 0
    pred.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["eval", "--gold", str(SAMPLES / f"{name}.gold.jsonl"), "--pred", str(pred),
                 "--lines", str(SAMPLES / f"{name}.txt"), "--clean", str(SAMPLES / f"{name}.clean.txt")]) == 0
    m = json.loads(capsys.readouterr().out)
    assert m["recall"] >= min_recall
    assert m["recall_by_kind"]["repetition"]["recall"] == 1.0
    assert m["fix_by_kind"]["repetition"]["fix_at_1"] == 1.0
    assert m["recall_by_kind"]["foreign"]["recall"] == 1.0


def test_clean_versions_of_samples_raise_almost_nothing(capsys):
    for name, lang in (("harbour.en", "en"), ("wahl.de", "de")):
        assert main(["scan", str(SAMPLES / f"{name}.clean.txt"), "--lang", lang]) == 0
        recs = [json.loads(l) for l in capsys.readouterr().out.splitlines()]
        assert sum(len(r["anomalies"]) for r in recs) <= 1
