"""What a change must touch to start a build cycle, derived from the loaded task graph.

    files    the file_deps of the selected tasks and everything they depend on, minus
             the files some task makes (targets are outputs, never triggers), plus the
             files the dodo file read while loading (its configuration), the dodo file
             itself and DOIT_CONFIG["auto_watch"] entries
    dirs     the directories holding those files (watched, not recursively)
    sources  the directories of the file_deps (and auto_watch directories): a file
             *created* there starts a cycle too, so a new source that the configuration
             includes (e.g. by a glob) is picked up by the reload
    targets  every target of every task: never a trigger, even when created

The set is immutable; the command builds a new one after each reload and the watcher
swaps it in atomically.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from doit.cmd_base import tasks_and_deps_iter


@dataclass(frozen=True)
class WatchSet:
    files: frozenset[str]
    dirs: frozenset[str]
    sources: frozenset[str]
    targets: frozenset[str]

    def wants(self, path: str, created: bool) -> bool:
        if path in self.targets:
            return False
        if path in self.files:
            return True
        return created and os.path.dirname(path) in self.sources

    def merged(self, other: "WatchSet") -> "WatchSet":
        return WatchSet(self.files | other.files, self.dirs | other.dirs,
                        self.sources | other.sources, self.targets | other.targets)

    @classmethod
    def empty(cls) -> "WatchSet":
        return cls(frozenset(), frozenset(), frozenset(), frozenset())

    @classmethod
    def of(cls, tasks: dict | None, selected: list[str] | None, extra: set[str],
           extra_dirs: set[str] = frozenset()) -> "WatchSet":
        """From doit's Task objects (by name) and the selected task names; `extra` are
        absolute paths of further files to watch, `extra_dirs` further source dirs."""
        targets: set[str] = set()
        deps: set[str] = set()
        if tasks:
            for t in tasks.values():
                targets.update(os.path.abspath(p) for p in t.targets)
            for t in tasks_and_deps_iter(tasks, [s for s in selected or [] if s in tasks]):
                deps.update(os.path.abspath(p) for p in t.file_dep)
        deps -= targets
        sources = {os.path.dirname(p) for p in deps} | set(extra_dirs)
        files = deps | {p for p in extra if p not in targets}
        dirs = sources | {os.path.dirname(p) for p in files}
        return cls(frozenset(files), frozenset(dirs), frozenset(sources), frozenset(targets))


def project_files(paths, roots: list[str]) -> list[str]:
    """The files under the project (or the dodo file's directory), not those of installed
    packages that happened to be read while the dodo file imported them."""
    libs = {os.path.abspath(p) for p in sys.path if "site-packages" in p or "dist-packages" in p}
    libs |= {os.path.abspath(os.path.dirname(os.__file__))}
    out = []
    for p in paths:
        if any(p == lib or p.startswith(lib + os.sep) for lib in libs):
            continue
        if any(p.startswith(root + os.sep) for root in roots):
            out.append(p)
    return out
