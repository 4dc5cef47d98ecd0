"""Stage 0 runs the embedded compiler (stages/compiler/) exactly like SBCL does: the
module it writes for a small program is byte-identical to the one SBCL's run writes.
Skipped without SBCL or while the compiler sources do not load or run under SBCL."""
import io
import os
import shutil
import subprocess

import pytest

from stages.stage0 import Stage0, Stage0Error

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STAGES = os.path.join(ROOT, "stages") + "/"
MODULES = os.path.join(ROOT, "stages", "compiler", "modules.txt")
SBCL = shutil.which("sbcl")

PROGRAM = """(defun fact (n) (if (= n 0) 1 (* n (fact (- n 1)))))
(defstruct point x y)
(let ((p (make-point :x 3 :y 4)))
  (format t "~a ~a~%" (fact 10) (+ (point-x p) (point-y p))))
"""


@pytest.mark.skipif(SBCL is None or not os.path.exists(MODULES),
                    reason="needs SBCL and stages/compiler/modules.txt")
def test_compiler_output_identical_to_sbcl(tmp_path):
    prog = tmp_path / "prog.lisp"
    prog.write_text(PROGRAM)
    sbcl_out = tmp_path / "sbcl.wasm"
    names = [l.strip() for l in open(MODULES) if l.strip() and not l.startswith("#")]
    loads = "\n".join(f'(load "{os.path.join(ROOT, "stages", "compiler", n)}")' for n in names)
    script = tmp_path / "run.lisp"
    script.write_text(loads + f"""
(setq wasmboot-compiler::*stages-directory* "{STAGES}")
(wasmboot-compiler::compile-files (list "{prog}") "{sbcl_out}")
""")
    r = subprocess.run([SBCL, "--script", str(script)], capture_output=True, timeout=300)
    if r.returncode != 0 or not sbcl_out.exists():
        pytest.skip("the compiler does not run under SBCL right now")
    s0_out = tmp_path / "s0.wasm"
    s = Stage0(stdout=io.StringIO())
    try:
        s.load_compiler()
        s.set_value("WASMBOOT-COMPILER::*STAGES-DIRECTORY*", STAGES)
        s.call("WASMBOOT-COMPILER::COMPILE-FILES", [str(prog)], str(s0_out))
    except Stage0Error as e:
        pytest.fail(f"stage 0 failed where SBCL succeeded: {e}")
    assert s0_out.read_bytes() == sbcl_out.read_bytes()
