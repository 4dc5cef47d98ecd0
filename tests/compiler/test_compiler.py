"""The embedded compiler under SBCL: programs compiled to WasmGC (with the runtime
library) and run under the runtime, their output compared with SBCL running the same
source (the oracle)."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from compiler_driver import compile_with_sbcl, read_results, run

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"

pytestmark = pytest.mark.skipif(shutil.which("sbcl") is None, reason="needs SBCL")


def sbcl_output(path):
    p = subprocess.run(["sbcl", "--script", str(path)], capture_output=True, text=True,
                       timeout=60)
    return p.stdout


@pytest.mark.parametrize("name", ["terpri", "closures", "control", "macros"])
def test_program_matches_sbcl(name, tmp_path):
    src = PROGRAMS / (name + ".lisp")
    out = tmp_path / (name + ".wasm")
    code, log = compile_with_sbcl([src], out)
    assert code == 0, log
    rc, stdout, stderr = run(out)
    assert rc == 0, stderr
    assert stdout == sbcl_output(src)


def test_overflow_signals_an_error(tmp_path):
    out = tmp_path / "o.wasm"
    code, log = compile_with_sbcl([PROGRAMS / "overflow.lisp"], out)
    assert code == 0, log
    rc, stdout, stderr = run(out)
    assert rc == 2
    assert stdout.strip() == "4611686014132420609"
    assert "overflow" in stderr


def test_failed_forms_are_reported_and_the_rest_compiles(tmp_path):
    src = PROGRAMS / "syntax-errors.lisp"
    out, res = tmp_path / "s.wasm", tmp_path / "s.tsv"
    code, log = compile_with_sbcl([src], out, res)
    assert code == 1
    assert "syntax-errors.lisp:2:8: bad # syntax" in log
    assert "syntax-errors.lisp:5:1: unbalanced parentheses" in log
    rows = read_results(res)
    assert [r["status"] for r in rows] == ["compiled", "failed", "compiled", "failed", "failed"]
    assert (rows[3]["line"], rows[3]["column"]) == (4, 8)
    rc, stdout, _ = run(out)
    assert rc == 0
    assert stdout.split() == ["1", "2"]


def test_invalid_utf8_is_a_failed_form(tmp_path):
    src = tmp_path / "bad.lisp"
    src.write_bytes(b"(print 1)\n(print \"a\xff\")\n(print 2)\n")
    out, res = tmp_path / "b.wasm", tmp_path / "b.tsv"
    code, log = compile_with_sbcl([src], out, res)
    assert code == 1
    rows = read_results(res)
    assert [r["status"] for r in rows] == ["compiled", "failed", "compiled"]
    assert "invalid UTF-8" in rows[1]["reason"]
    assert rows[1]["line"] == 2


def test_output_is_deterministic(tmp_path):
    a, b = tmp_path / "a.wasm", tmp_path / "b.wasm"
    src = PROGRAMS / "closures.lisp"
    assert compile_with_sbcl([src], a)[0] == 0
    assert compile_with_sbcl([src], b)[0] == 0
    assert a.read_bytes() == b.read_bytes()
