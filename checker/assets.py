"""Where the embedded models are: package data of ``checker.models``, which pyproject.toml maps to
the repository's ``models/``. importlib.resources finds them in a wheel, a build from the sdist and
an editable install alike; a path relative to this file would not (a non-editable install, such as
pre-commit's, has no repository around it)."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

PACKAGE = "checker.models"


@lru_cache(maxsize=1)
def _root() -> Path:
    try:
        root = resources.files(PACKAGE)
    except ModuleNotFoundError:
        # A source checkout used without installing it (PYTHONPATH=.), or an editable install made
        # before models/ became a package: the repository's own models/. Only where this file lies in
        # the repository, so that a broken install never picks up some other top-level "models".
        repo = Path(__file__).resolve().parents[1]
        if (repo / "pyproject.toml").is_file() and (repo / "models" / "__init__.py").is_file():
            return repo / "models"
        return Path(__file__).resolve().parent / "models"  # absent: the loaders name the missing file
    # a zipped install has no files to memory-map; the loaders then report the path as missing
    return root if isinstance(root, Path) else Path(str(root))


def embedded(*parts: str) -> Path:
    """The path of an embedded model file or directory, e.g. ``embedded("ngram", "en.npz")``. It is
    not checked here: this runs at import time, where an error would be a traceback, and a language
    without an n-gram or translation model is normal. ``Detector.load`` and ``load_context_model``
    turn a missing default into a one-line ModelError."""
    return _root().joinpath(*parts)
