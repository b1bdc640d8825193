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
    """A model that cannot be found or loaded."""

    exit_code = 5
