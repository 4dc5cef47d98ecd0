"""Helpers for the `doit auto` tests: throwaway projects, a `doit auto` subprocess whose
output is read by threads and waited on by condition (never by a fixed sleep), and the
three ways editors save a file."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
TIMEOUT = 120.0   # generous: a loaded 2-core machine


def make_small_project(root: Path, sources=("a", "b")) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(HERE / "fixture" / "dodo.py", root / "dodo.py")
    (root / "src").mkdir(exist_ok=True)
    for s in sources:
        (root / "src" / f"{s}.txt").write_text(f"(form one of {s})\n(form two of {s})\n")
    (root / "sources.txt").write_text("".join(f"src/{s}.txt\n" for s in sources))
    return root


def env() -> dict:
    e = dict(os.environ)
    e.pop("WASMBOOT_STAGES", None)
    e["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), e.get("PYTHONPATH")]))
    e["PYTHONUNBUFFERED"] = "1"
    return e


def wait_for(predicate, what: str, timeout: float = TIMEOUT, proc: "AutoProcess | None" = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if proc is not None and proc.proc.poll() is not None:
            break
        time.sleep(0.05)
    detail = f"\n--- stdout ---\n{proc.out()}\n--- stderr ---\n{proc.err()}" if proc else ""
    raise AssertionError(f"timed out waiting for {what}{detail}")


HEAD = re.compile(r"^\[\d\d:\d\d:\d\d\] ", re.M)


class AutoProcess:
    """`python -m doit auto ARGS` in `cwd`, its output collected as it comes."""

    def __init__(self, cwd: Path, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "doit", "auto", *args], cwd=cwd,
                                     env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        self._out: list[str] = []
        self._err: list[str] = []
        self._threads = [threading.Thread(target=self._pump, args=(s, buf), daemon=True)
                         for s, buf in ((self.proc.stdout, self._out), (self.proc.stderr, self._err))]
        for t in self._threads:
            t.start()

    @staticmethod
    def _pump(stream, buf: list[str]) -> None:
        for line in stream:
            buf.append(line)

    def out(self) -> str:
        return "".join(self._out)

    def err(self) -> str:
        return "".join(self._err)

    def blocks(self) -> list[str]:
        """The finished cycle blocks printed so far (each ends with its time line)."""
        text = self.out()
        starts = [m.start() for m in HEAD.finditer(text)] + [len(text)]
        blocks = [text[a:b] for a, b in zip(starts, starts[1:])]
        return [b for b in blocks if re.search(r"^  time +\S+ s$", b, re.M)]

    def wait_blocks(self, n: int, what: str = "") -> list[str]:
        return wait_for(lambda: (lambda b: b if len(b) >= n else None)(self.blocks()),
                        what or f"{n} cycle blocks", proc=self)

    def interrupt(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        try:
            code = self.proc.wait(timeout=TIMEOUT)
        finally:
            for t in self._threads:
                t.join(timeout=10)
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def run_doit(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "doit", *args], cwd=cwd, env=env(),
                          capture_output=True, text=True, timeout=TIMEOUT)


# The three ways editors save a file.

def save_in_place(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as f:   # truncate, write, close
        f.write(text)


def save_rename_over(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-save-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def save_backup_rename(path: Path, text: str) -> None:
    backup = path.with_name(path.name + "~")
    os.rename(path, backup)                         # vim's default: keep the old as backup
    save_in_place(path, text)
    os.unlink(backup)


SAVE_STYLES = {"in-place": save_in_place, "rename-over": save_rename_over,
               "backup-rename": save_backup_rename}
