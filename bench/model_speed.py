"""Speed and memory of the neural context model (not a test).

1. Model throughput: pieces/s of the context model's forward pass (``ContextModel.visible`` on
   real sentences: every piece's log-probability, windows batched by length) beside bounds
   measured in the same run, interleaved, medians of --runs:
   - "matmul bound" (the old definition): the FLOP/s of a plain float32 torch matmul of the
     model's FFN shape ([640, hidden] x [hidden, 4 hidden]) / (2 x parameters);
   - "linear bound" per dtype: pieces / the time of the model's own matmuls alone (every
     nn.Linear's weight shape, the encoder's at a batch's rows, the vocabulary projection at
     ``head_rows``) as plain float32 or bfloat16 torch matmuls. The forward pass in a dtype is
     compared with the bound in the same dtype.
2. Pipeline: words/s of `checker scan` on WMT22 English system outputs in the default mode (no
   context model) and with the context model on every sentence, interleaved, medians of --runs.
3. Memory: peak RSS of `checker check` on the sample article with and without the model.

    python bench/model_speed.py [--model embedded] [--lines 3000] [--runs 3] [--forward-only]
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


def linear_bound(model, rows: int, head_rows: int, dtype, reps: int = 5) -> float:
    """Pieces/s if the forward pass were only its matmuls: every nn.Linear of the model as a
    plain matmul in ``dtype`` (encoder layers at ``rows`` pieces, the vocabulary projection of
    tied embeddings at ``head_rows``), best of ``reps``."""
    import torch

    shapes = [(m.weight.shape, rows) for n, m in model.named_modules()
              if isinstance(m, torch.nn.Linear) and not n.endswith("decoder")]
    out = model.get_output_embeddings()
    shapes.append((out.weight.shape, head_rows))
    total = 0.0
    with torch.inference_mode():
        for (o, i), r in shapes:
            a, w = torch.randn(r, i, dtype=dtype), torch.randn(o, i, dtype=dtype)
            torch.nn.functional.linear(a, w)
            best = float("inf")
            for _ in range(reps):
                t = time.perf_counter()
                torch.nn.functional.linear(a, w)
                best = min(best, (time.perf_counter() - t) * rows / r)
            total += best
    return rows / total


def model_throughput(spec: str, sentences: list[list[str]], runs: int) -> dict:
    import torch

    from checker.core import load_context_model
    from checker.lm.context import cpu_has_bf16

    cm = load_context_model(spec)
    m = cm.mlm.model
    params = sum(p.numel() for p in m.parameters())
    enc = [w for s in sentences for _, w in cm.windows(s)]
    pieces = sum(len(ids) for ids, _ in enc)
    dtypes = ["float32"] + (["bfloat16"] if cpu_has_bf16() else [])
    default = cm.autocast_dtype()
    rate: dict[str, list[float]] = {d: [] for d in dtypes}
    lin: dict[str, list[float]] = {d: [] for d in dtypes}
    old = []
    cm.visible(enc[:200])  # warm-up (oneDNN primitives)
    for _ in range(runs):
        old.append(matmul_flops(m.config.hidden_size, 16 * 40) / (2 * params))
        for d in dtypes:
            cm.dtype = d
            lin[d].append(linear_bound(m, cm.batch_pieces * 3 // 4, cm.head_rows, getattr(torch, d)))
            t = time.perf_counter()
            cm.visible(enc)
            rate[d].append(pieces / (time.perf_counter() - t))
    med = {d: statistics.median(v) for d, v in rate.items()}
    res = {"model": cm.name, "params": params, "threads": torch.get_num_threads(), "pieces": pieces,
           "windows": len(enc), "default_dtype": "bfloat16" if default is not None else "float32",
           "matmul_bound_pieces_per_s (fp32 FFN shape / 2 params)": round(statistics.median(old)),
           "matmul_gflops_fp32": round(statistics.median(old) * 2 * params / 1e9, 1)}
    for d in dtypes:
        res[d] = {"pieces_per_s": round(med[d]), "linear_bound_pieces_per_s": round(statistics.median(lin[d])),
                  "fraction_of_linear_bound": round(med[d] / statistics.median(lin[d]), 3),
                  "fraction_of_matmul_bound": round(med[d] / statistics.median(old), 3)}
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--model", default="embedded")
    ap.add_argument("--lines", type=int, default=3000, help="WMT22 English output lines for the pipeline timing")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--forward-only", action="store_true", help="only the model throughput (1.)")
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
    if args.forward_only:
        print(json.dumps({"model_forward": model_throughput(args.model, [l.split() for l in lines[:800]], args.runs)}, indent=1))
        return
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
