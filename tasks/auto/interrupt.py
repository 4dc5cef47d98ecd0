"""Ctrl-C: the first SIGINT stops `doit auto`; it never lands in the middle of doit
saving its database.

The first SIGINT raises KeyboardInterrupt (the build unwinds, the command exits 130);
later ones are ignored so the cleanup cannot be interrupted in turn. Inside `deferred()`
blocks (doit's Dependency.close(), which writes the database: a JSON or dbm backend is
not written atomically) the interrupt is held and raised when the block ends.
"""
from __future__ import annotations

import contextlib
import signal
from typing import Iterator


class InterruptGuard:
    def __init__(self) -> None:
        self.interrupted = False
        self._depth = 0
        self._pending = False
        self._previous = None

    def install(self) -> None:
        self._previous = signal.signal(signal.SIGINT, self._on_sigint)

    def uninstall(self) -> None:
        # once interrupted, stay deaf: the process is on its way out
        signal.signal(signal.SIGINT, signal.SIG_IGN if self.interrupted else self._previous)

    def _on_sigint(self, signum, frame) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        self.interrupted = True
        if self._depth:
            self._pending = True
            return
        raise KeyboardInterrupt

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if not self._depth and self._pending:
                self._pending = False
                raise KeyboardInterrupt
