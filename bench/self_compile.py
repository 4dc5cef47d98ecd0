"""Compiling the compiler's own source three ways, measured in the same run; prints a table.

    python bench/self_compile.py [--runs 3]
    python bench/self_compile.py --profile stage0|stage1 [--top 25]   where the time goes
    python bench/self_compile.py --perf [--source FILE] [--top 25]    stage 1's Wasm functions

  SBCL     `sbcl --script tests/compiler/sbcl_driver.lisp` loads stages/compiler/ and runs
           compile-files on the compiler's modules (one module out): SBCL start-up and
           loading the compiler included;
  stage 0  a fresh stages.stage0.Stage0 loads the same source and runs the same call
           (loading shown separately too); its module is stage 1, byte for byte the
           module SBCL writes;
  stage 1  the compiled compiler under the runtime (file -> Initialized included, the
           native code compiled uncached each time), two ways:
           - start: the compiler's modules plus one form calling compile-files on them,
             compiled by SBCL into one module whose _start does the work (works today);
           - compile_all: stage 1 itself asked through its compile_all export as `doit
             bootstrap` asks it (tasks/protocol.py: one request per module with the
             preceding modules as context, then a link; the request names no library
             module, so the link compiles the library's units itself).
The three run one after the other in each round, so the ratios compare figures taken
under the same machine load. Timings only; nothing here asserts.
"""
from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "compiler"))

from common import Row, na, ratio_row  # noqa: E402

COMPILER = ROOT / "stages" / "compiler"


class Unavailable(Exception):
    """This way of compiling cannot run here yet (missing tool, unfinished stage)."""


