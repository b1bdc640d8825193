"""Suggester: candidate fixes for an anomaly, each scored by how likely an editor accepts it.

Candidates come from three places: the words the text would be a slip of (checker.spelling:
diacritics restored, one edit, one edit plus diacritics, each with the slip's cost), the language
model's fill-in for the gap, and deletion. Each is scored on the language model's gain for the
corrected sentence, its edit distance to what is there and its frequency.

Bounded work: ranking costs ~10 ms per anomaly (a language-model search), so one text gets ranked
suggestions for at most ``MAX_RANKED`` anomalies, its highest-scoring ones; the rest of a text that
garbled keeps its detections without fixes. Words over ``document.MAX_WORD_CHARS`` get none.
"""
from __future__ import annotations

import math
import re

from .detector import FINDING_EVIDENCE
from .document import MAX_WORD_CHARS, Document, Token, char_script
from .lexicon import norm
from .report import Anomaly, Suggestion
from .resources import Resources
from .spelling import COST_DOUBLE, damerau  # noqa: F401  (damerau re-exported)
from .translation import get_translation_stats

#: kinds whose word may stand for a source word the target lacks (Suggester.source_candidates)
_FROM_SOURCE_KINDS = frozenset({"non-word", "foreign", "untranslated", "script"})
#: how far (share of the line) from the token's relative position a source word may be
_SOURCE_WINDOW = 0.2
#: translations of nearby source words offered at most
_SOURCE_CANDIDATES = 6
#: a word this common (Zipf) is a function word: no candidate from or for it
_FUNCTION_ZIPF = 6.0
_SRC_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")

_CONTEXT = 2
#: fill-ins of the language model offered per gap, and completions of a word cut short
_FILL_K = 12
_COMPLETIONS = 6
#: a word at least this common (Zipf) is not read as cut short or as two words run together
_KNOWN_ZIPF = 3.0
#: the cheap slips (checker.spelling: diacritic, sound-alike, doubled letter)
_ONE_SLIP = COST_DOUBLE
# fill-ins come from the 10k most frequent words: a sixth of the search, same suggestions in practice
_FILL_SEARCH = 10000
# ranked suggestions per text (see the module docstring): far above any real text's count
MAX_RANKED = 100
#: bound on remembered suggestion lists (Suggester._rank); cleared, not evicted, when reached
_MEMO_MAX = 1 << 14
# Acceptance model (logistic) used until bench/calibrate.py has fitted one on dev data.
DEFAULT_WEIGHTS = {"bias": -1.0, "lm_rel": 0.6, "dist": -4.0, "edit1": 1.0, "zipf": 0.3,
                   "same_initial": 0.5, "from_lm": 0.5}


# Letters that look alike across Latin, Cyrillic and Greek (the usual homoglyph substitutions).
_CYR = "аАвВеЕкКмМнНоОрРсСтТуУхХіІјЈѕЅԁ"
_LAT = "aABBeEkKmMHHoOpPcCTTyYxXiIjJsSd"
_GRK_LAT = {"α": "a", "ο": "o", "ρ": "p", "ν": "v", "τ": "t", "Α": "A", "Β": "B", "Ε": "E", "Η": "H",
            "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Χ": "X", "Υ": "Y"}
_TO_LATIN = dict(zip(_CYR, _LAT)) | _GRK_LAT
_TO_CYRILLIC = {lat: cyr for cyr, lat in zip(_CYR, _LAT) if lat not in "BHmTy"} | {"B": "В", "H": "Н", "T": "Т", "y": "у", "m": "м"}
# below this acceptance score, a fill-in for a foreign-script word is noise to an editor
_MIN_SCRIPT_FILL = 0.05


def match_case(word: str, like: str) -> str:
    """``word`` in the case pattern of ``like`` (upper, capitalised); a capitalised ``word`` stays so."""
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


