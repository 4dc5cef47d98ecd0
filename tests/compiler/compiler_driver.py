"""Compile Lisp files with the embedded compiler running under SBCL
(tests/compiler/sbcl_driver.lisp loads stages/compiler/modules.txt and calls
wasmboot-compiler::compile-files), and run the modules with the runtime (runtime/)."""
import io
import os
import subprocess
from pathlib import Path

from runtime.config import RuntimeConfig
from runtime.runner import run_module

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).resolve().parent / "sbcl_driver.lisp"


def compile_with_sbcl(inputs, output, results=None, timeout=300):
    """(exit code, printed text) of compiling INPUTS into one module OUTPUT."""
    cmd = ["sbcl", "--script", str(DRIVER), str(ROOT / "stages") + os.sep, str(output),
           str(results) if results else "-"] + [str(p) for p in inputs]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    return p.returncode, p.stdout + p.stderr


def compile_batch(inputs, outdir, timeout=1800, times=None):
    """Compile each input on its own (one SBCL process for all) into OUTDIR/NAME.wasm
    and OUTDIR/NAME.tsv; returns {name: exit code} (and fills TIMES, a dict, with
    {name: seconds} when given)."""
    cmd = ["sbcl", "--script", str(DRIVER), str(ROOT / "stages") + os.sep, "--batch",
           str(outdir)] + [str(p) for p in inputs]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    codes = {}
    for line in p.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[1].isdigit():
            codes[parts[0]] = int(parts[1])
            if times is not None:
                times[parts[0]] = int(parts[2]) / 1000.0
    return codes


def compile_all_with_sbcl(request, workdir, timeout=600):
    """(status, printed text) of running the compile_all REQUEST (docs/build.md: the
    text of its records) with the compiler under SBCL, as the compiled stage runs it."""
    path = Path(workdir) / "request.txt"
    path.write_text(request)
    cmd = ["sbcl", "--script", str(DRIVER), str(ROOT / "stages") + os.sep, "--request",
           str(path)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    return p.returncode, p.stdout + p.stderr


def run(path, stdin=b""):
    """(exit code, stdout text, stderr text) of running a module's _start."""
    out, err = io.BytesIO(), io.BytesIO()
    log = io.StringIO()
    config = RuntimeConfig(stdin=io.BytesIO(stdin), stdout=out, stderr=err,
                           time_limit=60.0)
    code = run_module(path, config, log=log)
    return (code, out.getvalue().decode("utf-8", "replace"),
            err.getvalue().decode("utf-8", "replace") + log.getvalue())


def read_results(path):
    """Per-form results: list of dicts status/file/line/column/name/reason."""
    rows = []
    for line in Path(path).read_text().splitlines():
        status, file, line_no, col, name, reason = line.split("\t", 5)
        rows.append(dict(status=status, file=file, line=int(line_no), column=int(col),
                         name=name, reason=reason))
    return rows
