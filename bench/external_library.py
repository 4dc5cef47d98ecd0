"""The embedded compiler on real code it was not written for: Debian's cl-alexandria.

    python bench/external_library.py [--source DIR] [--stage1 WASM | --no-stage1]
                                     [--timeout 900] [--top 10] [--markdown]

The library's source files are taken in ASDF load order from DIR/alexandria.asd
(default DIR: /usr/share/common-lisp/source/alexandria, from `apt-get install
cl-alexandria`; exit 77 when it is missing). A DIR without an .asd file is compiled
in the sorted order of its *.lisp files (used by the smoke test).

Each route runs the compile_all protocol of docs/build.md exactly as `doit bootstrap`
does: one `compile` record per file with the files before it as `context` records,
then one `link` record joining every artifact written.
  sbcl    the compiler's source loaded into SBCL (`tests/compiler/sbcl_driver.lisp
          STAGES/ --request FILE`): one process for all the records; a fatal error (status
          2) or a timeout is reported at the file it happened in and the run resumes
          with the next file;
  stage1  the compiled compiler (default build/stage1.wasm when it exists) under the
          runtime, one fresh instance per record as the build's tasks use, on a copy of
          the library inside the project's sandbox (build/bench-external-PID/, removed
          afterwards). Its per-form results must equal SBCL's; the script says whether
          they do.
Then the linked module (SBCL's) is loaded, instantiated and its _start run under a time
limit: alexandria has no main program, so _start only runs the top-level forms.

Prints per file: forms / compiled / failed / skipped; totals and the compiled share;
the top failure reasons; each route's wall time. Exit 0 when every route ran to its end
(forms may fail: that is the measurement), 1 when a route crashed or hung or the routes
disagree, 77 when the library is not installed. Figures only; nothing is asserted.
"""
from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tasks.protocol import FormResult, ResultsError, compile_request, link_request, read_results  # noqa: E402

DEFAULT_SOURCE = Path("/usr/share/common-lisp/source/alexandria")
DRIVER = ROOT / "tests" / "compiler" / "sbcl_driver.lisp"
DEFAULT_STAGE1 = ROOT / "build" / "stage1.wasm"


# -- the library's files, in load order ----------------------------------------------------

def read_sexprs(text: str) -> list:
    """The forms of TEXT as nested Python lists: strings stay str, other atoms become
    lowercase str (keywords keep their colon, #:name loses the #:). Enough for a .asd."""
    tokens = re.findall(r'"(?:\\.|[^"\\])*"|#\|.*?\|#|;[^\n]*|[()]|\'|[^\s()";\']+', text,
                        re.S)
    stack: list[list] = [[]]
    for tok in tokens:
        if tok.startswith(";") or tok.startswith("#|") or tok == "'":
            continue
        if tok == "(":
            stack.append([])
        elif tok == ")":
            if len(stack) == 1:
                raise ValueError("unbalanced ')'")
            done = stack.pop()
            stack[-1].append(done)
        elif tok.startswith('"'):
            stack[-1].append(Str(re.sub(r"\\(.)", r"\1", tok[1:-1])))
        else:
            stack[-1].append(tok.lower()[2:] if tok.startswith("#:") else tok.lower())
    if len(stack) != 1:
        raise ValueError("unbalanced '('")
    return stack[0]


class Str(str):
    """A Lisp string (so "package" and the symbol package can be told apart if needed)."""


def _plist(items: list) -> dict:
    return {items[i]: items[i + 1] for i in range(0, len(items) - 1, 2)
            if isinstance(items[i], str) and items[i].startswith(":")}


def _component_order(components: list, prefix: str) -> list[str]:
    """Relative paths of the :file components (recursing into :module), each after the
    siblings it :depends-on, otherwise in declared order (what ASDF's plan does)."""
    by_name, order = {}, []
    for comp in components:
        if not isinstance(comp, list) or not comp:
            continue
        kind, name, opts = comp[0], str(comp[1]), _plist(comp[2:])
        if kind in (":file", ":module"):
            by_name[name] = (kind, name, opts)
            order.append(name)
    out: list[str] = []
    done: set[str] = set()

    def visit(name: str, seen: tuple = ()) -> None:
        if name in done or name not in by_name or name in seen:
            return
        kind, _, opts = by_name[name]
        for dep in opts.get(":depends-on", []) or []:
            visit(str(dep), seen + (name,))
        done.add(name)
        path = str(opts.get(":pathname", name))
        if kind == ":file":
            out.append(f"{prefix}{path}.lisp")
        else:
            out.extend(_component_order(opts.get(":components", []), f"{prefix}{path}/"))

    for name in order:
        visit(name)
    return out


