"""The one short block printed per build cycle:

    [03:12:01] src/c.hex changed
      rebuilt   stage2:module-c stage2:link stage2:report (7 up to date)
      coverage  97.50% (+1.25) 390/400 forms, 10 failed  build/stage2-report.json
      failed    src/a.hex:4:1 not a hex digit
                ... 9 more in build/stage2-report.json
      time      0.41 s

plus, when they happen, lines for failed tasks, deleted sources still needed, and a
dodo file that did not load. `--clear` clears the screen before each block.
"""
from __future__ import annotations

import os
import time
from typing import TextIO

from .build import CycleResult
from .changes import Change

CLEAR = "\x1b[2J\x1b[H"
MAX_TASKS = 8
MAX_FAILURES = 10


def rel(path: str) -> str:
    r = os.path.relpath(path)
    return path if r.startswith("..") else r


def _names(names: list[str]) -> str:
    shown = " ".join(names[:MAX_TASKS])
    return shown + (f" +{len(names) - MAX_TASKS} more" if len(names) > MAX_TASKS else "")


def _delta(before, after) -> str:
    if before is None:
        return "(new)"
    d = after.coverage - before.coverage
    return "(=)" if abs(d) < 0.005 else f"({d:+.2f})"


class Printer:
    def __init__(self, out: TextIO, clear: bool = False) -> None:
        self.out, self.clear = out, clear

    def headline(self, changes: list[Change] | None) -> str:
        stamp = time.strftime("%H:%M:%S")
        if changes is None:
            return f"[{stamp}] start: bringing the targets up to date"
        parts = [f"{rel(c.path)} {c.kind}" for c in changes[:4]]
        more = f", +{len(changes) - 4} more" if len(changes) > 4 else ""
        return f"[{stamp}] " + ", ".join(parts) + more

    def block(self, changes: list[Change] | None, r: CycleResult, seconds: float,
              still_needed: dict[str, list[str]] | None = None, note: str = "") -> str:
        lines = [self.headline(changes)]
        add = lambda label, text: lines.append(f"  {label:<9} {text}")  # noqa: E731
        if r.load_error:
            add("error", f"loading the tasks: {r.load_error}")
        elif r.executed:
            add("rebuilt", _names(r.executed) + (f" ({len(r.uptodate)} up to date)" if r.uptodate else ""))
        else:
            n = len(r.uptodate)
            add("rebuilt", f"nothing: {n} task{'' if n == 1 else 's'} up to date")
        for name, msg in r.failed:
            add("FAILED", f"{name}: {msg}")
        for msg in r.errors:
            add("error", msg)
        for path, tasks in (still_needed or {}).items():
            add("deleted", f"{rel(path)} is still a source of {' '.join(tasks)}: "
                           f"restore it or remove it from the configuration")
        for path, view in r.reports_after.items():
            counts = f"{view.compiled}/{view.total} forms" if view.total is not None else ""
            failed = (f", {view.failed} failed" if view.failed else "") + \
                (f", {view.skipped} skipped" if view.skipped else "")
            add("coverage", f"{view.coverage:.2f}% {_delta(r.reports_before.get(path), view)} "
                            f"{counts}{failed}  {rel(path)}")
            for i, f in enumerate(view.failures[:MAX_FAILURES]):
                add("failed" if i == 0 else "", f"{f.where()} {f.reason.splitlines()[0] if f.reason else ''}")
            if len(view.failures) > MAX_FAILURES:
                add("", f"... {len(view.failures) - MAX_FAILURES} more in {rel(path)}")
        if note:
            add("", note)
        add("time", f"{seconds:.2f} s")
        return "\n".join(lines) + "\n"

    def show(self, text: str) -> None:
        self.out.write((CLEAR if self.clear else "") + text)
        self.out.flush()
