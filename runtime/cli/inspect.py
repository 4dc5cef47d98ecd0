"""`python -m runtime inspect WASM`: the WasmModule entity as JSON on stdout."""
from __future__ import annotations

import sys

from ..exit_codes import RuntimeFailure
from ..module import WasmModule


def register(sub) -> None:
    p = sub.add_parser("inspect", help="print a module's path, size, exports and imports as JSON",
                       description="Print the WasmModule entity (path, size, exported function "
                                   "names, imports with their types, every export with its kind) "
                                   "as JSON. Exit 3 if the file is missing, 2 if it is not Wasm.")
    p.add_argument("wasm", metavar="WASM", help="path of a .wasm file")
    p.set_defaults(handler=handle)


def handle(args) -> int:
    try:
        module = WasmModule.from_path(args.wasm)
    except RuntimeFailure as f:
        print(f"error: {f.message}", file=sys.stderr)
        return f.code
    print(module.to_json())
    return 0
