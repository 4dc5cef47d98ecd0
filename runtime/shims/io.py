"""clysm:io - characters, strings and lines on fds (docs/abi.md).

Kept lean: write-char runs once per character of compiler output."""
from __future__ import annotations

from ..fd_table import INPUT, OUTPUT
from ..host_errors import Errno, HostError
from .state import HostState, os_error


def shims(st: HostState) -> dict:
    fds = st.fds
    writers = fds.writers
    readers = st.fds.readers

    def write_char(fd, codepoint):
        st.error = None
        w = writers.get(fd)
        if w is None:
            st.error = st.bad_fd(fd, OUTPUT)
            return
        try:
            data = chr(codepoint).encode()
        except (ValueError, UnicodeEncodeError, OverflowError):
            st.error = HostError(Errno.EILSEQ, f"{codepoint} is not a Unicode scalar value")
            return
        try:
            w(data)
        except (OSError, ValueError) as e:
            st.error = os_error(f"fd {fd}", e) if isinstance(e, OSError) else \
                HostError(Errno.EIO, f"fd {fd}: {e}")

    def write_string(fd, s):
        st.error = None
        w = writers.get(fd)
        if w is None:
            st.error = st.bad_fd(fd, OUTPUT)
            return
        if not isinstance(s, str):
            st.error = HostError(Errno.EINVAL, "write-string needs a host string")
            return
        try:
            data = s.encode()
        except UnicodeEncodeError:
            st.error = HostError(Errno.EILSEQ, "string holds a code point that is not a Unicode scalar value")
            return
        try:
            w(data)
        except OSError as e:
            st.error = os_error(f"fd {fd}", e)

    def read_char(fd):
        st.error = None
        r = readers.get(fd)
        if r is None:
            st.error = st.bad_fd(fd, INPUT)
            return -2
        try:
            c = r.read(1)
        except UnicodeDecodeError as e:
            fds.undecodable(fd, e)
            st.error = HostError(Errno.EILSEQ, f"fd {fd}: invalid UTF-8 ({e.reason})")
            return -2
        except OSError as e:
            st.error = os_error(f"fd {fd}", e)
            return -2
        return ord(c) if c else -1

    def read_line(fd):
        st.error = None
        r = readers.get(fd)
        if r is None:
            st.error = st.bad_fd(fd, INPUT)
            return None
        try:
            line = r.readline()
        except UnicodeDecodeError as e:
            fds.undecodable(fd, e)
            st.error = HostError(Errno.EILSEQ, f"fd {fd}: invalid UTF-8 ({e.reason})")
            return None
        except OSError as e:
            st.error = os_error(f"fd {fd}", e)
            return None
        if not line:
            return None
        return line[:-1] if line[-1] == "\n" else line

    return {
        "write-char": (write_char, False),
        "write-string": (write_string, False),
        "read-char": (read_char, False),
        "read-line": (read_line, False),
    }
