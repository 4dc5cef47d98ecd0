"""Helpers for the rule-set tests: a throwaway project driven by the WAT fixture
compiler (fixture/project.py), and `doit` run on it as a subprocess, with the tasks it
ran and the tasks it found up to date read from doit's console output."""
from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _load_fixture():
    # by path, so it imports the same under any pytest import mode
    spec = importlib.util.spec_from_file_location("wasmboot_tasks_fixture",
                                                  HERE / "fixture" / "project.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


fixture_project = _load_fixture()
make_project = fixture_project.make_project

REPO = Path(__file__).resolve().parents[2]
DODO = REPO / "dodo.py"


@dataclass
class DoitRun:
    code: int
    out: str
    err: str

    @property
    def ran(self) -> set[str]:
        return set(re.findall(r"^\.  (\S+)$", self.out, re.M))

    @property
    def uptodate(self) -> set[str]:
        return set(re.findall(r"^-- (\S+)$", self.out, re.M))


def doit_argv(project: Path, *args: str, command: str = "run") -> list[str]:
    """doit COMMAND -f REPO/dodo.py -d PROJECT ARGS (options, then task names)."""
    return [sys.executable, "-m", "doit", command, "-f", str(DODO), "-d", str(project), *args]


def env_for(project: Path) -> dict:
    env = dict(os.environ)
    env.pop("WASMBOOT_STAGES", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def run_doit(project: Path, *args: str, command: str = "run", timeout: float = 300) -> DoitRun:
    p = subprocess.run(doit_argv(project, *args, command=command), capture_output=True, text=True,
                       env=env_for(project), timeout=timeout)
    return DoitRun(p.returncode, p.stdout, p.stderr)


# The tasks of the fixture project's graph (sources a, b, c; stages 1..3).
LIFECYCLE = ("load", "compile", "instantiate", "start")


def stage_tasks(n: int, modules=("a", "b", "c")) -> set[str]:
    made = {"stage1:make"} if n == 1 else \
        {f"stage{n}:module-{m}" for m in modules} | {f"stage{n}:link", f"stage{n}:report"}
    return made | {f"stage{n}:{s}" for s in LIFECYCLE}


ALL_TASKS = stage_tasks(1) | stage_tasks(2) | stage_tasks(3) | {"fixpoint", "summary"}
