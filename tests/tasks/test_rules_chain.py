"""The whole rule set on the fixture compiler: cold build to a fixpoint, no-op rebuild,
one-module edit, exit codes, clean, list, parallel builds."""
from __future__ import annotations

import json
from pathlib import Path

import wasmtime

from runtime.report import CompilationReport, report_errors

from rules_helpers import ALL_TASKS, fixture_project, run_doit, stage_tasks


def test_cold_bootstrap_reaches_fixpoint_then_noop_runs_nothing(project: Path):
    cold = run_doit(project)
    assert cold.code == 0, cold.out + cold.err
    assert cold.ran == ALL_TASKS
    build = project / "build"
    stage1 = (build / "stage1.wasm").read_bytes()
    assert stage1 == fixture_project.compiler_bytes()
    assert (build / "stage2.wasm").read_bytes() == stage1
    assert (build / "stage3.wasm").read_bytes() == stage1
    for n in (2, 3):
        data = json.loads((build / f"stage{n}-report.json").read_text())
        assert report_errors(data) == []
        assert data["stage_version"] == f"stage{n}-v0.1"
        assert data["summary"]["failed"] == 0
        assert [m["path"] for m in data["modules"]] == ["src/a.hex", "src/b.hex", "src/c.hex"]
    fix = json.loads((build / "fixpoint.json").read_text())
    assert fix["identical"] is True
    summary = json.loads((build / "summary.json").read_text())
    assert summary["exit_code"] == 0
    assert [s["size"] for s in summary["stages"]] == [len(stage1)] * 3
    assert "fixpoint: stage2 == stage3" in cold.out
    # lifecycle records
    start = json.loads((build / "stage2" / "start.json").read_text())
    assert start["state"] == "Initialized" and start["has_compile_all"] is True
    inst = json.loads((build / "stage1" / "instantiate.json").read_text())
    assert {(i["module"], i["name"]) for i in inst["imports"]} >= {("clysm:fs", "open")}
    native = json.loads((build / "stage1" / "compile.json").read_text())
    assert Path(project / native["native_code"]).is_file()

    noop = run_doit(project, "bootstrap")
    assert noop.code == 0, noop.out + noop.err
    assert noop.ran == set()
    assert noop.uptodate == ALL_TASKS
    assert "fixpoint: stage2 == stage3" in noop.out  # the summary is shown even so


def test_editing_one_module_reruns_only_what_depends_on_it(project: Path):
    assert run_doit(project).code == 0
    fixture_project.edit_note(project)           # new bytes in module c's artifact
    with open(project / "src" / "c.hex", "a") as f:
        f.write("; one more comment: a new skipped form, so c's results change too\n")
    edit = run_doit(project)
    assert edit.code == 0, edit.out + edit.err
    # Stage 2: only c is recompiled; the new stage2.wasm goes through its lifecycle.
    # Stage 3 is compiled by that new stage 2, so every stage-3 module compile reruns.
    expected = ({"stage2:module-c", "stage2:link", "stage2:report"}
                | {f"stage2:{s}" for s in ("load", "compile", "instantiate", "start")}
                | stage_tasks(3) | {"fixpoint", "summary"})
    assert edit.ran == expected
    assert edit.uptodate == ALL_TASKS - expected
    stage2 = (project / "build" / "stage2.wasm").read_bytes()
    assert b"fixture-note-v02" in stage2
    assert stage2 == (project / "build" / "stage3.wasm").read_bytes()
    assert run_doit(project).ran == set()


def test_partial_coverage_exits_1_and_reports_the_failed_form(project: Path):
    src = project / "src" / "a.hex"
    lines = src.read_text().splitlines()
    lines.insert(3, "00 zz 01")  # not hex: a failed form; its bytes are left out
    src.write_text("\n".join(lines) + "\n")
    r = run_doit(project)
    assert r.code == 1, r.out + r.err
    rep = CompilationReport.read(project / "build" / "stage2-report.json")
    assert rep.summary.failed == 1
    (failure,) = rep.modules[0].failures
    assert (failure.file, failure.line, failure.reason) == ("src/a.hex", 4, "not a hex digit")
    assert "exit status: 1" in r.out
    assert run_doit(project).code == 1  # a no-op build keeps saying partial


def test_missing_source_module_exits_3(project: Path):
    (project / "src" / "b.hex").unlink()
    r = run_doit(project)
    assert r.code == 3, r.out + r.err


