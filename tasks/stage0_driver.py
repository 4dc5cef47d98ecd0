"""python -m tasks.stage0_driver --entry PKG::FN --output OUT [--results R] [--load L]... SOURCES...

Stage 0 (the Python interpreter of stages/stage0/) loads the compiler (each --load: a
module list `modules.txt`, whose files load in order, or one .lisp file) and calls
(PKG::FN (SOURCES...) OUT :results-path R). Exits with the function's result when it
is 0, 1 or 2, else 0; 2 with one line on stderr for a Lisp error, 3 for a missing file.
Run as a subprocess by the stage1:make task: one Lisp world per process.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tasks.stage0_driver")
    ap.add_argument("--entry", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--results")
    ap.add_argument("--load", action="append", default=[])
    ap.add_argument("sources", nargs="*")
    args = ap.parse_args(argv)
    from stages.stage0.api import Stage0, Stage0Error
    s = Stage0()
    try:
        for item in args.load:
            if item.endswith(".txt"):
                s.load_compiler(str(Path(item).resolve().parent))
            else:
                s.load_file(item)
        keys = {"results_path": args.results} if args.results else {}
        result = s.call(args.entry, list(args.sources), args.output, **keys)
    except Stage0Error as e:
        sys.stdout.flush()
        print(str(e), file=sys.stderr)
        return e.exit_code
    sys.stdout.flush()
    return result if isinstance(result, int) and result in (0, 1, 2) else 0


if __name__ == "__main__":
    sys.exit(main())
