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
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
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
    """(wall-clock seconds, exit code, output) of one `doit` run in PROJECT."""
    t, code, out, _ = doit_measured(project, jobs, *args)
    return t, code, out


# Runs a command and reports its wall-clock seconds and the peak resident memory of it
# and its descendants. A small process of its own, because Linux children inherit the
# parent's high-water mark across fork and exec: measured from a big benchmark process,
# every child would look at least as big as it.
_PEAK = """
import resource, subprocess, sys, time
t = time.perf_counter()
code = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as f:
    f.write(f"{time.perf_counter() - t} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
sys.exit(code)
"""


def doit_measured(project: Path, jobs: int, *args: str) -> tuple[float, int, str, float]:
    """doit() plus the peak resident memory (MiB) of the doit process and the children
    it waited for."""
    argv = [sys.executable, "-m", "doit", "run", "-f", str(DODO), "-d", str(project)]
    if jobs > 1:
        argv += ["-n", str(jobs)]
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "peak"
        p = subprocess.run([sys.executable, "-c", _PEAK, str(report)] + argv + list(args),
                           capture_output=True, text=True, env=_env())
        elapsed, maxrss_kib = report.read_text().split()
    return float(elapsed), p.returncode, p.stdout + p.stderr, int(maxrss_kib) / 1024


def fixpoint_verified(project: Path) -> str | None:
    """None when build/fixpoint.json says the two stages are identical, else why not."""
    path = project / "build" / "fixpoint.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        return f"no fixpoint.json ({exc.__class__.__name__})"
    return None if data.get("identical") else f"fixpoint differs: {data.get('difference')}"


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
    """The failing task's id, and the rule set's one-line "[exit N] why" when printed."""
    lines = output.splitlines()
    task = next((l.split("taskid:", 1)[1].strip() for l in lines if "taskid:" in l), None)
    why = next((l.strip() for l in lines if l.startswith("[exit ")), None)
    if task is None and why is None:
        return lines[-1].strip() if output.strip() else "?"
    return ": ".join(x for x in (task, why) if x)


def measure(compiler, runs: int, jobs: int) -> dict:
    """{"cold"|"no-op"|"one-module edit": [seconds...], "peak MiB": [...]} over RUNS fresh
    projects, or {"fails": reason} when a cold bootstrap does not reach a verified
    fixpoint (exit 0 or 1 and build/fixpoint.json identical)."""
    out: dict = {"cold": [], "no-op": [], "one-module edit": [], "peak MiB": []}
    for i in range(runs):
        with tempfile.TemporaryDirectory(prefix="wasmboot-bench-") as tmp:
            project = compiler.make(Path(tmp) / "proj")
            t, code, log, peak = doit_measured(project, jobs)
            why = (f"exit {code} at {failing_task(log)}" if code not in (0, 1)
                   else fixpoint_verified(project))
            if why:
                return {"fails": f"cold doit bootstrap fails ({why})"}
            out["cold"].append(t)
            out["peak MiB"].append(peak)
            out["no-op"].append(doit(project, jobs)[0])
            compiler.edit(project, i)
            out["one-module edit"].append(doit(project, jobs)[0])
    return out


COMPILERS = {"fixture": Fixture, "embedded": Embedded}


def rows(which: str, runs: int, jobs: int = 1) -> list:
    """The benchmark rows of one compiler ("fixture" or "embedded") for bench/run.py."""
    from common import Row, na
    compiler = COMPILERS[which]()
    result = measure(compiler, runs, jobs)
    labels = [("cold", "cold", "cold doit bootstrap to a verified fixpoint", "s"),
              ("noop", "no-op", "no-op doit bootstrap", "s"),
              ("edit", "one-module edit", "one module edited, doit bootstrap", "s"),
              ("peak_rss", "peak MiB", "peak memory of the cold doit bootstrap", "MiB")]
    out = []
    for key, name, label, unit in labels:
        k, text = f"bootstrap.{which}.{key}", f"{label} [{compiler.name}]"
        if "fails" in result:
            out.append(na(k, text, unit, result["fails"]))
        else:
            out.append(Row(k, text, unit, result[name],
                           note="maxrss of doit + waited children" if key == "peak_rss" else ""))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=1, help="doit -n (parallel workers)")
    ap.add_argument("--embedded", action="store_true", help="also the embedded compiler")
    args = ap.parse_args()
    compilers = [Fixture()] + ([Embedded()] if args.embedded else [])
    rows = [("compiler", "build", "median s", "min s", "max s", "runs")]
    for c in compilers:
        result = measure(c, args.runs, args.jobs)
        if "fails" in result:
            rows.append((c.name, "cold", result["fails"], "", "", ""))
            continue
        for what, times in result.items():
            rows.append((c.name, what, f"{statistics.median(times):.3f}",
                         f"{min(times):.3f}", f"{max(times):.3f}", str(len(times))))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    print(f"doit bootstrap, -n {args.jobs}, {os.cpu_count()} CPUs")
    for r in rows:
        print("  ".join(cell.ljust(w) if i < 2 else cell.rjust(w)
                        for i, (cell, w) in enumerate(zip(r, widths))))


if __name__ == "__main__":
    main()
