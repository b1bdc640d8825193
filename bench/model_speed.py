"""Speed and memory of the neural context model (not a test).

1. Model throughput: pieces/s of the context model's forward pass on real sentences (batches of
   16, CPU, float32) beside the bound measured in the same run: 2 x parameters x pieces / the
   FLOP/s of a plain torch matmul of the model's own shape ([pieces, hidden] x [hidden, 4 hidden]).
2. Pipeline: words/s of `checker scan` on WMT22 English system outputs in the default mode (no
   context model) and with the context model on every sentence, interleaved, medians of --runs.
3. Memory: peak RSS of `checker check` on the sample article with and without the model.

    python bench/model_speed.py [--model embedded] [--lines 3000] [--runs 3]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from speed import timed  # noqa: E402


def matmul_flops(hidden: int, rows: int, reps: int = 30) -> float:
    import torch

    a, b = torch.randn(rows, hidden), torch.randn(hidden, 4 * hidden)
    for _ in range(3):
        a @ b
    t = time.perf_counter()
    for _ in range(reps):
        a @ b
    return 2 * rows * hidden * 4 * hidden * reps / (time.perf_counter() - t)


def model_throughput(spec: str, sentences: list[list[str]], runs: int) -> dict:
    import torch

    from checker.core import load_context_model

    cm = load_context_model(spec)
    m = cm.mlm.model
    params = sum(p.numel() for p in m.parameters())
    enc = [w for s in sentences for _, w in cm.windows(s)]
    pieces = sum(len(ids) for ids, _ in enc)
    rates, bounds = [], []
    for _ in range(runs):
        flops = matmul_flops(m.config.hidden_size, 16 * 40)
        t = time.perf_counter()
        cm.visible(enc)
        rates.append(pieces / (time.perf_counter() - t))
        bounds.append(flops / (2 * params))
    return {"model": cm.name, "params": params, "threads": torch.get_num_threads(), "pieces": pieces,
            "pieces_per_s": round(statistics.median(rates)), "bound_pieces_per_s": round(statistics.median(bounds)),
            "fraction_of_bound": round(statistics.median(rates) / statistics.median(bounds), 3),
            "matmul_gflops": round(statistics.median(bounds) * 2 * params / 1e9, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--model", default="embedded")
    ap.add_argument("--lines", type=int, default=3000, help="WMT22 English output lines for the pipeline timing")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    outs = sorted((Path(args.shared) / "corpora" / "wmt22" / "system-outputs").glob("*.en"))
    lines = [l for p in outs for l in p.read_text(encoding="utf-8").splitlines() if l.strip()][:args.lines]
    corpus = ROOT / "build" / "wmt22-en-model.txt"
    corpus.parent.mkdir(exist_ok=True)
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    words = sum(len(l.split()) for l in lines)

    # the processes are timed first: a child forked from a parent that has loaded torch would
    # report the parent's pages in its peak RSS
    res = {}
    py = sys.executable
    scan = [py, "-m", "checker", "scan", str(corpus), "--lang", "en"]
    modes = {"default (n-gram only)": scan, "context model on every sentence": scan + ["--context-model", args.model]}
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in modes}
    for _ in range(args.runs):
        for k, cmd in modes.items():
            times[k].append(timed(cmd))
    res["pipeline"] = {k: {"words": words, "wall_s": round(statistics.median(w for w, _ in v), 2),
                           "words_per_s": round(words / statistics.median(w for w, _ in v)),
                           "peak_rss_mib": round(max(r for _, r in v))} for k, v in times.items()}
    sample = ROOT / "corpora" / "samples" / "harbour.en.txt"
    check = [py, "-m", "checker", "check", str(sample), "--lang", "en", "--color", "never"]
    mem = {"default": [timed(check) for _ in range(args.runs)],
           "with context model": [timed(check + ["--context-model", args.model]) for _ in range(args.runs)]}
    res["checker_check_sample"] = {k: {"wall_s": round(statistics.median(w for w, _ in v), 2),
                                       "peak_rss_mib": round(max(r for _, r in v))} for k, v in mem.items()}
    res["model_forward"] = model_throughput(args.model, [l.split() for l in lines[:800]], args.runs)
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
