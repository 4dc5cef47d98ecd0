"""Host functions with a lean call path.

wasmtime-py's `Linker.define_func` converts every argument and result through `Val`
objects and builds `ValType`s on each call: about 6 us for write-char and 26 us for a
call taking an externref here. Host calls sit on the compiler's hot path (write-char
per character of output), so `define` registers shims through wasmtime's *unchecked*
callback instead, with a callback generated for each signature that reads the raw
i32/externref slots directly (about 1.5 us for write-char, 5 us with an externref).

It relies on wasmtime-py internals (`_bindings`, the externref slab in `_value`); when
they are not there (another wasmtime-py version), `define` falls back to the public
`define_func`, same behaviour, slower.

A shim is a plain Python function of i32 (int) and externref (object or None)
arguments. With `needs_ctx`, it first receives the caller's store context, which
`mem_view` turns into the bytes of the module's linear memory. A Python exception
escaping a shim becomes a trap and is re-raised from the Wasm call that led to it
(`clysm:sys exit` uses this to stop the module).
"""
from __future__ import annotations

import ctypes
from typing import Any, Callable

import wasmtime

try:
    import wasmtime._func as _wfunc
    from wasmtime import _bindings as _b
    from wasmtime import _value as _wvalue

    _CALLBACK_T = _b.wasmtime_func_unchecked_callback_t
    _DEFINE = _b._wasmtime_linker_define_func_unchecked
    _CALLER_CTX = _b._wasmtime_caller_context
    _FROM_RAW = _b._wasmtime_externref_from_raw
    _DATA = _b._wasmtime_externref_data
    _UNROOT = _b._wasmtime_externref_unroot
    _NEW = _b._wasmtime_externref_new
    _TO_RAW = _b._wasmtime_externref_to_raw
    _MEM_DATA = _b._wasmtime_memory_data
    _MEM_SIZE = _b._wasmtime_memory_data_size
    _HANDLES = _wvalue.SLAB.handles
    _SLAB = _wvalue.SLAB
    _FINALIZER = _wvalue._externref_finalizer
    _NO_FINALIZER = ctypes.cast(None, ctypes.CFUNCTYPE(None, ctypes.c_void_p))
    FAST = True
except (ImportError, AttributeError):  # pragma: no cover - other wasmtime-py versions
    FAST = False

_VALTYPES = {"i32": wasmtime.ValType.i32, "externref": wasmtime.ValType.externref}
_CODES = {"i32": "i", "externref": "e"}

# Keeps generated ctypes callbacks alive as long as the process (linkers hold raw pointers).
_KEEP: list[Any] = []


def functype(params: tuple[str, ...], results: tuple[str, ...]) -> wasmtime.FuncType:
    return wasmtime.FuncType([_VALTYPES[p]() for p in params], [_VALTYPES[r]() for r in results])


def _trap_for(exc: BaseException) -> int:
    _wfunc.LAST_EXCEPTION = exc
    trap = wasmtime.Trap("host function raised " + type(exc).__name__)._consume()
    return ctypes.cast(trap, ctypes.c_void_p).value or 0


def _new_externref(ctx, obj, ref) -> int:
    """Raw externref slot value for a Python object (0 for None)."""
    if obj is None:
        return 0
    if not _NEW(ctx, _SLAB.allocate(obj) + 1, _FINALIZER, ref):
        raise wasmtime.WasmtimeError("failed to allocate an externref")
    raw = _TO_RAW(ctx, ref)
    _UNROOT(ref)
    return raw


_CODE_CACHE: dict[tuple[str, str, bool], Any] = {}


