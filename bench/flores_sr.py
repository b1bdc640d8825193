#!/usr/bin/env python3
"""False alarms on clean Serbian (FLORES-200 ``srp_Cyrl``, and its Latin transliteration), the
threshold for ``sh`` that dev allows, and how many random one-edit typos are still caught.

    python bench/flores_sr.py                     # the checker as it is
    python bench/flores_sr.py --no-reflex         # without the lexicon's ekavian -> ijekavian fallback
    python bench/flores_sr.py --compare           # both, side by side
    python bench/flores_sr.py --threshold 0.85    # flags at another threshold
    python bench/flores_sr.py --compare --threshold 0.7954 --curve --others hrv_Latn,bos_Latn

Data: ``../shared/corpora/flores200/srp_Cyrl.txt`` holds FLORES-200 *devtest* lines 1-500 only
(there is no ``srp_Latn``; the Latin text is ``wordfreq.transliterate('sr-Latn', ...)``). It is
split as every benchmark here splits FLORES (bench/make_synthetic.py, bench/calibrate.py):
``dev`` = lines 0-249, ``devtest`` = lines 250-499. Each split is checked as one document (a line
with the split's word counts as context, as ``checker scan`` does with a file); ``all`` is the
whole file as one document, what ``checker scan srp_Cyrl.txt --lang sh`` reports.

Threshold rule: bench/calibrate.py's (FA_BUDGET 1.0, CORPUS_FA_BUDGET 2.0) on Serbian dev text
only: the lowest threshold at which FLORES dev (Cyrillic) + NTREX-128 ``srp-Cyrl`` + NTREX-128
``srp-Latn`` (newstest2019 translated, 50-line blocks as documents; calibrate.py also fits on
NTREX, nothing reports on it) pooled raise at most 1.0 false alarms per 1,000 words and each at
most 2.0 (``--fit``, ``--budget``, ``--corpus-budget``). Both scripts: the one ``sh`` threshold
serves both. Not false alarms: the FLORES translators' own slips (``SLIPS``) and words mixing
Cyrillic and Latin letters.

Typo recall: ``--typos`` (400) random one-edit slips (delete, insert, substitute with a Serbian
letter, swap two neighbours) of lower-case, mid-sentence dev words of at least 4 letters with
Zipf >= 3 in wordfreq's ``sh`` list, each a non-word there (Zipf 0 as written, without any
fallback); one slip per line, the line checked with the dev split (with that line changed) as
context. Caught = a flag overlapping the slip at the threshold. Seeded (``--seed``).
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FLORES = ROOT.parent / "shared" / "corpora" / "flores200" / "srp_Cyrl.txt"
NTREX = ROOT.parent / "shared" / "corpora" / "parallel" / "ntrex128" / "NTREX-128" / "newstest2019-ref.srp-{}.txt"
SPLITS = {"dev": (0, 250), "devtest": (250, 500), "all": (0, 500)}
#: real slips of the FLORES translators (0-based line, token): a flag on one is no false alarm
#: (the Croatian and Bosnian lines say what was meant: 'су се', 'Планирано је', 'државе'); nor is
#: a flag on any word mixing Cyrillic and Latin letters (NTREX's Cyrillic has hundreds: 'дa', 'сe')
SLIPS = {(16, "Oлимпијски"), (99, "се"), (157, "је"), (235, "Xанделвал"), (321, "недостајће"), (438, "тржаве")}
#: thresholds at which --curve reports false alarms and typo recall
CURVE = (0.7954, 0.80, 0.82, 0.84, 0.86, 0.88, 0.90, 0.92, 0.95)
BLOCK = 50  # NTREX documents: 50-line blocks, as bench/calibrate.py reads it
CYR_LOWER = "абвгдђежзијклљмнњопрстћуфхцчџш"


def _setup(no_reflex: bool):
    if no_reflex:
        import checker.lexicon as L
        getattr(L, "ALTERNATE_FORMS", {}).clear()  # before any Lexicon is built


def flagged(chk, lines: list[str]):
    """(anomalies with their 0-based line, words) for ``lines`` checked as one document."""
    from checker.pipe import check_document

    text = "\n".join(lines) + "\n"
    rep = check_document(chk, text)
    starts, pos = [], 0
    for ln in lines:
        starts.append(pos)
        pos += len(ln) + 1
    import bisect
    return [(bisect.bisect_right(starts, a.start) - 1, a) for a in rep.anomalies], rep.words


def flagged_blocks(chk, lines: list[str]):
    """flagged() over ``BLOCK``-line documents."""
    out, words = [], 0
    for b in range(0, len(lines), BLOCK):
        an, w = flagged(chk, lines[b:b + BLOCK])
        out += [(b + i, a) for i, a in an]
        words += w
    return out, words


def is_slip(line: int, a, sc: str) -> bool:
    from wordfreq.transliterate import transliterate

    import regex

    t = a.text.strip()
    if a.kind == "script" and regex.search(r"\p{Cyrillic}", t) and regex.search(r"\p{Latin}", t):
        return True  # a word mixing the scripts (homoglyphs) is an error whatever the corpus
    return any(line == i and (t == w or (sc == "Latn" and t == transliterate("sr-Latn", w))) for i, w in SLIPS)


def fit_threshold(corpora: list[tuple[list[float], int]], budget: float, corpus_budget: float) -> float:
    """bench/calibrate.py's rule: the lowest threshold t (at least 0.5, just above a score) at which
    all the corpora pooled raise at most ``budget`` false alarms per 1,000 words and each one alone
    at most ``corpus_budget``. ``corpora``: (false-alarm scores, words) per corpus."""
    def lowest(scores: list[float], words: int, b: float) -> float:
        allowed = int(b * words / 1000)
        s = sorted(scores, reverse=True)
        return 0.5 if len(s) <= allowed else s[allowed] + 1e-4
    pooled = lowest([x for sc, _ in corpora for x in sc], sum(w for _, w in corpora), budget)
    return round(min(0.99, max([pooled] + [lowest(sc, w, corpus_budget) for sc, w in corpora])), 4)


def make_typos(lines: list[str], n: int, seed: int):
    """[(line index, start, end, noisy line, typo, original)] one-edit non-word slips."""
    import regex
    import wordfreq

    from checker.normalise import normaliser

    raw = wordfreq.get_frequency_dict("sh")
    key = normaliser("sh")
    zipf = lambda w: wordfreq.zipf_frequency(key(w), "sh")  # noqa: E731  (the list itself, no fallback)
    rng = random.Random(seed)
    slots = []
    for i, ln in enumerate(lines):
        for m in regex.finditer(r"\p{Cyrillic}+", ln):
            w = m.group()
            if m.start() == 0 or len(w) < 4 or w != w.lower() or zipf(w) < 3.0:
                continue
            slots.append((i, m.start(), m.end(), w))
    out, used = [], set()
    tries = 0
    while len(out) < n and tries < 50 * n:
        tries += 1
        i, a, b, w = rng.choice(slots)
        if i in used and len(used) < len(lines):
            continue
        op = rng.choice(("delete", "insert", "substitute", "swap"))
        p = rng.randrange(len(w))
        c = rng.choice(CYR_LOWER)
        if op == "delete":
            t = w[:p] + w[p + 1:]
        elif op == "insert":
            t = w[:p] + c + w[p:]
        elif op == "substitute":
            t = w[:p] + c + w[p + 1:]
        else:
            if p == len(w) - 1:
                continue
            t = w[:p] + w[p + 1] + w[p] + w[p + 2:]
        if t == w or key(t) in raw:
            continue
        used.add(i)
        ln = lines[i]
        out.append((i, a, a + len(t), ln[:a] + t + ln[b:], t, w))
    return out


def typo_recall(chk, lines, typos, thresholds, latin: bool):
    from wordfreq.transliterate import transliterate

    from checker.document import word_counts

    base = Counter(word_counts(lines))
    caught = {t: 0 for t in thresholds}
    missed, bests = [], []
    for i, a, b, noisy, t, w in typos:
        clean = lines[i]
        if latin:  # offsets move: find the slip again in the transliterated line
            pre = transliterate("sr-Latn", noisy[:a])
            tt = transliterate("sr-Latn", t)
            noisy = pre + tt + transliterate("sr-Latn", noisy[b:])
            clean = transliterate("sr-Latn", clean)
            a, b = len(pre), len(pre) + len(tt)
        ctx = base.copy()
        ctx.subtract(word_counts([clean]))
        ctx.update(word_counts([noisy]))
        rep = chk.check(noisy, context={k: v for k, v in ctx.items() if v > 0})
        best = max((x.score for x in rep.anomalies if x.start < b and x.end > a), default=-1.0)
        bests.append(best)
        for thr in thresholds:
            caught[thr] += best >= thr
        if best < max(thresholds):
            missed.append((t, w, round(best, 3)))
    return {thr: c / len(typos) for thr, c in caught.items()}, missed, bests


def run(args) -> dict:
    _setup(args.no_reflex)
    from wordfreq.transliterate import transliterate

    from checker import Checker
    import checker.lexicon as L

    cyr = FLORES.read_text(encoding="utf-8").splitlines()
    scripts = {"Cyrl": cyr, "Latn": [transliterate("sr-Latn", x) for x in cyr]}
    chk0 = Checker(lang="sh", threshold=0.0)  # every candidate with its score
    default_thr = chk0.detector.threshold("sh")
    res: dict = {"reflex_fallback": bool(getattr(L, "ALTERNATE_FORMS", {}).get("sh")),
                 "detector_threshold_sh": default_thr, "splits": {}}
    cands: dict = {}
    for sc, lines in scripts.items():
        for sp, (lo, hi) in SPLITS.items():
            an, words = flagged(chk0, lines[lo:hi])
            cands[sc, sp] = ([(lo + i, a) for i, a in an], words)
    for code in args.others.split(",") if args.others else ():  # other sh varieties (Latin FLORES)
        lines = (FLORES.parent / f"{code}.txt").read_text(encoding="utf-8").splitlines()
        for sp in ("dev", "devtest"):
            lo, hi = SPLITS[sp]
            an, words = flagged(chk0, lines[lo:hi])
            cands[code, sp] = ([(lo + i, a) for i, a in an], words)
    if not args.no_ntrex:
        for sc in ("Cyrl", "Latn"):
            p = Path(str(NTREX).format(sc))
            if p.exists():
                cands[sc, "ntrex"] = flagged_blocks(chk0, p.read_text(encoding="utf-8").splitlines())
    # false alarms: every flag but the translators' own slips
    fas = {k: ([(i, a) for i, a in an if not is_slip(i, a, k[0])], w) for k, (an, w) in cands.items()}
    fit_on = [tuple(k.split("/")) for k in args.fit.split(",") if tuple(k.split("/")) in fas]
    res["fitted_on"] = ["/".join(k) for k in fit_on]
    fitted = fit_threshold([([a.score for _, a in fas[k][0]], fas[k][1]) for k in fit_on],
                           args.budget, args.corpus_budget)
    res["fitted_threshold_dev"] = fitted
    thrs = {"detector": default_thr, "fitted": fitted}
    if args.threshold is not None:
        thrs["given"] = args.threshold
    for (sc, sp), (anoms, words) in fas.items():
        row = {"words": words}
        for name, thr in thrs.items():
            n = sum(a.score >= thr for _, a in anoms)
            row[name] = {"flags": n, "per_1k": round(n * 1000 / words, 2)}
        row["slips_caught"] = {name: sum(a.score >= thr for _, a in cands[sc, sp][0]) - row[name]["flags"]
                               for name, thr in thrs.items()}
        res["splits"][f"{sc}/{sp}"] = row
        res.setdefault("curve_fa_per_1k", {})[f"{sc}/{sp}"] = [
            round(sum(a.score >= t for _, a in anoms) * 1000 / words, 2) for t in CURVE]
    show = thrs.get("given", default_thr)
    tops = {}
    for sc, sp in [(sc, sp) for sc in scripts for sp in ("dev", "devtest", "ntrex")]:
        if (sc, sp) not in fas:
            continue
        c = Counter()
        for ln, a in fas[sc, sp][0]:
            if a.score >= show:
                c[(a.text.strip(), a.kind, a.reason.split(";")[0] + (";" + a.reason.split(";")[1] if ";" in a.reason else ""))] += 1
        tops[f"{sc}/{sp}"] = [list(k) + [v] for k, v in c.most_common(args.top)]
    res["top_flagged"] = tops
    if args.typos:
        typos = make_typos(cyr[0:250], args.typos, args.seed)
        res["typos"] = len(typos)
        res["typo_recall"] = {}
        for sc in scripts:
            chk = Checker(lang="sh", threshold=0.0)
            rec, missed, bests = typo_recall(chk, cyr[0:250], typos, sorted(set(thrs.values())), sc == "Latn")
            res["typo_recall"][sc] = {f"{k:.4f}": round(v, 3) for k, v in rec.items()}
            res.setdefault("curve_typo_recall", {})[sc] = [round(sum(b >= t for b in bests) / len(bests), 3)
                                                           for t in CURVE]
            if sc == "Cyrl":
                res["typo_missed_sample"] = missed[:25]
        # slips the lexicon itself now accepts (the fallback's cost, independent of any threshold)
        lex = L.get_lexicon("sh")
        res["typos_known_to_lexicon"] = sum(lex.zipf(t) > 0 for *_, t, _w in typos)
    return res


def print_report(results: dict[str, dict], curve: bool = False) -> None:
    names = list(results)
    first = results[names[0]]
    print("FLORES-200 srp (devtest lines 1-500; dev = 0-249, devtest = 250-499), checked as lang sh")
    for n in names:
        r = results[n]
        print(f"[{n}] reflex fallback {'on' if r['reflex_fallback'] else 'off'}; detector threshold "
              f"{r['detector_threshold_sh']}; fitted on {'+'.join(r['fitted_on'])} (calibrate.py's rule): "
              f"{r['fitted_threshold_dev']}")
    print("false alarms per 1,000 words (count); the translators' own slips are not counted")
    thr_names = [k for k in first["splits"]["Cyrl/dev"] if k not in ("words", "slips_caught")]
    hdr = "| split | words | " + " | ".join(f"{n} @{t}" for n in names for t in thr_names) + " |"
    print(hdr)
    print("|" + "---|" * (hdr.count("|") - 1))
    for key in first["splits"]:
        cells = [key, str(first["splits"][key]["words"])]
        for n in names:
            row = results[n]["splits"][key]
            cells += [f"{row[t]['per_1k']:.2f} ({row[t]['flags']})" for t in thr_names]
        print("| " + " | ".join(cells) + " |")
    for n in names:
        r = results[n]
        if "typo_recall" in r:
            print(f"[{n}] typo recall ({r['typos']} one-edit slips of dev words), by threshold: "
                  + "; ".join(f"{sc}: " + ", ".join(f"{k}: {v:.3f}" for k, v in d.items())
                              for sc, d in r["typo_recall"].items())
                  + f"; slips the sh lexicon knows: {r['typos_known_to_lexicon']}")
    if curve:
        for n in names:
            r = results[n]
            print(f"\n[{n}] by threshold: false alarms per 1,000 words; typo recall")
            print("| corpus | " + " | ".join(f"{t}" for t in CURVE) + " |")
            print("|" + "---|" * (len(CURVE) + 1))
            for k, v in r["curve_fa_per_1k"].items():
                print(f"| {k} | " + " | ".join(f"{x:.2f}" for x in v) + " |")
            for k, v in r.get("curve_typo_recall", {}).items():
                print(f"| typo recall {k} | " + " | ".join(f"{x:.3f}" for x in v) + " |")
    for n in names:
        for sp, rows in results[n]["top_flagged"].items():
            print(f"\n[{n}] false alarms on {sp} (at {'--threshold' if 'given' in thr_names else 'the detector threshold'}): word | kind | reason | count")
            for row in rows:
                print("  " + " | ".join(str(x) for x in row))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-reflex", action="store_true", help="switch off the ekavian -> ijekavian lookup")
    ap.add_argument("--compare", action="store_true", help="run with and without the fallback")
    ap.add_argument("--threshold", type=float, default=None, help="also report flags at this threshold")
    ap.add_argument("--budget", type=float, default=1.0,
                    help="false alarms per 1,000 words the fitted threshold allows on the fit corpora pooled")
    ap.add_argument("--corpus-budget", type=float, default=2.0, help="... and on each fit corpus alone")
    ap.add_argument("--fit", default="Cyrl/dev,Cyrl/ntrex,Latn/ntrex",
                    help="corpora the threshold is fitted on (never FLORES devtest)")
    ap.add_argument("--typos", type=int, default=400)
    ap.add_argument("--no-ntrex", action="store_true", help="fit on FLORES dev alone")
    ap.add_argument("--others", default="", help="also FLORES files of other sh varieties, e.g. hrv_Latn,bos_Latn")
    ap.add_argument("--curve", action="store_true", help="print false alarms and typo recall by threshold")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--raw", action="store_true", help=argparse.SUPPRESS)  # one run's JSON on stdout
    args = ap.parse_args()
    if args.compare:
        results = {}
        for name, flag in (("before", ["--no-reflex"]), ("after", [])):
            cmd = [sys.executable, __file__, "--raw", "--typos", str(args.typos), "--seed", str(args.seed),
                   "--budget", str(args.budget), "--corpus-budget", str(args.corpus_budget), "--fit", args.fit,
                   "--top", str(args.top), "--others", args.others] + flag + (
                   ["--no-ntrex"] if args.no_ntrex else [])
            if args.threshold is not None:
                cmd += ["--threshold", str(args.threshold)]
            results[name] = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    else:
        r = run(args)
        if args.raw:
            print(json.dumps(r, ensure_ascii=False))
            return
        results = {"run": r}
    print_report(results, args.curve)
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
