"""Load test for `checker serve` (a script, not a CI test): loopback only, bounded counts.

Starts `python -m checker serve` on 127.0.0.1 with a free port, sends N requests (default 1,000)
of 300-600-word articles built from shuffled lines of corpora/samples/*.txt (fixed seed; each
article in one language, sent with its lang) from C
client threads (default 8), and reports throughput, p50/p99 latency, errors and the server's RSS
(VmRSS from /proc/PID/status) before and after.

    python bench/load_test.py [--requests 1000] [--clients 8] [--seed 13]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--timeout", type=float, default=60.0, help="server --timeout")
    a = ap.parse_args(argv)
    if not (1 <= a.requests <= 100_000 and 1 <= a.clients <= 64):
        ap.error("--requests 1..100000, --clients 1..64")
    docs = articles(a.requests, a.seed)
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
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(15)
            print(f"server exit status after SIGTERM: {rc}")
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            print("server did not stop on SIGTERM; killed")


if __name__ == "__main__":
    sys.exit(main())
