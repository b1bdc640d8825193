"""`checker serve`: an HTTP service for CMS pre-publish webhooks (FastAPI + uvicorn).

POST /v1/check  {text, lang?, source?, source_lang?, fail_at?}
             -> {lang, signature, verdict: "pass"|"block", anomalies: [...]}
GET  /healthz   -> {status: "ok", version}

Multi-line text is checked line by line with the whole text's word counts as context (as
`checker check` does with a file); anomaly offsets are offsets into the whole `text`. A `source`
is used only when it has as many lines as `text` (line-aligned), else it is refused with 422.

Limits: a body over ``max_body`` bytes -> 413 (from Content-Length, and counted while reading); a
text over ``max_chars`` characters -> 413; a check that takes over ``timeout`` seconds -> 504;
malformed JSON, invalid UTF-8, nesting too deep, wrong or missing fields, unsupported language ->
422. If CHECKER_TOKEN is set, /v1/check needs `Authorization: Bearer <token>` (else 401).
Fastapi and uvicorn are imported only here, so the rest of the CLI does not need them.
"""

import asyncio
import contextlib
import hmac
import json
import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

DEFAULT_MAX_BODY = 1_000_000
DEFAULT_MAX_CHARS = 100_000
DEFAULT_TIMEOUT = 10.0
DEFAULT_FAIL_AT = 0.5


class _Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _models():
    from pydantic import BaseModel, ConfigDict, Field

    class CheckRequest(BaseModel):
        model_config = ConfigDict(strict=True)
        text: str = Field(description="the text to check; may have many lines")
        lang: str | None = Field(None, description="target language (default: the server's --lang)")
        source: str | None = Field(None, description="source text, line-aligned with text")
        source_lang: str | None = Field(None, description="language of source")
        fail_at: float | None = Field(None, ge=0.0, le=1.0,
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


def check_text(chk, text: str, source: str | None = None, source_lang: str | None = None) -> tuple[Any, list[dict]]:
    """Check a (multi-line) text line by line; anomaly dicts with offsets into the whole text."""
    from .document import word_counts

    lines = text.split("\n")
    srcs: list[str | None] = [None] * len(lines)
    if source is not None:
        srcs = source.split("\n")
        if len(srcs) != len(lines):
            raise _Refused(422, f"source has {len(srcs)} lines but text has {len(lines)}; they must be line-aligned")
    ctx = word_counts(lines)
    out: list[dict] = []
    signature = None
    base = 0
    for line, src in zip(lines, srcs):
        body = line[:-1] if line.endswith("\r") else line
        if body.strip():
            rep = chk.check(body, src.rstrip("\r") if src else None, source_lang, ctx)
            signature = rep.signature
            for a in rep.anomalies:
                d = a.to_dict()
                d["start"] += base
                d["end"] += base
                out.append(d)
        base += len(line) + 1
    return signature, out


def create_app(lang: str = "en", max_body: int = DEFAULT_MAX_BODY, max_chars: int = DEFAULT_MAX_CHARS,
               timeout: float = DEFAULT_TIMEOUT, token: str | None = None, workers: int = 4):
    """The FastAPI app. Loads the Checker for ``lang`` now; others load on first use and are
    cached. ``token`` defaults to $CHECKER_TOKEN (unset or empty: no authentication)."""
    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from pydantic import ValidationError

    from .core import Checker
    from .errors import CheckerError
    from .languages import normalize_lang
    from .version import __version__

    CheckRequest, CheckResponse, Health = _models()
    token = token if token is not None else os.environ.get("CHECKER_TOKEN") or None
    default_lang = normalize_lang(lang)
    checkers: dict[str, Any] = {default_lang: Checker(lang=default_lang)}
    lock = threading.Lock()
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="checker")

    def get_checker(code: str):
        with lock:
            if code not in checkers:
                checkers[code] = Checker(lang=code)
            return checkers[code]

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        pool.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(title="checker", version=__version__, lifespan=lifespan,
                  description="Finds tokens that do not belong in translated text; a pre-publish gate.")

    @app.exception_handler(_Refused)
    async def _refused(request, exc: _Refused):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse({"detail": exc.message}, status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request, exc):
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.get("/healthz", response_model=Health)
    async def healthz():
        return {"status": "ok", "version": __version__}

    def _auth(request: Request) -> None:
        if token is None:
            return
        got = request.headers.get("authorization", "")
        scheme, _, value = got.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
            raise _Refused(401, "missing or wrong bearer token")

    async def _read_body(request: Request) -> bytes:
        cl = request.headers.get("content-length")
        if cl is not None:
            try:
                n = int(cl)
            except ValueError:
                raise _Refused(400, "bad Content-Length") from None
            if n > max_body:
                raise _Refused(413, f"request body of {n} bytes is over the limit of {max_body}")
        buf = bytearray()
        async for chunk in request.stream():
            buf += chunk
            if len(buf) > max_body:
                raise _Refused(413, f"request body is over the limit of {max_body} bytes")
        return bytes(buf)

    def _parse(body: bytes):
        try:
            obj = json.loads(body.decode("utf-8"))
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

    @app.post("/v1/check", response_model=CheckResponse, responses={
        401: {"description": "missing or wrong bearer token (only when CHECKER_TOKEN is set)"},
        413: {"description": "body over max_body bytes, or text over max_chars characters"},
        422: {"description": "malformed JSON, wrong or missing fields, unsupported language"},
        504: {"description": "the check took longer than the timeout"}},
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
        fail_at = DEFAULT_FAIL_AT if req.fail_at is None else req.fail_at
        loop = asyncio.get_running_loop()

        def work():
            return check_text(get_checker(code), req.text, req.source, req.source_lang)

        try:
            signature, anomalies = await asyncio.wait_for(loop.run_in_executor(pool, work), timeout)
        except asyncio.TimeoutError:
            raise _Refused(504, f"check took longer than {timeout:g} s") from None
        except CheckerError as e:
            raise _Refused(422 if e.exit_code in (3, 4) else 500, e.message) from None
        if signature is None:
            signature = get_checker(code).signature(code)
        verdict = "block" if any(a["score"] >= fail_at for a in anomalies) else "pass"
        return {"lang": code, "signature": signature, "verdict": verdict, "anomalies": anomalies}

    return app


def add_parser(sub) -> None:
    s = sub.add_parser("serve", help="HTTP service: POST /v1/check for CMS pre-publish webhooks")
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--lang", default="en", help="language loaded at start and used when a request names none")
    s.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per check before 504")
    s.add_argument("--max-body", type=int, default=DEFAULT_MAX_BODY, help="request body limit in bytes (413)")
    s.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS, help="text limit in characters (413)")
    s.add_argument("--workers", type=int, default=4, help="threads that run checks")


