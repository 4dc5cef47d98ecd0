"""summary: one table of the bootstrap (each stage's size, coverage, time; the fixpoint)
in build/summary.json, and the bootstrap's exit status per the seed's codes:

    0  every stage compiled every form and the fixpoint holds
    1  partial: some forms failed in some stage (the chain still ran to its end)

(A failed step, 2, a missing prerequisite, 3, or a known limitation, 77, stops the chain
before the summary; exit_status.py turns those into the process's exit code.)

Times are the wall-clock seconds of the last run of each task of a stage (build/times/),
so a no-op build keeps showing the times of the build that made the artifacts.
"""
from __future__ import annotations

import json
from pathlib import Path

from .config import StagesConfig
from .layout import Layout
from .outcome import stage_action, write_json


def _stage_time(layout: Layout, n: int) -> float:
    total = 0.0
    times = Path(layout.timing("x")).parent
    for f in sorted(times.glob(f"stage{n}--*.json")):
        try:
            total += float(json.loads(f.read_text())["seconds"])
        except (OSError, ValueError, KeyError):
            continue
    return round(total, 3)


def reports(cfg: StagesConfig, layout: Layout) -> list[int]:
    """The stages that have a report: stage 1 only when its maker writes results."""
    first = 1 if cfg.stage1.method != "wasm" else 2
    return list(range(first, cfg.last_stage + 1))


def build(cfg: StagesConfig, layout: Layout) -> dict:
    from runtime.report import CompilationReport
    stages = []
    code = 0
    for n in range(1, cfg.last_stage + 1):
        entry = {"stage": n, "path": layout.wasm(n), "size": Path(layout.wasm(n)).stat().st_size,
                 "seconds": _stage_time(layout, n)}
        if n in reports(cfg, layout):
            rep = CompilationReport.read(layout.report(n))
            s = rep.summary
            entry.update(stage_version=rep.stage_version, forms=s.total_forms,
                         compiled=s.compiled, failed=s.failed, skipped=s.skipped,
                         coverage_pct=s.coverage_pct)
            if s.failed:
                code = 1
        stages.append(entry)
    fix = json.loads(Path(layout.fixpoint()).read_text())
    return {"stages": stages, "fixpoint": {"stages": fix["stages"], "identical": fix["identical"],
                                           "difference": fix["difference"]},
            "exit_code": code}


def table(data: dict) -> str:
    rows = [("stage", "module", "bytes", "forms", "compiled", "failed", "coverage", "time")]
    for s in data["stages"]:
        has = "forms" in s
        rows.append((f"stage{s['stage']}", s["path"], str(s["size"]),
                     str(s["forms"]) if has else "-", str(s["compiled"]) if has else "-",
                     str(s["failed"]) if has else "-",
                     f"{s['coverage_pct']:.2f}%" if has else "-", f"{s['seconds']:.2f} s"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
             for r in rows]
    fx = data["fixpoint"]
    a, b = fx["stages"]
    lines.append(f"fixpoint: stage{a} == stage{b}" if fx["identical"]
                 else f"fixpoint: NO ({fx['difference']})")
    lines.append(f"exit status: {data['exit_code']}"
                 + (" (partial: some forms failed)" if data["exit_code"] == 1 else ""))
    return "\n".join(lines)


def task(cfg: StagesConfig, layout: Layout) -> dict:
    out = layout.summary()
    deps = [layout.fixpoint()] + [layout.report(n) for n in reports(cfg, layout)] + \
        [layout.record(n, "start") for n in range(1, cfg.last_stage + 1)]

    @stage_action(layout, "summary")
    def summary():
        data = build(cfg, layout)
        write_json(out, data)
        print(table(data))

    return {"basename": "summary",
            "doc": "sizes, coverage, fixpoint and times of every stage (summary.json)",
            "actions": [summary], "file_dep": deps, "targets": [out]}
