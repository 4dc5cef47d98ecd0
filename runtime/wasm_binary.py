"""A reader for the parts of the WebAssembly binary format the host needs.

It checks the header (magic, version 1), walks the sections with bounds checks and
decodes the type section (including WasmGC rec groups, sub types, struct and array
types), the import, function and export sections. Everything the loader lists comes from
here, never from wasmtime's type API: asking wasmtime for the type of a GC-typed import
or export can abort the whole process, while this reader names any type as text.

It does not validate code; wasmtime does that when it compiles the module.
"""
from __future__ import annotations

from dataclasses import dataclass, field

MAGIC = b"\x00asm"
VERSION = b"\x01\x00\x00\x00"

# Abstract heap types (GC proposal), by their single-byte encoding.
_HEAP_TYPES = {
    0x70: "func", 0x6F: "extern", 0x6E: "any", 0x6D: "eq", 0x6C: "i31",
    0x6B: "struct", 0x6A: "array", 0x71: "none", 0x72: "noextern",
    0x73: "nofunc", 0x69: "exn", 0x74: "noexn", 0x68: "cont", 0x75: "nocont",
}
_NUMERIC = {0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64", 0x7B: "v128"}
_PACKED = {0x78: "i8", 0x77: "i16"}

# The value types wasmtime's Python API can carry across the host boundary.
HOST_TYPES = frozenset({"i32", "i64", "f32", "f64", "externref", "funcref"})

EXTERN_KINDS = {0: "function", 1: "table", 2: "memory", 3: "global", 4: "tag"}


class WasmFormatError(ValueError):
    """The bytes are not a well-formed WebAssembly module (one-line message)."""


@dataclass(frozen=True)
class FuncSig:
    params: tuple[str, ...]
    results: tuple[str, ...]

    def text(self) -> str:
        return f"({', '.join(self.params)}) -> ({', '.join(self.results)})"


@dataclass(frozen=True)
class CompositeType:
    kind: str                      # "func", "struct" or "array"
    sig: FuncSig | None = None     # for "func"
    fields: tuple[str, ...] = ()   # for "struct" / "array", as text


@dataclass(frozen=True)
class Import:
    module: str
    name: str
    kind: str                      # one of EXTERN_KINDS' values
    type_text: str                 # the imported entity's type as text
    sig: FuncSig | None = None     # functions whose type is a func type


@dataclass(frozen=True)
class Export:
    name: str
    kind: str
    index: int
    sig: FuncSig | None = None


@dataclass
class BinaryModule:
    types: list[CompositeType] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    exports: list[Export] = field(default_factory=list)
    func_types: list[int] = field(default_factory=list)  # type index of each function


class _Reader:
    __slots__ = ("data", "pos", "end")

    def __init__(self, data: bytes, pos: int = 0, end: int | None = None) -> None:
        self.data = data
        self.pos = pos
        self.end = len(data) if end is None else end

    def byte(self) -> int:
        if self.pos >= self.end:
            raise WasmFormatError(f"truncated module: unexpected end at byte {self.pos}")
        b = self.data[self.pos]
        self.pos += 1
        return b

    def peek(self) -> int:
        if self.pos >= self.end:
            raise WasmFormatError(f"truncated module: unexpected end at byte {self.pos}")
        return self.data[self.pos]

    def u32(self) -> int:
        result = shift = 0
        for _ in range(5):
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                if result >= 1 << 32:
                    break
                return result
            shift += 7
        raise WasmFormatError(f"malformed LEB128 integer before byte {self.pos}")

    def u64(self) -> int:
        result = shift = 0
        for _ in range(10):
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7
        raise WasmFormatError(f"malformed LEB128 integer before byte {self.pos}")

    def s33(self) -> int:
        result = shift = 0
        for _ in range(5):
            b = self.byte()
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                if b & 0x40:
                    result -= 1 << shift
                return result
        raise WasmFormatError(f"malformed LEB128 integer before byte {self.pos}")

    def bytes(self, n: int) -> bytes:
        if n > self.end - self.pos:
            raise WasmFormatError(f"truncated module: {n} bytes needed at byte {self.pos}")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def name(self) -> str:
        raw = self.bytes(self.u32())
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise WasmFormatError(f"invalid UTF-8 in a name before byte {self.pos}") from None

    def count(self) -> int:
        """A vector length; each element needs at least one byte, so bound it early."""
        n = self.u32()
        if n > self.end - self.pos:
            raise WasmFormatError(f"truncated module: vector of {n} items at byte {self.pos}")
        return n


def _heap_type(r: _Reader) -> str:
    b = r.peek()
    if b == 0x65:  # shared abstract heap type
        r.byte()
        return "shared " + _heap_type(r)
    if b in _HEAP_TYPES:
        r.byte()
        return _HEAP_TYPES[b]
    idx = r.s33()
    if idx < 0:
        raise WasmFormatError(f"unknown heap type before byte {r.pos}")
    return f"${idx}"


_NULLABLE_SHORTHAND = {
    "func": "funcref", "extern": "externref", "any": "anyref", "eq": "eqref",
    "i31": "i31ref", "struct": "structref", "array": "arrayref", "exn": "exnref",
    "none": "nullref", "noextern": "nullexternref", "nofunc": "nullfuncref",
    "noexn": "nullexnref",
}


def _ref_text(nullable: bool, heap: str) -> str:
    if nullable and heap in _NULLABLE_SHORTHAND:
        return _NULLABLE_SHORTHAND[heap]
    return f"(ref {'null ' if nullable else ''}{heap})"


def _val_type(r: _Reader) -> str:
    b = r.byte()
    if b in _NUMERIC:
        return _NUMERIC[b]
    if b in (0x63, 0x64):  # (ref null ht) / (ref ht)
        return _ref_text(b == 0x63, _heap_type(r))
    if b in _HEAP_TYPES:   # shorthand nullable reference
        return _ref_text(True, _HEAP_TYPES[b])
    raise WasmFormatError(f"unknown value type 0x{b:02x} at byte {r.pos - 1}")


def _field_type(r: _Reader) -> str:
    b = r.peek()
    if b in _PACKED:
        r.byte()
        text = _PACKED[b]
    else:
        text = _val_type(r)
    mut = r.byte()
    if mut not in (0, 1):
        raise WasmFormatError(f"bad mutability flag at byte {r.pos - 1}")
    return f"(mut {text})" if mut else text


def _composite(r: _Reader) -> CompositeType:
    form = r.byte()
    if form == 0x60:
        params = tuple(_val_type(r) for _ in range(r.count()))
        results = tuple(_val_type(r) for _ in range(r.count()))
        return CompositeType("func", FuncSig(params, results))
    if form == 0x5F:
        return CompositeType("struct", fields=tuple(_field_type(r) for _ in range(r.count())))
    if form == 0x5E:
        return CompositeType("array", fields=(_field_type(r),))
    if form == 0x5D:  # continuation type (stack switching): a type index
        return CompositeType("cont", fields=(f"${r.u32()}",))
    raise WasmFormatError(f"unknown type form 0x{form:02x} at byte {r.pos - 1}")


def _sub_type(r: _Reader) -> CompositeType:
    b = r.peek()
    if b in (0x50, 0x4F):  # sub / sub final, with a list of super types
        r.byte()
        for _ in range(r.count()):
            r.u32()
    return _composite(r)


def _type_section(r: _Reader, out: BinaryModule) -> None:
    for _ in range(r.count()):
        if r.peek() == 0x4E:  # rec group
            r.byte()
            for _ in range(r.count()):
                out.types.append(_sub_type(r))
        else:
            out.types.append(_sub_type(r))


def _limits(r: _Reader) -> str:
    flags = r.byte()
    if flags > 0x07:
        raise WasmFormatError(f"bad limits flags 0x{flags:02x} at byte {r.pos - 1}")
    wide = flags & 0x04
    read = r.u64 if wide else r.u32
    low = read()
    text = f"{'i64 ' if wide else ''}{low}"
    if flags & 0x01:
        text += f" {read()}"
    if flags & 0x02:
        text += " shared"
    return text


def _signature(out: BinaryModule, type_index: int, where: int) -> FuncSig:
    if type_index >= len(out.types):
        raise WasmFormatError(f"type index {type_index} out of range at byte {where}")
    t = out.types[type_index]
    if t.kind != "func":
        raise WasmFormatError(f"type {type_index} is a {t.kind} type, not a function type")
    return t.sig  # type: ignore[return-value]


def _import_section(r: _Reader, out: BinaryModule) -> None:
    for _ in range(r.count()):
        module, name = r.name(), r.name()
        kind = r.byte()
        where = r.pos
        if kind == 0x00:
            sig = _signature(out, r.u32(), where)
            out.imports.append(Import(module, name, "function", sig.text(), sig))
        elif kind == 0x01:
            ref = _val_type(r)
            out.imports.append(Import(module, name, "table", f"{_limits(r)} {ref}"))
        elif kind == 0x02:
            out.imports.append(Import(module, name, "memory", _limits(r)))
        elif kind == 0x03:
            vt = _val_type(r)
            mut = r.byte()
            if mut not in (0, 1):
                raise WasmFormatError(f"bad mutability flag at byte {r.pos - 1}")
            out.imports.append(Import(module, name, "global", f"(mut {vt})" if mut else vt))
        elif kind == 0x04:
            r.byte()  # attribute: always 0 (exception)
            sig = _signature(out, r.u32(), where)
            out.imports.append(Import(module, name, "tag", sig.text(), None))
        else:
            raise WasmFormatError(f"unknown import kind 0x{kind:02x} at byte {where - 1}")


def _export_section(r: _Reader, out: BinaryModule) -> None:
    func_imports = [i for i in out.imports if i.kind == "function"]
    for _ in range(r.count()):
        name = r.name()
        kind = r.byte()
        index = r.u32()
        if kind not in EXTERN_KINDS:
            raise WasmFormatError(f"unknown export kind 0x{kind:02x} for {name!r}")
        sig = None
        if kind == 0:
            if index < len(func_imports):
                sig = func_imports[index].sig
            elif index - len(func_imports) < len(out.func_types):
                sig = _signature(out, out.func_types[index - len(func_imports)], r.pos)
            else:
                raise WasmFormatError(f"export {name!r} names function {index}, which does not exist")
        out.exports.append(Export(name, EXTERN_KINDS[kind], index, sig))


def parse(data: bytes) -> BinaryModule:
    """Check the header and decode the sections the host lists.

    Raises WasmFormatError with a one-line message on anything malformed.
    """
    if len(data) < 8:
        if (MAGIC + VERSION).startswith(data) or data[:4] == MAGIC:
            raise WasmFormatError(f"truncated module: {len(data)} bytes, the header alone needs 8")
        raise WasmFormatError("not a WebAssembly module: bad magic bytes")
    if data[:4] != MAGIC:
        raise WasmFormatError(f"not a WebAssembly module: magic bytes are {data[:4].hex(' ')}, expected 00 61 73 6d")
    if data[4:8] != VERSION:
        version = int.from_bytes(data[4:8], "little")
        raise WasmFormatError(f"unsupported WebAssembly version {version} (expected 1)")
    out = BinaryModule()
    r = _Reader(data, 8)
    while r.pos < r.end:
        section_id = r.byte()
        size = r.u32()
        start = r.pos
        if size > r.end - start:
            raise WasmFormatError(
                f"truncated module: section {section_id} at byte {start} needs {size} bytes, "
                f"{r.end - start} left")
        body = _Reader(data, start, start + size)
        if section_id == 1:
            _type_section(body, out)
        elif section_id == 2:
            _import_section(body, out)
        elif section_id == 3:
            out.func_types = [body.u32() for _ in range(body.count())]
        elif section_id == 7:
            _export_section(body, out)
        elif section_id == 0:
            body.name()  # custom section: only its name must be well-formed
            body.pos = body.end
        elif section_id > 13:
            raise WasmFormatError(f"unknown section id {section_id} at byte {start - 1}")
        else:
            body.pos = body.end
        if section_id in (1, 2, 3, 7) and body.pos != body.end:
            raise WasmFormatError(f"section {section_id} size mismatch at byte {start}")
        r.pos = start + size
    return out
