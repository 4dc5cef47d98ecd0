"""Native code cache: compiled modules kept as Module.serialize() output on disk.

Key: sha256 of (wasm bytes, engine fingerprint), the fingerprint naming the wasmtime
version, machine, enabled features and interruption mode. Entry file layout:

    HEADER_MAGIC \\n fingerprint \\n sha256(payload) \\n payload

Deserializing native code runs whatever it contains, so an entry is trusted only when
its header names our exact fingerprint and its payload hashes to the recorded digest.
A stale, corrupt, truncated or foreign entry is recompiled and replaced (atomically),
never loaded. Unreadable or unwritable cache directories only cost the cache, not the run.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import wasmtime

from .atomic import atomic_write_bytes
from .engine import fingerprint

HEADER_MAGIC = b"wasmboot-native-code-v1"


@dataclass
class CacheResult:
    module: wasmtime.Module
    hit: bool          # True when loaded from a valid cache entry
    reason: str        # "hit", "miss", "stale", "corrupt", "disabled", ...
    path: Path | None  # the entry's path, when caching is on


class NativeCodeCache:
    def __init__(self, directory: str | os.PathLike | None, interruption: str) -> None:
        self.directory = Path(directory) if directory is not None else None
        self.fingerprint = fingerprint(interruption).encode()

    def entry_path(self, wasm: bytes) -> Path | None:
        if self.directory is None:
            return None
        h = hashlib.sha256(wasm)
        h.update(b"\0")
        h.update(self.fingerprint)
        return self.directory / f"{h.hexdigest()}.cwasm"

    def load_or_compile(self, engine: wasmtime.Engine, wasm: bytes) -> CacheResult:
        path = self.entry_path(wasm)
        if path is None:
            return CacheResult(wasmtime.Module(engine, wasm), False, "disabled", None)
        module, reason = self._load(engine, path)
        if module is not None:
            return CacheResult(module, True, "hit", path)
        module = wasmtime.Module(engine, wasm)
        self._store(path, module)
        return CacheResult(module, False, reason, path)

    def _load(self, engine: wasmtime.Engine, path: Path) -> tuple[wasmtime.Module | None, str]:
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            return None, "miss"
        except OSError:
            return None, "unreadable"
        parts = blob.split(b"\n", 3)
        if len(parts) != 4 or parts[0] != HEADER_MAGIC:
            return None, "foreign"
        _, fp, digest, payload = parts
        if fp != self.fingerprint:
            return None, "stale"
        if hashlib.sha256(payload).hexdigest().encode() != digest:
            return None, "corrupt"
        try:
            return wasmtime.Module.deserialize(engine, payload), "hit"
        except wasmtime.WasmtimeError:
            return None, "rejected"

    def _store(self, path: Path, module: wasmtime.Module) -> None:
        payload = bytes(module.serialize())
        digest = hashlib.sha256(payload).hexdigest().encode()
        try:
            atomic_write_bytes(path, b"\n".join([HEADER_MAGIC, self.fingerprint, digest, payload]))
        except OSError:
            pass  # a cache we cannot write only costs time
