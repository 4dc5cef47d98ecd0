"""The command line and the Python API: exit codes, one-line errors, calls from Python."""
import io
import os
import subprocess
import sys

import pytest

from stages.stage0 import Stage0, Stage0Error

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "stages.stage0", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_cli_runs_files_in_order(tmp_path):
    a = tmp_path / "a.lisp"
    a.write_text("(defun greet (n) (format t \"hi ~a~%\" n))")
    b = tmp_path / "b.lisp"
    b.write_text("(greet \"there\") (print (+ 1 2))")
    r = run_cli("--load", str(a), str(b))
    assert (r.returncode, r.stdout, r.stderr) == (0, "hi there\n\n3 ", "")


def test_cli_unhandled_error_is_one_line_exit_2(tmp_path):
    f = tmp_path / "e.lisp"
    f.write_text("(princ 1)\n(defun f (x) (error \"bad thing: ~a\" x))\n  (f 42)\n")
    r = run_cli(str(f))
    assert r.returncode == 2
    assert r.stdout == "1"
    assert r.stderr == f"{f}:3:3: error: bad thing: 42 (in F)\n"


def test_cli_type_error_names_function(tmp_path):
    f = tmp_path / "e.lisp"
    f.write_text("(defun g (x) (car x))\n(g 5)\n")
    r = run_cli(str(f))
    assert r.returncode == 2
    assert r.stderr.startswith(f"{f}:2:1: error: The value 5 is not of type LIST")
    assert "Traceback" not in r.stderr and r.stderr.count("\n") == 1


def test_cli_syntax_error_exit_2(tmp_path):
    f = tmp_path / "s.lisp"
    f.write_text("(print 1)\n(print (+ 1 2)\n")
    r = run_cli(str(f))
    assert r.returncode == 2
    assert r.stdout == "\n1 "
    assert r.stderr == f"{f}:2:1: unbalanced parenthesis: end of file inside a list opened here\n"


def test_cli_invalid_utf8_exit_2(tmp_path):
    f = tmp_path / "u.lisp"
    f.write_bytes(b"(print 1)\n\"\xc3\x28\"")
    r = run_cli(str(f))
    assert r.returncode == 2
    assert r.stderr == f"{f}:2:2: invalid UTF-8 byte 0xc3\n"


def test_cli_missing_file_exit_3(tmp_path):
    r = run_cli(str(tmp_path / "nope.lisp"))
    assert r.returncode == 3
    assert r.stderr == f"error: file not found: {tmp_path / 'nope.lisp'}\n"


def test_api_call_converts_python_values():
    out = io.StringIO()
    s = Stage0(stdout=out)
    s.fresh_user_package()
    s.eval_string("(defun join (parts sep) (format nil (concatenate 'string \"~{~a~^\" sep \"~}\") parts))")
    r = s.call("JOIN", ["a", "b", 3], ", ")
    assert r.value() == "a, b, 3"
    assert s.call("COMMON-LISP-USER::JOIN", [], "-").value() == ""


def test_api_keyword_arguments_and_variables():
    s = Stage0(stdout=io.StringIO())
    s.fresh_user_package()
    s.eval_string("(defvar *dir* nil) (defun kw-fn (a &key results-path (n 1)) (list a results-path n *dir*))")
    s.set_value("*DIR*", "stages/")
    from stages.stage0.api import to_python
    assert to_python(s.call("KW-FN", "x", results_path="r.tsv")) == ["x", "r.tsv", 1, "stages/"]
    assert to_python(s.value("*DIR*")) == "stages/"


def test_api_error_is_stage0error():
    s = Stage0(stdout=io.StringIO())
    s.fresh_user_package()
    s.eval_string("(defun boom () (error \"no ~a\" :way))")
    with pytest.raises(Stage0Error) as ei:
        s.call("BOOM")
    assert str(ei.value) == "error: no WAY (in BOOM)"
    assert ei.value.exit_code == 2


def test_api_deep_recursion():
    s = Stage0(stdout=io.StringIO())
    s.fresh_user_package()
    s.eval_string("(defun depth (n) (if (= n 0) 0 (1+ (depth (1- n)))))")
    assert s.call("DEPTH", 20000) == 20000


def test_binary_file_output(tmp_path):
    p = tmp_path / "o.bin"
    s = Stage0(stdout=io.StringIO())
    s.fresh_user_package()
    s.eval_string(f"""
      (with-open-file (o "{p}" :direction :output :if-exists :supersede
                                :element-type '(unsigned-byte 8))
        (write-byte 0 o) (write-sequence (vector 97 115 109) o)
        (write-sequence (make-array 2 :element-type '(unsigned-byte 8) :initial-element 255) o))""")
    assert p.read_bytes() == b"\x00asm\xff\xff"


def test_text_file_roundtrip(tmp_path):
    p = tmp_path / "t.txt"
    out = io.StringIO()
    s = Stage0(stdout=out)
    s.fresh_user_package()
    s.eval_string(f"""
      (with-open-file (o "{p}" :direction :output :if-exists :supersede)
        (write-line "first λ" o) (format o "second ~d" 2))
      (with-open-file (i "{p}")
        (loop for line = (read-line i nil nil) while line do (print line)))""")
    assert out.getvalue() == '\n"first λ" \n"second 2" '
