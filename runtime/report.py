"""The seed's CompilationReport: data classes, an atomic JSON writer, and validation.

    report = CompilationReport.build("stage2-v1.0", [
        ModuleResult("stages/compiler/reader.lisp", compiled=40, failed=1, total=41,
                     failures=[FormFailure("stages/compiler/reader.lisp", 120, 1,
                                           "(defun f ...)", "unsupported special form")]),
    ])
    report.write("build/stage2-report.json")     # validated, then written atomically
    report.exit_code()                           # 0 all compiled, 1 some failed

Validation uses the seed's schema verbatim (schemas/compilation_report.schema.json) plus
our schema for the optional richer fields (schemas/compilation_report_details.schema.json),
with the `date-time` format really checked (RFC 3339), independent of which optional
jsonschema format packages happen to be installed.
"""
from __future__ import annotations

import datetime as _dt
import functools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from .atomic import atomic_write_text
from .exit_codes import ExitCode

SCHEMA_DIR = Path(__file__).parent / "schemas"
SEED_SCHEMA_PATH = SCHEMA_DIR / "compilation_report.schema.json"
DETAILS_SCHEMA_PATH = SCHEMA_DIR / "compilation_report_details.schema.json"

_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True  # format applies to strings only; "type" catches the rest
    if not _RFC3339.match(value):
        return False
    try:
        _dt.datetime.fromisoformat(value.replace("z", "Z").replace("t", "T").replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=None)
def _validators() -> tuple[jsonschema.Draft7Validator, jsonschema.Draft7Validator]:
    checker = jsonschema.FormatChecker()
    checker.checks("date-time")(_is_date_time)
    seed = json.loads(SEED_SCHEMA_PATH.read_text())
    details = json.loads(DETAILS_SCHEMA_PATH.read_text())
    return (jsonschema.Draft7Validator(seed, format_checker=checker),
            jsonschema.Draft7Validator(details, format_checker=checker))


def report_errors(data: Any) -> list[str]:
    """Every schema violation of `data`, one line each (empty when valid)."""
    out = []
    for v in _validators():
        for err in sorted(v.iter_errors(data), key=lambda e: list(e.absolute_path)):
            where = "/".join(str(p) for p in err.absolute_path) or "(top)"
            out.append(f"{where}: {err.message}")
    return out


class ReportInvalid(ValueError):
    pass


def validate_report(data: Any) -> None:
    errors = report_errors(data)
    if errors:
        raise ReportInvalid(f"invalid compilation report: {errors[0]}"
                            + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""))


@dataclass
class FormFailure:
    file: str
    line: int                 # 1-based
    column: int | None = None  # 1-based
    form: str | None = None   # the form's text (or its head), for humans
    reason: str = ""

    def to_dict(self) -> dict:
        d: dict[str, Any] = {"file": self.file, "line": self.line}
        if self.column is not None:
            d["column"] = self.column
        if self.form is not None:
            d["form"] = self.form
        d["reason"] = self.reason
        return d


@dataclass
class ModuleResult:
    path: str
    compiled: int
    failed: int
    total: int
    skipped: int = 0
    failures: list[FormFailure] = field(default_factory=list)

    def to_dict(self) -> dict:
        d: dict[str, Any] = {"path": self.path, "compiled": self.compiled,
                             "failed": self.failed, "total": self.total}
        if self.skipped:
            d["skipped"] = self.skipped
        if self.failures:
            d["failures"] = [f.to_dict() for f in self.failures]
        return d


@dataclass
class Summary:
    total_forms: int
    compiled: int
    failed: int
    skipped: int = 0
    coverage_pct: float = 100.0

    @classmethod
    def of(cls, modules: list[ModuleResult]) -> "Summary":
        total = sum(m.total for m in modules)
        compiled = sum(m.compiled for m in modules)
        skipped = sum(m.skipped for m in modules)
        # Skipped forms (in-package, declaim, ...) are directives, not code: the success
        # rate is over the forms that had to compile.
        attempted = total - skipped
        pct = 100.0 if attempted <= 0 else round(100.0 * compiled / attempted, 2)
        return cls(total, compiled, sum(m.failed for m in modules), skipped, pct)

    def to_dict(self) -> dict:
        return {"total_forms": self.total_forms, "compiled": self.compiled,
                "failed": self.failed, "skipped": self.skipped,
                "coverage_pct": self.coverage_pct}


def utc_timestamp() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class CompilationReport:
    stage_version: str          # "stage<N>-v<major>.<minor>", e.g. "stage2-v1.0"
    summary: Summary
    modules: list[ModuleResult] = field(default_factory=list)
    timestamp: str = field(default_factory=utc_timestamp)

    @classmethod
    def build(cls, stage_version: str, modules: list[ModuleResult],
              timestamp: str | None = None) -> "CompilationReport":
        return cls(stage_version, Summary.of(modules), list(modules),
                   timestamp or utc_timestamp())

    def to_dict(self) -> dict:
        return {"timestamp": self.timestamp, "stage_version": self.stage_version,
                "summary": self.summary.to_dict(),
                "modules": [m.to_dict() for m in self.modules]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2) + "\n"

    def exit_code(self) -> ExitCode:
        return ExitCode.PARTIAL if self.summary.failed else ExitCode.SUCCESS

    def write(self, path: str | os.PathLike) -> None:
        """Validate, then write atomically (never leaves a half-written report)."""
        data = self.to_dict()
        validate_report(data)
        atomic_write_text(path, json.dumps(data, indent=2) + "\n")

    @classmethod
    def read(cls, path: str | os.PathLike) -> "CompilationReport":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        validate_report(data)
        s = data["summary"]
        modules = [ModuleResult(m["path"], m["compiled"], m["failed"], m["total"],
                                m.get("skipped", 0),
                                [FormFailure(f["file"], f["line"], f.get("column"), f.get("form"),
                                             f["reason"]) for f in m.get("failures", [])])
                   for m in data.get("modules", [])]
        return cls(data["stage_version"],
                   Summary(s["total_forms"], s["compiled"], s["failed"], s.get("skipped", 0),
                           s["coverage_pct"]),
                   modules, data["timestamp"])
