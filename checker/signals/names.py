"""Names are not errors: capitalised words, acronyms, recurring words, words of the source, and
the user's allowlist all count as evidence *against* an anomaly.

A word that also occurs in the source is a kept name only if translators keep it: for a word of a
covered language pair, checker.translation's statistics (learned from aligned news translations)
say in how many segments translators met it (``copy_n``), how often they kept it (``copy_rate``:
`Biden` ~1, `Monday` into German ~0) and what they usually wrote instead (``translation``).
Unseen words and uncovered pairs leave those fields None; the detector then falls back on the
word's frequency in the two languages."""
from __future__ import annotations

from collections import Counter

import regex

from ..document import MAX_WORD_CHARS, Document
from ..lexicon import norm
from ..spelling import damerau, skeleton
from ..translation import get_translation_stats
from .base import Signal, register
from .lexicon import COMMON_FREQ

#: a word of the source rarer than this in the source language is a name or a quotation there
SRC_RARE_ZIPF = 3.0
#: a common target word that is also in the source becomes a candidate when translators keep it
#: less often than this
SUSPECT_COPY_RATE = 0.2
#: ... unless it is this common in the source language: a function word of the source
SUSPECT_MAX_ZIPF = 6.0
_SRC_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:['’\-][\p{L}\p{M}\p{N}]+)*")


# Cyrillic to Latin, loosely (names are transliterated in many ways: Liggins, Лиггинс)
_CYR_LAT = {"а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "ye", "ё": "yo",
            "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l", "м": "m",
            "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h",
            "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
            "я": "ya", "ў": "w", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "ђ": "dj", "џ": "dz", "ѓ": "g",
            "ќ": "k", "ѕ": "dz"}


def _romanised(word: str) -> str:
    return skeleton("".join(_CYR_LAT.get(c, c) for c in word.casefold()))


_SOFT_C = regex.compile(r"c(?=[eiy])")
_DIGRAPHS = (("shch", "sh"), ("dzh", "j"), ("zh", "j"), ("kh", "h"), ("ph", "f"), ("ck", "k"), ("'", ""))
_SOUND = str.maketrans({"c": "k", "q": "k", "x": "k", "g": "h", "z": "s", "w": "v", "y": "i"})
_H_AFTER_CONSONANT = regex.compile(r"(?<=.)h")  # only a first h is heard in most transliterations


def _sound_key(romanised: str) -> str:
    """A loose sound of a romanised name: consonants only, alike ones merged, any h but a first
    one dropped, doubles collapsed (Preece, Пріс -> prs; Sanju, Санджу -> snj;
    Ehrenstrahl, Еренштраль -> rnstrl)."""
    s = romanised
    for a, b in _DIGRAPHS:
        s = s.replace(a, b)
    s = _H_AFTER_CONSONANT.sub("", _SOFT_C.sub("s", s).translate(_SOUND))
    out = []
    for ch in s:
        if ch in "aeiou" or not ch.isalpha():
            continue
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


#: source words compared with a target word at most (see NamesSignal.__call__)
MAX_SOURCE_FORMS = 200
#: longest kept title searched in the source, in words
TITLE_WORDS = 8


def _supported(n: str, src_forms: list[tuple[str, str]]) -> bool:
    """Whether a capitalised target word answers to a word of the source: the same word, an
    inflection of it (a shared beginning: Liggins, Ligginsovi) or a transliteration (Лиггинс,
    Пріс for Preece: the same consonants)."""
    if len(n) > MAX_WORD_CHARS:  # the comparisons below are quadratic in the lengths
        return False
    r = _romanised(n)
    key = _sound_key(r)
    for s, skey in src_forms:
        if len(s) > MAX_WORD_CHARS:
            continue
        k = max(4, min(len(s), len(r)) - 2)
        if len(s) >= 3 and (r[:k] == s[:k] or (abs(len(r) - len(s)) <= 3 and damerau(r, s) <= max(1, len(s) // 3))):
            return True
        if len(key) >= 3 and (key == skey or (len(key) >= 4 and damerau(key, skey) <= 1)):
            return True
    return False


def _deletes(s: str) -> set[str]:
    return {s} | {s[:i] + s[i + 1:] for i in range(len(s))}


@register("names")
class NamesSignal(Signal):
    requires = ()
    assigns = ("names",)

    def quiet_on_plain_lines(self) -> bool:
        return True  # names evidence only excuses; the detector reads it beside lexicon evidence

    def __init__(self, resources):
        super().__init__(resources)
        self._ctx_ref: object = None
        self._ctx_index: dict[str, list[str]] = {}

    def _variant_index(self, ctx) -> dict[str, list[str]]:
        """Deletion index of the document's recurring words (SymSpell, distance 1), built once
        per document context."""
        if ctx is not self._ctx_ref:
            idx: dict[str, list[str]] = {}
            for w, c in ctx.items():
                # a word's deletions are quadratic in its length: over-long words are not indexed
                if c >= 2 and 4 <= len(w) <= MAX_WORD_CHARS:
                    for d in _deletes(skeleton(w)):
                        idx.setdefault(d, []).append(w)
            self._ctx_ref, self._ctx_index = ctx, idx
        return self._ctx_index

    def doc_variant(self, n: str, ctx) -> str | None:
        """A word one slip from ``n`` that recurs in the document while ``n`` itself does not
        (``Barliozа`` beside three ``Berlioz``): a misspelt name or term. Inflections are not
        variants: the two must end in the same letter."""
        if not ctx or ctx.get(n, 0) >= 2 or not 4 <= len(n) <= MAX_WORD_CHARS:
            return None
        idx = self._variant_index(ctx)
        sk = skeleton(n)
        for d in sorted(_deletes(sk)):
            for v in idx.get(d, ()):
                if v == n or abs(len(v) - len(n)) > 1:
                    continue
                sv = skeleton(v)
                # inflections change the end of a word (Berlioz, Berlioza, Berliozu): a variant
                # must keep the last letter
                if sk[-1] == sv[-1] and damerau(sk, sv) <= 1:
                    return v
        return None

    @staticmethod
    def _kept_titles(words, source: str) -> set[int]:
        """Token indices of runs of two or more capitalised words that the source has verbatim
        (`Black History Month`, `Shark Tank`): a name or title the translator kept on purpose,
        whatever translators do with its words one by one."""
        out: set[int] = set()
        run: list = []
        for t in words + [None]:
            if t is not None and t.text[:1].isupper() and (not run or run[-1].end + 1 == t.start):
                run.append(t)
                continue
            for a in range(len(run) - 1):  # any part of the run ('Im Black History Month')
                # at most TITLE_WORDS words from a: a run of hundreds of capitals would otherwise
                # search the source for every pair of its words
                for b in range(min(len(run), a + TITLE_WORDS), a + 1, -1):
                    if " ".join(x.text for x in run[a:b]) in source:
                        out.update(x.index for x in run[a:b])
                        break
            run = [t] if t is not None and t.text[:1].isupper() else []
        return out

    def __call__(self, doc: Document) -> None:
        words = doc.words()
        counts = Counter(norm(t.text) for t in words)
        # word counts of the enclosing document (a whole file when scanning line by line)
        ctx = doc.context or {}
        src = set()
        src_caps: set[str] = set()  # written capitalised mid-sentence in the source: a name there
        src_exact: set[str] = set()  # the source's words exactly as written
        if doc.source:
            src = set()
            for m in _SRC_WORD.finditer(doc.source):
                w = m.group()
                n = norm(w)
                src.add(n)
                src_exact.add(w)
                if w[:1].isupper():
                    j = m.start() - 1
                    while j >= 0 and doc.source[j].isspace():
                        j -= 1
                    if j >= 0 and doc.source[j] not in '.!?:"“«„':
                        src_caps.add(n)
        # bounded work: a real sentence's source has dozens of words; a huge one (a whole article
        # given as one line's source) would make every capitalised word scan all of it, so the
        # forms compared are capped, the source's capitalised words first
        src_forms = sorted({(r, _sound_key(r)) for r in (_romanised(w) for w in
                                                         sorted(src, key=lambda w: (w not in src_caps, w))[:MAX_SOURCE_FORMS]
                                                         if len(w) >= 3)})
        memo: dict[str, bool] = {}

        def supported(n: str) -> bool:  # each distinct word compared with the source once
            got = memo.get(n)
            if got is None:
                got = memo[n] = _supported(n, src_forms)
            return got

        cross_script = bool(src) and "Latin" not in self.res.scripts and doc.source is not None \
            and sum(c.isascii() for c in doc.source if c.isalpha()) > 0.5 * sum(c.isalpha() for c in doc.source)
        first_in_seg = set()
        for s in range(len(doc.segments)):
            ws = doc.segment_words(s)
            if ws:
                first_in_seg.add(ws[0].index)
        stats = None
        if src and doc.source_lang and doc.source_lang != doc.lang:
            stats = get_translation_stats(doc.source_lang, doc.lang)
        allow = self.res.allowlist
        freq = self.res.lexicon.freq
        titles = self._kept_titles(words, doc.source) if doc.source else set()
        for i, t in enumerate(words):
            w = t.text
            n = norm(w)
            alien = w.isascii() and "Latin" not in self.res.scripts
            suspect = False  # a common word of the target that translators do not keep
            if not alien and freq(n) >= COMMON_FREQ:
                # web-derived word lists carry common English words ('monday' is Zipf 3.1 in
                # German): a word of the source is examined when translators rarely keep it
                ws = stats.lookup(n) if stats is not None and n in src else None
                # function words ('of', 'the') turn up inside kept names ('University of
                # Oxford'): only content words are suspects
                if (ws is None or ws.copy_rate >= SUSPECT_COPY_RATE
                        or self.res.source_lexicon(doc.source_lang).zipf(n) >= SUSPECT_MAX_ZIPF):
                    continue  # common words are never candidates: no evidence needed
                suspect = True
            prev = doc.tokens[t.index - 1].text if t.index > 0 else ""
            initial = t.index in first_in_seg or prev in {'"', "“", "«", "„", ":", "(", "‘", "'", "—", "–", "-"}
            ev = {
                "cap": w[:1].isupper() and not initial,
                "cap_initial": w[:1].isupper() and initial,
                "acronym": len(w) >= 2 and w.isupper(),
                "inner_cap": any(c.isupper() for c in w[1:]) and not w.isupper(),
                "recurring": (counts[n] >= 2 and not (i > 0 and norm(words[i - 1].text) == n))
                             or ctx.get(n, 0) >= 2,
                "in_source": (n in src or (len(n) > 3 and any(p in src for p in n.split("-")))
                              # a name or term transliterated from a Latin-script source (бхаджан)
                              or (cross_script and len(n) >= 3 and supported(n))),
                "allowed": n in allow or w in allow,
            }
            ev["src_suspect"] = suspect
            ev["src_title"] = t.index in titles
            ev["src_cap"] = ev["in_source"] and n in src_caps
            # the source writes it exactly so, with a capital somewhere (Apple, iPhone): a name
            ev["src_same_cased"] = t.text in src_exact and t.text != t.text.lower()
            # rare in the source language too: a name, term or quotation both sides carry
            # (Huhne, civitas), not a source word left untranslated
            ev["src_rare"] = bool(ev["in_source"] and doc.source_lang
                                  and self.res.source_lexicon(doc.source_lang).zipf(n) < SRC_RARE_ZIPF)
            # a capitalised word nobody writes, with a source that has no word it could stand
            # for: not a name carried over from the source
            ev["unsupported"] = (bool(src) and (ev["cap"] or ev["cap_initial"]) and not ev["in_source"]
                                 and freq(n) == 0.0 and not supported(n))
            ev["doc_variant"] = (self.doc_variant(n, ctx) if not ev["recurring"] and freq(n) == 0.0
                                 and not ev["acronym"] else None)
            notes = [k for k, v in ev.items() if v]
            ev["copy_rate"], ev["copy_n"], ev["translation"] = None, 0, None
            if ev["in_source"] and stats is not None:
                ws = stats.lookup(n)
                if ws is not None:
                    ev["copy_rate"], ev["copy_n"] = round(ws.copy_rate, 3), ws.n
                    ev["translation"] = ws.translations[0][0] if ws.translations else None
            ev["note"] = ", ".join(notes)
            t.evidence["names"] = ev
