"""In-process per-kind recall and clean false alarms for a few languages (diagnostics on DEV;
report numbers with run_benchmark.py on test).

    python bench/quick_eval.py --split dev --langs ru,it
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker import Checker, evaluate as ev  # noqa: E402
from checker.document import word_counts  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=str(ROOT / "build" / "bench"))
    ap.add_argument("--split", default="dev")
    ap.add_argument("--langs", default="en,ru,it")
    a = ap.parse_args()
    d = Path(a.bench) / a.split
    man = json.loads((d / "manifest.json").read_text())
    for lang in a.langs.split(","):
        chk = Checker(lang)
        sl = man["langs"][lang]["src_lang"]
        noisy, clean, src = (ev.read_lines(d / f"{lang}.{x}.txt") for x in ("noisy", "clean", "src"))
        nc, cc = word_counts(noisy), word_counts(clean)
        pred = {i: [x.to_dict() for x in chk.check(l, s, sl, nc).anomalies] for i, (l, s) in enumerate(zip(noisy, src))}
        m = ev.score(ev.load_gold_jsonl(d / f"{lang}.gold.jsonl"), pred, noisy, clean=clean).to_dict()
        cp = {i: [x.to_dict() for x in chk.check(l, s, sl, cc).anomalies] for i, (l, s) in enumerate(zip(clean, src))}
        c = ev.score({}, cp, clean).to_dict()
        print(lang, "FA/1k", round(c["fa_per_1k_words"], 2), {k: round(v["recall"], 2) for k, v in m["recall_by_kind"].items()},
              "fix@1", {k: round(v["fix_at_1"], 2) for k, v in m["fix_by_kind"].items() if v["fix_at_1"]})


if __name__ == "__main__":
    main()
