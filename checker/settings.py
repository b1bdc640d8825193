"""One settings object for every shell (`check`, `scan`, `hook`, `serve`, the Python API):
command-line flags, then the nearest `.checker.toml` or `[tool.checker]` in `pyproject.toml`, then
the defaults.

Invariants: every shell accepts the same model options (``lang``, ``model``, ``context_model``,
``allowlist``, ``glossary``, ``profile``, ``add_signals``, ``threshold``, ``file_context``) from the same places with the same precedence (a
flag given on the command line wins over the config file, which wins over the default); every
value is validated where it enters (a threshold or fail_at outside [0, 1], NaN included, is a
UsageError naming the file or flag); config paths (``allowlist``, ``glossary``, ``profile``) are relative to the config file;
a profile's language is the default language when neither flag nor config names one (a shell's own
default, such as the hook's ``en``, does not override it).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import InputError, UsageError, probability
from .io import read_text

DEFAULT_FAIL_AT = 0.5

#: config key -> the type it must have
CONFIG_KEYS: dict[str, type | tuple[type, ...]] = {
    "lang": str, "model": str, "context_model": str, "allowlist": str, "glossary": str, "profile": str,
    "add_signals": str, "threshold": (int, float),
    "fail_at": (int, float), "file_context": bool,
}


@dataclass(frozen=True)
class Settings:
    lang: str | None = None  # None: detect per text (check/scan); the hook and service default to en
    model: str = "ngram"
    context_model: str = "none"
    allowlist: str | None = None  # path of a word list
    glossary: str | None = None  # path of a TSV or TBX glossary (checker.glossary)
    profile: str | None = None  # path of a newsroom profile directory (checker.profile, `checker adapt`)
    add_signals: str | None = None  # opt-in signals to run after the default pipeline, comma-separated
    threshold: float | None = None  # None: calibrated per language
    fail_at: float = DEFAULT_FAIL_AT  # hook exit status / service verdict
    file_context: bool = True
    #: where the config values came from (None: no config file)
    config: Path | None = field(default=None, compare=False)

    def checker_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for Checker(), the allowlist and glossary read from their files (the
        profile stays a path: Checker reads it)."""
        from .glossary import read_glossary
        from .io import read_allowlist

        allow = read_allowlist(self.allowlist) if self.allowlist else []
        extra: dict[str, Any] = {}
        if self.add_signals:
            from .signals import DEFAULT_PIPELINE

            # an unknown or repeated name is refused by Checker in one line (check_pipeline)
            extra["pipeline"] = DEFAULT_PIPELINE + tuple(x.strip() for x in self.add_signals.split(",") if x.strip())
        return {**extra, "lang": self.lang, "model": self.model, "context_model": self.context_model,
                "allowlist": allow, "threshold": self.threshold,
                "glossary": read_glossary(self.glossary) if self.glossary else None,
                # the path, not the Profile: worker processes (init_kwargs) read it themselves
                "profile": self.profile}

    @classmethod
    def resolve(cls, flags: dict[str, Any] | None = None, start: str | os.PathLike | None = None,
                **defaults: Any) -> "Settings":
        """Flags (None values: not given) over the nearest config file over ``defaults`` over
        the class defaults."""
        base = replace(cls(), **defaults) if defaults else cls()
        found = find_config(start)
        if found:
            path, cfg = found
            base = replace(base, config=path, **cfg)
        given = {k: v for k, v in (flags or {}).items() if v is not None and k in _FIELDS}
        for k in ("threshold", "fail_at"):
            if k in given:
                given[k] = probability(f"--{k.replace('_', '-')}", given[k])
        out = replace(base, **given)
        if out.profile and "lang" not in given and not (found and "lang" in found[1]):
            # a profile is for one language: it is the default, not a shell's own (hook, serve: en)
            from .profile import profile_lang

            out = replace(out, lang=profile_lang(out.profile))
        return out


_FIELDS = {f.name for f in fields(Settings)} - {"config"}


