"""CompilationReport: the seed's schema accepts valid reports and rejects invalid ones;
the richer per-form failure records are validated too; writing is atomic."""
import copy
import json

import pytest

from runtime import CompilationReport, ExitCode, FormFailure, ModuleResult, validate_report
from runtime.report import SEED_SCHEMA_PATH, ReportInvalid, report_errors

VALID = {
    "timestamp": "2026-01-02T03:04:05Z",
    "stage_version": "stage2-v1.0",
    "summary": {"total_forms": 10, "compiled": 9, "failed": 1, "skipped": 0, "coverage_pct": 90.0},
    "modules": [{"path": "stages/compiler/reader.lisp", "compiled": 9, "failed": 1, "total": 10,
                 "failures": [{"file": "stages/compiler/reader.lisp", "line": 12, "column": 1,
                               "form": "(defun f ...)", "reason": "unsupported: flet"}]}],
}


def test_seed_schema_is_kept_verbatim():
    schema = json.loads(SEED_SCHEMA_PATH.read_text())
    assert schema["required"] == ["timestamp", "stage_version", "summary"]
    assert schema["properties"]["stage_version"]["pattern"] == "^stage[0-9]+-v[0-9]+\\.[0-9]+$"


@pytest.mark.parametrize("variant", [
    lambda r: r,
    lambda r: {k: v for k, v in r.items() if k != "modules"},
    lambda r: dict(r, timestamp="2026-01-02T03:04:05.123+02:00"),
    lambda r: dict(r, stage_version="stage10-v2.13"),
])
def test_valid_reports_are_accepted(variant):
    validate_report(variant(copy.deepcopy(VALID)))


def _set(path, value):
    def change(r):
        node = r
        for key in path[:-1]:
            node = node[key]
        if value is KeyError:
            del node[path[-1]]
        else:
            node[path[-1]] = value
        return r
    return change


@pytest.mark.parametrize("change", [
    _set(["timestamp"], KeyError),
    _set(["timestamp"], "yesterday"),
    _set(["timestamp"], "2026-13-02T03:04:05Z"),
    _set(["timestamp"], "2026-01-02 03:04:05"),
    _set(["stage_version"], "stage2"),
    _set(["stage_version"], "v1.0"),
    _set(["summary", "compiled"], -1),
    _set(["summary", "coverage_pct"], 100.5),
    _set(["summary", "failed"], KeyError),
    _set(["summary", "total_forms"], 1.5),
    _set(["modules", 0, "total"], KeyError),
    _set(["modules", 0, "path"], 3),
    _set(["modules", 0, "failures", 0, "line"], 0),
    _set(["modules", 0, "failures", 0, "reason"], KeyError),
    _set(["modules", 0, "failures", 0, "extra"], "x"),
    _set(["modules"], {}),
])
def test_invalid_reports_are_rejected(change):
    data = change(copy.deepcopy(VALID))
    assert report_errors(data)
    with pytest.raises(ReportInvalid):
        validate_report(data)


def test_dataclass_round_trip_and_exit_code(tmp_path):
    report = CompilationReport.build("stage2-v1.0", [
        ModuleResult("a.lisp", 3, 0, 3),
        ModuleResult("b.lisp", 1, 1, 2, failures=[FormFailure("b.lisp", 4, 2, "(foo)", "undefined")]),
    ])
    assert report.summary.total_forms == 5 and report.summary.coverage_pct == 80.0
    assert report.exit_code() == ExitCode.PARTIAL
    out = tmp_path / "sub" / "report.json"
    report.write(out)
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.json"]
    back = CompilationReport.read(out)
    assert back.to_dict() == report.to_dict()
    assert CompilationReport.build("stage1-v0.1", [ModuleResult("a", 1, 0, 1)]).exit_code() == 0


def test_invalid_report_is_not_written(tmp_path):
    report = CompilationReport.build("not-a-version", [])
    with pytest.raises(ReportInvalid):
        report.write(tmp_path / "r.json")
    assert not (tmp_path / "r.json").exists()


def test_coverage_counts_only_forms_that_had_to_compile():
    # 1 skipped directive + 3 compiled + 1 failed: 3 of the 4 real forms compiled.
    report = CompilationReport.build("stage2-v0.1", [
        ModuleResult("a.lisp", 3, 1, 5, skipped=1,
                     failures=[FormFailure("a.lisp", 9, 1, "(bad)", "unsupported")])])
    assert report.summary.skipped == 1 and report.summary.coverage_pct == 75.0
    only_directives = CompilationReport.build("stage2-v0.1", [ModuleResult("p.lisp", 0, 0, 2, skipped=2)])
    assert only_directives.summary.coverage_pct == 100.0
