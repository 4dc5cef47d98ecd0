"""The task graph, assembled from the generators of this package (dodo.py uses it):

    stage1:make -> stage1:load -> stage1:compile -> stage1:instantiate -> stage1:start
    [stage1:report, when stage 1's maker writes per-form results]
    for N in 2..last:  (stage N-1, Initialized, does the work)
        stageN:module-<m> (one per source module) -> stageN:link -> stageN:{load..start}
        stageN:report (from the modules' per-form results)
    fixpoint (stage a == stage b) -> summary -> bootstrap

Dependencies are files (doit's file_dep/targets, checked by MD5) plus config_changed
values for what is not a file (signature.py); no calc_dep anywhere (doit 0.37 can
crash under -n with calc_dep plus task_dep on one task).
"""
from __future__ import annotations

import os
from typing import Callable, Iterator

from doit.task import clean_targets

from . import fixpoint, lifecycle, link, modules, report, stage1, summary
from .config import StagesConfig
from .exit_status import BootstrapReporter
from .layout import Layout
from .outcome import remove_leftovers

DEP_FILE = ".doit.db"


def doit_config(cfg: StagesConfig) -> dict:
    layout = Layout(cfg.build_dir)
    BootstrapReporter.summary_path = layout.summary()
    return {
        "default_tasks": ["bootstrap"],
        # What a bare `doit auto` keeps up to date: Stage 2 and its report (tasks/auto).
        "auto_tasks": ["stage2:link", "stage2:report"],
        "dep_file": DEP_FILE,          # in the project root, ignored by git (.doit.db*)
        "backend": "sqlite3",          # transactional: a killed build never corrupts it
        "reporter": BootstrapReporter,
    }


def _remove(*paths: str) -> None:
    for p in paths:
        try:
            os.unlink(p)
        except FileNotFoundError:
            pass


def _with_clean(task: dict, basename: str, layout: Layout) -> dict:
    """`doit clean` removes a task's targets, its timing record, the leftovers of
    interrupted writes and what it names in task["clean_also"] (e.g. the native code
    cache entry of a compile step)."""
    full = task.get("basename", basename) + (f":{task['name']}" if "name" in task else "")
    also = task.pop("clean_also", None)
    actions = [clean_targets, (_remove, [layout.timing(full)]),
               (remove_leftovers, [list(task.get("targets", [])) + [layout.timing(full)]])]
    if also is not None:
        actions.insert(0, also)  # it may read a target (compile.json) to know what to remove
    if task.get("actions"):
        task["clean"] = actions
    return task


def _creator(doc: str, gen: Callable[[], Iterator[dict]], basename: str, layout: Layout) -> Callable:
    def creator():
        for task in gen():
            yield _with_clean(task, basename, layout)
    creator.__doc__ = doc
    return creator


def creators(cfg: StagesConfig) -> dict[str, Callable]:
    """name -> doit task creator (task_<name>), each with its one-line doc."""
    layout = Layout(cfg.build_dir)
    out: dict[str, Callable] = {}

    def stage_one():
        yield from stage1.tasks(cfg, layout)
        yield from lifecycle.tasks(cfg, layout, 1)
        if cfg.stage1.method != "wasm":
            yield report.task(cfg, layout, 1)
    out["task_stage1"] = _creator(
        f"Stage 1: make {layout.wasm(1)} ({cfg.stage1.method}); load, compile, instantiate, start it",
        stage_one, "stage1", layout)

    for n in range(2, cfg.last_stage + 1):
        def stage_n(n=n):
            yield from modules.tasks(cfg, layout, n)
            yield link.task(cfg, layout, n)
            yield report.task(cfg, layout, n)
            yield from lifecycle.tasks(cfg, layout, n)
        out[f"task_stage{n}"] = _creator(
            f"Stage {n}: stage {n - 1} compiles each source module, links {layout.wasm(n)}, "
            f"reports; then load, compile, instantiate, start it", stage_n,
            f"stage{n}", layout)

    out["task_fixpoint"] = _creator(
        f"Fixpoint: stage{cfg.fixpoint[0]}.wasm == stage{cfg.fixpoint[1]}.wasm byte for byte",
        lambda: iter([fixpoint.task(cfg, layout)]), "fixpoint", layout)
    out["task_summary"] = _creator(
        "Summary: each stage's size, coverage and time, the fixpoint, the exit status",
        lambda: iter([summary.task(cfg, layout)]), "summary", layout)

    def bootstrap():
        yield {"basename": "bootstrap", "actions": None,
               "task_dep": ["summary"] + [f"stage{n}" for n in range(1, cfg.last_stage + 1)],
               "doc": "the whole chain: stage 1 .. stage N, fixpoint, summary"}
    out["task_bootstrap"] = _creator(
        "Bootstrap: every stage to a verified fixpoint, then the summary (the default)", bootstrap,
        "bootstrap", layout)
    return out
