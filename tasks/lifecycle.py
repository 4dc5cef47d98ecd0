"""The seed's lifecycle of one stage module as four doit tasks, each leaving a record:

    stageN:load         build/stageN.wasm -> load.json         the WasmModule entity, checked
                        (file, magic, version, sections, boundary types)   [Not Loaded, checked]
    stageN:compile      load.json -> compile.json + native code in the cache     [Compiled]
                        (key: wasm bytes, engine fingerprint incl. wasmtime version)
    stageN:instantiate  compile.json -> instantiate.json  each import matched to a shim [Running]
    stageN:start        instantiate.json -> start.json    `_start` ran         [Initialized]

Each step takes what it needs from the step before: compile reads the bytes whose hash
load.json records, and the later steps find their native code in the cache entry that
compile.json names instead of compiling again. Records hold no times or cache-hit flags,
so rerunning a step without a real change rewrites identical bytes and doit's checksums
stop the rerun there.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from doit.tools import config_changed

from . import host, signature
from .config import StagesConfig
from .layout import Layout
from .outcome import StepFailed, remove_leftovers, stage_action, write_json


def _sha256(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _check_same(cfg: StagesConfig, wasm: str, record: str) -> None:
    """The wasm on disk must be the one the earlier record describes."""
    want = json.loads(Path(record).read_text())["sha256"]
    if _sha256(wasm) != want:
        raise StepFailed(2, f"{wasm} changed since {record} was written; run the build again")


def tasks(cfg: StagesConfig, layout: Layout, n: int) -> list[dict]:
    wasm = layout.wasm(n)
    rec = {step: layout.record(n, step) for step in ("load", "compile", "instantiate", "start")}
    name = f"stage{n}"

    @stage_action(layout, f"{name}:load")
    def load():
        from runtime import WasmModule
        from runtime.imports import check_boundary
        module = WasmModule.from_path(wasm)
        check_boundary(module)
        write_json(rec["load"], {"state": "Not Loaded (checked)", "sha256": _sha256(wasm),
                                 "module": module.to_dict()})

    @stage_action(layout, f"{name}:compile")
    def compile_native():
        loaded = json.loads(Path(rec["load"]).read_text())
        data = Path(wasm).read_bytes()
        if hashlib.sha256(data).hexdigest() != loaded["sha256"]:
            raise StepFailed(2, f"{wasm} changed since {rec['load']} was written; run the build again")
        import wasmtime

        from runtime import traps
        from runtime.cache import NativeCodeCache
        from runtime.engine import fingerprint, get_engine
        r = cfg.runtime
        cache = NativeCodeCache(Path(r.cache_dir), r.interruption)
        try:
            result = cache.load_or_compile(get_engine(r.interruption), data)
        except wasmtime.WasmtimeError as e:
            raise StepFailed(2, f"{wasm}: invalid WebAssembly: {traps.one_line(str(e))}") from None
        write_json(rec["compile"], {"state": "Compiled", "sha256": loaded["sha256"],
                                    "native_code": str(result.path) if result.path else None,
                                    "engine": fingerprint(r.interruption)})

    @stage_action(layout, f"{name}:instantiate")
    def instantiate():
        _check_same(cfg, wasm, rec["compile"])
        with host.stage(cfg, wasm, upto="instantiate") as s:
            write_json(rec["instantiate"], {"state": s.state.value, "sha256": _sha256(wasm),
                                            "imports": s.resolution.to_dict()["imports"]})

    @stage_action(layout, f"{name}:start")
    def start():
        _check_same(cfg, wasm, rec["instantiate"])
        with host.stage(cfg, wasm, upto="start") as s:
            exports = s.module.to_dict()["export_details"]
            write_json(rec["start"], {"state": s.state.value, "sha256": _sha256(wasm),
                                      "start_export": cfg.start_export,
                                      "has_compile_all": s.module.export(cfg.compile_export) is not None,
                                      "exports": exports})

    def forget_native_code():
        """The cache entry compile.json names (doit clean)."""
        try:
            entry = json.loads(Path(rec["compile"]).read_text())["native_code"]
        except (OSError, ValueError, KeyError):
            return
        if entry:
            Path(entry).unlink(missing_ok=True)
            remove_leftovers([entry])

    return [
        {"name": "load", "doc": f"check {wasm} and write its WasmModule entity (load.json)",
         "actions": [load], "file_dep": [wasm], "targets": [rec["load"]],
         "uptodate": [config_changed(signature.loader(cfg))]},
        {"name": "compile", "doc": f"compile {wasm} to native code (cache entry named in compile.json)",
         "actions": [compile_native], "file_dep": [rec["load"]], "targets": [rec["compile"]],
         "uptodate": [config_changed(signature.native(cfg))], "clean_also": forget_native_code},
        {"name": "instantiate", "doc": f"resolve {wasm}'s imports against the shims (instantiate.json)",
         "actions": [instantiate], "file_dep": [rec["compile"]], "targets": [rec["instantiate"]],
         "uptodate": [config_changed(signature.execution(cfg))]},
        {"name": "start", "doc": f"run {wasm}'s _start: Initialized (start.json)",
         "actions": [start], "file_dep": [rec["instantiate"]], "targets": [rec["start"]],
         "uptodate": [config_changed(signature.execution(cfg))]},
    ]
