"""How task actions end: success, or a doit TaskFailed whose message starts with the
seed's exit code, "[exit N] one line", which the bootstrap reporter (exit_status.py)
reads back (a plain prefix survives doit's process pool, where exceptions are pickled).

    @stage_action(layout, "stage2:link")
    def link(): ...            # raise StepFailed(code, msg) or a RuntimeFailure to fail

Each wrapped action also writes how long it took to build/times/<task>.json (atomically;
read by the summary only, never a dependency, so times do not make tasks out of date).
"""
from __future__ import annotations

import functools
import json
import re
import time
import traceback
from typing import Callable

from doit.exceptions import TaskFailed

from .layout import Layout

PREFIX = re.compile(r"\[exit (\d+)\] ")


class StepFailed(Exception):
    def __init__(self, code: int, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.code, self.message, self.detail = int(code), message, detail


def failed(code: int, message: str, detail: str = "") -> TaskFailed:
    text = f"[exit {int(code)}] {message}"
    return TaskFailed(text + (f"\n{detail}" if detail else ""))


def code_of(message: str) -> int | None:
    m = PREFIX.search(message or "")
    return int(m.group(1)) if m else None


def stage_action(layout: Layout, task_name: str) -> Callable:
    """Wrap a task action: failures become TaskFailed with their code, time is recorded."""
    def wrap(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def action(*args, **kwargs):
            from runtime.exit_codes import RuntimeFailure  # not at graph load: it is slow
            t0 = time.perf_counter()
            try:
                result = fn(*args, **kwargs)
            except (StepFailed, RuntimeFailure) as e:  # doit prints the message
                return failed(e.code, e.message, e.detail)
            except (KeyboardInterrupt, SystemExit):
                raise
            except Exception as e:  # a bug in the rule set: code 2 with the traceback
                return failed(2, f"{task_name}: {type(e).__name__}: {e}", traceback.format_exc())
            elapsed = time.perf_counter() - t0
            from runtime.atomic import atomic_write_text
            try:
                atomic_write_text(layout.timing(task_name),
                                  json.dumps({"task": task_name, "seconds": round(elapsed, 4)}) + "\n")
            except OSError:
                pass  # a time we cannot record is not a failed build
            return result if result is not None else True
        return action
    return wrap


def write_json(path: str, data: dict) -> None:
    """A record, written atomically, with stable key order (so equal data = equal bytes)."""
    from runtime.atomic import atomic_write_text
    atomic_write_text(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def remove_leftovers(targets: list[str]) -> None:
    """Temporary files an interrupted atomic write of a target left beside it
    (".NAME.*.tmp" from runtime/atomic.py and stage 1, ".NAME.*.part" from clysm:fs)."""
    from pathlib import Path
    for t in targets:
        p = Path(t)
        if p.parent.is_dir():
            for left in p.parent.glob(f".{p.name}.*"):
                if left.suffix in (".tmp", ".part"):
                    left.unlink(missing_ok=True)
