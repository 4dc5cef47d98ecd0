"""`doit auto` on the command line: registered as a doit command; which tasks it
selects; bad input gets one line and exit code 3."""
from __future__ import annotations

from pathlib import Path

from auto_helpers import make_small_project, run_doit


def test_auto_is_a_doit_command(tmp_path: Path):
    proj = make_small_project(tmp_path / "proj")
    listed = run_doit(proj, "help")
    assert listed.returncode == 0 and "auto" in listed.stdout
    usage = run_doit(proj, "help", "auto")
    assert "rebuild the selected tasks whenever their sources change" in usage.stdout
    assert "--clear" in usage.stdout and "--debounce" in usage.stdout


def test_bad_command_lines_exit_3_with_one_line(tmp_path: Path):
    proj = make_small_project(tmp_path / "proj")
    bad = run_doit(proj, "auto", "nosuch")
    assert bad.returncode == 3
    assert bad.stderr.splitlines() == ['doit auto: Invalid parameter: "nosuch". Must be a command, '
                                       'task, or a target.'], bad.stderr
    (tmp_path / "empty").mkdir()
    none = run_doit(tmp_path / "empty", "auto")
    assert none.returncode == 3 and len(none.stderr.splitlines()) == 1
    assert "Could not find dodo file" in none.stderr


SELECTION_DODO = '''
DOIT_CONFIG = {"default_tasks": ["a"]%s}

def _copy(src, dst):
    open(dst, "w").write(open(src).read())

def task_a():
    """a.in -> a.out"""
    return {"file_dep": ["a.in"], "targets": ["a.out"], "actions": [(_copy, ["a.in", "a.out"])]}

def task_b():
    """b.in -> b.out"""
    return {"file_dep": ["b.in"], "targets": ["b.out"], "actions": [(_copy, ["b.in", "b.out"])]}
'''


def _selection_project(root: Path, auto_tasks: str) -> Path:
    root.mkdir()
    (root / "dodo.py").write_text(SELECTION_DODO % auto_tasks)
    (root / "a.in").write_text("a\n")
    (root / "b.in").write_text("b\n")
    return root


def test_selection_auto_tasks_then_default_tasks_and_named_tasks_first(tmp_path: Path, autos):
    with_key = _selection_project(tmp_path / "with", ', "auto_tasks": ["b"]')
    auto = autos(with_key)
    assert "  rebuilt   b\n" in auto.wait_blocks(1)[0]     # DOIT_CONFIG["auto_tasks"]
    assert auto.interrupt() == 130
    auto = autos(with_key, "a")
    assert "  rebuilt   a\n" in auto.wait_blocks(1)[0]     # named on the command line
    assert auto.interrupt() == 130
    without = _selection_project(tmp_path / "without", "")
    auto = autos(without)
    assert "  rebuilt   a\n" in auto.wait_blocks(1)[0]     # the default tasks
    assert auto.interrupt() == 130
