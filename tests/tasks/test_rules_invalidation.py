"""What is not a file still invalidates what depends on it, through doit's own
up-to-date check (config_changed), never a manual forget: the wasmtime version and the
engine configuration (native code and every stage run), the runtime's shim code (every
stage run, not the native code). doit runs in this process here, so the version and the
shim directory can be swapped with monkeypatch."""
from __future__ import annotations

import importlib.metadata
import re
import runpy
import shutil
from pathlib import Path

import pytest
from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain

import runtime
from runtime import engine
from tasks import signature

from rules_helpers import ALL_TASKS, DODO

RUNS = {f"stage{n}:{s}" for n in (1, 2, 3) for s in ("instantiate", "start")} | \
    {f"stage{n}:module-{m}" for n in (2, 3) for m in "abc"} | {"stage2:link", "stage3:link"}
NATIVE = {f"stage{n}:compile" for n in (1, 2, 3)}


def doit_here(project: Path, capsys, monkeypatch) -> tuple[int, set[str]]:
    monkeypatch.chdir(project)
    monkeypatch.delenv("WASMBOOT_STAGES", raising=False)
    namespace = runpy.run_path(str(DODO))
    log = project / "doit-output.txt"
    try:
        code = DoitMain(ModuleTaskLoader(namespace)).run(["run", "--output-file", str(log)])
    except SystemExit as e:  # the bootstrap reporter's seed exit code
        code = e.code
    out = log.read_text()
    return code, set(re.findall(r"^\.  (\S+)$", out, re.M))


def test_a_new_wasmtime_version_recompiles_native_code_and_reruns_stages(project, capsys, monkeypatch):
    assert doit_here(project, capsys, monkeypatch) == (0, ALL_TASKS)
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: "99.0.0" if name == "wasmtime" else real(name))
    assert engine.wasmtime_version() == "99.0.0"  # what the native code cache keys on
    code, ran = doit_here(project, capsys, monkeypatch)
    assert code == 0
    assert ran == NATIVE | RUNS
    assert doit_here(project, capsys, monkeypatch) == (0, set())


def test_changing_the_engine_configuration_reruns_what_depends_on_it(project, capsys, monkeypatch):
    assert doit_here(project, capsys, monkeypatch) == (0, ALL_TASKS)
    toml = project / "stages" / "stages.toml"
    toml.write_text(toml.read_text().replace('interruption = "epoch"',
                                             'interruption = "fuel"\nfuel_limit = 1000000000'))
    code, ran = doit_here(project, capsys, monkeypatch)
    assert code == 0
    assert ran == NATIVE | RUNS


def test_changing_shim_code_reruns_stage_runs_but_not_native_code(project, tmp_path, capsys,
                                                                   monkeypatch):
    copy = tmp_path / "runtime-copy"
    shutil.copytree(Path(runtime.__file__).parent, copy,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(signature, "RUNTIME_DIR", copy)
    assert doit_here(project, capsys, monkeypatch) == (0, ALL_TASKS)
    with open(copy / "shims" / "fs.py", "a") as f:
        f.write("\n# a changed shim\n")
    code, ran = doit_here(project, capsys, monkeypatch)
    assert code == 0
    assert ran == RUNS
    with open(copy / "module.py", "a") as f:  # loader code: the load steps rerun
        f.write("\n# a changed loader\n")
    code, ran = doit_here(project, capsys, monkeypatch)
    assert ran == {f"stage{n}:load" for n in (1, 2, 3)}
