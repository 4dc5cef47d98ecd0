"""The whole `run` job as one function: load, instantiate, _start, optionally compile
one expression; failures become exit codes and one line (plus detail when verbose)."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

from .atomic import atomic_write_bytes
from .config import RuntimeConfig
from .exit_codes import ExitCode, RuntimeFailure, skip
from .lifecycle import Stage


def run_module(path: str | os.PathLike, config: RuntimeConfig | None = None, *,
               expr: str | None = None, output: str | os.PathLike | None = None,
               verbose: bool = False, log: TextIO | None = None) -> int:
    """Run a stage module; with `expr`, compile it with compile_form into `output`.

    Returns the exit code: 0, the module's own exit code, or a RuntimeFailure's code
    (whose message is printed on `log`, stderr by default)."""
    log = log or sys.stderr
    config = config or RuntimeConfig()
    stage = Stage(path, config)

    def note(msg: str) -> None:
        if verbose:
            print(f"runtime: {msg}", file=log, flush=True)

    try:
        stage.load()
        c = stage.cache_result
        note(f"{stage.path}: {stage.module.size} bytes, compiled "
             f"({'cached native code' if c.hit else 'native code cache: ' + c.reason})")
        stage.instantiate()
        note(f"instantiated: {len(stage.module.imports)} imports resolved")
        stage.start()
        note("_start returned: Initialized")
        if expr is not None:
            if stage.module.export("compile_form") is None:
                raise skip(f"{stage.path}: the module does not export compile_form "
                           "(not a compiler stage)")
            data = stage.compile_form(expr)
            atomic_write_bytes(Path(output), data)
            note(f"compile_form: {len(data)} bytes written to {output}")
        return int(ExitCode.SUCCESS)
    except RuntimeFailure as f:
        from .lifecycle import ModuleExited
        if isinstance(f, ModuleExited):
            note(f.message)
            return f.code
        print(f"error: {f.message}", file=log, flush=True)
        if f.detail:
            print(f.detail, file=log, flush=True)
        return f.code
    finally:
        stage.close()
        for p in stage.discarded_outputs:
            note(f"output file {p} was never closed: discarded")
