"""The seed's lifecycle of a stage module, as an explicit state machine.

    Not Loaded --load--> Compiled --instantiate--> Running --start (_start)--> Initialized
                                                      \\__________________________/
                                                        trap, exit, bound hit --> Stopped

`Stopped` is our addition: after a trap, a `clysm:sys exit` or a time/memory bound the
instance's Lisp image may be half-updated, so it takes no further calls.

    from runtime import RuntimeConfig, Stage
    with Stage.open("build/stage1.wasm", RuntimeConfig()) as stage:   # -> Initialized
        wasm_bytes = stage.compile_form("(defun f (x) x)")

Every failure is a RuntimeFailure with the seed's exit code: missing file 3; bad
module, import mismatch, trap, bound hit 2; inexpressible boundary types or a missing
export 77. A module calling `clysm:sys exit` raises ModuleExited carrying its code.
An illegal transition raises IllegalTransition (a programming error, not a module's).
"""
from __future__ import annotations

import enum
import os
from pathlib import Path
from typing import Any

import wasmtime

from . import engine as engine_mod
from . import shims, traps
from .bridge import MemoryAccess
from .cache import CacheResult, NativeCodeCache
from .config import RuntimeConfig
from .exit_codes import ExitCode, RuntimeFailure, failure, skip
from .fd_table import FdTable
from .imports import Resolution, check_boundary, resolve
from .module import WasmModule
from .sandbox import Sandbox
from .shims.sys import ModuleExit


class State(enum.Enum):
    NOT_LOADED = "Not Loaded"
    COMPILED = "Compiled"
    RUNNING = "Running"
    INITIALIZED = "Initialized"
    STOPPED = "Stopped"


class IllegalTransition(RuntimeError):
    def __init__(self, action: str, state: State, allowed: tuple[State, ...]) -> None:
        names = " or ".join(s.value for s in allowed)
        super().__init__(f"cannot {action} a module in state {state.value} "
                         f"(only from {names})")
        self.action, self.state = action, state


class ModuleExited(RuntimeFailure):
    """The module called clysm:sys exit(code)."""

    def __init__(self, code: int, what: str) -> None:
        super().__init__(code, f"{what}: module exited with code {code}")


