"""The parts of `doit auto` on their own: ignore rules, the coalescer, the watch set,
report reading, load-time read tracing, the cycle block."""
from __future__ import annotations

import json
import threading
from pathlib import Path

from tasks.auto.build import CycleResult
from tasks.auto.coalesce import Coalescer
from tasks.auto.ignore import IgnoreRules
from tasks.auto.printer import Change, Printer
from tasks.auto.reports import read_report
from tasks.auto.tracing import reads_recorded
from tasks.auto.watchset import WatchSet


def test_ignore_rules(tmp_path: Path):
    rules = IgnoreRules(str(tmp_path / ".doit.db"))
    src = tmp_path / "src"
    for name in ("a.lisp~", ".#a.lisp", "#a.lisp#", ".a.lisp.swp", ".a.lisp.swx", "4913",
                 "a.lisp.tmp", ".stage2.wasm.x1y2.tmp", ".a.art.x1y2.part"):
        assert rules.ignored(str(src / name)), name
    for path in (src / ".git" / "index", tmp_path / ".hg" / "x", src / ".svn" / "entries",
                 tmp_path / ".doit.db", tmp_path / ".doit.db-journal", tmp_path / ".doit.db.dat"):
        assert rules.ignored(str(path)), path
    for name in ("a.lisp", "4913.lisp", "modules.txt", "a~b.lisp", ".doit.db"):
        path = src / name   # .doit.db elsewhere than doit's database is a file like any other
        assert not rules.ignored(str(path)), path


def test_coalescer_gathers_a_burst_into_one_batch():
    c = Coalescer(quiet=0.2, max_delay=30)
    assert c.take(timeout=0.01) == []
    done = threading.Event()

    def burst():
        for p in ("/p/a", "/p/a~", "/p/a", "/p/b"):
            c.add(p)
        done.set()
    threading.Thread(target=burst).start()
    done.wait(30)
    assert c.take(timeout=30) == ["/p/a", "/p/a~", "/p/b"]   # once, in order, no duplicates
    assert not c.pending()


def test_coalescer_caps_a_never_ending_stream():
    c = Coalescer(quiet=10.0, max_delay=0.05)
    c.add("/p/a")
    assert c.take() == ["/p/a"]   # quiet would wait 10 s; the cap ends the wait


class _Task:
    def __init__(self, name, file_dep=(), targets=(), task_dep=()):
        self.name, self.file_dep, self.targets = name, list(file_dep), list(targets)
        self.task_dep, self.setup_tasks = list(task_dep), []


