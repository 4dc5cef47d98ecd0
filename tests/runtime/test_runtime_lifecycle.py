"""The state machine, traps, bounds, import resolution and boundary types."""
import pytest

from runtime import ExitCode, IllegalTransition, RuntimeFailure, Stage, State

HELLO = '''(module
  (import "clysm:mem" "load-string" (func $ls (param i32 i32) (result externref)))
  (import "clysm:io" "write-string" (func $ws (param i32 externref)))
  (memory (export "memory") 1)
  (data (i32.const 0) "hi")
  (func (export "_start") (call $ws (i32.const 1) (call $ls (i32.const 0) (i32.const 2))))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))'''


def test_transitions_in_order(wat, make_config):
    cfg, streams = make_config()
    stage = Stage(wat(HELLO), cfg)
    assert stage.state == State.NOT_LOADED
    assert stage.load().state == State.COMPILED
    assert stage.module.exports == ["_start", "add"]
    assert stage.instantiate().state == State.RUNNING
    assert streams.stdout.getvalue() == b""  # _start has not run yet
    assert stage.start().state == State.INITIALIZED
    assert streams.stdout.getvalue() == b"hi"
    assert stage.call("add", 2, 3) == 5
    rec = stage.record()
    assert rec["state"] == "Initialized" and rec["native_code"]["reason"] == "disabled"
    assert [i["shim"] for i in rec["imports"]] == ["clysm:mem load-string", "clysm:io write-string"]
    assert rec["module"]["exports"] == ["_start", "add"] and len(rec["sha256"]) == 64
    stage.close()


@pytest.mark.parametrize("steps, action", [
    ([], "instantiate"), ([], "start"), ([], "call"),
    (["load"], "load"), (["load"], "start"), (["load"], "call"),
    (["load", "instantiate"], "load"), (["load", "instantiate"], "instantiate"),
    (["load", "instantiate"], "call"),
    (["load", "instantiate", "start"], "start"), (["load", "instantiate", "start"], "load"),
    (["load", "instantiate", "start"], "instantiate"),
])
def test_illegal_transitions_raise(wat, make_config, steps, action):
    cfg, _ = make_config()
    stage = Stage(wat(HELLO), cfg)
    for step in steps:
        getattr(stage, step)()
    before = stage.state
    with pytest.raises(IllegalTransition, match=f"in state {before.value}"):
        if action == "call":
            stage.call("add", 1, 2)
        else:
            getattr(stage, action)()
    assert stage.state == before
    stage.close()


def test_module_without_start_initializes(wat, make_config):
    cfg, _ = make_config()
    with Stage.open(wat('(module (func (export "f") (result i32) (i32.const 1)))'), cfg) as s:
        assert s.state == State.INITIALIZED and s.call("f") == 1


def test_trap_reports_message_and_named_backtrace(wat, make_config):
    cfg, _ = make_config()
    stage = Stage(wat('''(module (func $inner unreachable) (func $outer call $inner)
                         (func $start (export "_start") call $outer))'''), cfg)
    stage.load().instantiate()
    with pytest.raises(RuntimeFailure) as e:
        stage.start()
    f = e.value
    assert f.code == ExitCode.FAILURE
    assert "unreachable" in f.message and "\n" not in f.message
    assert "inner" in f.detail and "outer" in f.detail and "start" in f.detail
    assert f.detail.index("inner") < f.detail.index("outer")
    assert stage.state == State.STOPPED
    with pytest.raises(IllegalTransition):
        stage.call("_start")


def test_trap_in_call_after_start(wat, make_config):
    cfg, _ = make_config()
    with Stage.open(wat('''(module (func (export "div") (param i32) (result i32)
                             (i32.div_s (i32.const 1) (local.get 0))))'''), cfg) as s:
        with pytest.raises(RuntimeFailure, match="divide by zero") as e:
            s.call("div", 0)
        assert e.value.code == 2


