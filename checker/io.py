"""Reading user input safely: every failure becomes an InputError with a one-line message."""
from __future__ import annotations

import sys
from pathlib import Path

from .errors import InputError


def _looks_utf16(head: bytes) -> bool:
    """Latin-script UTF-16 without a BOM: NUL bytes in every other position and nowhere else."""
    half = len(head) // 2
    if half < 4:
        return False
    even, odd = head[0:2 * half:2].count(0), head[1:2 * half:2].count(0)
    return (odd >= 0.9 * half and even <= 0.1 * half) or (even >= 0.9 * half and odd <= 0.1 * half)


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
    # UTF-16/32 with a byte-order mark is text (Windows editors write it): decode it
    for bom, enc in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                     (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(enc)
            except UnicodeDecodeError as e:
                raise InputError(f"{name}: invalid {enc.upper()} at byte {e.start + len(bom)}") from None
            if "\x00" in text:
                line = text[: text.index("\x00")].count("\n") + 1
                raise InputError(f"{name}: binary data (NUL character on line {line}); expected text")
            return text
    if b"\x00" in data:
        at = data.index(b"\x00")
        line = data[:at].count(b"\n") + 1
        if _looks_utf16(data[:400]):
            raise InputError(f"{name}: looks like UTF-16 without a byte-order mark (NUL bytes between letters); "
                             "save it as UTF-8")
        raise InputError(f"{name}: binary data (NUL byte on line {line}); expected UTF-8 text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(f"{name}: invalid UTF-8 at byte {e.start} (line {line}); expected UTF-8 text") from None


_LINE_BREAKS = {"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def jsonl_record(obj) -> str:
    """One JSONL line (with its newline) that always encodes: UTF-8 as is, but U+0085, U+2028 and U+2029 escaped,
    because readers that split on every Unicode line break (str.splitlines, JavaScript) would
    otherwise cut the record in two."""
    import json

    s = json.dumps(obj, ensure_ascii=False)
    if any(c in s for c in _LINE_BREAKS):
        s = s.translate(str.maketrans(_LINE_BREAKS))
    return encodable(s + "\n")


def encodable(text: str) -> str:
    """``text`` that always encodes as UTF-8: a lone surrogate (from a JSON input's \\udXXX
    escape, say) becomes that \\udXXX escape again instead of failing the write."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


_UNSAFE = None


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: control characters (ESC sequences, C1 controls, DEL,
    carriage returns) and bidi controls, which could rewrite or reorder what the reader sees,
    shown as escapes (\\x1b, \\u202e); bytes of a non-UTF-8 file name as \\xNN (printing them
    would fail on a strict terminal); tabs stay."""
    global _UNSAFE
    if _UNSAFE is None:
        import re

        _UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                             "\u2066-\u2069\ud800-\udfff]")
    return _UNSAFE.sub(_escape, text)


def _escape(m) -> str:
    cp = ord(m.group())
    if cp < 0x100:
        return f"\\x{cp:02x}"
    if 0xDC80 <= cp <= 0xDCFF:  # a byte of a file name that is not UTF-8 (surrogateescape)
        return f"\\x{cp - 0xDC00:02x}"
    return f"\\u{cp:04x}"


def silence_stdout() -> None:
    """Point file descriptor 1 at /dev/null: after a broken pipe or a failed write, what is left
    in stdout's buffer must not be flushed again (with a second error) when the interpreter exits."""
    import os

    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError):
        pass


def split_lines(text: str) -> list[str]:
    """Lines without their terminators; a final newline does not add an empty line."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [ln[:-1] if ln.endswith("\r") else ln for ln in lines]


def read_allowlist(path: str) -> list[str]:
    """Words never to flag: one per line, blank lines and # comment lines ignored."""
    return [w.strip() for w in split_lines(read_text(path)) if w.strip() and not w.lstrip().startswith("#")]
