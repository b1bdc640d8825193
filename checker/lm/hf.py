"""Transformers backends behind the LanguageModel interface: causal LMs (surprisal per word,
sliding windows) and masked LMs (pseudo-log-likelihood, fill-mask). Both accept a hub id or a
local directory, exactly like ``from_pretrained``; torch and transformers are imported only here.
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Sequence

from ..errors import ModelError
from .base import LanguageModel

# torch and transformers come with the neural extra, not with the default install: without them,
# one line that names the extra instead of an ImportError deep in a model load. find_spec, so that
# importing this module still does not import torch.
_MISSING = [m for m in ("torch", "transformers") if importlib.util.find_spec(m) is None]
if _MISSING:
    raise ModelError(f"transformers models need the neural extra ({_MISSING[0]} is not installed): "
                     "pip install 'translation-checker[neural]'")


def offline() -> bool:
    return any(os.environ.get(v, "").lower() in ("1", "true", "yes", "on")
               for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def _pick_device(device: str | None):
    import torch

    if device:
        return torch.device(device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def _load(name_or_path: str, kind: str, device: str | None, dtype: str | None):
    """(tokenizer, model, device) with one clear ModelError for anything that goes wrong."""
    import torch
    import transformers
    from transformers import AutoModelForCausalLM, AutoModelForMaskedLM, AutoTokenizer

    transformers.utils.logging.disable_progress_bar()  # no "Loading weights" bars in a CLI's output
    transformers.utils.logging.set_verbosity_error()  # long inputs are windowed here, not truncated blindly
    local = Path(name_or_path).is_dir()
    try:
        tok = AutoTokenizer.from_pretrained(name_or_path, local_files_only=offline() and not local)
        cls = AutoModelForCausalLM if kind == "causal" else AutoModelForMaskedLM
        dev = _pick_device(device)
        dt = getattr(torch, dtype) if dtype else (torch.float16 if dev.type == "cuda" else torch.float32)
        model = cls.from_pretrained(name_or_path, dtype=dt, local_files_only=offline() and not local)
    except (OSError, ValueError) as e:
        where = "" if local else f"; where there is network, fetch it with `checker models pull {name_or_path}`"
        raise ModelError(f"cannot load {kind} language model {name_or_path!r} "
                         f"({str(e).splitlines()[0][:160]}){where}") from None
    if not getattr(tok, "is_fast", False):
        raise ModelError(f"{name_or_path!r}: a fast tokenizer (with offsets) is required")
    model.to(dev).eval()
    return tok, model, dev


class _HFBase(LanguageModel):
    kind = ""

    def __init__(self, name_or_path: str, lang: str = "und", device: str | None = None,
                 dtype: str | None = None, batch_size: int = 16):
        self.tok, self.model, self.device = _load(name_or_path, self.kind, device, dtype)
        self.lang = lang
        self.batch_size = batch_size
        self.max_len = min(int(getattr(self.tok, "model_max_length", 512) or 512), 512)
        cfg = self.model.config
        pos = getattr(cfg, "max_position_embeddings", None) or getattr(cfg, "n_positions", None)
        if pos:  # RoBERTa-style models number positions from pad_token_id + 1
            off = (cfg.pad_token_id or 0) + 1 if "roberta" in getattr(cfg, "model_type", "") else 0
            self.max_len = min(self.max_len, int(pos) - off)
        self.name = f"{self.kind}:{name_or_path}"
        vocab = self.tok.convert_ids_to_tokens(list(range(min(len(self.tok), 2000))))
        # sentencepiece and byte-level BPE mark word starts; WordPiece marks continuations
        self._marker = next((m for m in ("▁", "Ġ") if sum(v.startswith(m) for v in vocab) > len(vocab) // 10), None)

    def _starts_word(self, token_id: int) -> bool:
        piece = self.tok.convert_ids_to_tokens(token_id)
        if piece.startswith("##"):
            return False
        return self._marker is None or piece.startswith(self._marker)

    @classmethod
    def from_pretrained(cls, name_or_path: str, lang: str = "und", **kw) -> "_HFBase":
        return cls(name_or_path, lang, **kw)

    def _encode(self, words: Sequence[str]):
        """Token ids of the words joined by spaces, and the word index of every token (-1: none)."""
        text, spans = "", []
        for w in words:
            if text:
                text += " "
            spans.append((len(text), len(text) + len(w)))
            text += w
        enc = self.tok(text, return_offsets_mapping=True, add_special_tokens=True)
        owner = []
        for a, b in enc["offset_mapping"]:
            k = -1
            if b > a:
                for i, (s, e) in enumerate(spans):
                    if a < e and s < b:
                        k = i
                        break
            owner.append(k)
        return enc["input_ids"], owner


class CausalLM(_HFBase):
    """Per-word surprisal from a causal LM: a word's log-probability is the sum over its pieces."""

    kind = "causal"

    def _piece_logprobs(self, ids: list[int]) -> list[float]:
        """log P(ids[i] | ids[:i]) for i >= 1, with sliding windows past the model's length."""
        import torch

        out = [0.0] * len(ids)
        stride = max(1, self.max_len // 2)
        start = 0
        with torch.inference_mode():
            while True:
                end = min(len(ids), start + self.max_len)
                x = torch.tensor([ids[start:end]], device=self.device)
                lp = torch.log_softmax(self.model(x).logits.float(), -1)[0]
                first = 1 if start == 0 else self.max_len - stride
                for i in range(first, end - start):
                    out[start + i] = float(lp[i - 1, ids[start + i]])
                if end == len(ids):
                    break
                start = end - self.max_len + stride
        return out

    def token_logprobs(self, words: Sequence[str]) -> list[float]:
        if not words:
            return []
        ids, owner = self._encode(words)
        bos = self.tok.bos_token_id
        if bos is not None and (not ids or ids[0] != bos):
            ids, owner = [bos] + ids, [-1] + owner
        lps = self._piece_logprobs(ids)
        res = [0.0] * len(words)
        for lp, k in zip(lps, owner):
            if k >= 0:
                res[k] += lp
        return res

    def fill(self, left, right, k=10, candidates=None, limit=None):
        import torch

        if candidates is None:
            # candidates: the model's most likely next pieces that start a word
            ids, _ = self._encode(list(left) or [""])
            with torch.inference_mode():
                logits = self.model(torch.tensor([ids[-self.max_len:]], device=self.device)).logits[0, -1].float()
            top = torch.topk(logits, min(int(limit or 200), logits.numel())).indices.tolist()
            candidates = []
            for t in top:
                w = self.tok.decode([t]).strip()
                if w and self._starts_word(t) and w.replace("-", "").replace("'", "").isalpha() and w not in candidates:
                    candidates.append(w)
            scored = self.fill(left, right, candidates=candidates)
            return scored[:k]
        base = sum(self.token_logprobs(list(left))) if left else 0.0
        scores = []
        for c in candidates:
            scores.append((c, sum(self.token_logprobs(list(left) + [c] + list(right))) - base))
        scores.sort(key=lambda cs: -cs[1])
        return scores


class MaskedLM(_HFBase):
    """Pseudo-log-likelihood scores and fill-mask candidates from a masked LM."""

    kind = "masked"

    def _pll(self, ids: list[int], positions: list[int]) -> list[float]:
        """log P(ids[p] | everything else, ids[p] masked) for each p, batched."""
        import torch

        mask = self.tok.mask_token_id
        out = []
        with torch.inference_mode():
            for b in range(0, len(positions), self.batch_size):
                chunk = positions[b:b + self.batch_size]
                x = torch.tensor([ids] * len(chunk), device=self.device)
                for r, p in enumerate(chunk):
                    x[r, p] = mask
                logits = self.model(x).logits.float()
                lp = torch.log_softmax(logits[torch.arange(len(chunk)), torch.tensor(chunk)], -1)
                out.extend(float(lp[r, ids[p]]) for r, p in enumerate(chunk))
        return out

    def token_logprobs(self, words: Sequence[str]) -> list[float]:
        if not words:
            return []
        ids, owner = self._encode(words)
        ids, owner = ids[: self.max_len], owner[: self.max_len]
        pos = [i for i, k in enumerate(owner) if k >= 0]
        res = [0.0] * len(words)
        for p, lp in zip(pos, self._pll(ids, pos)):
            res[owner[p]] += lp
        return res

    def fill(self, left, right, k=10, candidates=None, limit=None):
        import torch

        if candidates is not None:
            base = self.token_logprobs(list(left) + list(right)) if (left or right) else []
            scores = []
            for c in candidates:
                lp = self.token_logprobs(list(left) + [c] + list(right))
                scores.append((c, sum(lp[len(left):]) - sum(base[len(left):])))
            scores.sort(key=lambda cs: -cs[1])
            return scores
        # one mask token in the gap; the top pieces that are whole words are the candidates
        left, right = list(left), list(right)
        while True:
            text_l = " ".join(left)
            text = (text_l + " " if text_l else "") + self.tok.mask_token + (" " + " ".join(right) if right else "")
            enc = self.tok(text, return_tensors="pt")
            if enc["input_ids"].shape[1] <= self.max_len or not (left or right):
                break
            left, right = left[len(left) // 3:], right[:len(right) * 2 // 3]  # shrink the context to fit
        enc = {k2: v[:, :self.max_len] for k2, v in enc.items()}
        hit = (enc["input_ids"][0] == self.tok.mask_token_id).nonzero()
        if not len(hit):
            return []
        with torch.inference_mode():
            logits = self.model(**{k2: v.to(self.device) for k2, v in enc.items()}).logits[0].float()
        mpos = hit[0].item()
        lp = torch.log_softmax(logits[mpos], -1)
        top = torch.topk(lp, min(int(limit or 5 * k), lp.numel()))
        out = []
        for score, t in zip(top.values.tolist(), top.indices.tolist()):
            w = self.tok.decode([t]).strip()
            if w and self._starts_word(t) and w.replace("-", "").replace("'", "").isalpha() and all(w != o for o, _ in out):
                out.append((w, float(score)))
            if len(out) >= k:
                break
        return out


def load_hf(spec: str, lang: str, device: str | None = None) -> LanguageModel:
    """``mlm:NAME``, ``clm:NAME`` or a bare NAME whose config says which kind it is."""
    kind = None
    if spec.startswith(("mlm:", "clm:")):
        kind, spec = ("masked" if spec[:3] == "mlm" else "causal"), spec[4:]
    if kind is None:
        kind = _kind_from_config(spec)
    return (MaskedLM if kind == "masked" else CausalLM)(spec, lang, device=device)


def _kind_from_config(name_or_path: str) -> str:
    from transformers import AutoConfig

    try:
        cfg = AutoConfig.from_pretrained(name_or_path, local_files_only=offline() and not Path(name_or_path).is_dir())
    except (OSError, ValueError) as e:
        raise ModelError(f"cannot load language model {name_or_path!r} ({str(e).splitlines()[0][:160]}); "
                         f"where there is network, fetch it with `checker models pull {name_or_path}`") from None
    archs = " ".join(getattr(cfg, "architectures", None) or [])
    if "MaskedLM" in archs or getattr(cfg, "model_type", "") in ("bert", "roberta", "xlm-roberta", "electra", "distilbert"):
        return "masked"
    return "causal"


def pull(name: str, cache_dir: str | None = None) -> str:
    """Download a hub model for offline use (needs network); returns the local snapshot path."""
    from huggingface_hub import snapshot_download

    if offline():
        raise ModelError("HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE is set: unset it to download models")
    try:
        return snapshot_download(name, cache_dir=cache_dir)
    except Exception as e:  # network and hub errors come in many types; one line for the user
        raise ModelError(f"cannot download {name!r}: {type(e).__name__}: {str(e).splitlines()[0][:200]}") from None


class ContextModel:
    """A masked LM used on whole sentences: one unmasked pass says how well every visible word
    fits (a model trained with replaced tokens, like the embedded one, gives a word that does not
    belong a low probability), and masked passes rank and propose words for one slot."""

    def __init__(self, mlm: MaskedLM, langs: Sequence[str] | None = None, name: str | None = None):
        self.mlm = mlm
        self.langs = frozenset(langs) if langs else None
        self.name = name or mlm.name

    @classmethod
    def from_pretrained(cls, name_or_path: str, device: str | None = None) -> "ContextModel":
        """A hub id or a directory; ``training.json`` beside the weights (the project's own
        models) lists the languages it was trained on, others get no context scores."""
        langs, name = None, None
        d = Path(name_or_path)
        if (d / "training.json").is_file():
            import hashlib
            import json

            langs = json.loads((d / "training.json").read_text())["args"]["langs"].split(",")
            weights = next(iter(sorted(d.glob("*.safetensors"))), None)
            if weights is not None:  # a local model is named by its weights, not by where it lies
                name = f"cm:{d.name}@{hashlib.sha256(weights.read_bytes()).hexdigest()[:8]}"
        return cls(MaskedLM(name_or_path, device=device), langs, name)

    def covers(self, lang: str) -> bool:
        return self.langs is None or lang in self.langs

    def _batch(self, rows: list[list[int]]):
        import torch

        tok = self.mlm.tok
        n = max(len(r) for r in rows)
        ids = torch.full((len(rows), n), tok.pad_token_id, dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, :len(r)] = torch.tensor(r)
        return ids.to(self.mlm.device), (ids != tok.pad_token_id).long().to(self.mlm.device)

    def visible_logprobs(self, sentences: Sequence[Sequence[str]]) -> list[list[tuple[float, float]]]:
        """For every word of every sentence: (sum, min) over its pieces of log P(piece) with the
        piece visible, in one batched forward pass per ``batch_size`` sentences. Long sentences
        are cut into windows that fit the model."""
        pieces, where = [], []  # windows that fit the model; (sentence, first word) of each
        for si, s in enumerate(sentences):
            for w0, enc in self._windows(list(s)):
                pieces.append(enc)
                where.append((si, w0))
        out: list[list[tuple[float, float]]] = [[(0.0, 0.0)] * len(s) for s in sentences]
        for (si, w0), sc in zip(where, self._visible(pieces)):
            for j, v in enumerate(sc):
                out[si][w0 + j] = v
        return out

    def _windows(self, words: list[str], size: int = 48):
        """(first word, encoding) of consecutive windows of ``words`` that fit the model."""
        if not words:
            return [(0, ([], []))]
        res, w0 = [], 0
        while w0 < len(words):
            n = min(size, len(words) - w0)
            enc = self.mlm._encode(words[w0:w0 + n])
            while len(enc[0]) > self.mlm.max_len and n > 1:
                n = max(1, n * 2 // 3)
                enc = self.mlm._encode(words[w0:w0 + n])
            ids, own = enc
            res.append((w0, (ids[:self.mlm.max_len], own[:self.mlm.max_len])))
            w0 += n
        return res

    def _visible(self, enc: list[tuple[list[int], list[int]]]) -> list[list[tuple[float, float]]]:
        import torch

        m = self.mlm
        out: list[list[tuple[float, float]]] = []
        with torch.inference_mode():
            for b in range(0, len(enc), m.batch_size):
                chunk = enc[b:b + m.batch_size]
                rows = [ids or [m.tok.pad_token_id] for ids, _ in chunk]
                x, att = self._batch(rows)
                logits = m.model(input_ids=x, attention_mask=att).logits.float()
                lp = (logits.gather(-1, x.unsqueeze(-1)).squeeze(-1) - torch.logsumexp(logits, -1)).tolist()
                for r, (ids, owner) in enumerate(chunk):
                    n_words = max(owner, default=-1) + 1
                    tot, low = [0.0] * n_words, [0.0] * n_words
                    for p, k in enumerate(owner):
                        if k >= 0:
                            tot[k] += lp[r][p]
                            low[k] = min(low[k], lp[r][p])
                    out.append(list(zip(tot, low)))
        return out

    def masked_word_scores(self, sentences: Sequence[Sequence[str]],
                           targets: Sequence[tuple[int, int]]) -> list[tuple[float, float]]:
        """For each (sentence, word) target, with all of the word's pieces masked at once:
        (sum of log P(own piece), best log-probability any piece gets at the word's first
        position minus that of its own first piece). One batched pass for all targets."""
        import torch

        m = self.mlm
        rows, spots = [], []
        for si, wi in targets:
            words = list(sentences[si])
            lo = max(0, wi - 20)
            ids, owner = m._encode(words[lo:wi + 20])
            ids, owner = ids[:m.max_len], owner[:m.max_len]
            pos = [p for p, k in enumerate(owner) if k == wi - lo]
            x = list(ids)
            for p in pos:
                x[p] = m.tok.mask_token_id
            rows.append(x or [m.tok.pad_token_id])
            spots.append((pos, [ids[p] for p in pos]))
        out: list[tuple[float, float]] = []
        with torch.inference_mode():
            for b in range(0, len(rows), 64):
                x, att = self._batch(rows[b:b + 64])
                lp = torch.log_softmax(m.model(input_ids=x, attention_mask=att).logits.float(), -1)
                for r, (pos, own) in enumerate(spots[b:b + 64]):
                    if not pos:
                        out.append((0.0, 0.0))
                        continue
                    total = sum(float(lp[r, p, t]) for p, t in zip(pos, own))
                    out.append((total, float(lp[r, pos[0]].max() - lp[r, pos[0], own[0]])))
        return out

    def slot_scores(self, words: Sequence[str], i: int, candidates: Sequence[str]) -> dict[str, float]:
        """log-score of each candidate in slot ``i`` of the sentence: the pseudo-log-likelihood
        of its pieces (each masked in turn, the rest of the sentence visible), one batch."""
        import torch

        m = self.mlm
        lo = max(0, i - 20)  # a window around the slot keeps long sentences within the model
        words, i = list(words[lo:i + 20]), i - lo
        rows, where = [], []
        for c in candidates:
            ids, owner = m._encode(list(words[:i]) + [c] + list(words[i + 1:]))
            ids, owner = ids[:m.max_len], owner[:m.max_len]
            for p, k in enumerate(owner):
                if k == i:
                    masked = list(ids)
                    masked[p] = m.tok.mask_token_id
                    rows.append(masked)
                    where.append((c, p, ids[p]))
        scores = {c: 0.0 for c in candidates}
        seen = set()
        with torch.inference_mode():
            for b in range(0, len(rows), 64):
                x, att = self._batch(rows[b:b + 64])
                logits = m.model(input_ids=x, attention_mask=att).logits.float()
                for r, (c, p, t) in enumerate(where[b:b + 64]):
                    scores[c] += float(logits[r, p, t] - torch.logsumexp(logits[r, p], -1))
                    seen.add(c)
        return {c: s for c, s in scores.items() if c in seen}

    def slot_fill(self, words: Sequence[str], i: int, k: int = 10, limit: int = 200) -> list[tuple[str, float]]:
        """Whole words the model proposes for slot ``i`` (one <mask> in its place), best first."""
        left, right = list(words[max(0, i - 20):i]), list(words[i + 1:i + 20])
        return self.mlm.fill(left, right, k=k, limit=limit)
