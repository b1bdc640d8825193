"""Detector: per-token evidence -> anomaly spans with a kind, a calibrated score and a reason.

Lexical candidates are scored by a logistic model whose weights and per-language thresholds are
fitted on dev data (bench/calibrate.py writes models/detector.json). Script and repetition
evidence are near-certain and carry the precision measured for them on the same data.
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .assets import embedded
from .document import Document, Token
from .errors import ModelError
from .report import Anomaly

DEFAULT_PATH = embedded("detector.json")

FEATURES = (
    "bias", "unknown", "zipf", "news", "explained", "cap", "cap_initial", "inner_cap", "recurring",
    "in_source", "foreign_zipf", "foreign_margin", "alien_latin",
    "length", "lm_gain", "lm_known", "foreign_run", "source_foreign", "source_margin",
    "char_z", "char_min",
    # the noisy channel (checker.spelling): how much likelier the word is a slip of a common word
    # than itself, alone and where capitalisation or an inflection would otherwise excuse it
    "typo_gain", "variant", "init_typo", "cap_typo", "explained_typo", "init_unknown",
    "morph_known", "morph_unknown",
    # translators' behaviour with a word the source also has (checker.translation)
    "src_kept", "src_dropped", "src_unseen",
    "half_foreign", "doc_variant", "truncated", "src_unseen_margin", "src_cap", "src_cap_unseen",
    "cap_unsupported", "src_rare", "src_title", "alien_common",
)

# Hand-set starting values (bench/calibrate.py reads its defaults here); Detector.load never uses
# them in place of a missing models/detector.json.
FALLBACK = {
    "weights": {"bias": -2.0, "unknown": 3.0, "zipf": -0.8, "news": -0.8, "explained": -3.0,
                "cap": -4.0, "cap_initial": -1.5, "inner_cap": -2.0, "recurring": -2.0,
                "in_source": -1.0, "foreign_margin": 0.6, "neighbour": 0.5, "alien_latin": 1.0,
                "lm_gain": 0.3, "source_foreign": 3.0},
    "thresholds": {}, "default_threshold": 0.5, "script_score": 0.95, "repetition_score": 0.9,
    "mojibake_score": 0.9,
}


#: a word of the source that translators keep less often than this is `untranslated`, not a name
UNTRANSLATED_COPY_RATE = 0.3

CONTEXT_FEATURES = ("bias", "lp", "low", "zipf", "length", "lp_zipf", "masked", "gain", "doubted")


def context_features(t: Token) -> dict[str, float] | None:
    """Inputs of the wrong-word model for a known, lower-case word that the context model scored;
    None for anything else (names, unknown words and other scripts are the lexical model's)."""
    cx = t.evidence.get("context")
    if cx is None or cx.get("zipf", 0.0) < 1.0 or "script" in t.evidence or len(t.text) < 2:
        return None
    nm = t.evidence.get("names", {})
    if nm.get("allowed") or nm.get("acronym"):
        return None
    z = cx["zipf"]
    lp = max(cx["lp"], -25.0)
    doubted = "masked" in cx
    return {"bias": 1.0, "lp": lp / 5, "low": max(cx["min"], -20.0) / 5, "zipf": z,
            "length": min(len(t.text), 20) / 10, "lp_zipf": lp * z / 25,
            "masked": max(cx["masked"], -30.0) / 5 if doubted else 0.0,
            "gain": min(cx["gain"], 20.0) / 5 if doubted else 0.0, "doubted": float(doubted)}


def features(t: Token) -> dict[str, float] | None:
    """The logistic model's inputs for one token, or None when the token is no candidate."""
    lx = t.evidence.get("lexicon")
    if lx is None or "script" in t.evidence:  # script evidence is reported on its own
        return None
    nm = t.evidence.get("names", {})
    if nm.get("allowed") or nm.get("acronym"):
        return None
    if lx.get("alien_latin") and (nm.get("src_same_cased") or (
            nm.get("src_cap") and (nm.get("cap") or nm.get("cap_initial") or nm.get("inner_cap")))):
        # a name or brand the source capitalises, kept in its own letters in a language with
        # another script (Google, Audi, iPhone in Ukrainian, Arabic, Chinese): that is how such
        # names are written there. Measured: the fitted model could not learn it, because
        # capitalised untranslated injections look the same and clean source-checked text in
        # these scripts is scarce (WMT22 has none for ar, he)
        return None
    px = t.evidence.get("perplexity")
    li = t.evidence.get("langid", {})
    z, fz = lx["zipf"], lx["foreign_zipf"]
    mk = lx.get("morph_known")
    # a full-form dictionary knows every inflection: where it has none, the guessed one is moot
    explained = bool(lx.get("inflection") or lx.get("compound") or lx.get("parts_known")) and mk is not False
    plain_unknown = (z == 0.0 and not explained and not nm.get("cap") and not nm.get("cap_initial")
                     and not lx.get("alien_latin"))
    typo_gain = min(max(lx.get("typo_score", -9.0) - z, 0.0), 6.0) / 2
    cap, initial = float(nm.get("cap", False)), float(nm.get("cap_initial", False))
    cr = nm.get("copy_rate") if nm.get("in_source") else None
    return {
        "bias": 1.0,
        "unknown": float(z == 0.0),
        "zipf": z,
        "news": math.log1p(lx.get("news", 0)),
        "explained": float(explained),
        "cap": float(nm.get("cap", False)),
        "cap_initial": float(nm.get("cap_initial", False)),
        "inner_cap": float(nm.get("inner_cap", False)),
        "recurring": float(nm.get("recurring", False)),
        "in_source": float(nm.get("in_source", False)),
        "foreign_zipf": fz,
        "foreign_margin": max(0.0, fz - z),
        "alien_latin": float(lx.get("alien_latin", False)),
        "length": min(len(t.text), 20) / 10,
        "lm_gain": min(max(px["gain"], 0.0), 20.0) / 5 if px else 0.0,
        "lm_known": float(px is not None),
        "foreign_run": float(li.get("run", 0) >= 2),
        # a word of the source language that the source also has: untranslated, not a name,
        # and not a quotation foreign to both sides (Latin 'civitas' in an English source)
        "source_foreign": float(bool(nm.get("in_source")) and lx.get("source_margin", 0.0) >= 1.5
                                and not nm.get("cap")),
        # how much more common the word is in the source language than in the target
        "source_margin": min(lx.get("source_margin", 0.0), 6.0),
        # letter-sequence plausibility, centred, only where it discriminates: unknown,
        # lower-case, unexplained words (garbles versus rare real words)
        "char_z": min(max(lx.get("char_z", 0.0), -5.0), 3.0) if plain_unknown else 0.0,
        "char_min": (min(max(lx.get("char_min", 0.0) + 7.0, -8.0), 7.0) / 3 if plain_unknown else 0.0),
        "typo_gain": typo_gain,
        # the word is the diacritic-less (or mis-accented) spelling of a far more common word
        "variant": float(lx.get("variant_zipf", 0.0) - z >= 1.0),
        "init_typo": initial * typo_gain,
        "cap_typo": cap * typo_gain,
        "explained_typo": float(explained) * typo_gain,
        # a sentence-initial capital says little about a word nobody writes
        "init_unknown": initial * float(z == 0.0),
        "morph_known": float(mk is True),
        "morph_unknown": float(mk is False and z == 0.0),
        "src_kept": float(cr) if cr is not None else 0.0,
        # confident that translators do not keep it: seen often and rarely kept
        "src_dropped": (1.0 - cr) * min(1.0, nm.get("copy_n", 0) / 5) if cr is not None else 0.0,
        "src_unseen": float(bool(nm.get("in_source")) and cr is None),
        "half_foreign": float(bool(lx.get("half_foreign"))),
        # one slip from a word that recurs in the document while this form does not
        "doc_variant": float(bool(nm.get("doc_variant"))),
        # the beginning of a common word, cut short (an MT artefact)
        "truncated": (min(max(lx.get("completion_zipf", 0.0) - 3.0, 0.0), 3.0) / 2 if z == 0.0 else 0.0),
        # a source word translators were never seen with: much more common in the source
        # language than in the target, or written like a name in the source
        "src_unseen_margin": (min(lx.get("source_margin", 0.0), 4.0) / 4
                              if nm.get("in_source") and cr is None and not lx.get("alien_latin") else 0.0),
        "src_cap": float(bool(nm.get("src_cap"))),
        # capitalised mid-sentence in the source and never seen by the statistics: a name
        "src_cap_unseen": float(bool(nm.get("src_cap")) and cr is None),
        # a capitalised unknown word that answers to nothing in the source
        "cap_unsupported": float(bool(nm.get("unsupported"))),
        "src_rare": float(bool(nm.get("src_rare"))),
        # part of a capitalised name or title the source has word for word
        "src_title": float(bool(nm.get("src_title"))),
        # a lone lower-case common word of another script's language ('assist' in Ukrainian):
        # names and brands, which make Latin words in Cyrillic text mostly harmless, are
        # capitalised (or camel-cased: iPod, pH), and quoted titles ('Dawn of the Dead') are
        # runs of such words
        "alien_common": (min(max(fz - 2.5, 0.0), 3.0) / 3
                         if lx.get("alien_latin") and not cap and not initial and not nm.get("inner_cap")
                         and li.get("run", 0) <= 1 else 0.0),
    }


#: the signals' Findings (signals.base.Finding) the detector reports: (``meta:`` key, kind, the
#: Detector field holding the kind's measured precision, the evidence key that carries the fix —
#: the suggester offers that fix, checker.suggest)
FINDINGS = (("numbers", "number", "number_score", "number"), ("names", "name", "name_score", "name"),
            ("terms", "term", "term_score", "term"),
            # a garbled zh/ja run is a non-word found by a character model: its evidence says so
            ("garbled", "non-word", "garbled_score", "garbled"),
            ("homophones", "misspelling", "homophone_score", "homophone"))
FINDING_EVIDENCE = frozenset(e for *_, e in FINDINGS)


@dataclass
class Detector:
    weights: dict[str, float]
    thresholds: dict[str, float]
    default_threshold: float
    script_score: float
    repetition_score: float
    mojibake_score: float
    segment_score: float = 0.9
    #: precision of number flags (checker.numbers), measured by hand on real MT output
    number_score: float = 0.9
    #: precision of altered-name flags (signals/source_names.py)
    name_score: float = 0.9
    #: a glossary violation: the source has the term and the target lacks the required one
    term_score: float = 0.95
    #: a garbled run of characters in zh/ja text (signals/charseq.py, an opt-in signal): its
    #: precision judged by hand on WMT22 system outputs, 1/36 (bench/cjk_flags_wmt22.tsv)
    garbled_score: float = 0.03
    #: a Chinese character in place of one read alike (signals/charseq.py): 1/14 there
    homophone_score: float = 0.07
    digest: str = "fallback"
    lang_weights: dict[str, dict[str, float]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Detector":
        p = Path(path) if path else DEFAULT_PATH
        # Never the fallback weights in their place: they give other results, and an install that
        # lacks its models would look like it works (det:fallback in a signature nobody reads).
        if not p.is_file():
            if path:
                raise ModelError(f"detector weights not found: {p}")
            raise ModelError(f"the embedded detector weights are missing ({p}): this install of "
                             "translation-checker lacks its models; reinstall it")
        try:
            raw = p.read_bytes()
            cfg = json.loads(raw)
        except (OSError, ValueError) as e:
            raise ModelError(f"cannot read detector weights {p}: {str(e).splitlines()[0][:160]}") from None
        digest = hashlib.sha256(raw).hexdigest()[:8]
        return cls(weights=cfg["weights"], thresholds=cfg.get("thresholds", {}),
                   default_threshold=cfg.get("default_threshold", 0.5),
                   script_score=cfg.get("script_score", 0.95),
                   repetition_score=cfg.get("repetition_score", 0.9),
                   mojibake_score=cfg.get("mojibake_score", 0.9), digest=digest,
                   lang_weights=cfg.get("lang_weights", {}),
                   segment_score=cfg.get("segment_score", 0.9),
                   number_score=cfg.get("number_score", 0.9), name_score=cfg.get("name_score", 0.9),
                   term_score=cfg.get("term_score", 0.95), garbled_score=cfg.get("garbled_score", 0.03),
                   homophone_score=cfg.get("homophone_score", 0.07),
                   extra={k: v for k, v in cfg.items() if k not in ("weights", "thresholds", "lang_weights")})

    def threshold(self, lang: str) -> float:
        return self.thresholds.get(lang, self.default_threshold)

    def probability(self, feats: dict[str, float], lang: str | None = None) -> float:
        """P(error) for one candidate, with the language's own weights where dev data had it."""
        w = self.lang_weights.get(lang, self.weights) if lang else self.weights
        s = sum(w.get(k, 0.0) * v for k, v in feats.items())
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, s))))

    def __call__(self, doc: Document, min_score: float | None = None) -> list[Anomaly]:
        """All anomalies scoring at or above ``min_score`` (default: the language's threshold)."""
        thr = self.threshold(doc.lang) if min_score is None else min_score
        out: list[Anomaly] = []
        taken: set[int] = set()
        for s, e, n in doc.meta.get("repeats", []):
            out.append(Anomaly(s, e, doc.text[s:e], "repetition", self.repetition_score,
                               "doubled word" if n == 1 else f"repeated {n}-word sequence",
                               evidence={"repetition": n}))
            taken.update(range(s, e))
        for s, e, lang, conf in doc.meta.get("foreign_segments", []):
            kind = "untranslated" if doc.source_lang == lang else "foreign"
            out.append(Anomaly(s, e, doc.text[s:e], kind, self.segment_score,
                               f"the whole sentence reads as {lang}, not {doc.lang}"
                               + (" (the source language)" if kind == "untranslated" else ""),
                               evidence={"segment_lang": lang, "confidence": conf}))
            taken.update(range(s, e))
        # the signals' findings (FINDINGS), each kind at its measured precision
        for key, kind, score_attr, ev_key in FINDINGS:
            score = getattr(self, score_attr)
            for f in doc.meta.get(key, []):
                if f.start in taken and kind != "number":  # a number is reported whatever else holds it
                    continue
                out.append(Anomaly(f.start, f.end, doc.text[f.start:f.end], kind, score, f.note,
                                   evidence={ev_key: {"fix": f.fix, **f.evidence}}))
                if f.claims:
                    taken.update(range(f.start, f.end))
        for s, e, meant, fix in doc.meta.get("radicals", []):
            if s not in taken:
                out.append(Anomaly(s, e, doc.text[s:e], "script", self.script_score,
                                   f"radical U+{ord(doc.text[s]):04X} in place of the ideograph '{meant}' "
                                   "(a PDF text-layer artifact)", evidence={"radical": fix}))
                taken.update(range(s, e))
        for s, e, fixed in doc.meta.get("mojibake", []):
            if s not in taken:
                out.append(Anomaly(s, e, doc.text[s:e], "script", self.mojibake_score,
                                   f"mojibake: reads as '{fixed}' when decoded correctly",
                                   evidence={"mojibake": fixed}))
                taken.update(range(s, e))
        for t in doc.tokens:
            if t.start in taken:
                continue
            sc = t.evidence.get("script")
            if sc:
                out.append(Anomaly(t.start, t.end, t.text, "script", self.script_score, sc["note"],
                                   evidence={"script": sc}))
                continue
            f = features(t)
            if f is None:
                continue
            p = self.probability(f, doc.lang)
            if p < thr:
                continue
            out.append(Anomaly(t.start, t.end, t.text, self.kind_of(t, doc), p, self._reason(t),
                               evidence=dict(t.evidence)))
        # the language's threshold is the lexical model's (fitted to its false-alarm budget); the
        # kinds scored by their measured precision (script, repetition, segment, mojibake,
        # number, name, term) answer only to a threshold the caller sets (Serbian's 0.91 once silenced
        # doubled words, scored 0.90)
        floor = 0.0 if min_score is None else min_score
        out = [a for a in out if a.score >= (thr if "lexicon" in a.evidence else floor)]
        out.extend(self._wrong_words(doc, min_score, {a.start for a in out}))  # own thresholds
        out.sort(key=lambda a: a.start)
        return out

    def _wrong_words(self, doc: Document, min_score: float | None, taken: set[int]) -> list[Anomaly]:
        """Real words the context model finds out of place (its own weights and thresholds)."""
        cfg = self.extra.get("context")
        if not cfg:
            return []
        thr = cfg["thresholds"].get(doc.lang, cfg["default_threshold"]) if min_score is None else min_score
        out = []
        for t in doc.tokens:
            f = context_features(t) if t.start not in taken else None
            if f is None:
                continue
            s = sum(cfg["weights"].get(k, 0.0) * v for k, v in f.items())
            p = 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, s))))
            if p >= thr:
                cx = t.evidence["context"]
                out.append(Anomaly(t.start, t.end, t.text, "wrong-word", p,
                                   f"a real word that does not fit this sentence: the context model gives it "
                                   f"log-probability {cx['lp']:.1f}", evidence=dict(t.evidence)))
        return out

    @staticmethod
    def kind_of(t: Token, doc: Document) -> str:
        """The kind of a lexical anomaly on ``t`` (untranslated, foreign, misspelling, non-word)."""
        lx = t.evidence["lexicon"]
        nm = t.evidence.get("names", {})
        foreignish = lx["alien_latin"] or (lx["foreign_zipf"] >= 3.0 and lx["foreign_zipf"] - lx["zipf"] >= 1.5)
        cr = nm.get("copy_rate")
        if nm.get("in_source") and (foreignish or (cr is not None and cr < UNTRANSLATED_COPY_RATE)):
            return "untranslated"
        if foreignish:
            return "foreign"
        if lx.get("neighbour"):
            return "misspelling"
        return "non-word"

    @staticmethod
    def _reason(t: Token) -> str:
        parts = [t.evidence["lexicon"]["note"]]
        if "langid" in t.evidence and t.evidence["langid"]["run"] > 1:
            parts.append(t.evidence["langid"]["note"])
        if "perplexity" in t.evidence:
            parts.append(t.evidence["perplexity"]["note"])
        cx = t.evidence.get("context")
        if cx:  # the neural model's own view, when it is on
            parts.append(f"the context model gives it log-probability {cx['lp']:.1f} in this sentence"
                         + (f" and prefers another word by {cx['gain']:.1f} nats" if cx.get("gain") else ""))
        nm = t.evidence.get("names", {})
        if nm.get("in_source"):
            if nm.get("copy_rate") is not None:
                kept = nm["copy_rate"]
                parts.append(f"also in the source; translators keep it in {kept:.0%} of {nm['copy_n']} segments"
                             + (f" (usually '{nm['translation']}')" if nm.get("translation") and kept < 0.5 else ""))
            else:
                parts.append("also in the source")
        return "; ".join(parts)


__all__ = ["Detector", "features", "FEATURES", "context_features", "CONTEXT_FEATURES"]
