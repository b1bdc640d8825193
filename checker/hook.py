"""`checker hook FILE...`: check the prose of .txt, .md and .html files, pre-commit style.

Markup and code are blanked out (replaced by spaces of the same length, newlines kept) so every
offset the Checker reports is an offset into the original file; each line is then checked with the
file's word counts as context. Output is one compiler-style line per anomaly:

    path:line:col: kind (score): text -> fix (fix's own score)

Control characters and bidi overrides from the files are printed as escapes (\x1b, \u202e).

Exit codes: 0 nothing at or above --fail-at, 1 at least one anomaly at or above --fail-at, and the
usual CheckerError codes for bad input (2 usage/config, 3 bad file, 4 language, 5 model).
The status is decided before anything is printed, so an output pipe closed early (`| head -0`)
cannot turn a failing gate into a pass. --fail-at and --threshold (flag or config) must be numbers
in [0, 1]: NaN or 5 would silently open the gate, so they are a usage error (exit 2).
"""
from __future__ import annotations

import os
import re
import sys
from typing import Any

from .errors import probability
from .io import printable, read_text, silence_stdout, split_lines
from .settings import DEFAULT_FAIL_AT, add_model_options, from_args


# --- masking -------------------------------------------------------------------------------------


def _blank(s: str) -> str:
    """Spaces for every character but line breaks, so lines and columns stay where they were."""
    return re.sub(r"[^\n\r]", " ", s)


def _mask_spans(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    chars = list(text)
    for a, b in spans:
        for i in range(a, b):
            if chars[i] not in "\n\r":
                chars[i] = " "
    return "".join(chars)


_HTML_BLOCK_RE = re.compile(r"<(script|style|code|pre)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_HTML_OPEN_BLOCK_RE = re.compile(r"<(script|style|code|pre)\b[^>]*>.*\Z", re.I | re.S)  # unclosed
_HTML_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_HTML_TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>|<![A-Za-z][^<>]*>|<\?.*?\?>", re.S)
_ENTITY_RE = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


def mask_html(text: str) -> str:
    """Blank out comments, <script>/<style>/<code>/<pre> elements, tags and entities."""
    for rx in (_HTML_COMMENT_RE, _HTML_BLOCK_RE, _HTML_OPEN_BLOCK_RE, _HTML_TAG_RE, _ENTITY_RE):
        text = rx.sub(lambda m: _blank(m.group()), text)
    return text


_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_INLINE_CODE_RE = re.compile(r"(?<!`)(`+)(?!`)((?:[^\n]|\n(?![ \t]*\n))+?)(?<!`)\1(?!`)")
_LINK_URL_RE = re.compile(r"\]\((?:[^()\n]|\([^()\n]*\))*\)")
_REF_DEF_RE = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*\S.*$", re.M)
_AUTOLINK_RE = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^<>\s]*|[^<>\s@]+@[^<>\s@]+)>")


def mask_markdown(text: str) -> str:
    """Blank out fenced code blocks, inline code, link targets, reference definitions, autolinks
    and raw HTML (as in mask_html)."""
    lines = text.split("\n")
    out, fence = [], None
    for line in lines:
        m = _FENCE_RE.match(line)
        if fence is None and m:
            fence = m.group(1)
            out.append(_blank(line))
        elif fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line.strip().strip(fence[0]):
                fence = None
            out.append(_blank(line))
        else:
            out.append(line)
    text = "\n".join(out)
    spans = [m.span() for m in _INLINE_CODE_RE.finditer(text)]
    text = _mask_spans(text, spans)
    spans = [(m.start() + 1, m.end()) for m in _LINK_URL_RE.finditer(text)]
    spans += [m.span() for rx in (_REF_DEF_RE, _AUTOLINK_RE) for m in rx.finditer(text)]
    return mask_html(_mask_spans(text, spans))


def file_kind(path: str) -> str:
    ext = os.path.splitext(path)[1].lower()
    return {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}.get(ext, "text")


