"""The sentence-level context model: a masked LM scoring every word of whole sentences.

Invariants:
- Built on a MaskedLM; ``langs`` (from ``training.json`` beside the project's own weights) is
  the set of languages it covers, None for any hub model (it covers every language).
- A local model with ``training.json`` is named ``cm:<dir>@<sha256(weights)[:8]>`` (by its
  weights, not where it lies); anything else by the MaskedLM's name.
- Every word of every sentence gets a score: long sentences are cut into windows that fit
  ``max_len``; a window of one word that is still too long is cut at ``max_len`` pieces.
- Slot scoring and masked scoring look at most 20 words either side of the word.
- All passes run under ``torch.inference_mode`` in batches; torch is imported by the methods.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .masked import MaskedLM

__all__ = ["ContextModel"]


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
            for w0, enc in self.windows(list(s)):
                pieces.append(enc)
                where.append((si, w0))
        out: list[list[tuple[float, float]]] = [[(0.0, 0.0)] * len(s) for s in sentences]
        for (si, w0), sc in zip(where, self.visible(pieces)):
            for j, v in enumerate(sc):
                out[si][w0 + j] = v
        return out

    def windows(self, words: list[str], size: int = 48):
        """(first word, encoding) of consecutive windows of ``words`` that fit the model."""
        if not words:
            return [(0, ([], []))]
        res, w0 = [], 0
        while w0 < len(words):
            n = min(size, len(words) - w0)
            enc = self.mlm.encode(words[w0:w0 + n])
            while len(enc[0]) > self.mlm.max_len and n > 1:
                n = max(1, n * 2 // 3)
                enc = self.mlm.encode(words[w0:w0 + n])
            ids, own = enc
            res.append((w0, (ids[:self.mlm.max_len], own[:self.mlm.max_len])))
            w0 += n
        return res

    def visible(self, enc: list[tuple[list[int], list[int]]]) -> list[list[tuple[float, float]]]:
        """(sum, min) log P(piece) per word of each ``windows`` encoding, every piece visible,
        ``batch_size`` encodings per forward pass."""
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
            ids, owner = m.encode(words[lo:wi + 20])
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
            ids, owner = m.encode(list(words[:i]) + [c] + list(words[i + 1:]))
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