def test_watchset_of_a_graph(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    tasks = {t.name: t for t in (
        _Task("compile:a", ["src/a.lisp"], ["build/a.art"]),
        _Task("compile:b", ["src/b.lisp"], ["build/b.art"]),
        _Task("link", ["build/a.art", "build/b.art"], ["build/out.wasm"],
              ["compile:a", "compile:b"]),
        _Task("other", ["elsewhere/x.txt"], ["build/x"]),
    )}
    ws = WatchSet.of(tasks, ["link"], {str(tmp_path / "conf.toml")})
    ab = lambda p: str(tmp_path / p)  # noqa: E731
    assert ws.files == {ab("src/a.lisp"), ab("src/b.lisp"), ab("conf.toml")}
    assert ws.dirs == {ab("src"), str(tmp_path)}
    assert ws.sources == {ab("src")}     # the task graph's file_dep directories
    assert ws.wants(ab("src/a.lisp"), created=False)
    assert ws.wants(ab("src/new.lisp"), created=True)          # a new file in a source dir
    assert not ws.wants(ab("src/notes.txt"), created=False)    # modified, not a source
    assert not ws.wants(ab("build/a.art"), created=True)       # a target, never
    assert not ws.wants(ab("other.txt"), created=True)         # not a source directory
    assert not ws.wants(ab("elsewhere/x.txt"), created=False)  # not selected


def _report(path: Path, failures) -> None:
    path.write_text(json.dumps({
        "timestamp": "2026-01-01T00:00:00Z", "stage_version": "stage2-v0.1",
        "summary": {"total_forms": 10, "compiled": 8, "failed": 1, "skipped": 1, "coverage_pct": 80.0},
        "modules": [{"path": "src/a.lisp", "compiled": 8, "failed": 1, "total": 10,
                     "failures": failures}]}))


def test_read_report(tmp_path: Path):
    p = tmp_path / "r.json"
    _report(p, [{"file": "src/a.lisp", "line": 12, "column": 3, "reason": "unsupported"}])
    view = read_report(str(p))
    assert (view.coverage, view.compiled, view.total, view.failed, view.skipped) == (80.0, 8, 10, 1, 1)
    assert [f.where() for f in view.failures] == ["src/a.lisp:12:3"]
    (tmp_path / "not.json").write_text('{"state": "Initialized"}')
    (tmp_path / "bad.json").write_text("{")
    assert read_report(str(tmp_path / "not.json")) is None
    assert read_report(str(tmp_path / "bad.json")) is None
    assert read_report(str(tmp_path / "missing.json")) is None


def test_reads_recorded(tmp_path: Path):
    (tmp_path / "conf.toml").write_text("x = 1\n")
    seen: set[str] = set()
    with reads_recorded(seen):
        (tmp_path / "conf.toml").read_text()
        with open(tmp_path / "out.txt", "w") as f:   # a write is not configuration
            f.write("x")
    open(tmp_path / "conf.toml").read()             # after loading: not recorded
    assert seen == {str(tmp_path / "conf.toml")}
    import builtins
    import io
    assert builtins.open is io.open and io.open.__module__ in ("io", "_io")  # restored


def test_block(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    p = tmp_path / "r.json"
    _report(p, [{"file": "src/a.lisp", "line": i, "reason": "bad form"} for i in range(1, 13)])
    r = CycleResult(executed=["compile:a", "report"], uptodate=["compile:b"],
                    failed=[("compile:c", "[exit 3] src/c.lisp: no such file")])
    after = read_report(str(p))
    r.reports_before = {str(p): after.__class__(**{**after.__dict__, "coverage": 90.0})}
    r.reports_after = {str(p): after}
    text = Printer(None).block([Change(str(tmp_path / "src/a.lisp"), "changed")], r, 0.4321,
                               {str(tmp_path / "src/c.lisp"): ["compile:c"]})
    lines = text.splitlines()
    assert lines[0].endswith("] src/a.lisp changed")
    assert lines[1:5] == [
        "  rebuilt   compile:a report (1 up to date)",
        "  FAILED    compile:c: [exit 3] src/c.lisp: no such file",
        "  deleted   src/c.lisp is still a source of compile:c: restore it or remove it from the configuration",
        "  coverage  80.00% (-10.00) 8/10 forms, 1 failed, 1 skipped  r.json"]
    assert lines[5] == "  failed    src/a.lisp:1 bad form"
    assert lines[15:] == ["            ... 2 more in r.json", "  time      0.43 s"]


def test_clear_option_clears_the_screen_before_each_block():
    import io
    out = io.StringIO()
    Printer(out, clear=True).show("block\n")
    Printer(out, clear=False).show("plain\n")
    assert out.getvalue() == "\x1b[2J\x1b[Hblock\nplain\n"


def test_interrupt_guard_holds_ctrl_c_inside_deferred_blocks():
    import os
    import signal

    import pytest

    from tasks.auto.interrupt import InterruptGuard
    guard = InterruptGuard()
    previous = signal.getsignal(signal.SIGINT)
    guard.install()
    try:
        reached = []
        with pytest.raises(KeyboardInterrupt):
            with guard.deferred():
                os.kill(os.getpid(), signal.SIGINT)   # handled at the next bytecode
                for _ in range(1000):
                    pass
                reached.append("end of block")        # not cut short
        assert reached == ["end of block"] and guard.interrupted
        os.kill(os.getpid(), signal.SIGINT)           # a second Ctrl-C: ignored
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_watcher_stopped_before_it_started_stops_cleanly(tmp_path: Path):
    # Ctrl-C can land between creating the watcher and starting it (first build)
    from tasks.auto.watcher import Watcher
    w = Watcher(IgnoreRules(str(tmp_path / ".doit.db")), Coalescer(quiet=0.01))
    w.update(WatchSet.empty())
    w.stop()
    started = Watcher(IgnoreRules(str(tmp_path / ".doit.db")), Coalescer(quiet=0.01))
    started.start()
    started.stop()
    assert not started._observer.is_alive()
