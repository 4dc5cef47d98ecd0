"""What stage runs depend on besides their files, as values for doit's config_changed.

Serialized native code is valid for one engine: the runtime's fingerprint names the
wasmtime version, the machine, the enabled features, the optimization level and the
interruption mode (runtime/engine.py). What a stage module does when it runs also
depends on the host's shim code, the sandbox roots and the entry export names. A change
to any of these reruns the tasks that depend on it, by doit's own up-to-date check (no
manual forget).

These values are computed every time doit loads the graph, so they avoid importing the
runtime (and wasmtime): the engine part is the wasmtime version (package metadata),
the machine, the interruption mode and a digest of runtime/engine.py, where the engine
configuration (features, optimization level) is written down. Whenever the runtime's
fingerprint changes, this value changes too.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import platform
from pathlib import Path

from .config import StagesConfig

RUNTIME_DIR = Path(importlib.util.find_spec("runtime").origin).parent  # not imported
# The code a running stage module reaches: the shims and what they stand on.
SHIM_FILES = ("shims/*.py", "bridge.py", "fd_table.py", "sandbox.py", "host_errors.py",
              "lifecycle.py", "imports.py", "engine.py", "traps.py")
# The code that reads and checks a module file.
LOADER_FILES = ("module.py", "wasm_binary.py", "imports.py")
ENGINE_FILES = ("engine.py", "cache.py")


# Digests by (file, mtime, size) of every file matched: the graph is loaded often (each
# `doit auto` cycle), and a stat is much cheaper than reading and hashing the runtime.
_DIGESTS: dict[tuple, str] = {}


def _digest(patterns: tuple[str, ...]) -> str:
    files = [f for pattern in patterns for f in sorted(RUNTIME_DIR.glob(pattern))]
    key = tuple((f.as_posix(), st.st_mtime_ns, st.st_size) for f in files for st in [f.stat()])
    if key not in _DIGESTS:
        h = hashlib.sha256()
        for f in files:
            h.update(f.relative_to(RUNTIME_DIR).as_posix().encode() + b"\0")
            h.update(f.read_bytes() + b"\0")
        _DIGESTS[key] = h.hexdigest()
    return _DIGESTS[key]


def wasmtime_version() -> str:
    try:
        return importlib.metadata.version("wasmtime")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover
        return "unknown"


def engine_signature(cfg: StagesConfig) -> dict:
    return {"wasmtime": wasmtime_version(), "machine": platform.machine(),
            "interruption": cfg.runtime.interruption, "engine_code": _digest(ENGINE_FILES)}


def loader(cfg: StagesConfig) -> dict:
    return {"loader": _digest(LOADER_FILES)}


def native(cfg: StagesConfig) -> dict:
    return {"engine": engine_signature(cfg), "cache_dir": cfg.runtime.cache_dir}


def execution(cfg: StagesConfig) -> dict:
    """Everything that can change what a stage module does when it runs."""
    # Bounds (time, memory, fuel) are left out: a run they stop fails and reruns anyway,
    # and raising a bound does not change what a successful run produced.
    return {"engine": engine_signature(cfg), "shims": _digest(SHIM_FILES),
            "read_roots": list(cfg.read_roots), "write_roots": list(cfg.write_roots),
            "start": cfg.start_export, "compile_all": cfg.compile_export}
