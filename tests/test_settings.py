"""One settings object for every shell: the same model options on check, scan, hook and serve, and
`.checker.toml` / `[tool.checker]` read by all of them, flags first."""
import json

import pytest

from checker.cli import build_parser, main
from checker.settings import Settings

BAD = "zorvanted"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("cmd", ["check", "scan", "hook", "serve"])
def test_every_shell_takes_the_same_model_options(cmd, tmp_path):
    allow = tmp_path / "words.txt"
    allow.write_text("x\n")
    argv = [cmd] + ([] if cmd == "serve" else ["f.txt"]) + [
        "--lang", "de", "--model", "none", "--context-model", "none", "--allowlist", str(allow),
        "--threshold", "0.7", "--no-file-context"]
    args = build_parser().parse_args(argv)
    assert (args.lang, args.model, args.context_model, args.allowlist, args.threshold, args.file_context) == (
        "de", "none", "none", str(allow), 0.7, False)


def test_check_and_scan_read_the_config_file(tmp_path, capsys, monkeypatch):
    (tmp_path / ".checker.toml").write_text('lang = "en"\nmodel = "none"\nfile_context = false\n'
                                            f'allowlist = "terms.txt"\n', encoding="utf-8")
    (tmp_path / "terms.txt").write_text(f"{BAD}\n", encoding="utf-8")
    f = tmp_path / "a.txt"
    f.write_text(f"The union had {BAD} the deal, and the the cat sat.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "check", f)
    sig = out.strip().splitlines()[-1]
    assert code == 0 and "|lang:en|" in sig and "|lm:none|" in sig and "|ctx:line" in sig and "|allow:none|" not in sig
    assert f"[[{BAD}]]" not in out  # the config's allowlist applies
    code, out, _ = run(capsys, "scan", f)
    kinds = [a["kind"] for a in json.loads(out)["anomalies"]]
    assert code == 0 and kinds == ["repetition"]


def test_a_flag_wins_over_the_config_file(tmp_path, capsys, monkeypatch):
    (tmp_path / ".checker.toml").write_text('model = "none"\nthreshold = 0.99\n', encoding="utf-8")
    f = tmp_path / "a.txt"
    f.write_text(f"The union had {BAD} the deal.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(capsys, "check", "--lang", "en", f)
    assert "|thr:0.990|" in out and "|lm:none|" in out
    _, out, _ = run(capsys, "check", "--lang", "en", "--model", "ngram", "--threshold", "0.5", f)
    assert "|thr:0.500|" in out and "|lm:ngram-en@" in out


def test_the_hook_reads_model_options_from_the_config(tmp_path, capsys, monkeypatch):
    (tmp_path / ".checker.toml").write_text('allowlist = "terms.txt"\nfail_at = 0.2\n', encoding="utf-8")
    (tmp_path / "terms.txt").write_text(f"{BAD}\n", encoding="utf-8")
    f = tmp_path / "a.md"
    f.write_text(f"The union had {BAD} the deal.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "hook", f)[:2] == (0, "")


@pytest.mark.parametrize("line,needle", [
    ("file_context = 1", "file_context must be true or false"),
    ('model = 3', "model must be a string"),
    ("threshold = nan", "threshold must be a number between 0 and 1"),
    ('colour = "red"', "unknown key 'colour'"),
])
def test_bad_config_values_are_one_line_usage_errors(tmp_path, capsys, monkeypatch, line, needle):
    (tmp_path / ".checker.toml").write_text(line + "\n", encoding="utf-8")
    f = tmp_path / "a.txt"
    f.write_text("A line.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "check", "--lang", "en", f)
    assert code == 2 and out == "" and needle in err and err.count("\n") == 1


def test_settings_precedence_in_python(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.checker]\nlang = "de"\nfail_at = 0.7\n', encoding="utf-8")
    s = Settings.resolve({"fail_at": 0.9, "lang": None}, start=tmp_path, lang="en")
    assert (s.lang, s.fail_at, s.model, s.config) == ("de", 0.9, "ngram", tmp_path / "pyproject.toml")
    assert Settings.resolve({}, start=tmp_path / "nowhere-below", lang="en").lang == "de"
