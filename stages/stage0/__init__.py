"""Stage 0: a Python interpreter for the Lisp subset (stages/SUBSET.md).

It runs the compiler's Lisp source directly, so the compiler running here and the
compiled compiler execute the same code. Entry points: `Stage0` (api.py) and
`python -m stages.stage0` (__main__.py).
"""
from .api import Stage0, Stage0Error, FEATURES

__all__ = ["Stage0", "Stage0Error", "FEATURES"]
