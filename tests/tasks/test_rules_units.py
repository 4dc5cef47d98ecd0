"""Pieces of the rule set on their own: locating a difference between two modules, the
compile_all request text, reading per-form results."""
from __future__ import annotations

import pytest
import wasmtime

from tasks import fixpoint, protocol

WAT = """(module
  (func $a (result i32) (i32.const 1))
  (func $b (result i32) (i32.const %d))
  (export "b" (func $b)))"""


def test_first_difference_and_its_section():
    one, two = bytes(wasmtime.wat2wasm(WAT % 2)), bytes(wasmtime.wat2wasm(WAT % 3))
    off = fixpoint.first_difference(one, two)
    assert off is not None and one[:off] == two[:off] and one[off] != two[off]
    assert fixpoint.locate(one, off) == "section code (10), function body 1"
    assert fixpoint.locate(one, 3) == "header (magic and version)"
    assert fixpoint.first_difference(one, one) is None
    assert fixpoint.first_difference(one, one + b"\0") == len(one)
    assert fixpoint.locate(one, len(one) + 5) == "past the end of the module"


def test_describe_a_module_that_is_a_prefix_of_the_other(tmp_path):
    one = bytes(wasmtime.wat2wasm(WAT % 2))
    a, b = tmp_path / "a.wasm", tmp_path / "b.wasm"
    a.write_bytes(one)
    b.write_bytes(one + b"\x00\x05\x04note")  # plus a custom section
    text = fixpoint.describe(str(a), str(b))
    assert f"differ at offset {len(one)}" in text and 'custom (0) "note"' in text
    b.write_bytes(one)
    assert fixpoint.describe(str(a), str(b)) is None


def test_requests():
    assert protocol.compile_request("m", "s/m.lisp", "b/m.art", "b/m.tsv", ["s/k.lisp"]) == \
        "context\ts/k.lisp\ncompile\tm\ts/m.lisp\tb/m.art\tb/m.tsv\n"
    assert protocol.link_request("b/s.wasm", ["x", "y"]) == "link\tb/s.wasm\tx\ty\n"
    with pytest.raises(ValueError):
        protocol.link_request("a\tb", [])


def test_read_results(tmp_path):
    p = tmp_path / "r.tsv"
    p.write_text("compiled\ta.lisp\t1\t1\tfoo\t\nfailed\ta.lisp\t9\t3\t-\tunsupported: go\n"
                 "skipped\ta.lisp\t12\t1\t-\t\n")
    rows = protocol.read_results(str(p))
    assert [r.status for r in rows] == ["compiled", "failed", "skipped"]
    assert (rows[1].line, rows[1].column, rows[1].reason) == (9, 3, "unsupported: go")
    p.write_text("done\ta.lisp\t1\t1\t-\t\n")
    with pytest.raises(protocol.ResultsError, match="unknown status"):
        protocol.read_results(str(p))
    p.write_text("failed\ta.lisp\tx\t1\t-\t\n")
    with pytest.raises(protocol.ResultsError, match="integers"):
        protocol.read_results(str(p))