def load_order(source: Path) -> list[Path]:
    """The library's source files in load order (its .asd's first defsystem), or its
    *.lisp files sorted when the directory has no .asd."""
    asds = sorted(source.glob("*.asd"))
    main = [a for a in asds if a.stem == source.name] or [a for a in asds if "test" not in a.stem]
    if not main:
        return sorted(source.glob("*.lisp"))
    for form in read_sexprs(main[0].read_text(encoding="utf-8", errors="replace")):
        if isinstance(form, list) and form and form[0] in ("defsystem", "asdf:defsystem"):
            return [source / p for p in _component_order(_plist(form[2:]).get(":components", []), "")]
    raise ValueError(f"{main[0]}: no defsystem form")


# -- one route's run -----------------------------------------------------------------------

@dataclass
class RouteRun:
    route: str
    seconds: float = 0.0
    results: dict[str, list[FormResult]] = field(default_factory=dict)   # rel path -> rows
    problems: list[str] = field(default_factory=list)   # crash / hang / missing output
    linked: Path | None = None
    link_note: str = ""


def _names(files: list[Path], source: Path) -> list[str]:
    """Artifact names: the relative path with / replaced (alexandria-1/arrays and
    alexandria-2/arrays must not share one)."""
    return [str(f.relative_to(source).with_suffix("")).replace(os.sep, "-") for f in files]


def _request(srcs: list[str], names: list[str], out: Path, start: int, link_to: str | None,
             artifacts: list[str]) -> str:
    """Records for files START.. : each compile after the context of all files before it."""
    text = "".join(f"context\t{s}\n" for s in srcs[:start])
    for i in range(start, len(srcs)):
        text += compile_request(names[i], srcs[i], f"{out}/{names[i]}.art", f"{out}/{names[i]}.tsv")
        text += f"context\t{srcs[i]}\n"
    if link_to:
        text += link_request(link_to, artifacts)
    return text


def run_sbcl(files: list[Path], source: Path, work: Path, timeout: float) -> RouteRun:
    run = RouteRun("sbcl")
    if shutil.which("sbcl") is None:
        run.problems.append("sbcl is not installed")
        return run
    srcs = [str(f.resolve()) for f in files]
    names = _names(files, source)
    rel = [str(f.relative_to(source)) for f in files]
    out = work / "sbcl"
    out.mkdir()
    start = 0
    t0 = time.perf_counter()
    while start < len(files):
        req = out / f"request-{start}.txt"
        req.write_text(_request(srcs, names, out, start, None, []))
        cmd = ["sbcl", "--script", str(DRIVER), str(ROOT / "stages") + os.sep, "--request", str(req)]
        left = timeout - (time.perf_counter() - t0)
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=max(1.0, left), cwd=ROOT)
            code, said = p.returncode, (p.stdout + p.stderr)
        except subprocess.TimeoutExpired:
            code, said = None, ""
        # the first file of this request without results is where it stopped
        stop = next((i for i in range(start, len(files)) if not (out / f"{names[i]}.tsv").exists()),
                    len(files))
        for i in range(start, stop):
            run.results[rel[i]] = [_strip_prefix(r, str(source) + os.sep)
                                   for r in read_results(str(out / f"{names[i]}.tsv"))]
        if code in (0, 1) and stop == len(files):
            break
        if stop == len(files):
            run.problems.append(f"SBCL request exits {code} after writing every result: "
                                f"{_last_line(said)}")
            break
        if code is None:
            run.problems.append(f"hang: SBCL gave no answer within {timeout:.0f} s; "
                                f"it was compiling {rel[stop]}")
            break
        fatal = [ln for ln in said.splitlines() if ln.startswith("fatal:")]
        run.problems.append(f"crash on {rel[stop]}: SBCL request exits {code}: "
                            f"{fatal[-1] if fatal else _last_line(said)}")
        start = stop + 1
    compiled_arts = [str(out / f"{names[i]}.art") for i in range(len(files))
                     if (out / f"{names[i]}.art").exists()]
    run.linked = out / "alexandria.wasm"
    req = out / "request-link.txt"
    req.write_text(link_request(str(run.linked), compiled_arts))
    cmd = ["sbcl", "--script", str(DRIVER), str(ROOT / "stages") + os.sep, "--request", str(req)]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True,
                           timeout=max(1.0, timeout - (time.perf_counter() - t0)), cwd=ROOT)
        if p.returncode != 0 or not run.linked.exists():
            run.link_note = f"link exits {p.returncode}: {_last_line(p.stdout + p.stderr)}"
            run.linked = None
        else:
            run.link_note = (f"{len(compiled_arts)} artifacts -> "
                             f"{run.linked.stat().st_size} bytes")
    except subprocess.TimeoutExpired:
        run.link_note = f"hang: the link gave no answer within the {timeout:.0f} s budget"
        run.linked = None
    run.seconds = time.perf_counter() - t0
    return run


