"""RuntimeConfig: everything a caller can tune about running a stage module.

    config = RuntimeConfig(read_roots=["stages"], write_roots=["build"],
                           time_limit=60.0, memory_limit=2 << 30)

Relative roots and paths given by the module are resolved against `base_dir`
(the current directory by default). Streams default to the process's own.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

DEFAULT_STAGE1 = Path("build") / "stage1.wasm"
DEFAULT_CACHE_DIR = Path("build") / "native-cache"  # the doit tasks' default too: shared


def _default_cache_dir() -> Path:
    env = os.environ.get("WASMBOOT_CACHE_DIR")
    return Path(env) if env else DEFAULT_CACHE_DIR


@dataclass
class RuntimeConfig:
    # Native code cache; None disables caching (always compile).
    cache_dir: Path | None = field(default_factory=_default_cache_dir)
    # Sandbox: the module may read under read_roots and write under write_roots.
    base_dir: Path = field(default_factory=Path.cwd)
    read_roots: list[Path] = field(default_factory=lambda: [Path(".")])
    write_roots: list[Path] = field(default_factory=lambda: [Path("build")])
    # Host streams behind fds 0, 1 and 2 (binary).
    stdin: BinaryIO | None = None
    stdout: BinaryIO | None = None
    stderr: BinaryIO | None = None
    # Bounds. time_limit: seconds of Wasm execution per call from the host (_start,
    # compile_form, ...); None = unbounded. memory_limit: bytes, applied to the
    # linear memory and to the GC heap, each; None = unbounded.
    time_limit: float | None = 600.0
    memory_limit: int | None = 4 << 30
    # A deterministic budget in wasmtime fuel units per call instead of the time bound
    # (switches the engine to fuel mode; see runtime/engine.py for the trade-off).
    fuel_limit: int | None = None
    max_open_fds: int = 64

    @property
    def interruption(self) -> str:
        return "fuel" if self.fuel_limit is not None else "epoch"

    def streams(self) -> tuple[BinaryIO, BinaryIO, BinaryIO]:
        return (self.stdin or sys.stdin.buffer,
                self.stdout or sys.stdout.buffer,
                self.stderr or sys.stderr.buffer)
