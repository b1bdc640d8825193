"""The character model check for zh/ja (checker/charlm.py, checker/signals/charseq.py)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from checker import Checker
from checker.charlm import CharBigramLM, load_charlm
from checker.resources import Resources
from checker.signals import DEFAULT_PIPELINE, OPT_IN
from checker.signals.charseq import CharSequenceSignal

ROOT = Path(__file__).resolve().parents[1]


def _builder():
    spec = importlib.util.spec_from_file_location("build_charlm", ROOT / "models" / "build_charlm.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_charlm", mod)
    spec.loader.exec_module(mod)
    return mod


LINES = ["今天天气很好，我们去公园散步。", "我们今天在公园里看见很多人。", "天气很好的时候，公园里人很多。"] * 20


def tiny_model() -> CharBigramLM:
    b = _builder()
    # homophone groups given (pypinyin is a build-time tool, not a dependency of the tests)
    return CharBigramLM(b.serialize(b.build(LINES, [("公园", 5), ("天气", 5)], "zh", {}, groups=["在再"])), "tiny.npz")


def test_surprisal_has_one_value_per_character_and_zero_off_han():
    m = tiny_model()
    text = "今天 OK 公园。"
    s = m.surprisal(text)
    assert s.shape == (len(text),)
    assert all(s[i] == 0.0 for i, c in enumerate(text) if c in " OK。")
    assert all(s[i] > 0.0 for i, c in enumerate(text) if c in "今天公园")


def test_unknown_characters_get_a_finite_surprisal_higher_than_known_ones():
    m = tiny_model()
    s = m.surprisal("今天鑫龘公园")
    assert np.isfinite(s).all()
    assert min(s[2], s[3]) > max(s[0], s[1], s[4], s[5])


def test_build_is_byte_identical():
    b = _builder()
    one = b.serialize(b.build(LINES, [("公园", 5)], "zh", {}, groups=["在再"]))
    two = b.serialize(b.build(list(LINES), [("公园", 5)], "zh", {}, groups=["在再"]))
    assert one == two
    assert CharBigramLM(one).homophones("再") == "在"


def _signal(model: CharBigramLM) -> CharSequenceSignal:
    sig = CharSequenceSignal(Resources(lang="zh"))
    sig.lm = model
    # the languages' thresholds fit the embedded models; a model of 60 lines is far less sure
    # of anything, so its own scale: between the clean line's highest and an unknown character's
    clean = model.surprisal("今天天气很好，我们去公园散步。").max()
    sig.threshold = (clean + model.surprisal("鑫")[0]) / 2
    return sig


def test_an_inserted_run_is_found_and_the_clean_line_is_not():
    sig = _signal(tiny_model())
    clean = "今天天气很好，我们去公园散步。"
    assert sig.find(clean) == []
    noisy = clean[:6] + "鑫龘犇" + clean[6:]
    found = sig.find(noisy)
    assert [(f.start, f.end) for f in found] == [(6, 9)]


def test_a_run_next_to_a_name_separator_or_bracketed_original_is_left_alone():
    sig = _signal(tiny_model())
    assert sig.find("今天我们见了鑫龘犇·公园。") == []
    assert sig.find("今天我们见了鑫龘犇（Xin）。") == []
    assert sig.find("今天我们见了鑫龘犇公园。") != []


def test_languages_without_a_model_are_untouched():
    assert load_charlm("de") is None
    sig = CharSequenceSignal(Resources(lang="de"))
    assert sig.lm is None and sig.quiet_on_plain_lines()


def test_the_embedded_models_flag_a_garbled_run_without_a_fix():
    clean = "他说这个计划会在明年实施，但是细节还没有公布。"
    chk = Checker(lang="zh", pipeline=DEFAULT_PIPELINE + OPT_IN)
    assert chk.check(clean).anomalies == []
    noisy = clean[:13] + "码纸舰" + clean[13:]
    got = [a for a in chk.check(noisy).anomalies if a.kind == "non-word"]
    assert [(a.text, a.suggestions) for a in got] == [("码纸舰", [])]
    assert "garbled" in got[0].evidence


def test_japanese_is_covered_too():
    clean = "政府は来年の予算について説明した。"
    chk = Checker(lang="ja", pipeline=DEFAULT_PIPELINE + OPT_IN)
    assert chk.check(clean).anomalies == []
    noisy = clean[:5] + "鑫龘犇" + clean[5:]
    assert any(a.start < 8 and a.end > 5 for a in chk.check(noisy).anomalies)


@pytest.mark.parametrize("lang", ["zh", "ja"])
def test_lines_of_common_characters_are_not_skipped_as_plain(lang):
    # a garbled run of common characters reads as common one-character words: where the
    # character model runs, the plain-line shortcut must not skip the line
    chk = Checker(lang=lang, pipeline=DEFAULT_PIPELINE + OPT_IN)
    assert chk._plain_lines(lang) is None


def test_the_check_is_opt_in_and_scored_at_its_measured_precision():
    # judged on WMT22 system outputs, 2 of 50 of its flags were errors: not on by default
    assert "charseq" not in DEFAULT_PIPELINE
    assert Checker(lang="zh")._plain_lines("zh") is not None
    noisy = "他说这个计划会在明年实施，码纸舰但是细节还没有公布。"
    assert not any(a.text == "码纸舰" for a in Checker(lang="zh").check(noisy).anomalies)
    got = [a for a in Checker(lang="zh", pipeline=DEFAULT_PIPELINE + OPT_IN).check(noisy).anomalies if a.text == "码纸舰"]
    assert got and got[0].score < 0.1


def test_a_character_read_alike_is_a_misspelling_with_the_right_character_as_fix():
    chk = Checker(lang="zh", pipeline=DEFAULT_PIPELINE + OPT_IN)
    for typo, right, wrong_char, fix in (("他现再在北京工作。", "他现在在北京工作。", "再", "在"),
                                         ("他门都来了。", "他们都来了。", "门", "们")):
        got = chk.check(typo).anomalies
        assert [(a.text, a.kind, [s.text for s in a.suggestions][:1]) for a in got] == [(wrong_char, "misspelling", [fix])]
        assert chk.check(right).anomalies == []


def _run(capsys, *argv):
    from checker.cli import main

    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_every_shell_turns_it_on_with_add_signals_or_the_config(tmp_path, capsys, monkeypatch):
    import json

    f = tmp_path / "a.txt"
    f.write_text("他现再在北京工作。\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = _run(capsys, "scan", f, "--lang", "zh", "--format", "jsonl")
    assert code == 0 and json.loads(out)["anomalies"] == []
    code, out, _ = _run(capsys, "scan", f, "--lang", "zh", "--format", "jsonl", "--add-signals", "charseq")
    assert [(a["text"], a["kind"]) for a in json.loads(out)["anomalies"]] == [("再", "misspelling")]
    (tmp_path / ".checker.toml").write_text('add_signals = "charseq"\n', encoding="utf-8")
    code, out, _ = _run(capsys, "check", f, "--lang", "zh")
    assert code == 0 and "[[再]]" in out and "+charseq|" in out


def test_an_unknown_signal_is_a_one_line_usage_error(tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_text("他在北京工作。\n", encoding="utf-8")
    code, out, err = _run(capsys, "check", f, "--lang", "zh", "--add-signals", "charsq")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and "unknown signal 'charsq'" in err


def test_a_japanese_kanji_that_is_a_word_alone_is_not_taken_for_a_homophone_slip():
    from checker.signals.charseq import SUFFIX_LANGS, _word_freq

    # 延長管 (extension tube): the word list splits off 管; 長官 (director) reads alike
    freq = {"長官": 1e-4, "管": 1e-4}
    assert _word_freq("延長管は", 2, "管", freq) == 0.0            # Chinese rule: no word here
    assert _word_freq("延長管は", 2, "管", freq, single=True) == 1e-4  # Japanese: 管 is a word
    assert "ja" in SUFFIX_LANGS and "zh" not in SUFFIX_LANGS  # 在 alone is a word, 再 its slip
