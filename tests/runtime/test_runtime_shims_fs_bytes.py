"""clysm:fs read-bytes through real Wasm calls: octets of any file, not UTF-8 decoded."""
from runtime.host_errors import Errno


def test_read_bytes_returns_every_octet(probe, sandbox_dir):
    data = bytes(range(256)) + "λ".encode()  # invalid UTF-8, then a two-octet character
    (sandbox_dir / "in" / "blob.bin").write_bytes(data)
    stage, _ = probe()
    fd = stage.call("fs.open", "in/blob.bin", "input", None, None)
    got = stage.call("fs.read-bytes", fd)
    assert [ord(c) for c in got] == list(data)
    assert stage.call("fs.read-bytes", fd) == ""  # the rest: nothing left
    assert stage.call("sys.errno") == 0
    stage.call("fs.close", fd)


def test_read_bytes_on_a_bad_fd(probe):
    stage, _ = probe()
    assert stage.call("fs.read-bytes", 99) is None
    assert stage.call("sys.errno") == Errno.EBADF
    assert stage.call("fs.read-all", 1) is None  # an output fd: the same error as read-all
    wanted = stage.call("sys.errno")
    assert stage.call("fs.read-bytes", 1) is None
    assert stage.call("sys.errno") == wanted != 0
