"""The runtime library (stages/runtime-lib/) agrees with SBCL's own functions.

Each file of tests/lisp/runtime-cases/ holds one case per top-level form; the harness
evaluates it with SBCL's COMMON-LISP and again as a compiled program would run it: macros
expanded by stages/compiler/expand.lisp, CL names the library defines bound to the
library's functions (wasmboot-runtime::format, ::sort, ...), output through the library's
buffered streams. Printed values and output must be identical.
"""
import re
import subprocess

import pytest

from .conftest import (LIBRARY_LOADS, LISP_DIR, SBCL, failures_and_summary, failures_of,
                       run_harness_once, run_sbcl_script)

ROOT = LISP_DIR.parent.parent
RUNTIME_DIR = ROOT / "stages" / "runtime-lib"
CASE_FILES = sorted((LISP_DIR / "runtime-cases").glob("*.lisp"))


@pytest.mark.parametrize("library_load", LIBRARY_LOADS)
@pytest.mark.parametrize("case_file", CASE_FILES, ids=lambda p: p.stem)
def test_runtime_library_agrees_with_sbcl(case_file, library_load):
    failures, (passed, _) = run_harness_once(LISP_DIR / "runtime-harness.lisp", CASE_FILES,
                                             library_load)
    mine = failures_of(failures, case_file)
    assert not mine, f"{len(mine)} cases differ:\n" + "\n".join(mine)
    assert passed > 0


def test_modules_list_every_library_file():
    listed = [line.strip() for line in (RUNTIME_DIR / "modules.txt").read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    assert listed[0] == "package.lisp"
    assert sorted(listed) == sorted(p.name for p in RUNTIME_DIR.glob("*.lisp"))


def test_every_file_has_a_header_and_package():
    for path in RUNTIME_DIR.glob("*.lisp"):
        text = path.read_text()
        assert text.startswith(";;;; "), f"{path.name}: no header comment"
        if path.name != "package.lisp":
            assert '(in-package "WASMBOOT-RUNTIME")' in text, path.name


def test_package_shadows_exactly_the_cl_names_defined():
    """Every CL name the library defines is shadowed (else SBCL would refuse to load it
    or the compiler would not see the definition), and nothing else is."""
    if SBCL is None:
        pytest.skip("sbcl is not installed")
    script = LISP_DIR / "list-defined-cl-names.lisp"
    proc = subprocess.run([SBCL, "--script", str(script)], capture_output=True, text=True,
                          timeout=120)
    defined = set(proc.stdout.split())
    assert defined, proc.stderr[-2000:]
    shadowed = set(re.findall(r'"([^"]+)"', (RUNTIME_DIR / "package.lisp").read_text()
                              .split("(:shadow", 1)[1]))
    assert defined == shadowed, (f"define but not shadowed: {sorted(defined - shadowed)}; "
                                 f"shadowed but not defined: {sorted(shadowed - defined)}")


@pytest.mark.parametrize("library_load", LIBRARY_LOADS)
def test_expander_cases_agree_with_sbcl_on_the_library(library_load):
    """The expander cases once more, their expansions now calling the library's
    functions (format, error, gethash ...) instead of SBCL's."""
    expand_cases = sorted((LISP_DIR / "expand-cases").glob("*.lisp"))
    failures, (passed, _) = run_harness_once(LISP_DIR / "runtime-harness.lisp", expand_cases,
                                             library_load)
    assert not failures, f"{len(failures)} cases differ:\n" + "\n".join(failures)
    assert passed > 0
