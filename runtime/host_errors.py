"""The errno values of the host ABI (docs/abi.md, "Error convention").

Shims never raise into the module: they catch HostError, record its errno and message
as the instance's last error, and return the documented error value.
"""
from __future__ import annotations

from enum import IntEnum


class Errno(IntEnum):
    OK = 0
    ENOENT = 1      # file does not exist
    EBADF = 2       # unknown or closed fd
    EDIRECTION = 3  # read from an output fd / write to an input fd
    EACCES = 4      # refused by the sandbox
    EEXIST = 5      # exists and if-exists is "error"
    EMFILE = 6      # too many open fds
    EILSEQ = 7      # invalid UTF-8 / not a Unicode scalar value
    EINVAL = 8      # bad argument
    EIO = 9         # any other OS error


class HostError(Exception):
    def __init__(self, errno: Errno, message: str) -> None:
        super().__init__(message)
        self.errno = errno
        self.message = message
