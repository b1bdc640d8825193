"""What the transformers backends share: a loaded tokenizer and model, the usable input length,
and the alignment of words to the model's pieces.

Invariants:
- ``max_len`` never exceeds 512, the tokenizer's ``model_max_length`` or the model's position
  table (RoBERTa-style models lose the positions up to ``pad_token_id``).
- ``encode(words)`` tokenises the words joined by single spaces (special tokens included) and
  gives every piece the index of the word it overlaps, -1 for specials and spaces; a word's
  score is the sum over its pieces.
- ``name`` is ``"<kind>:<name_or_path>"`` and goes into report signatures.
- torch is imported by the methods that need it, never at import time.
"""
from __future__ import annotations

from typing import Sequence

from .base import LanguageModel
from .hf_load import load_pretrained

__all__ = ["HFModel"]


class HFModel(LanguageModel):
    """Base of MaskedLM and CausalLM; ``kind`` ("masked" or "causal") picks the model class."""

    kind = ""

    def __init__(self, name_or_path: str, lang: str = "und", device: str | None = None,
                 dtype: str | None = None, batch_size: int = 16):
        self.tok, self.model, self.device = load_pretrained(name_or_path, self.kind, device, dtype)
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

    def starts_word(self, token_id: int) -> bool:
        """Whether the piece begins a word (so that decoding it alone gives a whole word)."""
        piece = self.tok.convert_ids_to_tokens(token_id)
        if piece.startswith("##"):
            return False
        return self._marker is None or piece.startswith(self._marker)

    @classmethod
    def from_pretrained(cls, name_or_path: str, lang: str = "und", **kw) -> "HFModel":
        return cls(name_or_path, lang, **kw)

    def encode(self, words: Sequence[str]) -> tuple[list[int], list[int]]:
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
