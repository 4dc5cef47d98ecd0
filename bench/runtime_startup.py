"""Runtime start-up and host-call benchmark; prints a table.

    python bench/runtime_startup.py [--stage build/stage1.wasm] [--runs 5] [--functions 3000]

Measures, on a realistic stage module (build/stage1.wasm when it exists, else a
generated WAT module with many WasmGC functions):
  - stage file -> Initialized, uncached (compile to native code) vs cached (deserialize
    from the native code cache): median / min / max over several runs;
  - one small shim call from Wasm (write-char, mem.length), through the runtime's bridge
    and through wasmtime-py's stock define_func, per call;
  - bulk transfer of 1 MiB through clysm:mem (store into memory, load-bytes out);
  - the cost of bounding run time: no interruption vs epoch deadline vs fuel, on a GC
    allocation loop and an arithmetic loop.
Timings only; nothing here asserts.
"""
from __future__ import annotations

import argparse
import io
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import wasmtime  # noqa: E402

from runtime import RuntimeConfig, Stage  # noqa: E402
from runtime.engine import FEATURES, get_engine, time_bound, wasmtime_version  # noqa: E402


def generate_stage_wat(functions: int) -> str:
    """A module shaped like compiled Lisp: cons cells and symbols as GC structs, strings
    as GC arrays, fixnums as i31ref, many functions calling each other, host imports
    with i32/externref only, exports memory and _start."""
    out = ['''(module
  (rec (type $cons (struct (field $car (mut anyref)) (field $cdr (mut anyref))))
       (type $sym (struct (field $name (ref $str)) (field $value (mut anyref)) (field $fn (mut anyref))))
       (type $str (array (mut i8))))
  (type $fn1 (func (param anyref) (result anyref)))
  (import "clysm:io" "write-char" (func $write-char (param i32 i32)))
  (import "clysm:sys" "errno" (func $errno (result i32)))
  (memory (export "memory") 16)
  (global $nil (mut anyref) (ref.null any))
  (func $fixnum (param i32) (result anyref) (ref.i31 (local.get 0)))
  (func $unfix (param anyref) (result i32) (i31.get_s (ref.cast (ref i31) (local.get 0))))
  (func $cons (param anyref anyref) (result anyref) (struct.new $cons (local.get 0) (local.get 1)))
  (func $car (param anyref) (result anyref)
    (if (result anyref) (ref.test (ref $cons) (local.get 0))
      (then (struct.get $cons $car (ref.cast (ref $cons) (local.get 0))))
      (else (ref.null any))))
  (func $cdr (param anyref) (result anyref)
    (if (result anyref) (ref.test (ref $cons) (local.get 0))
      (then (struct.get $cons $cdr (ref.cast (ref $cons) (local.get 0))))
      (else (ref.null any))))''']
    for i in range(functions):
        callee = f"(call $f{i - 1} (local.get $acc))" if i else "(local.get $acc)"
        out.append(f'''  (func $f{i} (type $fn1) (local $acc anyref) (local $n i32) (local $s (ref null $sym))
    (local.set $acc (local.get 0))
    (local.set $n (i32.const {i % 7 + 1}))
    (block $done (loop $top
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $acc (call $cons (call $fixnum (i32.add (local.get $n) (i32.const {i}))) (local.get $acc)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $top)))
    (local.set $s (struct.new $sym (array.new $str (i32.const {i % 256}) (i32.const 8))
                                  (local.get $acc) (ref.null any)))
    (if (i32.gt_s (call $unfix (call $car (local.get $acc))) (i32.const {functions * 2}))
      (then (call $write-char (i32.const 1) (i32.const 33))))
    (if (result anyref) (i32.eqz (i32.rem_u (i32.const {i}) (i32.const 50)))
      (then (call $cdr (struct.get $sym $value (ref.as_non_null (local.get $s)))))
      (else {callee})))''')
    out.append(f'''  (func (export "_start") (global.set $nil (call $f{functions - 1} (ref.null any))))
  (func (export "work") (param $rounds i32) (result i32) (local $l anyref) (local $k i32)
    (block $done (loop $top
      (br_if $done (i32.eqz (local.get $rounds)))
      (local.set $l (call $f{functions - 1} (ref.null any)))
      (local.set $rounds (i32.sub (local.get $rounds) (i32.const 1)))
      (br $top)))
    (i32.const 0))
  (func (export "spin") (param $n i32) (result i32) (local $acc i32)
    (block $done (loop $top
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $n) (local.get $n))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $top)))
    (local.get $acc)))''')
    return "\n".join(out)


