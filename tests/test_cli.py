"""The CLI's contract: JSONL shape, and a clear one-line message plus exit code for bad input."""
import json
import subprocess
import sys

import pytest

from checker.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_scan_jsonl_contract(tmp_path, capsys):
    f = tmp_path / "a.txt"
    lines = ["The the cat sat on the mat.", "", "Ein ganz normaler Satz.", "He said sowieso nothing."]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "scan", str(f), "--lang", "en", "--format", "jsonl")
    assert code == 0
    recs = [json.loads(l) for l in out.splitlines()]
    assert [r["line"] for r in recs] == [0, 1, 2, 3]
    assert recs[1]["anomalies"] == []
    for r in recs:
        for a in r["anomalies"]:
            assert set(a) == {"start", "end", "text", "kind", "score", "reason", "suggestions"}
            assert lines[r["line"]][a["start"]:a["end"]] == a["text"]
            assert 0.0 <= a["score"] <= 1.0
            scores = [s["score"] for s in a["suggestions"]]
            assert scores == sorted(scores, reverse=True)
    rep = recs[0]["anomalies"][0]
    assert rep["kind"] == "repetition"
    fixed = lines[0][:rep["start"]] + rep["suggestions"][0]["text"] + lines[0][rep["end"]:]
    assert fixed == "The cat sat on the mat."


@pytest.mark.parametrize("content,needle", [
    (b"caf\xe9 au lait\n", "invalid UTF-8 at byte 3 (line 1)"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00", "binary data"),
    (b"one line\nnul \x00 here\n", "NUL byte on line 2"),
])
def test_bad_bytes_exit_3(tmp_path, capsys, content, needle):
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    for cmd in ("scan", "check"):
        code, out, err = run(capsys, cmd, str(f), "--lang", "en")
        assert code == 3 and out == ""
        assert needle in err and err.count("\n") == 1 and "Traceback" not in err


def test_missing_file_exit_3(tmp_path, capsys):
    code, _, err = run(capsys, "scan", str(tmp_path / "nope.txt"), "--lang", "en")
    assert code == 3 and "no such file" in err


def test_unknown_language_exit_4(tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_text("hello\n")
    code, _, err = run(capsys, "scan", str(f), "--lang", "xx")
    assert code == 4 and "unsupported language 'xx'" in err and " en " in err


def test_empty_file_is_not_an_error(tmp_path, capsys):
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    code, out, err = run(capsys, "scan", str(f), "--lang", "en")
    assert code == 0 and out == "" and "empty input" in err
    code, out, err = run(capsys, "check", str(f), "--lang", "en")
    assert code == 0 and "empty input" in err


def test_usage_error_exit_2(capsys):
    code, _, err = run(capsys, "scan")
    assert code == 2 and "required" in err


def test_mismatched_source_exit_3(tmp_path, capsys):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("one\ntwo\n")
    b.write_text("eins\n")
    code, _, err = run(capsys, "scan", str(a), "--lang", "en", "--source", str(b), "--source-lang", "de")
    assert code == 3 and "line-aligned" in err


def test_one_megabyte_line(tmp_path, capsys):
    words = ("the port reopened on Tuesday after a strike " * 20000)[: 1 << 20]
    f = tmp_path / "long.txt"
    f.write_text(words + " zorvanted\nshort line\n", encoding="utf-8")
    code, out, _ = run(capsys, "scan", str(f), "--lang", "en")
    recs = [json.loads(l) for l in out.splitlines()]
    assert code == 0 and [r["line"] for r in recs] == [0, 1]


def test_console_command_check_human_output(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Officials said the the talks would resume.\n", encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "checker", "check", str(f), "--lang", "en"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "repetition" in p.stdout and "[[ the]]" in p.stdout and "signature: checker:" in p.stdout
