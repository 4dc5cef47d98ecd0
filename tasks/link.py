"""stageN:link: stage N-1 joins stage N's module artifacts, in source order, into
build/stageN.wasm (the `link` record of the compile_all protocol). The link reruns
only when an artifact's bytes (doit's checksum) or the linking stage changed."""
from __future__ import annotations

import os

from doit.tools import config_changed

from . import protocol, signature
from .config import StagesConfig
from .layout import Layout
from .modules import run_compile_all
from .outcome import StepFailed, stage_action


def task(cfg: StagesConfig, layout: Layout, n: int) -> dict:
    out = layout.wasm(n)
    artifacts = [layout.artifact(n, m.name) for m in cfg.sources]

    @stage_action(layout, f"stage{n}:link")
    def link():
        if os.path.exists(out):
            os.unlink(out)  # a failed link must not leave the previous module in place
        run_compile_all(cfg, layout.wasm(n - 1), protocol.link_request(out, artifacts),
                        f"linking {out}")
        if not os.path.isfile(out):
            raise StepFailed(2, f"linking {out}: {layout.wasm(n - 1)} wrote no module")

    return {"name": "link", "doc": f"stage {n - 1} links the module artifacts into {out}",
            "actions": [link], "file_dep": [*artifacts, layout.record(n - 1, "start")],
            "targets": [out], "uptodate": [config_changed(signature.execution(cfg))]}
