"""Time the conformance corpus under each way of running it; prints tables.

    python bench/conformance_speed.py [--runner sbcl|stage0|compiled]... [--match TEXT]
                                      [--per-program] [--slowest N]

Runners (each checks its output against the program's .out file):
  sbcl      `sbcl --script PROG` in a subprocess (the oracle; includes SBCL start-up)
  stage0    stage 0 in this process, a fresh Stage0 per program (as tests/conformance does)
  compiled  `python -m runtime compile PROG -o OUT.wasm`, then `python -m runtime run OUT.wasm`;
            compile and run are timed separately (unavailable until the CLI has `compile`)
  compiled-sbcl  the embedded compiler loaded once into SBCL compiles each program (timed
            inside SBCL), then the runtime runs each module in this process: native code
            compile (uncached run minus cached run) and run (cached) timed apart
A runner that cannot run here (no sbcl, no compile command) is reported as unavailable.
Timings only; nothing here asserts. Add a runner by adding a function to RUNNERS.
"""
from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "conformance"))

from corpus import PROGRAMS, expected_output  # noqa: E402


class Unavailable(Exception):
    """This runner cannot run on this machine (missing tool or command)."""


@dataclass
class Run:
    """One program under one runner: its output and the seconds of each phase."""
    stdout: str
    phases: dict[str, float]
    error: str | None = None


@dataclass
class Summary:
    runner: str
    runs: dict[str, Run] = field(default_factory=dict)

    def seconds(self, name: str) -> float:
        return sum(self.runs[name].phases.values())


def run_sbcl(program: Path) -> Run:
    sbcl = shutil.which("sbcl")
    if sbcl is None:
        raise Unavailable("sbcl is not installed")
    with tempfile.TemporaryDirectory() as cwd:
        start = time.perf_counter()
        result = subprocess.run([sbcl, "--script", str(program)], cwd=cwd,
                                capture_output=True, timeout=300)
        elapsed = time.perf_counter() - start
    error = None if result.returncode == 0 else f"exit {result.returncode}"
    return Run(result.stdout.decode("utf-8", "replace"), {"run": elapsed}, error)


def run_stage0(program: Path) -> Run:
    try:
        from stages.stage0 import Stage0, Stage0Error
    except ImportError as exc:
        raise Unavailable(f"stage 0 is not importable: {exc}") from None
    out = io.StringIO()
    start = time.perf_counter()
    stage = Stage0(stdout=out, stderr=io.StringIO())
    stage.fresh_user_package()
    error = None
    try:
        stage.load_file(str(program))
    except Stage0Error as exc:
        error = str(exc).splitlines()[0] if str(exc) else "stage 0 error"
    elapsed = time.perf_counter() - start
    return Run(out.getvalue(), {"run": elapsed}, error)


_COMPILE_AVAILABLE: bool | None = None


def run_compiled(program: Path) -> Run:
    global _COMPILE_AVAILABLE
    runtime = [sys.executable, "-m", "runtime"]
    if _COMPILE_AVAILABLE is None:
        probe = subprocess.run(runtime + ["compile", "--help"], cwd=ROOT,
                               capture_output=True, timeout=120)
        _COMPILE_AVAILABLE = probe.returncode == 0
    if not _COMPILE_AVAILABLE:
        raise Unavailable("`python -m runtime compile` does not exist yet")
    with tempfile.TemporaryDirectory() as tmp:
        wasm = Path(tmp) / "program.wasm"
        start = time.perf_counter()
        built = subprocess.run(runtime + ["compile", str(program), "-o", str(wasm)],
                               cwd=ROOT, capture_output=True, timeout=600)
        compiled = time.perf_counter()
        if built.returncode != 0:
            first = built.stdout.decode("utf-8", "replace").strip().splitlines()[:1]
            return Run("", {"compile": compiled - start},
                       f"compile exit {built.returncode}: {' '.join(first)}")
        ran = subprocess.run(runtime + ["run", str(wasm)], cwd=tmp,
                             capture_output=True, timeout=300)
        finished = time.perf_counter()
    error = None if ran.returncode == 0 else f"run exit {ran.returncode}"
    return Run(ran.stdout.decode("utf-8", "replace"),
               {"compile": compiled - start, "run": finished - compiled}, error)


