"""`checker serve`: an HTTP service for CMS pre-publish webhooks (FastAPI + uvicorn).

POST /v1/check  {text, lang?, source?, source_lang?, fail_at?}
             -> {lang, signature, verdict: "pass"|"block", anomalies: [...]}
GET  /healthz   -> {status: "ok", version}
GET  /docs      -> the API in one self-contained HTML page rendered from the OpenAPI schema, with
                   a form to try /v1/check; no external URL (a Content-Security-Policy says so
                   to the browser), so it works offline. FastAPI's CDN-based /docs and /redoc
                   are off.
GET  /openapi.json

Multi-line text is checked line by line with the whole text's word counts as context (as
`checker check` does with a file); anomaly offsets are offsets into the whole `text`. A line over
``MAX_PIECE`` (2,000) characters is checked in pieces cut after a sentence end, else at
whitespace, never inside a word, so that one call does bounded work (a word over the core's
MAX_WORD_CHARS is judged by cheap evidence only, so no piece is a CPU or memory bomb). A `source`
is used only when it has as many lines as `text` (line-aligned), else it is refused with 422.

Modules: this one has the app (create_app), the checking of a text (check_text over checker.pipe) and the
CLI (add_parser, cmd_serve); checker.server_guard the connections (make_server: the guarded
protocol, the connection cap, the open-file limit, bounded logging); checker.server_pool the
bounded worker pool and cancellation; checker.server_docs the offline /docs page.

Limits (parameter of create_app, or of make_server for the connection guard / `checker serve`
option: default):
- ``max_body`` / --max-body: 1,000,000 bytes. Over it -> 413 (from Content-Length, and counted
  while reading). A Content-Length that is not a number -> 400.
- ``max_chars`` / --max-chars: 100,000 characters of text (and of source). Over it -> 413.
- ``body_timeout`` / --body-timeout: 30 s to receive the whole body, counted from the end of the
  request head. Over it -> 408 and the connection is closed. Requests whose body no handler reads
  are cut by the connection guard at body_timeout + 1 s.
- ``header_timeout`` / --header-timeout: 10 s to receive a request head, counted from the
  connection's start or from the end of its previous response (uvicorn's keep-alive timeout, 5 s,
  closes an idle keep-alive connection that sends nothing sooner). Over it -> the connection is
  closed (with 408 if part of a request came). uvicorn and h11 have no such timeout of their own.
- ``response_timeout`` (make_server; `checker serve`: --timeout + --body-timeout, 40 s) from a
  complete request until its answer is handed to the client's socket; a client that does not read
  its answer is then cut off (abort: a graceful close would wait for it forever).
- ``max_connections`` / --max-connections: 2,048 open connections, lowered to the open-file limit
  less 128 (the soft limit is first raised to the hard one). A connection over the cap closes the
  oldest connection still sending a request head or body (or idle between requests); if there is
  none, the new connection is closed. So stalled clients (slowloris) cannot lock out others, and
  connections do not use up the file descriptors (out of them, asyncio stops accepting for a
  second at a time and would log a traceback for every failed accept; a burst of connections
  accepted at once can still reach the limit for a moment: one log line, not a flood).
- ``body_budget``: 128 MiB (at least max_body) of request bodies being received at once; a body
  that would go over it -> 503.
- ``timeout`` / --timeout: 10 s for a check, waiting for a worker included. Over it -> 504, and
  the work is cancelled: check_text looks at a cancel flag before every line and piece, so the
  worker thread stops within one piece's work.
- ``workers`` / --workers: 4 threads run checks; ``queue`` / --queue: 16 more checks may wait for
  one. A check counts until its thread has finished (not until its 504), so cancelled work that
  is still winding down is counted. More -> 503 with Retry-After.
- Malformed JSON (NaN, Infinity and numbers that overflow to infinity included), invalid UTF-8,
  nesting too deep, wrong or missing fields, unsupported language -> 422.
- If CHECKER_TOKEN is set, /v1/check needs `Authorization: Bearer <token>` (else 401).
- Shutdown (SIGTERM or SIGINT): open requests get up to 5 s to finish (uvicorn's graceful
  shutdown timeout), then they are cancelled, and so are the checks still running (a check
  admitted meanwhile gets 503). SIGTERM exits 0.

Logging stays bounded whatever clients do: dropped connections (timeouts, the cap, clients gone
mid-body) are counted and reported in one line at most every 60 s; any one warning or error
message of uvicorn or asyncio is logged at most once every 60 s (with a count of the suppressed
ones), and a failed accept is one line, not a traceback.

FastAPI, pydantic, uvicorn and h11 are imported only inside functions of this module and of
checker.server_guard, so the rest of the CLI (which imports this module to build its parser) does
not need them.
"""

