"""Accuracy benchmark, checker beside Hunspell, on held-out data:

- the synthetic TEST split (FLORES lines 250-499, one injected error per line): recall per kind,
  fix@1/fix@3 per kind;
- clean human text: the FLORES test lines themselves and the test blocks of one WMT22 reference
  per language, checked with its source: false alarms per 1,000 words;
- MQM-TED: recall on `Accuracy/Untranslated text` and `Fluency/Spelling`, false alarms on
  segments the rater marked No-error.

    python bench/run_benchmark.py [--langs en,de] [--shared ../shared]   # -> build/results/

Every number comes from `checker scan` and `bench/hunspell_scan.py` output scored by
`checker.evaluate`, in this one run.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker import evaluate as ev  # noqa: E402

KINDS = ("non-word", "misspelling", "foreign", "script", "repetition", "untranslated", "wrong-word")
# one human reference per target language (pair, reference id)
WMT_REFS = {"en": "de-en.ref.A.en", "de": "en-de.ref.A.de", "cs": "en-cs.ref.B.cs", "ru": "en-ru.ref.A.ru",
            "uk": "en-uk.ref.A.uk", "zh": "en-zh.ref.A.zh", "ja": "en-ja.ref.A.ja", "fr": "de-fr.ref.A.fr"}
PY = sys.executable


def ours(path: Path, lang: str, out: Path, src: Path | None = None, src_lang: str | None = None) -> None:
    if REUSE_OURS and out.exists() and out.stat().st_mtime > path.stat().st_mtime:
        return
    cmd = [PY, "-m", "checker", "scan", str(path), "--lang", lang, "--format", "jsonl", "--context-model", CONTEXT_MODEL]
    if src is not None:
        cmd += ["--source", str(src), "--source-lang", src_lang]
    with open(out, "w") as f:
        subprocess.run(cmd, stdout=f, check=True, cwd=ROOT)


REUSE_PEER = False
REUSE_OURS = False
NO_WMT = False
CONTEXT_MODEL = "none"


def hunspell(path: Path, lang: str, out: Path) -> bool:
    if REUSE_PEER and out.exists() and out.stat().st_mtime > path.stat().st_mtime:
        return True
    p = subprocess.run([PY, str(ROOT / "bench" / "hunspell_scan.py"), str(path), "--lang", lang, "-o", str(out)],
                       capture_output=True, text=True)
    return p.returncode == 0


def score_file(gold: Path | None, pred: Path, lines: Path, clean: Path | None = None) -> dict:
    g = ev.load_gold_jsonl(gold) if gold else {}
    return ev.score(g, ev.load_scan_jsonl(pred), ev.read_lines(lines),
                    clean=ev.read_lines(clean) if clean else None).to_dict()


#: real errors found in the "clean" reference texts (typos, homoglyph words the translators left),
#: checked by hand; a flag on one is not a false alarm. Columns: corpus (flores|wmt), lang, line
#: (0-based in the FLORES file or the WMT22 reference file), token, correction, note.
CLEAN_ERRORS = ROOT / "bench" / "clean_text_errors.tsv"


def clean_errors(corpus: str, lang: str) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    if CLEAN_ERRORS.exists():
        for row in CLEAN_ERRORS.read_text(encoding="utf-8").splitlines()[1:]:
            c, l, line, token = row.split("\t")[:4]
            if c == corpus and l == lang:
                out.setdefault(int(line), set()).add(token)
    return out


def wmt_test_blocks(shared: Path, ref: str, out: Path, lang: str) -> tuple[Path, Path, str, list[int]]:
    """The test blocks (``checker.evaluate.real_split``) of a WMT22 reference and of its source,
    written to ``out``; returns both paths, the source language and the kept line numbers."""
    pair = ref.split(".ref.")[0]
    src_lang = pair.split("-")[0]
    ref_lines = ev.read_lines(shared / "corpora" / "wmt22" / "references" / f"generaltest2022.{ref}")
    src_lines = ev.read_lines(shared / "corpora" / "wmt22" / "sources" / f"generaltest2022.{pair}.src.{src_lang}")
    keep = [i for i in range(len(ref_lines)) if ev.real_split(i) == "test"]
    rp, sp = out / f"{lang}.wmtref.txt", out / f"{lang}.wmtref.src.txt"
    for path, lines in ((rp, ref_lines), (sp, src_lines)):
        text = "\n".join(lines[i] for i in keep) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return rp, sp, src_lang, keep


def score_clean(pred: Path, lines: Path, errors: dict[int, set[str]]) -> dict:
    """False alarms on clean text, raw and without flags on listed real errors."""
    r = score_file(None, pred, lines)
    p = ev.load_scan_jsonl(pred)
    listed = sum(1 for i, anoms in p.items() for a in anoms if a["text"].strip() in errors.get(i, ()))
    r["listed_real_errors_flagged"] = listed
    r["fa_per_1k_words_excluding_listed"] = (r["false_alarms"] - listed) * 1000 / r["words"] if r["words"] else None
    return r


def run_lang(lang: str, test: Path, src_lang: str, out: Path, shared: Path) -> dict:
    res: dict = {"lang": lang}
    for who in ("ours", "hunspell"):
        noisy_pred, clean_pred = out / f"{lang}.noisy.{who}.jsonl", out / f"{lang}.clean.{who}.jsonl"
        if who == "ours":
            ours(test / f"{lang}.noisy.txt", lang, noisy_pred, test / f"{lang}.src.txt", src_lang)
            ours(test / f"{lang}.clean.txt", lang, clean_pred, test / f"{lang}.src.txt", src_lang)
        elif not (hunspell(test / f"{lang}.noisy.txt", lang, noisy_pred) and hunspell(test / f"{lang}.clean.txt", lang, clean_pred)):
            res[who] = None
            continue
        r = {"synthetic": score_file(test / f"{lang}.gold.jsonl", noisy_pred, test / f"{lang}.noisy.txt", test / f"{lang}.clean.txt"),
             "flores_clean": score_clean(clean_pred, test / f"{lang}.clean.txt",
                                         {i - 250: t for i, t in clean_errors("flores", lang).items() if i >= 250})}
        ref = None if NO_WMT else WMT_REFS.get(lang)
        if ref:
            # only the reference's test blocks (calibration chose thresholds on the dev blocks),
            # checked as a translation of its source
            rp, sp, src_l, keep = wmt_test_blocks(shared, ref, out, lang)
            pred = out / f"{lang}.wmtref.{who}.jsonl"
            if who == "ours":
                ours(rp, lang, pred, sp, src_l)
            else:
                hunspell(rp, lang, pred)
            listed = clean_errors("wmt", lang)
            errors = {j: listed[i] for j, i in enumerate(keep) if i in listed}
            r["wmt_ref"] = score_clean(pred, rp, errors)
        res[who] = r
    return res


def run_mqm(shared: Path, out: Path) -> dict:
    res = {}
    for tsv in sorted((shared / "corpora" / "mqm-ted").glob("*.tsv")):
        segs = ev.load_mqm_tsv(tsv)
        lang = "de" if "ende" in tsv.name or "en-de" in tsv.name else "en"
        src_lang = "en" if lang == "de" else "zh"
        lines, gold = out / f"mqm.{tsv.stem}.txt", out / f"mqm.{tsv.stem}.gold.jsonl"
        ev.write_mqm_lines(segs, lines, gold)
        src = out / f"mqm.{tsv.stem}.src.txt"
        src.write_text("\n".join(s.source.replace("\n", " ") for s in segs) + "\n", encoding="utf-8")
        r = {}
        for who in ("ours", "hunspell"):
            pred = out / f"mqm.{tsv.stem}.{who}.jsonl"
            if who == "ours":
                ours(lines, lang, pred, src, src_lang)
            elif not hunspell(lines, lang, pred):
                r[who] = None
                continue
            r[who] = ev.score_mqm(segs, ev.load_scan_jsonl(pred))
        res[tsv.stem] = {"lang": lang, **r}
    return res


def _fa(m: dict) -> str:
    """FA/1k, and in brackets without the listed real errors of the clean text when we flag some."""
    raw = _f(m["fa_per_1k_words"])
    if m.get("listed_real_errors_flagged"):
        return f"{raw} ({_f(m['fa_per_1k_words_excluding_listed'])})"
    return raw


def _f(x, nd=2):
    return "n/a" if x is None else (f"{x:.{nd}f}" if isinstance(x, float) else str(x))


def tables(results: list[dict], mqm: dict) -> str:
    out = ["## Synthetic test split: recall per kind (ours / Hunspell)", "",
           "| lang | " + " | ".join(KINDS) + " | FA/1k FLORES clean (without listed real errors) | FA/1k WMT22 ref |",
           "|---" * (len(KINDS) + 3) + "|"]
    for r in results:
        o, h = r["ours"], r.get("hunspell")
        cells = []
        for k in KINDS:
            ok = o["synthetic"]["recall_by_kind"].get(k)
            hk = h["synthetic"]["recall_by_kind"].get(k) if h else None
            cells.append("–" if ok is None else f"{_f(ok['recall'])} / {_f(hk['recall']) if hk else 'n/a'}")
        fa = f"{_fa(o['flores_clean'])} / {_f(h['flores_clean']['fa_per_1k_words']) if h else 'n/a'}"
        wr = "–"
        if "wmt_ref" in o:
            wr = f"{_fa(o['wmt_ref'])} / {_f(h['wmt_ref']['fa_per_1k_words']) if h and 'wmt_ref' in h else 'n/a'}"
        out.append(f"| {r['lang']} | " + " | ".join(cells) + f" | {fa} | {wr} |")
    out += ["", "## Synthetic test split: fix@1 / fix@3 per kind (ours; Hunspell fix@1 in brackets)", "",
            "| lang | " + " | ".join(KINDS) + " |", "|---" * (len(KINDS) + 1) + "|"]
    for r in results:
        o, h = r["ours"], r.get("hunspell")
        cells = []
        for k in KINDS:
            fk = o["synthetic"]["fix_by_kind"].get(k)
            hk = h["synthetic"]["fix_by_kind"].get(k) if h else None
            cells.append("–" if fk is None else f"{_f(fk['fix_at_1'])}/{_f(fk['fix_at_3'])} ({_f(hk['fix_at_1']) if hk else 'n/a'})")
        out.append(f"| {r['lang']} | " + " | ".join(cells) + " |")
    out += ["", "## Precision and F1 on the synthetic test split (ours / Hunspell)", "",
            "| lang | precision | recall | F1 |", "|---|---|---|---|"]
    for r in results:
        o, h = r["ours"]["synthetic"], (r["hunspell"] or {}).get("synthetic") if r.get("hunspell") else None
        out.append(f"| {r['lang']} | {_f(o['precision'])} / {_f(h['precision']) if h else 'n/a'} | "
                   f"{_f(o['recall'])} / {_f(h['recall']) if h else 'n/a'} | {_f(o['f1'])} / {_f(h['f1']) if h else 'n/a'} |")
    # gold spans carrying "variant" / "cap" (newer make_synthetic.py): one table each, else nothing
    variants = sorted({v for r in results for v in r["ours"]["synthetic"].get("recall_by_variant", {})})
    if variants:
        langs = [r["lang"] for r in results]
        out += ["", "## Synthetic test split: recall by variant (ours / Hunspell, spans)", "",
                "| kind/variant | " + " | ".join(langs) + " |", "|---" * (len(langs) + 1) + "|"]
        for v in variants:
            cells = []
            for r in results:
                ov = r["ours"]["synthetic"].get("recall_by_variant", {}).get(v)
                h = r.get("hunspell")
                hv = h["synthetic"].get("recall_by_variant", {}).get(v) if h else None
                cells.append("–" if ov is None else f"{_f(ov['recall'])} / {_f(hv['recall']) if hv else 'n/a'} ({ov['n']})")
            out.append(f"| {v} | " + " | ".join(cells) + " |")
    if any(r["ours"]["synthetic"].get("recall_cap_by_kind") for r in results):
        out += ["", "## Synthetic test split: recall on capitalised-position spans per kind (ours / Hunspell, spans)", "",
                "| lang | " + " | ".join(KINDS) + " |", "|---" * (len(KINDS) + 1) + "|"]
        for r in results:
            o, h = r["ours"]["synthetic"].get("recall_cap_by_kind", {}), r.get("hunspell")
            hc = h["synthetic"].get("recall_cap_by_kind", {}) if h else None
            cells = []
            for k in KINDS:
                ok = o.get(k)
                hk = hc.get(k) if hc else None
                cells.append("–" if ok is None else f"{_f(ok['recall'])} / {_f(hk['recall']) if hk else 'n/a'} ({ok['n']})")
            out.append(f"| {r['lang']} | " + " | ".join(cells) + " |")
    out += ["", "## MQM-TED", "", "```", json.dumps(mqm, indent=1), "```"]
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", default=str(ROOT / "build" / "bench"))
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--out", default=str(ROOT / "build" / "results"))
    ap.add_argument("--langs", default=None)
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("--no-mqm", action="store_true")
    ap.add_argument("--reuse-peer", action="store_true", help="keep Hunspell outputs newer than their inputs")
    ap.add_argument("--no-wmt", action="store_true", help="skip the WMT22 reference false-alarm check")
    ap.add_argument("--reuse-ours", action="store_true", help="keep our outputs from an interrupted run")
    ap.add_argument("--context-model", default="none", help="checker's --context-model (e.g. embedded)")
    args = ap.parse_args()
    global REUSE_PEER, CONTEXT_MODEL, REUSE_OURS
    REUSE_PEER = args.reuse_peer
    REUSE_OURS = args.reuse_ours
    global NO_WMT
    NO_WMT = args.no_wmt
    CONTEXT_MODEL = args.context_model
    test = Path(args.bench) / "test"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((test / "manifest.json").read_text())
    langs = args.langs.split(",") if args.langs else sorted(manifest["langs"])
    t0 = time.time()
    with ThreadPoolExecutor(args.j) as pool:
        results = list(pool.map(lambda l: run_lang(l, test, manifest["langs"][l]["src_lang"], out, Path(args.shared)), langs))
    mqm = {} if args.no_mqm else run_mqm(Path(args.shared), out)
    (out / "benchmark.json").write_text(json.dumps({"results": results, "mqm": mqm}, indent=1))
    md = tables(results, mqm)
    (out / "benchmark.md").write_text(md)
    print(md)
    print(f"({time.time() - t0:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
