"""Batch-run benchmark (not a test): all of ../shared/corpora/wmt22 in one command.

1. `checker scan ../shared/corpora/wmt22 --out DIR -j N --metrics none` for each -j: wall time,
   words/s, peak RSS (checking only);
2. the same command again with sacrebleu's BLEU, chrF and TER: it resumes the finished run, so
   its wall time is the summary's scoring alone (TER dominates: seconds per system);
3. summary.json's scores checked against the `sacrebleu` command run directly on the same files
   (BLEU and chrF for every system, TER for every --ter-every'th).

    python bench/batch_wmt22.py [--jobs 1 2] [--runs 1]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from speed import timed  # noqa: E402


def sacrebleu_direct(wmt: Path, hyp: Path, tok: str, asian: bool, ter: bool) -> list[float]:
    pair, tgt = hyp.name.split(".")[1], hyp.name.rsplit(".", 1)[1]
    refs = sorted((wmt / "references").glob(f"generaltest2022.{pair}.ref.*.{tgt}"))
    r = subprocess.run([sys.executable, "-m", "sacrebleu", *map(str, refs), "-i", str(hyp), "-m", "bleu", "chrf"]
                       + (["ter"] if ter else []) + ["-b", "-w", "2", "-tok", tok]
                       + (["--ter-asian-support"] if asian else []), capture_output=True, text=True)
    return [float(x) for x in json.loads(r.stdout)] if r.returncode == 0 else []


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--ter-every", type=int, default=10)
    args = ap.parse_args()
    wmt = Path(args.shared) / "corpora" / "wmt22"
    res: dict = {"runs": {}}
    out = ROOT / "build" / "wmt22-batch"
    for j in args.jobs:
        t = [timed([sys.executable, "-m", "checker", "scan", str(wmt), "--out", str(out / f"j{j}"), "-j", str(j),
                    "--restart", "--progress", "never", "--metrics", "none"]) for _ in range(args.runs)]
        summary = json.loads((out / f"j{j}" / "summary.json").read_text())
        words = summary["total"]["words"]
        wall = statistics.median(w for w, _ in t)
        res["runs"][f"-j {j}"] = {"wall_s": round(wall, 1), "segments": summary["total"]["segments"], "words": words,
                                  "words_per_s": round(words / wall), "peak_rss_mib": round(max(r for _, r in t))}
    j = args.jobs[-1]
    wall, rss = timed([sys.executable, "-m", "checker", "scan", str(wmt), "--out", str(out / f"j{j}"), "-j", str(j),
                       "--progress", "never"])
    summary = json.loads((out / f"j{j}" / "summary.json").read_text())
    res["scoring"] = {"jobs": j, "wall_s": round(wall, 1), "summary_s": summary["timing"]["summary_s"],
                      "peak_rss_mib": round(rss), "systems_scored": sum("mt_scores" in g for g in summary["systems"].values())}
    same = (out / f"j{args.jobs[0]}" / "segments.jsonl").read_bytes() == (out / f"j{args.jobs[-1]}" / "segments.jsonl").read_bytes()
    res["identical_segments_across_jobs"] = same
    summary = json.loads((out / f"j{args.jobs[-1]}" / "summary.json").read_text())
    jobs = []
    for k, (sysname, g) in enumerate(summary["systems"].items()):
        m = g.get("mt_scores")
        if not m:
            continue
        pair, system = sysname.split(":", 1)
        tgt = pair.split("-")[1]
        hyp = wmt / "system-outputs" / f"generaltest2022.{pair}.hyp.{system}.{tgt}"
        tok = m["BLEU"]["signature"].split("tok:")[1].split("|")[0]
        ter = k % args.ter_every == 0
        ours = [m["BLEU"]["as_is"], m["chrF"]["as_is"]] + ([m["TER"]["as_is"]] if ter else [])
        jobs.append((sysname, ours, (wmt, hyp, tok, "asian:yes" in m["TER"]["signature"], ter)))
    with ThreadPoolExecutor(2) as pool:
        direct = list(pool.map(lambda j: sacrebleu_direct(*j[2]), jobs))
    checked, agree, diffs = len(jobs), 0, []
    for (sysname, ours, _), d in zip(jobs, direct):
        agree += d == ours
        if d != ours:
            diffs.append({"system": sysname, "summary": ours, "sacrebleu": d})
    res["sacrebleu_check"] = {"systems_compared": checked, "identical": agree, "with_ter": sum(j[2][4] for j in jobs),
                              "differences": diffs[:10]}
    res["ranking_example"] = {k: v[:3] for k, v in list(summary["ranking_by_anomalies_per_1k"].items())[:4]}
    res["skipped_files"] = len(summary.get("skipped_files", []))
    res["problems"] = len(summary["problems"])
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
