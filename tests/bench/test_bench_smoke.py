"""bench/run.py end to end on its cheapest row group (the fixture compiler's doit
bootstrap), and its table/JSON helpers. Shape only: no figure is asserted."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "bench" / "run.py"
sys.path.insert(0, str(ROOT / "bench"))

from common import Row, na, ratio_row, table_lines  # noqa: E402

BOOTSTRAP_KEYS = {"bootstrap.fixture.cold", "bootstrap.fixture.noop",
                  "bootstrap.fixture.edit", "bootstrap.fixture.peak_rss"}


def test_quick_bootstrap_row_group(tmp_path):
    results = tmp_path / "results.json"
    p = subprocess.run([sys.executable, str(RUN), "--quick", "--only", "bootstrap",
                        "--json", str(results)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0].startswith("machine: ") and " cores, " in lines[0]
    assert "wasmtime " in lines[1] and "doit " in lines[1] and "python " in lines[1]
    head = next(i for i, line in enumerate(lines) if line.startswith("row "))
    assert lines[head].split()[1:4] == ["median", "min", "max"]
    body = lines[head + 2:head + 6]
    assert [line.split("[")[0].strip() for line in body] == [
        "cold doit bootstrap to a verified fixpoint", "no-op doit bootstrap",
        "one module edited, doit bootstrap", "peak memory of the cold doit bootstrap"]

    data = json.loads(results.read_text())
    assert {"cpu", "cores", "memory_gib", "load_average", "python", "wasmtime", "doit",
            "sbcl"} <= set(data["machine"])
    assert data["options"]["only"] == ["bootstrap"]
    rows = {r["key"]: r for r in data["rows"]}
    assert set(rows) == BOOTSTRAP_KEYS
    for r in rows.values():
        assert r["na"] is None, r
        assert r["runs"] == 1 and r["min"] <= r["median"] <= r["max"]


def test_unknown_row_group_is_a_usage_error():
    p = subprocess.run([sys.executable, str(RUN), "--only", "bootstrap,nonsense"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2
    assert "unknown row group nonsense" in p.stderr


def test_unmeasurable_rows_print_na_and_their_reason():
    ok = Row("a.b", "measured", "s", [3.0, 1.0, 2.0])
    missing = na("a.c", "not yet", "s", "stage 1 does not export\ncompile_all yet")
    lines = table_lines([ok, missing, ratio_row("a.r", "ratio", missing, ok)])
    assert lines[2].split()[1:4] == ["2.00", "1.00", "3.00"]
    assert lines[3].split()[2] == "n/a"
    assert lines[3].endswith("stage 1 does not export compile_all yet")
    assert lines[4].endswith("stage 1 does not export compile_all yet")
    assert ok.as_json()["median"] == 2.0 and missing.as_json()["median"] is None
