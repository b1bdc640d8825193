"""Batch runs never give a silently wrong result: resumes that would mix old and new inputs,
two runs into one --out, outputs read back as inputs, one bad record or file name ending a run,
CSV rows merged by a stray quote, workers outliving a killed run, unwritable outputs, and JSONL
records cut in two by Unicode line breaks."""
import errno
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EN = (ROOT / "corpora" / "samples" / "harbour.en.txt").read_text(encoding="utf-8").splitlines()


def scan(*argv, timeout=300, **kw):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    kw.setdefault("capture_output", "stdout" not in kw)
    return subprocess.run([sys.executable, "-m", "checker", "scan", *map(os.fsdecode, argv)], text=True,
                          timeout=timeout, cwd=ROOT, env=env, **kw)


def start_scan(*argv) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "checker", "scan", *map(str, argv)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def segments(out: Path) -> list[dict]:
    return [json.loads(l) for l in (out / "segments.jsonl").read_text(encoding="utf-8").split("\n") if l]


def error_lines(stderr: str) -> list[str]:
    return [l for l in stderr.splitlines() if l.startswith("checker: error:")]


# 1. resume compares content, not only paths and settings

def test_resuming_after_an_input_was_edited_is_refused_naming_the_file(tmp_path):
    f = tmp_path / "d.en.txt"
    f.write_text("A clean first line.\nAnother clean line.\nA third line.\n")
    out = tmp_path / "o"
    assert scan(f, "--out", out).returncode == 0
    before = (out / "segments.jsonl").read_bytes()
    f.write_text("The the cat sat.\n")  # shorter, and with an error the old run never saw
    r = scan(f, "--out", out)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert error_lines(r.stderr) == [l for l in r.stderr.splitlines() if l.startswith("checker:")]
    assert len(error_lines(r.stderr)) == 1 and "d.en.txt changed" in r.stderr and "--restart" in r.stderr
    assert (out / "segments.jsonl").read_bytes() == before  # nothing mixed in
    r = scan(f, "--out", out, "--restart")
    assert r.returncode == 0, r.stderr
    segs = segments(out)
    assert len(segs) == 1 and segs[0]["anomalies"][0]["kind"] == "repetition"
    assert "d.en.txt" in json.loads((out / "run.json").read_text())["inputs"][0]["path"]  # readable identity


def test_resuming_after_a_wmt_reference_changed_is_refused(tmp_path):
    d = tmp_path / "wmt"
    for sub in ("sources", "references", "system-outputs"):
        (d / sub).mkdir(parents=True)
    (d / "sources/t.de-en.src.de").write_text("Eins.\nZwei.\n")
    (d / "references/t.de-en.ref.A.en").write_text("One.\nTwo.\n")
    (d / "system-outputs/t.de-en.hyp.s.en").write_text("One.\nTwo.\n")
    out = tmp_path / "o"
    assert scan(d, "--out", out).returncode == 0
    (d / "references/t.de-en.ref.A.en").write_text("One.\nTwo!\n")
    r = scan(d, "--out", out)
    assert r.returncode == 2 and "t.de-en.ref.A.en changed" in r.stderr and "--restart" in r.stderr


# 2. one run per --out at a time

