"""A doit reporter wrapper that remembers what a run did.

The dodo file's own reporter (e.g. our rule set's, which also decides the exit code)
still receives every call; this wrapper only notes which tasks ran, failed or were up to
date, and which task was running when a Ctrl-C arrived (`in_flight`), so the cycle can
name what was rebuilt and remove the targets an interrupted task may have half written.
"""
from __future__ import annotations


def _first_line(text: str) -> str:
    for line in (text or "").splitlines():
        line = line.strip()
        if line and not line.startswith("Traceback"):
            return line
    return "failed"


class RecordingReporter:
    def __init__(self, inner) -> None:
        self.inner = inner
        self.executed: list[str] = []              # tasks with actions that started
        self.uptodate: list[str] = []
        self.failed: list[tuple[str, str]] = []    # (task name, first line of the message)
        self.errors: list[str] = []                # doit's own runtime errors
        self.in_flight = None                      # the Task running right now, if any

    def __getattr__(self, name):                   # every other reporter method
        return getattr(self.inner, name)

    def execute_task(self, task) -> None:
        if task.actions:
            self.executed.append(task.name)
        self.in_flight = task
        self.inner.execute_task(task)

    def add_success(self, task) -> None:
        self.in_flight = None
        self.inner.add_success(task)

    def add_failure(self, task, fail) -> None:
        self.in_flight = None
        msg = fail.get_msg() if hasattr(fail, "get_msg") else str(fail)
        self.failed.append((task.name, _first_line(msg)))
        self.inner.add_failure(task, fail)

    def skip_uptodate(self, task) -> None:
        if task.actions:
            self.uptodate.append(task.name)
        self.inner.skip_uptodate(task)

    def runtime_error(self, msg) -> None:
        self.errors.append(_first_line(str(msg)))
        self.inner.runtime_error(msg)
