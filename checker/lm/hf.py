"""Transformers models behind the LanguageModel interface, by their public names: causal LMs
(surprisal per word, sliding windows), masked LMs (pseudo-log-likelihood, fill-mask), the
sentence-level ContextModel and the hub downloader. Both backends accept a hub id or a local
directory, exactly like ``from_pretrained``.

This module only re-exports; the code lies in hf_load (the ``[neural]`` extra guard, offline
flags, device/dtype, loading), hf_base (word/piece alignment), masked, causal, context and pull.

Invariants: importing it raises ModelError naming the ``[neural]`` extra when torch or
transformers is missing (checked afresh on every import of this module), and never imports torch
itself: only using a model does. checker.core and checker.cli import it only when a neural model
is asked for.
"""
from __future__ import annotations

from .hf_load import require_neural

require_neural()  # also when the submodules are already imported (a fresh import of this module)

from .causal import CausalLM  # noqa: E402
from .context import ContextModel  # noqa: E402
from .hf_base import HFModel  # noqa: E402
from .hf_load import load_hf, offline  # noqa: E402
from .masked import MaskedLM  # noqa: E402
from .pull import pull  # noqa: E402

__all__ = ["load_hf", "MaskedLM", "CausalLM", "HFModel", "ContextModel", "pull", "offline"]
