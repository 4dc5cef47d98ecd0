"""Shared helpers for the Lisp tests run under SBCL (the oracle)."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

LISP_DIR = Path(__file__).resolve().parent
SBCL = shutil.which("sbcl")


# How the harnesses load the runtime library (tests/lisp/load-runtime.lisp): "native"
# (SBCL's own macros) or "expanded" (every macro of the library expanded by our
# expanders, as the compiler will compile it).
LIBRARY_LOADS = ["native", "expanded"]


def run_sbcl_script(script: Path, *args: str, timeout: int = 300, stdin: str = "",
                    library_load: str = "native") -> subprocess.CompletedProcess:
    """Run `sbcl --script SCRIPT ARGS...` (STDIN as its input) and return the completed
    process."""
    if SBCL is None:
        pytest.skip("sbcl is not installed")
    env = dict(os.environ, WASMBOOT_LIBRARY_LOAD=library_load)
    return subprocess.run([SBCL, "--script", str(script), *args], capture_output=True,
                          text=True, timeout=timeout, input=stdin, env=env)


def failures_and_summary(proc: subprocess.CompletedProcess) -> tuple[list[str], tuple[int, int]]:
    """Split harness output into failure reports and the (passed, failed) summary."""
    failures: list[str] = []
    summary = None
    current: list[str] = []
    for line in proc.stdout.splitlines():
        if line.startswith("FAIL "):
            if current:
                failures.append("\n".join(current))
            current = [line]
        elif line.startswith("SUMMARY "):
            _, passed, failed = line.split()
            summary = (int(passed), int(failed))
        elif current and line.startswith("  "):
            current.append(line)
    if current:
        failures.append("\n".join(current))
    if summary is None:
        raise AssertionError(f"harness did not finish (exit {proc.returncode}):\n"
                             f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return failures, summary


_RUNS: dict[tuple, tuple[list[str], tuple[int, int]]] = {}


def run_harness_once(script: Path, files: list[Path],
                     library_load: str = "native") -> tuple[list[str], tuple[int, int]]:
    """Run a harness over all FILES in one SBCL process (cached for the session):
    (failure reports, (passed, failed))."""
    key = (script, tuple(files), library_load)
    if key not in _RUNS:
        proc = run_sbcl_script(script, *map(str, files), library_load=library_load)
        _RUNS[key] = failures_and_summary(proc)
    return _RUNS[key]


def failures_of(failures: list[str], case_file: Path) -> list[str]:
    return [f for f in failures if f.startswith(f"FAIL {case_file.name}:")]
