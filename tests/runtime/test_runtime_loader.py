"""Loading and inspecting: the WasmModule entity, bad inputs and their exit codes,
and random bytes (hypothesis) always ending in a clean exit code."""
import os

import pytest
import wasmtime
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runtime import ExitCode, RuntimeFailure, Stage, WasmModule

GC_MODULE = '''(module
  (rec (type $cons (sub (struct (field (mut anyref)) (field (mut anyref)))))
       (type $sym (sub final $cons (struct (field (mut anyref)) (field (mut anyref)) (field i8)))))
  (type $str (array (mut i8)))
  (import "clysm:io" "write-char" (func (param i32 i32)))
  (import "clysm:mem" "load-string" (func (param i32 i32) (result externref)))
  (memory (export "memory") 1)
  (global (export "nil") (ref null $cons) (ref.null $cons))
  (func $internal (param (ref $cons)) (result anyref) (struct.get $cons 0 (local.get 0)))
  (func (export "_start"))
  (func (export "compile_form") (param externref) (result externref) (local.get 0)))'''


def test_entity_fields_and_json(wat):
    path = wat(GC_MODULE)
    m = WasmModule.from_path(path)
    assert m.path == str(path) and m.size == os.path.getsize(path)
    assert m.exports == ["_start", "compile_form"]
    assert [(i.module, i.name, i.kind, i.params, i.results) for i in m.imports] == [
        ("clysm:io", "write-char", "function", ("i32", "i32"), ()),
        ("clysm:mem", "load-string", "function", ("i32", "i32"), ("externref",)),
    ]
    d = m.to_dict()
    assert d["imports"][1] == {"module": "clysm:mem", "name": "load-string", "kind": "function",
                               "params": ["i32", "i32"], "results": ["externref"]}
    kinds = {e["name"]: e["kind"] for e in d["export_details"]}
    assert kinds == {"memory": "memory", "nil": "global", "_start": "function",
                     "compile_form": "function"}
    assert m.inexpressible() == []


def test_gc_typed_exports_are_named_not_aborted(wat):
    m = WasmModule.from_path(wat('''(module (type $s (struct (field i32)))
        (func (export "mk") (param anyref i31ref) (result (ref $s)) (struct.new $s (i32.const 1))))'''))
    assert m.export("mk").params == ("anyref", "i31ref")
    assert m.export("mk").results == ("(ref $0)",)
    assert m.inexpressible() == ["export mk: anyref, i31ref, (ref $0)"]


@pytest.mark.parametrize("data, fragment", [
    (b"", "truncated"),
    (b"\x00as", "truncated"),
    (b"hello, world", "not a WebAssembly module"),
    (b"\x7fELF\x02\x01\x01\x00", "magic bytes"),
    (b"\x00asm\x02\x00\x00\x00", "version 2"),
    (b"\x00asm\x01\x00\x00", "truncated"),
    (b"\x00asm\x01\x00\x00\x00\x01\x05\x01\x60", "truncated"),
    (b"\x00asm\x01\x00\x00\x00\x01\x80", "truncated"),
    (b"\x00asm\x01\x00\x00\x00\x63\x00", "unknown section"),
])
def test_bad_input_is_exit_2(tmp_path, data, fragment):
    p = tmp_path / "bad.wasm"
    p.write_bytes(data)
    with pytest.raises(RuntimeFailure) as e:
        WasmModule.from_path(p)
    assert e.value.code == ExitCode.FAILURE
    assert fragment in e.value.message and "\n" not in e.value.message


def test_truncated_real_module(wat, tmp_path):
    data = wat(GC_MODULE).read_bytes()
    for cut in (9, 20, len(data) // 2, len(data) - 1):
        p = tmp_path / "cut.wasm"
        p.write_bytes(data[:cut])
        with pytest.raises(RuntimeFailure) as e:
            Stage(p).load()
        assert e.value.code == ExitCode.FAILURE, cut


def test_missing_and_unreadable_files_are_exit_3(tmp_path):
    with pytest.raises(RuntimeFailure) as e:
        WasmModule.from_path(tmp_path / "nope.wasm")
    assert e.value.code == ExitCode.MISSING_DEP
    with pytest.raises(RuntimeFailure) as e:
        WasmModule.from_path(tmp_path)
    assert e.value.code == ExitCode.MISSING_DEP


def test_invalid_code_is_exit_2_at_load(tmp_path, make_config):
    # well-formed sections, invalid function body: only wasmtime's validation sees it
    good = wasmtime.wat2wasm('(module (func (export "f") (result i32) (i32.const 7)))')
    bad = bytes(good).replace(b"\x41\x07\x0b", b"\x6a\x07\x0b")  # i32.const -> i32.add
    p = tmp_path / "invalid.wasm"
    p.write_bytes(bad)
    cfg, _ = make_config()
    with pytest.raises(RuntimeFailure) as e:
        Stage(p, cfg).load()
    assert e.value.code == ExitCode.FAILURE and "invalid WebAssembly" in e.value.message


VALID = bytes(wasmtime.wat2wasm(GC_MODULE))
CLEAN = {ExitCode.SUCCESS, ExitCode.FAILURE, ExitCode.SKIP}


def _load_code(data: bytes, tmp_path) -> int:
    p = tmp_path / "fuzz.wasm"
    p.write_bytes(data)
    try:
        stage = Stage(p, cfg_for(tmp_path))
        stage.load()
        stage.close()
        return 0
    except RuntimeFailure as f:
        assert "\n" not in f.message
        return f.code


def cfg_for(tmp_path):
    from runtime import RuntimeConfig
    return RuntimeConfig(cache_dir=None, base_dir=tmp_path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200))
def test_random_bytes_end_in_a_clean_code(tmp_path, data):
    assert _load_code(data, tmp_path) in CLEAN


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=120))
def test_random_bodies_after_a_valid_header_end_in_a_clean_code(tmp_path, body):
    assert _load_code(b"\x00asm\x01\x00\x00\x00" + body, tmp_path) in CLEAN


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), min_size=1, max_size=4))
def test_mutated_valid_modules_end_in_a_clean_code(tmp_path, edits):
    data = bytearray(VALID)
    for pos, value in edits:
        data[pos] = value
    assert _load_code(bytes(data), tmp_path) in CLEAN
