"""The wasmtime engine every stage module runs on, and how run time is bounded.

One engine per interruption mode per process (`get_engine`). It enables what compiled
Lisp needs: WasmGC, typed function references, tail calls, exception handling and
reference types. `fingerprint()` names this configuration together with the wasmtime
version and the machine; the native-code cache keys on it.

Time bound: epoch interruption (the default). A shared ticker thread advances the
engine's epoch every TICK seconds while any bounded call is running; each call sets its
store's deadline to the number of ticks its time limit allows, so a runaway loop traps
with an interrupt at the next loop header or function entry.

Epoch or fuel, measured (bench/runtime_startup.py; best of 7 interleaved rounds; this
2-core machine is shared, so figures move by +-50% from run to run):

    bound                GC allocation work    arithmetic loop (1e8 iterations)
    none                    119-147 ms             103-114 ms
    fuel                    122-144 ms             125-262 ms
    epoch (checks only)     101-126 ms             187-235 ms
    epoch + ticker thread   119 ms                 278 ms

On allocation- and call-heavy code (what compiled Lisp is) neither bound costs more
than the noise. On a tight arithmetic loop both cost up to about 2x, fuel usually a
little less: wasmtime keeps the fuel counter in a register inside a function, while an
epoch check loads the engine's epoch and compares it with the deadline at every loop
header and function entry. The deciding fact is that a fuel unit is not a unit of
time: the same engine burns 26-34 M units/s in allocation-heavy code and 3.9-4.7 G
units/s in an arithmetic loop (over 100x apart), so no fuel budget can stand for "60
seconds". The bound users configure is seconds (`time_limit`), so epochs are the
default; a deterministic instruction budget is available as `fuel_limit` (fuel mode:
the same module and input always stop at the same point, whatever the machine's load).
"""
from __future__ import annotations

import contextlib
import functools
import importlib.metadata
import json
import math
import platform
import threading
import time
from typing import Iterator

import wasmtime

FEATURES = {
    "wasm_gc": True,
    "wasm_function_references": True,
    "wasm_tail_call": True,
    "wasm_exceptions": True,
    "wasm_reference_types": True,
    "wasm_bulk_memory": True,
    "wasm_multi_value": True,
}
OPT_LEVEL = "speed"
DEFAULT_INTERRUPTION = "epoch"
INTERRUPTIONS = ("epoch", "fuel")
TICK = 0.05                      # seconds per epoch tick: the bound's resolution
UNBOUNDED_TICKS = 1 << 62


def wasmtime_version() -> str:
    try:
        return importlib.metadata.version("wasmtime")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - vendored copy
        return "unknown"


def fingerprint(interruption: str = DEFAULT_INTERRUPTION) -> str:
    """Everything that makes serialized native code valid or not, as one string."""
    return json.dumps({
        "wasmtime": wasmtime_version(),
        "machine": platform.machine(),
        "features": FEATURES,
        "opt_level": OPT_LEVEL,
        "interruption": interruption,
    }, sort_keys=True, separators=(",", ":"))


@functools.lru_cache(maxsize=None)
def get_engine(interruption: str = DEFAULT_INTERRUPTION) -> wasmtime.Engine:
    if interruption not in INTERRUPTIONS:
        raise ValueError(f"interruption must be one of {INTERRUPTIONS}, not {interruption!r}")
    cfg = wasmtime.Config()
    for name, value in FEATURES.items():
        setattr(cfg, name, value)
    cfg.cranelift_opt_level = OPT_LEVEL
    if interruption == "epoch":
        cfg.epoch_interruption = True
    else:
        cfg.consume_fuel = True
    return wasmtime.Engine(cfg)


class _EpochTicker:
    """Advances an engine's epoch every TICK seconds while at least one call is bounded."""

    def __init__(self, engine: wasmtime.Engine) -> None:
        self.engine = engine
        self.active = 0
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None

    def acquire(self) -> None:
        with self.lock:
            self.active += 1
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="wasm-epoch", daemon=True)
                self.thread.start()
            self.wake.set()

    def release(self) -> None:
        with self.lock:
            self.active -= 1

    def _run(self) -> None:
        while True:
            self.wake.wait()
            while True:
                with self.lock:
                    if self.active == 0:
                        self.wake.clear()
                        break
                self.engine.increment_epoch()
                time.sleep(TICK)


_tickers: dict[int, _EpochTicker] = {}
_tickers_lock = threading.Lock()


def _ticker(engine: wasmtime.Engine) -> _EpochTicker:
    with _tickers_lock:
        t = _tickers.get(id(engine))
        if t is None:
            t = _tickers[id(engine)] = _EpochTicker(engine)
        return t


@contextlib.contextmanager
def time_bound(engine: wasmtime.Engine, interruption: str, store: wasmtime.Store,
               seconds: float | None, fuel: int | None = None) -> Iterator[None]:
    """Bound the Wasm execution inside the block: epoch mode to `seconds`, fuel mode to
    `fuel` units (None: unbounded)."""
    if interruption == "fuel":
        store.set_fuel(UNBOUNDED_TICKS if fuel is None else max(0, int(fuel)))
        yield
        return
    if seconds is None:
        store.set_epoch_deadline(UNBOUNDED_TICKS)
        yield
        return
    store.set_epoch_deadline(max(1, math.ceil(seconds / TICK)))
    ticker = _ticker(engine)
    ticker.acquire()
    try:
        yield
    finally:
        ticker.release()