def test_infinite_loop_is_stopped_by_the_time_bound(wat, make_config):
    cfg, _ = make_config(time_limit=0.2)
    stage = Stage(wat('(module (func $spin (export "_start") (loop $l (br $l))))'), cfg)
    stage.load().instantiate()
    with pytest.raises(RuntimeFailure, match=r"time bound of 0.2 s exceeded") as e:
        stage.start()
    assert e.value.code == ExitCode.FAILURE and "spin" in e.value.detail


def test_infinite_loop_is_stopped_by_fuel(wat, make_config):
    cfg, _ = make_config(fuel_limit=5_000_000)
    stage = Stage(wat('(module (func (export "_start") (loop $l (br $l))))'), cfg)
    with pytest.raises(RuntimeFailure, match="fuel bound of 5000000 units exhausted") as e:
        stage.load().instantiate().start()
    assert e.value.code == ExitCode.FAILURE


def test_gc_memory_hog_is_stopped_by_the_memory_bound(wat, make_config):
    cfg, _ = make_config(memory_limit=8 << 20)
    hog = '''(module (type $cons (struct (field anyref) (field (ref null $cons))))
      (func (export "_start") (local $l (ref null $cons))
        (loop $l (local.set $l (struct.new $cons (ref.i31 (i32.const 1)) (local.get $l))) (br $l))))'''
    with pytest.raises(RuntimeFailure, match=r"memory bound of 8388608 bytes exceeded") as e:
        Stage.open(wat(hog), cfg)
    assert e.value.code == ExitCode.FAILURE


def test_linear_memory_hog_is_stopped_by_the_memory_bound(wat, make_config):
    cfg, _ = make_config(memory_limit=4 << 20)
    hog = '''(module (memory (export "memory") 1)
      (func (export "_start")
        (loop $l (br_if $l (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
        unreachable))'''
    with pytest.raises(RuntimeFailure, match=r"at its bound of 4194304 bytes"):
        Stage.open(wat(hog), cfg)


def test_memory_bound_refuses_a_too_large_initial_memory(wat, make_config):
    cfg, _ = make_config(memory_limit=1 << 20)
    with pytest.raises(RuntimeFailure) as e:
        Stage.open(wat('(module (memory (export "memory") 100))'), cfg)
    assert e.value.code == ExitCode.FAILURE


def test_import_mismatch_one_line_each(wat, make_config):
    cfg, _ = make_config()
    stage = Stage(wat('''(module
      (import "clysm:io" "write-char" (func (param i32)))
      (import "clysm:io" "write-strin" (func (param i32 externref)))
      (import "env" "foo" (func))
      (import "clysm:sys" "errno" (global i32))
      (import "clysm:fs" "open" (func (param externref externref externref externref) (result i32))))'''), cfg)
    stage.load()
    with pytest.raises(RuntimeFailure) as e:
        stage.instantiate()
    f = e.value
    assert f.code == ExitCode.FAILURE and "4 imports cannot be resolved" in f.message
    lines = f.detail.splitlines()
    assert len(lines) == 4
    assert lines[0] == ("import clysm:io write-char: expected function (i32, i32) -> (), "
                        "found function (i32) -> ()")
    assert "write-strin: missing" in lines[1] and "write-string" in lines[1]
    assert "env foo: missing" in lines[2]
    assert "expected function () -> (i32), found global i32" in lines[3]
    assert stage.state == State.COMPILED


@pytest.mark.parametrize("text, named", [
    ('(module (import "clysm:io" "write-string" (func (param i32 anyref))))', "anyref"),
    ('(module (func (export "f") (param i31ref)))', "i31ref"),
    ('(module (type $s (struct)) (func (export "mk") (result (ref $s)) (struct.new $s)))', "(ref $0)"),
    ('(module (type $a (array i8)) (func (export "compile_form") (param externref) (result (ref null $a)) ref.null $a))',
     "(ref null $0)"),
])
def test_inexpressible_boundary_types_exit_77(wat, make_config, text, named):
    cfg, _ = make_config()
    with pytest.raises(RuntimeFailure) as e:
        Stage(wat(text), cfg).load()
    assert e.value.code == ExitCode.SKIP and named in e.value.message


