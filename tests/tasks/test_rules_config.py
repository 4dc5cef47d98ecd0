"""stages/stages.toml: what it accepts, and one-line errors with the seed's codes for
what it does not (2 malformed, 3 missing)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tasks import config
from tasks.config import ConfigError

from rules_helpers import REPO, run_doit

MINIMAL = """
[build]
[sources]
files = ["src/a.lisp"]
[stage1]
method = "wasm"
path = "s1.wasm"
"""


def load_text(tmp_path: Path, text: str) -> config.StagesConfig:
    p = tmp_path / "stages.toml"
    p.write_text(text)
    return config.load(p)


def test_defaults(tmp_path):
    cfg = load_text(tmp_path, MINIMAL)
    assert cfg.build_dir == "build" and cfg.last_stage == 3 and cfg.fixpoint == (2, 3)
    assert cfg.stage_version(2) == "stage2-v0.1"
    assert cfg.compile_export == "compile_all" and cfg.start_export == "_start"
    assert cfg.sources == (config.SourceModule("a", "src/a.lisp"),)
    assert cfg.write_roots == ("build",) and cfg.runtime.interruption == "epoch"


def test_module_lists_and_qualified_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for d in ("lib", "comp"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "modules.txt").write_text("# order\npackage.lisp\n" + f"{d}-only.lisp\n")
    cfg = load_text(tmp_path, MINIMAL.replace('files = ["src/a.lisp"]',
                                              'lists = ["lib/modules.txt", "comp/modules.txt"]'))
    assert [(m.name, m.path) for m in cfg.sources] == [
        ("lib.package", "lib/package.lisp"), ("lib-only", "lib/lib-only.lisp"),
        ("comp.package", "comp/package.lisp"), ("comp-only", "comp/comp-only.lisp")]


@pytest.mark.parametrize("change, message", [
    (('method = "wasm"', 'method = "magic"'), "[stage1] method must be one of"),
    (('files = ["src/a.lisp"]', 'files = ["../a.lisp"]'), "must be a relative path inside"),
    (('files = ["src/a.lisp"]', 'files = []'), "names no source module"),
    (('[build]', '[build]\nversion = "1"'), "must look like v0.1"),
    (('[build]', '[build]\nfixpoint = [3, 2]'), "fixpoint must name two stages"),
    (('[build]', '[build]\nlast_stage = "3"'), "last_stage must be a int"),
    (('[stage1]', '[stage1x]'), "[stage1] table missing"),
    (('files = ["src/a.lisp"]', 'files = ["src/a.lisp", "src/a.lisp"]'), "listed twice"),
])
def test_malformed_configuration_is_exit_2(tmp_path, change, message):
    with pytest.raises(ConfigError) as e:
        load_text(tmp_path, MINIMAL.replace(*change))
    assert e.value.code == 2 and message in e.value.message and "\n" not in e.value.message


def test_not_toml_is_exit_2(tmp_path):
    with pytest.raises(ConfigError) as e:
        load_text(tmp_path, "[build\n")
    assert e.value.code == 2


def test_missing_configuration_or_module_list_is_exit_3(tmp_path, monkeypatch):
    with pytest.raises(ConfigError) as e:
        config.load(tmp_path / "nope.toml")
    assert e.value.code == 3
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as e:
        load_text(tmp_path, MINIMAL.replace('files = ["src/a.lisp"]', 'lists = ["x/modules.txt"]'))
    assert e.value.code == 3


def test_doit_with_a_broken_configuration_says_one_line(project: Path):
    (project / "stages" / "stages.toml").write_text("[build\n")
    r = run_doit(project)
    assert r.code == 2
    assert r.err.strip().startswith("error: ") and len(r.err.strip().splitlines()) == 1


def test_the_repository_configuration_loads(monkeypatch):
    monkeypatch.chdir(REPO)
    cfg = config.load(REPO / "stages" / "stages.toml")
    assert cfg.sources and cfg.stage1.method in config.STAGE1_METHODS
