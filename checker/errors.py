"""Errors a user can cause, each with the exit code the CLI documents."""
from __future__ import annotations


class CheckerError(Exception):
    """A problem with the input or the setup, reported as one line, never a traceback."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UsageError(CheckerError):
    exit_code = 2


class InputError(CheckerError):
    """Missing, unreadable, binary or badly encoded input."""

    exit_code = 3


class LanguageError(CheckerError):
    """An unknown or unsupported language code."""

    exit_code = 4


class ModelError(CheckerError):
    """A model that cannot be found or loaded, or an optional extra that is not installed."""

    exit_code = 5


class OutputError(CheckerError):
    """The machine refuses the output: a read-only or full output directory or cache."""

    exit_code = 6


def os_error_message(what: str, e: OSError) -> str:
    """One line for an OSError met while writing ``what``: the reason, not the traceback."""
    import errno

    why = {errno.ENOSPC: "no space left on device", errno.EDQUOT: "disk quota exceeded",
           errno.EROFS: "read-only file system", errno.EACCES: "permission denied",
           errno.EPERM: "operation not permitted"}.get(e.errno or 0, e.strerror or str(e))
    return f"{what}: cannot write ({why})"


def probability(name: str, value: object) -> float:
    """``value`` as a score threshold in [0, 1], or a UsageError naming ``name``. NaN, infinities,
    booleans and numbers outside [0, 1] would silently disable a gate (every comparison with NaN
    is false; nothing scores 5), so they are refused wherever a threshold enters: CLI, config, API."""
    import math

    given = value
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise UsageError(f"{name} must be a number between 0 and 1, not {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not 0.0 <= value <= 1.0:
        raise UsageError(f"{name} must be a number between 0 and 1, not {given!r}")
    return float(value)
