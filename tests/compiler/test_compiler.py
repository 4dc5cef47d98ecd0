"""The embedded compiler under SBCL: programs compiled to WasmGC (with the runtime
library) and run under the runtime, their output compared with SBCL running the same
source (the oracle)."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from compiler_driver import compile_with_sbcl, read_results, run

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"

pytestmark = pytest.mark.skipif(shutil.which("sbcl") is None, reason="needs SBCL")


def sbcl_output(path):
    p = subprocess.run(["sbcl", "--script", str(path)], capture_output=True, text=True,
                       timeout=60)
    return p.stdout


@pytest.mark.parametrize("name", ["terpri", "closures", "control", "macros"])
def test_program_matches_sbcl(name, tmp_path):
    src = PROGRAMS / (name + ".lisp")
    out = tmp_path / (name + ".wasm")
    code, log = compile_with_sbcl([src], out)
    assert code == 0, log
    rc, stdout, stderr = run(out)
    assert rc == 0, stderr
    assert stdout == sbcl_output(src)


def test_overflow_signals_an_error(tmp_path):
    out = tmp_path / "o.wasm"
    code, log = compile_with_sbcl([PROGRAMS / "overflow.lisp"], out)
    assert code == 0, log
    rc, stdout, stderr = run(out)
    assert rc == 2
    assert stdout.strip() == "4611686014132420609"
    assert "overflow" in stderr


def test_failed_forms_are_reported_and_the_rest_compiles(tmp_path):
    src = PROGRAMS / "syntax-errors.lisp"
    out, res = tmp_path / "s.wasm", tmp_path / "s.tsv"
    code, log = compile_with_sbcl([src], out, res)
    assert code == 1
    assert "syntax-errors.lisp:2:8: bad # syntax" in log
    assert "syntax-errors.lisp:5:1: unbalanced parentheses" in log
    rows = read_results(res)
    assert [r["status"] for r in rows] == ["compiled", "failed", "compiled", "failed", "failed"]
    assert (rows[3]["line"], rows[3]["column"]) == (4, 8)
    rc, stdout, _ = run(out)
    assert rc == 0
    assert stdout.split() == ["1", "2"]


def test_unsupported_standard_operators_fail_with_their_names(tmp_path):
    # deftype, defgeneric and compile are standard names the library lacks: each form
    # fails where it starts (a closure's failure counts for its defun), the others
    # compile, and the program runs without the failed ones
    src = PROGRAMS / "unsupported.lisp"
    out, res = tmp_path / "u.wasm", tmp_path / "u.tsv"
    code, log = compile_with_sbcl([src], out, res)
    assert code == 1, log
    rows = read_results(res)
    assert [(r["status"], r["line"]) for r in rows] == [
        ("failed", 1), ("skipped", 2), ("compiled", 3), ("failed", 4), ("failed", 5),
        ("compiled", 6)]
    assert [r["reason"].split(" ")[0] for r in rows if r["status"] == "failed"] == [
        "DEFTYPE", "DEFGENERIC", "COMPILE"]
    assert "not supported" in rows[0]["reason"]
    rc, stdout, _ = run(out)
    assert (rc, stdout) == (0, "\n42 ")


def test_invalid_utf8_is_a_failed_form(tmp_path):
    src = tmp_path / "bad.lisp"
    src.write_bytes(b"(print 1)\n(print \"a\xff\")\n(print 2)\n")
    out, res = tmp_path / "b.wasm", tmp_path / "b.tsv"
    code, log = compile_with_sbcl([src], out, res)
    assert code == 1
    rows = read_results(res)
    assert [r["status"] for r in rows] == ["compiled", "failed", "compiled"]
    assert "invalid UTF-8" in rows[1]["reason"]
    assert rows[1]["line"] == 2


def test_output_is_deterministic(tmp_path):
    a, b = tmp_path / "a.wasm", tmp_path / "b.wasm"
    src = PROGRAMS / "closures.lisp"
    assert compile_with_sbcl([src], a)[0] == 0
    assert compile_with_sbcl([src], b)[0] == 0
    assert a.read_bytes() == b.read_bytes()


BINARY_INPUT = """
(with-open-file (s "blob.bin" :direction :input :element-type '(unsigned-byte 8))
  (let ((v (make-array (file-length s) :element-type '(unsigned-byte 8))))
    (format t "~d ~a~%" (read-sequence v s) (coerce v 'list))))
(with-open-file (s "blob.bin" :direction :input :element-type '(unsigned-byte 8))
  (format t "~a ~a " (read-byte s) (read-byte s))
  (dotimes (i 3) (read-byte s))
  (format t "~a~%" (read-byte s nil :end)))
(with-open-file (s "text.txt" :direction :input)
  (format t "~a~%" (read-line s)))
"""


def test_binary_input_reads_octets(tmp_path, monkeypatch):
    """A file opened with element-type (unsigned-byte 8) gives its octets (invalid
    UTF-8 included); character input still decodes UTF-8."""
    monkeypatch.chdir(tmp_path)  # the runtime's sandbox and SBCL both read from here
    (tmp_path / "blob.bin").write_bytes(b"\x01\xff\xc3\xa9\x00")
    (tmp_path / "text.txt").write_bytes("h\u00e9llo\n".encode())
    src = tmp_path / "binary.lisp"
    src.write_text(BINARY_INPUT)
    code, log = compile_with_sbcl([src], tmp_path / "binary.wasm")
    assert code == 0, log
    rc, stdout, stderr = run(tmp_path / "binary.wasm")
    assert rc == 0, stderr
    assert stdout == sbcl_output(src) == "5 (1 255 195 169 0)\n1 255 END\nh\u00e9llo\n"
