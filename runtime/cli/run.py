"""`python -m runtime run [--stdin FILE] [--verbose] [--expr EXPR --output OUT] [WASM]`."""
from __future__ import annotations

import sys
from pathlib import Path

from ..config import DEFAULT_STAGE1, RuntimeConfig
from ..exit_codes import ExitCode
from ..runner import run_module


def register(sub) -> None:
    p = sub.add_parser(
        "run", help="load, instantiate and start a stage module (the Stage 1 runner)",
        description="Load WASM, resolve its imports against the clysm:* host, instantiate it "
                    "and run _start. With --expr, then call its compile_form export on EXPR "
                    "and write the returned Wasm bytes to OUT (exit 77 if the module has no "
                    "compile_form). Exit codes: 0 success, 2 failure (bad module, import "
                    "mismatch, trap, bound hit), 3 missing file, 77 known limitation; a "
                    "module calling clysm:sys exit ends with its own code.")
    p.add_argument("wasm", metavar="WASM", nargs="?", default=str(DEFAULT_STAGE1),
                   help=f"the stage module (default: {DEFAULT_STAGE1})")
    p.add_argument("--stdin", metavar="FILE", help="file to connect to fd 0 (default: stdin)")
    p.add_argument("--verbose", action="store_true",
                   help="say what happens at each lifecycle step on stderr")
    p.add_argument("--expr", metavar="EXPR", help="a form to compile with compile_form")
    p.add_argument("--output", metavar="OUT", help="where --expr writes the Wasm bytes")
    p.add_argument("--read-root", metavar="DIR", action="append",
                   help="directory the module may read under (repeatable; default: .)")
    p.add_argument("--write-root", metavar="DIR", action="append",
                   help="directory the module may write under (repeatable; default: build)")
    p.add_argument("--time-limit", metavar="SECONDS", type=float, default=600.0,
                   help="bound on each call's run time (0: none; default 600)")
    p.add_argument("--memory-limit", metavar="MIB", type=int, default=4096,
                   help="bound on linear memory and on the GC heap, each (0: none; default 4096)")
    p.add_argument("--fuel-limit", metavar="UNITS", type=int,
                   help="a deterministic wasmtime fuel budget per call instead of the time bound")
    p.add_argument("--no-cache", action="store_true",
                   help="do not use the native code cache (build/native-cache, or $WASMBOOT_CACHE_DIR)")
    p.set_defaults(handler=handle, parser=p)


def handle(args) -> int:
    if (args.expr is None) != (args.output is None):
        print("error: --expr and --output go together", file=sys.stderr)
        return int(ExitCode.FAILURE)
    config = RuntimeConfig(
        time_limit=args.time_limit or None,
        memory_limit=(args.memory_limit << 20) if args.memory_limit else None,
        fuel_limit=args.fuel_limit)
    if args.read_root:
        config.read_roots = [Path(r) for r in args.read_root]
    if args.write_root:
        config.write_roots = [Path(r) for r in args.write_root]
    if args.no_cache:
        config.cache_dir = None
    stdin_file = None
    if args.stdin is not None:
        try:
            stdin_file = open(args.stdin, "rb")
        except FileNotFoundError:
            print(f"error: --stdin {args.stdin}: no such file", file=sys.stderr)
            return int(ExitCode.MISSING_DEP)
        except OSError as e:
            print(f"error: --stdin {args.stdin}: {e.strerror}", file=sys.stderr)
            return int(ExitCode.MISSING_DEP)
        config.stdin = stdin_file
    try:
        return run_module(args.wasm, config, expr=args.expr, output=args.output,
                          verbose=args.verbose)
    finally:
        if stdin_file is not None:
            stdin_file.close()