def _generate(fn: Callable, params: str, results: str, needs_ctx: bool) -> Callable:
    """A callback specialised for one signature (source compiled once per signature)."""
    key = (params, results, needs_ctx)
    code = _CODE_CACHE.get(key)
    if code is None:
        code = _CODE_CACHE[key] = compile(_source(params, results, needs_ctx), "<shim-bridge>", "exec")
    ref = _b.wasmtime_externref_t()
    env = {
        "fn": fn, "CALLER_CTX": _CALLER_CTX, "FROM_RAW": _FROM_RAW, "DATA": _DATA,
        "UNROOT": _UNROOT, "HANDLES": _HANDLES, "REF": ctypes.byref(ref), "_ref": ref,
        "NEW_EXTERNREF": _new_externref, "TRAP_FOR": _trap_for,
    }
    exec(code, env)
    return env["cb"]


def _source(params: str, results: str, needs_ctx: bool) -> str:
    lines = ["def cb(env, caller, vals, n):", "    try:"]
    use_ctx = needs_ctx or "e" in params or "e" in results
    if use_ctx:
        lines.append("        ctx = CALLER_CTX(caller)")
    args = ["ctx"] if needs_ctx else []
    for i, p in enumerate(params):
        if p == "i":
            lines.append(f"        a{i} = vals[{i}].i32")
        else:
            lines += [
                f"        raw = vals[{i}].externref",
                "        if raw:",
                "            FROM_RAW(ctx, raw, REF)",
                "            idx = DATA(ctx, REF)",
                "            UNROOT(REF)",
                f"            a{i} = HANDLES.get(idx - 1) if idx else None",
                "        else:",
                f"            a{i} = None",
            ]
        args.append(f"a{i}")
    call = f"fn({', '.join(args)})"
    if not results:
        lines.append(f"        {call}")
    elif results == "i":
        lines.append(f"        vals[0].i32 = {call}")
    else:
        lines.append(f"        vals[0].externref = NEW_EXTERNREF(ctx, {call}, REF)")
    lines += ["        return 0", "    except BaseException as exc:", "        return TRAP_FOR(exc)"]
    return "\n".join(lines)


def define(linker: wasmtime.Linker, module: str, name: str, params: tuple[str, ...],
           results: tuple[str, ...], fn: Callable, needs_ctx: bool = False,
           keep: list | None = None) -> None:
    """Define host function `module name` in `linker` with the given signature.

    `keep` receives the ctypes callback, which must outlive every call: pass a list
    owned by whatever owns the store (the lifecycle keeps it with the instance)."""
    ty = functype(params, results)
    if not FAST:  # pragma: no cover
        if needs_ctx:
            inner = fn
            fn = lambda caller, *a: inner(caller._context(), *a)  # noqa: E731
        linker.define_func(module, name, ty, fn, access_caller=needs_ctx)
        return
    cb = _CALLBACK_T(_generate(fn, "".join(_CODES[p] for p in params),
                               "".join(_CODES[r] for r in results), needs_ctx))
    (_KEEP if keep is None else keep).append(cb)
    mb, nb = module.encode(), name.encode()
    err = _DEFINE(linker.ptr(), ctypes.create_string_buffer(mb), len(mb),
                  ctypes.create_string_buffer(nb), len(nb), ty.ptr(), cb, None, _NO_FINALIZER)
    if err:
        raise wasmtime.WasmtimeError._from_ptr(err)


class MemoryAccess:
    """Byte access to an instance's exported linear memory from inside a shim."""

    def __init__(self, memory: wasmtime.Memory) -> None:
        self.memory = memory
        self.ref = ctypes.byref(memory._memory)

    def bounds(self, ctx) -> tuple[int, int]:
        """(address of byte 0, current size in bytes)."""
        if FAST:
            addr = ctypes.cast(_MEM_DATA(ctx, self.ref), ctypes.c_void_p).value or 0
            return addr, _MEM_SIZE(ctx, self.ref)
        from wasmtime import _ffi  # pragma: no cover
        addr = ctypes.cast(_ffi.wasmtime_memory_data(ctx, self.ref), ctypes.c_void_p).value or 0
        return addr, _ffi.wasmtime_memory_data_size(ctx, self.ref)
