"""`doit auto` with real watchdog observers on a throwaway project (fixture/dodo.py):
each editor save style gives exactly one rebuild, a syntax error is a failed form and
the watcher recovers, ignored paths trigger nothing, new and deleted sources."""
from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest

from auto_helpers import HERE, SAVE_STYLES, make_small_project, save_in_place, wait_for


def _rebuilt(block: str) -> str:
    m = re.search(r"^  rebuilt +(.*)$", block, re.M)
    return m.group(1) if m else ""


def _headline(block: str) -> str:
    return block.splitlines()[0]


def _sentinel(proj: Path, auto, n_before: int, text: str = "(sentinel)\n") -> list[str]:
    """Edit src/b.txt and wait for its block: every cycle the previous action caused has
    been printed by then (cycles run one after another)."""
    save_in_place(proj / "src" / "b.txt", text)
    blocks = wait_for(lambda: (lambda bs: bs if any("src/b.txt changed" in _headline(b)
                                                      for b in bs[n_before:]) else None)(auto.blocks()),
                      "the sentinel's cycle", proc=auto)
    return blocks[n_before:]


def _started(tmp_path: Path, autos):
    proj = make_small_project(tmp_path / "proj")
    auto = autos(proj)
    first = auto.wait_blocks(1, "the first cycle")[0]
    assert "start" in _headline(first)
    assert "compile:a" in _rebuilt(first) and "report" in _rebuilt(first)
    assert "coverage  100.00%" in first
    return proj, auto


@pytest.mark.parametrize("style", sorted(SAVE_STYLES))
def test_each_save_style_is_exactly_one_rebuild(tmp_path: Path, autos, style: str):
    proj, auto = _started(tmp_path, autos)
    src = proj / "src" / "a.txt"
    SAVE_STYLES[style](src, "(edited by " + style + ")\n")
    new = wait_for(lambda: len(auto.blocks()) >= 2 and auto.blocks()[1:], "the save's cycle", proc=auto)
    assert _headline(new[0]).endswith("src/a.txt changed"), new[0]
    assert _rebuilt(new[0]).startswith("compile:a report"), new[0]
    assert (proj / "out" / "a.up").read_text() == "(EDITED BY " + style.upper() + ")\n"
    after = _sentinel(proj, auto, 1)
    assert len(after) == 2, "the save gave more than one rebuild:\n" + "".join(after)
    assert auto.proc.poll() is None


def test_syntax_error_is_a_failed_form_and_fixing_it_recovers(tmp_path: Path, autos):
    proj, auto = _started(tmp_path, autos)
    src = proj / "src" / "a.txt"
    save_in_place(src, "(fine)\n(broken (form)\n(fine too)\n")
    broken = auto.wait_blocks(2, "the broken source's cycle")[1]
    assert "failed    src/a.txt:2 unbalanced parentheses" in broken
    assert "coverage  80.00% (-20.00) 4/5 forms, 1 failed  report.json" in broken
    assert auto.proc.poll() is None                     # still watching
    save_in_place(src, "(fine)\n(fixed (form))\n(fine too)\n")
    fixed = auto.wait_blocks(3, "the fixed source's cycle")[2]
    assert "coverage  100.00% (+20.00) 5/5 forms" in fixed
    assert "failed" not in fixed.lower()
    report = json.loads((proj / "report.json").read_text())
    assert report["summary"]["failed"] == 0


def test_ignored_paths_trigger_nothing(tmp_path: Path, autos):
    proj, auto = _started(tmp_path, autos)
    src = proj / "src"
    # editor leftovers in a watched source directory (a new file there would otherwise
    # start a cycle), VCS and doit's own files, the build's outputs
    for name in ("a.txt~", ".#a.txt", ".a.txt.swp", ".a.txt.swx", "4913", "a.txt.tmp", "#a.txt#"):
        (src / name).write_text("junk\n")
    (src / ".git").mkdir()
    (src / ".git" / "index").write_text("junk\n")
    (proj / ".doit.db-journal").write_text("junk\n")
    (proj / "out" / "a.up").write_text("TAMPERED\n")   # a target: never a trigger
    (proj / "report.json").touch()
    after = _sentinel(proj, auto, 1)
    assert len(after) == 1, "an ignored path started a cycle:\n" + "".join(after)
    assert _rebuilt(after[0]).startswith("compile:b report")


