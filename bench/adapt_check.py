#!/usr/bin/env python3
"""`checker adapt` measured: one year of a language's news as the newsroom's archive, the next
year as the text to check (not a test).

    python bench/adapt_check.py [--lang de] [--archive-year 2020] [--test-year 2021] [--jobs 2]

* Archive: every ``<lang>`` side of ``../shared/corpora/parallel/newstest/<archive-year>/*``,
  deduplicated; test text: the same for ``<test-year>``, deduplicated, less every line also in the
  archive.
* Honesty: the embedded n-gram model was trained on ``../shared/corpora/news``, which holds every
  year. The bench trains a held-out model (``models/train_ngram.py``, the embedded model's size
  budget) on ``news/<lang>.txt`` less every archive and test line, into ``build/bench/adapt_lm``
  (reused while its corpus is unchanged), and uses it before and after the profile.
* Flags per 1,000 words on the test text (professional news: nearly every flag is a false
  alarm) before and after the profile, with each line judged alone (``--no-file-context``, where a
  newsroom's pre-publish check of one sentence stands) and with the whole test text as the file
  context (``checker scan``'s default), a sample of the flags removed and of those remaining.
* Recall not lost: (a) one misspelling (bench/make_synthetic.py's realistic v2 misspeller) injected
  into each of N test lines; (b) a slip injected into a profile word where a test line has one
  (a misspelt newsroom name or term), with the share whose reason names the profile's spelling.
  A span counts as found when a reported anomaly overlaps it (each line judged alone).
* Hunspell (``hunspell -d <dict> -l``) on the same test text: its flags per 1,000 of our words.
* Would archive n-gram counts help (interpolated into the n-gram model)? Measured indirectly: of
  the flags remaining after the profile, how many are words the archive has at all (the most that
  archive statistics could excuse) and how many reasons cite the language model.

Writes build/bench/adapt_check.json.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SHARED = ROOT.parent / "shared" / "corpora"
HUNSPELL_DICT = {"de": "de_DE", "cs": "cs_CZ", "en": "en_US"}
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


def log(msg: str) -> None:
    print(f"adapt_check: {msg}", file=sys.stderr, flush=True)


def year_lines(year: str, lang: str) -> list[str]:
    """Every line of the ``lang`` sides of newstest ``year``, deduplicated, in a fixed order."""
    files = sorted((SHARED / "parallel" / "newstest" / year).glob(f"*/newstest*{year}.{lang}"))
    if not files:
        raise SystemExit(f"no newstest {year} {lang} files under {SHARED}")
    seen, out = set(), []
    for f in files:
        for ln in f.read_text(encoding="utf-8").splitlines():
            s = ln.strip()
            if s and s not in seen:
                seen.add(s)
                out.append(s)
    return out


def heldout_lm(lang: str, exclude: set[str], jobs: int) -> Path:
    """A directory with ``<lang>.npz`` trained on news/<lang>.txt less ``exclude``."""
    news = (SHARED / "news" / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    kept = [ln for ln in news if ln.strip() not in exclude]
    log(f"held-out n-gram: news/{lang}.txt {len(news):,} lines, {len(news) - len(kept):,} dropped "
        f"(in the archive or the test text)")
    body = "\n".join(kept) + "\n"
    key = hashlib.sha256(body.encode("utf-8")).hexdigest()[:12]
    out = ROOT / "build" / "bench" / "adapt_lm" / key
    if (out / f"{lang}.npz").is_file():
        return out
    corpus = Path(tempfile.mkdtemp(prefix="adapt_corpus_"))
    try:
        (corpus / f"{lang}.txt").write_text(body, encoding="utf-8")
        budget = (ROOT / "models" / "ngram" / f"{lang}.npz").stat().st_size / 1e6
        out.mkdir(parents=True, exist_ok=True)
        t = time.time()
        subprocess.run([sys.executable, str(ROOT / "models" / "train_ngram.py"), "--corpus-dir", str(corpus),
                        "--out-dir", str(out), "--langs", lang, "--heldout-every", "0",
                        "--total-mb", f"{budget:.3f}", "--jobs", str(jobs)], check=True, stdout=sys.stderr)
        log(f"held-out n-gram trained in {time.time() - t:.0f} s: {out}")
    finally:
        shutil.rmtree(corpus, ignore_errors=True)
    return out


def flags(chk, lines: list[str], file_context: bool, jobs: int):
    """[(line index, anomaly)], total words."""
    from checker.document import word_counts

    ctx = word_counts(lines) if file_context else "line"
    out, words = [], 0
    for i, rep in enumerate(chk.pipe(lines, context=ctx, n_process=jobs, batch_size=64)):
        words += rep.words
        out.extend((i, a) for a in rep.anomalies)
    return out, words


def recall(chk, injected: list[tuple[str, int, int, str]], jobs: int) -> dict:
    """Share of injected spans a reported anomaly overlaps; of those, the share whose reason or
    first suggestion names the original word."""
    found = named = fixed = 0
    reps = chk.pipe([x[0] for x in injected], context="line", n_process=jobs, batch_size=64)
    for (noisy, s, e, orig), rep in zip(injected, reps):
        hit = [a for a in rep.anomalies if a.start < e and a.end > s]
        if hit:
            found += 1
            named += any(f"'{orig.lower()}'" in a.reason.lower() for a in hit)
            fixed += any(a.suggestions and a.suggestions[0].text.lower() == orig.lower() for a in hit)
    n = len(injected) or 1
    return {"n": len(injected), "recall": round(found / n, 4), "reason_names_original": round(named / n, 4),
            "fix_at_1": round(fixed / n, 4)}


def inject_general(lines: list[str], lang: str, n: int, alphabet_lines: list[str], seed: int):
    """One realistic misspelling (make_synthetic v2) in each of ``n`` lines: (noisy, start, end, original)."""
    import make_synthetic as ms

    model, _ = ms.load_error_model()
    ctx = ms.make_context(lang, "en", alphabet_lines, model)
    weights = ms.variant_weights("misspelling", ctx)
    variants = sorted(v for v in weights if v not in ("split", "merge"))  # one-word slips only
    rng = random.Random(seed)
    out = []
    order = list(range(len(lines)))
    rng.shuffle(order)
    cap_p = ms.cap_share("misspelling", ctx)
    for i in order:
        if len(out) >= n:
            break
        v = rng.choices(variants, [weights[x] for x in variants])[0]
        inj = ms.inject_misspelling_v2(lines[i], "", rng, ctx, v, rng.random() < cap_p)
        if inj is not None:
            out.append((inj.noisy, inj.start, inj.end, inj.original))
    return out


def inject_profile_words(lines: list[str], lang: str, words: dict, n: int, alphabet_lines: list[str], seed: int):
    """A slip (keyboard, swap, drop, double) in a profile word of each of up to ``n`` lines that
    have one of five letters or more; the slip is no word of the language or the profile."""
    import make_synthetic as ms

    from checker.lexicon import get_lexicon

    model, _ = ms.load_error_model()
    ctx = ms.make_context(lang, "en", alphabet_lines, model)
    lex = get_lexicon(lang)
    rng = random.Random(seed)
    order = list(range(len(lines)))
    rng.shuffle(order)
    out = []
    for i in order:
        if len(out) >= n:
            break
        line = lines[i]
        slots = [m for m in _WORD.finditer(line) if len(m.group()) >= 5 and lex.norm(m.group()) in words]
        if not slots:
            continue
        m = rng.choice(slots)
        w = m.group()
        for _ in range(12):
            v = rng.choice(("keyboard", "swap", "drop", "double"))
            res = ms.MISSPELLERS[v](w.lower(), rng, ctx)
            if res and res != w.lower() and lex.zipf(res) == 0 and lex.norm(res) not in words:
                new = ms.match_case(res, w, lang)
                out.append((line[:m.start()] + new + line[m.end():], m.start(), m.start() + len(new), w))
                break
    return out


def hunspell_rate(lines: list[str], lang: str, words: int) -> dict:
    d = HUNSPELL_DICT.get(lang)
    if not d or not shutil.which("hunspell"):
        return {"available": False}
    r = subprocess.run(["hunspell", "-d", d, "-l"], input="\n".join(lines) + "\n", capture_output=True,
                       text=True, check=True)
    flagged = [w for w in r.stdout.splitlines() if w.strip()]
    return {"available": True, "dict": d, "flags": len(flagged), "per_1000_words": round(1000 * len(flagged) / words, 2),
            "sample": flagged[:: max(1, len(flagged) // 25)][:25]}


def describe(lines, fl) -> list[dict]:
    return [{"line": i, "text": a.text, "kind": a.kind, "score": round(a.score, 3),
             "context": lines[i][max(0, a.start - 40):a.end + 40]} for i, a in fl]


def sample(items: list, k: int) -> list:
    return items[:: max(1, len(items) // k)][:k]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lang", default="de")
    ap.add_argument("--archive-year", default="2020")
    ap.add_argument("--test-year", default="2021")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--inject", type=int, default=2000, help="lines with an injected misspelling")
    ap.add_argument("--sample", type=int, default=25)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "bench" / "adapt_check.json")
    args = ap.parse_args(argv)

    from checker import Checker
    from checker.profile import build_profile, read_profile

    lang = args.lang
    archive = year_lines(args.archive_year, lang)
    in_archive = set(archive)
    test_all = year_lines(args.test_year, lang)
    test = [ln for ln in test_all if ln not in in_archive]
    log(f"archive {args.archive_year}: {len(archive):,} lines; test {args.test_year}: {len(test):,} lines "
        f"({len(test_all) - len(test)} dropped: also in the archive)")
    lm = heldout_lm(lang, in_archive | set(test_all), args.jobs)

    work = Path(tempfile.mkdtemp(prefix="adapt_check_"))
    try:
        arch_file = work / f"archive.{lang}.txt"
        arch_file.write_text("\n".join(archive) + "\n", encoding="utf-8")
        t = time.time()
        manifest = build_profile(lang, [str(arch_file)], work / "profile", progress=log)
        build_s = time.time() - t
        prof = read_profile(work / "profile")
        before = Checker(lang=lang, model=str(lm))
        after = Checker(lang=lang, model=str(lm), profile=prof)
        result: dict = {
            "lang": lang, "archive": {"year": args.archive_year, "lines": len(archive)},
            "test": {"year": args.test_year, "lines": len(test), "dropped_in_archive": len(test_all) - len(test)},
            "lm": {"dir": str(lm.relative_to(ROOT)), "signature_lm": before.signature_info(lang).lm},
            "profile": {"entries": manifest["counts"]["entries"], "archive_words": manifest["counts"]["words"],
                        "build_s": round(build_s, 2), "digest": prof.digest,
                        "sample": [f"{e.form} ({e.count})" for e in sample(list(prof.words.values()), args.sample)]},
            "signature_before": before.signature(lang, False), "signature_after": after.signature(lang, False),
        }
        # how much of the test text the profile speaks for at all
        norm_de = prof.lexicon(before._parts(lang)[0].lexicon).norm
        test_tokens = [norm_de(w) for ln in test for w in _WORD.findall(ln)]
        covered = [w for w in test_tokens if w in prof.words]
        result["profile"]["test_tokens_in_profile"] = len(covered)
        result["profile"]["test_types_in_profile"] = len(set(covered))
        result["profile"]["test_tokens"] = len(test_tokens)
        for mode, fc in (("line", False), ("file", True)):
            t = time.time()
            fb, words = flags(before, test, fc, args.jobs)
            fa, _ = flags(after, test, fc, args.jobs)
            key = lambda x: (x[0], x[1].start, x[1].end)  # noqa: E731
            kb, ka = {key(x) for x in fb}, {key(x) for x in fa}
            removed = [x for x in fb if key(x) not in ka]
            added = [x for x in fa if key(x) not in kb]
            rem_words = Counter(a.text for _, a in removed)
            entry = {
                "words": words, "flags_before": len(fb), "flags_after": len(fa),
                "per_1000_before": round(1000 * len(fb) / words, 2), "per_1000_after": round(1000 * len(fa) / words, 2),
                "removed": len(removed), "added": len(added),
                "kinds_before": dict(Counter(a.kind for _, a in fb).most_common()),
                "kinds_after": dict(Counter(a.kind for _, a in fa).most_common()),
                "removed_top_words": rem_words.most_common(20),
                "removed_sample": describe(test, sample(removed, args.sample)),
                "remaining_sample": describe(test, sample(fa, args.sample)),
                "added_sample": describe(test, sample(added, args.sample)),
                "seconds": round(time.time() - t, 1),
            }
            if mode == "line":
                # what archive n-gram counts could still excuse: remaining flags on words the
                # archive has at all, and reasons that cite the language model
                from checker.lexicon import get_lexicon

                lex_norm = get_lexicon(lang).norm
                arch_counts = Counter(lex_norm(w) for ln in archive for w in _WORD.findall(ln))
                in_arch = [a for _, a in fa if arch_counts.get(lex_norm(a.text), 0) > 0]
                entry["remaining_in_archive"] = len(in_arch)
                entry["remaining_in_archive_counts"] = dict(Counter(min(arch_counts[lex_norm(a.text)], 3)
                                                                    for a in in_arch))
                entry["remaining_citing_lm"] = sum("language model" in a.reason for _, a in fa)
                result["hunspell"] = hunspell_rate(test, lang, words)
            result[f"flags_{mode}_context"] = entry
            log(f"{mode} context: {entry['per_1000_before']} -> {entry['per_1000_after']} flags per 1,000 words "
                f"({entry['seconds']} s)")
        general = inject_general(test, lang, args.inject, archive, args.seed)
        result["recall_misspellings"] = {"before": recall(before, general, args.jobs),
                                         "after": recall(after, general, args.jobs)}
        names = inject_profile_words(test, lang, prof.words, args.inject, archive, args.seed)
        result["recall_profile_word_slips"] = {"before": recall(before, names, args.jobs),
                                               "after": recall(after, names, args.jobs),
                                               "sample": [x[0][max(0, x[1] - 30):x[2] + 30] for x in sample(names, 10)]}
        log(f"recall: {result['recall_misspellings']}; profile-word slips: {result['recall_profile_word_slips']}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