class Stage:
    """One stage module going through the lifecycle in its own store."""

    def __init__(self, path: str | os.PathLike, config: RuntimeConfig | None = None) -> None:
        self.path = Path(path)
        self.config = config or RuntimeConfig()
        self.interruption = self.config.interruption
        self.state = State.NOT_LOADED
        self.module: WasmModule | None = None
        self.compiled: wasmtime.Module | None = None
        self.cache_result: CacheResult | None = None
        self.resolution: Resolution | None = None
        self.store: wasmtime.Store | None = None
        self.instance: wasmtime.Instance | None = None
        self.host: shims.HostState | None = None
        self.exit_code: int | None = None
        self.discarded_outputs: list[str] = []
        self._funcs: dict[str, Any] = {}

    # -- convenience ---------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike, config: RuntimeConfig | None = None) -> "Stage":
        """Load, instantiate and start: a stage in state Initialized."""
        stage = cls(path, config)
        try:
            stage.load()
            stage.instantiate()
            stage.start()
        except BaseException:
            stage.close()
            raise
        return stage

    def __enter__(self) -> "Stage":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def engine(self) -> wasmtime.Engine:
        return engine_mod.get_engine(self.interruption)

    def _require(self, action: str, *allowed: State) -> None:
        if self.state not in allowed:
            raise IllegalTransition(action, self.state, allowed)

    # -- transitions ----------------------------------------------------------------------

    def load(self) -> "Stage":
        """Not Loaded -> Compiled: read and check the file, compile (or reuse cached code)."""
        self._require("load", State.NOT_LOADED)
        module = WasmModule.from_path(self.path)
        check_boundary(module)
        cache = NativeCodeCache(self.config.cache_dir, self.interruption)
        try:
            result = cache.load_or_compile(self.engine, module.wasm)
        except wasmtime.WasmtimeError as e:
            raise failure(f"{self.path}: invalid WebAssembly: {traps.one_line(str(e))}") from None
        self.module, self.compiled, self.cache_result = module, result.module, result
        self.state = State.COMPILED
        return self

    def instantiate(self) -> "Stage":
        """Compiled -> Running: resolve imports against the shims, create the instance."""
        self._require("instantiate", State.COMPILED)
        assert self.module is not None and self.compiled is not None
        self.resolution = resolve(self.module)
        cfg = self.config
        stdin, stdout, stderr = cfg.streams()
        fds = FdTable(stdin, stdout, stderr, cfg.max_open_fds)
        host = shims.HostState(fds, Sandbox(cfg.base_dir, cfg.read_roots, cfg.write_roots))
        linker = wasmtime.Linker(self.engine)
        shims.install(linker, host, {(i.module, i.name) for i in self.module.imports})
        store = wasmtime.Store(self.engine)
        if cfg.memory_limit is not None:
            store.set_limits(memory_size=cfg.memory_limit)
        self.store, self.host = store, host
        try:
            with engine_mod.time_bound(self.engine, self.interruption, store, cfg.time_limit,
                                       cfg.fuel_limit):
                self.instance = linker.instantiate(store, self.compiled)
        except (wasmtime.Trap, wasmtime.WasmtimeError) as e:  # start function, data segments
            self._stop()
            raise self._describe(e, "instantiate") from None
        except ModuleExit as e:
            self._stop(e.code)
            raise ModuleExited(e.code, f"{self.path}: instantiate") from None
        memory = self.instance.exports(store).get("memory")
        if isinstance(memory, wasmtime.Memory):
            host.memory = MemoryAccess(memory)
        self.state = State.RUNNING
        return self

    def start(self) -> "Stage":
        """Running -> Initialized: run `_start` (a module without one has nothing to run)."""
        self._require("start", State.RUNNING)
        assert self.module is not None
        if self.module.export("_start") is not None:
            self._call("_start", ())
        self.state = State.INITIALIZED
        return self

    # -- calls into an initialized module --------------------------------------------------

    def call(self, name: str, *args: Any) -> Any:
        """Call export `name` (Initialized only). i32 args as int, externref as any object."""
        self._require(f"call {name!r} on", State.INITIALIZED)
        assert self.module is not None
        spec = self.module.export(name)
        if spec is None or spec.kind != "function":
            raise skip(f"{self.path}: the module has no exported function {name!r}")
        if len(args) != len(spec.params or ()):
            raise TypeError(f"{name} takes {len(spec.params or ())} arguments, got {len(args)}")
        return self._call(name, args)

    def compile_form(self, source: str) -> bytes:
        """Compile the text of one form with the `compile_form` export; the module's bytes.

        A null result (the compiler rejected the form) is a failure (exit 2) carrying the
        module's last error message, if any."""
        spec = self.module.export("compile_form") if self.module else None
        if self.state == State.INITIALIZED and (spec is None or spec.kind != "function"):
            raise skip(f"{self.path}: the module does not export compile_form "
                       "(not a compiler stage)")
        result = self.call("compile_form", source)
        if result is None:
            why = self.host.error.message if self.host and self.host.error else "no reason given"
            raise failure(f"{self.path}: compile_form returned null: {why}")
        if isinstance(result, str):
            return result.encode()
        if isinstance(result, (bytes, bytearray, memoryview)):
            return bytes(result)
        raise failure(f"{self.path}: compile_form returned a {type(result).__name__}, not bytes")

    def _call(self, name: str, args: tuple) -> Any:
        assert self.instance is not None and self.store is not None
        func = self._funcs.get(name)
        if func is None:
            func = self._funcs[name] = self.instance.exports(self.store)[name]
        cfg = self.config
        try:
            with engine_mod.time_bound(self.engine, self.interruption, self.store, cfg.time_limit,
                                       cfg.fuel_limit):
                return func(self.store, *args)
        except ModuleExit as e:
            self._stop(e.code)
            raise ModuleExited(e.code, f"{self.path}: {name}") from None
        except (wasmtime.Trap, wasmtime.WasmtimeError) as e:
            self._stop()
            raise self._describe(e, name) from None
        except KeyboardInterrupt:
            self._stop()
            raise
        except Exception as e:
            if not self._raised_by_host(e):
                raise  # e.g. wasmtime-py refusing the caller's argument types
            self._stop()  # a shim's own bug, surfaced through the trap: reported, no crash
            raise traps.host_bug(e, f"{self.path}: {name}") from None
        finally:
            if self.host is not None:
                self.host.fds.flush_standard()

    @staticmethod
    def _raised_by_host(exc: BaseException) -> bool:
        """True if the exception came out of a shim (through a trap), not from
        wasmtime-py rejecting the arguments of the call itself."""
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == "<shim-bridge>":
                return True
            tb = tb.tb_next
        return False

    def _describe(self, exc: BaseException, what: str) -> RuntimeFailure:
        size = None
        if self.host is not None and self.host.memory is not None and self.store is not None:
            try:
                size = self.host.memory.memory.data_len(self.store)
            except Exception:  # pragma: no cover
                size = None
        return traps.describe(exc, f"{self.path}: {what}", time_limit=self.config.time_limit,
                              fuel_limit=self.config.fuel_limit,
                              memory_limit=self.config.memory_limit, memory_size=size)

    def _stop(self, code: int | None = None) -> None:
        self.exit_code = code if code is not None else int(ExitCode.FAILURE)
        self.state = State.STOPPED

    def record(self) -> dict:
        """Where this stage got to, as JSON-ready data: what a doit task stores as the
        artifact of a lifecycle step (module metadata, native code entry, import
        resolution, initialization)."""
        import hashlib
        c = self.cache_result
        return {
            "path": str(self.path),
            "state": self.state.value,
            "sha256": hashlib.sha256(self.module.wasm).hexdigest() if self.module else None,
            "module": self.module.to_dict() if self.module else None,
            "native_code": None if c is None else {
                "cached": c.hit, "reason": c.reason, "entry": str(c.path) if c.path else None,
                "engine": engine_mod.fingerprint(self.interruption)},
            "imports": self.resolution.to_dict()["imports"] if self.resolution else None,
            "exit_code": self.exit_code,
            "discarded_outputs": list(self.discarded_outputs),
        }

    def close(self) -> None:
        """Release the instance's files (unclosed outputs are discarded) and the store."""
        if self.host is not None:
            self.discarded_outputs = self.host.fds.close_all()
        self._funcs.clear()
        self.instance = None
        self.store = None
