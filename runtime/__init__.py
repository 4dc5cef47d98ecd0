"""wasmboot's runtime: the wasmtime host for stage modules.

Library API (what the doit tasks and the compiler integration call):

    from runtime import RuntimeConfig, Stage, WasmModule, ExitCode, RuntimeFailure

    info = WasmModule.from_path("build/stage1.wasm")        # inspect: exports, imports
    config = RuntimeConfig(read_roots=["stages"], write_roots=["build"], time_limit=120)
    with Stage.open("build/stage1.wasm", config) as stage:  # load, instantiate, _start
        wasm = stage.compile_form("(defun f (x) x)")        # bytes of a Wasm module
        stage.call("compile_all", "stages/compiler")        # any export, externref args

    # step by step, e.g. one doit task per transition:
    stage = Stage(path, config); stage.load(); stage.instantiate(); stage.start()
    stage.state            # State.INITIALIZED
    stage.cache_result     # .hit, .reason, .path of the native code cache entry

Failures raise RuntimeFailure(code, message): `code` is an ExitCode (or the module's own
code for ModuleExited); `message` is one line; `detail` holds a backtrace or a list.
`run_module(path, config)` does the whole `python -m runtime run` job and returns the
exit code. Module layout: one concept per module (see each module's docstring).
"""
from __future__ import annotations

from .config import DEFAULT_STAGE1, RuntimeConfig
from .exit_codes import ExitCode, RuntimeFailure
from .lifecycle import IllegalTransition, ModuleExited, Stage, State
from .module import ExportSpec, ImportSpec, WasmModule
from .report import CompilationReport, FormFailure, ModuleResult, Summary, validate_report
from .runner import run_module

__all__ = [
    "RuntimeConfig", "DEFAULT_STAGE1", "ExitCode", "RuntimeFailure", "Stage", "State",
    "IllegalTransition", "ModuleExited", "WasmModule", "ImportSpec", "ExportSpec",
    "CompilationReport", "Summary", "ModuleResult", "FormFailure", "validate_report",
    "run_module",
]
