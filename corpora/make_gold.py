"""Turn a marked sample (``[[shown|kind|original]]``) into plain text plus gold JSONL.

Run: python corpora/make_gold.py corpora/samples/*.marked.txt
Writes NAME.txt (what the checker reads), NAME.clean.txt (the corrected text) and NAME.gold.jsonl
(one object per line: {"line", "spans": [{"start","end","text","kind","original"}]}). For a
repetition the span is the second copy with the space before it, so deleting it restores the line.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

MARK = re.compile(r"\[\[([^|\]]*)\|([^|\]]*)\|([^\]]*)\]\]")


def convert(line: str) -> tuple[str, str, list[dict]]:
    out, clean, spans, pos = "", "", [], 0
    for m in MARK.finditer(line):
        out += line[pos:m.start()]
        clean += line[pos:m.start()]
        shown, kind, original = m.groups()
        if kind == "repetition":
            # the marked word is the first copy; the injected second copy follows it
            out += shown
            clean += shown
            s = len(out)
            out += " " + shown
            spans.append({"start": s, "end": len(out), "text": " " + shown, "kind": kind, "original": ""})
        else:
            s = len(out)
            out += shown
            clean += original
            spans.append({"start": s, "end": len(out), "text": shown, "kind": kind, "original": original})
        pos = m.end()
    out += line[pos:]
    clean += line[pos:]
    return out, clean, spans


def main(paths: list[str]) -> None:
    for p in paths:
        src = Path(p)
        stem = src.name.replace(".marked.txt", "")
        noisy, clean, gold = [], [], []
        for i, line in enumerate(src.read_text(encoding="utf-8").splitlines()):
            o, c, spans = convert(line)
            noisy.append(o)
            clean.append(c)
            gold.append(json.dumps({"line": i, "spans": spans}, ensure_ascii=False))
        (src.parent / f"{stem}.txt").write_text("\n".join(noisy) + "\n", encoding="utf-8")
        (src.parent / f"{stem}.clean.txt").write_text("\n".join(clean) + "\n", encoding="utf-8")
        (src.parent / f"{stem}.gold.jsonl").write_text("\n".join(gold) + "\n", encoding="utf-8")
        print(f"{p}: {sum(len(json.loads(g)['spans']) for g in gold)} gold spans")


if __name__ == "__main__":
    main(sys.argv[1:])
