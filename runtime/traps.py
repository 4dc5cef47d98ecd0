"""Turning what wasmtime raises during a call into a RuntimeFailure (exit 2):
one line saying what happened, then the Wasm backtrace with function names."""
from __future__ import annotations

import re

import wasmtime

from .exit_codes import RuntimeFailure, failure

_CAUSE = re.compile(r"Caused by:\s*(.*)", re.S)


def _cause(text: str) -> str:
    m = _CAUSE.search(text)
    reason = (m.group(1) if m else text).strip()
    return " ".join(line.strip() for line in reason.splitlines() if line.strip()) or "unknown error"


def one_line(text: str) -> str:
    """wasmtime's multi-line error as one line: its first line and its cause."""
    lines = [l.strip() for l in text.strip().splitlines() if l.strip()]
    if not lines:
        return "unknown error"
    cause = _cause(text) if "Caused by:" in text else ""
    return f"{lines[0]}: {cause}" if cause and cause != lines[0] else lines[0]


_FRAME = re.compile(r"^\s*(\d+):\s+0x([0-9a-f]+) - (?:.*!)?(.*)$")


def _backtrace_from_text(text: str) -> list[str]:
    """Frames from wasmtime's error text ("0: 0x35 - <unknown>!name"), in our format."""
    lines = []
    for line in text.splitlines():
        m = _FRAME.match(line)
        if m:
            lines.append(f"  {m.group(1)}: {m.group(3).strip() or '<unknown>'} "
                         f"(module offset 0x{m.group(2)})")
    return lines


HEAD_FRAMES, TAIL_FRAMES = 30, 10  # a stack overflow has thousands of frames


def _shorten(lines: list[str]) -> list[str]:
    if len(lines) <= HEAD_FRAMES + TAIL_FRAMES + 1:
        return lines
    hidden = len(lines) - HEAD_FRAMES - TAIL_FRAMES
    return lines[:HEAD_FRAMES] + [f"  ... {hidden} frames omitted ..."] + lines[-TAIL_FRAMES:]


def backtrace(trap: wasmtime.Trap) -> list[str]:
    try:
        frames = trap.frames
    except Exception:  # pragma: no cover - defensive: fall back to the text
        return _shorten(_backtrace_from_text(trap.message))
    out = []
    for i, f in enumerate(frames):
        if HEAD_FRAMES <= i < len(frames) - TAIL_FRAMES:
            continue  # not named: omitted below
        name = f.func_name or f"<function {f.func_index}>"
        offset = f.module_offset
        where = f", module offset 0x{offset:x}" if offset < 1 << 63 else ""  # -1: unknown
        out.append(f"  {i}: {name} (function {f.func_index}{where})")
    if len(frames) > HEAD_FRAMES + TAIL_FRAMES:
        out.insert(HEAD_FRAMES, f"  ... {len(frames) - HEAD_FRAMES - TAIL_FRAMES} frames omitted ...")
    return out


def host_bug(exc: BaseException, what: str) -> RuntimeFailure:
    """A Python exception escaping a shim: a bug in the host, reported, never a crash."""
    import traceback
    return failure(f"{what}: internal error in the host: {type(exc).__name__}: {exc}",
                   "".join(traceback.format_exception(exc)).rstrip())


def describe(exc: BaseException, what: str, *, time_limit=None, fuel_limit=None, memory_limit=None,
             memory_size: int | None = None) -> RuntimeFailure:
    """A failure for an exception raised out of Wasm code while running `what`."""
    if isinstance(exc, wasmtime.Trap):
        code = exc.trap_code
        text = exc.message
        if code == wasmtime.TrapCode.INTERRUPT:
            reason = f"time bound of {time_limit} s exceeded"
        elif code == wasmtime.TrapCode.OUT_OF_FUEL:
            reason = f"fuel bound of {fuel_limit} units exhausted"
        else:
            reason = "trap: " + _cause(text).removeprefix("wasm trap: ")
            if memory_limit is not None and memory_size is not None and \
                    memory_size + 65536 > memory_limit:
                reason += f" (linear memory is at its bound of {memory_limit} bytes)"
        bt = backtrace(exc)
    else:
        text = str(exc)
        reason = _cause(text)
        if "GC heap out of memory" in text or "out of memory" in reason.lower():
            reason = f"memory bound of {memory_limit} bytes exceeded: {reason}" \
                if memory_limit is not None else f"out of memory: {reason}"
        bt = _shorten(_backtrace_from_text(text))
    detail = "wasm backtrace:\n" + "\n".join(bt) if bt else ""
    return failure(f"{what}: {reason}", detail)


__all__ = ["describe", "backtrace", "RuntimeFailure"]
