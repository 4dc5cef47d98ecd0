"""`doit auto` latency: from a saved source to the rewritten report; prints a table.

    python bench/watch_latency.py [--edits 12] [--project rules|small|embedded] [--style in-place]

Starts `doit auto` on a throwaway project, waits for its first cycle, then saves a
source N times (each save adds a form, so the per-form results and hence the report
change) and measures, per save:
  - save -> report rewritten (the report file's inode/mtime changes, polled every 2 ms);
  - save -> the cycle's block printed by `doit auto`;
  - the cycle time `doit auto` itself reports (reload + doit's up-to-date checks + tasks).
Projects: `rules` is our rule set (dodo.py, tasks/) on the WAT fixture compiler of
tests/tasks (edits src/c.hex: stage2:module-c, the report); `small` is the tiny project
of tests/auto (edits src/a.txt); `embedded` is a copy of the embedded compiler's
project (edits stages/compiler/driver.lisp; reported as failing while its chain fails).
The debounce window (--debounce, default 0.2 s) is part of the latency by design. Timings only; nothing here asserts.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "auto"))
sys.path.insert(0, str(ROOT / "bench"))

from auto_helpers import SAVE_STYLES, AutoProcess, make_small_project  # noqa: E402


def rules_project(root: Path):
    spec = importlib.util.spec_from_file_location("bench_rules_fixture",
                                                  ROOT / "tests" / "tasks" / "fixture" / "project.py")
    fixture = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fixture)
    proj = fixture.make_project(root)
    args = ("-f", str(ROOT / "dodo.py"), "-d", str(proj), "stage2:link", "stage2:report")
    return ROOT, args, proj / "src" / "c.hex", proj / "build" / "stage2-report.json", "; edit {i}\n"


def embedded_project(root: Path):
    """A copy of the embedded compiler's project (as bench/bootstrap.py makes it); each
    save adds a function to driver.lisp, the last compiler module."""
    from bootstrap import Embedded
    proj = Embedded().make(root)
    args = ("-f", str(ROOT / "dodo.py"), "-d", str(proj), "stage2:link", "stage2:report")
    return (ROOT, args, proj / "stages" / "compiler" / "driver.lisp",
            proj / "build" / "stage2-report.json", "\n(defun bench-watch-{i} () {i})\n")


def small_project(root: Path):
    proj = make_small_project(root)
    return proj, (), proj / "src" / "a.txt", proj / "report.json", "(edit {i})\n"


def stamp(path: Path):
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def row(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (f"| {name:<32} | {statistics.median(ms):>8.1f} | {min(ms):>8.1f} | {max(ms):>8.1f} |")


PROJECTS = {"rules": rules_project, "small": small_project, "embedded": embedded_project}


class NoReport(Exception):
    """`doit auto` did not write the report (its first cycle failed)."""


def measure(project: str, edits: int, style: str = "in-place", debounce: float = 0.2,
            first_timeout: float = 900, save_timeout: float = 120) -> dict[str, list[float]]:
    """Seconds per save: {"to_report", "to_block", "cycle"}; raises NoReport when the
    first cycle does not produce the report (e.g. the compiler's chain fails) or a
    save is not followed by its report and cycle block within SAVE_TIMEOUT seconds."""
    with tempfile.TemporaryDirectory(prefix="watch-latency-") as tmp:
        cwd, args, source, report, line = PROJECTS[project](Path(tmp) / "proj")
        auto = AutoProcess(cwd, "--debounce", str(debounce), *args)
        try:
            deadline = time.monotonic() + first_timeout
            while not auto.blocks():
                if auto.proc.poll() is not None or time.monotonic() > deadline:
                    raise NoReport(f"no first cycle: {(auto.err() or auto.out()).strip()[-200:]}")
                time.sleep(0.05)
            if stamp(report) is None:
                raise NoReport(f"first cycle wrote no report ({_failed(auto.blocks()[0])})")
            to_report, to_block, cycle = [], [], []
            for i in range(edits):
                n, before = len(auto.blocks()), stamp(report)
                text = source.read_text() + line.format(i=i)
                t0 = time.perf_counter()
                SAVE_STYLES[style](source, text)
                while stamp(report) == before:
                    time.sleep(0.002)
                    if time.perf_counter() - t0 > save_timeout:
                        raise NoReport(f"no report {save_timeout:.0f} s after save {i}")
                t1 = time.perf_counter()
                while len(auto.blocks()) <= n:   # polled finely: this is the measurement
                    time.sleep(0.002)
                    if time.perf_counter() - t0 > save_timeout:
                        raise NoReport(f"no cycle block {save_timeout:.0f} s after save {i}")
                blocks = auto.blocks()
                t2 = time.perf_counter()
                to_report.append(t1 - t0)
                to_block.append(t2 - t0)
                m = re.search(r"^  time +([\d.]+) s$", blocks[n], re.M)
                cycle.append(float(m.group(1)))
                if len(blocks) > n + 1:
                    print(f"warning: edit {i} gave {len(blocks) - n} cycles", file=sys.stderr)
        finally:
            code = auto.interrupt()
    return {"to_report": to_report, "to_block": to_block, "cycle": cycle, "exit": code}


def _failed(block: str) -> str:
    lines = [l.strip() for l in block.splitlines() if "fail" in l.lower() or "error" in l.lower()]
    return (lines[0] if lines else block.strip().splitlines()[-1])[:120]


def rows(project: str, edits: int) -> list:
    """One row for bench/run.py: save -> rewritten report under `doit auto`."""
    from common import Row, na
    name = {"rules": "fixture (WAT)", "embedded": "embedded compiler", "small": "tests/auto"}
    key, label = f"auto.{project}.save_to_report", f"one module saved -> report, doit auto [{name[project]}]"
    try:
        # The embedded compiler's stage 2 recompiles a module in Wasm: minutes, not ms.
        r = measure(project, edits, save_timeout=1800 if project == "embedded" else 120)
    except NoReport as exc:
        return [na(key, label, "s", str(exc))]
    return [Row(key, label, "s", r["to_report"], note="debounce 0.2 s included")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edits", type=int, default=12)
    ap.add_argument("--project", choices=sorted(PROJECTS), default="rules")
    ap.add_argument("--style", choices=sorted(SAVE_STYLES), default="in-place")
    ap.add_argument("--debounce", type=float, default=0.2)
    a = ap.parse_args()
    try:
        r = measure(a.project, a.edits, a.style, a.debounce)
    except NoReport as exc:
        raise SystemExit(f"{a.project}: {exc}")
    print(f"doit auto latency, project={a.project}, save style={a.style}, "
          f"debounce={a.debounce} s, {a.edits} edits, {os.cpu_count()} CPUs")
    print(f"| {'measure (ms)':<32} | {'median':>8} | {'min':>8} | {'max':>8} |")
    print(f"|{'-' * 34}|{'-' * 10}|{'-' * 10}|{'-' * 10}|")
    print(row("save -> report rewritten", r["to_report"]))
    print(row("save -> cycle block printed", r["to_block"]))
    print(row("cycle time (reload+run)", r["cycle"]))
    print(f"exit code after SIGINT: {r['exit']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
