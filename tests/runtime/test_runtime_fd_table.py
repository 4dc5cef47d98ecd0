"""The FileDescriptor table on its own: invariants under random open/close/read/write
sequences (hypothesis), and no leaked OS handle."""
import io
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runtime.fd_table import INPUT, OUTPUT, FdTable
from runtime.host_errors import Errno, HostError


def os_handles() -> int:
    return len(os.listdir("/proc/self/fd"))


def new_table(max_open=4):
    return FdTable(io.BytesIO(b"stdin text"), io.BytesIO(), io.BytesIO(), max_open)


def test_standard_descriptors():
    t = new_table()
    assert [(e.id, e.path, e.direction, e.closed) for e in t.entries.values()] == [
        (0, "<stdin>", INPUT, False), (1, "<stdout>", OUTPUT, False), (2, "<stderr>", OUTPUT, False)]


OPS = st.lists(st.one_of(
    st.tuples(st.just("open_in"), st.integers(0, 2)),
    st.tuples(st.just("open_out"), st.integers(0, 2)),
    st.tuples(st.just("close"), st.integers(-1, 12)),
    st.tuples(st.just("read"), st.integers(-1, 12)),
    st.tuples(st.just("write"), st.integers(-1, 12)),
), max_size=40)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(OPS)
def test_random_sequences_keep_the_table_consistent(tmp_path, ops):
    d = tmp_path / "files"
    d.mkdir(exist_ok=True)
    for i in range(3):
        (d / f"in{i}").write_text(f"input {i}\n")
    for f in d.glob("out*"):
        f.unlink()
    before = os_handles()
    t = new_table(max_open=4)
    model: dict[int, str] = {}         # fd -> direction, open user fds only
    closed: set[int] = set()
    written: dict[int, tuple[str, bytes]] = {}
    expected_files: dict[str, bytes] = {}
    for op, arg in ops:
        try:
            if op == "open_in":
                fd = t.open(d / f"in{arg}", f"in{arg}", INPUT, "error", "error")
                assert len(model) < 4
                model[fd] = INPUT
            elif op == "open_out":
                fd = t.open(d / f"out{arg}", f"out{arg}", OUTPUT, "supersede", "create")
                assert len(model) < 4
                model[fd] = OUTPUT
                written[fd] = (f"out{arg}", b"")
            elif op == "close":
                t.close(arg)
                assert arg in model or arg in (0, 1, 2) and arg not in closed
                if arg in written:
                    expected_files[written[arg][0]] = written[arg][1]
                model.pop(arg, None)
                closed.add(arg)
            elif op == "read":
                r = t.readers.get(arg)
                if r is None:
                    raise t.bad_fd(arg, INPUT)
                r.read(3)
                assert model.get(arg) == INPUT or arg == 0
            elif op == "write":
                w = t.writers.get(arg)
                if w is None:
                    raise t.bad_fd(arg, OUTPUT)
                w(b"xy")
                assert model.get(arg) == OUTPUT or arg in (1, 2)
                if arg in written:
                    written[arg] = (written[arg][0], written[arg][1] + b"xy")
        except HostError as e:
            if op.startswith("open"):
                assert e.errno == Errno.EMFILE and len(model) == 4
            elif arg in closed or (arg not in model and arg not in (0, 1, 2)):
                assert e.errno == Errno.EBADF
            else:
                assert e.errno == Errno.EDIRECTION
        # invariants after every step
        assert t.open_user_fds == len(model) <= 4
        for fd, e in t.entries.items():
            assert e.closed == (e.handle is None)
            assert (fd in t.readers) == (not e.closed and e.direction == INPUT)
            assert (fd in t.writers) == (not e.closed and e.direction == OUTPUT)
            if e.direction == OUTPUT and not e.standard:
                assert (e.temp_path is not None) == (not e.closed)
        assert len(set(t.entries)) == len(t.entries)
    t.close_all()
    assert os_handles() == before  # no leaked handle
    assert all(e.closed for e in t.entries.values())
    leftovers = sorted(f.name for f in d.iterdir() if not f.name.startswith("in"))
    assert leftovers == sorted(expected_files)  # closed outputs only, no temporaries
    for name, content in expected_files.items():
        assert (d / name).read_bytes() == content
