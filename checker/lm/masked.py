"""Masked LM backend: pseudo-log-likelihood word scores and fill-mask candidates.

Invariants:
- ``token_logprobs`` masks one piece at a time (the rest visible) and sums a word's pieces;
  input past ``max_len`` pieces is cut off, and words there score 0.
- Masked passes are batched ``batch_size`` rows at a time; results do not depend on it.
- ``fill`` with candidates scores the change in the pseudo-log-likelihood of the gap and the
  words after it; without, one mask token fills the gap (context shrunk to fit ``max_len``)
  and only pieces that start a whole alphabetic word are proposed, at most ``k``.
"""
from __future__ import annotations

from typing import Sequence

from .hf_base import HFModel

__all__ = ["MaskedLM"]


class MaskedLM(HFModel):
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
        ids, owner = self.encode(words)
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
            if w and self.starts_word(t) and w.replace("-", "").replace("'", "").isalpha() and all(w != o for o, _ in out):
                out.append((w, float(score)))
            if len(out) >= k:
                break
        return out
