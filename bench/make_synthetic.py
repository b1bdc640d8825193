#!/usr/bin/env python3
"""Build the synthetic anomaly benchmark from clean FLORES-200 text.

For every language and split (dev = lines 0-249, test = lines 250-499) this writes
``<out>/<split>/<lang>.{clean,src,noisy}.txt``, ``<lang>.gold.jsonl`` and a
``manifest.json``.  Exactly one error is injected into (almost) every line; the
kinds are spread evenly over the lines.  Everything is deterministic for a given
``--seed``.  See ``bench/README.md`` for the meaning of each kind.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional

import regex
import wordfreq

VERSION = "1.0.0"
DEFAULT_SEED = 20240601
FLORES_DIR = Path("/work/shared/corpora/flores200")

#: ISO 639-1 code -> FLORES-200 file code.
LANGS: dict[str, str] = {
    "en": "eng_Latn", "de": "deu_Latn", "fr": "fra_Latn", "es": "spa_Latn",
    "it": "ita_Latn", "pt": "por_Latn", "cs": "ces_Latn", "pl": "pol_Latn",
    "ru": "rus_Cyrl", "uk": "ukr_Cyrl", "vi": "vie_Latn", "zh": "zho_Hans",
    "nl": "nld_Latn", "sv": "swe_Latn", "tr": "tur_Latn", "ar": "arb_Arab",
    "he": "heb_Hebr", "ja": "jpn_Jpan",
}
SCRIPT: dict[str, str] = {
    **{l: "Latin" for l in ("en", "de", "fr", "es", "it", "pt", "cs", "pl", "vi", "nl", "sv", "tr")},
    "ru": "Cyrillic", "uk": "Cyrillic", "ar": "Arabic", "he": "Hebrew", "zh": "Han", "ja": "Han",
}
#: Same-script donor languages for the ``foreign`` kind (he has none in wordfreq).
FOREIGN_DONORS: dict[str, tuple[str, ...]] = {
    **{l: tuple(d for d in ("en", "de", "fr", "es", "it", "pt", "nl", "sv", "pl", "cs", "tr") if d != l)
       for l in ("en", "de", "fr", "es", "it", "pt", "cs", "pl", "vi", "nl", "sv", "tr")},
    "ru": ("uk", "bg"), "uk": ("ru", "bg"), "ar": ("fa", "ur"), "he": (),
    "zh": ("ja",), "ja": ("zh",),
}
#: Other-script donor languages for the ``script`` kind (never Latin into CJK text).
SCRIPT_DONORS: dict[str, tuple[str, ...]] = {
    **{l: ("ru", "el") for l, s in SCRIPT.items() if s == "Latin"},
    "ru": ("en",), "uk": ("en",), "ar": ("en", "ru"), "he": ("en", "ru"),
    "zh": ("ru", "ar"), "ja": ("ru", "ar"),
}
KINDS = ("non-word", "misspelling", "foreign", "script", "repetition", "untranslated", "wrong-word")
CJK = ("zh", "ja")
SKIPPED_KINDS: dict[str, tuple[str, ...]] = {"zh": ("non-word", "misspelling"),
                                             "ja": ("non-word", "misspelling"), "he": ("foreign",)}
VOWELS = {
    "Latin": set("aeiouy"), "Cyrillic": set("аеёиоуыэюяіїє"),
    "Arabic": set("اويى"), "Hebrew": set("אויה"),
}
WORD_RE = regex.compile(r"[\p{L}\p{M}]+(?:['’\-][\p{L}\p{M}]+)*")
LETTERS_RE = regex.compile(r"^[\p{L}\p{M}]+$")
HAN2_RE = regex.compile(r"(?=(\p{Han}{2}))")
N_STOP = 150  # most frequent words of a language count as function words


@dataclass(frozen=True)
class Slot:
    """A replaceable unit of a clean line: line[start:end] == text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Injection:
    """One injected error: the noisy line and the gold span in it."""

    noisy: str
    start: int
    end: int
    kind: str
    original: str


# --------------------------------------------------------------------------- lexicon


@lru_cache(maxsize=None)
def _cjk_dict(lang: str) -> dict[str, float]:
    return wordfreq.get_frequency_dict(lang)


@lru_cache(maxsize=1_000_000)
def zipf(word: str, lang: str) -> float:
    """Zipf frequency; CJK looked up directly (no jieba/MeCab needed)."""
    if lang in CJK:
        f = _cjk_dict(lang).get(word, 0.0)
        return round(math.log10(f) + 9, 2) if f > 0 else 0.0
    return wordfreq.zipf_frequency(word, lang)