def test_a_new_source_in_the_configuration_becomes_a_task(tmp_path: Path, autos):
    proj, auto = _started(tmp_path, autos)
    (proj / "src" / "c.txt").write_text("(new (source))\n")
    # a new file in a source directory reloads the graph; it is not listed yet
    added = auto.wait_blocks(2, "the new file's cycle")[1]
    assert "src/c.txt added" in _headline(added) and "nothing" in _rebuilt(added)
    with open(proj / "sources.txt", "a") as f:         # read while the dodo file loads
        f.write("src/c.txt\n")
    listed = auto.wait_blocks(3, "the configuration's cycle")[2]
    assert "sources.txt changed" in _headline(listed)
    assert _rebuilt(listed).startswith("compile:c report")
    assert (proj / "out" / "c.up").read_text() == "(NEW (SOURCE))\n"
    assert "5/5 forms" in listed


def test_a_deleted_module_gets_a_clear_message(tmp_path: Path, autos):
    proj, auto = _started(tmp_path, autos)
    (proj / "src" / "a.txt").unlink()
    gone = auto.wait_blocks(2, "the deletion's cycle")[1]
    assert "src/a.txt deleted" in _headline(gone)
    assert ("deleted   src/a.txt is still a source of compile:a: restore it or remove it "
            "from the configuration") in gone
    assert auto.proc.poll() is None
    (proj / "sources.txt").write_text("src/b.txt\n")
    back = auto.wait_blocks(3, "the configuration's cycle")[2]
    assert "report" in _rebuilt(back) and "2/2 forms" in back and "FAILED" not in back


def test_changes_during_a_build_queue_exactly_one_more_run(tmp_path: Path, autos):
    proj = tmp_path / "slow"
    (proj / "src").mkdir(parents=True)
    shutil.copy(HERE / "fixture" / "slow_dodo.py", proj / "dodo.py")
    src = proj / "src" / "in.txt"
    src.write_text("v0" * 50)
    (proj / "release").touch()
    auto = autos(proj, "--debounce", "0.05")
    auto.wait_blocks(1, "the first cycle")

    (proj / "release").unlink()                      # hold the next build in its task
    save_in_place(src, "v1" * 50)
    wait_for(lambda: (proj / "out.txt").read_text() == "v1" * 25, "the build to start", proc=auto)
    for text in ("v2" * 50, "v3" * 50):              # two separate bursts during the build
        save_in_place(src, text)
        time.sleep(0.3)                              # spacing, not an assertion
    (proj / "release").touch()
    blocks = auto.wait_blocks(3, "the held build and the queued one")
    assert "rebuilt   slow" in blocks[1] and "rebuilt   slow" in blocks[2]
    wait_for(lambda: (proj / "out.txt").read_text() == "v3" * 50, "the queued run's output", proc=auto)
    save_in_place(src, "v4" * 50)                    # a sentinel: the queue is empty by then
    blocks = auto.wait_blocks(4, "the sentinel's cycle")
    assert (proj / "out.txt").read_text() == "v4" * 50
    assert len(auto.blocks()) == 4, auto.out()


def test_a_broken_dodo_file_is_reported_and_its_repair_reloads(tmp_path: Path, autos):
    proj, auto = _started(tmp_path, autos)
    dodo = proj / "dodo.py"
    good = dodo.read_text()
    save_in_place(dodo, good + "\ndef task_broken(:\n")
    broken = auto.wait_blocks(2, "the broken dodo file's cycle")[1]
    assert "dodo.py changed" in _headline(broken)
    assert re.search(r"^  error +loading the tasks: SyntaxError", broken, re.M), broken
    assert auto.proc.poll() is None
    save_in_place(dodo, good.replace('"auto_tasks": ["report"]', '"auto_tasks": ["compile:b"]'))
    repaired = auto.wait_blocks(3, "the repaired dodo file's cycle")[2]
    assert "error" not in repaired and "nothing: 1 task up to date" in repaired, repaired