HOST_CALLS = '''(module
  (import "clysm:io" "write-char" (func $wc (param i32 i32)))
  (import "clysm:mem" "length" (func $len (param externref) (result i32)))
  (import "clysm:mem" "store" (func $store (param externref i32) (result i32)))
  (import "clysm:mem" "load-bytes" (func $lb (param i32 i32) (result externref)))
  (memory (export "memory") 32)
  (func (export "chars") (param $n i32)
    (block $d (loop $l (br_if $d (i32.eqz (local.get $n)))
      (call $wc (i32.const 1) (i32.const 955))
      (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br $l))))
  (func (export "lengths") (param $n i32) (param $x externref)
    (block $d (loop $l (br_if $d (i32.eqz (local.get $n)))
      (drop (call $len (local.get $x)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br $l))))
  (func (export "store") (param $x externref) (result i32) (call $store (local.get $x) (i32.const 0)))
  (func (export "load") (param $n i32) (result externref) (call $lb (i32.const 0) (local.get $n))))'''


def stats(samples: list[float]) -> str:
    ms = [s * 1000 for s in samples]
    return f"{statistics.median(ms):9.1f} {min(ms):9.1f} {max(ms):9.1f}"


def sink_config(cache_dir) -> RuntimeConfig:
    return RuntimeConfig(cache_dir=cache_dir, stdin=io.BytesIO(), stdout=io.BytesIO(),
                         stderr=io.BytesIO(), time_limit=None)


def to_initialized(path: Path, cache_dir) -> tuple[float, Stage]:
    t = time.perf_counter()
    stage = Stage.open(path, sink_config(cache_dir))
    return time.perf_counter() - t, stage


def plain_engine(mode: str) -> wasmtime.Engine:
    cfg = wasmtime.Config()
    for k, v in FEATURES.items():
        setattr(cfg, k, v)
    if mode == "epoch":
        cfg.epoch_interruption = True
    elif mode == "fuel":
        cfg.consume_fuel = True
    return wasmtime.Engine(cfg)


