"""The command line: `python -m runtime <command> ...`.

Each subcommand lives in its own module exposing `register(subparsers)`, which adds
its parser and sets `handler` (a function of the parsed args returning an exit code).
To add a command (e.g. `compile`), write runtime/cli/compile.py with `register` and add
it to COMMANDS below; nothing else changes.
"""
from __future__ import annotations

import argparse
import sys

from ..exit_codes import ExitCode
from . import compile, inspect, run

COMMANDS = [run, inspect, compile]  # add new subcommand modules here


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m runtime",
        description="wasmboot's wasmtime host for stage modules. Exit codes: 0 success, "
                    "1 partial, 2 failure, 3 missing file, 77 known limitation.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse: --help exits 0, usage errors exit 2
        return int(e.code or 0)
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return int(ExitCode.FAILURE)