class Suggester:
    FEATURES = ("bias", "lm_rel", "dist", "edit1", "zipf", "same_initial", "from_lm", "lm_rank",
                "lm_rel_lm", "func", "len_ratio", "from_spell", "slip", "slip_score", "from_source",
                "lm_vocab", "lm_rel_vocab", "lm_rank_far", "lm_rel_far", "from_completion", "from_split")
    # with a context model: its score relative to the best candidate, and whether/where it proposed one
    CM_FEATURES = FEATURES + ("cm_rel", "from_cm", "cm_rank", "cm_rel_cm", "cm_gain")

    def __init__(self, resources: Resources, weights: dict[str, float | str] | None = None, k: int = 5,
                 cm_weights: dict[str, float | str] | None = None):
        self.res = resources
        self.use_cm = resources.cm is not None and resources.cm.covers(resources.lang)
        if self.use_cm:
            self.w = dict(cm_weights or {**DEFAULT_WEIGHTS, "lm_rel": 0.2, "cm_rel": 0.6, "from_cm": 0.5})
        else:
            self.w = dict(weights or DEFAULT_WEIGHTS)
        self.k = k
        self._memo: dict[tuple, list[Suggestion]] = {}

    def __call__(self, doc: Document, anomalies: list[Anomaly]) -> None:
        word_at = {t.start: t for t in doc.tokens if t.is_word}  # one pass, not one per anomaly
        ranked = {id(a) for a in sorted(anomalies, key=lambda a: -a.score)[:MAX_RANKED]}
        for a in anomalies:
            ev = a.evidence
            found = [k for k in FINDING_EVIDENCE if k in ev]
            if a.kind == "repetition":
                a.suggestions = [Suggestion("", round(min(0.99, a.score), 4))]
            elif "segment_lang" in ev:  # a whole sentence in another language wants a translation, not a word
                a.suggestions = []
            elif found:  # a finding's own fix: the source's number or name, the glossary's term, a homophone
                fix = ev[found[0]]["fix"]  # ("" for none: what a garbled run meant is unknown)
                a.suggestions = [Suggestion(fix, round(min(0.9, a.score), 4))] if fix else []
            elif "radical" in ev:  # the ideograph the radical looks like ("" when it follows already)
                a.suggestions = [Suggestion(ev["radical"], 0.9)]
            elif "mojibake" in ev:
                a.suggestions = [Suggestion(ev["mojibake"], 0.9)]
            elif ev.get("script", {}).get("anomaly") == "control":
                a.suggestions = [Suggestion("", 0.8)]
            elif ev.get("script", {}).get("anomaly") == "invisible":
                a.suggestions = [Suggestion("".join(c for c in a.text if c not in "\u200b\u2060\ufeff\u200c\u200d"), 0.9)]
            elif ev.get("script", {}).get("anomaly") == "mixed":
                a.suggestions = self._homoglyphs(a.text)
            else:
                tok = word_at.get(a.start)
                # an over-long word is judged by cheap evidence only (document.MAX_WORD_CHARS):
                # its candidates' edit distances alone would grow with its length
                usable = tok is not None and len(tok.text) <= MAX_WORD_CHARS and id(a) in ranked
                # a word that stands for no word of the language may stand for a source word
                # whose translation the target lacks (see source_candidates)
                extra = self.source_candidates(doc, tok, a.kind) if usable else ()
                a.suggestions = self._rank(tok, doc, extra) if usable else []
                if a.kind == "script":  # a fill-in for a foreign-script word is a guess: keep real ones
                    a.suggestions = [x for x in a.suggestions if x.score >= _MIN_SCRIPT_FILL]

    def _homoglyphs(self, text: str) -> list[Suggestion]:
        """The word with its look-alike letters written in the word's main script: the script of
        most of its letters; on a tie (МS, ІV), whichever reading the lexicon knows better, then
        the language's own script (never the order of a set, which changes with the process's
        hash seed: it once made this suggestion differ between runs)."""
        scripts = [char_script(c) for c in text if c.isalpha()]
        most = max(scripts.count(sc) for sc in set(scripts))
        lex, native = self.res.lexicon, self.res.scripts
        options = []
        for main in sorted({sc for sc in scripts if scripts.count(sc) == most}):
            table = _TO_LATIN if main == "Latin" else _TO_CYRILLIC if main == "Cyrillic" else {}
            fixed = "".join(table.get(c, c) if c.isalpha() and char_script(c) != main else c for c in text)
            if fixed != text:
                options.append((lex.zipf(fixed), main in native, fixed))
        if not options:
            return []
        z, _, fixed = max(options)
        return [Suggestion(fixed, 0.95 if z > 0 else 0.6)]

    def source_candidates(self, doc: Document, tok: Token, kind: str | None) -> tuple[str, ...]:
        """For a token flagged as ``kind`` — a non-word, foreign, untranslated or stray-script
        word — the translations (the translators' statistics) of the source words near its
        relative position that the target lacks: such a word usually stands where one of them
        belongs (source and target run roughly in parallel). At most ``_SOURCE_CANDIDATES``,
        nearest source word first; () for other kinds or without a source."""
        if (kind not in _FROM_SOURCE_KINDS or not doc.source or not doc.source_lang
                or doc.source_lang == doc.lang or not doc.text):
            return ()
        stats = get_translation_stats(doc.source_lang, doc.lang)
        if stats is None:
            return ()
        r = (tok.start + tok.end) / 2 / len(doc.text)
        have = [norm(w.text) for w in doc.words() if w.index != tok.index]
        near = sorted(((abs((m.start() + m.end()) / 2 / len(doc.source) - r), m.group())
                       for m in _SRC_WORD.finditer(doc.source)), key=lambda x: x[0])
        out: list[str] = []
        slex, lex = self.res.source_lexicon(doc.source_lang), self.res.lexicon
        for dist, w in near:
            if dist > _SOURCE_WINDOW or len(out) >= _SOURCE_CANDIDATES:
                break
            if slex.zipf(w.lower()) >= _FUNCTION_ZIPF:
                continue  # function words ('the', 'of') stand for no one word of the target
            ws = stats.lookup(norm(w))
            for t, p in (ws.translations if ws is not None else ()):
                nt = norm(t)
                stem = nt[:max(3, len(nt) - 2)]
                if (p >= 0.1 and len(nt) >= 3 and lex.zipf(nt) < _FUNCTION_ZIPF and t not in out
                        and not any(h.startswith(stem) for h in have)):
                    out.append(t)
        return tuple(out[:_SOURCE_CANDIDATES])

    def _rank(self, tok: Token, doc: Document, extra: tuple[str, ...] = ()) -> list[Suggestion]:
        """The k best replacements for ``tok``. Without a context model they depend only on the
        word, two words either side, its source translation and whether it starts a sentence,
        so they are remembered under that key (a corpus repeats its errors in the same phrases)."""
        if self.use_cm:
            return self._rank_now(tok, doc, extra)
        words = doc.segment_words(tok.segment)
        i = doc.word_position(tok)
        key = (tok.text, i == 0, tok.evidence.get("names", {}).get("translation"), extra,
               *(w.text for w in words[max(0, i - _CONTEXT):i]), "|", *(w.text for w in words[i + 1:i + 1 + _CONTEXT]))
        got = self._memo.get(key)
        if got is None:
            if len(self._memo) >= _MEMO_MAX:
                self._memo.clear()
            got = self._memo[key] = self._rank_now(tok, doc, extra)
        return [Suggestion(x.text, x.score) for x in got]

    def _rank_now(self, tok: Token, doc: Document, extra: tuple[str, ...] = ()) -> list[Suggestion]:
        scored = [(sum(self.w.get(k, 0.0) * v for k, v in f.items()), c)
                  for c, f in self.candidate_features(doc, tok, extra)]
        if self.w.get("_model") == "softmax":
            # the candidates compete with each other and with "none of them" (score 0)
            top = max([0.0] + [x for x, _ in scored])
            z = math.exp(-top) + sum(math.exp(x - top) for x, _ in scored)
            out = [(math.exp(x - top) / z, c) for x, c in scored]
        else:
            out = [(1 / (1 + math.exp(-max(-40.0, min(40.0, x)))), c) for x, c in scored]
        out.sort(key=lambda pc: (-pc[0], pc[1]))
        # a translation keeps its own capital (German nouns: 'monday' -> 'Montag')
        tr = tok.evidence.get("names", {}).get("translation")
        own = {norm(x): x for x in (tr, *extra) if x and x[:1].isupper()}
        # a sentence starts with a capital whatever the typist wrote ('každy' -> 'Každý')
        words = doc.segment_words(tok.segment)
        like = tok.text[:1].upper() + tok.text[1:] if words and words[0].index == tok.index else tok.text
        return [Suggestion(match_case(own.get(c, c), like), round(p, 4)) for p, c in out[: self.k]]

    def candidate_features(self, doc: Document, tok: Token,
                           extra: tuple[str, ...] = ()) -> list[tuple[str, dict[str, float]]]:
        """Every candidate replacement for ``tok`` with the acceptance model's inputs; ``extra``:
        translations of the source words it may stand for (``from_source``)."""
        lex = self.res.lexicon
        lm = self.res.lm
        words = doc.segment_words(tok.segment)
        i = doc.word_position(tok)
        left = [w.text for w in words[max(0, i - _CONTEXT):i]]
        right = [w.text for w in words[i + 1:i + 1 + _CONTEXT]]
        n = norm(tok.text)
        cands: dict[str, bool] = {}
        # the words it would be a slip of (diacritics restored, one edit, one edit plus
        # diacritics), with the slip's cost
        slips = [] if self.res.unsegmented else self.res.spell_index.candidates(n, limit=12)
        spell = {c.word: c.cost for c in slips}
        cands.update(dict.fromkeys(spell, False))
        comp: set[str] = set()
        split: dict[str, list[str]] = {}
        if not self.res.unsegmented and lex.zipf(n) < _KNOWN_ZIPF:
            # a word cut short (MT output truncated, a typist interrupted): what it begins —
            # unless a common word is one cheap slip away (a diacritic, a sound-alike or doubled
            # letter: then the slip is the likelier story; bench/real_errors.py, dev)
            one_slip = any(c.cost <= _ONE_SLIP and c.zipf >= _KNOWN_ZIPF for c in slips)
            for c in ([] if one_slip else lex.completions(n, k=_COMPLETIONS)):
                cands.setdefault(c, False)
                comp.add(c)
            # two words run together: the space put back (the same guard)
            for a, b in ([] if one_slip else lex.splits(n)):
                split[f"{a} {b}"] = [a, b]
                cands.setdefault(f"{a} {b}", False)
        rank: dict[str, int] = {}
        if lm is not None:
            for c, _ in lm.fill(left, right, k=_FILL_K, limit=_FILL_SEARCH):
                if c.replace("-", "").replace("'", "").isalpha():
                    cands[c] = True
                    rank[c] = len(rank)
        cm_rank: dict[str, int] = {}
        sentence = [w.text for w in words]
        if self.use_cm:
            for c, _ in self.res.cm.slot_fill(sentence, i, k=12):
                c = norm(c)
                if c.replace("-", "").replace("'", "").isalpha() and c not in cm_rank:
                    cands.setdefault(c, False)
                    cm_rank[c] = len(cm_rank)
        # what translators usually write for this source word (an untranslated term's fix)
        translation = tok.evidence.get("names", {}).get("translation")
        if translation:
            cands.setdefault(norm(translation), False)
        from_source = {norm(translation)} if translation else set()
        for x in extra:
            cands.setdefault(norm(x), False)
            from_source.add(norm(x))
        cands.pop(n, None)
        if not cands:
            return []
        names = list(cands)
        if lm is not None:
            scored = dict(lm.fill(left, right, candidates=[c for c in names if c not in split]))
            if split:  # two words in the gap: the same score, log P(left + words + right) - log P(left)
                base = lm.sequence_logprob(left)
                for c, parts in split.items():
                    scored[c] = lm.sequence_logprob(left + parts + right) - base
        else:
            scored = {c: lex.zipf(c) * math.log(10) for c in names}
        best = max(scored.values())
        cm_scored: dict[str, float] = {}
        if self.use_cm:
            cm_scored = self.res.cm.slot_scores(sentence, i, [tok.text] + [match_case(c, tok.text) for c in names])
            cm_own = cm_scored.pop(tok.text, None)
            cm_scored = {norm(c): v for c, v in cm_scored.items()}
            cm_best = max(cm_scored.values(), default=0.0)
        in_vocab = ((lambda w: all(lm.vocab_count(x) > 0 for x in w.split(" "))) if lm is not None
                    else (lambda w: False))
        out = []
        for c in names:
            d = damerau(n, c)
            rel = max(-15.0, scored.get(c, best - 15.0) - best)
            z = lex.zipf(c)
            lm_rank = 1.0 / (1 + rank[c]) if c in rank else 0.0
            out.append((c, {
                "bias": 1.0,
                "lm_rel": rel,
                "dist": d / max(len(n), len(c), 1),
                "edit1": float(d == 1),
                "zipf": z,
                "same_initial": float(c[:1] == n[:1]),
                "from_lm": float(cands[c]),
                "lm_rank": lm_rank,
                "lm_rel_lm": rel if cands[c] else 0.0,
                "func": float(z >= 6.0),
                "len_ratio": min(len(c), len(n)) / max(len(c), len(n), 1),
                # the noisy channel's view: how cheap the slip from c to the text is
                "from_spell": float(c in spell),
                "slip": min(spell.get(c, 5.0), 5.0),
                "slip_score": z - min(spell.get(c, 5.0), 5.0),
                "from_source": float(c in from_source),
                # the language model can only rank the forms it knows: its preference among
                # two known inflections is evidence, against an unknown one it is not
                "lm_vocab": float(in_vocab(c)),
                "lm_rel_vocab": rel if in_vocab(c) else 0.0,
                # a token with no word one slip away (a garble, a foreign word) is only the
                # model's to fill: its preference weighs differently there
                "lm_rank_far": lm_rank if not spell else 0.0,
                "lm_rel_far": rel if not spell else 0.0,
                "from_completion": float(c in comp),
                "from_split": float(c in split),
            }))
            if self.use_cm:
                cr = max(-15.0, cm_scored.get(c, cm_best - 15.0) - cm_best)
                out[-1][1].update({"cm_rel": cr, "from_cm": float(c in cm_rank),
                                   "cm_rank": 1.0 / (1 + cm_rank[c]) if c in cm_rank else 0.0,
                                   "cm_rel_cm": cr if c in cm_rank else 0.0,
                                   # the model's gain on the corrected sentence over the text as it is
                                   "cm_gain": (min(max(cm_scored[c] - cm_own, -15.0), 15.0) / 5
                                               if cm_own is not None and c in cm_scored else 0.0)})
        return out
