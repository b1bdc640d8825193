"""Batch runs (`checker scan PATH... --out DIR`): input layouts, summary and sacrebleu scores,
input problems, the HTML report in a real browser, kill-and-resume, and a Dask cluster."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpora" / "samples"
EN = (SAMPLES / "harbour.en.txt").read_text(encoding="utf-8").splitlines()
DE = (SAMPLES / "wahl.de.txt").read_text(encoding="utf-8").splitlines()
EN_CLEAN = (SAMPLES / "harbour.en.clean.txt").read_text(encoding="utf-8").splitlines()


def scan(*argv, timeout=600):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "checker", "scan", *map(str, argv)], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT, env=env)


def finished_run(tmp_path_factory, name: str, *argv) -> tuple[Path, subprocess.CompletedProcess]:
    """A completed `scan ... --out` into a fresh directory (module fixtures share it)."""
    out = tmp_path_factory.mktemp(name) / "run"
    r = scan(*argv, "--out", out)
    assert r.returncode == 0, r.stderr
    return out, r


def wmt_dir(d: Path, files: dict[str, str]) -> Path:
    """A WMT-layout directory: {"sources/x": text, ...}."""
    for sub in ("sources", "references", "system-outputs"):
        (d / sub).mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (d / name).write_text(text)
    return d


def segments(out: Path) -> list[dict]:
    return [json.loads(l) for l in (out / "segments.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def wmt(tmp_path_factory):
    """A small corpus in the WMT layout: two systems (the sample with and without its errors),
    the clean text as reference, an unsupported target language beside them."""
    return wmt_dir(tmp_path_factory.mktemp("wmt"), {
        "sources/test.de-en.src.de": "\n".join(f"Quelle {i}." for i in range(len(EN))) + "\n",
        "references/test.de-en.ref.A.en": "\n".join(EN_CLEAN) + "\n",
        "system-outputs/test.de-en.hyp.noisy.en": "\n".join(EN) + "\n",
        "system-outputs/test.de-en.hyp.clean.en": "\n".join(EN_CLEAN) + "\n",
        "system-outputs/test.en-liv.hyp.x.liv": "Tere\n"})


@pytest.fixture(scope="module")
def wmt_run(wmt, tmp_path_factory):
    return finished_run(tmp_path_factory, "out", wmt, "--progress", "never")


def test_wmt_layout_segments_and_summary(wmt, wmt_run):
    out, r = wmt_run
    segs = segments(out)
    assert len(segs) == 2 * len(EN) and [s["n"] for s in segs] == list(range(len(segs)))
    assert {s["system"] for s in segs} == {"de-en:clean", "de-en:noisy"}
    assert all(s["lang"] == "en" and s["path"].endswith(".en") for s in segs)
    noisy = [s for s in segs if s["system"] == "de-en:noisy"]
    assert any(a["kind"] == "repetition" and a["text"] == " the" for s in noisy for a in s["anomalies"])
    summary = json.loads((out / "summary.json").read_text())
    sys_ = summary["systems"]
    assert sys_["de-en:noisy"]["anomalies_per_1k"] > sys_["de-en:clean"]["anomalies_per_1k"]
    assert summary["ranking_by_anomalies_per_1k"]["de-en"][0] == "de-en:clean"
    assert summary["skipped_files"] and "liv" in summary["skipped_files"][0]["message"]
    assert "liv" in r.stderr and "note" in r.stderr
    # fixes move the noisy system towards its clean reference
    m = sys_["de-en:noisy"]["mt_scores"]
    assert m["segments_changed_by_fixes"] >= 1 and m["chrF"]["fixed"] > m["chrF"]["as_is"]
    assert sys_["de-en:clean"]["mt_scores"]["BLEU"]["as_is"] == 100.0


def test_sacrebleu_scores_match_sacrebleu_run_directly(wmt, wmt_run):
    out, _ = wmt_run
    m = json.loads((out / "summary.json").read_text())["systems"]["de-en:noisy"]["mt_scores"]
    r = subprocess.run([sys.executable, "-m", "sacrebleu", str(wmt / "references" / "test.de-en.ref.A.en"),
                        "-i", str(wmt / "system-outputs" / "test.de-en.hyp.noisy.en"), "-m", "bleu", "chrf", "ter",
                        "-b", "-w", "2"], capture_output=True, text=True, check=True)
    assert [float(x) for x in json.loads(r.stdout)] == [m["BLEU"]["as_is"], m["chrF"]["as_is"], m["TER"]["as_is"]]
    assert m["BLEU"]["signature"].startswith("nrefs:1|case:mixed")
    # the "fixed" scores are sacrebleu's on the fixed text
    import sacrebleu

    from checker.batch.summary import apply_fixes

    segs = [s for s in segments(out) if s["system"] == "de-en:noisy"]
    fixed = [apply_fixes(t, s["anomalies"], 0.5) for t, s in zip(EN, segs)]
    assert round(sacrebleu.corpus_chrf(fixed, [EN_CLEAN]).score, 2) == m["chrF"]["fixed"]
    assert round(sacrebleu.corpus_ter(fixed, [EN_CLEAN]).score, 2) == m["TER"]["fixed"]
    assert round(sacrebleu.corpus_bleu(fixed, [EN_CLEAN]).score, 2) == m["BLEU"]["fixed"]


def test_formats_fields_and_languages_from_names(tmp_path):
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "news.de").write_text("\n".join(DE) + "\n")
    (d / "sub" / "a.jsonl").write_text("\n".join(json.dumps({"seg": f"s{i}", "hyp": t, "sys": "A"})
                                                 for i, t in enumerate(EN[:4])) + "\n")
    (d / "b.tsv").write_text("id\ttarget\n" + "".join(f"t{i}\t{t}\n" for i, t in enumerate(EN[:3])))
    out = tmp_path / "out"
    r = scan(d, "--out", out, "--lang", "en", "--field", "text=hyp", "--field", "id=seg", "--field", "system=sys",
             "--progress", "never")
    # the TSV's text column is 'target', not 'hyp': that file is reported and skipped, the rest runs
    assert r.returncode == 3 and "b.tsv:1: no column 'hyp'" in r.stderr
    segs = segments(out)
    assert {Path(s["path"]).name for s in segs} == {"news.de", "a.jsonl"}
    js = [s for s in segs if s["path"].endswith("a.jsonl")]
    assert [s["id"] for s in js] == ["s0", "s1", "s2", "s3"] and {s["system"] for s in js} == {"A"}
    # --lang wins over the file name
    assert {s["lang"] for s in segs} == {"en"}
    out2 = tmp_path / "out2"
    r = scan(d / "news.de", d / "b.tsv", "--out", out2, "--field", "text=target", "--progress", "never")
    assert r.returncode == 0, r.stderr
    langs = {Path(s["path"]).name: s["lang"] for s in segments(out2)}
    assert langs["news.de"] == "de" and langs["b.tsv"] == "en"  # from the name; detected


def test_input_problems_name_file_and_line_and_the_rest_is_kept(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    good = [json.dumps({"text": t}) for t in EN[:5]]
    (d / "a.jsonl").write_text("\n".join(good[:2] + ['{"text": "broken', "[1, 2]"] + good[2:]) + "\n")
    (d / "b.tsv").write_text("id\ttext\n1\tOne line.\n2\n3\tThree lines.\n")
    wmt = wmt_dir(tmp_path / "wmt", {"sources/t.de-en.src.de": "Eins.\nZwei.\n",
                                     "references/t.de-en.ref.A.en": "One.\nTwo.\nThree.\n",
                                     "system-outputs/t.de-en.hyp.s.en": "One.\nTwo.\nThree.\n"})
    out = tmp_path / "out"
    r = scan(d, wmt, "--out", out, "--lang", "en", "--progress", "never")
    assert r.returncode == 3
    err = r.stderr
    assert "a.jsonl:3: malformed JSON" in err and "a.jsonl:4: a JSON object is expected" in err
    assert "b.tsv:3: 1 columns, the header has 2" in err
    assert "t.de-en.hyp.s.en: 3 lines, but its source" in err and "has 2" in err
    assert "Traceback" not in err
    segs = segments(out)
    assert len([s for s in segs if s["path"].endswith("a.jsonl")]) == 5
    assert [s["id"] for s in segs if s["path"].endswith("b.tsv")] == ["1", "3"]
    assert len([s for s in segs if s["path"].endswith(".en")]) == 3  # checked without its source
    summary = json.loads((out / "summary.json").read_text())
    assert len(summary["problems"]) == 4 and {p["line"] for p in summary["problems"]} >= {3, 4}


def test_an_output_dir_of_another_run_is_refused_unless_restart(wmt_run, tmp_path):
    out = tmp_path / "o"
    f = tmp_path / "x.en"
    f.write_text("One line.\n")
    assert scan(f, "--out", out).returncode == 0
    g = tmp_path / "y.en"
    g.write_text("Another line.\n")
    r = scan(g, "--out", out)
    assert r.returncode == 2 and "--restart" in r.stderr
    assert scan(g, "--out", out, "--restart").returncode == 0
    assert segments(out)[0]["path"].endswith("y.en")


def test_progress_bar_only_when_asked_or_on_a_terminal(tmp_path):
    f = tmp_path / "x.en"
    f.write_text("\n".join(EN) + "\n")
    assert "ETA" in scan(f, "--out", tmp_path / "a", "--progress", "always").stderr
    assert "ETA" not in scan(f, "--out", tmp_path / "b").stderr  # stderr is a pipe here


def test_without_out_records_stream_to_stdout(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_text(json.dumps({"text": "The the cat.", "id": "k1"}) + "\n")
    r = scan(f, "--lang", "en")
    rec = json.loads(r.stdout)
    assert r.returncode == 0 and rec["id"] == "k1" and rec["anomalies"][0]["kind"] == "repetition"


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """~2,600 segments: long enough to kill a run in the middle."""
    d = tmp_path_factory.mktemp("big")
    for k in range(3):
        (d / f"part{k}.en").write_text("\n".join(f"{t} ({k}.{i})" for i in range(80) for t in EN) + "\n")
    return d


@pytest.fixture(scope="module")
def big_reference(big, tmp_path_factory):
    return finished_run(tmp_path_factory, "ref", big, "-j", "2")[0]


def test_a_run_killed_with_sigkill_resumes_without_loss_or_duplicates(big, big_reference, tmp_path):
    out = tmp_path / "run"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.Popen([sys.executable, "-m", "checker", "scan", str(big), "--out", str(out)], cwd=ROOT, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seg = out / "segments.jsonl"
    deadline = time.time() + 300
    while time.time() < deadline and (not seg.exists() or seg.stat().st_size < 40_000):
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait()
    first = seg.read_bytes()
    total = 3 * 80 * len(EN)
    assert 0 < first.count(b"\n") < total, "the run was not killed in the middle"
    with open(seg, "ab") as f:  # as if the kill had torn the last record in half
        f.write(b'{"n": 99999, "path": "x", "anom')
    r = scan(big, "--out", out)
    assert r.returncode == 0, r.stderr
    assert seg.read_bytes() == (big_reference / "segments.jsonl").read_bytes()
    assert json.loads((out / "summary.json").read_text())["total"] == \
        json.loads((big_reference / "summary.json").read_text())["total"]


def test_dask_engine_on_a_local_cluster_gives_identical_output(wmt, wmt_run, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        assert len(cluster.workers) == 2
        out = tmp_path / "dask"
        r = scan(wmt, "--out", out, "--engine", "dask", "--address", cluster.scheduler_address)
        assert r.returncode == 0, r.stderr
    ref, _ = wmt_run
    assert (out / "segments.jsonl").read_bytes() == (ref / "segments.jsonl").read_bytes()


def test_dask_engine_without_a_scheduler_is_a_usage_error(wmt, tmp_path):
    r = scan(wmt, "--out", tmp_path / "o", "--engine", "dask", "--address", "tcp://127.0.0.1:9")
    assert r.returncode == 2 and "Dask scheduler" in r.stderr and "Traceback" not in r.stderr


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium (apt-get install chromium; .ci/run installs it)")
def test_html_report_in_a_headless_browser(wmt_run, tmp_path):
    out, _ = wmt_run
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html
    base = [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run(base + ["--dump-dom", (out / "report.html").as_uri()], capture_output=True, text=True,
                         timeout=120).stdout
    # the marks are made by the page's script: present only if it ran in the browser
    assert '<mark class="k-repetition"' in dom and "de-en:noisy" in dom
    shot = tmp_path / "report.png"
    subprocess.run(base + ["--window-size=1200,1400", f"--screenshot={shot}", (out / "report.html").as_uri()],
                   capture_output=True, timeout=120)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
