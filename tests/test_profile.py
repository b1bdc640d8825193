"""Newsroom profiles (checker.profile): `checker adapt` builds one, `--profile DIR` in every shell
and `Checker(profile=...)` use it, its digest is in the signature (only when given). Tiny
archives written here; no ../shared needed."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from checker import Checker
from checker.cli import main
from checker.errors import InputError, UsageError
from checker.profile import read_profile
from checker.signature import Signature

ROOT = Path(__file__).resolve().parents[1]
#: a made-up newsroom term the embedded models do not know: flagged (0.84) without a profile
TERM = "quorweltige"
SLIP = "qourweltige"  # two letters swapped
ARCHIVE = ("Die Regierung will die Abgabe für quorweltige Betriebe erhöhen.\n"
           "Viele quorweltige Unternehmen lehnen das ab, sagte Quorwelt.\n"
           "Der Verband der quorweltigen Firmen kritisierte den Plan.\n"
           "Für quorweltige Betriebe gelten neue Regeln, so Quorwelt.\n"
           "Quorwelt will am Montag mit dem Verband sprechen.\n")
TEXT = f"Auch {TERM} Betriebe müssen zahlen.\n"


def adapt(capsys, *argv) -> tuple[int, str, str]:
    code = main(["adapt", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("archive") / "archive.de.txt"
    p.write_text(ARCHIVE, encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def profile(archive, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("prof") / "newsroom"
    assert main(["-q", "adapt", "--lang", "de", "--out", str(out), str(archive)]) == 0
    return out


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """An empty working directory, so no config above the project leaks in."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_adapt_builds_profile(archive, tmp_path, capsys):
    code, out, err = adapt(capsys, "--lang", "de", "--out", tmp_path / "p", archive)
    assert code == 0 and "de profile of 2 words" in out and "adapt:" in err  # progress on stderr
    m = json.loads((tmp_path / "p" / "profile.json").read_text(encoding="utf-8"))
    assert m["format"] == 1 and m["lang"] == "de" and m["kind"] == "checker-profile"
    assert m["sources"] == [{"name": "archive.de.txt", "bytes": len(ARCHIVE.encode("utf-8")), "lines": 5}]
    assert m["counts"]["lines"] == 5 and m["counts"]["entries"] == 2
    prof = read_profile(tmp_path / "p")
    # 'quorweltige' 3 times on 3 lines, all mid-sentence in lower case; the name 'Quorwelt' 3
    # times, twice mid-sentence, capitalised; 'quorweltigen' (once) and common words stay out
    assert prof.words[TERM].count == 3 and prof.words[TERM].cap_share == 0.0
    assert prof.words["quorwelt"].form == "Quorwelt" and prof.words["quorwelt"].cap_share == 1.0
    assert set(prof.words) == {TERM, "quorwelt"}
    assert not any(f.name.endswith((".pkl", ".pickle")) for f in (tmp_path / "p").iterdir())


def test_rebuild_is_byte_identical(archive, profile, tmp_path, capsys):
    again = tmp_path / "again"
    assert adapt(capsys, "--lang", "de", "--out", again, archive)[0] == 0
    for name in ("profile.json", "words.tsv"):
        assert (again / name).read_bytes() == (profile / name).read_bytes()
    assert adapt(capsys, "--lang", "de", "--out", again, archive)[0] == 0  # rebuilt in place
    assert (again / "words.tsv").read_bytes() == (profile / "words.tsv").read_bytes()


def test_profile_word_known_and_its_misspelling_found(profile):
    plain = Checker(lang="de")
    assert [a.text for a in plain.check(TEXT).anomalies] == [TERM]  # the premise: flagged without
    chk = Checker(lang="de", profile=profile)
    assert chk.check(TEXT).anomalies == []
    assert chk.check("Auch quorweltigen Betrieben wurde geholfen.").anomalies == []  # its inflection
    slip = chk.check(f"Auch {SLIP} Betriebe müssen zahlen.").anomalies
    assert [a.text for a in slip] == [SLIP] and slip[0].kind == "misspelling"
    assert f"away from '{TERM}'" in slip[0].reason  # the profile's spelling is the candidate
    # the shared lexicon is untouched: a Checker without the profile still flags the word
    assert [a.text for a in Checker(lang="de").check(TEXT).anomalies] == [TERM]


def test_misspelling_suggests_the_profile_spelling(profile):
    slip = Checker(lang="de", profile=profile).check(f"Auch {SLIP} Betriebe müssen zahlen.").anomalies
    assert slip and slip[0].suggestions and slip[0].suggestions[0].text == TERM


@pytest.mark.parametrize("argv,code,needle", [
    (["--lang", "de", "--out", "{tmp}/p", "{tmp}/missing.txt"], 3, "no such file"),
    (["--lang", "de", "--out", "{tmp}/p", "{tmp}/empty.txt"], 3, "empty archive"),
    (["--lang", "xx", "--out", "{tmp}/p", "{archive}"], 4, "unsupported language"),
    (["--lang", "de", "--out", "{tmp}/notprofile", "{archive}"], 6, "not a profile directory"),
])
def test_adapt_errors_one_line(argv, code, needle, archive, tmp_path, capsys):
    (tmp_path / "empty.txt").write_text("\n  \n", encoding="utf-8")
    (tmp_path / "notprofile").mkdir()
    (tmp_path / "notprofile" / "keep.txt").write_text("x", encoding="utf-8")
    got, out, err = adapt(capsys, *(a.format(tmp=tmp_path, archive=archive) for a in argv))
    assert got == code and needle in err and err.count("\n") == 1 and "Traceback" not in err
    assert (tmp_path / "notprofile" / "keep.txt").read_text() == "x"  # never written into