def base_letter(ch: str) -> str:
    """The letter without diacritics (Latin), lower-cased."""
    return unicodedata.normalize("NFD", ch.lower())[0]


def in_script(word: str, script: str) -> bool:
    """True if every character of ``word`` is a letter/mark of ``script``."""
    pattern = r"^[\p{%s}\p{M}]+$" % ("Han" if script == "Han" else script)
    return regex.match(pattern, word) is not None


@lru_cache(maxsize=None)
def stopwords(lang: str) -> frozenset[str]:
    """The ``N_STOP`` most frequent words of ``lang``."""
    return frozenset(wordfreq.top_n_list(lang, N_STOP))


@lru_cache(maxsize=None)
def common_words(lang: str, script: str, n: int = 20000, min_zipf: float = 4.0) -> tuple[str, ...]:
    """Common lower-case words of ``lang`` written in ``script`` (length >= 4, or 2 for Han)."""
    min_len = 2 if script == "Han" else 4
    out = []
    for w in wordfreq.top_n_list(lang, n):
        if len(w) >= min_len and w == w.lower() and in_script(w, script) and zipf(w, lang) >= min_zipf:
            out.append(w)
    return tuple(out)


@lru_cache(maxsize=None)
def foreign_pool(lang: str) -> tuple[str, ...]:
    """Common same-script words of donor languages that are not words of ``lang``."""
    script = SCRIPT[lang]
    pool = set()
    for donor in FOREIGN_DONORS[lang]:
        for w in common_words(donor, script):
            if zipf(w, lang) < 1.0 and not (script == "Han" and len(w) != 2):
                pool.add(w)
    return tuple(sorted(pool))


@lru_cache(maxsize=None)
def script_pool(lang: str) -> tuple[str, ...]:
    """Common words of other-script donor languages."""
    pool = set()
    for donor in SCRIPT_DONORS[lang]:
        donor_script = {"en": "Latin", "ru": "Cyrillic", "el": "Greek", "ar": "Arabic"}[donor]
        pool.update(fix_greek(w) if donor == "el" else w
                    for w in common_words(donor, donor_script, n=5000) if len(w) >= 4)
    return tuple(sorted(pool))


@lru_cache(maxsize=None)
def wrong_word_pool(lang: str) -> tuple[tuple[str, float], ...]:
    """(word, zipf) of real lower-case words of ``lang``, sorted by zipf."""
    script = SCRIPT[lang]
    out = []
    for w in wordfreq.top_n_list(lang, 60000):
        if script == "Han":
            ok = len(w) == 2 and in_script(w, "Han")
        else:
            ok = len(w) >= 4 and w == w.lower() and in_script(w, script)
        if ok and w not in stopwords(lang) and usually_lowercase(w, lang):
            out.append((w, zipf(w, lang)))
    return tuple(sorted(out, key=lambda p: p[1]))


NEWS_DIR = Path("/work/shared/corpora/news")
CASE_SAMPLE_CHARS = 6_000_000


@lru_cache(maxsize=None)
def case_counts(lang: str) -> tuple[Counter[str], Counter[str], bool]:
    """(lower-case counts, capitalised counts keyed by lower form, from_news) of mid-line tokens."""
    path = NEWS_DIR / f"{lang}.txt"
    from_news = path.exists()
    if not from_news:
        path = FLORES_DIR / f"{LANGS[lang]}.txt"
    with open(path, encoding="utf-8") as fh:
        text = fh.read(CASE_SAMPLE_CHARS)
    low: Counter[str] = Counter()
    cap: Counter[str] = Counter()
    for line in text.split("\n"):
        for i, m in enumerate(WORD_RE.finditer(line)):
            w = m.group()
            if i == 0:
                continue
            if w == w.lower():
                low[w] += 1
            elif w[0].isupper():
                cap[w.lower()] += 1
    return low, cap, from_news


def usually_lowercase(word: str, lang: str) -> bool:
    """False for words that are mostly written capitalised (names) in the language's text."""
    if SCRIPT[lang] in ("Arabic", "Hebrew", "Han"):
        return True
    low, cap, from_news = case_counts(lang)
    if cap[word] > low[word]:
        return False
    if lang != "en" and zipf(word, "en") >= zipf(word, lang):
        return False  # English leakage in the target's word list
    return low[word] >= (2 if from_news else 1)


def fix_greek(word: str) -> str:
    """wordfreq folds final sigma; restore it."""
    return word[:-1] + "ς" if word.endswith("σ") else word


