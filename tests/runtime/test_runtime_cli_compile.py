"""`python -m runtime compile`: stage 0 (the Python interpreter running the compiler's
Lisp source) and stage N (a compiler stage module answering compile_all), run as the
user runs them, in a subprocess."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "tasks"))
from fixture.project import compiler_bytes, make_project  # noqa: E402


def compile_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "runtime", "compile", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=600)


def run_cli(wasm, cwd):
    return subprocess.run([sys.executable, "-m", "runtime", "run", str(wasm)],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def test_stage0_compiles_a_program_that_runs_and_reports_failed_forms(tmp_path):
    src = tmp_path / "prog.lisp"
    src.write_text("(defun fact (n) (if (< n 2) 1 (* n (fact (- n 1)))))\n"
                   "(format t \"~a~%\" (fact 10))\n"
                   "(this form is (not closed\n")
    out = tmp_path / "prog.wasm"
    p = compile_cli("--stage", "0", src, "-o", out, cwd=tmp_path)
    assert p.returncode == 1, p.stderr            # partial: one form failed
    assert f"{src}:3:" in p.stdout and "unbalanced" in p.stdout
    r = run_cli(out, tmp_path)
    assert (r.returncode, r.stdout) == (0, "3628800\n"), r.stderr


def test_default_stage_is_zero_without_a_build(tmp_path):
    src = tmp_path / "hello.lisp"
    src.write_text('(write-line "hello")\n')
    p = compile_cli(src, "-o", tmp_path / "h.wasm", cwd=tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    assert run_cli(tmp_path / "h.wasm", tmp_path).stdout == "hello\n"


def test_stage_module_answers_compile_all_and_the_module_is_moved_into_place(tmp_path):
    # The fixture compiler (tests/tasks/fixture) "compiles" hex sources back into its
    # own bytes through the compile_all protocol: the CLI's stage-N path end to end.
    make_project(tmp_path)
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "stage1.wasm").write_bytes(compiler_bytes())
    out = tmp_path / "deep" / "out.wasm"
    p = compile_cli("src/a.hex", "src/b.hex", "src/c.hex", "-o", out, cwd=tmp_path)  # newest: 1
    assert p.returncode == 0, p.stdout + p.stderr
    assert out.read_bytes() == compiler_bytes()
    assert sorted(f.name for f in out.parent.iterdir()) == ["out.wasm"]  # no leftovers


@pytest.mark.parametrize("args, needle", [
    (["missing.lisp", "-o", "x.wasm"], "missing.lisp: no such file"),
    (["--stage", "7", "p.lisp", "-o", "x.wasm"], "stage7.wasm: no such stage module"),
])
def test_missing_inputs_exit_3_with_one_line(tmp_path, args, needle):
    (tmp_path / "p.lisp").write_text("(print 1)\n")
    p = compile_cli(*args, cwd=tmp_path)
    assert p.returncode == 3
    assert needle in p.stderr and len(p.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.wasm").exists()


def test_a_module_without_compile_all_is_a_known_limitation(tmp_path):
    import wasmtime
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "stage1.wasm").write_bytes(
        wasmtime.wat2wasm('(module (memory (export "memory") 1) (func (export "_start")))'))
    (tmp_path / "p.lisp").write_text("(print 1)\n")
    p = compile_cli("p.lisp", "-o", "x.wasm", cwd=tmp_path)
    assert p.returncode == 77 and "does not export compile_all" in p.stderr
    assert not (tmp_path / "x.wasm").exists()
