#!/usr/bin/env python3
"""Peer baseline: run Hunspell over a text file and write the checker's scan JSONL.

One ``hunspell -a`` (ispell pipe mode, terse) process per file.  Each input line is
prefixed with ``^`` so that no line is read as a pipe command.  Hunspell reports the
offset of a flagged word in characters of the ``^``-prefixed line (checked with
UTF-8 text); the adapter verifies every offset against the line and falls back to a
byte-offset reading and then to a nearest-match search if a report does not fit.

Usage: ``python bench/hunspell_scan.py FILE --lang de [-o OUT.jsonl]``.
Exit status 2 and ``n/a`` on stderr when there is no dictionary for the language.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

DICT_DIR = Path("/usr/share/hunspell")
DICTS: dict[str, tuple[str, ...]] = {
    "en": ("en_US",), "de": ("de_DE",), "fr": ("fr_FR", "fr"), "es": ("es_ES",), "it": ("it_IT",),
    "pt": ("pt_PT", "pt_BR"), "ru": ("ru_RU",), "uk": ("uk_UA",), "pl": ("pl_PL",), "cs": ("cs_CZ",),
    "vi": ("vi_VN",), "nl": ("nl_NL", "nl"), "sv": ("sv_SE", "sv_FI"), "tr": ("tr_TR",),
    "ar": ("ar",), "he": ("he_IL",),
}


def find_dictionary(lang: str) -> Optional[str]:
    """The Hunspell dictionary name for ``lang``, or None when none is installed."""
    for name in DICTS.get(lang, ()):
        if (DICT_DIR / f"{name}.dic").exists() and (DICT_DIR / f"{name}.aff").exists():
            return name
    return None


def _locate(line: str, word: str, reported: int) -> Optional[int]:
    """Char offset of ``word`` in ``line`` given Hunspell's offset (into '^' + line)."""
    off = reported - 1
    if line[off: off + len(word)] == word:
        return off
    prefix = ("^" + line).encode("utf-8")[:reported]  # byte-offset reading
    off = len(prefix.decode("utf-8", errors="ignore")) - 1
    if line[off: off + len(word)] == word:
        return off
    hits = [i for i in range(len(line)) if line.startswith(word, i)]
    return min(hits, key=lambda i: abs(i - reported)) if hits else None


def parse_output(lines: list[str], output: str) -> list[list[dict]]:
    """Turn ``hunspell -a`` terse output into per-line anomaly lists."""
    out_lines = output.split("\n")
    if out_lines and out_lines[0].startswith("@(#)"):
        out_lines = out_lines[1:]
    result: list[list[dict]] = []
    current: list[dict] = []
    for row in out_lines:
        if row == "":
            result.append(current)
            current = []
            if len(result) == len(lines):
                break
            continue
        tag = row[0]
        if tag in "&?":
            head, _, sugg = row.partition(": ")
            _, word, _count, offset = head.split(" ", 3)
            suggestions = [s for s in sugg.split(", ") if s]
        elif tag == "#":
            _, word, offset = row.split(" ", 2)
            suggestions = []
        else:  # '*', '+', '-' do not occur in terse mode
            continue
        i = len(result)
        start = _locate(lines[i], word, int(offset))
        if start is None:
            continue
        current.append({
            "start": start, "end": start + len(word), "text": word, "kind": "misspelling", "score": 1.0,
            "reason": "not in hunspell dictionary",
            "suggestions": [{"text": s, "score": round(1.0 / (r + 1), 4)} for r, s in enumerate(suggestions)],
        })
    while len(result) < len(lines):
        result.append([])
    return result


def scan(lines: list[str], dictionary: str) -> list[list[dict]]:
    """Run one Hunspell process over ``lines``; returns anomalies per line."""
    stdin = "!\n" + "".join("^" + l.replace("\r", " ") + "\n" for l in lines)
    proc = subprocess.run(["hunspell", "-d", dictionary, "-a", "-i", "utf-8"], input=stdin.encode("utf-8"),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    return parse_output(lines, proc.stdout.decode("utf-8", errors="replace"))


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--lang", required=True)
    ap.add_argument("-o", "--output", type=Path, help="JSONL output (default stdout)")
    args = ap.parse_args(argv)
    dictionary = find_dictionary(args.lang)
    if dictionary is None or shutil.which("hunspell") is None:
        print(f"n/a: no hunspell dictionary for {args.lang!r}", file=sys.stderr)
        return 2
    text = args.file.read_text(encoding="utf-8")
    lines = (text[:-1] if text.endswith("\n") else text).split("\n") if text else []
    t0 = time.perf_counter()
    anomalies = scan(lines, dictionary)
    elapsed = time.perf_counter() - t0
    fh = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    for i, anoms in enumerate(anomalies):
        fh.write(json.dumps({"line": i, "anomalies": anoms}, ensure_ascii=False) + "\n")
    if args.output:
        fh.close()
    words = sum(len(l.split()) for l in lines)
    print(f"hunspell {dictionary}: {len(lines)} lines, {words} words, {elapsed:.1f}s "
          f"({words / max(elapsed, 1e-9):.0f} words/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