def run_stage1(stage1: Path, files: list[Path], source: Path, work: Path,
               timeout: float) -> RouteRun:
    """The compiled compiler on a copy of the library inside the project (its sandbox
    reads stages/ and the copy, writes only the copy)."""
    from runtime import RuntimeConfig, Stage
    from runtime.exit_codes import RuntimeFailure
    run = RouteRun("stage1")
    box = ROOT / "build" / f"bench-external-{os.getpid()}"
    shutil.rmtree(box, ignore_errors=True)
    try:
        rel = [str(f.relative_to(source)) for f in files]
        for f, r in zip(files, rel):
            (box / "src" / r).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f, box / "src" / r)
        (box / "out").mkdir()
        (box / "cache").mkdir()
        base = box.relative_to(ROOT)
        srcs = [f"{base}/src/{r}" for r in rel]
        names = _names(files, source)
        t0 = time.perf_counter()

        def call(request: str, what: str) -> int | None:
            err = io.BytesIO()
            left = max(1.0, timeout - (time.perf_counter() - t0))
            config = RuntimeConfig(cache_dir=box / "cache", base_dir=ROOT,
                                   read_roots=[Path("stages"), base], write_roots=[base / "out"],
                                   stdin=io.BytesIO(), stdout=io.BytesIO(), stderr=err,
                                   time_limit=left)
            try:
                with Stage.open(stage1, config) as s:
                    if s.module.export("compile_all") is None:
                        run.problems.append(f"{stage1} does not export compile_all")
                        return None
                    code = s.call("compile_all", request)
            except RuntimeFailure as exc:
                run.problems.append(f"crash or hang on {what}: {_last_line(str(exc))}")
                return None
            if code not in (0, 1):
                run.problems.append(f"crash on {what}: compile_all returns {code}: "
                                    f"{_last_line(err.getvalue().decode('utf-8', 'replace'))}")
                return None
            return code

        for i in range(len(files)):
            art, res = f"{base}/out/{names[i]}.art", f"{base}/out/{names[i]}.tsv"
            if call(compile_request(names[i], srcs[i], art, res, srcs[:i]), rel[i]) is not None:
                run.results[rel[i]] = [_strip_prefix(r, f"{base}/src/")
                                       for r in read_results(str(ROOT / res))]
            if time.perf_counter() - t0 > timeout:
                run.problems.append(f"hang: over the {timeout:.0f} s budget after {rel[i]}")
                break
        arts = [f"{base}/out/{n}.art" for n in names if (ROOT / base / "out" / f"{n}.art").exists()]
        out = f"{base}/out/alexandria.wasm"
        if call(link_request(out, arts), "the link") is not None and (ROOT / out).exists():
            run.link_note = f"{len(arts)} artifacts -> {(ROOT / out).stat().st_size} bytes"
            run.linked = work / "stage1-alexandria.wasm"
            shutil.copy(ROOT / out, run.linked)
        else:
            run.link_note = "link failed"
        run.seconds = time.perf_counter() - t0
    finally:
        shutil.rmtree(box, ignore_errors=True)
    return run


