"""The embedded compiler's own source, with its macros expanded by our standard
expanders (the way the compiler will compile itself), behaves exactly as when SBCL
expands them: both compile the same programs to the same bytes."""
import subprocess

import pytest

from .conftest import LISP_DIR, SBCL, run_sbcl_script

ROOT = LISP_DIR.parent.parent
NATIVE_DRIVER = ROOT / "tests" / "compiler" / "sbcl_driver.lisp"
PROGRAMS = [ROOT / "tests" / "conformance" / "programs" / name
            for name in ("043-backquote.lisp", "051-loop-for.lisp", "048-setf-places.lisp")]


def test_compiler_loaded_through_expanders_emits_the_same_bytes(tmp_path):
    if SBCL is None:
        pytest.skip("sbcl is not installed")
    if not NATIVE_DRIVER.exists() or not (ROOT / "stages" / "compiler" / "driver.lisp").exists():
        pytest.skip("the compiler driver is not there")
    programs = [str(p) for p in PROGRAMS if p.exists()]
    native = tmp_path / "native.wasm"
    proc = subprocess.run([SBCL, "--script", str(NATIVE_DRIVER), str(ROOT / "stages") + "/",
                           str(native), "-", *programs], capture_output=True, text=True,
                          timeout=300)
    if proc.returncode not in (0, 1) or not native.exists():
        pytest.skip(f"the compiler itself fails on these programs (exit {proc.returncode})")
    ours = tmp_path / "expanded.wasm"
    proc2 = run_sbcl_script(LISP_DIR / "load-compiler-expanded.lisp", str(ROOT / "stages") + "/",
                            str(ours), *programs)
    assert "EXPANSION FAILURE" not in proc2.stdout, proc2.stdout[-3000:]
    assert proc2.returncode == proc.returncode, proc2.stdout[-2000:] + proc2.stderr[-2000:]
    assert ours.read_bytes() == native.read_bytes()
