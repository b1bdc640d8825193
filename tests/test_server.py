"""`checker serve`: a real uvicorn server on loopback (a subprocess, or a thread where a test
needs a fake checker), exercised over HTTP and over raw sockets."""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
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
        # its output goes to a file, not a pipe: a pipe nobody reads would block a chatty server
        self.out = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "checker", "serve", "--port", str(self.port), *args],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
            stdout=self.out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log()}")
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

    def log(self) -> str:
        """What the server has printed so far (stdout and stderr)."""
        self.out.seek(0)
        return self.out.read().decode(errors="replace")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
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


# --- hostile clients: stalled connections, disconnects, long work, offline docs -------------------

STALLED_BODY = (b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 1000\r\n\r\n{\"text\": \"ab")


def stall(port: int, what: bytes) -> socket.socket:
    """A connection that sends ``what`` (maybe nothing) and then nothing more."""
    s = socket.create_connection(("127.0.0.1", port))
    if what:
        s.sendall(what)
    return s


def closed_by_server(s: socket.socket, within: float) -> bytes | None:
    """What the server sent before it closed ``s``, or None if it is still open after ``within`` s."""
    s.settimeout(within)
    got = b""
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk:
                return got
            got += chunk
    except socket.timeout:
        return None
    except ConnectionResetError:
        return got
    finally:
        s.close()


def test_stalled_connections_are_dropped_while_healthz_answers():
    s = Server("--header-timeout", "1", "--body-timeout", "1")
    try:
        quiet = [stall(s.port, b"") for _ in range(20)]
        half_head = [stall(s.port, b"POST /v1/check HTTP/1.1\r\nHost: x\r\n") for _ in range(15)]
        half_body = [stall(s.port, STALLED_BODY) for _ in range(15)]
        t0 = time.monotonic()
        assert httpx.get(s.url + "/healthz", timeout=5).status_code == 200
        assert_still_good(s)
        assert time.monotonic() - t0 < 3
        # the body timeout answers 408 and closes; a connection that sent nothing is just closed
        for sock in half_body:
            got = closed_by_server(sock, 5)
            assert got is not None and got.startswith(b"HTTP/1.1 408"), got
        for sock in half_head:
            got = closed_by_server(sock, 5)
            assert got is not None and got.startswith(b"HTTP/1.1 408"), got
        for sock in quiet:
            assert closed_by_server(sock, 5) == b""
        assert_still_good(s)
    finally:
        assert s.stop() == 0
    log = s.log()
    assert "Traceback" not in log and log.count("\n") <= 2, log  # counted in one report, not per connection


def test_connections_over_the_cap_close_the_oldest_stalled_one():
    s = Server("--max-connections", "20")
    try:
        stalled = [stall(s.port, b"POST /v1/check HTTP/1.1\r\n") for _ in range(40)]
        for _ in range(5):
            assert httpx.get(s.url + "/healthz", timeout=5).status_code == 200
        assert_still_good(s)
        # the oldest stalled ones made way for the newer
        assert closed_by_server(stalled[0], 5) is not None
        for sock in stalled[1:]:
            sock.close()
    finally:
        assert s.stop() == 0
    assert "Traceback" not in s.log()


def test_disconnect_mid_body_logs_at_most_one_line():
    s = Server()
    try:
        def disconnect_mid_body():
            sock = stall(s.port, STALLED_BODY)
            time.sleep(0.2)  # the handler is reading the body now
            sock.close()
            time.sleep(0.3)

        disconnect_mid_body()
        assert s.log().count("\n") <= 1, s.log()
        for _ in range(10):  # more of them within a minute: counted, reported once at shutdown
            disconnect_mid_body()
        assert_still_good(s)
        assert s.log().count("\n") <= 1, s.log()
    finally:
        assert s.stop() == 0
    log = s.log()
    assert "Traceback" not in log and log.count("\n") <= 2, log


class SlowChecker:
    """Stands in for checker.core.Checker: every call takes a while and is counted."""

    calls = 0

    def __init__(self, lang=None, **kw):
        self.lang = lang

    def check(self, text, source=None, source_lang=None, context=None, lang=None):
        time.sleep(0.02)
        type(self).calls += 1

        class Report:  # what Checker.check returns, as far as the service reads it
            signature = "checker:fake"
            lang = self.lang
            words = 0
            anomalies = ()

        return Report()

    def signature(self, lang, file_context=True):
        return "checker:fake"


@pytest.fixture
def threaded_server(monkeypatch):
    """Start create_app(**kw) with SlowChecker on a uvicorn server in a thread."""
    import uvicorn

    import checker.core
    from checker.server import create_app

    monkeypatch.setattr(checker.core, "Checker", SlowChecker)
    SlowChecker.calls = 0
    started = []

    def start(**kw):
        app = create_app("en", **kw)
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        t = threading.Thread(target=server.run, daemon=True)
        t.start()
        started.append((server, t))
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.02)
        return app, f"http://127.0.0.1:{port}"

    yield start
    for server, t in started:
        server.should_exit = True
        t.join(10)