def startup_samples(stage_path: Path, runs: int, cache_dir: Path) -> tuple[list[float], list[float]]:
    """Seconds from the stage file to Initialized: uncached (compile to native code,
    max(2, runs // 2) times) and cached (deserialized from CACHE_DIR, RUNS times)."""
    uncached = []
    for _ in range(max(2, runs // 2)):
        dt, s = to_initialized(stage_path, None)
        uncached.append(dt)
        s.close()
    to_initialized(stage_path, cache_dir)[1].close()  # prime the cache
    cached = []
    for _ in range(runs):
        dt, s = to_initialized(stage_path, cache_dir)
        assert s.cache_result.hit, s.cache_result.reason
        cached.append(dt)
        s.close()
    return uncached, cached


def bulk_samples(stage: Stage, reps: int) -> tuple[list[float], list[float]]:
    """Seconds per 1 MiB through clysm:mem on a HOST_CALLS stage: store, load-bytes."""
    payload = "x" * (1 << 20)
    stores, loads = [], []
    for _ in range(reps):
        t = time.perf_counter()
        assert stage.call("store", payload) == 1 << 20
        stores.append(time.perf_counter() - t)
    for _ in range(reps):
        t = time.perf_counter()
        assert len(stage.call("load", 1 << 20)) == 1 << 20
        loads.append(time.perf_counter() - t)
    return stores, loads


def host_call_samples(stage: Stage, n: int, reps: int) -> list[float]:
    """Seconds per write-char call from Wasm (REPS batches of N calls)."""
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        stage.call("chars", n)
        out.append((time.perf_counter() - t) / n)
    return out


def rows(stage_path: Path | None, runs: int, label: str = "") -> list:
    """Rows for bench/run.py: stage file -> Initialized (uncached vs cached) on
    STAGE_PATH (a generated GC module when None), one shim call, 1 MiB each way."""
    from common import Row
    with tempfile.TemporaryDirectory(prefix="wasmboot-bench-") as tmp:
        tmp = Path(tmp)
        if stage_path is None:
            stage_path = tmp / "generated-stage.wasm"
            stage_path.write_bytes(wasmtime.wat2wasm(generate_stage_wat(3000)))
            label = "generated module, 3000 GC functions"
        what = f"{label}, {stage_path.stat().st_size / 1024:.0f} KiB"
        uncached, cached = startup_samples(stage_path, runs, tmp / "cache")
        hc = tmp / "hostcalls.wasm"
        hc.write_bytes(wasmtime.wat2wasm(HOST_CALLS))
        with Stage.open(hc, sink_config(None)) as s:
            calls = host_call_samples(s, 20_000, max(3, runs))
            stores, loads = bulk_samples(s, max(5, runs * 2))
    return [
        Row("startup.uncached", "stage module file -> Initialized, uncached (native compile)",
            "ms", [x * 1e3 for x in uncached], note=what),
        Row("startup.cached", "stage module file -> Initialized, cached native code",
            "ms", [x * 1e3 for x in cached], note=what),
        Row("host.shim_call", "host boundary: one write-char shim call from Wasm", "us",
            [x * 1e6 for x in calls], note="batches of 20000 calls"),
        Row("host.mem_store_1mib", "host boundary: 1 MiB str -> memory (clysm:mem store)",
            "ms", [x * 1e3 for x in stores]),
        Row("host.mem_load_1mib", "host boundary: 1 MiB memory -> bytes (clysm:mem load-bytes)",
            "ms", [x * 1e3 for x in loads]),
    ]


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="wasmboot-bench-"))
    try:
        _main(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _main(tmp: Path) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stage", default=str(ROOT / "build" / "stage1.wasm"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--functions", type=int, default=3000)
    args = ap.parse_args()

    stage_path = Path(args.stage)
    generated = not stage_path.exists()
    if generated:
        stage_path = tmp / "generated-stage.wasm"
        stage_path.write_bytes(wasmtime.wat2wasm(generate_stage_wat(args.functions)))
    size = stage_path.stat().st_size
    print(f"module: {stage_path.name} ({'generated, ' + str(args.functions) + ' GC functions, ' if generated else ''}"
          f"{size / 1024:.0f} KiB); wasmtime {wasmtime_version()}; {args.runs} runs")
    print()
    print(f"{'stage file -> Initialized':44} {'median ms':>9} {'min ms':>9} {'max ms':>9}")
    cache_dir = tmp / "cache"
    uncached, cached = startup_samples(stage_path, args.runs, cache_dir)
    print(f"{'uncached (compile to native code)':44} {stats(uncached)}")
    print(f"{'cached (native code cache hit)':44} {stats(cached)}")
    entry = next(cache_dir.glob("*.cwasm"))
    print(f"  (cache entry {entry.stat().st_size / 1024:.0f} KiB)")

    # -- host calls ----------------------------------------------------------------------
    hc_path = tmp / "hostcalls.wasm"
    hc_path.write_bytes(wasmtime.wat2wasm(HOST_CALLS))
    print()
    print(f"{'host call from Wasm':44} {'us/call':>9}")
    n = 100_000
    with Stage.open(hc_path, sink_config(None)) as s:
        t = time.perf_counter(); s.call("chars", n); dt = time.perf_counter() - t
        print(f"{'write-char (runtime bridge)':44} {dt / n * 1e6:9.2f}")
        t = time.perf_counter(); s.call("lengths", n, "hello"); dt = time.perf_counter() - t
        print(f"{'mem.length of an externref (runtime bridge)':44} {dt / n * 1e6:9.2f}")
        stock = stock_host_calls(hc_path, n)
        print(f"{'write-char (stock wasmtime-py define_func)':44} {stock[0]:9.2f}")
        print(f"{'mem.length (stock wasmtime-py define_func)':44} {stock[1]:9.2f}")
        t = time.perf_counter()
        for _ in range(2000):
            s.call("chars", 0)
        print(f"{'export call from Python (Stage.call)':44} {(time.perf_counter() - t) / 2000 * 1e6:9.2f}")
        print()
        print(f"{'bulk transfer through clysm:mem, 1 MiB':44} {'ms':>9} {'MiB/s':>9}")
        store_s, load_s = bulk_samples(s, 20)
        dt = statistics.median(store_s)
        print(f"{'mem.store (str -> linear memory)':44} {dt * 1e3:9.3f} {1 / dt:9.0f}")
        dt = statistics.median(load_s)
        print(f"{'mem.load-bytes (linear memory -> bytes)':44} {dt * 1e3:9.3f} {1 / dt:9.0f}")

    # -- bounding run time ------------------------------------------------------------
    print()
    print(f"{'time bound mechanism':30} {'GC work ms':>11} {'spin 1e8 ms':>12}   (best of 7, interleaved)")
    wasm = stage_path.read_bytes() if generated else None
    if wasm is None:
        wasm = wasmtime.wat2wasm(generate_stage_wat(300))
    runners = {}
    for mode in ("none", "epoch", "fuel"):
        engine = plain_engine(mode) if mode == "none" else get_engine(mode)
        module = wasmtime.Module(engine, wasm)
        linker = wasmtime.Linker(engine)
        linker.define_func("clysm:io", "write-char", wasmtime.FuncType(
            [wasmtime.ValType.i32(), wasmtime.ValType.i32()], []), lambda fd, c: None)
        linker.define_func("clysm:sys", "errno", wasmtime.FuncType([], [wasmtime.ValType.i32()]), lambda: 0)
        store = wasmtime.Store(engine)
        if mode == "epoch":
            store.set_epoch_deadline(1 << 62)
        elif mode == "fuel":
            store.set_fuel(1 << 62)
        runners[mode] = (engine, store, linker.instantiate(store, module).exports(store))
    # Interleave the modes over several rounds and keep each one's best time, so that
    # load from other processes on the machine does not favour one mode. "epoch+ticker"
    # is the real configuration (the deadline thread running); the others isolate the
    # cost of the checks compiled into the code.
    rows = [("none", "none", False), ("fuel", "fuel", False), ("epoch", "epoch", False),
            ("epoch+ticker", "epoch", True)]
    best: dict = {}
    fuel_rate = {}
    for _ in range(7):
        for label, mode, ticking in rows:
            engine, store, ex = runners[mode]
            for fn, arg in (("work", 1000), ("spin", 100_000_000)):
                before = store.get_fuel() if mode == "fuel" else 0
                t = time.perf_counter()
                if ticking:
                    with time_bound(engine, mode, store, 600):
                        ex[fn](store, arg)
                else:
                    ex[fn](store, arg)
                dt = time.perf_counter() - t
                if mode == "fuel":
                    fuel_rate[fn] = (before - store.get_fuel()) / dt
                best[label, fn] = min(best.get((label, fn), float("inf")), dt)
    for label, _, _ in rows:
        print(f"{label:30} {best[label, 'work'] * 1000:11.1f} {best[label, 'spin'] * 1000:12.1f}")
    print(f"fuel burnt per second: GC work {fuel_rate['work'] / 1e6:.0f} M, "
          f"arithmetic loop {fuel_rate['spin'] / 1e6:.0f} M")


def stock_host_calls(path: Path, n: int) -> tuple[float, float]:
    engine = get_engine("epoch")
    linker = wasmtime.Linker(engine)
    i32, ext = wasmtime.ValType.i32(), wasmtime.ValType.externref()
    linker.define_func("clysm:io", "write-char", wasmtime.FuncType([i32, i32], []), lambda fd, c: None)
    linker.define_func("clysm:mem", "length", wasmtime.FuncType([ext], [i32]), lambda x: len(x))
    linker.define_func("clysm:mem", "store", wasmtime.FuncType([ext, i32], [i32]), lambda x, p: 0)
    linker.define_func("clysm:mem", "load-bytes", wasmtime.FuncType([i32, i32], [ext]), lambda p, n: None)
    store = wasmtime.Store(engine)
    store.set_epoch_deadline(1 << 62)
    ex = linker.instantiate(store, wasmtime.Module(engine, path.read_bytes())).exports(store)
    t = time.perf_counter(); ex["chars"](store, n); a = time.perf_counter() - t
    t = time.perf_counter(); ex["lengths"](store, n, "hello"); b = time.perf_counter() - t
    return a / n * 1e6, b / n * 1e6


if __name__ == "__main__":
    main()