def add_model_options(p, lang_help: str = "target language code (default: config, else detect)") -> None:
    """The options every shell shares, all defaulting to "not given" so the config file can fill them."""
    p.add_argument("--lang", default=None, help=lang_help)
    p.add_argument("--model", default=None,
                   help="language model: 'ngram' (embedded, the default), 'none', a directory, or a transformers model")
    p.add_argument("--context-model", default=None, metavar="MODEL",
                   help="neural model for words wrong in context and fill-ins: 'none' (default), 'embedded' "
                        "(models/mlm), or a masked LM's hub id or directory (needs the neural extra)")
    p.add_argument("--allowlist", default=None, help="file of words never to flag, one per line, # comments")
    p.add_argument("--glossary", default=None,
                   help="TSV (source<TAB>target[<TAB>src_lang<TAB>tgt_lang]) or TBX file of terms a translation "
                        "must use; checked where a source is given")
    p.add_argument("--profile", default=None, metavar="DIR",
                   help="newsroom profile directory built by `checker adapt`: its names and terms are known words "
                        "and spelling candidates (its language is the default --lang)")
    p.add_argument("--add-signals", default=None, metavar="NAMES",
                   help="opt-in signals to run too, comma-separated: 'charseq' (zh/ja garbled character runs "
                        "and homophone slips; see the README for its precision)")
    p.add_argument("--threshold", type=lambda v: probability("--threshold", v), default=None,
                   help="minimum score to report, 0-1 (default: calibrated per language)")
    p.add_argument("--no-file-context", dest="file_context", action="store_const", const=False, default=None,
                   help="judge each line alone (by default a word recurring in the file counts as a term or name)")


def from_args(args, **defaults: Any) -> Settings:
    """Settings for a parsed command line: its flags over the config file over ``defaults``."""
    return Settings.resolve({k: getattr(args, k, None) for k in _FIELDS}, **defaults)


def find_config(start: str | os.PathLike | None = None) -> tuple[Path, dict[str, Any]] | None:
    """The nearest `.checker.toml`, or `pyproject.toml` with a [tool.checker] table, searching
    from ``start`` (default: the current directory) upward; in one directory .checker.toml wins."""
    import tomllib

    d = Path(start or os.getcwd()).resolve()
    for folder in (d, *d.parents):
        for name in (".checker.toml", "pyproject.toml"):
            p = folder / name
            if not p.is_file():
                continue
            try:
                data = tomllib.loads(read_text(str(p)))
            except tomllib.TOMLDecodeError as e:
                raise InputError(f"{p}: invalid TOML ({e})") from None
            if name == "pyproject.toml":
                tool = data.get("tool", {})
                if not isinstance(tool, dict) or "checker" not in tool:
                    continue
                data = tool["checker"]
                if not isinstance(data, dict):
                    raise UsageError(f"{p}: [tool.checker] must be a table")
            return p, validate(p, data)
    return None


def validate(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    """A config table's values, checked: known keys, right types, thresholds in [0, 1]."""
    out: dict[str, Any] = {}
    for k, v in data.items():
        if k not in CONFIG_KEYS:
            raise UsageError(f"{path}: unknown key {k!r} (known: {', '.join(CONFIG_KEYS)})")
        want = CONFIG_KEYS[k]
        if want is bool:
            ok = isinstance(v, bool)
        else:
            ok = isinstance(v, want) and not isinstance(v, bool)
        if not ok:
            kind = "a number" if k in ("fail_at", "threshold") else "true or false" if want is bool else "a string"
            raise UsageError(f"{path}: {k} must be {kind}")
        out[k] = probability(f"{path}: {k}", v) if k in ("fail_at", "threshold") else v
    for k in ("allowlist", "glossary", "profile"):
        if k in out:
            out[k] = str(path.parent / out[k])
    return out


__all__ = ["Settings", "add_model_options", "from_args", "find_config", "validate", "CONFIG_KEYS", "DEFAULT_FAIL_AT"]