def test_gc_types_inside_the_module_are_fine(wat, make_config):
    cfg, _ = make_config()
    text = '''(module (rec (type $cons (struct (field (mut anyref)) (field (mut anyref)))))
      (type $str (array (mut i8)))
      (func $len (param $s (ref $str)) (result i32) (array.len (local.get $s)))
      (func (export "f") (result i32) (call $len (array.new $str (i32.const 0) (i32.const 5)))))'''
    with Stage.open(wat(text), cfg) as s:
        assert s.call("f") == 5


def test_call_of_a_missing_export_is_77(wat, make_config):
    cfg, _ = make_config()
    with Stage.open(wat(HELLO), cfg) as s:
        with pytest.raises(RuntimeFailure) as e:
            s.call("nope")
        assert e.value.code == ExitCode.SKIP
        with pytest.raises(RuntimeFailure) as e:
            s.compile_form("(+ 1 2)")
        assert e.value.code == ExitCode.SKIP and "compile_form" in e.value.message


COMPILER = '''(module
  (import "clysm:mem" "length" (func $len (param externref) (result i32)))
  (import "clysm:mem" "store" (func $store (param externref i32) (result i32)))
  (import "clysm:mem" "load-bytes" (func $lb (param i32 i32) (result externref)))
  (memory (export "memory") 1)
  ;; a toy "compiler": returns the bytes "\\00asm" followed by the source text
  (func (export "compile_form") (param $src externref) (result externref) (local $n i32)
    (i32.store (i32.const 0) (i32.const 0x6d736100))
    (local.set $n (call $store (local.get $src) (i32.const 4)))
    (if (i32.eqz (local.get $n)) (then (return (ref.null extern))))
    (call $lb (i32.const 0) (i32.add (local.get $n) (i32.const 4)))))'''


def test_compile_form_returns_host_bytes(wat, make_config):
    cfg, _ = make_config()
    with Stage.open(wat(COMPILER), cfg) as s:
        assert s.compile_form("(λ)") == b"\x00asm" + "(λ)".encode()
        with pytest.raises(RuntimeFailure, match="returned null") as e:
            s.compile_form("")
        assert e.value.code == ExitCode.FAILURE


def test_long_backtraces_are_shortened(wat, make_config):
    cfg, _ = make_config()
    stage = Stage(wat('(module (func $down (export "_start") (call $down)))'), cfg)
    stage.load().instantiate()
    with pytest.raises(RuntimeFailure, match="call stack exhausted") as e:
        stage.start()
    lines = e.value.detail.splitlines()
    # wasmtime itself keeps a bounded number of frames; we never print more than 41
    assert lines[0] == "wasm backtrace:" and 2 <= len(lines) <= 1 + 30 + 1 + 10
    assert all("down" in line or "omitted" in line for line in lines[1:])
    assert "0xffffffff" not in e.value.detail


def test_backtrace_shortening():
    from runtime.traps import _shorten
    frames = [f"  {i}: f" for i in range(100)]
    short = _shorten(frames)
    assert len(short) == 41 and short[30] == "  ... 60 frames omitted ..." and short[-1] == "  99: f"
    assert _shorten(frames[:41]) == frames[:41]


def test_a_bug_in_a_shim_is_reported_not_raised(wat, make_config, monkeypatch):
    from runtime.shims import io as io_shims
    real = io_shims.shims

    def broken(st):
        table = real(st)
        table["write-char"] = (lambda fd, c: 1 / 0, False)
        return table
    monkeypatch.setattr(io_shims, "shims", broken)
    cfg, _ = make_config()
    stage = Stage(wat('''(module (import "clysm:io" "write-char" (func $w (param i32 i32)))
        (func (export "_start") (call $w (i32.const 1) (i32.const 65))))'''), cfg)
    stage.load().instantiate()
    with pytest.raises(RuntimeFailure, match="internal error in the host: ZeroDivisionError") as e:
        stage.start()
    assert e.value.code == ExitCode.FAILURE and stage.state == State.STOPPED


def test_wrong_argument_types_from_the_caller_raise_type_error(wat, make_config):
    cfg, _ = make_config()
    with Stage.open(wat(HELLO), cfg) as s:
        with pytest.raises(TypeError):
            s.call("add", "one", 2)
        assert s.state == State.INITIALIZED
