"""Every conformance program run by stage 0 (the Python interpreter) prints exactly its
.out file. Programs run in one process, each in a fresh CL-USER package; the numbered
corpus (corpus.PROGRAMS) and stage 0's own `s0-*.lisp` programs are both run."""
import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import PROGRAMS, PROGRAMS_DIR, expected_output  # noqa: E402

from stages.stage0 import Stage0, Stage0Error  # noqa: E402

S0_PROGRAMS = sorted(PROGRAMS_DIR.glob("s0-*.lisp"))
ALL = PROGRAMS + S0_PROGRAMS


def run_program(path):
    out = io.StringIO()
    err = io.StringIO()
    s = Stage0(stdout=out, stderr=err)
    s.fresh_user_package()
    error = None
    try:
        s.load_file(str(path))
    except Stage0Error as e:
        error = str(e)
    return out.getvalue(), error


@pytest.mark.parametrize("program", ALL, ids=[p.stem for p in ALL])
def test_program_output(program):
    got, error = run_program(program)
    expected = expected_output(program)
    assert error is None, f"stage 0 failed: {error}\noutput so far:\n{got}"
    assert got == expected


@pytest.mark.skipif(__import__("shutil").which("sbcl") is None, reason="SBCL is not installed")
@pytest.mark.parametrize("program", S0_PROGRAMS, ids=[p.stem for p in S0_PROGRAMS])
def test_s0_expected_output_is_sbcls(program):
    """Stage 0's own programs: the .out file is what SBCL prints (the oracle)."""
    import subprocess
    r = subprocess.run(["sbcl", "--script", str(program)], capture_output=True, timeout=120)
    assert r.stdout.decode("utf-8") == expected_output(program)
