"""Fixtures of the `doit auto` tests (helpers in auto_helpers.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from auto_helpers import AutoProcess  # noqa: E402


@pytest.fixture
def autos():
    """Start `doit auto` processes; any still running at the end is killed."""
    started: list[AutoProcess] = []

    def start(cwd, *args) -> AutoProcess:
        p = AutoProcess(cwd, *args)
        started.append(p)
        return p
    yield start
    for p in started:
        p.kill()
