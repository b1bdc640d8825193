"""Loading transformers models: the ``[neural]`` extra guard, offline flags, device and dtype,
hub id or local directory, and which backend (masked or causal) a model spec asks for.

Invariants:
- Importing this module never imports torch or transformers (``find_spec`` only); it raises
  ModelError, naming the ``[neural]`` extra, when either is not installed.
- A local directory is always loaded from disk; a hub id is looked up in the cache only
  (``local_files_only``) when HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE is set.
- Every load failure is one ModelError line that says how to fetch a hub model.
- A loaded model is in eval mode on its device, with a fast tokenizer (offsets are required).
- OMP_WAIT_POLICY defaults to PASSIVE (set before torch is first imported, unless the user set
  it): torch's OpenMP threads otherwise spin at every barrier, and on a CPU shared with other
  work a 2-thread forward pass of this size ran up to 20x slower than with one thread
  (measured in models/mlm/README.md).
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from ..errors import ModelError

__all__ = ["require_neural", "offline", "pick_device", "load_pretrained", "kind_from_config",
           "load_hf"]


def require_neural() -> None:
    """torch and transformers come with the neural extra, not with the default install: without
    them, one line that names the extra instead of an ImportError deep in a model load.
    find_spec, so that checking does not import torch."""
    missing = [m for m in ("torch", "transformers") if importlib.util.find_spec(m) is None]
    if missing:
        raise ModelError(f"transformers models need the neural extra ({missing[0]} is not installed): "
                         "pip install 'translation-checker[neural]'")


require_neural()
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # read once, when torch loads libgomp


def offline() -> bool:
    return any(os.environ.get(v, "").lower() in ("1", "true", "yes", "on")
               for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def _fetch_hint(name_or_path: str) -> str:
    return f"where there is network, fetch it with `checker models pull {name_or_path}`"


def pick_device(device: str | None):
    import torch

    if device:
        return torch.device(device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def load_pretrained(name_or_path: str, kind: str, device: str | None, dtype: str | None):
    """(tokenizer, model, device) with one clear ModelError for anything that goes wrong;
    ``kind`` is "masked" or "causal"."""
    import torch
    import transformers
    from transformers import AutoModelForCausalLM, AutoModelForMaskedLM, AutoTokenizer

    transformers.utils.logging.disable_progress_bar()  # no "Loading weights" bars in a CLI's output
    transformers.utils.logging.set_verbosity_error()  # long inputs are windowed here, not truncated blindly
    local = Path(name_or_path).is_dir()
    try:
        tok = AutoTokenizer.from_pretrained(name_or_path, local_files_only=offline() and not local)
        cls = AutoModelForCausalLM if kind == "causal" else AutoModelForMaskedLM
        dev = pick_device(device)
        dt = getattr(torch, dtype) if dtype else (torch.float16 if dev.type == "cuda" else torch.float32)
        model = cls.from_pretrained(name_or_path, dtype=dt, local_files_only=offline() and not local)
    except (OSError, ValueError) as e:
        where = "" if local else "; " + _fetch_hint(name_or_path)
        raise ModelError(f"cannot load {kind} language model {name_or_path!r} "
                         f"({str(e).splitlines()[0][:160]}){where}") from None
    if not getattr(tok, "is_fast", False):
        raise ModelError(f"{name_or_path!r}: a fast tokenizer (with offsets) is required")
    model.to(dev).eval()
    return tok, model, dev


def kind_from_config(name_or_path: str) -> str:
    """"masked" or "causal", from the model's config (its architectures, else its model type)."""
    from transformers import AutoConfig

    try:
        cfg = AutoConfig.from_pretrained(name_or_path, local_files_only=offline() and not Path(name_or_path).is_dir())
    except (OSError, ValueError) as e:
        raise ModelError(f"cannot load language model {name_or_path!r} ({str(e).splitlines()[0][:160]}); "
                         + _fetch_hint(name_or_path)) from None
    archs = " ".join(getattr(cfg, "architectures", None) or [])
    if "MaskedLM" in archs or getattr(cfg, "model_type", "") in ("bert", "roberta", "xlm-roberta", "electra", "distilbert"):
        return "masked"
    return "causal"


def load_hf(spec: str, lang: str, device: str | None = None):
    """``mlm:NAME``, ``clm:NAME`` or a bare NAME whose config says which kind it is; returns a
    MaskedLM or CausalLM (a LanguageModel)."""
    from .causal import CausalLM
    from .masked import MaskedLM

    kind = None
    if spec.startswith(("mlm:", "clm:")):
        kind, spec = ("masked" if spec[:3] == "mlm" else "causal"), spec[4:]
    if kind is None:
        kind = kind_from_config(spec)
    return (MaskedLM if kind == "masked" else CausalLM)(spec, lang, device=device)
