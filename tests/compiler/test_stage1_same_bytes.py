"""Self-hosting check: the compiler compiled by itself (stage 1, a WasmGC module run
under the runtime) answers the host's calls of docs/abi.md and docs/build.md:
compile_all compiles and links a program with the runtime library into the very bytes
that the compiler running under SBCL produces, and compile_form compiles a form into a
module that runs."""
import io
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
def test_stage1_compile_all_and_compile_form(tmp_path, monkeypatch):
    from runtime.config import RuntimeConfig
    from runtime.lifecycle import Stage
    code, log = compile_with_sbcl(compiler_sources(), tmp_path / "stage1.wasm",
                                  tmp_path / "stage1.tsv")
    assert code == 0, log
    assert {r["status"] for r in read_results(tmp_path / "stage1.tsv")} <= {"compiled",
                                                                             "skipped"}
    code, log = compile_with_sbcl([ROOT / PROGRAM], tmp_path / "sbcl.wasm")
    assert code == 0, log
    work = f"build/test-stage1-{os.getpid()}"
    (ROOT / work).mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(ROOT)
    stage = Stage(tmp_path / "stage1.wasm",
                  RuntimeConfig(stdout=io.BytesIO(), stderr=io.BytesIO(), base_dir=ROOT))
    try:
        stage.load()
        stage.instantiate()
        stage.start()
        request = (f"compile\tterpri\t{PROGRAM}\t{work}/terpri.art\t{work}/terpri.tsv\n"
                   f"link\t{work}/out.wasm\t{work}/terpri.art\n")
        assert stage.call("compile_all", request) == 0
        assert (ROOT / work / "out.wasm").read_bytes() == (tmp_path / "sbcl.wasm").read_bytes()
        rows = read_results(ROOT / work / "terpri.tsv")
        assert [(r["status"], r["line"], r["name"]) for r in rows] == [("compiled", 1, "TERPRI")]
        data = stage.compile_form("(print (* 6 7))")
        (ROOT / work / "expr.wasm").write_bytes(data)
        p = subprocess.run([sys.executable, "-m", "runtime", "run", f"{work}/expr.wasm"],
                           cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert (p.returncode, p.stdout) == (0, "\n42 ")
    finally:
        stage.close()
        shutil.rmtree(ROOT / work, ignore_errors=True)
