"""Load test for `checker serve` (a script, not a CI test): loopback only, bounded counts.

Starts `python -m checker serve` on 127.0.0.1 with a free port, sends N requests (default 1,000)
of 300-600-word articles built from shuffled lines of corpora/samples/*.txt (fixed seed; each
article in one language, sent with its lang) from C
client threads (default 8), and reports throughput, p50/p99 latency, errors and the server's RSS
(VmRSS from /proc/PID/status) before and after.

    python bench/load_test.py [--requests 1000] [--clients 8] [--seed 13] [--corpus samples|news]

--corpus news: articles of consecutive lines of the news text of en, de, cs and uk (distinct
text in every request, as a service meets it) instead of the samples' 18 repeated lines.

--hostile: normal traffic under attack, for --duration seconds (default 60): --clients (here
default 16) threads send articles on keep-alive connections; --stalled (default 1,000)
connections are held open sending nothing, half a request head, or a head and part of a body
(a third each; one the server closes is reopened at once, like a slowloris client); every
--bomb-every seconds (default 1) a request whose text is one word of --bomb-chars (default
100,000) random letters; /healthz is asked on a new connection every 0.1 s. Reports /healthz and
normal-request p50/p99 and errors, the bombs' answers, how many stalled connections the server
closed, its peak RSS (VmRSS sampled every 0.1 s; the run fails over --rss-limit-mb, default 1,024,
and the server is killed over --rss-kill-mb, default 3,072, to protect the machine) and the size of
its log. Exit status 1 when RSS went over the limit or any /healthz or normal request failed.

    python bench/load_test.py --hostile [--duration 60] [--clients 16] [--stalled 1000]
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import selectors
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def articles(n: int, seed: int) -> list[tuple[str, str]]:
    """(lang, article) pairs: each article is shuffled lines of the samples of one language (the
    language is the file name's second part: harbour.en.txt -> en), 300-600 words."""
    by_lang: dict[str, list[str]] = {}
    for p in sorted((ROOT / "corpora" / "samples").glob("*.txt")):
        lang = p.name.split(".")[1]
        by_lang.setdefault(lang, []).extend(l for l in p.read_text(encoding="utf-8").splitlines() if l.strip())
    langs = sorted(by_lang)
    weights = [len(by_lang[l]) for l in langs]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        lang = rng.choices(langs, weights)[0]
        target = rng.randint(300, 600)
        words, paras = 0, []
        while words < target:
            l = rng.choice(by_lang[lang])
            paras.append(l)
            words += len(l.split())
        out.append((lang, "\n".join(paras)))
    return out


def news_articles(n: int, seed: int, shared: Path, langs=("en", "de", "cs", "uk")) -> list[tuple[str, str]]:
    """(lang, article) pairs of real, mostly distinct text: each article is consecutive lines of
    ``shared``/corpora/news/<lang>.txt from a random line on, 300-600 words (the samples' 18
    lines repeat in every article, so caches that remember a word in its context flatter them)."""
    lines = {l: [x for x in (shared / "corpora" / "news" / f"{l}.txt").read_text(encoding="utf-8").splitlines()
                 if x.strip()] for l in langs}
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        lang = rng.choice(langs)
        src = lines[lang]
        i, target, words, paras = rng.randrange(len(src)), rng.randint(300, 600), 0, []
        while words < target:
            paras.append(src[i % len(src)])
            words += len(paras[-1].split())
            i += 1
        out.append((lang, "\n".join(paras)))
    return out


def percentile(xs: list[float], p: float) -> float:
    """The p-th percentile of ``xs`` in milliseconds (nan when empty)."""
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] * 1000 if xs else float("nan")


def wait_healthy(url: str, proc: subprocess.Popen, limit: float = 120) -> float | None:
    t0 = time.monotonic()
    while True:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1).read()
            return time.monotonic() - t0
        except (urllib.error.URLError, ConnectionError, OSError):
            if proc.poll() is not None or time.monotonic() - t0 > limit:
                return None
            time.sleep(0.1)


STALLS = (b"", b"POST /v1/check HTTP/1.1\r\nHost: x\r\n",
          b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          b"Content-Length: 5000\r\n\r\n{\"text\": \"The cat ")


