"""``checker models pull``: download a hub model into the Hugging Face cache for offline use.

Invariants: needs network and the ``[neural]`` extra (huggingface_hub comes with transformers);
refuses while HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE is set; every failure is one ModelError line.
"""
from __future__ import annotations

from ..errors import ModelError
from .hf_load import offline

__all__ = ["pull"]


def pull(name: str, cache_dir: str | None = None) -> str:
    """Download a hub model for offline use (needs network); returns the local snapshot path."""
    from huggingface_hub import snapshot_download

    if offline():
        raise ModelError("HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE is set: unset it to download models")
    try:
        return snapshot_download(name, cache_dir=cache_dir)
    except Exception as e:  # network and hub errors come in many types; one line for the user
        raise ModelError(f"cannot download {name!r}: {type(e).__name__}: {str(e).splitlines()[0][:200]}") from None