def compiler_modules() -> list[str]:
    return [line.strip() for line in (COMPILER / "modules.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]


def sbcl_once(out: Path) -> float:
    """Seconds for SBCL to load the compiler and compile its own source into OUT."""
    if shutil.which("sbcl") is None:
        raise Unavailable("sbcl is not installed")
    from compiler_driver import compile_with_sbcl
    t = time.perf_counter()
    code, log = compile_with_sbcl([COMPILER / m for m in compiler_modules()], out, timeout=900)
    dt = time.perf_counter() - t
    if code not in (0, 1):
        raise Unavailable(f"SBCL compile-files exits {code}: {log.strip()[-120:]}")
    return dt


def stage0_once(out: Path) -> tuple[float, float]:
    """(seconds loading the compiler, seconds compiling its source into OUT) in stage 0."""
    from stages.stage0 import Stage0
    t = time.perf_counter()
    s = Stage0(stdout=io.StringIO(), stderr=io.StringIO())
    s.load_compiler()
    loaded = time.perf_counter()
    s.set_value("WASMBOOT-COMPILER::*STAGES-DIRECTORY*", str(ROOT / "stages") + os.sep)
    code = s.call("WASMBOOT-COMPILER::COMPILE-FILES",
                  [str(COMPILER / m) for m in compiler_modules()], str(out))
    done = time.perf_counter()
    if code not in (0, 1):
        raise Unavailable(f"stage 0 compile-files returns {code}")
    return loaded - t, done - loaded


def stage1_once(stage1: Path, tmp: Path) -> float:
    """Seconds for STAGE1 (the compiled compiler) under the runtime to compile the
    compiler's modules through compile_all and link them, in a project copy at TMP."""
    from runtime import RuntimeConfig, Stage
    from tasks.protocol import compile_request, link_request
    proj = _project(tmp)
    err = io.BytesIO()
    config = RuntimeConfig(cache_dir=None, base_dir=proj,
                           read_roots=[Path("stages"), Path("build")],
                           write_roots=[Path("build")], stdin=io.BytesIO(),
                           stdout=io.BytesIO(), stderr=err, time_limit=900)
    modules = [f"stages/compiler/{m}" for m in compiler_modules()]
    t = time.perf_counter()
    with Stage.open(stage1, config) as s:
        if s.module.export("compile_all") is None:
            raise Unavailable("stage 1 (the compiled compiler) does not export compile_all yet")
        artifacts = []
        for i, src in enumerate(modules):
            name = Path(src).stem
            art, res = f"build/{name}.art", f"build/{name}.tsv"
            code = s.call("compile_all", compile_request(name, src, art, res, modules[:i]))
            if code not in (0, 1):
                why = err.getvalue().decode("utf-8", "replace").strip().splitlines()[-1:]
                raise Unavailable(f"stage 1 compile_all returns {code} on {src}: {' '.join(why)}")
            artifacts.append(art)
        code = s.call("compile_all", link_request("build/stage2.wasm", artifacts))
        if code not in (0, 1):
            raise Unavailable(f"stage 1 link returns {code}")
    return time.perf_counter() - t


def stage1_driver(tmp: Path, source: Path | None = None) -> Path:
    """The compiler's modules plus a last form calling compile-files on them (paths
    relative to a project copy), compiled by SBCL: a module whose _start compiles the
    compiler's own source (or the file SOURCE) into build/self.wasm."""
    if shutil.which("sbcl") is None:
        raise Unavailable("sbcl is not installed (it builds the driver module)")
    from compiler_driver import compile_with_sbcl
    main = tmp / "self-main.lisp"
    files = " ".join(f'"stages/compiler/{m}"' for m in compiler_modules())
    if source is not None:   # copied into the project copy the sandbox can read
        shutil.copy(source, _project(tmp) / "stages" / "bench-source.lisp")
        files = '"stages/bench-source.lisp"'

    main.write_text('(in-package "WASMBOOT-COMPILER")\n'
                    f'(format t "~d~%" (compile-files (list {files}) "build/self.wasm"))\n')
    out = tmp / "stage1-driver.wasm"
    code, log = compile_with_sbcl([COMPILER / m for m in compiler_modules()] + [main], out,
                                  timeout=900)
    if code not in (0, 1) or not out.exists():
        raise Unavailable(f"building the stage 1 driver module exits {code}: {log.strip()[-120:]}")
    return out


def stage1_start_once(driver: Path, tmp: Path) -> float:
    """Seconds for the driver module under the runtime (uncached) to compile the
    compiler's own source, in a project copy at TMP."""
    from runtime import RuntimeConfig
    from runtime.runner import run_module
    proj = _project(tmp)
    out, err = io.BytesIO(), io.StringIO()
    config = RuntimeConfig(cache_dir=None, base_dir=proj,
                           read_roots=[Path("stages"), Path("build")],
                           write_roots=[Path("build")], stdin=io.BytesIO(),
                           stdout=out, stderr=io.BytesIO(), time_limit=1800)
    t = time.perf_counter()
    code = run_module(driver, config, log=err)
    dt = time.perf_counter() - t
    printed = out.getvalue().decode("utf-8", "replace").strip()
    if code != 0 or printed not in ("0", "1") or not (proj / "build" / "self.wasm").exists():
        raise Unavailable(f"stage 1 driver exits {code}, prints {printed[-40:]!r}: "
                          f"{err.getvalue().strip()[-120:]}")
    shutil.copy(proj / "build" / "self.wasm", tmp / "stage1-self.wasm")
    return dt


def _project(tmp: Path) -> Path:
    """A project copy (stages/ and an empty build/) the runtime's sandbox points at."""
    proj = tmp / "project"
    if not proj.exists():
        shutil.copytree(ROOT / "stages", proj / "stages",
                        ignore=shutil.ignore_patterns("__pycache__", "stage0"))
    shutil.rmtree(proj / "build", ignore_errors=True)
    (proj / "build").mkdir()
    return proj


WAYS = ("sbcl", "stage0", "stage1_start", "stage1")


def measure(runs: int, tmp: Path) -> dict:
    """Samples per way (lists of seconds) or the reason it is unavailable (a str)."""
    out: dict = {"sbcl": [], "stage0_load": [], "stage0": [], "stage1": [],
                 "stage1_start": [], "same": None}
    try:
        driver = stage1_driver(tmp)
    except Unavailable as exc:
        out["stage1_start"] = str(exc)
    for _ in range(runs):
        for way in WAYS:
            if isinstance(out[way], str):
                continue
            try:
                if way == "sbcl":
                    out["sbcl"].append(sbcl_once(tmp / "sbcl.wasm"))
                elif way == "stage0":
                    load, comp = stage0_once(tmp / "stage1.wasm")
                    out["stage0_load"].append(load)
                    out["stage0"].append(load + comp)
                elif way == "stage1_start":
                    out["stage1_start"].append(stage1_start_once(driver, tmp))
                elif (tmp / "stage1.wasm").exists():
                    out["stage1"].append(stage1_once(tmp / "stage1.wasm", tmp))
                else:
                    raise Unavailable("no stage 1 module (stage 0 failed)")
            except Unavailable as exc:
                out[way] = str(exc)
                if way == "stage0":
                    out["stage0_load"] = str(exc)
    outputs = {name: (tmp / f).read_bytes() for name, f in
               (("SBCL", "sbcl.wasm"), ("stage 0", "stage1.wasm"), ("stage 1", "stage1-self.wasm"))
               if (tmp / f).exists()}
    out["same"] = outputs
    return out


def rows(runs: int) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="wasmboot-bench-") as tmp:
        m = measure(runs, Path(tmp))
    n = len(compiler_modules())
    outputs = m["same"]

    def output_note(who: str) -> str:
        if who not in outputs:
            return ""
        if who == "SBCL":
            return f"{n} modules -> {len(outputs[who])} bytes"
        rel = "==" if outputs[who] == outputs.get("SBCL") else "!="
        return f"{len(outputs[who])} bytes, {rel} SBCL's" if "SBCL" in outputs else ""

    specs = [
        ("sbcl", "compiler's own source: SBCL (start + load the compiler + compile)", output_note("SBCL")),
        ("stage0", "compiler's own source: stage 0, Python (load + compile)", output_note("stage 0")),
        ("stage0_load", "  of which stage 0 loading the compiler", ""),
        ("stage1_start", "compiler's own source: stage 1, Wasm (_start driver)",
         "uncached file -> Initialized included; " + output_note("stage 1")),
        ("stage1", "compiler's own source: stage 1, Wasm (compile_all per module + link)",
         "uncached file -> Initialized included"),
    ]
    out = {}
    for key, label, note in specs:
        v = m[key]
        out[key] = (na(f"selfcompile.{key}", label, "s", v) if isinstance(v, str)
                    else Row(f"selfcompile.{key}", label, "s", v, note=note))
    return list(out.values()) + [
        ratio_row("selfcompile.ratio_stage0_sbcl", "  ratio stage 0 / SBCL", out["stage0"], out["sbcl"]),
        ratio_row("selfcompile.ratio_stage1_start_sbcl", "  ratio stage 1 (_start driver) / SBCL",
                  out["stage1_start"], out["sbcl"]),
        ratio_row("selfcompile.ratio_stage1_sbcl", "  ratio stage 1 (compile_all) / SBCL",
                  out["stage1"], out["sbcl"]),
    ]


def profile(way: str, top: int) -> None:
    """One compile of the compiler's own source by WAY under cProfile; prints the
    functions with the most own time (for stage 1: the Python side of host calls, the
    rest is inside Wasm, charged to wasmtime's call entry)."""
    import cProfile
    import pstats
    with tempfile.TemporaryDirectory(prefix="wasmboot-bench-") as tmp:
        tmp = Path(tmp)
        if way == "stage0":
            job = lambda: stage0_once(tmp / "stage1.wasm")  # noqa: E731
        else:
            driver = stage1_driver(tmp)
            job = lambda: stage1_start_once(driver, tmp)  # noqa: E731
        prof = cProfile.Profile()
        t = time.perf_counter()
        if way == "stage0":
            _in_stage0_thread(lambda: prof.runcall(job))
        else:
            prof.runcall(job)
        print(f"{way}: {time.perf_counter() - t:.1f} s under the profiler")
        pstats.Stats(prof).sort_stats("tottime").print_stats(top)


def perf_profile(top: int, source: Path | None) -> None:
    """Where stage 1's time goes inside Wasm: one run of the _start driver (compiling
    SOURCE, or the compiler's own source) under `perf record`, wasmtime writing a perf
    map of the compiled functions; prints the functions with the most samples."""
    import signal
    import subprocess
    import wasmtime
    from runtime import engine
    if shutil.which("perf") is None:
        raise SystemExit("error: perf is not installed")
    real_config = wasmtime.Config

    def config_with_perfmap():
        cfg = real_config()
        cfg.profiler = "perfmap"
        return cfg
    engine.wasmtime.Config = config_with_perfmap
    engine.get_engine.cache_clear()
    with tempfile.TemporaryDirectory(prefix="wasmboot-bench-") as tmp:
        tmp = Path(tmp)
        driver = stage1_driver(tmp, source)
        data = tmp / "perf.data"
        rec = subprocess.Popen(["perf", "record", "-F", "499", "-o", str(data), "-p",
                                str(os.getpid())], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        try:
            t = time.perf_counter()
            stage1_start_once(driver, tmp)
            print(f"stage 1: {time.perf_counter() - t:.1f} s under perf")
        finally:
            rec.send_signal(signal.SIGINT)
            rec.wait()
        for sort, limit in (("dso", "1"), ("symbol", "0.3")):
            # by shared object first: the JIT-compiled Lisp code (perf map) against
            # wasmtime's own code (the GC, compiling the module) and libc
            report = subprocess.run(["perf", "report", "-i", str(data), "--stdio", "--sort",
                                     sort, "--percent-limit", limit],
                                    capture_output=True, text=True).stdout
            lines = [" ".join(ln.split()[:3])[:150] for ln in report.splitlines()
                     if ln.strip() and not ln.startswith("#")]
            print(f"-- by {sort}")
            print("\n".join(lines[:top]))


def _in_stage0_thread(fn) -> None:
    """Run FN on a thread like the one stage 0 runs Lisp on (its large stack), marked as
    that thread, so stage 0 runs the work here, where the profiler sees it."""
    import threading
    from stages.stage0 import api
    errors = []

    def target():
        api._tls.inside = True
        try:
            fn()
        except BaseException as exc:  # re-raised below
            errors.append(exc)

    old = threading.stack_size(api.STACK_SIZE)
    try:
        t = threading.Thread(target=target)
        t.start()
    finally:
        threading.stack_size(old)
    t.join()
    if errors:
        raise errors[0]


def main() -> None:
    from common import header_lines, machine, table_lines
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--profile", choices=("stage0", "stage1"),
                    help="profile one way with cProfile instead of timing all")
    ap.add_argument("--top", type=int, default=25, help="functions shown by --profile")
    ap.add_argument("--perf", action="store_true",
                    help="profile stage 1's Wasm code with perf (a perf map from wasmtime)")
    ap.add_argument("--source", type=Path,
                    help="with --perf: compile this file instead of the compiler's source")
    args = ap.parse_args()
    if args.perf:
        perf_profile(args.top, args.source)
        return
    if args.profile:
        profile(args.profile, args.top)
        return
    print("\n".join(header_lines(machine())))
    print("\n".join(table_lines(rows(args.runs))))


if __name__ == "__main__":
    main()