def _strip_prefix(r: FormResult, prefix: str) -> FormResult:
    f = r.file[len(prefix):] if r.file.startswith(prefix) else r.file
    return FormResult(r.status, f, r.line, r.column, r.name, r.reason)


def _last_line(text: str) -> str:
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    return (lines[-1] if lines else "(no message)")[:300]


# -- the linked module ---------------------------------------------------------------------

def try_linked(path: Path, time_limit: float = 60.0) -> str:
    """Load (validate), instantiate and run _start of the linked module; one line on what
    happened. Alexandria has no main program: _start runs its top-level forms only."""
    from runtime import RuntimeConfig, Stage
    from runtime.exit_codes import RuntimeFailure
    from runtime.lifecycle import ModuleExited
    out, err = io.BytesIO(), io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="wasmboot-ext-run-") as tmp:
        config = RuntimeConfig(cache_dir=None, base_dir=Path(tmp), read_roots=[Path(".")],
                               write_roots=[Path(".")], stdin=io.BytesIO(), stdout=out,
                               stderr=err, time_limit=time_limit)
        s = Stage(path, config)
        steps = []
        try:
            s.load()
            steps.append("validates")
            s.instantiate()
            steps.append("instantiates")
            s.start()
            steps.append("_start returns")
        except ModuleExited as exc:
            steps.append(f"_start exits {exc.code}")
        except RuntimeFailure as exc:
            steps.append(f"fails: {_last_line(str(exc))}")
        finally:
            s.close()
    said = _last_line(err.getvalue().decode("utf-8", "replace")) if err.getvalue() else ""
    return ", ".join(steps) + (f" (stderr: {said})" if said else "")


# -- the tables ----------------------------------------------------------------------------

def reason_kind(reason: str) -> str:
    """A failure reason without its specifics, to group by. Leading "WORD: " prefixes
    that only name the operator or definition ("defun: ", "in-package: ", "#:FOO: ") are
    dropped, then the text before the next ': ' is kept (the compiler's reasons read
    "what went wrong: the form"), with parenthesized forms replaced by (…), upper-case
    Lisp names by NAME and numbers by N. "error in #. evaluation: WHY" keeps its WHY."""
    text = " ".join(reason.split())
    while re.match(r"^[^\s:]+(?::[^\s:]+)*: ", text) and not text.startswith("error in"):
        text = text.split(": ", 1)[1]
    parts = text.split(": ")
    head = ": ".join(parts[:2]) if parts[0].startswith("error in") else parts[0]
    prev = None
    while prev != head:   # innermost lists first
        prev, head = head, re.sub(r"\([^()]*\)", "(…)", head)
    head = re.sub(r"'?(?:#:)?\b[A-Z*%+&][A-Z0-9*%+&/<>=.-]*(?:::?[A-Z0-9*%+/<>=.-]+)?"
                  r"(?![a-z])", "NAME", head)
    head = re.sub(r"\b\d+\b", "N", head)
    return head.strip()[:110]


def counts(rows: list[FormResult]) -> tuple[int, int, int, int]:
    c = Counter(r.status for r in rows)
    return len(rows), c["compiled"], c["failed"], c["skipped"]


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "n/a"


