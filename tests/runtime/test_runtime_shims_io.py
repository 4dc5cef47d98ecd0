"""clysm:io through real Wasm calls: output to fds 1/2, input from fd 0, errors."""
from runtime.host_errors import Errno


def errno(stage):
    return stage.call("sys.errno")


def test_write_char_encodes_utf8(probe):
    stage, s = probe()
    for ch in "aλ€😀":
        assert stage.call("io.write-char", 1, ord(ch)) is None
        assert errno(stage) == 0
    stage.call("io.write-char", 2, ord("!"))
    stage.close()
    assert s.stdout.getvalue() == "aλ€😀".encode()
    assert s.stderr.getvalue() == b"!"


def test_write_char_rejects_surrogates_and_out_of_range(probe):
    stage, s = probe()
    for cp in (0xD800, 0x110000, -5):
        stage.call("io.write-char", 1, cp)
        assert errno(stage) == Errno.EILSEQ
    stage.close()
    assert s.stdout.getvalue() == b""


def test_write_string(probe):
    stage, s = probe()
    stage.call("io.write-string", 1, "hé\nllo")
    assert errno(stage) == 0
    stage.call("io.write-string", 1, None)
    assert errno(stage) == Errno.EINVAL
    assert "string" in stage.call("sys.strerror")
    stage.call("io.write-string", 1, 42)
    assert errno(stage) == Errno.EINVAL
    stage.close()
    assert s.stdout.getvalue() == "hé\nllo".encode()


def test_read_char_until_end(probe):
    stage, _ = probe(stdin="aλ\n".encode())
    got = [stage.call("io.read-char", 0) for _ in range(4)]
    assert got == [ord("a"), ord("λ"), 10, -1]
    assert errno(stage) == 0


def test_read_line_strips_newline_and_null_at_end(probe):
    stage, _ = probe(stdin=b"first\nsecond\r\nlast")
    assert stage.call("io.read-line", 0) == "first"
    assert stage.call("io.read-line", 0) == "second\r"
    assert stage.call("io.read-line", 0) == "last"
    assert stage.call("io.read-line", 0) is None
    assert errno(stage) == 0  # end of input, not an error


def test_invalid_utf8_input_is_an_error_value(probe):
    stage, _ = probe(stdin=b"ok\xff\xfe")
    assert stage.call("io.read-char", 0) == -2
    assert errno(stage) == Errno.EILSEQ
    assert "UTF-8" in stage.call("sys.strerror")
    assert stage.call("io.read-line", 0) is None
    assert errno(stage) == Errno.EILSEQ


def test_wrong_direction_and_unknown_fd(probe):
    stage, s = probe()
    stage.call("io.write-char", 0, 65)
    assert errno(stage) == Errno.EDIRECTION
    assert stage.call("io.read-char", 1) == -2
    assert errno(stage) == Errno.EDIRECTION
    assert stage.call("io.read-line", 2) is None
    assert errno(stage) == Errno.EDIRECTION
    stage.call("io.write-string", 99, "x")
    assert errno(stage) == Errno.EBADF
    assert stage.call("io.read-char", -1) == -2
    assert errno(stage) == Errno.EBADF


def test_closed_standard_fd(probe):
    stage, s = probe()
    stage.call("io.write-char", 1, 65)
    stage.call("fs.close", 1)
    assert errno(stage) == 0
    stage.call("io.write-char", 1, 66)
    assert errno(stage) == Errno.EBADF
    assert "closed" in stage.call("sys.strerror")
    stage.call("fs.close", 1)
    assert errno(stage) == Errno.EBADF
    assert s.stdout.getvalue() == b"A"


def test_success_clears_the_last_error(probe):
    stage, _ = probe()
    stage.call("io.write-char", 42, 65)
    assert errno(stage) == Errno.EBADF
    assert errno(stage) == Errno.EBADF  # errno itself does not clear
    stage.call("io.write-char", 1, 65)
    assert errno(stage) == 0
    assert stage.call("sys.strerror") is None