import asyncio
import contextlib
import hmac
import json
import math
import os
import threading
from typing import Any, Iterator

from .errors import probability
from .server_docs import DOCS_CSP, docs_page
# the guard's names are importable from here too (make_server, its defaults)
from .server_guard import (BACKSTOP_GRACE, DEFAULT_BODY_TIMEOUT, DEFAULT_HEADER_TIMEOUT,  # noqa: F401
                           DEFAULT_MAX_CONNECTIONS, DEFAULT_RESPONSE_TIMEOUT, FD_RESERVE,  # noqa: F401
                           LOG_INTERVAL, _drops, make_server)  # noqa: F401
from .server_pool import _Cancelled, _Pool, _Refused

DEFAULT_MAX_BODY = 1_000_000
DEFAULT_MAX_CHARS = 100_000
DEFAULT_TIMEOUT = 10.0  # server_guard.DEFAULT_RESPONSE_TIMEOUT is this + DEFAULT_BODY_TIMEOUT
DEFAULT_FAIL_AT = 0.5
DEFAULT_WORKERS = 4
DEFAULT_QUEUE = 16
DEFAULT_BODY_BUDGET = 128 * 2**20
MAX_PIECE = 2_000  # characters checked in one call: ~0.3 s of work for prose, up to ~1.5 s for garble (so a cancel
#                    takes effect within about that; words over MAX_WORD_CHARS and huge sources are bounded too)


class _Gone(Exception):
    """The client closed its connection before its request was read: no one to answer."""


def _models():
    from pydantic import BaseModel, ConfigDict, Field

    class CheckRequest(BaseModel):
        model_config = ConfigDict(strict=True)
        text: str = Field(description="the text to check; may have many lines")
        lang: str | None = Field(None, description="target language (default: the server's --lang)")
        source: str | None = Field(None, description="source text, line-aligned with text")
        source_lang: str | None = Field(None, description="language of source")
        fail_at: float | None = Field(None, ge=0.0, le=1.0, allow_inf_nan=False,
                                      description=f"block when an anomaly scores at least this (default {DEFAULT_FAIL_AT})")

    class SuggestionOut(BaseModel):
        text: str
        score: float

    class AnomalyOut(BaseModel):
        start: int
        end: int
        text: str
        kind: str
        score: float
        reason: str
        suggestions: list[SuggestionOut]

    class CheckResponse(BaseModel):
        lang: str
        signature: str
        verdict: str = Field(description='"block" when any anomaly scores >= fail_at, else "pass"')
        anomalies: list[AnomalyOut]

    class Health(BaseModel):
        status: str
        version: str

    return CheckRequest, CheckResponse, Health


# a sentence end and the whitespace after it: the preferred place to cut an over-long line
def pieces(line: str, size: int = MAX_PIECE) -> Iterator[tuple[int, str]]:
    """checker.pipe.pieces with the service's piece size."""
    from .pipe import pieces as cut

    return cut(line, size)