class Alphabet:
    """Letter frequencies of a language, estimated from its clean text."""

    def __init__(self, lines: list[str], script: str) -> None:
        counts: Counter[str] = Counter(
            ch for line in lines for ch in line.lower() if in_script(ch, script) and unicodedata.category(ch).startswith("L")
        )
        total = sum(counts.values())
        letters = [(c, n) for c, n in counts.most_common() if n / total >= 0.001]
        vowel_set = VOWELS[script]
        is_vowel = (lambda c: base_letter(c) in vowel_set) if script == "Latin" else (lambda c: c in vowel_set)
        self.all = [c for c, _ in letters]
        self.all_w = [n for _, n in letters]
        self.vowels = [c for c, _ in letters if is_vowel(c)]
        self.vowels_w = [n for c, n in letters if is_vowel(c)]
        self.cons = [c for c, _ in letters if not is_vowel(c)]
        self.cons_w = [n for c, n in letters if not is_vowel(c)]

    def letter(self, rng: random.Random) -> str:
        return rng.choices(self.all, self.all_w)[0]

    def pseudo_word(self, rng: random.Random) -> str:
        """A pronounceable-ish random string of 5-10 letters (C V alternation)."""
        length = rng.randint(5, 10)
        out, vowel = [], rng.random() < 0.3
        while len(out) < length:
            if vowel:
                out.append(rng.choices(self.vowels, self.vowels_w)[0])
            else:
                out.append(rng.choices(self.cons, self.cons_w)[0])
                if rng.random() < 0.2 and len(out) < length:  # occasional cluster
                    out.append(rng.choices(self.cons, self.cons_w)[0])
            vowel = not vowel
        return "".join(out)


# --------------------------------------------------------------------------- slots


def word_slots(line: str, lang: str) -> list[Slot]:
    """Mid-sentence lower-case pure-letter words (not the first word of the line)."""
    if lang in CJK:
        slots = []
        for m in HAN2_RE.finditer(line):
            s = m.start()
            w = m.group(1)
            if s > 0 and zipf(w, lang) >= 3.5 and w not in stopwords(lang):
                slots.append(Slot(s, s + 2, w))
        # keep non-overlapping slots, left to right
        kept, last = [], -1
        for sl in slots:
            if sl.start >= last:
                kept.append(sl)
                last = sl.end
        return kept
    out = []
    for i, m in enumerate(WORD_RE.finditer(line)):
        w = m.group()
        if i == 0 or not LETTERS_RE.match(w) or w != w.lower():
            continue
        before = line[: m.start()].rstrip()
        if before.endswith((".", "!", "?", "\"", "“", "«", "„", "(", ":")):
            continue
        if m.end() < len(line) and line[m.end()] in "-'’@_/0123456789":
            continue
        out.append(Slot(m.start(), m.end(), w))
    return out


def content_slots(line: str, lang: str, min_len: int = 4) -> list[Slot]:
    """Word slots that are not function words."""
    sw = stopwords(lang)
    return [s for s in word_slots(line, lang) if s.text not in sw and len(s.text) >= (2 if lang in CJK else min_len)]


def replace(line: str, slot: Slot, new: str, kind: str) -> Injection:
    return Injection(line[: slot.start] + new + line[slot.end:], slot.start, slot.start + len(new), kind, slot.text)


# --------------------------------------------------------------------------- injectors

Injector = Callable[[str, str, str, random.Random, "Context"], Optional[Injection]]


@dataclass
class Context:
    """Per-language state shared by the injectors."""

    lang: str
    src_lang: str
    alphabet: Optional[Alphabet]


def inject_non_word(line: str, src: str, lang: str, rng: random.Random, ctx: Context) -> Optional[Injection]:
    slots = content_slots(line, lang)
    if not slots or ctx.alphabet is None:
        return None
    slot = rng.choice(slots)
    for _ in range(50):
        w = ctx.alphabet.pseudo_word(rng)
        if zipf(w, lang) == 0 and zipf(w, "en") == 0 and w != slot.text:
            return replace(line, slot, w, "non-word")
    return None


def inject_misspelling(line: str, src: str, lang: str, rng: random.Random, ctx: Context) -> Optional[Injection]:
    slots = [s for s in content_slots(line, lang, min_len=5) if zipf(s.text, lang) > 0]
    if not slots or ctx.alphabet is None:
        return None
    slot = rng.choice(slots)
    w = slot.text
    for _ in range(50):
        op = rng.choice(("delete", "insert", "substitute", "transpose"))
        i = rng.randrange(len(w))
        if op == "delete":
            res = w[:i] + w[i + 1:]
        elif op == "insert":
            res = w[:i] + ctx.alphabet.letter(rng) + w[i:]
        elif op == "substitute":
            res = w[:i] + ctx.alphabet.letter(rng) + w[i + 1:]
        else:
            i = min(i, len(w) - 2)
            res = w[:i] + w[i + 1] + w[i] + w[i + 2:]
        if res != w and len(res) >= 4 and zipf(res, lang) == 0:
            return replace(line, slot, res, "misspelling")
    return None


