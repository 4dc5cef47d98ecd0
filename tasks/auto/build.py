"""One build cycle, in this process, with doit's own loader and runner.

Each cycle reloads the dodo file (its module is dropped from sys.modules first, so a
configuration it reads at import time is read again: a new source module becomes a new
task), then runs doit's `Run` command on the selected tasks: doit's up-to-date logic
decides what reruns, its database records it, the dodo file's reporter still sees every
task. Why in process rather than a `doit run` subprocess per cycle: no interpreter start
and no re-import of doit, wasmtime and the rule set on every save (a few hundred ms of the
one-second budget), and the runner hands back exactly which tasks ran or failed.

What a cycle returns (CycleResult): doit's result code, the tasks that ran, failed or were
up to date, the task graph (to derive what to watch), the files the dodo file read while
loading, the reports before and after, or the error that stopped loading. A Ctrl-C during
the run first removes the targets of the task that was running (doit has not recorded it
as done, and a task that writes non-atomically may have left a partial file), then
propagates.
"""
from __future__ import annotations

import contextlib
import io
import os
import sys
import time
from dataclasses import dataclass, field

from doit.cmd_base import tasks_and_deps_iter
from doit.cmd_run import Run
from doit.cmdparse import DefaultUpdate
from doit.exceptions import InvalidCommand, InvalidDodoFile, InvalidTask

from .interrupt import InterruptGuard
from .recorder import RecordingReporter
from .reports import ReportView, read_report
from .tracing import reads_recorded


@dataclass
class CycleResult:
    code: int = 0                     # doit's (or the dodo reporter's) exit code; 3 load error
    executed: list[str] = field(default_factory=list)
    uptodate: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    load_error: str | None = None
    bad_selection: bool = False       # a task named on the command line does not exist
    tasks: dict | None = None         # name -> doit Task, when loading succeeded
    selected: list[str] | None = None
    reads: set[str] = field(default_factory=set)
    reports_before: dict[str, ReportView | None] = field(default_factory=dict)
    reports_after: dict[str, ReportView] = field(default_factory=dict)
    dep_file: str = ".doit.db"
    config: dict = field(default_factory=dict)   # DOIT_CONFIG as loaded
    seconds: float = 0.0


class _TracingLoader:
    """Wraps the task loader: a fresh import of the dodo file, its reads recorded and its
    output kept (a configuration error printed by the dodo file ends up in the block)."""

    def __init__(self, inner, reads: set[str], out: io.StringIO) -> None:
        self.inner, self.reads, self.out = inner, reads, out
        self.doit_config: dict = {}

    def __getattr__(self, name):
        return getattr(self.inner, name)

    @contextlib.contextmanager
    def _loading(self):
        with reads_recorded(self.reads), contextlib.redirect_stdout(self.out), \
                contextlib.redirect_stderr(self.out):
            yield

    def setup(self, opt_values):
        dodo = opt_values.get("dodoFile")
        if dodo:
            sys.modules.pop(os.path.splitext(os.path.basename(dodo))[0], None)
        with self._loading():
            self.inner.setup(opt_values)
        # doit prepends the dodo directory on every load: keep one copy
        seen: set[str] = set()
        sys.path[:] = [p for p in sys.path if not (p in seen or seen.add(p))]

    def load_doit_config(self):
        with self._loading():
            self.doit_config = dict(self.inner.load_doit_config())
        return self.doit_config

    def load_tasks(self, cmd, pos_args):
        with self._loading():
            return self.inner.load_tasks(cmd, pos_args)


class _CycleRun(Run):
    """doit's `run`, with the reporter wrapped and the default selection of `auto`."""
    name = "run"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)   # scans the plugin entry points: done once, not per cycle
        self.start(CycleResult(), set(), self.loader, InterruptGuard())

    def start(self, result: CycleResult, force: set[str], loader, guard: InterruptGuard) -> None:
        """Reset for a new cycle (doit creates the dependency manager afresh when none)."""
        self.result, self.force, self.loader, self.guard = result, force, loader, guard
        self.recorder: RecordingReporter | None = None
        self.buffer = io.StringIO()
        self.started = False
        self._params: dict = {}
        self.dep_manager = None
        self.control = None
        self.task_list = []

    def execute(self, params, args):
        self._params = params
        return super().execute(params, args)

    def _execute(self, outfile, verbosity=None, always=False, continue_=False,
                 reporter='console', num_process=0, par_type='process', single=False,
                 auto_delayed_regex=False, force_verbosity=False, failure_verbosity=0,
                 pdb=False):
        r = self.result
        r.dep_file = self._params.get("dep_file", r.dep_file)
        r.tasks = {t.name: t for t in self.task_list}
        for name in self.force:  # doit's record of these tasks cannot be trusted: see Builder
            if name in r.tasks:
                self.dep_manager.remove(name)
        self.dep_manager.close = self._uninterrupted(self.dep_manager.close)
        auto = self._params.get("auto_tasks")
        if self.sel_default_tasks and auto:
            self.sel_tasks = list(auto)
        cands = self._params.get("auto_report")
        cands = [cands] if isinstance(cands, str) else cands
        if not cands:
            cands = [p for t in self.task_list for p in t.targets if str(p).endswith(".json")]
        r.reports_before = {os.path.abspath(p): read_report(p) for p in cands}
        cls = self.reporters[reporter] if isinstance(reporter, str) else reporter
        inner = cls(self.buffer, {"failure_verbosity": failure_verbosity}) \
            if isinstance(cls, type) else cls
        self.recorder = RecordingReporter(inner)
        self.started = True
        return super()._execute(self.buffer, verbosity, always, continue_, self.recorder,
                                num_process, par_type, single, auto_delayed_regex,
                                force_verbosity, failure_verbosity, pdb)


    def _uninterrupted(self, close):
        """doit's Dependency.close() writes the database: no Ctrl-C in the middle."""
        def close_database():
            with self.guard.deferred():
                close()
        return close_database


