"""clysm:fs through real Wasm calls: open/close/read-all/write-all, keywords, errors."""
import os

from runtime.host_errors import Errno


def errno(stage):
    return stage.call("sys.errno")


def test_read_all_of_an_input_file(probe, sandbox_dir):
    (sandbox_dir / "in" / "a.lisp").write_text("(defun f (x) x)\nλ\n", encoding="utf-8")
    stage, _ = probe()
    fd = stage.call("fs.open", "in/a.lisp", "input", None, None)
    assert fd >= 3 and errno(stage) == 0
    assert stage.call("fs.read-all", fd) == "(defun f (x) x)\nλ\n"
    assert stage.call("fs.read-all", fd) == ""  # the rest: nothing left
    stage.call("fs.close", fd)
    assert errno(stage) == 0


def test_read_char_and_line_on_user_files(probe, sandbox_dir):
    (sandbox_dir / "in" / "b.txt").write_text("xy\nz")
    stage, _ = probe()
    fd = stage.call("fs.open", "in/b.txt", "input", None, None)
    assert stage.call("io.read-char", fd) == ord("x")
    assert stage.call("io.read-line", fd) == "y"
    assert stage.call("io.read-line", fd) == "z"
    assert stage.call("io.read-line", fd) is None


def test_output_file_appears_only_on_close(probe, sandbox_dir):
    stage, _ = probe()
    fd = stage.call("fs.open", "out/r.wasm", "output", "supersede", "create")
    assert fd >= 3 and errno(stage) == 0
    stage.call("fs.write-all", fd, b"\x00asm")
    stage.call("fs.write-all", fd, "λ")
    stage.call("io.write-char", fd, ord("!"))
    assert not (sandbox_dir / "out" / "r.wasm").exists()
    stage.call("fs.close", fd)
    assert errno(stage) == 0
    assert (sandbox_dir / "out" / "r.wasm").read_bytes() == b"\x00asm" + "λ".encode() + b"!"
    assert os.listdir(sandbox_dir / "out") == ["r.wasm"]  # no temporary left


def test_unclosed_output_is_discarded_at_teardown(probe, sandbox_dir):
    stage, _ = probe()
    fd = stage.call("fs.open", "out/half.txt", "output", None, None)
    stage.call("fs.write-all", fd, "partial")
    stage.close()
    assert os.listdir(sandbox_dir / "out") == []
    assert stage.discarded_outputs == ["out/half.txt"]


def test_if_exists_and_if_does_not_exist(probe, sandbox_dir):
    (sandbox_dir / "out" / "old.txt").write_text("old")
    stage, _ = probe()
    assert stage.call("fs.open", "out/old.txt", "output", "error", None) == -Errno.EEXIST
    assert errno(stage) == Errno.EEXIST
    fd = stage.call("fs.open", "out/old.txt", "output", ":SUPERSEDE", None)  # keyword spelling
    stage.call("fs.write-all", fd, "new")
    stage.call("fs.close", fd)
    assert (sandbox_dir / "out" / "old.txt").read_text() == "new"
    assert stage.call("fs.open", "out/none.txt", "output", "supersede", "error") == -Errno.ENOENT
    assert stage.call("fs.open", "in/none.txt", "input", None, "error") == -Errno.ENOENT
    assert "no such file" in stage.call("sys.strerror")
    assert stage.call("fs.open", "in/none.txt", "input", None, None) == -Errno.ENOENT


def test_bad_keywords_and_arguments(probe, sandbox_dir):
    (sandbox_dir / "in" / "a").write_text("a")
    stage, _ = probe()
    assert stage.call("fs.open", "in/a", "sideways", None, None) == -Errno.EINVAL
    assert stage.call("fs.open", "in/a", None, None, None) == -Errno.EINVAL
    assert stage.call("fs.open", "out/a", "output", "append", None) == -Errno.EINVAL
    assert stage.call("fs.open", "out/a", "output", None, "maybe") == -Errno.EINVAL
    assert stage.call("fs.open", None, "input", None, None) == -Errno.EINVAL
    assert stage.call("fs.open", 7, "input", None, None) == -Errno.EINVAL
    assert stage.call("fs.open", "in", "input", None, None) == -Errno.EINVAL  # a directory
    fd = stage.call("fs.open", "out/w", "output", None, None)
    stage.call("fs.write-all", fd, 3.5)
    assert errno(stage) == Errno.EINVAL


def test_closed_fd_and_wrong_direction(probe, sandbox_dir):
    (sandbox_dir / "in" / "a").write_text("abc")
    stage, _ = probe()
    fd = stage.call("fs.open", "in/a", "input", None, None)
    stage.call("fs.write-all", fd, "x")
    assert errno(stage) == Errno.EDIRECTION
    out = stage.call("fs.open", "out/b", "output", None, None)
    assert stage.call("fs.read-all", out) is None
    assert errno(stage) == Errno.EDIRECTION
    stage.call("fs.close", fd)
    assert stage.call("fs.read-all", fd) is None
    assert errno(stage) == Errno.EBADF
    assert "closed" in stage.call("sys.strerror")
    stage.call("fs.close", fd)
    assert errno(stage) == Errno.EBADF
    stage.call("fs.close", 12345)
    assert errno(stage) == Errno.EBADF


def test_fds_are_never_reused(probe, sandbox_dir):
    (sandbox_dir / "in" / "a").write_text("a")
    stage, _ = probe()
    first = stage.call("fs.open", "in/a", "input", None, None)
    stage.call("fs.close", first)
    second = stage.call("fs.open", "in/a", "input", None, None)
    assert second != first
    assert stage.call("fs.read-all", first) is None and errno(stage) == Errno.EBADF


def test_open_fd_cap(probe, sandbox_dir):
    (sandbox_dir / "in" / "a").write_text("a")
    stage, _ = probe(max_open_fds=3)
    fds = [stage.call("fs.open", "in/a", "input", None, None) for _ in range(3)]
    assert all(fd >= 3 for fd in fds)
    assert stage.call("fs.open", "in/a", "input", None, None) == -Errno.EMFILE
    assert "too many open files" in stage.call("sys.strerror")
    stage.call("fs.close", fds[0])
    assert stage.call("fs.open", "in/a", "input", None, None) >= 3


def test_invalid_utf8_file(probe, sandbox_dir):
    (sandbox_dir / "in" / "bad").write_bytes(b"(a \xc3\x28)")
    stage, _ = probe()
    fd = stage.call("fs.open", "in/bad", "input", None, None)
    assert stage.call("fs.read-all", fd) is None
    assert errno(stage) == Errno.EILSEQ
    assert stage.call("fs.read-all", fd) is None
    assert errno(stage) == Errno.EILSEQ
