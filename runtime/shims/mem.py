"""clysm:mem - bulk moves between host strings/bytes (externref) and linear memory.

Compiled Lisp cannot look inside an externref; it asks for the UTF-8 length, reserves
that much memory, and has the host copy the bytes in (or hands the host a range to
turn into a string or bytes object). Pointers are unsigned 32-bit offsets into the
module's exported "memory"."""
from __future__ import annotations

import ctypes

from ..host_errors import Errno, HostError
from .state import HostState

_U32 = 0xFFFFFFFF


def shims(st: HostState) -> dict:
    # `store` nearly always follows `length` on the same object: keep its encoding.
    last = [object(), b""]  # (object, its encoding); the sentinel matches nothing

    def encoded(obj):
        if obj is last[0]:
            return last[1]
        if isinstance(obj, str):
            try:
                data = obj.encode()
            except UnicodeEncodeError:
                raise HostError(Errno.EILSEQ, "string holds a code point that is not a Unicode scalar value") from None
        elif isinstance(obj, bytes):
            data = obj
        elif isinstance(obj, bytearray):
            return bytes(obj)  # mutable: never cached
        else:
            raise HostError(Errno.EINVAL, "expected a host string or bytes, got "
                            + ("null" if obj is None else type(obj).__name__))
        last[0], last[1] = obj, data
        return data

    def memory_range(ctx, ptr, length):
        if st.memory is None:
            raise HostError(Errno.EINVAL, "the module exports no memory named \"memory\"")
        if length < 0:
            raise HostError(Errno.EINVAL, f"negative length {length}")
        base, size = st.memory.bounds(ctx)
        ptr &= _U32
        if ptr + length > size:
            raise HostError(Errno.EINVAL, f"range {ptr}+{length} is outside the memory ({size} bytes)")
        return base + ptr

    def length(ctx, obj):
        st.error = None
        try:
            return len(encoded(obj))
        except HostError as e:
            st.error = e
            return -1

    def store(ctx, obj, ptr):
        st.error = None
        try:
            data = encoded(obj)
            addr = memory_range(ctx, ptr, len(data))
        except HostError as e:
            st.error = e
            return -1
        ctypes.memmove(addr, data, len(data))
        return len(data)

    def load_string(ctx, ptr, length):
        st.error = None
        try:
            addr = memory_range(ctx, ptr, length)
        except HostError as e:
            st.error = e
            return None
        try:
            return ctypes.string_at(addr, length).decode()
        except UnicodeDecodeError as e:
            st.error = HostError(Errno.EILSEQ, f"invalid UTF-8 at byte {e.start} of the range")
            return None

    def load_bytes(ctx, ptr, length):
        st.error = None
        try:
            addr = memory_range(ctx, ptr, length)
        except HostError as e:
            st.error = e
            return None
        return ctypes.string_at(addr, length)

    return {
        "length": (length, True),
        "store": (store, True),
        "load-string": (load_string, True),
        "load-bytes": (load_bytes, True),
    }
