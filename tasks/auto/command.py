"""`doit auto [TASK...]`: bring the selected tasks up to date, then rebuild them whenever
one of their sources changes, until Ctrl-C (exit code 130).

    doit auto                      the DOIT_CONFIG "auto_tasks" (our rule set: Stage 2 and
                                   its report), else the dodo file's default tasks
    doit auto stage2:report        any tasks, as with `doit run`
    doit auto --clear              clear the screen before each cycle's block

The loop: build (build.py) -> derive what to watch (watchset.py) and watch it
(watcher.py) -> wait for a batch of changes (coalesce.py) -> keep the paths whose file
really changed since the build that used it (changes.py) -> build again. Builds run on this (the
main) thread, so they never overlap: whatever changes during a build waits, merged into
one batch, for the next cycle.
"""
from __future__ import annotations

import os
import signal
import sys
import time

from doit.cmd_base import DoitCmdBase
from doit.cmd_run import Run

from .build import Builder, CycleResult
from .changes import ChangeTracker, still_needed
from .coalesce import Coalescer
from .ignore import IgnoreRules
from .interrupt import InterruptGuard
from .printer import Printer, rel
from .watcher import Watcher
from .watchset import WatchSet, project_files

EXIT_INTERRUPTED = 130   # the shell's code for a process ended by SIGINT

opt_clear = {"name": "clear", "long": "clear", "type": bool, "default": False,
             "help": "clear the screen before each cycle's report"}
opt_debounce = {"name": "debounce", "long": "debounce", "type": float, "default": 0.2,
                "help": "seconds without events that end a burst of changes [default: %(default)s]"}


def _run_options() -> tuple:
    # doit run's options; task output is captured (verbosity 0) unless asked for
    return tuple(dict(o, default=0, help=o["help"].replace("[default: 1]", "[default: 0]"))
                 if o["name"] == "verbosity" else o for o in Run.cmd_options)


class Auto(DoitCmdBase):
    name = "auto"
    doc_purpose = "rebuild the selected tasks whenever their sources change (Ctrl-C stops)"
    doc_usage = "[TASK ...]"
    doc_description = (
        "Brings the selected tasks up to date, watches the files they depend on (and the\n"
        "files the dodo file reads while loading), and reruns what is out of date after\n"
        "each change. With no TASK: DOIT_CONFIG['auto_tasks'], else the default tasks.")
    execute_tasks = True
    cmd_options = _run_options() + (opt_clear, opt_debounce)

    def __init__(self, task_loader=None, cmds=None, **kwargs) -> None:
        super().__init__(task_loader, cmds=cmds, **kwargs)
        self._cmds = cmds
        self.guard = InterruptGuard()
        self.watcher: Watcher | None = None
        self.builder: Builder | None = None
        self.tracker: ChangeTracker | None = None
        self.force: set[str] = set()     # tasks the next cycle must rerun (changes.py)

    # Not DoitCmdBase.execute: every cycle loads the dodo file afresh (build.py).
    def execute(self, params, args):
        self.guard.install()
        try:
            return self._loop(params, args)
        except KeyboardInterrupt:
            return self._stop()
        finally:
            if self.watcher is not None:
                self.watcher.stop()
            self.guard.uninstall()

    def _stop(self) -> int:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        removed = self.builder.removed_on_interrupt if self.builder else []
        extra = f"; removed the unfinished target(s) {' '.join(rel(p) for p in removed)}" if removed else ""
        sys.stdout.flush()
        sys.stderr.write(f"doit auto: interrupted{extra}\n")
        sys.stderr.flush()
        return EXIT_INTERRUPTED

    def _build(self, watched: WatchSet) -> CycleResult:
        start_ns = time.time_ns()
        before = self.tracker.snapshot(watched.files)
        r = self.builder.build(self.guard, self.force)
        self.force = self.tracker.stale_tasks(r.tasks, r.executed, before, start_ns)
        return r

    def _loop(self, params, args) -> int:
        for key in ("dodoFile", "cwdPath"):  # each cycle reloads from the project directory
            if params.get(key):
                params[key] = os.path.abspath(params[key])
        self.builder = Builder(self.loader, self.config, params, args, self._cmds, self.bin_name)
        printer = Printer(sys.stdout, clear=bool(params.get("clear")))
        coalescer = Coalescer(quiet=max(0.01, float(params.get("debounce") or 0.2)))
        self.tracker = ChangeTracker(coalescer)

        t0, start_ns = time.perf_counter(), time.time_ns()
        r = self._build(WatchSet.empty())
        if r.bad_selection or (r.load_error and not r.reads):
            sys.stderr.write(f"doit auto: {r.load_error}\n")
            return 3
        ns = getattr(self.loader, "namespace", None) or {}
        if ns.get("__file__") and params.get("dodoFile"):
            params["dodoFile"] = os.path.abspath(ns["__file__"])  # found by --seek-file
        ws = self._watchset(r, WatchSet.empty())
        self.watcher = Watcher(IgnoreRules(r.dep_file), coalescer)
        missing = self.watcher.update(ws)
        self.watcher.start()
        self.tracker.record(ws, start_ns)
        note = f"watching {len(self.watcher.watched())} directories (Ctrl-C stops)"
        if missing:
            note += "; missing: " + " ".join(rel(d) for d in missing)
        printer.show(printer.block(None, r, time.perf_counter() - t0, note=note))

        while True:
            changes = self.tracker.changes(coalescer.take())
            if not changes:
                continue
            t0, start_ns = time.perf_counter(), time.time_ns()
            r = self._build(ws)
            ws = self._watchset(r, ws)
            missing = self.watcher.update(ws)
            self.tracker.record(ws, start_ns)
            note = ("not watched (missing): " + " ".join(rel(d) for d in missing)) if missing else ""
            printer.show(printer.block(changes, r, time.perf_counter() - t0,
                                       still_needed(changes, r.tasks, r.selected), note))

    def _watchset(self, r: CycleResult, previous: WatchSet) -> WatchSet:
        ns = getattr(self.loader, "namespace", None) or {}
        dodo = os.path.abspath(ns["__file__"]) if ns.get("__file__") else None
        extra = set(project_files(r.reads, [os.getcwd()] + ([os.path.dirname(dodo)] if dodo else [])))
        if dodo:
            extra.add(dodo)
        more = r.config.get("auto_watch") or []
        more = [os.path.abspath(p) for p in ([more] if isinstance(more, str) else more)]
        extra.update(p for p in more if not os.path.isdir(p))
        ws = WatchSet.of(r.tasks, r.selected, extra, {p for p in more if os.path.isdir(p)})
        # a graph that did not load: keep watching what was watched, plus what it read
        return ws if r.tasks is not None and r.selected is not None else previous.merged(ws)
