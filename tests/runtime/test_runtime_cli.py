"""`python -m runtime run` / `inspect` as subprocesses: output, exit codes, --help."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import wasmtime

ROOT = Path(__file__).resolve().parents[2]

HELLO = '''(module
  (import "clysm:mem" "load-string" (func $ls (param i32 i32) (result externref)))
  (import "clysm:io" "write-string" (func $ws (param i32 externref)))
  (import "clysm:io" "read-line" (func $rl (param i32) (result externref)))
  (memory (export "memory") 1)
  (data (i32.const 0) "Hello, wasmboot! λ\\n")
  (func (export "_start")
    (call $ws (i32.const 1) (call $ls (i32.const 0) (i32.const 20)))
    (call $ws (i32.const 1) (call $rl (i32.const 0)))))'''

COMPILER = '''(module
  (import "clysm:mem" "store" (func $store (param externref i32) (result i32)))
  (import "clysm:mem" "load-bytes" (func $lb (param i32 i32) (result externref)))
  (memory (export "memory") 1)
  (func (export "compile_form") (param $src externref) (result externref)
    (call $lb (i32.const 0) (call $store (local.get $src) (i32.const 0)))))'''


def runtime_cli(*args, cwd, stdin=b""):
    env = dict(os.environ, PYTHONPATH=str(ROOT), WASMBOOT_CACHE_DIR=str(Path(cwd) / "cache"))
    return subprocess.run([sys.executable, "-m", "runtime", *map(str, args)], cwd=cwd,
                          input=stdin, capture_output=True, env=env, timeout=120)


@pytest.fixture
def mods(tmp_path):
    def build(name, text):
        p = tmp_path / name
        p.write_bytes(wasmtime.wat2wasm(text))
        return p
    return build


def test_run_prints_the_string(mods, tmp_path):
    hello = mods("hello.wasm", HELLO)
    r = runtime_cli("run", hello, cwd=tmp_path, stdin=b"from stdin\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == "Hello, wasmboot! λ\nfrom stdin"
    assert r.stderr == b""


def test_run_with_stdin_file_and_verbose(mods, tmp_path):
    hello = mods("hello.wasm", HELLO)
    (tmp_path / "input.txt").write_text("line one\nline two\n")
    r = runtime_cli("run", "--verbose", "--stdin", "input.txt", hello, cwd=tmp_path)
    assert r.returncode == 0
    assert r.stdout.decode().endswith("line one")
    assert b"Initialized" in r.stderr
    r = runtime_cli("run", "--stdin", "missing.txt", hello, cwd=tmp_path)
    assert r.returncode == 3


def test_run_expr_writes_output_atomically(mods, tmp_path):
    comp = mods("compiler.wasm", COMPILER)
    r = runtime_cli("run", "--expr", "(+ 1 2)", "--output", "out/form.wasm", comp, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out" / "form.wasm").read_bytes() == b"(+ 1 2)"
    assert os.listdir(tmp_path / "out") == ["form.wasm"]


def test_run_expr_without_compile_form_is_77(mods, tmp_path):
    hello = mods("hello.wasm", HELLO)
    r = runtime_cli("run", "--expr", "(+ 1 2)", "--output", "o.wasm", hello, cwd=tmp_path)
    assert r.returncode == 77
    assert b"compile_form" in r.stderr
    assert not (tmp_path / "o.wasm").exists()


@pytest.mark.parametrize("name, text, code, fragment", [
    ("trap.wasm", '(module (func $deep unreachable) (func (export "_start") call $deep))', 2, b"deep"),
    ("mismatch.wasm", '(module (import "clysm:io" "write-char" (func (param i32))))', 2,
     b"expected function (i32, i32) -> ()"),
    ("gc.wasm", '(module (import "clysm:io" "write-string" (func (param i32 anyref))))', 77, b"anyref"),
    ("exit.wasm", '(module (import "clysm:sys" "exit" (func $e (param i32))) '
                  '(func (export "_start") (call $e (i32.const 5))))', 5, b""),
])
def test_run_exit_codes(mods, tmp_path, name, text, code, fragment):
    r = runtime_cli("run", mods(name, text), cwd=tmp_path)
    assert r.returncode == code, r.stderr
    assert fragment in r.stderr


def test_bad_files(tmp_path):
    (tmp_path / "text.wasm").write_bytes(b"(defun f ())")
    (tmp_path / "v2.wasm").write_bytes(b"\x00asm\x02\x00\x00\x00")
    (tmp_path / "short.wasm").write_bytes(b"\x00asm\x01\x00\x00\x00\x01\x09\x01")
    for name, code in [("missing.wasm", 3), ("text.wasm", 2), ("v2.wasm", 2), ("short.wasm", 2)]:
        for cmd in ("run", "inspect"):
            r = runtime_cli(cmd, name, cwd=tmp_path)
            assert r.returncode == code, (cmd, name, r.stderr)
            assert len(r.stderr.decode().strip().splitlines()) == 1  # one clear line
    r = runtime_cli("run", cwd=tmp_path)  # default WASM: build/stage1.wasm
    assert r.returncode == 3 and b"build/stage1.wasm" in r.stderr


def test_inspect_prints_the_entity(mods, tmp_path):
    hello = mods("hello.wasm", HELLO)
    r = runtime_cli("inspect", hello, cwd=tmp_path)
    assert r.returncode == 0
    data = json.loads(r.stdout)
    assert data["path"] == str(hello) and data["size"] == hello.stat().st_size
    assert data["exports"] == ["_start"]
    assert data["imports"][0] == {"module": "clysm:mem", "name": "load-string", "kind": "function",
                                  "params": ["i32", "i32"], "results": ["externref"]}


def test_help(tmp_path):
    for args in (["--help"], ["run", "--help"], ["inspect", "--help"]):
        r = runtime_cli(*args, cwd=tmp_path)
        assert r.returncode == 0 and b"usage:" in r.stdout
    assert b"--expr EXPR" in runtime_cli("run", "--help", cwd=tmp_path).stdout