def report_lines(files: list[str], run: RouteRun, top: int, markdown: bool = False) -> list[str]:
    rows = [(f, *counts(run.results[f])) if f in run.results else (f, None, None, None, None)
            for f in files]
    head = ("file", "forms", "compiled", "failed", "skipped")
    tot = [sum(r[i] or 0 for r in rows) for i in (1, 2, 3, 4)]
    cells = [tuple(str(x) if x is not None else "no result" for x in r) for r in rows]
    cells.append(("total", *(str(x) for x in tot)))
    lines = _table(head, cells, markdown)
    forms, compiled, failed, skipped = tot
    lines.append("")
    lines.append(f"compiled {compiled} of {forms - skipped} forms that are not directives "
                 f"({_pct(compiled, forms - skipped)}); {compiled} of all {forms} forms "
                 f"({_pct(compiled, forms)}); failed {failed}; skipped {skipped}")
    ops = Counter(r.name.split(" ")[0] for f in files for r in run.results.get(f, [])
                  if r.status == "compiled")
    lines.append("compiled forms by operator: " + ", ".join(f"{op} {n}" for op, n in
                                                           ops.most_common()))
    failures = [r for f in files for r in run.results.get(f, []) if r.status == "failed"]
    kinds = Counter(reason_kind(r.reason) for r in failures)
    if kinds:
        lines.append("")
        lines.append(f"top failure reasons (of {len(failures)} failed forms; grouped by "
                     f"the reason before its first ':', names replaced):")
        example = {}
        for r in failures:
            example.setdefault(reason_kind(r.reason), r)
        kcells = [(str(n), k, f"{example[k].file}:{example[k].line}",
                   (example[k].name + " " if example[k].name not in ("", "-") else "")
                   + "- " + example[k].reason[:80])
                  for k, n in kinds.most_common(top)]
        lines += _table(("forms", "reason", "example", "its name and full reason"), kcells, markdown)
    return lines


def _table(head: tuple, cells: list[tuple], markdown: bool) -> list[str]:
    if markdown:
        return ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"] + \
               ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in cells]
    widths = [max(len(r[i]) for r in [head] + cells) for i in range(len(head))]
    fmt = lambda row: "  ".join(c.rjust(w) if c.isdigit() or c == "no result" or  # noqa: E731
                                (i > 0 and head[i] in ("forms", "compiled", "failed", "skipped"))
                                else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths)))
    return [fmt(head).rstrip(), "-" * min(120, sum(widths) + 2 * len(widths))] + \
           [fmt(r).rstrip() for r in cells]


def compare(a: RouteRun, b: RouteRun, files: list[str]) -> str:
    """Whether two routes gave the same per-form results; if not, how many forms differ
    and the first difference (in load order)."""
    key = lambda r: (r.status, r.line, r.column, r.name, r.reason)  # noqa: E731
    diffs = []
    for f in files:
        ra, rb = a.results.get(f), b.results.get(f)
        if ra is None or rb is None:
            if ra is not rb:
                diffs.append(f"{f} has results from only {a.route if ra else b.route}")
            continue
        diffs += [f"{f}: {a.route} {key(x)} vs {b.route} {key(y)}"
                  for x, y in zip(ra, rb) if key(x) != key(y)]
        if len(ra) != len(rb):
            diffs.append(f"{f} has {len(ra)} forms from {a.route}, {len(rb)} from {b.route}")
    if not diffs:
        return "yes: the same per-form results for every file"
    return f"no: {len(diffs)} forms differ; first: {diffs[0]}"


# -- main ----------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                    help=f"the library's source directory (default {DEFAULT_SOURCE})")
    ap.add_argument("--stage1", type=Path,
                    help=f"also run the compiled compiler WASM (default {DEFAULT_STAGE1.relative_to(ROOT)} "
                         "when it exists)")
    ap.add_argument("--no-stage1", action="store_true", help="run the SBCL route only")
    ap.add_argument("--timeout", type=float, default=900.0,
                    help="seconds per route before a hang is reported (default 900)")
    ap.add_argument("--top", type=int, default=10, help="failure reasons shown (default 10)")
    ap.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    opt = ap.parse_args(argv)
    source = opt.source.resolve()
    if not source.is_dir():
        print(f"{source}: no such directory (install the library: apt-get install -y "
              f"cl-alexandria, or give --source DIR)")
        return 77
    try:
        files = load_order(source)
    except (OSError, ValueError) as exc:
        print(f"error: {source}: cannot read the system definition: {exc}", file=sys.stderr)
        return 2
    missing = [f for f in files if not f.is_file()]
    if not files or missing:
        print(f"error: {source}: " + (f"no such file {missing[0]}" if missing else "no Lisp files"),
              file=sys.stderr)
        return 2
    stage1 = None if opt.no_stage1 else (opt.stage1 or (DEFAULT_STAGE1 if DEFAULT_STAGE1.exists() else None))
    if stage1 is not None and not stage1.is_file():
        print(f"error: {stage1}: no such file", file=sys.stderr)
        return 2

    if shutil.which("sbcl") is None:
        print("sbcl is not installed: the SBCL route (the reference) cannot run")
        return 77

    from common import header_lines, machine
    print("\n".join(header_lines(machine())))
    print(f"library: {source} ({len(files)} files in load order)")
    m = measure(source, files, stage1, opt.timeout)
    print()
    print("\n".join(report_lines(m.files, m.runs[0], opt.top, opt.markdown)))
    print()
    for r in m.runs:
        status = "; ".join(r.problems) if r.problems else "ran to the end, no crash or hang"
        print(f"{r.route:<7} wall {r.seconds:7.1f} s; {status}")
        print(f"{'':<7} link: {r.link_note or 'not run'}; linked module: {m.linked[r.route]}")
    if m.agree is not None:
        print(f"stage 1 and SBCL agree: {m.agree}")
    return 1 if m.bad else 0


