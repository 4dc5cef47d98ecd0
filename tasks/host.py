"""Running a stage module with the configured runtime: an adapter on runtime.Stage.

The module's fds 1 and 2 go to in-memory buffers whose text is then printed on the
task's own stdout/stderr, so doit captures it like any action output (doit replaces
sys.stdout with objects that have no binary `.buffer`). stdin is empty: stage runs are
not interactive.
"""
from __future__ import annotations

import io
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .config import StagesConfig


def runtime_config(cfg: StagesConfig):
    """(RuntimeConfig, stdout buffer, stderr buffer) for running a stage module."""
    from runtime import RuntimeConfig  # imported when a task runs, not when doit loads
    out, err = io.BytesIO(), io.BytesIO()
    r = cfg.runtime
    rc = RuntimeConfig(
        cache_dir=Path(r.cache_dir), base_dir=Path.cwd(),
        read_roots=[Path(p) for p in cfg.read_roots],
        write_roots=[Path(p) for p in cfg.write_roots],
        stdin=io.BytesIO(), stdout=out, stderr=err,
        time_limit=r.time_limit,
        memory_limit=(r.memory_limit_mib << 20) if r.memory_limit_mib else None,
        fuel_limit=r.fuel_limit)
    return rc, out, err


def _relay(out: io.BytesIO, err: io.BytesIO) -> None:
    text = out.getvalue().decode("utf-8", "replace")
    if text:
        sys.stdout.write(text)
    text = err.getvalue().decode("utf-8", "replace")
    if text:
        sys.stderr.write(text)


@contextmanager
def stage(cfg: StagesConfig, wasm: str, upto: str = "start") -> Iterator:
    """A Stage taken through the lifecycle up to `upto` (load, instantiate or start).

    load() reuses the native code the compile task left in the cache (same key: wasm
    bytes, engine fingerprint); it compiles only if that entry has gone."""
    from runtime import Stage
    rc, out, err = runtime_config(cfg)
    s = Stage(wasm, rc)
    try:
        s.load()
        if upto in ("instantiate", "start"):
            s.instantiate()
        if upto == "start":
            s.start()  # runs `_start`, the seed's entry
            if cfg.start_export != "_start":
                s.call(cfg.start_export)  # a compiler whose initializer is named otherwise
        yield s
    finally:
        s.close()
        _relay(out, err)
