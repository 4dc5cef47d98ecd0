"""fixpoint: the two configured stage modules must be byte-identical (stage2 == stage3).

A difference is reported with the first differing offset and the Wasm section it falls
in (with the function index inside the code section), e.g.

    build/stage2.wasm and build/stage3.wasm differ at offset 1234 (0x4d2): section code (10), function body 7
"""
from __future__ import annotations

from pathlib import Path

from .config import StagesConfig
from .layout import Layout
from .outcome import StepFailed, stage_action, write_json

SECTION_NAMES = {0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory",
                 6: "global", 7: "export", 8: "start", 9: "element", 10: "code", 11: "data",
                 12: "data count", 13: "tag"}


def _leb(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise IndexError("truncated LEB128")
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, pos


def first_difference(a: bytes, b: bytes) -> int | None:
    """Offset of the first differing byte (the shorter length if one is a prefix)."""
    n = min(len(a), len(b))
    for start in range(0, n, 1 << 16):  # compare in blocks, then locate inside the block
        if a[start:start + (1 << 16)] != b[start:start + (1 << 16)]:
            for i in range(start, min(n, start + (1 << 16))):
                if a[i] != b[i]:
                    return i
    return None if len(a) == len(b) else n


def locate(data: bytes, offset: int) -> str:
    """Where `offset` falls in module `data`: header, a section (custom ones by name),
    the function body inside the code section, or past the end."""
    if offset < 8:
        return "header (magic and version)"
    pos = 8
    try:
        while pos < len(data):
            sid = data[pos]
            size, body = _leb(data, pos + 1)
            end = body + size
            if pos <= offset < end:
                name = SECTION_NAMES.get(sid, f"unknown id {sid}")
                where = f"section {name} ({sid})"
                if sid == 0:
                    nlen, p = _leb(data, body)
                    where += f" \"{data[p:p + nlen].decode('utf-8', 'replace')}\""
                elif sid == 10 and offset >= body:
                    count, p = _leb(data, body)
                    for i in range(count):
                        fsize, fbody = _leb(data, p)
                        if offset < fbody + fsize:
                            where += f", function body {i}"
                            break
                        p = fbody + fsize
                return where
            pos = end
    except IndexError:
        return "malformed section structure"
    return "past the end of the module"


def describe(a_path: str, b_path: str) -> str | None:
    a, b = Path(a_path).read_bytes(), Path(b_path).read_bytes()
    off = first_difference(a, b)
    if off is None:
        return None
    if off == min(len(a), len(b)):
        shorter = a_path if len(a) < len(b) else b_path
        return (f"{a_path} ({len(a)} bytes) and {b_path} ({len(b)} bytes) differ at offset "
                f"{off} (0x{off:x}): {shorter} ends there; the other continues in "
                f"{locate(a if len(a) > len(b) else b, off)}")
    return (f"{a_path} and {b_path} differ at offset {off} (0x{off:x}): "
            f"{locate(a, off)} in {a_path}, {locate(b, off)} in {b_path}")


def task(cfg: StagesConfig, layout: Layout) -> dict:
    a, b = cfg.fixpoint
    pa, pb = layout.wasm(a), layout.wasm(b)
    out = layout.fixpoint()

    @stage_action(layout, "fixpoint")
    def fixpoint():
        diff = describe(pa, pb)
        write_json(out, {"stages": [a, b], "paths": [pa, pb], "identical": diff is None,
                         "difference": diff, "size": Path(pa).stat().st_size})
        if diff is not None:
            raise StepFailed(2, f"no fixpoint: {diff}")
        print(f"fixpoint: {pa} == {pb} ({Path(pa).stat().st_size} bytes)")

    return {"basename": "fixpoint", "doc": f"check {pa} == {pb} byte for byte",
            "actions": [fixpoint], "file_dep": [pa, pb], "targets": [out]}
