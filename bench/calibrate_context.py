"""Fit the wrong-word model (words the context model finds out of place) and the suggester's
acceptance model with the context model on the synthetic DEV split; add both to
models/detector.json next to what bench/calibrate.py wrote.

    python bench/calibrate_context.py --context-model embedded

Thresholds per language hold clean-text false alarms of the wrong-word kind to FA_BUDGET per
1,000 dev words; the lexical detector has its own budget of 1, so the product target of 2 holds
for both together.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from calibrate import fit_logistic, word_total  # noqa: E402
from checker.core import Checker  # noqa: E402
from checker.detector import CONTEXT_FEATURES, context_features  # noqa: E402
from checker.document import word_counts  # noqa: E402
from checker.io import split_lines  # noqa: E402
from checker.lexicon import norm  # noqa: E402
from checker.suggest import Suggester  # noqa: E402

FA_BUDGET = 1.0
MIN_THRESHOLD = 0.05
_SUGGEST_KINDS = ("non-word", "misspelling", "wrong-word")


def collect(args: tuple[str, str, str, str, int, int]) -> dict:
    d, lang, src_lang, spec, max_lines, suggest_lines = args
    d = Path(d)
    chk = Checker(lang=lang, threshold=0.0, context_model=spec)
    read = lambda name: split_lines((d / f"{lang}.{name}.txt").read_text(encoding="utf-8"))[:max_lines]  # noqa: E731
    noisy, clean, srcs = read("noisy"), read("clean"), read("src")
    gold = [json.loads(l) for l in (d / f"{lang}.gold.jsonl").read_text(encoding="utf-8").splitlines()][:max_lines]
    nctx, cctx = word_counts(noisy), word_counts(clean)
    _, _, sug = chk._parts(lang)
    X, y, C, sx, sy = [], [], [], [], []
    for li, (line, src, g) in enumerate(zip(noisy, srcs, gold)):
        doc = chk.annotate(line, src, src_lang, context=nctx)
        spans = g["spans"]
        for t in doc.tokens:
            f = context_features(t)
            if f is None:
                continue
            hit = [s for s in spans if s["start"] < t.end and t.start < s["end"]]
            if hit and hit[0]["kind"] != "wrong-word":
                continue  # another kind's error: neither a positive nor a clean negative
            X.append([f[k] for k in CONTEXT_FEATURES])
            y.append(int(bool(hit)))
        for s in spans if li < suggest_lines else []:
            if s["kind"] not in _SUGGEST_KINDS or not s["original"]:
                continue
            tok = next((t for t in doc.tokens if t.start == s["start"] and t.end == s["end"]), None)
            if tok is None:
                continue
            for word, f in sug.candidate_features(doc, tok):
                sx.append([f.get(k, 0.0) for k in Suggester.CM_FEATURES])
                sy.append(int(word == norm(s["original"])))
    for line, src in zip(clean, srcs):
        doc = chk.annotate(line, src, src_lang, context=cctx)
        C += [[f[k] for k in CONTEXT_FEATURES] for t in doc.tokens if (f := context_features(t)) is not None]
    return {"lang": lang, "X": X, "y": y, "C": C, "words": word_total(clean, lang), "sx": sx, "sy": sy}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", default=str(ROOT / "build" / "bench"))
    ap.add_argument("--detector", default=str(ROOT / "models" / "detector.json"))
    ap.add_argument("--context-model", default="embedded")
    ap.add_argument("--max-lines", type=int, default=250)
    ap.add_argument("--suggest-lines", type=int, default=120, help="dev lines per language for the suggester rows")
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("--keep-suggester", action="store_true", help="refit the wrong-word model only")
    args = ap.parse_args()
    dev = Path(args.bench) / "dev"
    manifest = json.loads((dev / "manifest.json").read_text())
    from checker.core import load_context_model

    cm = load_context_model(args.context_model)
    langs = [l for l in sorted(manifest["langs"]) if cm.covers(l)]
    jobs = [(str(dev), l, manifest["langs"][l]["src_lang"], args.context_model, args.max_lines, args.suggest_lines) for l in langs]
    t0 = time.time()
    with Pool(args.j) as pool:
        parts = pool.map(collect, jobs)
    print(f"collected {len(parts)} languages in {time.time() - t0:.0f}s", file=sys.stderr)
    import pickle

    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "calib_ctx_parts.pkl").write_bytes(pickle.dumps(parts))
    fit(parts, args, cm.name)


def fit(parts: list[dict], args, cm_name: str) -> None:
    X = np.array([r for p in parts for r in p["X"] + p["C"]], float)
    y = np.array([v for p in parts for v in p["y"] + [0] * len(p["C"])], float)
    # unweighted: the probabilities keep the dev prior (wrong words are rare), and each language's
    # threshold is wherever its clean-text budget puts it, below 0.5 if need be
    w = fit_logistic(X, y)
    weights = {k: round(float(v), 4) for k, v in zip(CONTEXT_FEATURES, w)}
    thresholds, report = {}, {}
    for p in parts:
        sig = lambda a: 1 / (1 + np.exp(-np.clip(np.array(a, float).reshape(-1, len(CONTEXT_FEATURES)) @ w, -40, 40)))  # noqa: E731
        clean = np.sort(sig(p["C"]))[::-1]
        allowed = int(FA_BUDGET * p["words"] / 1000)
        thr = max(MIN_THRESHOLD, float(clean[allowed]) + 1e-6 if allowed < len(clean) else MIN_THRESHOLD)
        thresholds[p["lang"]] = round(min(thr, 0.999999), 6)
        pos = sig([x for x, v in zip(p["X"], p["y"]) if v]) if sum(p["y"]) else np.array([])
        report[p["lang"]] = {"threshold": thresholds[p["lang"]], "dev_recall": round(float((pos >= thr).mean()), 3) if len(pos) else None,
                             "dev_fa_per_1k": round(float((clean >= thr).sum()) * 1000 / p["words"], 2)}
    SX = np.array([r for p in parts for r in p["sx"]], float)
    SY = np.array([v for p in parts for v in p["sy"]], float)
    sw = fit_logistic(SX, SY) if len(SY) and SY.sum() else None

    path = Path(args.detector)
    cfg = json.loads(path.read_text())
    cfg["context"] = {"weights": weights, "thresholds": thresholds, "default_threshold": 0.999999,
                      "fa_budget_per_1k": FA_BUDGET, "model": cm_name,
                      "rows": int(len(y)), "positives": int(y.sum())}
    if sw is not None and not args.keep_suggester:
        cfg["suggester_cm"] = {k: round(float(v), 4) for k, v in zip(Suggester.CM_FEATURES, sw)}
    path.write_text(json.dumps(cfg, indent=1, sort_keys=True) + "\n")
    print(json.dumps({"weights": weights, "per_lang": report, "suggester_cm": cfg.get("suggester_cm")}, indent=1))


if __name__ == "__main__":
    main()
