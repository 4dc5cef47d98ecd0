"""The files a dodo file reads while it loads: its configuration.

A task graph is often built from configuration files (our rule set reads
stages/stages.toml and the module lists it names). doit does not know about them, so
while the dodo file loads, `reads_recorded` notes every file opened for reading through
`open` / `io.open` (which pathlib uses too). Editing one of them must reload the graph:
a module added to a list becomes a new compile task. Imports are not recorded (the
import system opens files by other means), and nothing is recorded once tasks run.
"""
from __future__ import annotations

import builtins
import contextlib
import io
import os
from typing import Iterator

_WRITE_MODES = set("wax+")


@contextlib.contextmanager
def reads_recorded(into: set[str]) -> Iterator[set[str]]:
    original = builtins.open

    def recording_open(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)) and not _WRITE_MODES.intersection(mode):
            into.add(os.path.abspath(os.fsdecode(file)))
        return original(file, mode, *args, **kwargs)

    builtins.open = io.open = recording_open
    try:
        yield into
    finally:
        builtins.open = io.open = original
