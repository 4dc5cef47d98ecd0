"""What really changed: file states (stat signatures) remembered per watched file.

    changes(batch)     the coalesced paths that differ from the state the last build
                       saw: changed, added or deleted (a known file missing for a moment,
                       as in a backup-and-rename save, gets a grace period to come back;
                       a file that came and went, like an editor's temp file, is nothing)
    record(ws, t)      remember the state of newly watched files; one written since the
                       build began is queued for the next cycle
    stale_tasks(...)   the tasks that ran while one of their sources changed: doit
                       checksums file_deps when a task *ends*, so it recorded the newer
                       text as built although the task read the older one; the next
                       cycle must rerun them (Builder.build(force=...))
    still_needed(...)  deleted files the selected tasks still depend on, for a clear
                       message
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from doit.cmd_base import tasks_and_deps_iter

from .coalesce import Coalescer
from .watchset import WatchSet

GRACE = 1.0                           # seconds a renamed-away source may take to come back
STALE = ("changed during a build",)   # a signature no file has
CLOCK_SLACK_NS = 50_000_000           # file times lag the clock by up to a tick


@dataclass(frozen=True)
class Change:
    path: str   # absolute
    kind: str   # "changed", "added" or "deleted"


def signature(path: str):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class ChangeTracker:
    def __init__(self, coalescer: Coalescer) -> None:
        self.coalescer = coalescer
        self.sigs: dict[str, tuple | None] = {}

    def changes(self, batch: list[str]) -> list[Change]:
        seen = dict.fromkeys(batch)
        if any(self.sigs.get(p) is not None and not os.path.exists(p) for p in seen):
            seen.update(dict.fromkeys(self.coalescer.take(timeout=GRACE)))
        out = []
        for p in seen:
            now, before = signature(p), self.sigs.get(p)
            if (p in self.sigs and now == before) or (now is None and before is None):
                continue  # nothing new since the last build, or a file that came and went
            self.sigs[p] = now
            out.append(Change(p, "deleted" if now is None else ("added" if before is None else "changed")))
        return out

    def record(self, ws: WatchSet, start_ns: int) -> None:
        for p in ws.files:
            if p in self.sigs:
                continue
            s = signature(p)
            if s is not None and s[0] > start_ns:
                self.sigs[p] = STALE
                self.coalescer.add(p)
            else:
                self.sigs[p] = s

    @staticmethod
    def snapshot(files) -> dict[str, tuple | None]:
        return {p: signature(p) for p in files}

    def stale_tasks(self, tasks: dict | None, executed: list[str], before: dict,
                    start_ns: int) -> set[str]:
        """`before`: the snapshot taken as the build began (empty for the first build,
        then file times are compared with `start_ns`)."""
        tasks = tasks or {}
        made = {os.path.abspath(p) for t in tasks.values() for p in t.targets}
        stale = set()
        for name in executed:
            task = tasks.get(name)
            deps = {os.path.abspath(p) for p in (task.file_dep if task else ())} - made
            for dep in deps:  # sources only: targets change during a build by design
                now = signature(dep)
                if dep in before:
                    moved = before[dep] != now
                else:
                    moved = now is not None and now[0] > start_ns - CLOCK_SLACK_NS
                if moved:
                    stale.add(name)
                    self.coalescer.add(dep)   # and make sure there is a next cycle
        return stale


def still_needed(changes: list[Change], tasks: dict | None,
                 selected: list[str] | None) -> dict[str, list[str]]:
    """Deleted files that selected tasks still depend on -> those tasks' names."""
    gone = {c.path for c in changes if c.kind == "deleted"}
    if not gone or not tasks or not selected:
        return {}
    out: dict[str, list[str]] = {}
    for t in tasks_and_deps_iter(tasks, selected):
        for p in t.file_dep:
            ap = os.path.abspath(p)
            if ap in gone:
                out.setdefault(ap, []).append(t.name)
    return out