class Stalled:
    """``n`` connections that send a third of a request (STALLS) and then nothing; one the server
    closes is reopened at once."""

    def __init__(self, port: int, n: int):
        self.port, self.n = port, n
        self.sel = selectors.DefaultSelector()
        self.closed_by_server = 0
        self.open_failures = 0
        self.stop = threading.Event()
        for i in range(n):
            self._open(i)

    def _open(self, i: int) -> None:
        try:
            s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            if STALLS[i % 3]:
                s.sendall(STALLS[i % 3])
            s.setblocking(False)
            self.sel.register(s, selectors.EVENT_READ, i)
        except OSError:
            self.open_failures += 1

    def run(self) -> None:
        while not self.stop.is_set():
            for key, _ in self.sel.select(0.2):
                s, i = key.fileobj, key.data
                try:
                    data = s.recv(65536)
                except OSError:
                    data = b""
                if not data:  # closed by the server (maybe after a 408): hold a new one
                    self.sel.unregister(s)
                    s.close()
                    self.closed_by_server += 1
                    if not self.stop.is_set():
                        self._open(i)

    def held(self) -> int:
        return len(self.sel.get_map())

    def close(self) -> None:
        self.stop.set()
        for key in list(self.sel.get_map().values()):
            key.fileobj.close()
        self.sel.close()