def _pick_from_pool(pool: tuple[str, ...], line: str, rng: random.Random) -> Optional[str]:
    for _ in range(20):
        w = rng.choice(pool)
        if w not in line:
            return w
    return None


def _inject_from_pool(kind: str, pool_of):
    """An injector that replaces a content word with a word drawn from ``pool_of(lang)``."""

    def inject(line: str, src: str, lang: str, rng: random.Random, ctx: Context) -> Optional[Injection]:
        slots, pool = content_slots(line, lang), pool_of(lang)
        if not slots or not pool:
            return None
        w = _pick_from_pool(pool, line, rng)
        return replace(line, rng.choice(slots), w, kind) if w else None

    return inject


inject_foreign = _inject_from_pool("foreign", foreign_pool)
inject_script = _inject_from_pool("script", script_pool)


def inject_repetition(line: str, src: str, lang: str, rng: random.Random, ctx: Context) -> Optional[Injection]:
    """Double a content word; the gold span is the second copy plus the whitespace before it."""
    slots = content_slots(line, lang)
    if lang in CJK:
        slots = [s for s in slots if s.text[0] != s.text[1]]  # AA words reduplicate normally
    rng.shuffle(slots)
    for slot in slots:
        sep = "" if lang in CJK else " "
        if line[slot.end: slot.end + len(sep) + len(slot.text)] == sep + slot.text:
            continue
        ins = sep + slot.text
        noisy = line[: slot.end] + ins + line[slot.end:]
        return Injection(noisy, slot.end, slot.end + len(ins), "repetition", "")
    return None


def inject_untranslated(line: str, src: str, lang: str, rng: random.Random, ctx: Context) -> Optional[Injection]:
    slots = content_slots(line, lang)
    if not slots:
        return None
    src_sw = stopwords(ctx.src_lang)
    cands = []
    for m in WORD_RE.finditer(src):
        w = m.group()
        if m.start() == 0 or not LETTERS_RE.match(w) or len(w) < 4 or w.lower() in src_sw:
            continue
        if ctx.src_lang == "en" and w != w.lower():
            continue  # capitalised English words are mostly names, which stay untranslated anyway
        # an untranslated word need not be absent from the target's word list (web-derived lists
        # carry many English words at low frequency); it must be far more common in the source
        zs, zt = zipf(w, ctx.src_lang), zipf(w, lang)
        if zs < 2.0 or zt >= 3.0 or zs - zt < 2.0 or w in line:
            continue
        cands.append(w)
    if not cands:
        return None
    return replace(line, rng.choice(slots), rng.choice(sorted(set(cands))), "untranslated")


def inject_wrong_word(line: str, src: str, lang: str, rng: random.Random, ctx: Context) -> Optional[Injection]:
    pool = wrong_word_pool(lang)
    zs = [z for _, z in pool]
    slots = [s for s in content_slots(line, lang) if zipf(s.text, lang) >= 2.5]
    rng.shuffle(slots)
    import bisect

    for slot in slots[:5]:
        z = zipf(slot.text, lang)
        lo, hi = bisect.bisect_right(zs, z - 0.5), bisect.bisect_left(zs, z + 0.5)
        for _ in range(30):
            if hi <= lo:
                break
            w, wz = pool[rng.randrange(lo, hi)]
            if lang in CJK:
                related = bool(set(w) & set(slot.text))
            else:
                related = w[:3] == slot.text[:3] or w in slot.text or slot.text in w
            if w != slot.text and abs(wz - z) < 0.5 and not related and w not in line:
                return replace(line, slot, w, "wrong-word")
    return None


INJECTORS: dict[str, Injector] = {
    "non-word": inject_non_word, "misspelling": inject_misspelling, "foreign": inject_foreign,
    "script": inject_script, "repetition": inject_repetition, "untranslated": inject_untranslated,
    "wrong-word": inject_wrong_word,
}


# --------------------------------------------------------------------------- driver


def read_lines(path: Path) -> list[str]:
    """Lines of a UTF-8 file split on '\\n' only."""
    text = path.read_text(encoding="utf-8")
    return text[:-1].split("\n") if text.endswith("\n") else text.split("\n")


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("".join(l + "\n" for l in lines), encoding="utf-8")


