"""The compile_all protocol between the rule set and a compiler stage module.

The host calls the stage's `compile_all` export, `(externref request) -> i32`, with a
request: a host string of lines, fields separated by TAB, paths relative to the
runtime's base directory (the project root), every one inside the sandbox roots:

    context <TAB> source                       a module compiled before the next ones
                                               (for its definitions, e.g. macros); not compiled
    compile <TAB> name <TAB> source <TAB> artifact <TAB> results
                                               compile one source module: write its
                                               artifact and its per-form results
    link <TAB> output <TAB> artifact...        join artifacts, in this order, into a module

The stage returns 0 (every form compiled), 1 (some forms failed; artifact and results
written) or 2 (failure; its message on stderr). It writes its files with clysm:fs, so
each appears only when complete (closed: temporary file, then rename). Records of an
unknown kind are ignored, so the protocol can grow.

Per-form results: one line per top-level form, TAB-separated,

    status <TAB> file <TAB> line <TAB> column <TAB> name <TAB> reason

status is compiled, failed or skipped (e.g. in-package); line and column are 1-based;
name is what the form defines ("-" if nothing); reason is empty unless failed. This is
the format of the embedded compiler's compile-files :results-path.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

STATUSES = ("compiled", "failed", "skipped")


def _line(*fields: str) -> str:
    for f in fields:
        if "\t" in f or "\n" in f:
            raise ValueError(f"a request field may not hold a tab or newline: {f!r}")
    return "\t".join(fields) + "\n"


def compile_request(name: str, source: str, artifact: str, results: str,
                    context: list[str] = ()) -> str:
    return "".join(_line("context", c) for c in context) + \
        _line("compile", name, source, artifact, results)


def link_request(output: str, artifacts: list[str]) -> str:
    return _line("link", output, *artifacts)


@dataclass(frozen=True)
class FormResult:
    status: str
    file: str
    line: int
    column: int
    name: str
    reason: str


class ResultsError(ValueError):
    pass


def read_results(path: str) -> list[FormResult]:
    out = []
    text = Path(path).read_text(encoding="utf-8")
    for i, row in enumerate(text.splitlines(), 1):
        if not row.strip():
            continue
        fields = row.split("\t", 5)
        if len(fields) < 5:
            raise ResultsError(f"{path}:{i}: a per-form result needs 6 TAB-separated fields")
        fields += [""] * (6 - len(fields))
        status, file, line, column, name, reason = fields
        if status not in STATUSES:
            raise ResultsError(f"{path}:{i}: unknown status {status!r}")
        try:
            out.append(FormResult(status, file, int(line), int(column), name, reason))
        except ValueError:
            raise ResultsError(f"{path}:{i}: line and column must be integers") from None
    return out
