"""Per-instance host state the shims share: the fd table, the sandbox, the last error
(the ABI's errno/strerror) and access to the module's exported linear memory."""
from __future__ import annotations

from ..bridge import MemoryAccess
from ..fd_table import FdTable
from ..host_errors import Errno, HostError
from ..sandbox import Sandbox


class HostState:
    __slots__ = ("fds", "sandbox", "error", "memory", "keep")

    def __init__(self, fds: FdTable, sandbox: Sandbox) -> None:
        self.fds = fds
        self.sandbox = sandbox
        self.error: HostError | None = None   # the last shim error; None = errno 0
        self.memory: MemoryAccess | None = None  # set once the instance exists
        self.keep: list = []                   # host-call callbacks, alive with the instance

    @property
    def errno(self) -> int:
        return int(self.error.errno) if self.error is not None else 0

    def bad_fd(self, fd: int, wanted: str) -> HostError:
        try:
            return self.fds.bad_fd(fd, wanted)
        except HostError as e:
            return e


def os_error(what: str, e: OSError) -> HostError:
    return HostError(Errno.EIO, f"{what}: {e.strerror or e}")