# The embedded compiler loaded once into SBCL, each program compiled on its own and
# timed inside SBCL (so neither SBCL's start-up nor loading the compiler is counted).
TIMED_BATCH = r"""
(setf *compile-verbose* nil *load-verbose* nil)
(defvar *args* (cdr sb-ext:*posix-argv*))
(defvar *stages* (first *args*))
(with-open-file (s (concatenate 'string *stages* "compiler/modules.txt"))
  (loop for line = (read-line s nil) while line
        do (let ((l (string-trim " " line)))
             (when (and (> (length l) 0) (char/= (char l 0) #\#))
               (handler-bind ((warning #'muffle-warning))
                 (load (concatenate 'string *stages* "compiler/" l)))))))
(setf (symbol-value (find-symbol "*STAGES-DIRECTORY*" "WASMBOOT-COMPILER")) *stages*)
(let ((outdir (second *args*)))
  (dolist (in (cddr *args*))
    (let* ((name (pathname-name in))
           (start (get-internal-real-time))
           (code (let ((*standard-output* (make-broadcast-stream)))
                   (funcall (find-symbol "COMPILE-FILES" "WASMBOOT-COMPILER") (list in)
                            (format nil "~a/~a.wasm" outdir name)
                            :results-path (format nil "~a/~a.tsv" outdir name)))))
      (format t "~a	~d	~d~%" name code
              (round (* 1000000 (- (get-internal-real-time) start))
                     internal-time-units-per-second))
      (finish-output))))
"""


def measure_compiled_sbcl(programs: list[Path]) -> Summary:
    """The `compiled` path available today: the embedded compiler running under SBCL
    compiles each program (timed in SBCL: compile phase); the runtime runs the module in
    this process twice: first compiling it to native code, then from the native code
    cache (run phase: the second; native phase: the difference)."""
    if shutil.which("sbcl") is None:
        raise Unavailable("sbcl is not installed")
    summary = Summary("compiled")
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "timed-batch.lisp"
        script.write_text(TIMED_BATCH)
        p = subprocess.run(["sbcl", "--script", str(script), str(ROOT / "stages") + "/", tmp]
                           + [str(x) for x in programs], capture_output=True, text=True,
                           timeout=3600, cwd=ROOT)
        compiled = {}
        for line in p.stdout.splitlines():
            parts = line.split("\t")
            if len(parts) == 3 and parts[1].isdigit():
                compiled[parts[0]] = (int(parts[1]), int(parts[2]) / 1e6)
        if not compiled:
            raise Unavailable(f"the SBCL batch compiled nothing: {p.stderr.strip()[-120:]}")
        for program in programs:
            code, secs = compiled.get(program.stem, (None, 0.0))
            if code != 0:
                summary.runs[program.stem] = Run("", {"compile": secs}, f"compile exit {code}")
                continue
            stdin = program.with_suffix(".in")
            stdin = stdin.read_bytes() if stdin.exists() else b""
            wasm = Path(tmp) / f"{program.stem}.wasm"
            (ran, stdout), t_miss = _run_module(wasm, stdin, Path(tmp) / "cache")  # compiles natively
            if ran != 0:   # not timed: an invalid module or a trap is no run
                summary.runs[program.stem] = Run(stdout, {"compile": secs}, f"run exit {ran}")
                continue
            _, t_hit = _run_module(wasm, stdin, Path(tmp) / "cache")    # cached native code
            summary.runs[program.stem] = Run(stdout, {"compile": secs,
                                                      "native": max(0.0, t_miss - t_hit),
                                                      "run": t_hit},
                                             None)
    return summary


def _run_module(wasm: Path, stdin: bytes, cache: Path) -> tuple[tuple[int, str], float]:
    from runtime import RuntimeConfig
    from runtime.runner import run_module
    out = io.BytesIO()
    config = RuntimeConfig(cache_dir=cache, base_dir=wasm.parent, stdin=io.BytesIO(stdin),
                           stdout=out, stderr=io.BytesIO(), time_limit=60.0)
    start = time.perf_counter()
    code = run_module(wasm, config, log=io.StringIO())
    return (code, out.getvalue().decode("utf-8", "replace")), time.perf_counter() - start


BATCH_RUNNERS: dict[str, Callable[[list[Path]], Summary]] = {
    "compiled-sbcl": measure_compiled_sbcl,
}

RUNNERS: dict[str, Callable[[Path], Run]] = {
    "sbcl": run_sbcl,
    "stage0": run_stage0,
    "compiled": run_compiled,
}


def measure(runner: str, programs: list[Path]) -> Summary | str:
    if runner in BATCH_RUNNERS:
        try:
            return BATCH_RUNNERS[runner](programs)
        except Unavailable as exc:
            return str(exc)
    summary = Summary(runner)
    for program in programs:
        try:
            summary.runs[program.stem] = RUNNERS[runner](program)
        except Unavailable as exc:
            return str(exc)
    return summary


