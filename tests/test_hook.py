"""`checker hook`: markup skipping keeps positions, markers, allowlist, config, exit codes, pre-commit."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checker.cli import main
from checker.hook import ignored_lines, mask

ROOT = Path(__file__).resolve().parents[1]
BAD = "zorvanted"  # a non-word the checker flags with a score well above 0.5


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """An empty working directory, so no config above the project leaks in."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def hook(capsys, *argv):
    code = main(["hook", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_mask_preserves_length_and_lines():
    md = "Text `code x` and [link](http://a.example/b_c) <b>bold</b> &amp; end.\n```\nfenced\n```\n"
    m = mask(md, "markdown")
    assert len(m) == len(md) and [i for i, c in enumerate(m) if c == "\n"] == [i for i, c in enumerate(md) if c == "\n"]
    assert "code" not in m and "http" not in m and "fenced" not in m and "<b>" not in m and "&amp;" not in m
    assert "Text" in m and "link" in m and "bold" in m and "end." in m
    html = "<p title='x'>Hi &nbsp;there</p><script>\nvar a = 1;\n</script><pre>pre</pre><code>c</code><style>p{}</style>"
    h = mask(html, "html")
    assert len(h) == len(html) and h.count("\n") == 2
    assert h.split() == ["Hi", "there"]


def test_markdown_code_skipped_prose_reported(repo, capsys):
    f = repo / "doc.md"
    f.write_text(
        "# Title\n"
        "\n"
        f"```python\nx = {BAD}()\n```\n"
        f"Inline `{BAD}` code and a [link](https://{BAD}.example/{BAD}) here.\n"
        f"Some prose with {BAD} in it.\n", encoding="utf-8")
    code, out, _ = hook(capsys, f)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 1 and re.fullmatch(rf"{re.escape(str(f))}:7:17: non-word \(0\.\d\d\): {BAD} -> \S+ \(\d\.\d\d\)",
                                            lines[0]), out


def test_html_skipped_prose_reported(repo, capsys):
    f = repo / "page.html"
    f.write_text(
        f"<html><head><style>.{BAD} {{ color: red }}</style>\n"
        f"<script>var {BAD} = 1;</script></head>\n"
        f"<body><p class=\"{BAD}\">Caf&eacute; owners <code>{BAD}</code> met.</p>\n"
        f"<pre>\n{BAD}\n</pre>\n"
        f"<!-- {BAD} -->\n"
        f"<p>The union had {BAD} the deal.</p>\n", encoding="utf-8")
    code, out, _ = hook(capsys, f)
    assert code == 1
    assert out.startswith(f"{f}:8:18: non-word (") and f"): {BAD}" in out, out
    assert out.count("\n") == 1


def test_plain_text_and_delete_suggestion(repo, capsys):
    f = repo / "a.txt"
    f.write_text("The the cat sat on the mat.\nA clean line here.\n", encoding="utf-8")
    code, out, err = hook(capsys, f)
    assert code == 1
    assert out.startswith(f"{f}:1:4: repetition (0.9") and ":  the -> <delete> (0.9" in out
    assert "at or above 0.5" in err


def test_ignore_markers(repo, capsys):
    f = repo / "doc.md"
    f.write_text(
        f"One {BAD} here. <!-- checker: ignore -->\n"
        "<!-- checker: ignore-next-line -->\n"
        "Two traximent here.\n"
        "Three blorvished here.\n", encoding="utf-8")
    code, out, _ = hook(capsys, f)
    assert code == 1
    assert out.splitlines() == [l for l in out.splitlines()
                                if l.startswith(f"{f}:4:7: non-word (") and "): blorvished" in l] and out
    t = repo / "a.txt"
    t.write_text("# checker: ignore-next-line\nFour blorvished.\nFive traximent. # checker: ignore\n", encoding="utf-8")
    assert hook(capsys, t)[:2] == (0, "")
    assert ignored_lines(["a", "x checker: ignore-next-line", "b", "c"]) == {1, 2}


def test_allowlist_flag_and_comments(repo, capsys):
    f = repo / "a.txt"
    f.write_text(f"The union had {BAD} the deal.\n", encoding="utf-8")
    assert hook(capsys, f)[0] == 1
    allow = repo / "words.txt"
    allow.write_text(f"# project terms\n{BAD}\n", encoding="utf-8")
    assert hook(capsys, f, "--allowlist", allow)[:2] == (0, "")


def test_fail_at_and_verbose(repo, capsys):
    f = repo / "a.txt"
    f.write_text(f"The union had {BAD} the deal.\n", encoding="utf-8")
    code, out, _ = hook(capsys, f, "--fail-at", "0.99")
    assert (code, out) == (0, "")
    code, out, _ = hook(capsys, f, "--fail-at", "0.99", "--verbose")
    assert code == 0 and f"{f}:1:15: non-word (" in out and f"): {BAD}" in out
    assert hook(capsys, f, "--fail-at", "0.1")[0] == 1


def test_config_precedence(repo, capsys):
    sub = repo / "docs"
    sub.mkdir()
    f = sub / "a.txt"
    f.write_text(f"The union had {BAD} the deal.\n", encoding="utf-8")
    os.chdir(sub)
    # pyproject.toml [tool.checker] in a parent directory is found
    (repo / "pyproject.toml").write_text("[project]\nname='x'\n[tool.checker]\nfail_at = 0.99\n", encoding="utf-8")
    assert hook(capsys, f)[0] == 0
    # .checker.toml wins over pyproject.toml in the same directory
    (repo / ".checker.toml").write_text("fail_at = 0.1\n", encoding="utf-8")
    assert hook(capsys, f)[0] == 1
    # the command line wins over the config
    assert hook(capsys, f, "--fail-at", "0.99")[0] == 0
    # allowlist is relative to the config file, not to the current directory
    (repo / "terms.txt").write_text(f"{BAD}\n", encoding="utf-8")
    (repo / ".checker.toml").write_text('fail_at = 0.1\nallowlist = "terms.txt"\n', encoding="utf-8")
    assert hook(capsys, f)[:2] == (0, "")
    # lang from config, checked like --lang
    (repo / ".checker.toml").write_text('lang = "xx"\n', encoding="utf-8")
    code, _, err = hook(capsys, f)
    assert code == 4 and "unsupported language 'xx'" in err
    assert hook(capsys, f, "--lang", "en")[0] == 1
    # a config error is one line, a usage error
    (repo / ".checker.toml").write_text('fail_at = "high"\n', encoding="utf-8")
    code, _, err = hook(capsys, f)
    assert code == 2 and "fail_at must be a number" in err and err.count("\n") == 1
    (repo / ".checker.toml").write_text('fail_at = [\n', encoding="utf-8")
    code, _, err = hook(capsys, f)
    assert code == 3 and "invalid TOML" in err and err.count("\n") == 1


@pytest.mark.parametrize("content,needle,code", [
    (None, "no such file", 3),
    (b"caf\xe9 au lait\n", "invalid UTF-8", 3),
    (b"\x7fELF\x02\x01\x00\x00", "binary data", 3),
])
def test_bad_files(repo, capsys, content, needle, code):
    f = repo / "bad.txt"
    if content is not None:
        f.write_bytes(content)
    good = repo / "good.txt"
    good.write_text("The the cat.\n", encoding="utf-8")
    got, out, err = hook(capsys, good, f)
    assert got == code and out == "" and needle in err and err.count("\n") == 1


def test_no_files_is_success(repo, capsys):
    assert hook(capsys)[:2] == (0, "")


def test_pre_commit_hooks_manifest():
    import yaml

    (h,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert h["id"] == "checker" and h["entry"] == "checker hook" and h["language"] == "python"
    assert h["types_or"] == ["text"] and h["files"] == r"\.(txt|md|markdown|html?)$"


def test_through_pre_commit(tmp_path):
    pytest.importorskip("pre_commit")
    if shutil.which("git") is None:
        pytest.skip("git not available")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pc-home"), "PYTHONPATH": str(ROOT),
           "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path), "NO_COLOR": "1"}
    r = tmp_path / "repo"
    r.mkdir()
    (r / ".pre-commit-config.yaml").write_text(
        "repos:\n- repo: local\n  hooks:\n  - id: checker\n    name: checker\n"
        f"    entry: {sys.executable} -m checker hook\n    language: system\n"
        "    types_or: [text]\n    files: \\.(txt|md|markdown|html?)$\n", encoding="utf-8")
    doc = r / "article.md"
    doc.write_text(f"# News\n\nThe union had {BAD} the deal.\n\n```\n{BAD}\n```\n", encoding="utf-8")

    def git(*a):
        subprocess.run(["git", *a], cwd=r, env=env, check=True, capture_output=True)

    def pre_commit():
        return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
                              cwd=r, env=env, capture_output=True, text=True, timeout=120)

    git("init", "-q")
    git("add", ".")
    p = pre_commit()
    assert p.returncode == 1, p.stdout + p.stderr
    assert "article.md:3:15: non-word (" in p.stdout and f"): {BAD} -> " in p.stdout
    assert "article.md:6:" not in p.stdout
    doc.write_text("# News\n\nThe union had signed the deal.\n\n```\nzorvanted\n```\n", encoding="utf-8")
    git("add", ".")
    p = pre_commit()
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Passed" in p.stdout