def mask(text: str, kind: str) -> str:
    """The text with everything that is not prose blanked; same length, same line breaks."""
    if kind == "markdown":
        return mask_markdown(text)
    if kind == "html":
        return mask_html(text)
    return text


# --- ignore markers ------------------------------------------------------------------------------

_IGNORE_RE = re.compile(r"checker:\s*ignore\b(-next-line)?")


def ignored_lines(lines: list[str]) -> set[int]:
    """0-based lines not to report: those with `checker: ignore`, and the line after each
    `checker: ignore-next-line` (which is itself not reported either)."""
    out: set[int] = set()
    for i, line in enumerate(lines):
        for m in _IGNORE_RE.finditer(line):
            out.add(i)
            if m.group(1):
                out.add(i + 1)
    return out


# --- the command ---------------------------------------------------------------------------------


def format_anomaly(path: str, line: int, a) -> str:
    """`path:line:col: kind (score): text -> fix (fix score)`; line and col 1-based; the first
    score is the anomaly's, the second the fix's own (a likely error can have an unsure fix)."""
    head = f"{printable(path)}:{line}:{a.start + 1}: {a.kind} ({a.score:.2f}): {printable(a.text)}"
    if a.suggestions:
        best = a.suggestions[0]
        return f"{head} -> {printable(best.text) if best.text else '<delete>'} ({best.score:.2f})"
    return head


def check_file(chk, path: str, text: str, file_context: bool = True) -> list[tuple[int, Any]]:
    """(1-based line, Anomaly) for every reported anomaly of one file, in order; each anomaly's
    offsets are offsets into its line, its text the original's (markup is blanked for checking)."""
    import bisect

    from .pipe import check_document, line_starts

    masked = mask(text, file_kind(path))  # same length and line breaks as text
    rep = check_document(chk, masked, file_context=file_context, skip=ignored_lines(split_lines(text)))
    starts = line_starts(text)
    out = []
    for a in rep.anomalies:
        i = bisect.bisect_right(starts, a.start) - 1
        a.text = text[a.start:a.end]
        a.start -= starts[i]
        a.end -= starts[i]
        out.append((i + 1, a))
    return out


def add_parser(sub) -> None:
    h = sub.add_parser("hook", help="check prose in .txt/.md/.html files, compiler-style (pre-commit)")
    h.add_argument("files", nargs="*", metavar="FILE", help="files to check")
    add_model_options(h, lang_help="target language (default: config, else en)")
    h.add_argument("--fail-at", type=lambda v: probability("--fail-at", v), default=None,
                   help=f"exit 1 when an anomaly scores at least this (default: config, else {DEFAULT_FAIL_AT})")
    h.add_argument("--verbose", "-v", action="store_true", help="also print anomalies below --fail-at")


def cmd_hook(args) -> int:
    from .core import Checker

    settings = from_args(args, lang="en")  # flags over .checker.toml / [tool.checker] over defaults
    fail_at = settings.fail_at
    texts = [(f, read_text(f)) for f in args.files]  # every file readable before any output
    chk = Checker(**settings.checker_kwargs())
    failed = 0
    lines = []
    for path, text in texts:
        for ln, a in check_file(chk, path, text, settings.file_context):
            if a.score >= fail_at:
                failed += 1
            elif not args.verbose:
                continue
            lines.append(format_anomaly(path, ln, a))
    status = 1 if failed else 0  # decided before any output: a closed pipe cannot change it
    try:
        for line in lines:
            print(line)
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
    except OSError as e:  # a full disk behind a redirection: the lines are lost, the verdict is not
        silence_stdout()
        from .errors import os_error_message

        print(f"checker: error: {os_error_message('standard output', e)}", file=sys.stderr)
    if failed:
        print(f"checker: {failed} anomal{'y' if failed == 1 else 'ies'} scored at or above {fail_at:g}",
              file=sys.stderr)
    return status