def _copy(params: DefaultUpdate) -> DefaultUpdate:
    p = DefaultUpdate()
    dict.update(p, params)
    p._non_default_keys = set(params._non_default_keys)
    return p


def _remove_targets(task) -> list[str]:
    """Remove the file targets of an interrupted task: a missing target makes doit run
    the task again, a partial one could pass for finished."""
    removed = []
    for t in task.targets:
        try:
            if os.path.isfile(t) or os.path.islink(t):
                os.unlink(t)
                removed.append(t)
        except OSError:
            pass
    return removed


class Builder:
    def __init__(self, loader, config, params: DefaultUpdate, args: list[str], cmds,
                 bin_name: str = "doit") -> None:
        self.loader, self.config, self.params, self.args = loader, config, params, args
        self.cmds, self.bin_name = cmds, bin_name
        self.removed_on_interrupt: list[str] = []
        self.run: _CycleRun | None = None

    def build(self, guard: InterruptGuard | None = None, force: set[str] = frozenset()) -> CycleResult:
        """One cycle. `guard` holds Ctrl-C while doit saves its database and says whether
        one arrived (a reporter may turn the KeyboardInterrupt into a SystemExit: the
        cleanup must happen all the same).

        `force`: tasks whose doit record is forgotten first, so they run again. doit
        checksums a task's file_deps when the task *ends*: a source saved while its task
        was running is recorded as built although the task read the older text. The
        command passes here the tasks that ran while one of their file_deps changed."""
        r = CycleResult()
        out = io.StringIO()
        tracing = _TracingLoader(self.loader, r.reads, out)
        if self.run is None:
            self.run = _CycleRun(task_loader=tracing, config=self.config, bin_name=self.bin_name,
                                 cmds=self.cmds)
        run = self.run
        guard = guard or InterruptGuard()
        run.start(r, set(force), tracing, guard)
        t0 = time.perf_counter()
        try:
            code = run.execute(_copy(self.params), list(self.args))
            r.code = int(code or 0)
        except KeyboardInterrupt:
            self._cleanup(run)
            raise
        except SystemExit as e:  # the dodo file gave up loading, or its reporter's exit code
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
            r.code = code
            if not run.started:
                r.load_error = _last_line(out.getvalue()) or f"the dodo file exited with code {code}"
        except InvalidCommand as e:
            r.code, r.bad_selection = 3, run.started
            r.load_error = (str(e).strip().splitlines() or ["invalid command"])[0]
        except (InvalidDodoFile, InvalidTask) as e:
            r.code = 3
            self._error(r, run, (str(e).strip().splitlines() or [type(e).__name__])[0])
        except Exception as e:  # a broken dodo file must not stop the watcher
            r.code = 3
            self._error(r, run, f"{type(e).__name__}: {e}")
        if guard.interrupted:
            self._cleanup(run)
            raise KeyboardInterrupt
        r.seconds = time.perf_counter() - t0
        r.config = tracing.doit_config
        rec = run.recorder
        if rec is not None:
            r.executed, r.uptodate = rec.executed, rec.uptodate
            r.failed, r.errors = rec.failed, rec.errors + r.errors
        control = getattr(run, "control", None)
        if control is not None and control.selected_tasks is not None:
            r.selected = list(control.selected_tasks)
            r.tasks = control.tasks
            made = {os.path.abspath(p) for t in tasks_and_deps_iter(r.tasks, r.selected)
                    for p in t.targets}
            for p in r.reports_before:
                view = read_report(p) if p in made else None
                if view is not None:
                    r.reports_after[p] = view
        return r

    @staticmethod
    def _error(r: CycleResult, run: _CycleRun, message: str) -> None:
        if run.started:
            r.errors.append(message)
        else:
            r.load_error = message

    def _cleanup(self, run: _CycleRun) -> None:
        if run.recorder is not None and run.recorder.in_flight is not None:
            self.removed_on_interrupt = _remove_targets(run.recorder.in_flight)
            run.recorder.in_flight = None


def _last_line(text: str) -> str:
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    return lines[-1] if lines else ""