def hostile(a, docs: list[tuple[str, str]]) -> int:
    """Normal traffic, stalled connections and long-word bombs at once (see the module docstring)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < a.stalled + 256:  # this process holds the stalled connections
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, a.stalled + 1024), hard))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, "-m", "checker", "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--timeout", str(a.timeout)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=log, stderr=subprocess.STDOUT)
    stalled = None
    try:
        startup = wait_healthy(url, proc)
        if startup is None:
            log.seek(0)
            print("server did not start:", log.read().decode(errors="replace")[-2000:], file=sys.stderr)
            return 1
        rss0 = rss_mb(proc.pid)
        rng = random.Random(a.seed)
        bomb = json.dumps({"text": "".join(rng.choices(string.ascii_lowercase, k=a.bomb_chars))}).encode()
        lock = threading.Lock()
        stats: dict[str, Any] = {"normal": [], "normal_err": {}, "health": [], "health_err": {},
                                 "bomb": [], "bomb_status": {}, "rss_peak": rss0, "killed": False}
        stop = threading.Event()

        def err(key: str, e: Exception) -> None:
            name = f"HTTP {e.code}" if isinstance(e, urllib.error.HTTPError) else type(e).__name__
            with lock:
                stats[key][name] = stats[key].get(name, 0) + 1

        def sample_rss():
            while not stop.is_set() and proc.poll() is None:
                r = rss_mb(proc.pid)
                with lock:
                    stats["rss_peak"] = max(stats["rss_peak"], r)
                if r > a.rss_kill_mb:
                    stats["killed"] = True
                    proc.kill()
                    return
                time.sleep(0.1)

        def client(k: int):
            conn = None
            i = k
            while not stop.is_set():
                lang, text = docs[i % len(docs)]
                i += a.clients
                body = json.dumps({"text": text, "lang": lang}).encode()
                t = time.perf_counter()
                try:
                    if conn is None:
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    conn.request("POST", "/v1/check", body, {"content-type": "application/json"})
                    r = conn.getresponse()
                    r.read()
                    if r.status != 200:
                        raise urllib.error.HTTPError(url, r.status, r.reason, r.headers, None)
                    with lock:
                        stats["normal"].append(time.perf_counter() - t)
                except Exception as e:  # noqa: BLE001 - counted and reported
                    if stop.is_set() and not isinstance(e, urllib.error.HTTPError):
                        break  # cut off by the end of the run
                    err("normal_err", e)
                    if conn is not None:
                        conn.close()
                    conn = None

        def health():
            while not stop.is_set():
                t = time.perf_counter()
                try:
                    urllib.request.urlopen(url + "/healthz", timeout=10).read()
                    with lock:
                        stats["health"].append(time.perf_counter() - t)
                except Exception as e:  # noqa: BLE001
                    err("health_err", e)
                time.sleep(0.1)

        def one_bomb():
            req = urllib.request.Request(url + "/v1/check", data=bomb, headers={"content-type": "application/json"})
            t = time.perf_counter()
            try:
                urllib.request.urlopen(req, timeout=120).read()
                status = "200"
            except urllib.error.HTTPError as e:
                status = str(e.code)
            except Exception as e:  # noqa: BLE001
                status = type(e).__name__
            with lock:
                stats["bomb"].append(time.perf_counter() - t)
                stats["bomb_status"][status] = stats["bomb_status"].get(status, 0) + 1

        def bombs():
            while not stop.wait(a.bomb_every):
                threading.Thread(target=one_bomb, daemon=True).start()

        sampler = threading.Thread(target=sample_rss, daemon=True)
        sampler.start()
        t_open = time.monotonic()
        stalled = Stalled(port, a.stalled)
        t_open = time.monotonic() - t_open
        threads = [threading.Thread(target=stalled.run, daemon=True), threading.Thread(target=health, daemon=True),
                   threading.Thread(target=bombs, daemon=True)]
        threads += [threading.Thread(target=client, args=(k,), daemon=True) for k in range(a.clients)]
        t1 = time.monotonic()
        for t in threads:
            t.start()
        stop.wait(a.duration)
        held = stalled.held()
        stop.set()
        for t in threads[3:]:
            t.join(70)
        wall = time.monotonic() - t1
        time.sleep(1)
        rss1 = rss_mb(proc.pid) if proc.poll() is None else float("nan")
        n, h, b = stats["normal"], stats["health"], stats["bomb"]
        nerr, herr = sum(stats["normal_err"].values()), sum(stats["health_err"].values())
        print(f"server start to healthy: {startup:.1f} s (cpus: {os.cpu_count()})")
        print(f"hostile run: {wall:.0f} s, {a.clients} clients of articles, {a.stalled} stalled connections "
              f"(opened in {t_open:.1f} s, {stalled.open_failures} failed to open), a {a.bomb_chars:,}-letter word "
              f"every {a.bomb_every:g} s")
        print(f"/healthz: {len(h)} ok, p50 {percentile(h, 50):.0f} ms, p99 {percentile(h, 99):.0f} ms, "
              f"max {max(h, default=float('nan')) * 1000:.0f} ms, errors {herr} {stats['health_err'] or ''}")
        print(f"normal requests: {len(n)} ok ({len(n) / wall:.1f} req/s), p50 {percentile(n, 50):.0f} ms, "
              f"p99 {percentile(n, 99):.0f} ms, max {max(n, default=float('nan')) * 1000:.0f} ms, "
              f"errors {nerr} {stats['normal_err'] or ''}")
        print(f"long-word requests: {len(b)} answered {dict(sorted(stats['bomb_status'].items()))}, "
              f"p50 {percentile(b, 50):.0f} ms, max {max(b, default=float('nan')) * 1000:.0f} ms")
        print(f"stalled connections: {held} held at the end, {stalled.closed_by_server} closed by the server "
              "(and reopened)")
        over = stats["rss_peak"] >= a.rss_limit_mb
        print(f"server RSS: {rss0:.0f} MB before, peak {stats['rss_peak']:.0f} MB, {rss1:.0f} MB after "
              f"(limit {a.rss_limit_mb} MB: {'OVER' if over else 'ok'}{'; killed at the safety limit' if stats['killed'] else ''})")
        log.seek(0)
        text = log.read()
        nlines = text.count(b"\n")
        print(f"server log: {nlines} lines, {len(text)} bytes")
        for line in text.decode(errors="replace").splitlines()[:10]:
            print(f"    {line[:200]}")
        return 1 if over or stats["killed"] or nerr or herr else 0
    finally:
        if stalled is not None:
            stalled.close()
        stop_server(proc)


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        print(f"server exit status: {proc.returncode}")
        return
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(15)
        print(f"server exit status after SIGTERM: {rc}")
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        print("server did not stop on SIGTERM; killed")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--clients", type=int, default=None, help="client threads (default 8; 16 with --hostile)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--timeout", type=float, default=None, help="server --timeout (default 60; 10 with --hostile)")
    ap.add_argument("--hostile", action="store_true", help="normal traffic under attack (see above)")
    ap.add_argument("--duration", type=float, default=60.0, help="--hostile: seconds of traffic")
    ap.add_argument("--stalled", type=int, default=1000, help="--hostile: stalled connections held open")
    ap.add_argument("--bomb-every", type=float, default=1.0, help="--hostile: seconds between long-word requests")
    ap.add_argument("--bomb-chars", type=int, default=100_000, help="--hostile: letters in the long word")
    ap.add_argument("--rss-limit-mb", type=int, default=1024, help="--hostile: the server's RSS must stay under this")
    ap.add_argument("--rss-kill-mb", type=int, default=3072, help="--hostile: kill the server over this RSS")
    ap.add_argument("--corpus", choices=("samples", "news"), default="samples",
                    help="articles from corpora/samples (repeated lines) or ../shared news text (en de cs uk)")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    a = ap.parse_args(argv)
    a.clients = a.clients or (16 if a.hostile else 8)
    a.timeout = a.timeout or (10.0 if a.hostile else 60.0)
    if not (1 <= a.requests <= 100_000 and 1 <= a.clients <= 64):
        ap.error("--requests 1..100000, --clients 1..64")
    if a.hostile:
        if not (1 <= a.duration <= 3600 and 0 <= a.stalled <= 10_000 and a.bomb_every > 0 and a.bomb_chars >= 1):
            ap.error("--duration 1..3600, --stalled 0..10000, --bomb-every > 0, --bomb-chars >= 1")
        return hostile(a, articles(500, a.seed))
    docs = articles(a.requests, a.seed) if a.corpus == "samples" else news_articles(a.requests, a.seed, Path(a.shared))
    nwords = [len(d.split()) for _, d in docs]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "checker", "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--timeout", str(a.timeout)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        t0 = time.monotonic()
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1).read()
                break
            except (urllib.error.URLError, ConnectionError):
                if proc.poll() is not None or time.monotonic() - t0 > 120:
                    print("server did not start", file=sys.stderr)
                    return 1
                time.sleep(0.1)
        startup = time.monotonic() - t0
        rss0 = rss_mb(proc.pid)
        lat: list[float] = []
        errors: dict[str, int] = {}
        verdicts: dict[str, int] = {}
        anomalies = 0
        lock = threading.Lock()
        next_i = iter(range(a.requests))

        def client():
            nonlocal anomalies
            while True:
                with lock:
                    i = next(next_i, None)
                if i is None:
                    return
                body = json.dumps({"text": docs[i][1], "lang": docs[i][0]}).encode()
                req = urllib.request.Request(url + "/v1/check", data=body, headers={"content-type": "application/json"})
                s = time.perf_counter()
                try:
                    d = json.loads(urllib.request.urlopen(req, timeout=120).read())
                    dt = time.perf_counter() - s
                    with lock:
                        lat.append(dt)
                        verdicts[d["verdict"]] = verdicts.get(d["verdict"], 0) + 1
                        anomalies += len(d["anomalies"])
                except Exception as e:  # noqa: BLE001 - counted and reported
                    key = f"HTTP {e.code}" if isinstance(e, urllib.error.HTTPError) else type(e).__name__
                    with lock:
                        errors[key] = errors.get(key, 0) + 1

        t1 = time.monotonic()
        threads = [threading.Thread(target=client) for _ in range(a.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - t1
        rss1 = rss_mb(proc.pid)
        lat.sort()
        ok = len(lat)

        def pct(p):
            return lat[min(ok - 1, int(p / 100 * ok))] * 1000 if ok else float("nan")

        print(f"server start to healthy: {startup:.1f} s (cpus: {os.cpu_count()})")
        print(f"requests: {a.requests}, clients: {a.clients}, words/article: {min(nwords)}-{max(nwords)} "
              f"(mean {statistics.mean(nwords):.0f}), total words {sum(nwords)}")
        print(f"wall: {wall:.1f} s, throughput: {ok / wall:.1f} req/s, {sum(nwords) / wall:.0f} words/s")
        print(f"latency ms: p50 {pct(50):.0f}, p99 {pct(99):.0f}, max {lat[-1] * 1000 if ok else float('nan'):.0f}")
        print(f"languages: {dict(sorted((l, sum(1 for x, _ in docs if x == l)) for l, _ in docs))}")
        print(f"ok: {ok}, errors: {sum(errors.values())} {errors or ''}, verdicts: {verdicts}, anomalies: {anomalies}")
        print(f"server RSS: {rss0:.0f} MB before, {rss1:.0f} MB after")
        return 0 if not errors else 1
    finally:
        stop_server(proc)


if __name__ == "__main__":
    sys.exit(main())
