"""Exit codes shared by the runner CLI, the library API and the doit tasks.

The five codes are the seed's (`ExitCode` in the data model). Every failure the runtime
detects is raised as a `RuntimeFailure` carrying one of them and a one-line message; the
CLI prints the message on stderr and exits with the code, the doit tasks do the same.
"""
from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    SUCCESS = 0       # operation completed
    PARTIAL = 1       # some forms failed to compile
    FAILURE = 2       # bad module, trap, import mismatch, limit hit
    MISSING_DEP = 3   # a required file does not exist or cannot be read
    SKIP = 77         # known limitation: missing export, boundary types the host cannot call


class RuntimeFailure(Exception):
    """A failure with the exit code it maps to.

    `message` is one line meant for a human; `detail` holds optional further lines
    (a trap backtrace, the list of mismatched imports) printed after it.
    """

    def __init__(self, code: int, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.code = int(code)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return self.message if not self.detail else f"{self.message}\n{self.detail}"


def failure(message: str, detail: str = "") -> RuntimeFailure:
    return RuntimeFailure(ExitCode.FAILURE, message, detail)


def missing(message: str) -> RuntimeFailure:
    return RuntimeFailure(ExitCode.MISSING_DEP, message)


def skip(message: str, detail: str = "") -> RuntimeFailure:
    return RuntimeFailure(ExitCode.SKIP, message, detail)
