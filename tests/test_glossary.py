"""The user's glossary (checker.glossary, signals/term.py): read from TSV or TBX, carried by every
shell and the signature, and a violated entry reported as kind ``term``."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from checker import Checker
from checker.errors import InputError
from checker.glossary import Entry, Glossary, read_glossary
from checker.signature import Signature

TSV = "source\ttarget\n# house terms\nvaccine\tImpfstoff\nMinistry of Health\tGesundheitsministerium\ten\tde\n"
TBX = """<?xml version="1.0"?>
<martif type="TBX" xml:lang="en"><text><body>
 <termEntry id="1">
  <langSet xml:lang="en"><tig><term>vaccine</term></tig></langSet>
  <langSet xml:lang="de"><tig><term>Impfstoff</term></tig></langSet>
 </termEntry>
</body></text></martif>
"""


@pytest.fixture
def tsv(tmp_path):
    p = tmp_path / "g.tsv"
    p.write_text(TSV, encoding="utf-8")
    return p


def _terms(chk: Checker, target: str, source: str) -> list[tuple[str, list[str]]]:
    rep = chk.check(target, source=source, source_lang="en")
    return [(a.text, [s.text for s in a.suggestions]) for a in rep.anomalies if a.kind == "term"]


def test_tsv_and_tbx_give_the_same_entries(tsv, tmp_path):
    g = read_glossary(tsv)
    assert g.entries == (Entry("vaccine", "Impfstoff"), Entry("Ministry of Health", "Gesundheitsministerium", "en", "de"))
    t = tmp_path / "g.tbx"
    t.write_text(TBX, encoding="utf-8")
    assert Entry("vaccine", "Impfstoff", "en", "de") in read_glossary(t).entries


@pytest.mark.parametrize("text,where", [("vaccine\tImpfstoff\textra\n", ":1:"), ("a\tb\n\nonly one column\n", ":3:"),
                                        ("<martif><text><body></body></text></martif>", ":1:")])
def test_a_file_that_is_not_a_glossary_is_one_input_error_with_its_line(tmp_path, text, where):
    p = tmp_path / ("g.tbx" if text.startswith("<") else "g.tsv")
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        read_glossary(p)
    assert where in str(e.value) and "\n" not in str(e.value)


def test_a_violated_entry_is_reported_and_an_observed_one_is_not(tsv):
    chk = Checker(lang="de", glossary=tsv)
    assert _terms(chk, "Die Impfstoffe wirken.", "The vaccines work.") == []  # an inflection of the term
    assert _terms(chk, "Der Impstoff wirkt.", "The vaccine works.") == [("Impstoff", ["Impfstoff"])]
    assert _terms(chk, "Das Vakzin wirkt.", "The vaccine works.") == [("Das Vakzin wirkt.", [])]
    assert _terms(chk, "Das Vakzin wirkt.", "The drug works.") == []  # the source has no term
    assert _terms(chk, "Der Impfstof wirkt.", "The vaccine works.") == [("Impfstof", ["Impfstoff"])]  # a doubled letter lost


def test_language_columns_limit_an_entry_to_its_pair(tsv):
    g = read_glossary(tsv)
    assert g.violations("Das Ministerium.", "The Ministry of Health said.", "de", "en")
    assert not g.violations("Ministerstvo.", "The Ministry of Health said.", "cs", "en")


def test_the_signature_names_the_glossary(tsv):
    sig = Checker(lang="de", glossary=tsv).signature("de")
    assert "gloss:" in sig and Signature.parse(sig).gloss == read_glossary(tsv).digest()
    assert "gloss:" not in Checker(lang="de").signature("de")  # unchanged without one
    assert Glossary(()).digest() == "none"


def test_the_command_line_and_the_config_file_take_a_glossary(tsv, tmp_path):
    (tmp_path / "t.de").write_text("Der Impstoff wirkt.\n", encoding="utf-8")
    (tmp_path / "s.en").write_text("The vaccine works.\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "checker", "scan", "t.de", "--lang", "de", "--source", "s.en",
                        "--source-lang", "en", "--glossary", str(tsv), "--format", "jsonl"],
                       capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert r.returncode in (0, 1), r.stderr
    kinds = [a["kind"] for line in r.stdout.splitlines() for a in json.loads(line).get("anomalies", [])]
    assert "term" in kinds
    (tmp_path / ".checker.toml").write_text(f'glossary = "{tsv.name}"\n', encoding="utf-8")
    tsv_copy = tmp_path / tsv.name
    if not tsv_copy.exists():
        tsv_copy.write_text(TSV, encoding="utf-8")
    r2 = subprocess.run([sys.executable, "-m", "checker", "scan", "t.de", "--lang", "de", "--source", "s.en",
                         "--source-lang", "en", "--format", "jsonl"], capture_output=True, text=True, cwd=tmp_path,
                        timeout=300)
    assert [a["kind"] for line in r2.stdout.splitlines() for a in json.loads(line).get("anomalies", [])] == kinds


def test_worker_processes_get_the_same_glossary(tsv):
    chk = Checker(lang="de", glossary=tsv)
    items = [("Der Impstoff wirkt.", "The vaccine works."), ("Das Vakzin wirkt.", "The vaccine works.")]
    one = [r.to_dict() for r in chk.pipe(items, context="line")]
    two = [r.to_dict() for r in chk.pipe(items, context="line", n_process=2, batch_size=1)]
    assert one == two and any(a["kind"] == "term" for r in one for a in r["anomalies"])


def test_a_large_glossary_costs_a_segment_its_own_words_only(monkeypatch):
    import checker.glossary as glossary

    g = Glossary(tuple(Entry(f"term{i}", f"Begriff{i}") for i in range(50_000)) + (Entry("vaccine", "Impfstoff"),))
    calls = []
    real = glossary._present
    monkeypatch.setattr(glossary, "_present", lambda term, words: calls.append(term) or real(term, words))
    assert [e.source for e in g.violations("Das Vakzin wirkt.", "The vaccines work.", "de", "en")] == ["vaccine"]
    assert calls == [["vaccine"]]  # the entries indexed under the source's words, not all 50,001
