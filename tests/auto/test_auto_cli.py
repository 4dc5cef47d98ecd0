"""`doit auto` on the command line: registered as a doit command, bad input gets one
line and exit code 3."""
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
