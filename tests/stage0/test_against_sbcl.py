"""The literal expectations of cases.py are SBCL's output (skipped without SBCL)."""
import shutil
import subprocess

import pytest

from cases import EVAL_CASES, PRINT_CASES, FORMAT_CASES, STAGE0_ONLY

SBCL = shutil.which("sbcl")
ALL = {**{"eval-" + k: v for k, v in EVAL_CASES.items() if k not in STAGE0_ONLY},
       **{"print-" + k: v for k, v in PRINT_CASES.items()},
       **{"format-" + k: v for k, v in FORMAT_CASES.items()}}


@pytest.mark.skipif(SBCL is None, reason="SBCL is not installed")
def test_cases_match_sbcl(tmp_path):
    # One SBCL run for all cases: each case's output is framed by marker lines.
    names = sorted(ALL)
    # Each case runs in its own package so definitions do not collide.
    prog = []
    for n in names:
        src, _ = ALL[n]
        prog.append(f'(format t "~%@@@{n}@@@~%")')
        prog.append(f'(defpackage "P-{n.upper()}" (:use "COMMON-LISP"))')
        prog.append(f'(in-package "P-{n.upper()}")')
        prog.append(src)
        prog.append('(in-package "COMMON-LISP-USER")')
    f = tmp_path / "cases.lisp"
    f.write_text("\n".join(prog), encoding="utf-8")
    r = subprocess.run([SBCL, "--script", str(f)], capture_output=True, text=True, timeout=120)
    chunks = r.stdout.split("\n@@@")[1:]
    got = {}
    for c in chunks:
        name, _, rest = c.partition("@@@\n")
        got[name] = rest
    mismatches = {n: (got.get(n), ALL[n][1]) for n in names if got.get(n) != ALL[n][1]}
    assert not mismatches, mismatches