@dataclass
class Measured:
    files: list[str]                 # relative paths, load order
    runs: list[RouteRun]             # sbcl first, then stage1 if run
    linked: dict[str, str]           # route -> what happened to its linked module
    agree: str | None                # stage 1 vs SBCL, None if stage 1 did not run

    @property
    def bad(self) -> bool:
        return any(r.problems for r in self.runs) or \
            (self.agree is not None and not self.agree.startswith("yes"))


def measure(source: Path, files: list[Path], stage1: Path | None, timeout: float) -> Measured:
    rel = [str(f.relative_to(source)) for f in files]
    with tempfile.TemporaryDirectory(prefix="wasmboot-bench-ext-") as tmp:
        runs = [run_sbcl(files, source, Path(tmp), timeout)]
        if stage1 is not None:
            print(f"running stage 1 ({stage1}) ...", file=sys.stderr, flush=True)
            runs.append(run_stage1(stage1.resolve(), files, source, Path(tmp), timeout))
        linked = {r.route: (try_linked(r.linked) if r.linked else "not linked") for r in runs}
    return Measured(rel, runs, linked, compare(runs[0], runs[1], rel) if len(runs) > 1 else None)


def rows(opt=None) -> list:
    """bench/run.py's row group: wall time per route and the compiled share (stage 1
    only without --quick: it takes minutes)."""
    from common import Row, na
    label = "cl-alexandria (external library)"
    keys = ("external.sbcl", "external.stage1", "external.compiled_share")
    labels = (f"{label}: SBCL compile_all, every file + link",
              f"{label}: stage 1 compile_all, every file + link",
              f"{label}: compiled / forms that are not directives")
    why = None
    if not DEFAULT_SOURCE.is_dir():
        why = f"{DEFAULT_SOURCE} missing (apt-get install -y cl-alexandria)"
    elif shutil.which("sbcl") is None:
        why = "sbcl is not installed"
    if why:
        return [na(k, lb, u, why) for k, lb, u in zip(keys, labels, ("s", "s", "%"))]
    quick = bool(getattr(opt, "quick", False))
    stage1 = DEFAULT_STAGE1 if DEFAULT_STAGE1.exists() and not quick else None
    m = measure(DEFAULT_SOURCE, load_order(DEFAULT_SOURCE), stage1, 900.0)
    out = []
    for r in m.runs:
        key, lab = (keys[0], labels[0]) if r.route == "sbcl" else (keys[1], labels[1])
        if r.problems:
            out.append(na(key, lab, "s", r.problems[0]))
        else:
            note = m.agree if r.route == "stage1" else f"linked module: {m.linked[r.route]}"
            out.append(Row(key, lab, "s", [r.seconds], note=note[:100]))
    if stage1 is None:
        out.append(na(keys[1], labels[1], "s", "skipped with --quick" if quick
                      else f"no {DEFAULT_STAGE1.relative_to(ROOT)}"))
    forms, compiled, failed, skipped = map(sum, zip(*(counts(v) for v in m.runs[0].results.values())))
    out.append(Row(keys[2], labels[2], "%", [100.0 * compiled / max(1, forms - skipped)],
                   note=f"SBCL route: {compiled} of {forms - skipped} ({forms} forms, "
                        f"{failed} failed, {skipped} skipped)"))
    return out


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ResultsError as exc:
        print(f"error: malformed per-form results: {exc}", file=sys.stderr)
        sys.exit(2)
