"""clysm:sys - the last error, and exit."""
from __future__ import annotations

from .state import HostState


class ModuleExit(Exception):
    """Raised by clysm:sys exit; unwinds the Wasm stack to the host's call."""

    def __init__(self, code: int) -> None:
        super().__init__(f"module called exit({code})")
        self.code = code


def shims(st: HostState) -> dict:
    def errno():
        return int(st.error.errno) if st.error is not None else 0

    def strerror():
        return st.error.message if st.error is not None else None

    def exit_(code):
        raise ModuleExit(code)

    return {
        "errno": (errno, False),
        "strerror": (strerror, False),
        "exit": (exit_, False),
    }
