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
- ``visible`` sorts windows by length and packs windows of similar length into batches of about
  ``batch_pieces`` padded pieces (results come back in the input order; they do not depend on the
  batching), and projects only the pieces that belong to a word onto the vocabulary.
- ``dtype`` "float32" (the default: the scores the detector was calibrated on). "bfloat16" runs
  the matmuls in bfloat16 under ``torch.autocast`` on a CPU with native bfloat16 (AVX-512-BF16 /
  AMX; float32 elsewhere), "auto" picks bfloat16 where the CPU has it. On the 2-core machine
  that is 1.4x faster when the CPU is idle, no faster when it is shared (the vocabulary
  log-softmax, not the matmuls, bounds the pass), and scores move by up to 0.07 nat per word
  (models/mlm/README.md), so float32, what the detector was calibrated on, stays the default.
  The name does not change with it.
"""
from __future__ import annotations

import functools

from pathlib import Path
from typing import Sequence

from .masked import MaskedLM

__all__ = ["ContextModel"]


class ContextModel:
    """A masked LM used on whole sentences: one unmasked pass says how well every visible word
    fits (a model trained with replaced tokens, like the embedded one, gives a word that does not
    belong a low probability), and masked passes rank and propose words for one slot."""

    batch_pieces = 4096  # padded pieces per forward pass in ``visible``
    head_rows = 1024  # word pieces per vocabulary projection

    def __init__(self, mlm: MaskedLM, langs: Sequence[str] | None = None, name: str | None = None,
                 dtype: str = "float32"):
        self.mlm = mlm
        self.langs = frozenset(langs) if langs else None
        self.name = name or mlm.name
        self.dtype = dtype

    def autocast_dtype(self):
        """torch.bfloat16 when the matmuls should run in bfloat16 (see ``dtype``), else None."""
        import torch

        if (self.dtype in ("auto", "bfloat16") and self.mlm.device.type == "cpu"
                and self.mlm.model.dtype == torch.float32 and cpu_has_bf16()):
            return torch.bfloat16
        return None

    def _autocast(self):
        import contextlib

        import torch

        dt = self.autocast_dtype()
        return torch.autocast("cpu", dtype=dt) if dt is not None else contextlib.nullcontext()

    @classmethod
    def from_pretrained(cls, name_or_path: str, device: str | None = None, dtype: str = "float32") -> "ContextModel":
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
        return cls(MaskedLM(name_or_path, device=device), langs, name, dtype=dtype)

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
        """(sum, min) log P(piece) per word of each ``windows`` encoding, every piece visible.
        Windows are sorted by length and batched ``batch_pieces`` padded pieces at a time."""
        import torch

        m = self.mlm
        pad = m.tok.pad_token_id
        order = sorted(range(len(enc)), key=lambda i: len(enc[i][0]))
        groups, cur, width = [], [], 0
        for i in order:
            n = max(1, len(enc[i][0]))
            if cur and (len(cur) + 1) * max(width, n) > self.batch_pieces:
                groups.append(cur)
                cur, width = [], 0
            cur.append(i)
            width = max(width, n)
        if cur:
            groups.append(cur)
        out: list[list[tuple[float, float]]] = [[] for _ in enc]
        with torch.inference_mode(), self._autocast():  # one autocast: the bfloat16 weights are cast once
            for g in groups:
                x, att = self._batch([enc[i][0] or [pad] for i in g])
                own = torch.full(x.shape, -1, dtype=torch.long)
                for r, i in enumerate(g):
                    own[r, :len(enc[i][1])] = torch.tensor(enc[i][1], dtype=torch.long)
                sel = own >= 0  # only the pieces of words are projected onto the vocabulary
                lp = self._piece_logprobs(x, att, sel.to(x.device)).tolist()
                rows, k = sel.sum(1).tolist(), 0
                for i, n in zip(g, rows):
                    owner = [w for w in enc[i][1] if w >= 0]
                    n_words = max(owner, default=-1) + 1
                    tot, low = [0.0] * n_words, [0.0] * n_words
                    for w, v in zip(owner, lp[k:k + n]):
                        tot[w] += v
                        low[w] = min(low[w], v)
                    k += n
                    out[i] = list(zip(tot, low))
        return out

    def _piece_logprobs(self, x, att, sel):
        """log P(x) at the positions ``sel`` (a mask, row-major), every piece visible: a fused
        log-softmax + gather (``cross_entropy``) over ``_logit_chunks``."""
        import torch
        import torch.nn.functional as F

        tgt, out, a = x[sel], [], 0
        for lg in self._logit_chunks(x, att, sel):
            out.append(-F.cross_entropy(lg, tgt[a:a + lg.shape[0]], reduction="none"))
            a += lg.shape[0]
        return torch.cat(out) if out else torch.zeros(0)

    def _logit_chunks(self, x, att, pick):
        """float32 logits at the positions ``pick`` (a mask or a (rows, positions) pair of index
        tensors) only, ``head_rows`` positions at a time: the encoder over the batch, then the
        vocabulary projection of the picked positions (RoBERTa / XLM-R keep encoder and head
        apart; any other masked LM projects every position, then picks, in one chunk)."""
        model = self.mlm.model
        base = getattr(model, getattr(model, "base_model_prefix", ""), None)
        head = getattr(model, "lm_head", None)
        with self._autocast():  # re-entered inside ``visible``'s: no new weight casts
            if base is None or head is None:
                yield model(input_ids=x, attention_mask=att).logits[pick].float()
                return
            hidden = base(input_ids=x, attention_mask=att).last_hidden_state[pick]
            for a in range(0, hidden.shape[0], self.head_rows):
                yield head(hidden[a:a + self.head_rows]).float()

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
                at = [(r, p) for r, (pos, _) in enumerate(spots[b:b + 64]) for p in pos]
                lp = torch.log_softmax(self._logits_at(x, att, at), -1)  # only the masked positions
                k = 0
                for pos, own in spots[b:b + 64]:
                    if not pos:
                        out.append((0.0, 0.0))
                        continue
                    total = sum(float(lp[k + j, t]) for j, t in enumerate(own))
                    out.append((total, float(lp[k].max() - lp[k, own[0]])))
                    k += len(pos)
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
                chunk = where[b:b + 64]
                logits = self._logits_at(x, att, [(r, p) for r, (_, p, _) in enumerate(chunk)])
                lp = (logits.gather(-1, torch.tensor([[t] for _, _, t in chunk], device=logits.device)).squeeze(-1)
                      - torch.logsumexp(logits, -1)).tolist()
                for (c, _, _), v in zip(chunk, lp):
                    scores[c] += v
                    seen.add(c)
        return {c: s for c, s in scores.items() if c in seen}

    def _logits_at(self, x, att, at: list[tuple[int, int]]):
        """float32 logits [len(at), vocab] at the (row, position) pairs ``at`` only."""
        import torch

        r = torch.tensor([a for a, _ in at], dtype=torch.long, device=x.device)
        p = torch.tensor([b for _, b in at], dtype=torch.long, device=x.device)
        return torch.cat(list(self._logit_chunks(x, att, (r, p))))

    def slot_fill(self, words: Sequence[str], i: int, k: int = 10, limit: int = 200) -> list[tuple[str, float]]:
        """Whole words the model proposes for slot ``i`` (one <mask> in its place), best first."""
        left, right = list(words[max(0, i - 20):i]), list(words[i + 1:i + 20])
        return self.mlm.fill(left, right, k=k, limit=limit)


@functools.lru_cache(maxsize=1)  # one CPU per process: read /proc/cpuinfo once
def cpu_has_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 natively (AVX-512-BF16 or AMX), so bfloat16 matmuls
    are faster than float32 ones rather than emulated."""
    import torch

    try:
        if not torch.backends.mkldnn.is_available() or not torch.ops.mkldnn._is_mkldnn_bf16_supported():
            return False
    except (AttributeError, RuntimeError):
        return False
    try:
        flags = Path("/proc/cpuinfo").read_text().split()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags
