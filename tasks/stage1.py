"""How build/stage1.wasm is made ([stage1] method in stages/stages.toml):

    stage0   our stage 0 (the Python interpreter, stages/stage0/) loads the compiler's Lisp
             source ([stage1] load: module lists or files) and calls its entry function
             (entry inputs output :results-path results) on the source modules; it runs as
             a subprocess (python -m tasks.stage0_driver) with one Lisp world of its own.
    wasm     an existing stage 1 module ([stage1] path), copied.
    command  any command ([stage1] argv); {output}, {results} and {sources} are replaced
             by the output path, the per-form results path and the source paths. For
             instance the compiler's SBCL driver.

The output is written to a temporary file first and renamed when the maker succeeded,
so a killed or failed run never leaves a stage1.wasm that looks finished.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

from .config import StagesConfig
from .layout import Layout
from .outcome import StepFailed, stage_action


def _expand(item: str) -> list[str]:
    """A file; a module list (*.txt: the list and the files it names); or a glob."""
    if any(c in item for c in "*?["):
        return sorted(p.as_posix() for p in Path().glob(item) if p.is_file())
    out = [item]
    if item.endswith(".txt"):
        base = PurePosixPath(item).parent
        try:
            lines = Path(item).read_text(encoding="utf-8").splitlines()
        except OSError:
            return out  # the task reports the missing file
        out += [str(base / l.strip()) for l in lines if l.strip() and not l.strip().startswith("#")]
    return out


def _inputs(cfg: StagesConfig) -> list[str]:
    """Every file stage 1 is made from: the sources, [stage1] inputs and what stage 0 loads."""
    r = cfg.stage1
    if r.method == "wasm":
        return [r.path]
    deps = [m.path for m in cfg.sources]
    for item in list(r.inputs) + list(r.load):
        deps += _expand(item)
    return list(dict.fromkeys(deps))


REPO_ROOT = Path(__file__).resolve().parent.parent


def _run(argv: list[str], what: str) -> None:
    env = dict(os.environ)  # tasks/ and stages/ importable whatever the project directory
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    try:
        p = subprocess.run(argv, capture_output=True, text=True, env=env)
    except FileNotFoundError:
        raise StepFailed(3, f"{what}: {argv[0]}: command not found") from None
    sys.stdout.write(p.stdout)
    sys.stderr.write(p.stderr)
    if p.returncode not in (0, 1):  # 1: some forms failed, the module is still written
        tail = (p.stderr or p.stdout).strip().splitlines()
        raise StepFailed(2 if p.returncode != 3 else 3,
                         f"{what} exited with code {p.returncode}"
                         + (f": {tail[-1]}" if tail else ""))


def tasks(cfg: StagesConfig, layout: Layout) -> list[dict]:
    out = layout.wasm(1)
    results = layout.stage1_results()
    r = cfg.stage1
    targets = [out] + ([results] if r.method != "wasm" else [])

    @stage_action(layout, "stage1:make")
    def make():
        for dep in _inputs(cfg):
            if not Path(dep).is_file():
                raise StepFailed(3, f"stage 1 needs {dep}: no such file")
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(results).parent.mkdir(parents=True, exist_ok=True)
        # hidden temporary names beside the targets: renamed only when the maker succeeded
        tmp = str(Path(out).with_name(f".{Path(out).name}.{os.getpid()}.tmp"))
        tmp_results = str(Path(results).with_name(f".{Path(results).name}.{os.getpid()}.tmp"))
        try:
            if r.method == "wasm":
                shutil.copyfile(r.path, tmp)
            else:
                sources = [m.path for m in cfg.sources]
                if r.method == "stage0":
                    argv = [sys.executable, "-m", "tasks.stage0_driver", "--entry", r.entry,
                            "--output", tmp, "--results", tmp_results]
                    for item in r.load:
                        argv += ["--load", item]
                    argv += sources
                else:
                    argv = []
                    for a in r.argv:
                        if a == "{sources}":
                            argv += sources
                        else:
                            argv.append(a.replace("{output}", tmp).replace("{results}", tmp_results))
                _run(argv, f"stage 1 ({r.method})")
                if not Path(tmp).is_file():
                    raise StepFailed(2, f"stage 1 ({r.method}) wrote no module")
                if Path(tmp_results).is_file():
                    os.replace(tmp_results, results)
                else:  # a maker that reports no per-form results: an empty list
                    Path(results).write_text("")
            os.replace(tmp, out)
        finally:
            for t in (tmp, tmp_results):
                if os.path.exists(t):
                    os.unlink(t)

    return [{"name": "make", "doc": f"make {out} ({r.method})", "actions": [make],
             "file_dep": _inputs(cfg), "targets": targets}]