def plan_kinds(kinds: list[str], clean: list[str], src: list[str], lang: str, ctx: Context,
               rng: random.Random) -> list[str]:
    """Assign a kind to every line, evenly; scarce ``untranslated`` goes to lines that allow it."""
    n = len(clean)
    plan: list[Optional[str]] = [None] * n
    share = n // len(kinds)
    if "untranslated" in kinds:
        probe = random.Random(0)
        feasible = [i for i in range(n) if inject_untranslated(clean[i], src[i], lang, probe, ctx) is not None]
        for i in rng.sample(feasible, min(share, len(feasible))):
            plan[i] = "untranslated"
    rest = [i for i in range(n) if plan[i] is None]
    others = [k for k in kinds if k != "untranslated"] if "untranslated" in kinds else kinds
    fill = [others[j % len(others)] for j in range(len(rest))]
    rng.shuffle(fill)
    for i, k in zip(rest, fill):
        plan[i] = k
    return [k for k in plan if k is not None]


def build_language(lang: str, clean: list[str], src: list[str], src_lang: str, alphabet_lines: list[str],
                   seed: int, split: str) -> tuple[list[str], list[dict], Counter[str]]:
    """Inject one error per line; returns noisy lines, gold records and kind counts."""
    rng = random.Random(seed * 1000003 + zlib.crc32(f"{lang}/{split}".encode()))
    kinds = [k for k in KINDS if k not in SKIPPED_KINDS.get(lang, ())]
    ctx = Context(lang, src_lang, None if lang in CJK else Alphabet(alphabet_lines, SCRIPT[lang]))
    plan = plan_kinds(kinds, clean, src, lang, ctx, rng)
    counts: Counter[str] = Counter()
    noisy_lines, gold = [], []
    for i, (line, src_line) in enumerate(zip(clean, src)):
        order = [plan[i]] + sorted((k for k in kinds if k != plan[i]), key=lambda k: (counts[k], rng.random()))
        if plan[i] != "untranslated":  # fall-backs never steal the scarce kind's lines' budget
            order = [k for k in order if k != "untranslated"] + ["untranslated"]
        inj = None
        for kind in order:
            inj = INJECTORS[kind](line, src_line, lang, rng, ctx)
            if inj is not None:
                break
        if inj is None:
            noisy_lines.append(line)
            gold.append({"line": i, "spans": []})
            continue
        text = inj.noisy[inj.start: inj.end]
        assert inj.noisy[: inj.start] + inj.original + inj.noisy[inj.end:] == line, (lang, i)
        counts[inj.kind] += 1
        noisy_lines.append(inj.noisy)
        gold.append({"line": i, "spans": [{"start": inj.start, "end": inj.end, "text": text,
                                           "kind": inj.kind, "original": inj.original}]})
    return noisy_lines, gold, counts


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--flores", type=Path, default=FLORES_DIR)
    ap.add_argument("--out", type=Path, default=Path("build/bench"))
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--langs", default=",".join(LANGS), help="comma-separated ISO 639-1 codes")
    args = ap.parse_args(argv)
    langs = [l for l in args.langs.split(",") if l]
    code_sha = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    splits = {"dev": (0, 250), "test": (250, 500)}
    for split, (a, b) in splits.items():
        out = args.out / split
        out.mkdir(parents=True, exist_ok=True)
        manifest: dict = {"version": VERSION, "code_sha256": code_sha, "seed": args.seed, "split": split,
                          "flores_lines": [a, b - 1], "kinds": list(KINDS), "langs": {}}
        for lang in langs:
            all_lines = read_lines(args.flores / f"{LANGS[lang]}.txt")
            src_lang = "de" if lang == "en" else "en"
            src_all = read_lines(args.flores / f"{LANGS[src_lang]}.txt")
            clean, src = all_lines[a:b], src_all[a:b]
            # letter statistics come from the dev lines only, so test stays unseen
            noisy, gold, counts = build_language(lang, clean, src, src_lang, all_lines[0:250], args.seed, split)
            write_lines(out / f"{lang}.clean.txt", clean)
            write_lines(out / f"{lang}.src.txt", src)
            write_lines(out / f"{lang}.noisy.txt", noisy)
            with open(out / f"{lang}.gold.jsonl", "w", encoding="utf-8") as fh:
                for rec in gold:
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            manifest["langs"][lang] = {
                "flores": LANGS[lang], "src_lang": src_lang, "src_flores": LANGS[src_lang], "lines": len(clean),
                "kinds": {k: counts.get(k, 0) for k in KINDS}, "skipped_kinds": list(SKIPPED_KINDS.get(lang, ())),
                "uninjected_lines": len(clean) - sum(counts.values()),
            }
            print(f"{split}/{lang}: {dict(counts)}")
        (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
