"""The native code cache: miss then hit; stale, corrupt, truncated and foreign entries
are rebuilt, never trusted; the key covers bytes, engine configuration and version."""
import hashlib

import pytest

from runtime import Stage
from runtime.cache import HEADER_MAGIC, NativeCodeCache
from runtime.engine import fingerprint, get_engine

MOD = '(module (func (export "f") (result i32) (i32.const 41)))'


@pytest.fixture
def cached(wat, make_config, tmp_path):
    path = wat(MOD)
    cfg, _ = make_config(cache_dir=tmp_path / "cache")

    def load():
        stage = Stage(path, cfg)
        stage.load().instantiate().start()
        assert stage.call("f") == 41
        stage.close()
        return stage.cache_result
    return load


def test_miss_then_hit(cached):
    first = cached()
    assert (first.hit, first.reason) == (False, "miss")
    assert first.path.exists()
    second = cached()
    assert (second.hit, second.reason) == (True, "hit")
    assert second.path == first.path


@pytest.mark.parametrize("damage, reason", [
    (lambda b: b[:len(b) // 2], "corrupt"),                          # truncated payload
    (lambda b: b[:-10] + bytes(x ^ 0xFF for x in b[-10:]), "corrupt"),  # flipped bytes
    (lambda b: b.replace(b'"wasmtime":"', b'"wasmtime":"0.', 1), "stale"),  # other version
    (lambda b: b"\x7fELF" + b[4:], "foreign"),
    (lambda b: b"", "foreign"),
])
def test_bad_entries_are_rebuilt(cached, damage, reason):
    entry = cached().path
    entry.write_bytes(damage(entry.read_bytes()))
    result = cached()
    assert (result.hit, result.reason) == (False, reason)
    assert cached().hit  # rewritten, valid again


def test_valid_header_with_garbage_payload_is_not_deserialized(cached):
    entry = cached().path
    payload = b"definitely not native code"
    fp = entry.read_bytes().split(b"\n", 3)[1]
    digest = hashlib.sha256(payload).hexdigest().encode()
    entry.write_bytes(b"\n".join([HEADER_MAGIC, fp, digest, payload]))
    result = cached()
    assert (result.hit, result.reason) == (False, "rejected")
    assert cached().hit


def test_key_depends_on_bytes_and_engine_configuration(tmp_path):
    epoch = NativeCodeCache(tmp_path, "epoch")
    fuel = NativeCodeCache(tmp_path, "fuel")
    assert epoch.entry_path(b"a") != epoch.entry_path(b"b")
    assert epoch.entry_path(b"a") != fuel.entry_path(b"a")
    assert fingerprint("epoch") != fingerprint("fuel")
    assert '"wasmtime":' in fingerprint()


def test_entry_for_another_engine_configuration_is_not_used(wat, tmp_path):
    import wasmtime
    data = bytes(wasmtime.wat2wasm(MOD))
    epoch = NativeCodeCache(tmp_path, "epoch")
    epoch.load_or_compile(get_engine("epoch"), data)
    # a fuel-mode cache pointed at the epoch entry's file must refuse it
    fuel = NativeCodeCache(tmp_path, "fuel")
    fuel.entry_path(data).write_bytes(epoch.entry_path(data).read_bytes())
    result = fuel.load_or_compile(get_engine("fuel"), data)
    assert (result.hit, result.reason) == (False, "stale")


def test_unwritable_cache_dir_only_costs_time(wat, make_config, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    cfg, _ = make_config(cache_dir=blocker / "cache")
    stage = Stage(wat(MOD), cfg)
    stage.load()
    assert not stage.cache_result.hit
    stage.close()
