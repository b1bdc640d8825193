"""Causal LM backend: per-word surprisal from a left-to-right transformers model.

Invariants:
- ``token_logprobs`` gives log P(word | words before it), the sum over the word's pieces, with
  the BOS token prepended when the tokenizer has one; the first piece has nothing to condition
  on and scores 0.
- Inputs longer than ``max_len`` are scored in sliding windows (stride ``max_len // 2``); every
  piece is scored exactly once, with at least half a window of left context after the first.
- ``fill`` with candidates scores log P(left + [c] + right) - log P(left) for each; without,
  the candidates are the model's most likely next pieces that start a whole alphabetic word.
"""
from __future__ import annotations

from typing import Sequence

from .hf_base import HFModel

__all__ = ["CausalLM"]


class CausalLM(HFModel):
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
        ids, owner = self.encode(words)
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
            ids, _ = self.encode(list(left) or [""])
            with torch.inference_mode():
                logits = self.model(torch.tensor([ids[-self.max_len:]], device=self.device)).logits[0, -1].float()
            top = torch.topk(logits, min(int(limit or 200), logits.numel())).indices.tolist()
            candidates = []
            for t in top:
                w = self.tok.decode([t]).strip()
                if w and self.starts_word(t) and w.replace("-", "").replace("'", "").isalpha() and w not in candidates:
                    candidates.append(w)
            scored = self.fill(left, right, candidates=candidates)
            return scored[:k]
        base = sum(self.token_logprobs(list(left))) if left else 0.0
        scores = []
        for c in candidates:
            scores.append((c, sum(self.token_logprobs(list(left) + [c] + list(right))) - base))
        scores.sort(key=lambda cs: -cs[1])
        return scores
