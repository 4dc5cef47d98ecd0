"""Fixtures for the runtime tests: real Wasm modules built from WAT, and configs with
in-memory standard streams and sandbox roots inside a temporary directory."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import wasmtime

from runtime import RuntimeConfig, Stage
from runtime.shims import SIGNATURES

_WAT_TYPES = {"i32": "i32", "externref": "externref"}


def probe_wat(extra: str = "") -> str:
    """A module importing every shim and exporting a wrapper `ns.name` for each
    (e.g. "fs.open"), so tests reach the shims through real Wasm calls."""
    imports, wrappers = [], []
    for i, ((ns, name), (params, results)) in enumerate(sorted(SIGNATURES.items())):
        sig = "".join(f" (param {p})" for p in params) + "".join(f" (result {r})" for r in results)
        imports.append(f'(import "{ns}" "{name}" (func $f{i}{sig}))')
        args = "".join(f" (local.get {k})" for k in range(len(params)))
        short = ns.split(":")[1]
        wrappers.append(f'(func (export "{short}.{name}"){sig} (call $f{i}{args}))')
    return "(module\n" + "\n".join(imports) + '\n(memory (export "memory") 1)\n' + \
        "\n".join(wrappers) + "\n" + extra + ")"


@pytest.fixture(name="probe_wat")
def probe_wat_fixture():
    """The probe_wat builder, for tests that add their own functions to the probe."""
    return probe_wat


@pytest.fixture
def wat(tmp_path):
    """wat(text, name="m.wasm") -> path of the compiled module."""
    def build(text: str, name: str = "m.wasm") -> Path:
        p = tmp_path / name
        p.write_bytes(wasmtime.wat2wasm(text))
        return p
    return build


class Streams:
    def __init__(self, stdin: bytes = b"") -> None:
        self.stdin = io.BytesIO(stdin)
        self.stdout = io.BytesIO()
        self.stderr = io.BytesIO()


@pytest.fixture
def sandbox_dir(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "out").mkdir()
    return tmp_path


@pytest.fixture
def make_config(sandbox_dir):
    def make(stdin: bytes = b"", **kw) -> tuple[RuntimeConfig, Streams]:
        s = Streams(stdin)
        kw.setdefault("cache_dir", None)
        cfg = RuntimeConfig(base_dir=sandbox_dir, read_roots=["in"], write_roots=["out"],
                            stdin=s.stdin, stdout=s.stdout, stderr=s.stderr, **kw)
        return cfg, s
    return make


@pytest.fixture
def probe(wat, make_config):
    """probe(stdin=b"", **config) -> (Stage in state Initialized, Streams)."""
    path = wat(probe_wat(), "probe.wasm")
    stages = []

    def open_probe(stdin: bytes = b"", **kw):
        cfg, streams = make_config(stdin, **kw)
        stage = Stage.open(path, cfg)
        stages.append(stage)
        return stage, streams
    yield open_probe
    for s in stages:
        s.close()
