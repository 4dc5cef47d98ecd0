"""Every conformance program, run under SBCL the way compiled code runs it, prints its
expected output: macros expanded by stages/compiler/expand.lisp only, CL functions the
runtime library defines taken from stages/runtime-lib/, output through its buffered
streams (tests/lisp/run-program.lisp). This checks the expanders and the library
together on the corpus before the compiler runs them.
"""
import sys

import pytest

from .conftest import LIBRARY_LOADS, LISP_DIR, failures_and_summary, run_sbcl_script

sys.path.insert(0, str(LISP_DIR.parent / "conformance"))
from corpus import PROGRAMS  # noqa: E402


@pytest.mark.parametrize("library_load", LIBRARY_LOADS)
def test_conformance_programs_run_on_expanders_and_library(library_load):
    """library_load "expanded": the library itself loaded through our expanders too."""
    proc = run_sbcl_script(LISP_DIR / "run-program.lisp", "--check", *map(str, PROGRAMS),
                           library_load=library_load)
    failures, (passed, failed) = failures_and_summary(proc)
    assert not failures, f"{failed} of {passed + failed} programs differ:\n" + "\n".join(failures)
    assert passed == len(PROGRAMS)


def test_unhandled_error_exits_2_with_one_line_report(tmp_path):
    program = tmp_path / "boom.lisp"
    program.write_text('(format t "before~%")\n(error "boom ~a" 42)\n(format t "after~%")\n')
    proc = run_sbcl_script(LISP_DIR / "run-program.lisp", str(program))
    assert proc.returncode == 2
    assert proc.stdout == "before\n"
    assert "Unhandled SIMPLE-ERROR: boom 42" in proc.stderr


def test_standard_input_is_read_through_the_library(tmp_path):
    """read-line and read-char on *standard-input* go through the fd-0 stream (output
    is flushed before reading), as a compiled program's would."""
    program = tmp_path / "echo.lisp"
    program.write_text(
        '(write-string "prompt> ")\n'
        '(let ((line (read-line)))\n'
        '  (format t "~a|~%" (string-upcase line)))\n'
        '(let ((c (read-char))) (format t "~a~%" c) (unread-char c))\n'
        '(let ((c (read-char))) (unread-char c) (format t "~s~%" (read-line)))\n'
        '(format t "~s~%" (list (read-char) (read-line) (read-line *standard-input* nil :eof)))\n')
    proc = run_sbcl_script(LISP_DIR / "run-program.lisp", str(program),
                           stdin="hello\nxy\nline three\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == 'prompt> HELLO|\nx\n"xy"\n(#\\l "ine three" :EOF)\n'
