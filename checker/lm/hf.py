"""Transformers backends behind the LanguageModel interface: causal LMs (surprisal per word,
sliding windows) and masked LMs (pseudo-log-likelihood, fill-mask). Both accept a hub id or a
local directory, exactly like ``from_pretrained``; torch and transformers are imported only here.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from ..errors import ModelError
from .base import LanguageModel


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
    from transformers import AutoModelForCausalLM, AutoModelForMaskedLM, AutoTokenizer

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
        text_l = " ".join(left)
        text = (text_l + " " if text_l else "") + self.tok.mask_token + (" " + " ".join(right) if right else "")
        enc = self.tok(text, return_tensors="pt", truncation=True, max_length=self.max_len)
        with torch.inference_mode():
            logits = self.model(**{k2: v.to(self.device) for k2, v in enc.items()}).logits[0].float()
        mpos = (enc["input_ids"][0] == self.tok.mask_token_id).nonzero()[0].item()
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
