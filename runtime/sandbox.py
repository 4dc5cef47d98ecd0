"""Which files a stage module may touch: read roots and write roots.

A module names files by relative paths, resolved against the base directory. Refused
(errno EACCES): absolute paths, any `..` component, and any path whose real location
(symlinks resolved) is not inside a root of the right kind. Writing is allowed only
under write roots; reading under read roots or write roots (a stage reads back what
it wrote).
"""
from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from .host_errors import Errno, HostError


class Sandbox:
    def __init__(self, base_dir: str | os.PathLike, read_roots, write_roots) -> None:
        base = Path(base_dir)
        self.base = Path(os.path.realpath(base))
        self.write_roots = [self._root(r) for r in write_roots]
        self.read_roots = [self._root(r) for r in read_roots] + self.write_roots

    def _root(self, root) -> Path:
        return Path(os.path.realpath(self.base / Path(root)))

    def resolve(self, name: object, for_write: bool) -> Path:
        """The real path for `name`, or HostError(EACCES/EINVAL) if refused."""
        if not isinstance(name, str) or not name:
            raise HostError(Errno.EINVAL, "path must be a non-empty string")
        if "\0" in name:
            raise HostError(Errno.EINVAL, "path contains a NUL character")
        pure = PurePosixPath(name)
        if pure.is_absolute() or os.path.isabs(name):
            raise HostError(Errno.EACCES, f"{name}: absolute paths are refused")
        if ".." in pure.parts:
            raise HostError(Errno.EACCES, f"{name}: '..' is refused")
        real = Path(os.path.realpath(self.base / pure))
        roots = self.write_roots if for_write else self.read_roots
        for root in roots:
            if real == root or root in real.parents:
                return real
        kind = "write" if for_write else "read"
        raise HostError(Errno.EACCES, f"{name}: outside the {kind} roots")
