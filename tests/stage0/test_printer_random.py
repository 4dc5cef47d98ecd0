"""The printer against SBCL on generated data (fresh seeds each run of this test are
fixed, so failures reproduce): every PRINT / ~A / ~S output must be byte-identical."""
import io
import shutil
import subprocess

import pytest

from gen_printer_forms import forms_for
from stages.stage0 import Stage0

SBCL = shutil.which("sbcl")


@pytest.mark.skipif(SBCL is None, reason="SBCL is not installed")
@pytest.mark.parametrize("seed", [2, 3])
def test_generated_objects_print_like_sbcl(tmp_path, seed):
    src = forms_for(seed, count=15)
    f = tmp_path / "forms.lisp"
    f.write_text(src, encoding="utf-8")
    expected = subprocess.run([SBCL, "--script", str(f)], capture_output=True, timeout=120).stdout
    out = io.StringIO()
    s = Stage0(stdout=out)
    s.fresh_user_package()
    s.load_file(str(f))
    assert out.getvalue() == expected.decode("utf-8")
