"""Suggestions without a source: fix@1 per kind and variant on the synthetic split, beside
Hunspell's first suggestion on the same noisy lines (not a test).

Every line is checked the way most texts are, without its source, one file as the document
(as ``checker scan`` does); a gold span counts as fixed when the flag on it has the original as
its first suggestion (``checker.evaluate.score``: the line with the fix applied equals the clean
line). ``coverage`` is the share of spans whose original is among the candidates the suggester
ranks at all (one-word originals only): no ranking can do better than it.

    python bench/fix_quality.py [--split test] [--langs en,de,...] [--peer build/results]

Hunspell's outputs are read from ``--peer`` (``<lang>.noisy.hunspell.jsonl``, written by
``bench/run_benchmark.py`` on the same test split). Output: build/bench/fix_quality-<split>.json.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker import Checker, evaluate as ev  # noqa: E402
from checker.document import word_counts  # noqa: E402
from checker.lexicon import norm  # noqa: E402

LANGS = "en,de,fr,es,it,pt,nl,sv,cs,pl,ru,uk,tr,vi"
KINDS = ("non-word", "misspelling", "foreign", "untranslated", "script")


def run(lang: str, d: Path, peer: Path) -> dict:
    chk = Checker(lang)
    noisy = ev.read_lines(d / f"{lang}.noisy.txt")
    clean = ev.read_lines(d / f"{lang}.clean.txt")
    gold = ev.load_gold_jsonl(d / f"{lang}.gold.jsonl")
    ctx = word_counts(noisy)
    _, _, sug = chk._parts(lang)
    pred, cov, var_n, var_fix = {}, Counter(), Counter(), Counter()
    for i, line in enumerate(noisy):
        doc = chk.annotate(line, lang=lang, context=ctx)
        anomalies = chk.detector(doc, chk.threshold)
        sug(doc, anomalies)
        pred[i] = [a.to_dict() for a in anomalies]
        for g in gold.get(i, ()):
            if g.kind not in KINDS:
                continue
            v = f"{g.kind}/{g.variant}"
            var_n[v] += 1
            hit = [a for a in anomalies if a.start < g.end and g.start < a.end]
            if hit and hit[0].suggestions and norm(hit[0].suggestions[0].text) == norm(g.original or ""):
                var_fix[v] += 1
            tok = next((t for t in doc.tokens if t.is_word and t.start == g.start and t.end == g.end), None)
            if tok is not None and g.original and " " not in g.original:
                if norm(g.original) in {c for c, _ in sug.candidate_features(doc, tok)}:
                    cov[g.kind] += 1
    m = ev.score(gold, pred, noisy, clean=clean).to_dict()
    out = {"ours": {k: m["fix_by_kind"].get(k) for k in KINDS},
           "coverage": {k: round(cov[k] / m["fix_by_kind"][k]["n"], 3) for k in KINDS if m["fix_by_kind"].get(k)},
           "by_variant": {v: f"{var_fix[v]}/{var_n[v]}" for v in sorted(var_n)}}
    hp = peer / f"{lang}.noisy.hunspell.jsonl"
    if hp.exists():
        h = ev.score(gold, ev.load_scan_jsonl(hp), noisy, clean=clean).to_dict()
        out["hunspell"] = {k: h["fix_by_kind"].get(k) for k in KINDS}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", default=str(ROOT / "build" / "bench"))
    ap.add_argument("--split", default="test")
    ap.add_argument("--langs", default=LANGS)
    ap.add_argument("--peer", default=str(ROOT / "build" / "results"))
    a = ap.parse_args()
    d, peer = Path(a.bench) / a.split, Path(a.peer)
    t0 = time.time()
    res = {lang: run(lang, d, peer) for lang in a.langs.split(",")}
    tot: dict[str, Counter] = {"ours": Counter(), "hunspell": Counter(), "n": Counter(), "n_peer": Counter()}
    print("| lang | " + " | ".join(KINDS) + " |  (fix@1 ours / Hunspell; coverage)")
    for lang, r in res.items():
        cells = []
        for k in KINDS:
            o, h = r["ours"].get(k), (r.get("hunspell") or {}).get(k)
            if not o:
                cells.append("–")
                continue
            tot["ours"][k] += round(o["fix_at_1"] * o["n"])
            tot["n"][k] += o["n"]
            hs = "n/a"
            if h:
                tot["hunspell"][k] += round(h["fix_at_1"] * h["n"])
                tot["n_peer"][k] += h["n"]
                hs = f"{h['fix_at_1']:.2f}"
            cells.append(f"{o['fix_at_1']:.2f} / {hs} ({r['coverage'].get(k, 0):.2f})")
        print(f"| {lang} | " + " | ".join(cells) + " |")
    res["_all"] = {k: {"ours": round(tot["ours"][k] / tot["n"][k], 3) if tot["n"][k] else None, "n": tot["n"][k],
                       "hunspell": round(tot["hunspell"][k] / tot["n_peer"][k], 3) if tot["n_peer"][k] else None,
                       "n_peer": tot["n_peer"][k]} for k in KINDS}
    print("all:", json.dumps(res["_all"]))
    out = ROOT / "build" / "bench" / f"fix_quality-{a.split}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=1) + "\n")
    print(f"{time.time() - t0:.0f} s -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
