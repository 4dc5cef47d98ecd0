"""Run-time eval, macroexpand-1 and macroexpand in compiled programs
(stages/runtime-lib/evaluator.lisp, driver.lisp resolve-runtime-macros): output equal
to SBCL's, and tree shaking keeps the evaluator and the standard expanders out of
programs that do not reach them (even programs that define macros)."""
import shutil
import subprocess
from pathlib import Path

import pytest

from compiler_driver import compile_with_sbcl, run

HERE = Path(__file__).resolve().parent

pytestmark = pytest.mark.skipif(shutil.which("sbcl") is None, reason="needs SBCL")

# names (in the name section and the symbol table) that only the evaluator brings in
EVALUATOR_NAMES = [b"%EV-COMPOUND", b"STANDARD-MACRO-FUNCTION", b"%REGISTER-RUNTIME-MACRO"]


def test_runtime_eval_matches_sbcl(tmp_path):
    src = HERE / "programs" / "runtime-eval.lisp"
    out = tmp_path / "e.wasm"
    code, log = compile_with_sbcl([src], out)
    assert code == 0, log
    rc, stdout, stderr = run(out)
    assert rc == 0, stderr
    expected = subprocess.run(["sbcl", "--script", str(src)], capture_output=True,
                              text=True, timeout=60).stdout
    assert stdout == expected
    module = out.read_bytes()
    assert all(name in module for name in EVALUATOR_NAMES)


def test_programs_without_eval_carry_no_evaluator(tmp_path):
    src = tmp_path / "m.lisp"
    src.write_text("(defmacro twice (x) `(progn ,x ,x))\n(twice (print 1))\n")
    out = tmp_path / "m.wasm"
    code, log = compile_with_sbcl([src], out)
    assert code == 0, log
    rc, stdout, _ = run(out)
    assert (rc, stdout) == (0, "\n1 \n1 ")
    module = out.read_bytes()
    assert not any(name in module for name in EVALUATOR_NAMES)
