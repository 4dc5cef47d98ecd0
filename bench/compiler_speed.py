"""Compile speed of the embedded compiler, printed as a table.

Rows: the compiler running under SBCL (its Lisp source loaded into SBCL) on one small
program, on the whole conformance corpus (one process, each program its own module),
and on its own source; stage 0 (the Python interpreter) on the small program; and the
compiled compiler (stage 1: the compiler's own module, run under the runtime) on the
small program. Module sizes and whether stage 0's bytes equal SBCL's are shown too.

    python bench/compiler_speed.py [--no-stage0] [--no-stage1] [--fixpoint]

--fixpoint adds the long row: stage 1 compiling the compiler's own source, with a
byte comparison against SBCL's module of the same source.
"""
import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "compiler"))
from compiler_driver import DRIVER, compile_batch, compile_with_sbcl  # noqa: E402

SMALL = ROOT / "tests" / "compiler" / "programs" / "closures.lisp"


def compiler_sources():
    d = ROOT / "stages" / "compiler"
    return [d / line.strip() for line in (d / "modules.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]


def timed(fn):
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def sbcl_load_time():
    with tempfile.TemporaryDirectory() as d:
        t, _ = timed(lambda: compile_batch([], d))
    return t


def sbcl_compile(inputs, outdir):
    """{name: (exit code, seconds measured inside SBCL)} for each input, one module each."""
    times = {}
    codes = compile_batch(inputs, outdir, times=times)
    return {n: (codes[n], times[n]) for n in codes}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-stage0", action="store_true")
    ap.add_argument("--no-stage1", action="store_true")
    ap.add_argument("--fixpoint", action="store_true")
    args = ap.parse_args()
    rows = []
    load = sbcl_load_time()
    rows.append(("SBCL: load the compiler", load, "", ""))
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        code, t = sbcl_compile([SMALL], d)[SMALL.stem]
        (d / "small.wasm").write_bytes((d / (SMALL.stem + ".wasm")).read_bytes())
        rows.append((f"SBCL: {SMALL.name} + runtime library", t,
                     (d / "small.wasm").stat().st_size, f"exit {code}"))
        corpus = sorted((ROOT / "tests" / "conformance" / "programs").glob("[0-9]*.lisp"))
        res = sbcl_compile(corpus, d)
        rows.append((f"SBCL: {len(corpus)} corpus programs, one module each",
                     sum(t for _, t in res.values()), "",
                     f"{sum(1 for c, _ in res.values() if c == 0)} with exit 0"))
        t, (code, _) = timed(lambda: compile_with_sbcl(compiler_sources(), d / "self.wasm",
                                                        d / "self.tsv"))
        rows.append(("SBCL: the compiler's own source (incl. loading it)", t,
                     (d / "self.wasm").stat().st_size, f"exit {code}"))
        if not args.no_stage0:
            from stages.stage0 import Stage0
            s = Stage0(stdout=io.StringIO())
            t0, _ = timed(s.load_compiler)
            s.set_value("WASMBOOT-COMPILER::*STAGES-DIRECTORY*", str(ROOT / "stages") + os.sep)
            t, code = timed(lambda: s.call("WASMBOOT-COMPILER::COMPILE-FILES", [str(SMALL)],
                                           str(d / "small0.wasm")))
            same = (d / "small0.wasm").read_bytes() == (d / "small.wasm").read_bytes()
            rows.append(("stage 0: load the compiler", t0, "", ""))
            rows.append((f"stage 0: {SMALL.name} + runtime library", t,
                         (d / "small0.wasm").stat().st_size,
                         f"exit {code}, bytes {'==' if same else '!='} SBCL's"))
        if not args.no_stage1:
            main_lisp = d / "main.lisp"
            out_rel = Path("build") / "compiler-speed-small1.wasm"
            main_lisp.write_text(
                '(in-package "WASMBOOT-COMPILER")\n'
                f'(format t "~d~%" (compile-files (list "{SMALL.relative_to(ROOT)}") '
                f'"{out_rel}"))\n')
            code, log = compile_with_sbcl(compiler_sources() + [main_lisp], d / "stage1.wasm")
            (ROOT / "build").mkdir(exist_ok=True)
            t, p = timed(lambda: subprocess.run(
                [sys.executable, "-m", "runtime", "run", str(d / "stage1.wasm")],
                cwd=ROOT, capture_output=True, text=True))
            rows.append((f"stage 1 (compiled compiler, incl. its start): {SMALL.name}", t,
                         (d / "stage1.wasm").stat().st_size,
                         f"printed {p.stdout.strip()[-40:]!r}"))
        if args.fixpoint:
            files = " ".join(f'"{p.relative_to(ROOT)}"' for p in compiler_sources())
            out_rel = Path("build") / "compiler-speed-stage2.wasm"
            fp_main = d / "main2.lisp"
            fp_main.write_text('(in-package "WASMBOOT-COMPILER")\n'
                               f'(format t "~d~%" (compile-files (list {files}) "{out_rel}"))\n')
            (ROOT / "build").mkdir(exist_ok=True)
            code, log = compile_with_sbcl(compiler_sources() + [fp_main], d / "stage1b.wasm")
            t, p = timed(lambda: subprocess.run(
                [sys.executable, "-m", "runtime", "run", str(d / "stage1b.wasm")],
                cwd=ROOT, capture_output=True, text=True))
            same = (ROOT / out_rel).read_bytes() == (d / "self.wasm").read_bytes()
            rows.append(("stage 1: the compiler's own source (incl. its start)", t,
                         (ROOT / out_rel).stat().st_size,
                         f"bytes {'==' if same else '!='} SBCL's (fixpoint)"))
    print(f"{'measurement':62} {'seconds':>8} {'bytes':>8}  note")
    for name, secs, size, note in rows:
        print(f"{name:62} {secs:8.2f} {str(size):>8}  {note}")


if __name__ == "__main__":
    main()
