"""bench/external_library.py on a tiny library made here (not on cl-alexandria, which a
fresh machine may lack): the load order read from a .asd, the per-file table, the
failure reasons and the exit codes. Shape and counts only: no timing is asserted."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "external_library.py"
sys.path.insert(0, str(ROOT / "bench"))

import external_library  # noqa: E402

ASD = """;;; a system shaped like alexandria's: nested modules, depends-on out of order
(defsystem "tiny"
  :description "a (parenthesized) description; with a semicolon"
  :components
  ((:module "one"
    :components ((:static-file "notes.txt")
                 (:file "package")
                 (:file "io" :depends-on ("package" "macros"))
                 (:file "macros" :depends-on ("package"))))
   (:module "two" :components ((:file #:extra)))))
"""


def test_load_order_follows_the_asd_and_its_dependencies(tmp_path):
    (tmp_path / "tiny.asd").write_text(ASD)
    (tmp_path / "tiny-tests.asd").write_text('(defsystem "tiny-tests" :components ((:file "t")))')
    got = [str(p.relative_to(tmp_path)) for p in external_library.load_order(tmp_path)]
    assert got == ["one/package.lisp", "one/macros.lisp", "one/io.lisp", "two/extra.lisp"]


def test_reasons_are_grouped_without_their_names():
    kind = external_library.reason_kind
    assert kind("in-package: no package named ALEXANDRIA-2") == "no package named NAME"
    assert kind("no package named SB-INT") == "no package named NAME"
    assert kind("unknown place (BIT #:MASK #:I) for setf") == "unknown place (…) for setf"
    assert (kind("error in #. evaluation: unbound variable MOST-POSITIVE-FIXNUM at compile time")
            == "error in #. evaluation: unbound variable NAME at compile time")


def test_missing_library_exits_77(tmp_path):
    p = subprocess.run([sys.executable, str(SCRIPT), "--source", str(tmp_path / "absent"),
                        "--no-stage1"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 77
    assert "apt-get install -y cl-alexandria" in p.stdout


@pytest.mark.skipif(shutil.which("sbcl") is None, reason="sbcl is not installed")
def test_a_failing_form_is_counted_with_its_reason(tmp_path):
    (tmp_path / "a.lisp").write_text("(defun add1 (x) (+ x 1))\n(defun twice (x) (* 2 x))\n")
    (tmp_path / "b.lisp").write_text('(in-package "CL-USER")\n'
                                     '(in-package "NO-SUCH-PACKAGE-HERE")\n'
                                     "(defun three () (twice (add1 0)))\n")
    p = subprocess.run([sys.executable, str(SCRIPT), "--source", str(tmp_path), "--no-stage1"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    rows = {line.split()[0]: line.split()[1:5] for line in p.stdout.splitlines()
            if line.split() and line.split()[0] in ("a.lisp", "b.lisp", "total")}
    assert rows == {"a.lisp": ["2", "2", "0", "0"], "b.lisp": ["3", "1", "1", "1"],
                    "total": ["5", "3", "1", "1"]}
    reason = next(line for line in p.stdout.splitlines() if "no package named NAME" in line)
    assert reason.split()[0] == "1" and "b.lisp:2" in reason
    assert "sbcl " in p.stdout and "link: 2 artifacts" in p.stdout