def cmd_serve(args) -> int:
    from .errors import UsageError

    if args.timeout <= 0 or args.max_body < 1 or args.max_chars < 1 or args.workers < 1 or not 0 <= args.port < 65536:
        raise UsageError("--timeout, --max-body, --max-chars and --workers must be positive, --port 0-65535")
    try:
        import uvicorn
    except ImportError:
        raise UsageError("checker serve needs fastapi and uvicorn: pip install fastapi uvicorn") from None
    import socket

    try:  # a taken port or a bad address is one line and exit 2, before the models load
        info = socket.getaddrinfo(args.host, args.port, type=socket.SOCK_STREAM)[0]
        with socket.socket(info[0], socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(info[4])
    except OSError as e:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {e.strerror or e}") from None
    app = create_app(args.lang, args.max_body, args.max_chars, args.timeout, workers=args.workers)
    class _Server(uvicorn.Server):
        # SIGTERM is the normal way to stop a service: shut down gracefully, then exit 0 (uvicorn
        # would re-raise the signal after its graceful shutdown, so the exit status were -15)
        def handle_exit(self, sig, frame):
            super().handle_exit(sig, frame)
            captured = getattr(self, "_captured_signals", None)
            if sig == signal.SIGTERM and captured and captured[-1] == sig:
                captured.pop()

    config = uvicorn.Config(app, host=args.host, port=args.port, log_level="warning", timeout_graceful_shutdown=5)
    _Server(config).run()
    return 0
