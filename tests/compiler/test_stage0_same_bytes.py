"""The compiler's Lisp source gives the same bytes whether SBCL or stage 0 (the Python
interpreter) runs it: the determinism the fixpoint needs."""
import io
import os
import shutil

import pytest

from compiler_driver import ROOT, compile_with_sbcl, read_results

PROGRAM = ROOT / "tests" / "compiler" / "programs" / "terpri.lisp"


@pytest.mark.skipif(shutil.which("sbcl") is None, reason="needs SBCL")
def test_stage0_and_sbcl_give_the_same_module(tmp_path):
    from stages.stage0 import Stage0
    code, log = compile_with_sbcl([PROGRAM], tmp_path / "sbcl.wasm", tmp_path / "sbcl.tsv")
    assert code == 0, log
    s = Stage0(stdout=io.StringIO())
    s.load_compiler()
    s.set_value("WASMBOOT-COMPILER::*STAGES-DIRECTORY*", str(ROOT / "stages") + os.sep)
    code0 = s.call("WASMBOOT-COMPILER::COMPILE-FILES", [str(PROGRAM)],
                   str(tmp_path / "s0.wasm"), results_path=str(tmp_path / "s0.tsv"))
    assert code0 == 0
    assert (tmp_path / "s0.wasm").read_bytes() == (tmp_path / "sbcl.wasm").read_bytes()
    assert read_results(tmp_path / "s0.tsv") == read_results(tmp_path / "sbcl.tsv")
