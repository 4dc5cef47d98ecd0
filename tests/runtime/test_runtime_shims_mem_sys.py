"""clysm:mem (bulk moves through linear memory) and clysm:sys (errno, strerror, exit)."""
import pytest

from runtime import ModuleExited, Stage, State
from runtime.host_errors import Errno

PEEK = '''(func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0)))
(func (export "poke") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))'''


@pytest.fixture
def mem_probe(wat, make_config, probe_wat):
    path = wat(probe_wat(PEEK), "memprobe.wasm")
    cfg, _ = make_config()
    with Stage.open(path, cfg) as stage:
        yield stage


def test_length_and_store_copy_utf8(mem_probe):
    s = mem_probe
    assert s.call("mem.length", "aλ") == 3
    assert s.call("mem.store", "aλ", 100) == 3
    assert [s.call("peek", 100 + i) for i in range(3)] == list("aλ".encode())
    assert s.call("mem.length", b"\x01\x02") == 2
    assert s.call("mem.store", b"\x01\x02", 200) == 2
    assert s.call("peek", 201) == 2
    assert s.call("mem.length", "") == 0


def test_load_string_and_bytes(mem_probe):
    s = mem_probe
    for i, b in enumerate("héllo".encode()):
        s.call("poke", 10 + i, b)
    assert s.call("mem.load-string", 10, 6) == "héllo"
    assert s.call("mem.load-bytes", 10, 6) == "héllo".encode()
    assert s.call("mem.load-string", 10, 0) == ""
    assert s.call("sys.errno") == 0


def test_round_trip_of_a_large_string(mem_probe):
    s = mem_probe
    text = "λx." * 15000
    n = s.call("mem.store", text, 0)
    assert n == len(text.encode())
    assert s.call("mem.load-string", 0, n) == text


def test_mem_errors(mem_probe):
    s = mem_probe
    assert s.call("mem.length", None) == -1 and s.call("sys.errno") == Errno.EINVAL
    assert s.call("mem.length", 3) == -1 and s.call("sys.errno") == Errno.EINVAL
    assert s.call("mem.store", "abc", 65535) == -1 and s.call("sys.errno") == Errno.EINVAL
    assert "outside the memory" in s.call("sys.strerror")
    assert s.call("mem.store", "abc", -1) == -1 and s.call("sys.errno") == Errno.EINVAL
    assert s.call("mem.load-string", 0, -1) is None and s.call("sys.errno") == Errno.EINVAL
    assert s.call("mem.load-bytes", 65530, 10) is None and s.call("sys.errno") == Errno.EINVAL
    s.call("poke", 0, 0xFF)
    assert s.call("mem.load-string", 0, 1) is None and s.call("sys.errno") == Errno.EILSEQ
    assert s.call("mem.store", "\ud800", 0) == -1 and s.call("sys.errno") == Errno.EILSEQ


def test_mem_without_exported_memory(wat, make_config):
    path = wat('''(module (import "clysm:mem" "load-string" (func $l (param i32 i32) (result externref)))
      (import "clysm:sys" "errno" (func $e (result i32)))
      (func (export "try") (result i32) (drop (call $l (i32.const 0) (i32.const 1))) (call $e)))''')
    cfg, _ = make_config()
    with Stage.open(path, cfg) as stage:
        assert stage.call("try") == Errno.EINVAL


def test_exit_stops_the_module_with_its_code(wat, make_config):
    path = wat('''(module (import "clysm:sys" "exit" (func $exit (param i32)))
      (import "clysm:io" "write-char" (func $wc (param i32 i32)))
      (func (export "_start") (call $wc (i32.const 1) (i32.const 65))
        (call $exit (i32.const 7)) (call $wc (i32.const 1) (i32.const 66))))''')
    cfg, streams = make_config()
    stage = Stage(path, cfg).load().instantiate()
    with pytest.raises(ModuleExited) as e:
        stage.start()
    assert e.value.code == 7
    assert stage.state == State.STOPPED and stage.exit_code == 7
    assert streams.stdout.getvalue() == b"A"


def test_errno_after_exit_zero_inside_call(probe):
    stage, _ = probe()
    with pytest.raises(ModuleExited) as e:
        stage.call("sys.exit", 0)
    assert e.value.code == 0 and stage.state == State.STOPPED


def test_internalized_gc_values_passed_as_externref_are_einval(wat, make_config):
    # extern.convert_any makes an externref that is not a host object: an error value,
    # never a host crash
    path = wat('''(module (type $s (struct (field i32)))
      (import "clysm:mem" "length" (func $len (param externref) (result i32)))
      (import "clysm:sys" "errno" (func $errno (result i32)))
      (func (export "struct") (result i32)
        (drop (call $len (extern.convert_any (struct.new $s (i32.const 5))))) (call $errno))
      (func (export "i31") (result i32)
        (call $len (extern.convert_any (ref.i31 (i32.const 5))))))''')
    cfg, _ = make_config()
    with Stage.open(path, cfg) as stage:
        assert stage.call("struct") == Errno.EINVAL
        assert stage.call("i31") == -1
