"""Special forms, lambda lists, non-local exits, dynamic binding, macros, conditions:
each snippet must print exactly what SBCL prints."""
import pytest

from cases import EVAL_CASES, PRINT_CASES, FORMAT_CASES


@pytest.mark.parametrize("name", sorted(EVAL_CASES))
def test_eval(lisp, name):
    src, expected = EVAL_CASES[name]
    assert lisp.out(src) == expected


@pytest.mark.parametrize("name", sorted(PRINT_CASES))
def test_printer(lisp, name):
    src, expected = PRINT_CASES[name]
    assert lisp.out(src) == expected


@pytest.mark.parametrize("name", sorted(FORMAT_CASES))
def test_format(lisp, name):
    src, expected = FORMAT_CASES[name]
    assert lisp.out(src) == expected


def test_wide_and_deep_bodies_compile(lisp):
    """A COND with many clauses (an elif chain) and deeply nested WHENs inside a function
    stay within Python's nesting limits."""
    clauses = " ".join(f"((= x {i}) {i * 2})" for i in range(150))
    nested = "(when (> x 0) " * 40 + ":deep" + ")" * 40
    src = (f"(defun big (x) (cond {clauses} (t :none))) (defun deep (x) {nested}) "
           "(princ (list (big 0) (big 77) (big 149) (big 500) (deep 1) (deep 0)))")
    assert lisp.out(src) == "(0 154 298 NONE DEEP NIL)"
