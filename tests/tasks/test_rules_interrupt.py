"""A build killed with SIGKILL in the middle of a stage, then `doit bootstrap` again:
the second build ends with a correct fixpoint (artifacts are written atomically and
doit's sqlite3 dependency database is transactional)."""
from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from rules_helpers import doit_argv, env_for, fixture_project, run_doit


@pytest.mark.parametrize("marker", ["stage2/modules/a.tsv", "stage2/instantiate.json",
                                    "stage3/modules/b.art"])
def test_sigkill_mid_stage_then_bootstrap_reaches_the_fixpoint(project: Path, marker: str):
    build = project / "build"
    proc = subprocess.Popen(doit_argv(project, "bootstrap"), env=env_for(project),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not (build / marker).exists() and proc.poll() is None:
            if time.monotonic() > deadline:
                pytest.fail(f"{marker} never appeared")
            time.sleep(0.002)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    if proc.returncode != -signal.SIGKILL:
        pytest.skip("the build finished before it could be killed")  # too fast to interrupt
    assert not (build / "summary.json").exists()
    again = run_doit(project, "bootstrap")
    assert again.code == 0, again.out + again.err
    want = fixture_project.compiler_bytes()
    for n in (1, 2, 3):
        assert (build / f"stage{n}.wasm").read_bytes() == want
    assert run_doit(project, "bootstrap").ran == set()
    # an interrupted atomic write may leave its hidden temporary file behind (".x.*.tmp"
    # from runtime/atomic.py, ".x.*.part" from clysm:fs), never a half file under a
    # target's name (the byte comparisons above)
    for p in build.rglob(".*"):
        if p.is_file():
            assert p.name.endswith((".tmp", ".part")), p
    # and `doit clean` removes them with everything else the tasks made
    assert run_doit(project, command="clean").code == 0
    assert [p for p in build.rglob("*") if p.is_file()] == []