def check_text(chk, text: str, source: str | None = None, source_lang: str | None = None,
               cancel: threading.Event | None = None, file_context: bool = True) -> tuple[Any, list[dict]]:
    """Check a (multi-line) text line by line (checker.pipe.check_document, lines over MAX_PIECE in
    pieces); anomaly dicts with offsets into the whole text. Raises _Cancelled at the next line or
    piece once ``cancel`` is set; a source that is not line-aligned is a 422."""
    from .errors import InputError
    from .pipe import Cancelled, check_document

    try:  # check_document splits the source as it splits the text, and refuses a misaligned one
        rep = check_document(chk, text, source, source_lang, file_context=file_context, max_piece=MAX_PIECE,
                             cancel=cancel)
    except Cancelled:
        raise _Cancelled() from None
    except InputError as e:
        raise _Refused(422, e.message) from None
    return rep.signature, [a.to_dict() for a in rep.anomalies]


def _finite(s: str) -> float:
    v = float(s)
    if not math.isfinite(v):
        raise ValueError(f"number {s} is out of range")
    return v


def _not_json(name: str):
    raise ValueError(f"{name} is not valid JSON (numbers must be finite)")


def create_app(lang: str = "en", max_body: int = DEFAULT_MAX_BODY, max_chars: int = DEFAULT_MAX_CHARS,
               timeout: float = DEFAULT_TIMEOUT, token: str | None = None, workers: int = DEFAULT_WORKERS,
               body_timeout: float = DEFAULT_BODY_TIMEOUT, queue: int = DEFAULT_QUEUE,
               body_budget: int = DEFAULT_BODY_BUDGET, checker: dict[str, Any] | None = None,
               fail_at: float = DEFAULT_FAIL_AT, file_context: bool = True):
    """The FastAPI app. Loads the Checker for ``lang`` now; others load on first use and are
    cached; ``checker`` holds the other Checker() arguments (model, context_model, allowlist,
    threshold: checker.settings.Settings.checker_kwargs()), ``fail_at`` the default verdict score. ``token`` defaults to $CHECKER_TOKEN (unset or empty: no authentication). The limits
    are in the module docstring; ``app.state.pool.admitted`` is the number of checks admitted and
    not yet finished by their threads."""
    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import HTMLResponse, JSONResponse, Response
    from pydantic import ValidationError

    from .core import Checker
    from .errors import CheckerError
    from .languages import normalize_lang
    from .version import __version__

    CheckRequest, CheckResponse, Health = _models()
    token = token if token is not None else os.environ.get("CHECKER_TOKEN") or None
    default_lang = normalize_lang(lang)
    kwargs = {k: v for k, v in (checker or {}).items() if k != "lang"}
    checkers: dict[str, Any] = {default_lang: Checker(lang=default_lang, **kwargs)}
    lock = threading.Lock()
    pool = _Pool(workers, queue)
    body_budget = max(body_budget, max_body)  # a body of max_body bytes must always fit
    receiving = 0  # bytes of bodies being received now (event-loop thread only)

    def get_checker(code: str):
        with lock:
            if code not in checkers:
                checkers[code] = Checker(lang=code, **kwargs)
            return checkers[code]

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        pool.shutdown()
        _drops.flush()  # the counts not yet reported

    # docs_url/redoc_url None: FastAPI's pages load their scripts from a CDN (blank offline)
    app = FastAPI(title="checker", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Finds tokens that do not belong in translated text; a pre-publish gate.")
    app.state.pool = pool

    @app.exception_handler(_Refused)
    async def _refused(request, exc: _Refused):
        headers = dict(exc.headers or {})
        if exc.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        if exc.status in (408, 413):  # the rest of the body may still be on its way: do not wait for it
            headers["Connection"] = "close"
        return JSONResponse({"detail": exc.message}, status_code=exc.status, headers=headers or None)

    @app.exception_handler(_Gone)
    async def _gone(request, exc):
        return Response(status_code=400)  # uvicorn drops it: the connection is closed

    @app.exception_handler(RequestValidationError)
    async def _invalid(request, exc):
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.get("/healthz", response_model=Health, summary="Liveness: answers while the server runs")
    async def healthz():
        return {"status": "ok", "version": __version__}

    page: list[str] = []

    @app.get("/docs", include_in_schema=False)
    async def docs():
        if not page:
            page.append(docs_page(app.openapi()))
        return HTMLResponse(page[0], headers={"Content-Security-Policy": DOCS_CSP})

    def _auth(request: Request) -> None:
        if token is None:
            return
        got = request.headers.get("authorization", "")
        scheme, _, value = got.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
            raise _Refused(401, "missing or wrong bearer token")

    async def _read_body(request: Request) -> bytes:
        nonlocal receiving
        cl = request.headers.get("content-length")
        if cl is not None:
            try:
                n = int(cl)
            except ValueError:
                raise _Refused(400, "bad Content-Length") from None
            if n > max_body:
                raise _Refused(413, f"request body of {n} bytes is over the limit of {max_body}")
        buf = bytearray()
        deadline = asyncio.get_running_loop().time() + body_timeout
        try:
            while True:
                left = deadline - asyncio.get_running_loop().time()
                if left <= 0:
                    raise asyncio.TimeoutError
                msg = await asyncio.wait_for(request.receive(), left)
                if msg["type"] == "http.disconnect":
                    _drops.count("client gone mid-body")
                    raise _Gone()
                chunk = msg.get("body", b"")
                buf += chunk
                receiving += len(chunk)
                if len(buf) > max_body:
                    raise _Refused(413, f"request body is over the limit of {max_body} bytes")
                if receiving > body_budget:
                    raise _Refused(503, "busy: too many request bodies being received; retry later",
                                   {"Retry-After": "1", "Connection": "close"})
                if not msg.get("more_body", False):
                    return bytes(buf)
        except asyncio.TimeoutError:
            _drops.count("body timeout")
            raise _Refused(408, f"request body not received within {body_timeout:g} s") from None
        finally:
            receiving -= len(buf)

    def _parse(body: bytes):
        try:
            obj = json.loads(body.decode("utf-8"), parse_constant=_not_json, parse_float=_finite)
        except UnicodeDecodeError as e:
            raise _Refused(422, f"body is not valid UTF-8 (byte {e.start})") from None
        except RecursionError:
            raise _Refused(422, "JSON nested too deeply") from None
        except ValueError as e:
            raise _Refused(422, f"malformed JSON: {e}") from None
        if not isinstance(obj, dict):
            raise _Refused(422, "body must be a JSON object with a 'text' field")
        try:
            return CheckRequest.model_validate(obj)
        except ValidationError as e:
            msg = "; ".join(f"{'.'.join(map(str, err['loc'])) or 'body'}: {err['msg']}" for err in e.errors())
            raise _Refused(422, f"invalid request: {msg}") from None

    @app.post("/v1/check", response_model=CheckResponse, summary="Check a text: anomalies and a pass/block verdict",
              responses={
        400: {"description": "a bad Content-Length"},
        401: {"description": "missing or wrong bearer token (only when CHECKER_TOKEN is set)"},
        408: {"description": "the body did not arrive within the body timeout"},
        413: {"description": "body over max_body bytes, or text over max_chars characters"},
        422: {"description": "malformed JSON, wrong or missing fields, unsupported language"},
        503: {"description": "all workers busy and the queue full, or too many bodies being received"},
        504: {"description": "the check took longer than the timeout; its work is cancelled"}},
        openapi_extra={"requestBody": {"required": True, "content": {
            "application/json": {"schema": CheckRequest.model_json_schema()}}}})
    async def check(request: Request):
        _auth(request)
        req = _parse(await _read_body(request))
        if len(req.text) > max_chars:
            raise _Refused(413, f"text has {len(req.text)} characters; the limit is {max_chars}")
        if req.source is not None and len(req.source) > max_chars:
            raise _Refused(413, f"source has {len(req.source)} characters; the limit is {max_chars}")
        try:
            code = normalize_lang(req.lang) if req.lang else default_lang
            if req.source_lang:
                normalize_lang(req.source_lang)
        except CheckerError as e:
            raise _Refused(422, e.message) from None
        block_at = fail_at if req.fail_at is None else req.fail_at

        def work(cancel: threading.Event):
            chk = get_checker(code)
            signature, anomalies = check_text(chk, req.text, req.source, req.source_lang, cancel, file_context)
            return signature or chk.signature(code, file_context), anomalies

        try:
            signature, anomalies = await pool.run(work, timeout)
        except CheckerError as e:
            # 2: a language the service's --profile is not for (checker.profile): the request's fault
            raise _Refused(422 if e.exit_code in (2, 3, 4) else 500, e.message) from None
        verdict = "block" if any(a["score"] >= block_at for a in anomalies) else "pass"
        return {"lang": code, "signature": signature, "verdict": verdict, "anomalies": anomalies}

    return app


def add_parser(sub) -> None:
    s = sub.add_parser("serve", help="HTTP service: POST /v1/check for CMS pre-publish webhooks")
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    s.add_argument("--port", type=int, default=8000)
    from .settings import add_model_options

    add_model_options(s, lang_help="language loaded at start and used when a request names none (default: config, "
                                   "else en)")
    s.add_argument("--fail-at", type=lambda v: probability("--fail-at", v), default=None,
                   help=f"verdict 'block' when an anomaly scores at least this, unless the request says (default "
                        f"{DEFAULT_FAIL_AT})")
    s.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help=f"seconds per check, waiting for a worker included, before 504 (default {DEFAULT_TIMEOUT:g})")
    s.add_argument("--max-body", type=int, default=DEFAULT_MAX_BODY, help="request body limit in bytes (413)")
    s.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS, help="text limit in characters (413)")
    s.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="threads that run checks")
    s.add_argument("--queue", type=int, default=DEFAULT_QUEUE,
                   help=f"checks that may wait for a worker; more get 503 (default {DEFAULT_QUEUE})")
    s.add_argument("--header-timeout", type=float, default=DEFAULT_HEADER_TIMEOUT,
                   help=f"seconds to receive a request head, else the connection is closed (default {DEFAULT_HEADER_TIMEOUT:g})")
    s.add_argument("--body-timeout", type=float, default=DEFAULT_BODY_TIMEOUT,
                   help=f"seconds to receive a request body, else 408 (default {DEFAULT_BODY_TIMEOUT:g})")
    s.add_argument("--max-connections", type=int, default=DEFAULT_MAX_CONNECTIONS,
                   help="open connections; more close the oldest one still sending its request "
                        f"(default {DEFAULT_MAX_CONNECTIONS}, at most the open-file limit less {FD_RESERVE})")


