"""The watchdog observer: watch the WatchSet's directories, feed relevant paths to the
Coalescer.

Only events that change content or names are subscribed to (created, modified, moved,
deleted, closed-after-write): the build itself opens every source for reading, and
those open/close events must not wake anything. A move counts for both of its ends, so
an editor's rename-over (tmp -> file) and backup rename (file -> file~) are seen as a
change of `file`; the editor's own temp and backup names are ignored (ignore.py).
Directories are watched one level deep (not recursively), so the build directory under
the project root is not watched unless a source lives in it.
"""
from __future__ import annotations

import os
import threading

from watchdog.events import (DirCreatedEvent, DirDeletedEvent, DirMovedEvent, FileClosedEvent,
                             FileCreatedEvent, FileDeletedEvent, FileModifiedEvent,
                             FileMovedEvent, FileSystemEventHandler)
from watchdog.observers import Observer

from .coalesce import Coalescer
from .ignore import IgnoreRules
from .watchset import WatchSet

EVENTS = [FileCreatedEvent, FileModifiedEvent, FileMovedEvent, FileDeletedEvent,
          FileClosedEvent, DirCreatedEvent, DirDeletedEvent, DirMovedEvent]


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: "Watcher") -> None:
        self.watcher = watcher

    def on_any_event(self, event) -> None:
        if event.is_directory:
            return
        kind = event.event_type
        self.watcher.offer(os.fsdecode(event.src_path), created=kind == "created")
        if kind == "moved":
            self.watcher.offer(os.fsdecode(event.dest_path), created=True)


class Watcher:
    def __init__(self, ignore: IgnoreRules, coalescer: Coalescer) -> None:
        self.ignore, self.coalescer = ignore, coalescer
        self.watchset = WatchSet.empty()
        self._observer = Observer()
        self._handler = _Handler(self)
        self._watches: dict[str, object] = {}
        self._lock = threading.Lock()

    def offer(self, path: str, created: bool) -> None:
        """From the observer's thread: queue `path` when it matters."""
        path = os.path.abspath(path)
        if self.ignore.ignored(path):
            return
        if self.watchset.wants(path, created):
            self.coalescer.add(path)

    def start(self) -> None:
        self._observer.start()

    def update(self, watchset: WatchSet) -> list[str]:
        """Watch exactly the new set's directories; returns those that do not exist."""
        self.watchset = watchset  # one reference assignment: atomic for the other thread
        missing = []
        with self._lock:
            for d in list(self._watches):
                if d not in watchset.dirs:
                    self._observer.unschedule(self._watches.pop(d))
            for d in sorted(watchset.dirs):
                if d in self._watches:
                    continue
                if not os.path.isdir(d):
                    missing.append(d)
                    continue
                self._watches[d] = self._observer.schedule(self._handler, d, recursive=False,
                                                           event_filter=EVENTS)
        return missing

    def watched(self) -> list[str]:
        return sorted(self._watches)

    def stop(self) -> None:
        self._observer.stop()
        # a Ctrl-C can come between creating the watcher and starting it: joining a
        # thread that never started raises
        if self._observer.ident is not None:
            self._observer.join(timeout=5)
