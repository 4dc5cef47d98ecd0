"""Reading a CompilationReport JSON (the seed's schema) for the cycle's summary.

Generic on purpose: any JSON object with "stage_version" and a "summary" holding
"coverage_pct" is a report; per-form failures are read from modules[].failures[]
(file, line, column, reason), the richer fields our reports carry when present.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

MAX_BYTES = 32 << 20


@dataclass(frozen=True)
class Failure:
    file: str
    line: int | None
    column: int | None
    reason: str

    def where(self) -> str:
        return self.file + (f":{self.line}" if self.line else "") + \
            (f":{self.column}" if self.line and self.column else "")


@dataclass(frozen=True)
class ReportView:
    path: str
    stage_version: str
    coverage: float
    compiled: int | None
    total: int | None
    failed: int | None
    skipped: int | None
    failures: tuple[Failure, ...] = field(default=())


def _looks_like_report(data) -> bool:
    return (isinstance(data, dict) and isinstance(data.get("stage_version"), str)
            and isinstance(data.get("summary"), dict)
            and isinstance(data["summary"].get("coverage_pct"), (int, float)))


def read_report(path: str) -> ReportView | None:
    """The report at `path`, or None when it is missing, unreadable or not a report."""
    try:
        if os.path.getsize(path) > MAX_BYTES:
            return None
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return None
    if not _looks_like_report(data):
        return None
    s = data["summary"]
    failures = []
    for m in data.get("modules") or []:
        for f in (m.get("failures") or []) if isinstance(m, dict) else []:
            if isinstance(f, dict):
                failures.append(Failure(str(f.get("file") or m.get("path") or "?"),
                                        f.get("line") if isinstance(f.get("line"), int) else None,
                                        f.get("column") if isinstance(f.get("column"), int) else None,
                                        str(f.get("reason") or "failed")))
    num = lambda k: s.get(k) if isinstance(s.get(k), int) else None  # noqa: E731
    return ReportView(path, data["stage_version"], float(s["coverage_pct"]), num("compiled"),
                      num("total_forms"), num("failed"), num("skipped"), tuple(failures))


def find_reports(candidates) -> list[str]:
    """The candidate paths (targets ending in .json) that currently hold a report."""
    return [p for p in candidates if p.endswith(".json") and read_report(p) is not None]
