"""Silent fallbacks are warnings on stderr, one line each; -q silences them, -v adds what was decided."""
import pytest

from checker.cli import main

BAD = "zorvanted"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def text(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(f"Mga {BAD} na salita.\n", encoding="utf-8")
    return f


def test_a_language_without_an_ngram_model_is_a_warning(capsys, text):
    code, out, err = run(capsys, "check", "--lang", "fil", text)
    assert code == 0 and "lm:none" in out
    assert "checker: warning: no embedded n-gram model for fil" in err and err.count("\n") == 1


def test_quiet_silences_warnings_and_verbose_adds_information(capsys, text, tmp_path):
    code, _, err = run(capsys, "-q", "check", "--lang", "fil", text)
    assert code == 0 and err == ""
    und = tmp_path / "b.txt"
    und.write_text("12345 67890\n", encoding="utf-8")
    _, _, err = run(capsys, "-v", "check", und)
    assert "checker: info: language not recognised" in err


def test_an_unwritable_cache_is_a_warning_not_an_error(capsys, text, tmp_path, monkeypatch):
    import checker.charmodel as charmodel
    from checker.cli import setup_logging

    setup_logging()
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("CHECKER_CACHE", str(blocker / "cache"))
    charmodel.get_char_model.cache_clear()
    try:
        charmodel.get_char_model("sk")
    finally:
        charmodel.get_char_model.cache_clear()
    err = capsys.readouterr().err
    assert "checker: warning: cannot write the character model cache" in err
