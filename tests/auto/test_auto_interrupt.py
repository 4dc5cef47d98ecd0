"""Ctrl-C (SIGINT) ends `doit auto` with exit code 130, no traceback, and a consistent
build directory: a task interrupted half-way leaves no partial target, and the next
`doit` run completes it."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from auto_helpers import HERE, make_small_project, run_doit, save_in_place, wait_for


def _no_traceback(text: str) -> None:
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text


def test_sigint_while_watching_exits_130(tmp_path: Path, autos):
    proj = make_small_project(tmp_path / "proj")
    auto = autos(proj)
    auto.wait_blocks(1, "the first cycle")
    code = auto.interrupt()
    assert code == 130, auto.out() + auto.err()
    _no_traceback(auto.err() + auto.out())
    assert "interrupted" in auto.err()
    again = run_doit(proj)                           # everything still up to date
    assert again.returncode == 0 and ".  " not in again.stdout, again.stdout + again.stderr


def test_sigint_during_a_task_removes_its_partial_target(tmp_path: Path, autos):
    proj = tmp_path / "slow"
    (proj / "src").mkdir(parents=True)
    shutil.copy(HERE / "fixture" / "slow_dodo.py", proj / "dodo.py")
    (proj / "src" / "in.txt").write_text("old" * 100)
    (proj / "release").touch()
    auto = autos(proj)
    auto.wait_blocks(1, "the first cycle")
    assert (proj / "out.txt").read_text() == "old" * 100

    (proj / "release").unlink()                       # the next run stops half-way
    new = "new" * 100
    save_in_place(proj / "src" / "in.txt", new)
    wait_for(lambda: (proj / "out.txt").exists() and (proj / "out.txt").read_text() == new[:150],
             "the task to write half its target", proc=auto)
    code = auto.interrupt()
    assert code == 130, auto.out() + auto.err()
    _no_traceback(auto.err() + auto.out())
    assert "removed the unfinished target(s) out.txt" in auto.err()
    assert not (proj / "out.txt").exists()           # no half-written artifact

    (proj / "release").touch()
    done = run_doit(proj)                             # doit knows the task is not done
    assert done.returncode == 0, done.stdout + done.stderr
    assert ".  slow" in done.stdout
    assert (proj / "out.txt").read_text() == new
    assert "-- slow" in run_doit(proj).stdout


def test_sigint_during_the_first_build_leaves_a_consistent_build(tmp_path: Path, autos):
    proj = make_small_project(tmp_path / "proj", sources=("a", "b", "c", "d"))
    auto = autos(proj)
    # wherever it lands (loading, a task, the report, or after), the state is consistent
    wait_for(lambda: (proj / "out").exists() or auto.blocks(), "the first task", proc=auto)
    code = auto.interrupt()
    assert code == 130, auto.out() + auto.err()
    _no_traceback(auto.err() + auto.out())
    for up in (proj / "out").glob("*.up"):
        src = proj / "src" / (up.stem + ".txt")
        assert up.read_text() == src.read_text().upper()
    if (proj / "report.json").exists():
        json.loads((proj / "report.json").read_text())
    done = run_doit(proj)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads((proj / "report.json").read_text())["summary"]["total_forms"] == 8
    assert "-- report" in run_doit(proj).stdout
