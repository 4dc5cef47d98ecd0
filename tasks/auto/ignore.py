"""Paths that never start a build cycle, whatever the task graph says.

Editors write temporary and backup files beside the file being saved (vim: `4913`,
`.x.swp`, `x~`; emacs: `.#x`, `#x#`, `x~`; many tools: `*.tmp`, also our own atomic
writes `.x.NNN.tmp` and the runtime's clysm:fs output files `.x.NNN.part`); VCS directories churn on every commit; doit's database changes on
every run. Reacting to any of these would make the watcher trigger itself.
"""
from __future__ import annotations

import fnmatch
import os

EDITOR_PATTERNS = ("*~", ".#*", "#*#", "*.swp", "*.swx", "*.swo", "4913", "*.tmp", "*.part")
IGNORED_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__"})


class IgnoreRules:
    def __init__(self, dep_file: str) -> None:
        # doit's database: the file itself and its siblings (.doit.db-journal, .db.dat ...)
        self.db_dir = os.path.dirname(os.path.abspath(dep_file))
        self.db_prefix = os.path.basename(dep_file)

    def ignored(self, path: str) -> bool:
        path = os.path.abspath(path)
        name = os.path.basename(path)
        if any(fnmatch.fnmatchcase(name, p) for p in EDITOR_PATTERNS):
            return True
        parts = path.split(os.sep)
        if IGNORED_DIRS.intersection(parts):
            return True
        return os.path.dirname(path) == self.db_dir and name.startswith(self.db_prefix)
