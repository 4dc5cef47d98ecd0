"""Debouncing: the events of one save become one batch of changed paths.

An editor's save is a burst (truncate + write + close; or write a temp file and rename
it over; or rename the original to a backup, write a new file, delete the backup). The
watcher adds each path it hears about; `take()` returns them once no event arrived for
`quiet` seconds (a sliding window, capped at `max_delay` after the first event so a
never-ending stream still builds).

Why not watchdog's own EventDebouncer (watchdog.utils.event_debouncer, used by
`watchmedo auto-restart`): its window is fixed from the first event, so a save that a
loaded machine stretches past it is split in two; and it calls back on its own thread
while holding its lock, whereas builds must run on the main thread (Ctrl-C lands there)
and the changes made during a build must wait, merged, for the next cycle. A pull
interface on a condition variable gives both in a few lines.
"""
from __future__ import annotations

import threading
import time


class Coalescer:
    def __init__(self, quiet: float = 0.2, max_delay: float = 2.0) -> None:
        self.quiet, self.max_delay = quiet, max_delay
        self._cond = threading.Condition()
        self._pending: dict[str, None] = {}   # insertion-ordered set of paths
        self._first = self._last = 0.0

    def add(self, path: str) -> None:
        """Called from the observer's thread."""
        with self._cond:
            now = time.monotonic()
            if not self._pending:
                self._first = now
            self._pending[path] = None
            self._last = now
            self._cond.notify_all()

    def pending(self) -> bool:
        with self._cond:
            return bool(self._pending)

    def take(self, timeout: float | None = None) -> list[str]:
        """The next batch, once its burst is over; [] when `timeout` passed with no event.
        A burst that has begun is always waited for, even past the timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                now = time.monotonic()
                if self._pending:
                    due = min(self._last + self.quiet, self._first + self.max_delay)
                    if now >= due:
                        batch = list(self._pending)
                        self._pending.clear()
                        return batch
                    wait = due - now
                elif deadline is not None and now >= deadline:
                    return []
                else:
                    wait = 0.5 if deadline is None else deadline - now
                # short slices keep the main thread responsive to Ctrl-C
                self._cond.wait(min(wait, 0.5))