def test_a_second_run_into_a_busy_out_is_refused_in_one_line(tmp_path):
    f = tmp_path / "big.en"
    f.write_text("\n".join(f"{t} ({i})" for i in range(200) for t in EN) + "\n")
    out = tmp_path / "o"
    first = start_scan(f, "--out", out)
    try:
        deadline = time.time() + 120
        while time.time() < deadline and not (out / "run.json").exists() and first.poll() is None:
            time.sleep(0.05)
        assert first.poll() is None, "the first run ended too soon to test"
        r = scan(f, "--out", out)
        assert r.returncode == 2 and f"in use by another checker run (pid {first.pid})" in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    finally:
        first.kill()
        first.wait()
    # the lock went with the killed run: the next one resumes at once
    with open(out / ".lock") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_while_another_process_holds_the_out_lock_nothing_is_written(tmp_path):
    """While another process holds DIR/.lock nothing in DIR is touched."""
    f = tmp_path / "x.en"
    f.write_text("One line.\n")
    out = tmp_path / "o"
    out.mkdir()
    with open(out / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        r = scan(f, "--out", out)
        assert r.returncode == 2 and "in use by another checker run" in r.stderr
        assert sorted(p.name for p in out.iterdir()) == [".lock"]
    r = scan(f, "--out", out)
    assert r.returncode == 0, r.stderr
    assert {"segments.jsonl", "summary.json", "report.html", "run.json"} <= {p.name for p in out.iterdir()}


# 3. outputs are never read back as inputs

def test_an_out_inside_the_input_directory_is_not_read_back(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.en.txt").write_text("The the cat sat.\nA clean line.\n")
    out = d / "results"
    for argv in ((), (), ("--restart",)):
        r = scan(d, "--out", out, *argv)
        assert r.returncode == 0, r.stderr
        assert {s["path"] for s in segments(out)} == {str(d / "a.en.txt")}
        assert len(segments(out)) == 2
    (out / "notes.en.txt").write_text("Somebody else's file.\n")
    r = scan(d, "--out", out, "--restart")
    assert r.returncode == 0 and "notes.en.txt: inside --out" in r.stderr
    assert len(segments(out)) == 2
    r = scan(out, "--out", out)
    assert r.returncode == 2 and "never reads its own outputs" in r.stderr


def test_other_runs_outputs_inside_an_input_directory_are_not_read(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.en.txt").write_text("The the cat sat.\nA clean line.\n")
    assert scan(d / "a.en.txt", "--out", d / "earlier").returncode == 0
    r = scan(d, "--out", tmp_path / "o")
    assert r.returncode == 0, r.stderr
    assert "earlier: holds another checker run's outputs, not read as input" in r.stderr
    assert {s["path"] for s in segments(tmp_path / "o")} == {str(d / "a.en.txt")}
    # a run that wrote into a directory of inputs hides only its own outputs
    assert scan(d / "a.en.txt", "--out", d).returncode == 0
    r = scan(d, "--out", tmp_path / "o2")
    assert r.returncode == 0, r.stderr
    assert {s["path"] for s in segments(tmp_path / "o2")} == {str(d / "a.en.txt")}


def test_an_input_edited_during_the_run_is_an_error_not_a_report(tmp_path, capsys, monkeypatch):
    import checker.batch.runner as runner
    from checker.cli import main

    f = tmp_path / "a.en.txt"
    f.write_text("The the cat sat.\nA clean line.\n" * 100)
    real = runner.run_ordered

    def editing(*a, **k):
        for i, res in enumerate(real(*a, **k)):
            if i == 0:
                f.write_text("A new first line.\n" + f.read_text())
            yield res

    monkeypatch.setattr(runner, "run_ordered", editing)
    code = main(["scan", str(f), "--out", str(tmp_path / "o"), "--progress", "never"])
    err = capsys.readouterr().err
    assert code == 3 and "a.en.txt changed during the run" in err and "--restart" in err
    assert not (tmp_path / "o" / "report.html").exists()


# 4. one record, one file name, one quote never ends or corrupts a run

def test_an_unsupported_record_language_is_a_problem_and_the_rest_is_checked(tmp_path):
    f = tmp_path / "r.jsonl"
    f.write_text("\n".join(json.dumps(x) for x in [
        {"text": "The the cat sat."}, {"text": "Hello there.", "lang": "xx"},
        {"text": "A a dog.", "source": "Ein Hund.", "source_lang": "qq"}, {"text": "Fine fine."}]) + "\n")
    out = tmp_path / "o"
    r = scan(f, "--out", out, "--lang", "en")
    assert r.returncode == 3 and "Traceback" not in r.stderr
    assert "r.jsonl:2: unsupported language 'xx': record skipped" in r.stderr
    assert "r.jsonl:3: unsupported source language 'qq': record skipped" in r.stderr
    assert [s["line"] for s in segments(out)] == [0, 3]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["total"]["segments"] == 2 and len(summary["problems"]) == 2
    assert (out / "report.html").exists()


def test_a_checker_error_on_one_record_is_reported_and_the_run_goes_on(tmp_path, monkeypatch):
    from checker.batch.runner import BatchOptions, run_batch
    from checker.core import Checker
    from checker.errors import CheckerError

    real = Checker.check

    def check(self, text, *a, **k):
        if "BOOM" in text:
            raise CheckerError("cannot check this one")
        return real(self, text, *a, **k)

    monkeypatch.setattr(Checker, "check", check)
    f = tmp_path / "x.en.txt"
    f.write_text("The the cat.\nBOOM goes here.\nA a dog.\n")
    out = tmp_path / "o"
    opts = BatchOptions(paths=[str(f)], out=str(out), checker={"model": "none"}, progress=False)
    written, problems = run_batch(opts)
    assert written == 3 and [str(p) for p in problems] == [f"{f}:2: cannot check this one: record not checked"]
    segs = segments(out)
    assert segs[1]["error"] == "cannot check this one" and [bool(s["anomalies"]) for s in segs] == [True, False, True]
    assert json.loads((out / "summary.json").read_text())["problems"][0]["line"] == 2
    # the problem is still reported when the run is resumed
    written, problems = run_batch(opts)
    assert written == 0 and [p.line for p in problems] == [1]


def test_a_file_name_that_is_not_utf8_is_read_and_reported(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    name = os.fsdecode(b"caf\xe9.en.txt")
    (d / name).write_text("The the cat sat.\n")
    (d / os.fsdecode(b"bad\xff.jsonl")).write_text('{"text": "Fine."}\n{"text": \n')
    out = tmp_path / "o"
    r = scan(d, "--out", out, "--lang", "en")
    assert r.returncode == 3 and "internal error" not in r.stderr, r.stderr
    assert "bad\\xff.jsonl:2: malformed JSON" in r.stderr
    paths = [s["path"] for s in segments(out)]
    assert paths == [str(d / "bad\\xff.jsonl"), str(d / "caf\\xe9.en.txt")]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["problems"][0]["path"].endswith("bad\\xff.jsonl")
    assert "caf\\xe9.en.txt" in (out / "report.html").read_text(encoding="utf-8")
    # and given by name, as a file (resume included)
    r = scan(d / name, "--out", tmp_path / "o2")
    assert r.returncode == 0 and scan(d / name, "--out", tmp_path / "o2").returncode == 0, r.stderr


def test_a_csv_with_an_unbalanced_quote_is_reported_not_merged(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text('id,text\n1,A clean line.\n2,"He said hello.\n3,The the cat.\n4,Fine.\n')
    g = tmp_path / "u.csv"
    g.write_text('id,text\n1,"a ""quoted"" word, kept"\n2,"Line one\nline two"\n3,"x"y\n4,Fine.\n')
    out = tmp_path / "o"
    r = scan(f, g, "--out", out, "--lang", "en")
    assert r.returncode == 3
    assert "t.csv:3: unbalanced quote starting on line 3: lines 3-5 skipped" in r.stderr
    assert "u.csv:3: a quoted field runs from line 3 to line 4" in r.stderr
    assert "u.csv:5: malformed CSV" in r.stderr
    segs = segments(out)
    assert [(Path(s["path"]).name, s["id"]) for s in segs] == [("t.csv", "1"), ("u.csv", "1"), ("u.csv", "4")]
    assert [s["line"] for s in segs] == [1, 1, 5]  # physical lines, 0-based


# 5. workers never outlive a killed run

def _children(pid: int) -> dict[int, str]:
    """{pid: start time} of the live processes whose parent is ``pid``."""
    out = {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                f = (p / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(f[1]) == pid and f[0] != "Z":
                out[int(p.name)] = f[19]
    return out


def _alive(pid: int, start: str) -> bool:
    try:
        f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return f[0] != "Z" and f[19] == start


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("batch", [False, True], ids=["scan -j", "batch -j"])
def test_workers_end_when_a_parallel_scan_is_killed(tmp_path, batch):
    f = tmp_path / "big.en"
    f.write_text("\n".join(f"{t} ({i})" for i in range(200) for t in EN) + "\n")
    p = start_scan(f, "-j", "2", *(("--out", tmp_path / "o") if batch else ()))
    workers: dict[int, str] = {}
    try:
        deadline = time.time() + 120
        while time.time() < deadline and len(workers) < 2 and p.poll() is None:
            workers = _children(p.pid)
            time.sleep(0.05)
        assert len(workers) >= 2 and p.poll() is None, "no workers seen while the scan ran"
        # killed during their start-up (loading a Checker takes seconds): an mp.Pool worker would
        # finish it before it found its task pipe closed, a concurrent.futures one never ends
        time.sleep(0.2)
        p.send_signal(signal.SIGKILL)
        p.wait()
        deadline = time.time() + 3
        while time.time() < deadline and any(_alive(w, s) for w, s in workers.items()):
            time.sleep(0.1)
        assert not [w for w, s in workers.items() if _alive(w, s)], "workers outlived the killed scan"
        if batch:  # and the lock on --out went with them
            with open(tmp_path / "o" / ".lock") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        p.kill()
        for w, s in workers.items():  # on failure, do not leave them behind either
            if _alive(w, s):
                os.kill(w, signal.SIGKILL)


# 6. outputs the machine refuses

def test_an_out_that_cannot_be_created_is_one_line_exit_6(tmp_path):
    f = tmp_path / "x.en"
    f.write_text("One line.\n")
    (tmp_path / "file").write_text("")
    r = scan(f, "--out", tmp_path / "file" / "o")
    assert r.returncode == 6 and r.stderr.strip().count("\n") == 0
    assert r.stderr.startswith("checker: error: ") and "cannot write" in r.stderr


def test_a_full_disk_under_out_is_one_line_exit_6(tmp_path, monkeypatch, capsys):
    import builtins

    from checker import cli
    from checker.batch import runner

    def full_open(file, mode="r", *a, **k):
        f = builtins.open(file, mode, *a, **k)
        if str(file).endswith("segments.jsonl") and "a" in mode:
            class Full:
                def write(self, s):
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

                flush = lambda self: None  # noqa: E731
                close = lambda self: f.close()  # noqa: E731
            return Full()
        return f

    monkeypatch.setattr(runner, "open", full_open, raising=False)
    f = tmp_path / "x.en"
    f.write_text("The the cat.\n")
    rc = cli.main(["scan", str(f), "--out", str(tmp_path / "o"), "--model", "none", "--progress", "never"])
    err = capsys.readouterr().err
    assert rc == 6 and err.strip().count("\n") == 0
    assert "segments.jsonl: cannot write (no space left on device)" in err


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("argv", [["x.en"], ["x.en", "--input-format", "jsonl"]], ids=["scan", "batch"])
def test_a_full_standard_output_is_one_line_exit_6(tmp_path, argv):
    (tmp_path / "x.en").write_text('{"text": "The the cat."}\n')
    with open("/dev/full", "w") as full:
        r = scan(*[tmp_path / a if a == "x.en" else a for a in argv], "--lang", "en", stdout=full,
                 stderr=subprocess.PIPE)
    assert r.returncode == 6, r.stderr
    assert r.stderr.strip() == "checker: error: standard output: cannot write (no space left on device)"


# 7. JSONL records are single lines for every reader

def test_jsonl_output_escapes_unicode_line_breaks(tmp_path):
    f = tmp_path / "lb.en.txt"
    f.write_text("The\u2028the cat sat on the mat.\nA dog\u0085dog barked.\n")
    g = tmp_path / "ids.jsonl"
    g.write_text(json.dumps({"text": "The the cat.", "id": "a\u2028b", "system": "s\u0085t"}) + "\n")
    plain = scan(f).stdout
    scan(f, g, "--out", tmp_path / "o", "--lang", "en")
    batch = (tmp_path / "o" / "segments.jsonl").read_text(encoding="utf-8")
    for out, n in ((plain, 2), (batch, 3)):
        assert not set(out) & {"\u2028", "\u2029", "\u0085"}
        assert len(out.splitlines()) == n  # str.splitlines splits on them all
    assert json.loads(batch.splitlines()[2])["id"] == "a\u2028b"
    assert json.loads(plain.splitlines()[0])["anomalies"][0]["text"] == "\u2028the"


def test_the_dask_guard_names_the_extra(monkeypatch):
    from checker.batch.engines import run_ordered
    from checker.errors import ModelError

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    with pytest.raises(ModelError, match=r"pip install 'translation-checker\[dask\]'"):  # exit 5, as documented
        list(run_ordered([1], "dask", 1, "tcp://127.0.0.1:9"))
