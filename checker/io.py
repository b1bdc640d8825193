"""Reading user input safely: every failure becomes an InputError with a one-line message."""
from __future__ import annotations

import sys
from pathlib import Path

from .errors import InputError


def read_text(path: str) -> str:
    """The whole file (or stdin for "-") as text; refuses missing, binary and non-UTF-8 input."""
    name = "<stdin>" if path == "-" else path
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except OSError as e:
        raise InputError(f"{name}: cannot read ({e.strerror})") from None
    if b"\x00" in data[:1 << 20] or b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise InputError(f"{name}: binary data (NUL byte on line {line}); expected UTF-8 text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(f"{name}: invalid UTF-8 at byte {e.start} (line {line}); expected UTF-8 text") from None


def split_lines(text: str) -> list[str]:
    """Lines without their terminators; a final newline does not add an empty line."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [ln[:-1] if ln.endswith("\r") else ln for ln in lines]


def read_allowlist(path: str) -> list[str]:
    """Words never to flag: one per line, blank lines and # comment lines ignored."""
    return [w.strip() for w in split_lines(read_text(path)) if w.strip() and not w.lstrip().startswith("#")]
