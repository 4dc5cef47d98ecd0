"""Measure the whole pipeline: one table, and bench/results.json.

    python bench/run.py                    every row, 3 runs each (about 15-25 min)
    python bench/run.py --quick            1 run each, smaller samples: a smoke check
    python bench/run.py --only bootstrap,runtime
    python bench/run.py --list             the row groups and what each measures

Each group is a function of one of the bench/ scripts (each still runnable on its own
for more detail). A row that cannot be measured yet (e.g. a step of the embedded
compiler's chain that fails) prints "n/a" and its one-line reason, never a figure.
Figures are medians/min/max of wall-clock samples on a machine that may be shared:
compare rows measured in the same run (the ratio rows do), not across machines.
"""
from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from common import RESULTS, Row, header_lines, machine, na, table_lines, write_results  # noqa: E402


def _bootstrap(which: str):
    def group(opt) -> list[Row]:
        import bootstrap
        return bootstrap.rows(which, opt.runs)
    return group


def _auto(project: str):
    def group(opt) -> list[Row]:
        import watch_latency
        edits = max(2, opt.runs if project == "embedded" else opt.runs * 2)
        return watch_latency.rows(project, edits)
    return group


def _runtime(opt) -> list[Row]:
    """On the compiled compiler (the stage 1 module, built here by SBCL: stage 0 writes
    the same bytes), or on a generated GC module when SBCL cannot build it."""
    import runtime_startup
    import self_compile
    with tempfile.TemporaryDirectory(prefix="wasmboot-bench-") as tmp:
        stage = Path(tmp) / "stage1.wasm"
        try:
            self_compile.sbcl_once(stage)
            return runtime_startup.rows(stage, opt.runs * 2, label="stage 1 (the compiled compiler)")
        except self_compile.Unavailable:
            return runtime_startup.rows(None, opt.runs * 2)


def _selfcompile(opt) -> list[Row]:
    import self_compile
    return self_compile.rows(opt.runs)


def _conformance(opt) -> list[Row]:
    import conformance_speed
    programs = conformance_speed.PROGRAMS
    step = max(1, len(programs) // opt.programs) if opt.programs else 1
    return conformance_speed.rows(programs[::step][:opt.programs or None])


def _stage0_workloads(opt) -> list[Row]:
    import stage0_speed
    return stage0_speed.rows(opt.runs)


# name -> (function, what it measures); run in this order.
GROUPS = {
    "runtime": (_runtime, "stage module file -> Initialized (uncached vs cached); host shim "
                          "call; 1 MiB through clysm:mem"),
    "bootstrap": (_bootstrap("fixture"), "doit bootstrap cold / no-op / one-module edit / "
                                         "peak memory, fixture (WAT) compiler"),
    "bootstrap-embedded": (_bootstrap("embedded"), "the same on the embedded compiler"),
    "auto": (_auto("rules"), "one module saved -> rewritten report under doit auto, fixture"),
    "auto-embedded": (_auto("embedded"), "the same on the embedded compiler"),
    "selfcompile": (_selfcompile, "the compiler's own source: SBCL vs stage 0 vs stage 1"),
    "conformance": (_conformance, "conformance programs: stage 0 vs compiled, per program"),
    "stage0-workloads": (_stage0_workloads, "CPU-heavy Lisp workloads: stage 0 vs SBCL"),
    "external": (lambda opt: __import__("external_library").rows(opt),
                 "cl-alexandria through compile_all: SBCL vs stage 1, compiled share"),
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help="1 run per row and 6 conformance programs (a smoke check)")
    ap.add_argument("--only", action="append", default=[], metavar="GROUPS",
                    help="comma-separated row groups (see --list); repeatable")
    ap.add_argument("--runs", type=int, help="runs per row (default 3, 1 with --quick)")
    ap.add_argument("--programs", type=int,
                    help="conformance programs sampled evenly (0 = all; default 60, 6 with --quick)")
    ap.add_argument("--json", type=Path, default=RESULTS, help=f"results file (default {RESULTS})")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown too")
    ap.add_argument("--list", action="store_true", help="list the row groups and exit")
    opt = ap.parse_args(argv)
    opt.only = [g.strip() for item in opt.only for g in item.split(",") if g.strip()]
    unknown = [g for g in opt.only if g not in GROUPS]
    if unknown:
        ap.error(f"unknown row group {', '.join(unknown)} (known: {', '.join(GROUPS)})")
    if opt.runs is None:
        opt.runs = 1 if opt.quick else 3
    if opt.programs is None:
        opt.programs = 6 if opt.quick else 60
    return opt


def main(argv: list[str] | None = None) -> int:
    opt = parse_args(argv)
    if opt.list:
        for name, (_, what) in GROUPS.items():
            print(f"{name:<20} {what}")
        return 0
    m = machine()
    started = datetime.datetime.now(datetime.timezone.utc)
    t0 = time.perf_counter()
    rows: list[Row] = []
    for name, (group, _) in GROUPS.items():
        if opt.only and name not in opt.only:
            continue
        print(f"measuring {name} ...", file=sys.stderr, flush=True)
        g0 = time.perf_counter()
        try:
            got = group(opt)
        except Exception as exc:  # a broken group must not hide the others' figures
            got = [na(f"{name}.error", f"{name}: the measurement itself failed", "",
                      f"{type(exc).__name__}: {exc}")]
        print(f"  {name}: {time.perf_counter() - g0:.0f} s", file=sys.stderr, flush=True)
        rows.extend(got)
    m["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    elapsed = time.perf_counter() - t0
    print("\n".join(header_lines(m)))
    print(f"runs per row: {opt.runs}; measured in {elapsed:.0f} s; "
          f"load average at the end {' '.join(f'{x:.2f}' for x in m['load_average_end'])}")
    print()
    print("\n".join(table_lines(rows)))
    if opt.markdown:
        print()
        print("\n".join(table_lines(rows, markdown=True)))
    write_results(opt.json, m, rows, {
        "started": started.isoformat(timespec="seconds"),
        "elapsed_s": round(elapsed, 1),
        "options": {"runs": opt.runs, "quick": opt.quick, "only": opt.only,
                    "programs": opt.programs},
    })
    print(f"\nwrote {opt.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
