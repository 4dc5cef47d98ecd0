"""clysm:fs - opening, closing and whole-file transfer (text or octets), through the sandbox."""
from __future__ import annotations

from ..fd_table import INPUT, OUTPUT
from ..host_errors import Errno, HostError
from .state import HostState, os_error

_DIRECTIONS = {"input": INPUT, "output": OUTPUT}
_IF_EXISTS = ("supersede", "error")
_IF_DOES_NOT_EXIST = ("error", "create")


def _keyword(value, allowed: tuple[str, ...], default: str, what: str) -> str:
    """A keyword argument as a lower-case host string; null means the CL default."""
    if value is None:
        return default
    if isinstance(value, str):
        v = value.lower().lstrip(":")
        if v in allowed:
            return v
    raise HostError(Errno.EINVAL, f"{what} must be one of {', '.join(allowed)}, not {value!r}")


def shims(st: HostState) -> dict:
    fds = st.fds
    readers = fds.readers
    writers = fds.writers
    sandbox = st.sandbox

    def open_(path, direction, if_exists, if_does_not_exist):
        st.error = None
        try:
            if not isinstance(direction, str) or direction.lower().lstrip(":") not in _DIRECTIONS:
                raise HostError(Errno.EINVAL, f"direction must be input or output, not {direction!r}")
            d = _DIRECTIONS[direction.lower().lstrip(":")]
            exists = _keyword(if_exists, _IF_EXISTS, "error", "if-exists")
            missing = _keyword(if_does_not_exist, _IF_DOES_NOT_EXIST,
                               "error" if d == INPUT else "create", "if-does-not-exist")
            real = sandbox.resolve(path, for_write=(d == OUTPUT))
            return fds.open(real, path, d, exists, missing)
        except HostError as e:
            st.error = e
            return -int(e.errno)
        except OSError as e:
            st.error = os_error(str(path), e)
            return -int(Errno.EIO)

    def close(fd):
        st.error = None
        try:
            fds.close(fd)
        except HostError as e:
            st.error = e

    def read_all(fd):
        st.error = None
        r = readers.get(fd)
        if r is None:
            st.error = st.bad_fd(fd, INPUT)
            return None
        try:
            return r.read()
        except UnicodeDecodeError as e:
            fds.undecodable(fd, e)
            st.error = HostError(Errno.EILSEQ, f"fd {fd}: invalid UTF-8 ({e.reason})")
        except OSError as e:
            st.error = os_error(f"fd {fd}", e)
        return None

    def read_bytes(fd):
        # Octets travel as a host string of code points 0-255 (one per octet, latin-1),
        # so modules reuse their string conversion; only the undecoded bytes are read.
        st.error = None
        r = readers.get(fd)
        if r is None:
            st.error = st.bad_fd(fd, INPUT)
            return None
        raw = getattr(r, "buffer", None)
        if raw is None:  # input that already failed to decode
            return read_all(fd)
        try:
            return raw.read().decode("latin-1")
        except OSError as e:
            st.error = os_error(f"fd {fd}", e)
        return None

    def write_all(fd, contents):
        st.error = None
        w = writers.get(fd)
        if w is None:
            st.error = st.bad_fd(fd, OUTPUT)
            return
        if isinstance(contents, str):
            try:
                data = contents.encode()
            except UnicodeEncodeError:
                st.error = HostError(Errno.EILSEQ, "string holds a code point that is not a Unicode scalar value")
                return
        elif isinstance(contents, (bytes, bytearray, memoryview)):
            data = contents
        else:
            st.error = HostError(Errno.EINVAL, "write-all needs a host string or bytes")
            return
        try:
            w(data)
        except OSError as e:
            st.error = os_error(f"fd {fd}", e)

    return {
        "open": (open_, False),
        "close": (close, False),
        "read-all": (read_all, False),
        "read-bytes": (read_bytes, False),
        "write-all": (write_all, False),
    }
