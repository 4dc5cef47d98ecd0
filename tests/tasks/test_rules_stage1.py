"""How stage 1 is made: stage 0 (our Python interpreter running a Lisp compiler source)
or a command (SBCL running the same source), besides copying a .wasm (the other tests).
The Lisp source here is the fixture language's compiler (fixture/hexc.lisp)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rules_helpers import ALL_TASKS, fixture_project, run_doit


def test_stage0_makes_stage1_and_its_report(project: Path):
    fixture_project.use_stage0(project)
    r = run_doit(project)
    assert r.code == 0, r.out + r.err
    assert r.ran == ALL_TASKS | {"stage1:report"}
    want = fixture_project.compiler_bytes()
    for n in (1, 2, 3):
        assert (project / "build" / f"stage{n}.wasm").read_bytes() == want
    rep = json.loads((project / "build" / "stage1-report.json").read_text())
    assert rep["stage_version"] == "stage1-v0.1"
    assert [m["path"] for m in rep["modules"]] == ["src/a.hex", "src/b.hex", "src/c.hex"]
    s2 = json.loads((project / "build" / "stage2-report.json").read_text())
    assert rep["summary"] == s2["summary"]  # stage 0 and stage 1 agree form by form
    summary = json.loads((project / "build" / "summary.json").read_text())
    assert summary["stages"][0]["forms"] == s2["summary"]["total_forms"]
    # editing the compiler source stage 0 runs remakes stage 1 (and nothing changes after)
    hexc = project / "fixture" / "hexc.lisp"
    hexc.write_text(hexc.read_text() + "\n;; a comment\n")
    again = run_doit(project)
    assert "stage1:make" in again.ran and again.code == 0


def test_stage0_failure_is_exit_2_with_its_message(project: Path):
    fixture_project.use_stage0(project)
    hexc = project / "fixture" / "hexc.lisp"
    hexc.write_text(hexc.read_text() + "\n(defun broken (\n")
    r = run_doit(project)
    assert r.code == 2, r.out + r.err
    assert "stage 1 (stage0) exited with code 2" in r.out + r.err
    assert not (project / "build" / "stage1.wasm").exists()


@pytest.mark.skipif(shutil.which("sbcl") is None, reason="SBCL is not installed")
def test_sbcl_command_makes_the_same_stage1(project: Path):
    fixture_project.use_sbcl(project)
    r = run_doit(project)
    assert r.code == 0, r.out + r.err
    assert (project / "build" / "stage1.wasm").read_bytes() == fixture_project.compiler_bytes()
    assert (project / "build" / "stage1-report.json").exists()


def test_missing_command_is_exit_3(project: Path):
    fixture_project.use_sbcl(project)
    toml = project / "stages" / "stages.toml"
    toml.write_text(toml.read_text().replace('"sbcl"', '"no-such-lisp-here"'))
    r = run_doit(project)
    assert r.code == 3, r.out + r.err
    assert "command not found" in r.out + r.err
