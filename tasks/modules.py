"""One compile task per source module per stage: stageN:module-<name>.

Stage N-1 (Initialized, see its start.json) compiles one source module through
compile_all into build/stageN/modules/<name>.art and its per-form results <name>.tsv.
A task depends on its source file, on the compiling stage's start record (which holds
the stage's wasm hash, so a new compiler reruns every module), on the runtime signature,
and, when [sources] context = "preceding", on the sources of the modules before it (the
compiler reads them for their definitions). Nothing else: editing one module reruns
only its own compile task in that stage.
"""
from __future__ import annotations

import os

from doit.tools import config_changed

from . import host, protocol, signature
from .config import SourceModule, StagesConfig
from .layout import Layout
from .outcome import StepFailed, stage_action


def _context(cfg: StagesConfig, index: int) -> list[str]:
    return [m.path for m in cfg.sources[:index]] if cfg.context == "preceding" else []


def run_compile_all(cfg: StagesConfig, wasm: str, request: str, what: str) -> int:
    with host.stage(cfg, wasm, upto="start") as s:
        if s.module.export(cfg.compile_export) is None:
            raise StepFailed(77, f"{wasm} does not export {cfg.compile_export} "
                                 f"(not a compiler stage for this rule set)")
        code = s.call(cfg.compile_export, request)
    if code not in (0, 1):
        raise StepFailed(2, f"{what}: {cfg.compile_export} returned {code}")
    return code


def task(cfg: StagesConfig, layout: Layout, n: int, index: int, module: SourceModule) -> dict:
    compiler = layout.wasm(n - 1)
    art, res = layout.artifact(n, module.name), layout.results(n, module.name)
    context = _context(cfg, index)
    tname = f"stage{n}:module-{module.name}"

    @stage_action(layout, tname)
    def compile_module():
        if not os.path.isfile(module.path):
            raise StepFailed(3, f"source module {module.path}: no such file")
        os.makedirs(os.path.dirname(art), exist_ok=True)
        for old in (art, res):  # never mistake a previous run's file for this run's
            if os.path.exists(old):
                os.unlink(old)
        request = protocol.compile_request(module.name, module.path, art, res, context)
        run_compile_all(cfg, compiler, request, f"compiling {module.path}")
        for f in (art, res):
            if not os.path.isfile(f):
                raise StepFailed(2, f"compiling {module.path}: {compiler} wrote no {f}")
        try:
            protocol.read_results(res)
        except protocol.ResultsError as e:
            raise StepFailed(2, str(e)) from None

    return {"name": f"module-{module.name}",
            "doc": f"stage {n - 1} compiles {module.path} -> {art}",
            "actions": [compile_module],
            "file_dep": [module.path, *context, layout.record(n - 1, "start")],
            "targets": [art, res],
            "uptodate": [config_changed(signature.execution(cfg))]}


def tasks(cfg: StagesConfig, layout: Layout, n: int) -> list[dict]:
    return [task(cfg, layout, n, i, m) for i, m in enumerate(cfg.sources)]
