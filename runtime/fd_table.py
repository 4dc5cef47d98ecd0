"""The seed's FileDescriptor table: integer fds for a module's open files.

0 stdin, 1 stdout, 2 stderr (the host streams of the RuntimeConfig), 3 and up user
files. Each entry keeps id, handle, path, direction ("input"/"output") and a closed flag.
Ids are never reused, and closed entries stay in the table, so a stale fd is reported
as closed (EBADF) instead of silently reaching a newer file.

Inputs are read as UTF-8 text (invalid UTF-8 is EILSEQ for the module). An output file
is written to a temporary file in the target's directory and renamed onto its path by
`close`: a run that stops early never leaves a half-written file; at teardown
(`close_all`) unclosed outputs are discarded.

The hot paths (write-char, read-char) go through the `writers`/`readers` dicts, which
hold the bound methods of the open fds only.
"""
from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable

from .host_errors import Errno, HostError

INPUT = "input"
OUTPUT = "output"
STANDARD_NAMES = ("<stdin>", "<stdout>", "<stderr>")


@dataclass
class FileDescriptor:
    id: int
    handle: Any            # text reader (input) or binary writer (output); None once closed
    path: str
    direction: str         # INPUT or OUTPUT
    closed: bool = False
    temp_path: str | None = None   # output files: where bytes go until close
    final_path: str | None = None  # output files: the real path they get on close
    standard: bool = False         # 0-2: the host's own streams, never closed by us


class _UndecodableInput:
    """Stands in for an input whose bytes are not valid UTF-8: every later read fails
    the same way (the text decoder would otherwise report a silent end of file)."""

    def __init__(self, error: UnicodeDecodeError) -> None:
        self.error = error

    def read(self, n: int = -1) -> str:
        raise self.error

    readline = read


class FdTable:
    def __init__(self, stdin: BinaryIO, stdout: BinaryIO, stderr: BinaryIO,
                 max_open: int = 64) -> None:
        self.max_open = max_open
        self.entries: dict[int, FileDescriptor] = {}
        self.writers: dict[int, Callable[[bytes], Any]] = {}
        self.readers: dict[int, io.TextIOBase] = {}
        self.next_id = 3
        reader = io.TextIOWrapper(stdin, encoding="utf-8", errors="strict", newline="")
        self._add(FileDescriptor(0, reader, STANDARD_NAMES[0], INPUT, standard=True))
        self._add(FileDescriptor(1, stdout, STANDARD_NAMES[1], OUTPUT, standard=True))
        self._add(FileDescriptor(2, stderr, STANDARD_NAMES[2], OUTPUT, standard=True))

    def _add(self, entry: FileDescriptor) -> None:
        self.entries[entry.id] = entry
        if entry.direction == INPUT:
            self.readers[entry.id] = entry.handle
        else:
            self.writers[entry.id] = entry.handle.write

    def undecodable(self, fd: int, error: UnicodeDecodeError) -> None:
        """Mark input `fd` as failed with `error` for all later reads."""
        if fd in self.readers:
            self.readers[fd] = _UndecodableInput(error)  # type: ignore[assignment]

    @property
    def open_user_fds(self) -> int:
        return sum(1 for e in self.entries.values() if not e.closed and not e.standard)

    # -- opening and closing ---------------------------------------------------------

    def open(self, real: Path, name: str, direction: str, if_exists: str,
             if_does_not_exist: str) -> int:
        """Open `real` (already cleared by the sandbox); `name` is what the module asked for."""
        if self.open_user_fds >= self.max_open:
            raise HostError(Errno.EMFILE, f"{name}: too many open files (limit {self.max_open})")
        exists = real.exists()
        if exists and real.is_dir():
            raise HostError(Errno.EINVAL, f"{name}: is a directory")
        if direction == INPUT:
            if not exists:
                if if_does_not_exist == "error":
                    raise HostError(Errno.ENOENT, f"{name}: no such file")
                raise HostError(Errno.EINVAL, f"{name}: if-does-not-exist create is only for output")
            try:
                raw = open(real, "rb")
            except OSError as e:
                raise HostError(Errno.EIO, f"{name}: {e.strerror}") from None
            handle = io.TextIOWrapper(raw, encoding="utf-8", errors="strict", newline="")
            entry = FileDescriptor(self.next_id, handle, name, INPUT)
        else:
            if exists and if_exists == "error":
                raise HostError(Errno.EEXIST, f"{name}: file exists")
            if not exists and if_does_not_exist == "error":
                raise HostError(Errno.ENOENT, f"{name}: no such file")
            try:
                real.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".part", dir=real.parent)
                handle = os.fdopen(fd, "wb")
            except OSError as e:
                raise HostError(Errno.EIO, f"{name}: {e.strerror}") from None
            entry = FileDescriptor(self.next_id, handle, name, OUTPUT,
                                   temp_path=tmp, final_path=str(real))
        self.next_id += 1
        self._add(entry)
        return entry.id

    def entry(self, fd: int) -> FileDescriptor:
        e = self.entries.get(fd)
        if e is None:
            raise HostError(Errno.EBADF, f"fd {fd} is not open")
        if e.closed:
            raise HostError(Errno.EBADF, f"fd {fd} ({e.path}) is closed")
        return e

    def bad_fd(self, fd: int, wanted: str) -> HostError:
        """The error for an fd that is not an open `wanted` fd."""
        e = self.entry(fd)  # raises EBADF for unknown or closed
        if wanted == OUTPUT:
            return HostError(Errno.EDIRECTION, f"fd {fd} ({e.path}) is an input, not an output")
        return HostError(Errno.EDIRECTION, f"fd {fd} ({e.path}) is an output, not an input")

    def close(self, fd: int) -> None:
        e = self.entry(fd)
        self.readers.pop(fd, None)
        self.writers.pop(fd, None)
        e.closed = True
        handle, e.handle = e.handle, None
        try:
            if e.standard:
                if e.direction == OUTPUT:
                    handle.flush()
                else:
                    handle.detach()  # leave the host's stdin open
                return
            handle.close()
            if e.temp_path is not None:
                os.replace(e.temp_path, e.final_path)
                e.temp_path = None
        except OSError as err:
            self._discard(e)
            raise HostError(Errno.EIO, f"fd {fd} ({e.path}): {err.strerror}") from None

    def _discard(self, e: FileDescriptor) -> None:
        if e.temp_path is not None:
            try:
                os.unlink(e.temp_path)
            except OSError:
                pass
            e.temp_path = None

    def close_all(self) -> list[str]:
        """Teardown: flush the standard outputs, close every user file, discard unclosed
        outputs. Returns the paths of the discarded outputs."""
        discarded = []
        for e in self.entries.values():
            if e.closed:
                continue
            if e.standard:
                if e.direction == OUTPUT:
                    try:
                        e.handle.flush()
                    except (OSError, ValueError):
                        pass
                else:
                    try:
                        e.handle.detach()
                    except ValueError:
                        pass
                e.closed = True
                e.handle = None
                continue
            try:
                e.handle.close()
            except OSError:
                pass
            e.handle = None
            e.closed = True
            if e.temp_path is not None:
                discarded.append(e.path)
                self._discard(e)
        self.readers.clear()
        self.writers.clear()
        return discarded

    def flush_standard(self) -> None:
        for fd in (1, 2):
            w = self.entries[fd]
            if not w.closed:
                try:
                    w.handle.flush()
                except (OSError, ValueError):
                    pass
