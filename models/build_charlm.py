#!/usr/bin/env python3
"""Build the character bigram models of the languages written without spaces (zh, ja).

    python models/build_charlm.py [--corpus-dir ../shared/corpora] [--out-dir models/charlm]

For each language: character bigram counts from the news sentences of
``<corpus-dir>/news/<lang>.txt`` — minus every line that also occurs in any WMT22 file of that
language (sources, references, system outputs: they measure the checker) — plus the bigrams
inside the words of wordfreq's list for the language, each word weighted by its frequency
(``WORD_WEIGHT`` pseudo-occurrences per unit of frequency, at least one): the news text alone
(about a million characters) has seen too few of the language's words, the word list has no
transitions between words.

It also stores the groups of characters read alike among the ``HOMOPHONE_POOL`` most frequent
Han characters — for Chinese the same pinyin without tones (``pypinyin``), for Japanese the same
kana reading of the lone kanji (``pykakasi``; mostly the on'yomi: 以/意, 会/械) — both build-time
tools only: the confusion sets of the near-homophone check (在/再, 已/以; 機会/機械).

Writes ``<out-dir>/<lang>.npz`` (format: ``checker/charlm.py``), byte-for-byte reproducible.
Never point it at ``flores200``: it measures the checker.
"""
from __future__ import annotations

import argparse
import glob
import io
import json
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from checker.charlm import BOS, EOS, FORMAT_VERSION, LANGS, SHIFT, countable  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora"
DEFAULT_OUT = ROOT / "models" / "charlm"
#: pseudo-occurrences of a word of the word list per unit of its frequency (a word of frequency
#: 1e-5 counts 20 times; the news text has ~1e6 characters)
WORD_WEIGHT = 2e6
#: words rarer than this are left out of the word list's counts
MIN_WORD_FREQ = 1e-7
#: the most frequent Han characters that get homophone groups
HOMOPHONE_POOL = 5000


def held_out_lines(corpus: Path, lang: str) -> set[str]:
    out: set[str] = set()
    for p in sorted(glob.glob(str(corpus / "wmt22" / "**" / f"*.{lang}"), recursive=True)):
        with open(p, encoding="utf-8") as f:
            out.update(line.strip() for line in f)
    return out


def count(lines: list[str], words: list[tuple[str, int]]) -> tuple[Counter, Counter]:
    """Unigram and bigram counts (BOS/EOS around each line; words without)."""
    uni: Counter = Counter()
    bi: Counter = Counter()
    for line in lines:
        s = BOS + line + EOS
        uni.update(s)
        bi.update(s[i:i + 2] for i in range(len(s) - 1))
    for w, k in words:
        for c in w:
            uni[c] += k
        for i in range(len(w) - 1):
            bi[w[i:i + 2]] += k
    return uni, bi


def reading_of(lang: str):
    """A function giving a character's reading (pinyin without tones for zh, the kana reading
    pykakasi gives a lone kanji — mostly its on'yomi — for ja); both are build-time tools."""
    try:
        if lang == "zh":
            from pypinyin import Style, lazy_pinyin

            return lambda c: lazy_pinyin(c, style=Style.NORMAL)[0]
        import pykakasi

        kks = pykakasi.kakasi()
        return lambda c: "".join(x["hira"] for x in kks.convert(c))
    except ImportError:
        tool = "pypinyin" if lang == "zh" else "pykakasi"
        raise SystemExit(f"build_charlm: the {lang} homophone groups need {tool} (a build-time tool): "
                         f"pip install {tool}") from None


def homophone_groups(uni: Counter, lang: str) -> list[str]:
    """Groups (strings) of two or more of the most frequent Han characters read alike."""
    if lang not in ("zh", "ja"):
        return []
    read = reading_of(lang)
    han = sorted((c for c in uni if "\u4e00" <= c <= "\u9fff"), key=lambda c: (-uni[c], c))[:HOMOPHONE_POOL]
    by: dict[str, list[str]] = {}
    for c in han:
        r = read(c)
        if r and r != c:  # a character the tool cannot read is its own "reading"
            by.setdefault(r, []).append(c)
    return sorted("".join(sorted(g)) for g in by.values() if len(g) > 1)


def build(lines: list[str], words: list[tuple[str, int]], lang: str, sources: dict,
          groups: list[str] | None = None) -> dict[str, np.ndarray]:
    uni, bi = count(lines, words)
    groups = homophone_groups(uni, lang) if groups is None else groups
    chars = sorted(uni)
    cp = np.array([ord(c) for c in chars], dtype=np.uint32)
    ucount = np.array([uni[c] for c in chars], dtype=np.uint32)
    keys = np.array(sorted((ord(g[0]) << SHIFT) | ord(g[1]) for g in bi), dtype=np.uint64)
    bcount = np.array([bi[chr(int(k) >> SHIFT) + chr(int(k) & ((1 << SHIFT) - 1))] for k in keys],
                      dtype=np.uint32)
    header = {"format": FORMAT_VERSION, "lang": lang, "lines": len(lines), "words": len(words),
              "word_weight": WORD_WEIGHT, "min_word_freq": MIN_WORD_FREQ,
              "homophone_pool": HOMOPHONE_POOL if groups else 0, **sources}
    return {"header": np.frombuffer(json.dumps(header, sort_keys=True).encode(), dtype=np.uint8),
            "chars": cp, "unigram": ucount, "bigram_keys": keys, "bigram": bcount,
            "homophones": np.frombuffer("\n".join(groups).encode("utf-8"), dtype=np.uint8)}


def serialize(arrays: dict[str, np.ndarray]) -> bytes:
    """npz bytes with fixed zip timestamps: identical input, identical file."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name in sorted(arrays):
            b = io.BytesIO()
            np.save(b, arrays[name], allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, b.getvalue())
    return buf.getvalue()


def word_list(lang: str) -> list[tuple[str, int]]:
    import wordfreq

    return [(w, max(1, int(f * WORD_WEIGHT))) for w, f in sorted(wordfreq.get_frequency_dict(lang).items())
            if f >= MIN_WORD_FREQ and len(w) >= 2 and all(countable(c) for c in w)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus-dir", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--langs", default=",".join(LANGS))
    args = ap.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for lang in args.langs.split(","):
        t0 = time.perf_counter()
        news = args.corpus_dir / "news" / f"{lang}.txt"
        held = held_out_lines(args.corpus_dir, lang)
        with open(news, encoding="utf-8") as f:
            all_lines = [x.strip() for x in f if x.strip()]
        lines = [x for x in all_lines if x not in held]
        arrays = build(lines, word_list(lang), lang,
                       {"news_lines": len(all_lines), "held_out_wmt22_lines": len(all_lines) - len(lines)})
        data = serialize(arrays)
        (args.out_dir / f"{lang}.npz").write_bytes(data)
        print(f"{lang}: {len(lines)} news lines ({len(all_lines) - len(lines)} WMT22 lines held out), "
              f"{arrays['bigram_keys'].size} bigrams, {len(data):,} bytes, "
              f"{time.perf_counter() - t0:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
