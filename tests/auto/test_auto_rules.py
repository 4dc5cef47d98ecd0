"""`doit auto` on the real rule set (dodo.py, tasks/), driven by the rule set's WAT
fixture compiler (tests/tasks/fixture): one edited module reruns that module's compile,
the link and the report; a form that does not compile is reported with its file and
line, and fixing it recovers."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from auto_helpers import REPO, save_in_place

_spec = importlib.util.spec_from_file_location(
    "wasmboot_auto_rules_fixture", REPO / "tests" / "tasks" / "fixture" / "project.py")
fixture_project = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixture_project)

TARGETS = ("stage2:link", "stage2:report")


@pytest.fixture
def rules_project(tmp_path: Path) -> Path:
    return fixture_project.make_project(tmp_path / "proj")


def _ran(block: str) -> set[str]:
    m = re.search(r"^  rebuilt +(.*?)(?: \(\d+ up to date\))?$", block, re.M)
    return set(m.group(1).split()) if m else set()


def test_auto_on_the_rule_set(rules_project: Path, autos):
    proj = rules_project
    auto = autos(REPO, "-f", str(REPO / "dodo.py"), "-d", str(proj), *TARGETS)
    first = auto.wait_blocks(1, "the first cycle")[0]
    assert {"stage1:make", "stage2:module-a"} <= _ran(first), first
    assert re.search(r"^  coverage +\d+\.\d\d% \(new\) 91/94 forms, 3 skipped  build/stage2-report\.json$",
                     first, re.M), first

    # one module edited: its compile, the link, the report; nothing else
    c = proj / "src" / "c.hex"
    text = c.read_text()
    payload = next(l for l in text.splitlines() if l.endswith("; payload"))
    text = text.replace(payload, b"fixture-note-v02".hex() + "  ; payload")  # new bytes
    save_in_place(c, text + "; a comment: one more skipped form\n")          # new results
    edit = auto.wait_blocks(2, "the edit's cycle")[1]
    assert "src/c.hex changed" in edit.splitlines()[0]
    assert _ran(edit) == {"stage2:module-c", "stage2:link", "stage2:report"}, edit

    # a form that does not compile: reported with file and line; the watcher keeps going
    a = proj / "src" / "a.hex"
    good = a.read_text()
    lines = good.splitlines()
    lines.insert(3, "00 zz 01")
    save_in_place(a, "\n".join(lines) + "\n")
    broken = auto.wait_blocks(3, "the broken module's cycle")[2]
    assert re.search(r"^  failed +src/a\.hex:4(:\d+)? not a hex digit$", broken, re.M), broken
    assert re.search(r"^  coverage +\d+\.\d\d% \(-\d+\.\d\d\) .* 1 failed", broken, re.M), broken
    assert auto.proc.poll() is None

    save_in_place(a, good)
    fixed = auto.wait_blocks(4, "the fixed module's cycle")[3]
    assert re.search(r"^  coverage +\d+\.\d\d% \(\+\d+\.\d\d\) \d+/\d+ forms, \d+ skipped ", fixed, re.M), fixed
    assert "failed" not in fixed, fixed
    stage2 = (proj / "build" / "stage2.wasm").read_bytes()
    stage1 = (proj / "fixture" / "stage1.wasm").read_bytes()
    assert stage2 == stage1.replace(b"fixture-note-v01", b"fixture-note-v02")
    assert auto.interrupt() == 130


def test_auto_on_the_rule_set_follows_its_configuration(rules_project: Path, autos):
    proj = rules_project
    auto = autos(REPO, "-f", str(REPO / "dodo.py"), "-d", str(proj), *TARGETS)
    auto.wait_blocks(1, "the first cycle")
    config = proj / "stages" / "stages.toml"
    good = config.read_text()

    save_in_place(config, good.replace("[sources]", "[sources"))     # not TOML any more
    broken = auto.wait_blocks(2, "the broken configuration's cycle")[1]
    assert "stages/stages.toml changed" in broken.splitlines()[0]
    assert re.search(r"^  error +loading the tasks: .*stages\.toml: not valid TOML", broken, re.M), broken
    assert auto.proc.poll() is None

    # a new module listed by the configuration: its compile task appears; the others
    # stay up to date, the link and the report take it in
    (proj / "src" / "d.hex").write_text("; part d: only a comment\n")
    added = auto.wait_blocks(3, "the new file's cycle")[2]
    assert "src/d.hex added" in added.splitlines()[0]
    save_in_place(config, good.replace('"src/c.hex"]', '"src/c.hex", "src/d.hex"]'))
    listed = auto.wait_blocks(4, "the repaired configuration's cycle")[3]
    assert _ran(listed) == {"stage2:module-d", "stage2:link", "stage2:report"}, listed
    assert "91/95 forms, 4 skipped" in listed
