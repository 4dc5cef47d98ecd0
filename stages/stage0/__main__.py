"""Command line: python -m stages.stage0 [--load FILE]... FILE.lisp

Runs the top-level forms of the files in order. Exit codes: 0 success, 2 an unhandled
Lisp error or a syntax error (one line on stderr), 3 a missing file.
"""
import argparse
import sys

from .api import Stage0, Stage0Error


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m stages.stage0",
                                 description="Run Lisp files with stage 0 (the Python interpreter).")
    ap.add_argument("--load", action="append", default=[], metavar="FILE",
                    help="load FILE first (repeatable, in order)")
    ap.add_argument("file", metavar="FILE.lisp")
    args = ap.parse_args(argv)
    s = Stage0()
    try:
        for f in args.load + [args.file]:
            s.load_file(f)
    except Stage0Error as e:
        sys.stdout.flush()
        print(str(e), file=sys.stderr)
        return e.exit_code
    except Exception as e:  # a bug in stage 0 itself: still one line, never a traceback
        sys.stdout.flush()
        print(f"error: stage 0 internal error: {e!r}", file=sys.stderr)
        return 2
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
