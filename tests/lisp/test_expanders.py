"""The standard macro expanders (stages/compiler/expand.lisp) agree with SBCL.

Each file of tests/lisp/expand-cases/ holds one case per top-level form; the harness
evaluates it with SBCL's own macros and, after expanding every standard macro with our
expanders, with only special forms, functions and the primitives of
tests/lisp/primitives-sbcl.lisp. Values and output must be identical.
"""
import pytest

from .conftest import (LISP_DIR, failures_and_summary, failures_of, run_harness_once,
                       run_sbcl_script)

CASE_FILES = sorted((LISP_DIR / "expand-cases").glob("*.lisp"))


@pytest.mark.parametrize("case_file", CASE_FILES, ids=lambda p: p.stem)
def test_expansions_agree_with_sbcl(case_file):
    failures, (passed, _) = run_harness_once(LISP_DIR / "expand-harness.lisp", CASE_FILES)
    mine = failures_of(failures, case_file)
    assert not mine, f"{len(mine)} cases differ:\n" + "\n".join(mine)
    assert passed > 0


def test_harness_detects_a_wrong_expansion(tmp_path):
    """A case whose expansion differs from SBCL must be reported (the harness can fail)."""
    case = tmp_path / "wrong.lisp"
    # oracle and subject run in different packages, so this case cannot agree
    case.write_text("(package-name *package*)\n")
    proc = run_sbcl_script(LISP_DIR / "expand-harness.lisp", str(case))
    failures, (passed, failed) = failures_and_summary(proc)
    assert failed == 1 and passed == 0
    assert "wrong.lisp:1" in failures[0]


def test_expansions_are_deterministic():
    """Expanding the same forms twice in fresh SBCL processes prints identical text."""
    outputs = [run_sbcl_script(LISP_DIR / "print-expansions.lisp").stdout for _ in range(2)]
    assert outputs[0] == outputs[1]
    assert "#:" in outputs[0] and "(BLOCK NIL" in outputs[0]


def test_macro_lambda_lists_agree_with_sbcl():
    """defmacro lambda lists (dotted ones included) bind as SBCL's defmacro does."""
    proc = run_sbcl_script(LISP_DIR / "macro-lambda-lists.lisp")
    failures, (passed, failed) = failures_and_summary(proc)
    assert failed == 0 and not failures, "\n".join(failures) + proc.stderr
    assert passed >= 8