def test_stage_without_compile_all_exits_77(project: Path):
    (project / "fixture" / "stage1.wasm").write_bytes(
        wasmtime.wat2wasm('(module (func (export "_start")))'))
    r = run_doit(project)
    assert r.code == 77, r.out + r.err
    assert "does not export compile_all" in r.out + r.err


def test_broken_stage1_exits_2(project: Path):
    (project / "fixture" / "stage1.wasm").write_bytes(b"\0asm\x02\0\0\0")
    r = run_doit(project)
    assert r.code == 2, r.out + r.err
    assert "stage1:load" in r.out + r.err


def test_no_fixpoint_is_reported_with_offset_and_section(project: Path):
    # stage 1 carries another note than the sources spell: stage1 != stage2
    wasm = fixture_project.compiler_bytes()
    other = wasm.replace(fixture_project.NOTE_PAYLOAD, b"fixture-note-v99")
    (project / "fixture" / "stage1.wasm").write_bytes(other)
    toml = project / "stages" / "stages.toml"
    toml.write_text(toml.read_text().replace("fixpoint = [2, 3]", "fixpoint = [1, 2]"))
    r = run_doit(project)
    assert r.code == 2, r.out + r.err
    offset = other.index(b"v99") + 1
    assert f"differ at offset {offset}" in r.out + r.err
    assert 'section custom (0) "note"' in r.out + r.err
    assert not (project / "build" / "summary.json").exists()


def test_clean_removes_what_the_tasks_made(project: Path):
    assert run_doit(project).code == 0
    r = run_doit(project, command="clean")
    assert r.code == 0, r.out + r.err
    left = [p for p in (project / "build").rglob("*") if p.is_file()]
    assert left == []
    assert run_doit(project).ran == ALL_TASKS  # and everything is rebuilt


def test_list_explains_the_graph(project: Path):
    r = run_doit(project, "--all", command="list")
    assert r.code == 0, r.err
    lines = dict(line.split(None, 1) for line in r.out.splitlines() if line.strip())
    for name in ALL_TASKS | {"bootstrap", "stage1", "stage2", "stage3"}:
        assert lines.get(name, "").strip(), f"{name} has no doc line"
    assert "src/b.hex" in lines["stage2:module-b"]


def test_parallel_builds_give_the_same_bytes(project: Path, tmp_path: Path):
    serial = run_doit(project)
    assert serial.code == 0
    want = {n: (project / "build" / f"stage{n}.wasm").read_bytes() for n in (1, 2, 3)}
    for mode in ("process", "thread"):
        assert run_doit(project, command="clean").code == 0
        r = run_doit(project, "-n", "2", "-P", mode)
        assert r.code == 0, mode + r.out + r.err
        assert r.ran == ALL_TASKS
        for n, data in want.items():
            assert (project / "build" / f"stage{n}.wasm").read_bytes() == data, (mode, n)
        assert run_doit(project, "-n", "2", "-P", mode).ran == set()


def test_preceding_context_makes_later_modules_depend_on_earlier_sources(project: Path):
    toml = project / "stages" / "stages.toml"
    toml.write_text(toml.read_text().replace('context = "none"', 'context = "preceding"'))
    assert run_doit(project).code == 0
    with open(project / "src" / "b.hex", "a") as f:
        f.write("; a comment in b\n")
    r = run_doit(project)
    assert r.code == 0, r.out + r.err
    compiles = {t for t in r.ran if ":module-" in t}
    # b's results changed; c reads b as context, so it compiles again; a does not
    assert compiles == {"stage2:module-b", "stage2:module-c", "stage3:module-b", "stage3:module-c"}


def test_a_trapping_compiler_is_exit_2_with_the_trap(project: Path):
    (project / "fixture" / "stage1.wasm").write_bytes(wasmtime.wat2wasm(
        '(module (func (export "_start"))'
        ' (func $crash (export "compile_all") (param externref) (result i32) unreachable))'))
    r = run_doit(project)
    assert r.code == 2, r.out + r.err
    assert "unreachable" in r.out + r.err and "stage2:module-" in r.out + r.err


def test_compile_all_returning_2_is_exit_2(project: Path):
    (project / "fixture" / "stage1.wasm").write_bytes(wasmtime.wat2wasm(
        '(module (func (export "_start"))'
        ' (func (export "compile_all") (param externref) (result i32) (i32.const 2)))'))
    r = run_doit(project)
    assert r.code == 2, r.out + r.err
    assert "compile_all returned 2" in r.out + r.err
