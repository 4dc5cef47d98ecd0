"""Where each artifact lives. Everything a task makes is under the build directory:

    build/stage1.wasm                      stage 1 (made by stage 0, copied, or a command)
    build/stage1/results.tsv               stage 0's per-form results (when it writes them)
    build/stageN/load.json                 lifecycle: WasmModule entity (validated)
    build/stageN/compile.json              lifecycle: native code entry in the cache
    build/stageN/instantiate.json          lifecycle: import resolution record
    build/stageN/start.json                lifecycle: initialization record
    build/stageN/modules/<m>.art           module m compiled by stage N-1 (its artifact)
    build/stageN/modules/<m>.tsv           module m's per-form results
    build/stageN.wasm                      the link of stage N's module artifacts
    build/stageN-report.json               CompilationReport of stage N
    build/times/<task>.json                how long each task took (read by the summary only)
    build/fixpoint.json                    the fixpoint verdict
    build/summary.json                     sizes, coverage, fixpoint, times, exit code
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

LIFECYCLE = ("load", "compile", "instantiate", "start")


@dataclass(frozen=True)
class Layout:
    build: str

    def _p(self, *parts: str) -> str:
        return str(PurePosixPath(self.build, *parts))

    def wasm(self, n: int) -> str:
        return self._p(f"stage{n}.wasm")

    def stage_dir(self, n: int) -> str:
        return self._p(f"stage{n}")

    def record(self, n: int, step: str) -> str:
        return self._p(f"stage{n}", f"{step}.json")

    def stage1_results(self) -> str:
        return self._p("stage1", "results.tsv")

    def artifact(self, n: int, module: str) -> str:
        return self._p(f"stage{n}", "modules", f"{module}.art")

    def results(self, n: int, module: str) -> str:
        return self._p(f"stage{n}", "modules", f"{module}.tsv")

    def report(self, n: int) -> str:
        return self._p(f"stage{n}-report.json")

    def timing(self, task: str) -> str:
        return self._p("times", task.replace(":", "--") + ".json")

    def fixpoint(self) -> str:
        return self._p("fixpoint.json")

    def summary(self) -> str:
        return self._p("summary.json")
