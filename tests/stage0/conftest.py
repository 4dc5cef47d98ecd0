import io

import pytest

from stages.stage0 import Stage0


class Runner:
    """Evaluate Lisp text in a fresh CL-USER; `out(text)` returns what it printed."""

    def __init__(self):
        self.buf = io.StringIO()
        self.s = Stage0(stdout=self.buf, stderr=io.StringIO())
        self.s.fresh_user_package()

    def eval(self, text):
        return self.s.eval_string(text)

    def out(self, text):
        self.buf.seek(0)
        self.buf.truncate()
        self.s.eval_string(text)
        return self.buf.getvalue()

    def show(self, text):
        """prin1-to-string of the value of the last form."""
        return self.out(f"(prin1 (progn {text}))")


@pytest.fixture
def lisp():
    return Runner()
