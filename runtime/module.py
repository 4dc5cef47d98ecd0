"""The seed's WasmModule and ImportSpec entities, read from a file.

    >>> m = WasmModule.from_path("build/stage1.wasm")
    >>> m.exports                     # exported function names (the seed's field)
    >>> m.imports[0].module, m.imports[0].name, m.imports[0].params
    >>> print(m.to_json())

`from_path` checks that the file exists and is readable (else exit 3), then the magic
bytes, version 1 and section structure (else exit 2). Types are named as text by our
own binary reader (`wasm_binary`), so listing a module never touches wasmtime's type API.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .exit_codes import failure, missing
from .wasm_binary import HOST_TYPES, BinaryModule, WasmFormatError, parse


@dataclass(frozen=True)
class ImportSpec:
    """One import the module requires. params/results are set for functions."""
    module: str
    name: str
    kind: str = "function"
    params: tuple[str, ...] | None = None
    results: tuple[str, ...] | None = None
    type: str = ""  # the type as text, for every kind

    @property
    def qualified(self) -> str:
        return f"{self.module} {self.name}"

    def to_dict(self) -> dict:
        d = {"module": self.module, "name": self.name, "kind": self.kind}
        if self.params is not None:
            d["params"] = list(self.params)
            d["results"] = list(self.results or ())
        else:
            d["type"] = self.type
        return d


@dataclass(frozen=True)
class ExportSpec:
    """One export; params/results are set for functions."""
    name: str
    kind: str
    params: tuple[str, ...] | None = None
    results: tuple[str, ...] | None = None

    def to_dict(self) -> dict:
        d = {"name": self.name, "kind": self.kind}
        if self.params is not None:
            d["params"] = list(self.params)
            d["results"] = list(self.results or ())
        return d


@dataclass
class WasmModule:
    path: str
    size: int
    exports: list[str]                 # exported function names (seed field)
    imports: list[ImportSpec]
    export_specs: list[ExportSpec] = field(default_factory=list)  # every export, any kind
    wasm: bytes = field(default=b"", repr=False)

    @classmethod
    def from_path(cls, path: str | os.PathLike) -> "WasmModule":
        p = Path(path)
        try:
            data = p.read_bytes()
        except FileNotFoundError:
            raise missing(f"{p}: no such file") from None
        except IsADirectoryError:
            raise missing(f"{p}: is a directory, not a Wasm file") from None
        except PermissionError:
            raise missing(f"{p}: not readable (permission denied)") from None
        except OSError as e:
            raise missing(f"{p}: cannot read: {e.strerror or e}") from None
        return cls.from_bytes(data, str(p))

    @classmethod
    def from_bytes(cls, data: bytes, path: str = "<bytes>") -> "WasmModule":
        try:
            binary = parse(data)
        except WasmFormatError as e:
            raise failure(f"{path}: {e}") from None
        return cls._from_binary(binary, path, data)

    @classmethod
    def _from_binary(cls, b: BinaryModule, path: str, data: bytes) -> "WasmModule":
        imports = [
            ImportSpec(i.module, i.name, i.kind,
                       i.sig.params if i.sig else None,
                       i.sig.results if i.sig else None,
                       i.type_text)
            for i in b.imports
        ]
        specs = [
            ExportSpec(e.name, e.kind, e.sig.params if e.sig else None,
                       e.sig.results if e.sig else None)
            for e in b.exports
        ]
        funcs = [e.name for e in b.exports if e.kind == "function"]
        return cls(path, len(data), funcs, imports, specs, bytes(data))

    # -- queries -----------------------------------------------------------------------

    def export(self, name: str) -> ExportSpec | None:
        for e in self.export_specs:
            if e.name == name:
                return e
        return None

    def inexpressible(self) -> list[str]:
        """One line per import/export function whose signature the host cannot call."""
        lines = []
        for i in self.imports:
            if i.params is not None:
                bad = [t for t in i.params + i.results if t not in HOST_TYPES]
                if bad:
                    lines.append(f"import {i.module} {i.name}: {', '.join(bad)}")
        for e in self.export_specs:
            if e.params is not None:
                bad = [t for t in e.params + e.results if t not in HOST_TYPES]
                if bad:
                    lines.append(f"export {e.name}: {', '.join(bad)}")
        return lines

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "size": self.size,
            "exports": list(self.exports),
            "imports": [i.to_dict() for i in self.imports],
            "export_details": [e.to_dict() for e in self.export_specs],
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

