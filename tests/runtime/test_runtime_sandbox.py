"""Sandbox escapes, through clysm:fs open and on the Sandbox itself."""
import os

import pytest

from runtime.host_errors import Errno, HostError
from runtime.sandbox import Sandbox


@pytest.fixture
def roots(tmp_path):
    for d in ("in", "out", "secret"):
        (tmp_path / d).mkdir()
    (tmp_path / "secret" / "key").write_text("s3cret")
    (tmp_path / "in" / "ok.txt").write_text("ok")
    return tmp_path


def refused(sb, name, for_write=False):
    with pytest.raises(HostError) as e:
        sb.resolve(name, for_write)
    return e.value.errno


def test_dotdot_absolute_and_symlinks_are_refused(roots):
    sb = Sandbox(roots, ["in"], ["out"])
    assert sb.resolve("in/ok.txt", False) == (roots / "in" / "ok.txt").resolve()
    assert refused(sb, "in/../secret/key") == Errno.EACCES
    assert refused(sb, "in/sub/../ok.txt") == Errno.EACCES  # '..' even when it stays inside
    assert refused(sb, str(roots / "in" / "ok.txt")) == Errno.EACCES
    assert refused(sb, "/etc/passwd") == Errno.EACCES
    os.symlink(roots / "secret", roots / "in" / "link")
    assert refused(sb, "in/link/key") == Errno.EACCES
    os.symlink(roots / "secret" / "key", roots / "in" / "key-link")
    assert refused(sb, "in/key-link") == Errno.EACCES
    assert refused(sb, "secret/key") == Errno.EACCES
    assert refused(sb, "") == Errno.EINVAL
    assert refused(sb, "in/a\0b") == Errno.EINVAL


def test_write_needs_a_write_root_and_reads_see_write_roots(roots):
    sb = Sandbox(roots, ["in"], ["out"])
    assert refused(sb, "in/new.txt", for_write=True) == Errno.EACCES
    assert sb.resolve("out/new.txt", True) == (roots / "out" / "new.txt").resolve()
    assert sb.resolve("out/new.txt", False) == (roots / "out" / "new.txt").resolve()


def test_symlink_inside_a_root_is_fine(roots):
    os.symlink(roots / "in" / "ok.txt", roots / "in" / "alias")
    assert Sandbox(roots, ["in"], []).resolve("in/alias", False) == (roots / "in" / "ok.txt").resolve()


def test_escapes_through_the_shim(probe, sandbox_dir):
    (sandbox_dir / "secret").mkdir()
    (sandbox_dir / "secret" / "key").write_text("s3cret")
    os.symlink(sandbox_dir / "secret", sandbox_dir / "in" / "link")
    os.symlink(sandbox_dir / "secret", sandbox_dir / "out" / "link")
    stage, _ = probe()
    for name, direction in [("in/../secret/key", "input"), (str(sandbox_dir / "secret" / "key"), "input"),
                            ("in/link/key", "input"), ("out/link/new", "output"),
                            ("in/new", "output"), ("../x", "output")]:
        assert stage.call("fs.open", name, direction, None, None) == -Errno.EACCES, name
        assert stage.call("sys.errno") == Errno.EACCES
        assert stage.call("sys.strerror")
    assert not (sandbox_dir / "secret" / "new").exists()
