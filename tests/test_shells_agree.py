"""Every shell is a thin adapter over the same document loop: `scan`, `scan -j 2`, `check`, `hook`,
the service, a batch run and Checker.pipe give the same anomalies on the same input (a Dask run
gives a batch run's output byte for byte: tests/test_batch.py)."""
import json
import re
from pathlib import Path

import pytest

from checker.cli import main
from checker.core import Checker

ROOT = Path(__file__).resolve().parents[1]
LINES = (ROOT / "corpora" / "samples" / "harbour.en.txt").read_text(encoding="utf-8").splitlines()[:40]


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    return out


def key(line: int, a: dict) -> tuple:
    return (line, a["start"], a["end"], a["text"], a["kind"], round(a["score"], 2),
            tuple(s["text"] for s in a["suggestions"][:1]))


@pytest.fixture(scope="module")
def doc(tmp_path_factory):
    d = tmp_path_factory.mktemp("agree")
    f = d / "article.en.txt"
    f.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return f


@pytest.fixture(scope="module")
def scan_j1(doc):
    import subprocess
    import sys
    p = subprocess.run([sys.executable, "-m", "checker", "scan", str(doc), "--lang", "en"], capture_output=True,
                       text=True, cwd=ROOT, timeout=300)
    assert p.returncode == 0, p.stderr
    got = {key(r["line"], a) for r in map(json.loads, p.stdout.splitlines()) for a in r["anomalies"]}
    assert len(got) >= 5  # the sample has glitches of every kind: the comparisons below are not vacuous
    return got


def test_scan_with_two_processes_gives_the_same_output(doc, scan_j1, capsys):
    out = run(capsys, "scan", doc, "--lang", "en", "-j", "2")
    assert {key(r["line"], a) for r in map(json.loads, out.splitlines()) for a in r["anomalies"]} == scan_j1


def test_pipe_gives_the_same_anomalies(doc, scan_j1):
    text = doc.read_text(encoding="utf-8")
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    (rep,) = Checker(lang="en").pipe([text])
    got = set()
    for a in rep.anomalies:
        i = max(j for j, s in enumerate(starts[:-1]) if s <= a.start)
        d = a.to_dict()
        d["start"] -= starts[i]
        d["end"] -= starts[i]
        got.add(key(i, d))
    assert got == scan_j1
    both = list(Checker(lang="en").pipe([text, text], n_process=2, batch_size=1))
    assert [r.to_dict() for r in both] == [rep.to_dict()] * 2


def test_the_hook_reports_the_same_anomalies(doc, scan_j1, capsys, tmp_path):
    out = run(capsys, "hook", "--lang", "en", "--verbose", "--fail-at", "1", doc)
    rows = [re.match(r".*:(\d+):(\d+): (\S+) \((\d\.\d\d)\): (.*?)(?: -> .*)?$", l).groups() for l in out.splitlines()]
    got = {(int(ln) - 1, int(col) - 1, kind, float(sc), txt) for ln, col, kind, sc, txt in rows}
    assert got == {(k[0], k[1], k[4], k[5], k[3]) for k in scan_j1}


def test_check_reports_the_same_anomalies(doc, scan_j1, capsys):
    out = run(capsys, "check", "--lang", "en", "--color", "never", doc)
    heads = re.findall(r"^.*:(\d+):(\d+): (\S+) \((\d\.\d\d)\)$", out, re.M)
    assert {(int(l) - 1, int(c) - 1, k, float(s)) for l, c, k, s in heads} == {(k[0], k[1], k[4], k[5]) for k in scan_j1}


def test_the_service_reports_the_same_anomalies(doc, scan_j1):
    from checker.server import check_text

    text = doc.read_text(encoding="utf-8")
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    _, anomalies = check_text(Checker(lang="en"), text)
    got = set()
    for a in anomalies:
        i = max(j for j, s in enumerate(starts[:-1]) if s <= a["start"])
        got.add(key(i, {**a, "start": a["start"] - starts[i], "end": a["end"] - starts[i]}))
    assert got == scan_j1


def test_a_batch_run_gives_the_same_anomalies(doc, scan_j1, capsys, tmp_path):
    run(capsys, "scan", doc, "--out", tmp_path / "o", "--progress", "never")
    recs = [json.loads(l) for l in (tmp_path / "o" / "segments.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {key(r["line"], a) for r in recs for a in r["anomalies"]} == scan_j1


def test_a_repeated_line_gets_its_own_copy_of_the_same_report(en_checker):
    # scan's items share the file's word counts, so a repeated line is answered from memory;
    # the answer must be the same and changing one report must not change the next
    counts = {"harbour": 3}
    line = "The the harbour master said idingere things."
    first, second = en_checker.pipe([line, line], context=counts)
    assert first.to_dict() == second.to_dict() and first.anomalies
    first.anomalies[0].start = 99
    first.anomalies[0].suggestions.clear()
    (third,) = en_checker.pipe([line], context=counts)
    assert third.to_dict() == second.to_dict()


def test_a_line_repeated_in_two_documents_is_judged_with_each_documents_counts(en_checker):
    # 'zorbly' recurs in the second document (a name or a term there), not in the first: with each
    # document's own word counts the same line gets different scores (a memory of lines must not
    # carry one document's answer into another)
    line = "Then zorbly came back."
    one, two = en_checker.pipe([line, f"{line}\nZorbly again.\nAnd zorbly once more."])
    (a,) = one.anomalies
    (b,) = [x for x in two.anomalies if x.start < len(line)]
    assert (a.start, a.text) == (b.start, b.text) and b.score < a.score - 0.05