def test_timed_out_check_stops_its_work(threaded_server):
    app, url = threaded_server(timeout=0.3)
    lines = 500  # 10 s of work at 20 ms a line
    r = httpx.post(url + "/v1/check", json={"text": "word\n" * lines}, timeout=10)
    assert r.status_code == 504
    time.sleep(0.3)  # the worker notices the cancel flag at its next line
    done = SlowChecker.calls
    time.sleep(0.5)
    assert SlowChecker.calls == done < lines / 2
    assert app.state.pool.admitted == 0  # no thread is busy with it any more


def test_checks_beyond_workers_and_queue_get_503(threaded_server):
    app, url = threaded_server(timeout=5, workers=1, queue=1)
    results = []

    def post():
        results.append(httpx.post(url + "/v1/check", json={"text": "word\n" * 20}, timeout=10).status_code)

    threads = [threading.Thread(target=post) for _ in range(3)]
    for t in threads:
        t.start()
        time.sleep(0.05)
    for t in threads:
        t.join()
    assert sorted(results) == [200, 200, 503]
    assert app.state.pool.admitted == 0


def test_long_line_checked_in_pieces_with_offsets_into_the_text(server):
    from checker.server import MAX_PIECE, pieces

    text = "A clean line.\n" + "The cat sat on the mat. " * 120 + "The the end."
    assert len(text.split("\n")[1]) > MAX_PIECE
    (a,) = server.post({"text": text}).json()["anomalies"]
    assert a["kind"] == "repetition" and text[a["start"]:a["end"]] == a["text"] == " the"
    line = "word " * 1000 + "x" * 5000 + " tail"
    got = list(pieces(line))
    assert "".join(p for _, p in got) == line and all(line[o:o + len(p)] == p for o, p in got)
    assert all(len(p) <= MAX_PIECE or p.strip() == "x" * 5000 for _, p in got)


def test_docs_work_offline(server):
    r = httpx.get(server.url + "/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    urls = [u for u in re.findall(r"(?:https?:)?//[^\s\"'<>)]+", page) if not u.startswith(server.url)]
    assert urls == []
    assert "/v1/check" in page and "/openapi.json" in page and "fail_at" in page
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert httpx.get(server.url + "/redoc").status_code == 404  # FastAPI's redoc loads from a CDN too
    assert "/v1/check" in httpx.get(server.url + "/openapi.json").json()["paths"]


@pytest.mark.parametrize("raw", [
    b'{"text": "x", "fail_at": NaN}',
    b'{"text": "x", "fail_at": Infinity}',
    b'{"text": "x", "fail_at": -Infinity}',
    b'{"text": "x", "fail_at": 1e999}',
    b'{"text": "x", "other": NaN}',
])
def test_non_finite_numbers_are_refused_422(server, raw):
    r = server.post(raw=raw)
    assert r.status_code == 422, r.text
    assert "finite" in r.json()["detail"] or "out of range" in r.json()["detail"]


def test_serve_without_the_extra_says_how_to_install_it(monkeypatch, capsys):
    from checker.cli import main

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn -> ImportError
    assert main(["serve", "--port", str(free_port())]) == 5
    err = capsys.readouterr().err
    assert err == "checker: error: checker serve needs the serve extra: pip install 'translation-checker[serve]'\n"


def test_client_that_does_not_read_its_answer_is_cut_off():
    from fastapi import FastAPI
    from fastapi.responses import Response

    from checker.server import make_server

    app = FastAPI()

    @app.get("/big")
    async def big():
        return Response(b"x" * 50_000_000)  # far more than the socket buffers hold

    port = free_port()
    server = make_server(app, "127.0.0.1", port, response_timeout=1)
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", port))
        sock.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")  # and never read
        time.sleep(0.5)
        assert len(server.server_state.connections) == 1
        deadline = time.monotonic() + 5
        while server.server_state.connections:
            assert time.monotonic() < deadline, "the connection is still held"
            time.sleep(0.1)
        sock.close()
    finally:
        server.should_exit = True
        t.join(10)


def test_bodies_over_the_budget_get_503(threaded_server):
    app, url = threaded_server(max_body=1000, body_budget=1500)
    port = int(url.rsplit(":", 1)[1])
    head = b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    first = stall(port, head + b" " * 800)
    time.sleep(0.3)  # its 800 bytes are being held while the rest is awaited
    second = stall(port, head + b" " * 800)
    assert closed_by_server(second, 5).startswith(b"HTTP/1.1 503")
    first.sendall(b'{"text": "The cat sat."}'.ljust(200))
    first.settimeout(5)
    assert first.recv(4096).startswith(b"HTTP/1.1 200")
    first.close()
