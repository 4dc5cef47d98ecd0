"""What every benchmark script shares: rows of samples, their median/min/max, the
machine header, the printed table and bench/results.json.

A Row is one measurement: a stable key (the JSON name), a label, a unit and its
samples, or `na` with the one-line reason it cannot be measured here (never a made-up
figure). Timings only; nothing here asserts.
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.json"


@dataclass
class Row:
    key: str                     # stable name in results.json, e.g. "bootstrap.fixture.cold"
    label: str                   # what the table shows
    unit: str                    # "s", "ms", "us", "MiB", "x" (a ratio), "MiB/s"
    samples: list[float] = field(default_factory=list)
    na: str | None = None        # why this row has no figure (one line)
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples and not self.na else None

    def as_json(self) -> dict:
        ok = bool(self.samples) and not self.na
        return {"key": self.key, "label": self.label, "unit": self.unit,
                "median": statistics.median(self.samples) if ok else None,
                "min": min(self.samples) if ok else None,
                "max": max(self.samples) if ok else None,
                "runs": len(self.samples) if ok else 0,
                "samples": self.samples if ok else [],
                "na": self.na if not ok else None,
                "note": self.note}


def na(key: str, label: str, unit: str, reason: str) -> Row:
    """A row that cannot be measured yet, with its reason on one line."""
    reason = " ".join(str(reason).split()) or "not measurable"
    return Row(key, label, unit, na=reason[:200])


def ratio_row(key: str, label: str, num: Row, den: Row) -> Row:
    """num/den per run (the two measured alternately in the same run)."""
    if num.na or den.na or not num.samples or not den.samples:
        return na(key, label, "x", num.na or den.na or "no samples")
    pairs = list(zip(num.samples, den.samples))
    return Row(key, label, "x", [a / b for a, b in pairs if b > 0],
               note=f"{num.key} / {den.key}, per run")


def timed(fn: Callable, *args, **kw) -> tuple[float, object]:
    """(seconds of wall-clock time, result) of one call."""
    t = time.perf_counter()
    result = fn(*args, **kw)
    return time.perf_counter() - t, result


def repeat(fn: Callable[[], object], runs: int) -> list[float]:
    """Wall-clock seconds of `runs` calls."""
    return [timed(fn)[0] for _ in range(runs)]


def stats_ms(samples: list[float]) -> str:
    """'median min max' in milliseconds, for the scripts' own tables."""
    ms = [s * 1000 for s in samples]
    return f"{statistics.median(ms):9.1f} {min(ms):9.1f} {max(ms):9.1f}"


# -- the machine ------------------------------------------------------------------------

def _first_line(argv: list[str]) -> str:
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        return (p.stdout or p.stderr).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "not found"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / (1 << 20), 1)
    except OSError:
        pass
    return None


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _git_commit() -> str:
    head = _first_line(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    try:
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain"],
                               capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        dirty = ""
    return head + (" (working tree modified)" if dirty else "")


def machine() -> dict:
    """CPU, cores, memory, load and tool versions: the header of every table."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "os": platform.platform(),
        "python": platform.python_version(),
        "wasmtime": _version("wasmtime"),
        "doit": _version("doit"),
        "sbcl": _first_line(["sbcl", "--version"]) if shutil.which("sbcl") else "not installed",
        "commit": _git_commit(),
    }


def header_lines(m: dict) -> list[str]:
    load = " ".join(f"{x:.2f}" for x in m["load_average"])
    return [f"machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; "
            f"load average {load} (1/5/15 min)",
            f"python {m['python']}, wasmtime {m['wasmtime']}, doit {m['doit']}, "
            f"{m['sbcl']}; {m['os']}; commit {m['commit']}"]


# -- output -----------------------------------------------------------------------------

def _fmt(x: float | None) -> str:
    if x is None:
        return ""
    if abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}" if abs(x) < 1 else f"{x:.2f}"


TABLE_HEAD = ("row", "median", "min", "max", "unit", "runs", "note")


def table_lines(rows: list[Row], markdown: bool = False) -> list[str]:
    """The rows as an aligned text table (or a Markdown table)."""
    cells = []
    for r in rows:
        j = r.as_json()
        if j["na"]:
            cells.append((r.label, "n/a", "", "", r.unit, "0", j["na"]))
        else:
            cells.append((r.label, _fmt(j["median"]), _fmt(j["min"]), _fmt(j["max"]),
                          r.unit, str(j["runs"]), r.note))
    if markdown:
        out = ["| " + " | ".join(TABLE_HEAD) + " |",
               "|" + "|".join("---:" if i in (1, 2, 3, 5) else "---"
                              for i in range(len(TABLE_HEAD))) + "|"]
        return out + ["| " + " | ".join(c.replace("|", "/") for c in row) + " |"
                      for row in cells]
    widths = [max(len(c[i]) for c in [TABLE_HEAD] + cells) for i in range(len(TABLE_HEAD) - 1)]
    lines = []
    for row in [TABLE_HEAD] + cells:
        parts = [c.rjust(w) if i in (1, 2, 3, 5) else c.ljust(w)
                 for i, (c, w) in enumerate(zip(row[:-1], widths))]
        lines.append("  ".join(parts) + "  " + row[-1])
    lines.insert(1, "-" * min(120, len(lines[0]) + 10))
    return lines


def write_results(path: Path, m: dict, rows: list[Row], extra: dict) -> None:
    data = {"machine": m, **extra, "rows": [r.as_json() for r in rows]}
    path.write_text(json.dumps(data, indent=2) + "\n")