def cmd_serve(args) -> int:
    from .errors import ModelError, UsageError

    if (not args.timeout > 0 or not args.header_timeout > 0 or not args.body_timeout > 0 or args.max_body < 1
            or args.max_chars < 1 or args.workers < 1 or args.queue < 0 or args.max_connections < 1
            or not 0 <= args.port < 65536):
        raise UsageError("--timeout, --header-timeout, --body-timeout, --max-body, --max-chars, --workers and "
                         "--max-connections must be positive, --queue 0 or more, --port 0-65535")
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise ModelError("checker serve needs the serve extra: pip install 'translation-checker[serve]'") from None
    import socket

    try:  # a taken port or a bad address is one line and exit 2, before the models load
        info = socket.getaddrinfo(args.host, args.port, type=socket.SOCK_STREAM)[0]
        with socket.socket(info[0], socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(info[4])
    except OSError as e:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {e.strerror or e}") from None
    from .settings import from_args

    settings = from_args(args, lang="en")  # flags over .checker.toml / [tool.checker] over defaults
    app = create_app(settings.lang, args.max_body, args.max_chars, args.timeout, workers=args.workers,
                     body_timeout=args.body_timeout, queue=args.queue, checker=settings.checker_kwargs(),
                     fail_at=settings.fail_at, file_context=settings.file_context)
    make_server(app, args.host, args.port, header_timeout=args.header_timeout, body_timeout=args.body_timeout,
                max_connections=args.max_connections, response_timeout=args.timeout + args.body_timeout).run()
    return 0