@pytest.mark.parametrize("make,code,needle", [
    (lambda tmp, prof: ["--lang", "en", "--profile", prof], 2, "is for de, not en"),
    (lambda tmp, prof: ["--lang", "de", "--profile", tmp], 3, "not a profile directory"),
    (lambda tmp, prof: ["--lang", "de", "--profile", tmp / "nothing"], 3, "no such profile directory"),
])
def test_profile_errors_one_line(make, code, needle, profile, repo, capsys):
    (repo / "t.txt").write_text(TEXT, encoding="utf-8")
    got = main(["scan", "t.txt", *map(str, make(repo, profile))])
    out, err = capsys.readouterr()
    assert got == code and needle in err and err.count("\n") == 1 and out == ""
    with pytest.raises(UsageError):
        Checker(lang="en", profile=profile)
    with pytest.raises(InputError):
        Checker(lang="de", profile=repo)


def test_signature_carries_profile_only_when_given(profile):
    plain = Checker(lang="de").signature("de")
    assert "prof:" not in plain and Signature.parse(plain).prof == "none"
    chk = Checker(lang=None, profile=profile)  # lang None: the profile names the language
    assert chk.lang == "de"
    sig = chk.signature("de")
    assert sig == plain + f"|prof:{read_profile(profile).digest}"
    assert str(Signature.parse(sig)) == sig


def test_scan_uses_profile_and_config(profile, repo, capsys):
    (repo / "t.txt").write_text(TEXT, encoding="utf-8")
    assert main(["scan", "t.txt", "--lang", "de"]) == 0
    assert json.loads(capsys.readouterr()[0])["anomalies"]
    assert main(["scan", "t.txt", "--profile", str(profile)]) == 0  # its language is the default
    assert json.loads(capsys.readouterr()[0])["anomalies"] == []
    # .checker.toml: a path relative to the config file
    sub = repo / "sub"
    sub.mkdir()
    (repo / ".checker.toml").write_text(f'profile = "{os.path.relpath(profile, repo)}"\n', encoding="utf-8")
    os.chdir(sub)
    assert main(["scan", "../t.txt"]) == 0
    assert json.loads(capsys.readouterr()[0])["anomalies"] == []


def test_pipe_workers_carry_profile(profile):
    chk = Checker(lang="de", profile=profile)
    assert chk.init_kwargs["profile"] == str(profile)
    reps = list(chk.pipe([TEXT, f"Auch {SLIP} Betriebe."], n_process=2, batch_size=1))
    assert reps[0].anomalies == [] and [a.text for a in reps[1].anomalies] == [SLIP]
    assert "|prof:" in reps[0].signature


def test_hook_uses_profile(profile, repo, capsys):
    (repo / "doc.md").write_text(TEXT, encoding="utf-8")
    assert main(["hook", "doc.md", "--lang", "de"]) == 1
    capsys.readouterr()
    # the hook's own default language (en) gives way to the profile's
    assert main(["hook", "doc.md", "--profile", str(profile)]) == 0
    (repo / "doc.md").write_text(f"Auch {SLIP} Betriebe müssen zahlen.\n", encoding="utf-8")
    assert main(["hook", "doc.md", "--profile", str(profile)]) == 1
    assert "misspelling (0.9" in capsys.readouterr()[0]  # its misspelling still fails the hook


def test_service_uses_profile(profile):
    httpx = pytest.importorskip("httpx")
    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    log = tempfile.TemporaryFile()  # a file, not a pipe: a pipe nobody reads would block the server
    proc = subprocess.Popen([sys.executable, "-m", "checker", "serve", "--port", str(port), "--profile", str(profile)],
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, log.seek(0) or log.read().decode(errors="replace")
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)
        r = httpx.post(url + "/v1/check", json={"text": TEXT}, timeout=30).json()
        assert r["lang"] == "de" and r["anomalies"] == [] and r["verdict"] == "pass"
        assert f"|prof:{read_profile(profile).digest}" in r["signature"]
        r = httpx.post(url + "/v1/check", json={"text": f"Auch {SLIP} Betriebe."}, timeout=30).json()
        assert [a["text"] for a in r["anomalies"]] == [SLIP]
        r = httpx.post(url + "/v1/check", json={"text": "The cat sat.", "lang": "en"}, timeout=30)
        assert r.status_code == 422 and "is for de, not en" in r.json()["detail"]  # the request's language
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_edited_or_foreign_profile_refused(profile, tmp_path):
    import shutil

    bad = tmp_path / "edited"
    shutil.copytree(profile, bad)
    with open(bad / "words.tsv", "a", encoding="utf-8") as f:
        f.write("zzzz\tzzzz\t9\t9\t9\t-\t0.00\n")  # a hand edit the manifest does not vouch for
    with pytest.raises(InputError, match="does not match"):
        read_profile(bad)
    newer = tmp_path / "newer"
    shutil.copytree(profile, newer)
    m = json.loads((newer / "profile.json").read_text(encoding="utf-8"))
    (newer / "profile.json").write_text(json.dumps({**m, "format": 99}), encoding="utf-8")
    with pytest.raises(InputError, match="format 99"):
        read_profile(newer)
