"""Every conformance program compiled by the embedded compiler (running under SBCL,
with the runtime library) and run under the runtime prints exactly its .out file.

All programs are compiled in one SBCL process (tests/compiler/sbcl_driver.lisp
--batch); each module then runs in-process through runtime.runner. Programs the
compiled path does not support yet are listed in compiled_pending.txt (one
`name  reason` per line) and expected to fail (strict: the list must shrink when they
start passing)."""
import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "compiler"))
from corpus import PROGRAMS, expected_output  # noqa: E402
from compiler_driver import compile_batch, run  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("sbcl") is None, reason="needs SBCL")


def pending():
    reasons = {}
    for line in (HERE / "compiled_pending.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, reason = line.partition(" ")
            reasons[name] = reason.strip()
    return reasons


PENDING = pending()


def test_pending_names_are_programs():
    names = {p.stem for p in PROGRAMS}
    assert set(PENDING) <= names
    assert all(PENDING.values()), "every pending program needs a reason"


@pytest.fixture(scope="module")
def modules(tmp_path_factory):
    out = tmp_path_factory.mktemp("compiled")
    codes = compile_batch(PROGRAMS, out)
    return out, codes


def _param(p):
    marks = []
    if p.stem in PENDING:
        marks.append(pytest.mark.xfail(reason=PENDING[p.stem], strict=True))
    return pytest.param(p, id=p.stem, marks=marks)


@pytest.mark.parametrize("program", [_param(p) for p in PROGRAMS])
def test_compiled_program_output(program, modules):
    out, codes = modules
    assert codes.get(program.stem) == 0, (program.stem, codes.get(program.stem))
    stdin = program.with_suffix(".in")
    code, stdout, stderr = run(out / (program.stem + ".wasm"),
                               stdin.read_bytes() if stdin.exists() else b"")
    assert stdout == expected_output(program), stderr
    assert code == 0, stderr
