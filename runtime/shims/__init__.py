"""The host ABI: every import a stage module may use (docs/abi.md).

`SIGNATURES` is the contract (namespace, name) -> (params, results); import resolution
checks modules against it. `install` defines the shims of one instance in a linker,
each shim being a closure over that instance's HostState.

To add a shim: add its line to SIGNATURES, its function to the namespace module's
`shims()` table, its row to docs/abi.md, and a test.
"""
from __future__ import annotations

import wasmtime

from .. import bridge
from . import fs, io, mem, sys
from .state import HostState
from .sys import ModuleExit

I32, EXT = "i32", "externref"

SIGNATURES: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {
    ("clysm:io", "write-char"): ((I32, I32), ()),
    ("clysm:io", "write-string"): ((I32, EXT), ()),
    ("clysm:io", "read-char"): ((I32,), (I32,)),
    ("clysm:io", "read-line"): ((I32,), (EXT,)),
    ("clysm:fs", "open"): ((EXT, EXT, EXT, EXT), (I32,)),
    ("clysm:fs", "close"): ((I32,), ()),
    ("clysm:fs", "read-all"): ((I32,), (EXT,)),
    ("clysm:fs", "read-bytes"): ((I32,), (EXT,)),
    ("clysm:fs", "write-all"): ((I32, EXT), ()),
    ("clysm:mem", "length"): ((EXT,), (I32,)),
    ("clysm:mem", "store"): ((EXT, I32), (I32,)),
    ("clysm:mem", "load-string"): ((I32, I32), (EXT,)),
    ("clysm:mem", "load-bytes"): ((I32, I32), (EXT,)),
    ("clysm:sys", "errno"): ((), (I32,)),
    ("clysm:sys", "strerror"): ((), (EXT,)),
    ("clysm:sys", "exit"): ((I32,), ()),
}

NAMESPACES = {"clysm:io": io, "clysm:fs": fs, "clysm:mem": mem, "clysm:sys": sys}


def install(linker: wasmtime.Linker, state: HostState,
            wanted: set[tuple[str, str]] | None = None) -> None:
    """Define the shims (all of them, or only `wanted`) for one instance."""
    for namespace, module in NAMESPACES.items():
        for name, (fn, needs_ctx) in module.shims(state).items():
            key = (namespace, name)
            if wanted is not None and key not in wanted:
                continue
            params, results = SIGNATURES[key]
            bridge.define(linker, namespace, name, params, results, fn, needs_ctx, state.keep)


__all__ = ["SIGNATURES", "NAMESPACES", "install", "HostState", "ModuleExit"]
