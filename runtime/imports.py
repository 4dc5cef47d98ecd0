"""Import resolution, before instantiation.

Two checks, in this order, each reporting every problem at once:
1. boundary types (exit 77): any import or export function whose signature uses a
   type wasmtime's Python API cannot carry (anything but i32, i64, f32, f64, externref,
   funcref). Naming them here, from our own parse, avoids the process abort that
   asking wasmtime about such a type can cause.
2. resolution (exit 2): each import must be a shim of the ABI with exactly the ABI's
   signature; one line per missing or mistyped import, expected vs found.
"""
from __future__ import annotations

from dataclasses import dataclass

from .exit_codes import failure, skip
from .module import ImportSpec, WasmModule
from .shims import SIGNATURES


def _sig_text(params, results) -> str:
    return f"({', '.join(params)}) -> ({', '.join(results)})"


@dataclass(frozen=True)
class Resolution:
    """The import resolution record: each import matched to its shim."""
    matched: list[ImportSpec]

    def to_dict(self) -> dict:
        return {"imports": [dict(i.to_dict(), shim=f"{i.module} {i.name}") for i in self.matched]}


def check_boundary(module: WasmModule) -> None:
    bad = module.inexpressible()
    if bad:
        raise skip(f"{module.path}: the host cannot call signatures with these types "
                   f"(only i32, i64, f32, f64, externref, funcref cross the boundary): "
                   + "; ".join(bad))


def problems(module: WasmModule) -> list[str]:
    lines = []
    for imp in module.imports:
        expected = SIGNATURES.get((imp.module, imp.name))
        if expected is None:
            known = sorted(n for (ns, n) in SIGNATURES if ns == imp.module)
            hint = f" (the host has: {', '.join(known)})" if known else \
                " (unknown namespace)" if not imp.module.startswith("clysm:") else ""
            lines.append(f"import {imp.module} {imp.name}: missing, the host has no such "
                         f"{imp.kind}{hint}")
            continue
        want = _sig_text(*expected)
        if imp.kind != "function":
            lines.append(f"import {imp.module} {imp.name}: expected function {want}, "
                         f"found {imp.kind} {imp.type}")
        elif (imp.params, imp.results) != expected:
            lines.append(f"import {imp.module} {imp.name}: expected function {want}, "
                         f"found function {_sig_text(imp.params, imp.results)}")
    return lines


def resolve(module: WasmModule) -> Resolution:
    check_boundary(module)
    lines = problems(module)
    if lines:
        n = len(lines)
        raise failure(f"{module.path}: {n} import{'s' if n > 1 else ''} cannot be resolved",
                      "\n".join(lines))
    return Resolution(list(module.imports))