def passed(run: Run, program: Path) -> bool:
    return run.error is None and run.stdout == expected_output(program)


def print_tables(results: dict[str, Summary | str], programs: list[Path],
                 per_program: bool, slowest: int) -> None:
    by_stem = {p.stem: p for p in programs}
    print(f"{len(programs)} programs\n")
    print(f"{'runner':<10} {'pass':>5} {'fail':>5} {'phase':<8} {'total s':>9} "
          f"{'median ms':>10} {'max ms':>9}")
    for runner, result in results.items():
        if isinstance(result, str):
            print(f"{runner:<10} unavailable: {result}")
            continue
        ok = sum(passed(run, by_stem[name]) for name, run in result.runs.items())
        phases = sorted({ph for run in result.runs.values() for ph in run.phases})
        if len(phases) > 1:
            phases.append("all")
        for i, phase in enumerate(phases):
            times = [sum(run.phases.values()) if phase == "all" else run.phases.get(phase, 0.0)
                     for run in result.runs.values()]
            head = (f"{runner:<10} {ok:>5} {len(result.runs) - ok:>5}" if i == 0
                    else f"{'':<10} {'':>5} {'':>5}")
            print(f"{head} {phase:<8} {sum(times):>9.2f} "
                  f"{statistics.median(times) * 1000:>10.1f} {max(times) * 1000:>9.1f}")
    for runner, result in results.items():
        if isinstance(result, str):
            continue
        failures = [(name, run) for name, run in result.runs.items()
                    if not passed(run, by_stem[name])]
        if failures:
            print(f"\n{runner}: failing programs")
            for name, run in failures:
                print(f"  {name}: {run.error or 'output differs from .out'}")
        if slowest:
            print(f"\n{runner}: slowest {slowest}")
            for name in sorted(result.runs, key=result.seconds, reverse=True)[:slowest]:
                print(f"  {result.seconds(name) * 1000:>9.1f} ms  {name}")
    if per_program:
        names = [r for r, s in results.items() if not isinstance(s, str)]
        width = max(len(p.stem) for p in programs)
        print(f"\n{'program':<{width}}" + "".join(f" {n + ' ms':>14}" for n in names))
        for program in programs:
            cells = []
            for n in names:
                run = results[n].runs[program.stem]
                mark = "" if passed(run, program) else "!"
                cells.append(f" {mark + format(sum(run.phases.values()) * 1000, '.1f'):>14}")
            print(f"{program.stem:<{width}}" + "".join(cells))


def rows(programs: list[Path]) -> list:
    """Rows for bench/run.py: per-program seconds (median/min/max over the programs) of
    stage 0 running each program, and of the compiled path's compile and run phases."""
    from common import Row, na
    by_stem = {p.stem: p for p in programs}
    out = []
    specs = [("stage0", "stage0", "run", "conformance: stage 0 runs a program (interpreted)"),
             ("compiled-sbcl", "compiled", "compile", "conformance: compile a program (compiler under SBCL)"),
             ("compiled-sbcl", "compiled", "native", "conformance: its module to native code (wasmtime)"),
             ("compiled-sbcl", "compiled", "run", "conformance: run the compiled program (cached)")]
    results = {}
    for runner, key, phase, label in specs:
        if runner not in results:
            results[runner] = measure(runner, programs)
        r = results[runner]
        k = f"conformance.{key}.{phase}"
        if isinstance(r, str):
            out.append(na(k, label, "ms", r))
            continue
        times = [run.phases[phase] * 1e3 for run in r.runs.values() if phase in run.phases]
        ok = sum(passed(run, by_stem[name]) for name, run in r.runs.items())
        note = (f"per program, {len(times)} programs, total {sum(times) / 1e3:.1f} s; "
                f"{ok}/{len(programs)} print their .out")
        out.append(Row(k, label, "ms", times, note=note) if times
                   else na(k, label, "ms", "no program reached this phase"))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runner", action="append", choices=sorted({**RUNNERS, **BATCH_RUNNERS}),
                    help="runner to time (repeatable; default: all)")
    ap.add_argument("--match", default="", help="only programs whose name contains TEXT")
    ap.add_argument("--per-program", action="store_true", help="print one row per program")
    ap.add_argument("--slowest", type=int, default=5, help="list the N slowest programs")
    args = ap.parse_args(argv)
    programs = [p for p in PROGRAMS if args.match in p.name]
    if not programs:
        print(f"no program matches {args.match!r}", file=sys.stderr)
        return 2
    results = {runner: measure(runner, programs)
               for runner in (args.runner or [*RUNNERS, *BATCH_RUNNERS])}
    print_tables(results, programs, args.per_program, args.slowest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
