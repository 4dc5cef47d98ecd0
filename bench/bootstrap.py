"""`doit bootstrap` timings; prints a table (nothing here asserts).

    python bench/bootstrap.py [--runs 3] [--embedded] [--jobs 1]

For each compiler, in a fresh copy of its project:
  cold     `doit bootstrap` from an empty build directory (native code cache emptied too)
  no-op    `doit bootstrap` again, nothing to do
  edit     one source module edited (a new form), `doit bootstrap`: that module's compile
           tasks, links, reports, the new stages' lifecycles, fixpoint and summary rerun
Median, min and max over --runs runs, wall-clock seconds of the whole `doit` process
(Python start-up and imports included).

Compilers: the WAT fixture compiler of tests/tasks/ (always); the embedded compiler
(stages/stages.toml in a copy of the repository's stages/ and tests/compiler/) with
--embedded, reported as "fails" with the failing task when its chain does not work yet.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DODO = ROOT / "dodo.py"


def _fixture():
    spec = importlib.util.spec_from_file_location(
        "wasmboot_tasks_fixture", ROOT / "tests" / "tasks" / "fixture" / "project.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _env() -> dict:
    env = dict(os.environ)
    env.pop("WASMBOOT_STAGES", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure as a user runs it: .pyc cached
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def doit(project: Path, jobs: int, *args: str) -> tuple[float, int, str]:
    argv = [sys.executable, "-m", "doit", "run", "-f", str(DODO), "-d", str(project)]
    if jobs > 1:
        argv += ["-n", str(jobs)]
    t0 = time.perf_counter()
    p = subprocess.run(argv + list(args), capture_output=True, text=True, env=_env())
    return time.perf_counter() - t0, p.returncode, p.stdout + p.stderr


class Fixture:
    name = "fixture (WAT)"

    def __init__(self) -> None:
        self.fx = _fixture()

    def make(self, root: Path) -> Path:
        return self.fx.make_project(root)

    def edit(self, project: Path, i: int) -> None:
        with open(project / "src" / "c.hex", "a") as f:
            f.write(f"; edit {i}\n")


class Embedded:
    name = "embedded compiler"

    def make(self, root: Path) -> Path:
        root.mkdir(parents=True)
        shutil.copytree(ROOT / "stages", root / "stages",
                        ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(ROOT / "tests" / "compiler", root / "tests" / "compiler",
                        ignore=shutil.ignore_patterns("__pycache__"))
        return root

    def edit(self, project: Path, i: int) -> None:
        with open(project / "stages" / "compiler" / "driver.lisp", "a") as f:
            f.write(f"\n(defun bench-edit-{i} () {i})\n")


def failing_task(output: str) -> str:
    for line in output.splitlines():
        if "taskid:" in line:
            return line.split("taskid:", 1)[1].strip()
    return output.strip().splitlines()[-1] if output.strip() else "?"


def measure(compiler, runs: int, jobs: int) -> list[tuple[str, list[float] | str]]:
    cold, noop, edit = [], [], []
    for i in range(runs):
        with tempfile.TemporaryDirectory(prefix="wasmboot-bench-") as tmp:
            project = compiler.make(Path(tmp) / "proj")
            t, code, out = doit(project, jobs)
            if code not in (0, 1):
                return [("cold", f"fails (exit {code}, {failing_task(out)})")]
            cold.append(t)
            t, code, out = doit(project, jobs)
            noop.append(t)
            compiler.edit(project, i)
            t, code, out = doit(project, jobs)
            edit.append(t)
    return [("cold", cold), ("no-op", noop), ("one-module edit", edit)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=1, help="doit -n (parallel workers)")
    ap.add_argument("--embedded", action="store_true", help="also the embedded compiler")
    args = ap.parse_args()
    compilers = [Fixture()] + ([Embedded()] if args.embedded else [])
    rows = [("compiler", "build", "median s", "min s", "max s", "runs")]
    for c in compilers:
        for what, times in measure(c, args.runs, args.jobs):
            if isinstance(times, str):
                rows.append((c.name, what, times, "", "", ""))
            else:
                rows.append((c.name, what, f"{statistics.median(times):.3f}",
                             f"{min(times):.3f}", f"{max(times):.3f}", str(len(times))))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    print(f"doit bootstrap, -n {args.jobs}, {os.cpu_count()} CPUs")
    for r in rows:
        print("  ".join(cell.ljust(w) if i < 2 else cell.rjust(w)
                        for i, (cell, w) in enumerate(zip(r, widths))))


if __name__ == "__main__":
    main()
