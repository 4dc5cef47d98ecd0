"""Self-hosting check: the compiler compiled by itself (stage 1, a WasmGC module run
under the runtime) compiles a program with the runtime library into the very bytes
that the compiler running under SBCL produces, and its compile_form export compiles a
form given by the host into a module that runs."""
import os
import shutil
import subprocess
import sys

import pytest

from compiler_driver import ROOT, compile_with_sbcl, read_results

PROGRAM = "tests/compiler/programs/terpri.lisp"


def compiler_sources():
    d = ROOT / "stages" / "compiler"
    return [d / line.strip() for line in (d / "modules.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]


@pytest.mark.skipif(shutil.which("sbcl") is None, reason="needs SBCL")
def test_stage1_gives_the_bytes_of_sbcl(tmp_path):
    out_rel = f"build/test-stage1-{os.getpid()}.wasm"
    res_rel = f"build/test-stage1-{os.getpid()}.tsv"
    expr_rel = f"build/test-stage1-expr-{os.getpid()}.wasm"
    main = tmp_path / "main.lisp"
    main.write_text('(in-package "WASMBOOT-COMPILER")\n'
                    f'(format t "~d~%" (compile-files (list "{PROGRAM}") "{out_rel}" '
                    f':results-path "{res_rel}"))\n')
    code, log = compile_with_sbcl(compiler_sources() + [main], tmp_path / "stage1.wasm",
                                  tmp_path / "stage1.tsv")
    assert code == 0, log
    assert {r["status"] for r in read_results(tmp_path / "stage1.tsv")} <= {"compiled",
                                                                             "skipped"}
    (ROOT / "build").mkdir(exist_ok=True)
    try:
        p = subprocess.run([sys.executable, "-m", "runtime", "run", str(tmp_path / "stage1.wasm"),
                            "--expr", "(print (* 6 7))", "--output", expr_rel],
                           cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert p.returncode == 0, p.stderr
        assert p.stdout.strip() == "0"
        p = subprocess.run([sys.executable, "-m", "runtime", "run", expr_rel],
                           cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert (p.returncode, p.stdout) == (0, "\n42 ")
        code, log = compile_with_sbcl([ROOT / PROGRAM], tmp_path / "sbcl.wasm",
                                      tmp_path / "sbcl.tsv")
        assert code == 0, log
        assert (ROOT / out_rel).read_bytes() == (tmp_path / "sbcl.wasm").read_bytes()
    finally:
        for rel in (out_rel, res_rel, expr_rel):
            if (ROOT / rel).exists():
                (ROOT / rel).unlink()
