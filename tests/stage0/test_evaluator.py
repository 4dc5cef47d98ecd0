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
