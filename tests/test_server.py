"""`checker serve`: a real uvicorn server in a subprocess on loopback, exercised over HTTP."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

ROOT = Path(__file__).resolve().parents[1]
GOOD = {"text": "The the cat sat on the mat."}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, *args, env=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "checker", "serve", "--port", str(self.port), *args],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.proc.stdout.read().decode()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("server did not start")
            time.sleep(0.1)

    def post(self, body=None, raw=None, headers=None, **kw):
        if raw is None:
            raw = json.dumps(body).encode()
        return httpx.post(self.url + "/v1/check", content=raw, timeout=30,
                          headers={"content-type": "application/json", **(headers or {})}, **kw)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        return self.proc.returncode


@pytest.fixture(scope="module")
def server():
    s = Server()
    yield s
    s.stop()


def assert_still_good(server):
    r = server.post(GOOD)
    assert r.status_code == 200 and r.json()["verdict"] == "block"


def test_healthz_and_docs(server):
    r = httpx.get(server.url + "/healthz")
    assert r.status_code == 200
    from checker.version import __version__

    assert r.json() == {"status": "ok", "version": __version__}
    spec = httpx.get(server.url + "/openapi.json").json()
    assert "/v1/check" in spec["paths"] and "/healthz" in spec["paths"]
    assert httpx.get(server.url + "/docs").status_code == 200


def test_check_block_and_pass(server):
    r = server.post(GOOD)
    assert r.status_code == 200
    d = r.json()
    assert set(d) == {"lang", "signature", "verdict", "anomalies"}
    assert d["lang"] == "en" and d["signature"].startswith("checker:") and d["verdict"] == "block"
    (a,) = d["anomalies"]
    assert set(a) == {"start", "end", "text", "kind", "score", "reason", "suggestions"}
    assert a["kind"] == "repetition" and GOOD["text"][a["start"]:a["end"]] == a["text"] == " the"
    assert a["suggestions"][0] == {"text": "", "score": a["suggestions"][0]["score"]}
    r = server.post({"text": "The cat sat on the mat."})
    assert r.status_code == 200 and r.json()["verdict"] == "pass" and r.json()["anomalies"] == []
    # fail_at raises the bar
    assert server.post({**GOOD, "fail_at": 1.0}).json()["verdict"] == "pass"


def test_multiline_offsets_into_whole_text(server):
    text = "A clean first line.\r\nThe union had zorvanted the deal.\n\nThe the end."
    d = server.post({"text": text}).json()
    assert [text[a["start"]:a["end"]] for a in d["anomalies"]] == [a["text"] for a in d["anomalies"]]
    assert [a["text"] for a in d["anomalies"]] == ["zorvanted", " the"]


def test_other_language_and_source(server):
    r = server.post({"text": "Die Katze sitzt sitzt auf der Matte.", "lang": "de"})
    assert r.status_code == 200 and r.json()["lang"] == "de" and r.json()["verdict"] == "block"
    r = server.post({"text": "one\ntwo", "source": "eins", "source_lang": "de"})
    assert r.status_code == 422 and "line-aligned" in r.json()["detail"]


@pytest.mark.parametrize("raw,needle", [
    (b'{"text": "unterminated', "malformed JSON"),
    (b"not json at all", "malformed JSON"),
    (b'["text"]', "JSON object"),
    (b'{"lang": "en"}', "text"),
    (b'{"text": 42}', "text"),
    (b'{"text": "x", "fail_at": "high"}', "fail_at"),
    (b'{"text": "x", "fail_at": 7}', "fail_at"),
    (b'{"text": "x", "lang": ["en"]}', "lang"),
    (b'{"text": "caf\xe9"}', "UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "nested"),
])
def test_bad_requests_422(server, raw, needle):
    r = server.post(raw=raw)
    assert r.status_code == 422, r.text
    assert needle in r.json()["detail"]
    assert_still_good(server)


def test_unknown_language_422(server):
    r = server.post({"text": "x", "lang": "xx"})
    assert r.status_code == 422
    assert "unsupported language 'xx'" in r.json()["detail"] and " en " in r.json()["detail"]
    assert_still_good(server)


def test_oversized_body_413(server):
    big = json.dumps({"text": "word " * 250_000}).encode()  # 1.25 MB
    assert server.post(raw=big).status_code == 413
    assert_still_good(server)

    def chunks():  # no Content-Length: the limit is counted while reading
        for _ in range(20):
            yield b" " * 100_000

    r = httpx.post(server.url + "/v1/check", content=chunks(), timeout=30)
    assert r.status_code == 413
    assert_still_good(server)


def test_text_too_long_413(server):
    r = server.post({"text": "word " * 100_000})  # 100,000 words, 500,000 characters, under 1 MB
    assert r.status_code == 413 and "limit is 100000" in r.json()["detail"]
    assert_still_good(server)


def test_token():
    s = Server(env={"CHECKER_TOKEN": "s3cret"})
    try:
        assert s.post(GOOD).status_code == 401
        assert s.post(GOOD, headers={"authorization": "Bearer wrong"}).status_code == 401
        assert s.post(GOOD, headers={"authorization": "s3cret"}).status_code == 401
        assert s.post(GOOD, headers={"authorization": "Bearer s3cret"}).status_code == 200
        assert httpx.get(s.url + "/healthz").status_code == 200
    finally:
        assert s.stop() == 0


def test_timeout_504_and_sigterm():
    s = Server("--timeout", "0.001")
    r = s.post({"text": "The union had zorvanted the deal. " * 50})
    assert r.status_code == 504 and "longer than" in r.json()["detail"]
    assert httpx.get(s.url + "/healthz").status_code == 200
    t0 = time.monotonic()
    assert s.stop() == 0
    assert time.monotonic() - t0 < 5


def test_binds_loopback_by_default():
    from checker.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.port == 8000 and args.timeout == 10.0


def test_serve_setup_errors_one_line(capsys):
    from checker.cli import main

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        assert main(["serve", "--port", str(busy.getsockname()[1])]) == 2
    err = capsys.readouterr().err
    assert "cannot listen on 127.0.0.1" in err and err.count("\n") == 1
    assert main(["serve", "--port", str(free_port()), "--lang", "xx"]) == 4
    assert "unsupported language 'xx'" in capsys.readouterr().err
