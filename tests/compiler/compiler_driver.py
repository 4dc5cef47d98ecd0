"""Compile Lisp files with the embedded compiler running under SBCL
(tests/compiler/sbcl_driver.lisp loads stages/compiler/modules.txt and calls
wasmboot-compiler::compile-files)."""
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).resolve().parent / "sbcl_driver.lisp"


def compile_with_sbcl(inputs, output, results=None, timeout=300):
    """(exit code, stdout) of compiling INPUTS to OUTPUT."""
    cmd = ["sbcl", "--script", str(DRIVER), str(ROOT / "stages") + os.sep, str(output),
           str(results) if results else "-"] + [str(p) for p in inputs]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    return p.returncode, p.stdout + p.stderr


def read_results(path):
    """Per-form results: list of dicts status/file/line/column/name/reason."""
    rows = []
    for line in Path(path).read_text().splitlines():
        status, file, line_no, col, name, reason = line.split("\t", 5)
        rows.append(dict(status=status, file=file, line=int(line_no), column=int(col),
                         name=name, reason=reason))
    return rows
