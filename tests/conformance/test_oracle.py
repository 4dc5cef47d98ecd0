"""The corpus against SBCL, the oracle; and the corpus's coverage of the language.

The SBCL tests skip when `sbcl` is not installed; the coverage tests never skip.
"""

from __future__ import annotations


import shutil
import subprocess
from pathlib import Path

import pytest

from corpus import ITEMS, PROGRAMS, covered_items, expected_output

SBCL = shutil.which("sbcl")


@pytest.mark.skipif(SBCL is None, reason="sbcl is not installed")
@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.stem)
def test_sbcl_prints_expected_output(program: Path, tmp_path: Path) -> None:
    # Run from an empty directory so that no program can depend on the checkout.
    result = subprocess.run(
        [SBCL, "--script", str(program)],
        cwd=tmp_path, capture_output=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")[-2000:]
    assert result.stdout.decode("utf-8") == expected_output(program)


def test_every_program_has_expected_output() -> None:
    for program in PROGRAMS:
        assert program.with_suffix(".out").is_file(), f"{program.name} has no .out"
        assert expected_output(program), f"{program.name} prints nothing"


def test_every_program_has_a_covers_header_naming_known_items() -> None:
    known = {item for items in ITEMS.values() for item in items}
    for program in PROGRAMS:
        items = covered_items(program)
        assert items, f"{program.name} has no ';;; covers:' header"
        unknown = [item for item in items if item not in known]
        assert not unknown, f"{program.name} names unknown items {unknown}"
