"""`python -m runtime compile [--stage N] FILE.lisp... -o OUT.wasm`

Compiles Lisp files into one module with a stage of the embedded compiler:

- stage 0: the Python interpreter (stages/stage0/) runs the compiler's Lisp source
  (`WASMBOOT-COMPILER::COMPILE-FILES`) in this process;
- stage N >= 1: `build/stageN.wasm` runs under the runtime and answers a compile_all
  request (docs/build.md): one `compile` record per file (its per-form results, with the
  files before it as context) and one `link` record that writes the module.

The default stage is the newest built one (highest N with build/stageN.wasm), else 0.
One line per failed form is printed (`file:line:column: reason`); the exit code is the
seed's: 0 all compiled, 1 some forms failed, 2 failure, 3 missing file.

A stage module is untrusted: it sees only a private scratch directory holding copies of
the inputs (read root) and its output directory (write root). The module it writes is
moved to OUT only when complete, so OUT is never half-written.
"""
from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from ..atomic import atomic_write_bytes
from ..exit_codes import ExitCode

COMPILE_ENTRY = "WASMBOOT-COMPILER::COMPILE-FILES"
LIBRARY_FILES = (Path("stages/compiler/core.lisp"), Path("stages/runtime-lib"))


def _stages_dir() -> Path:
    # Beside runtime/ in the checkout (not `import stages`: a user's own stages/ folder
    # in the working directory would shadow it).
    return Path(__file__).resolve().parents[2] / "stages"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compile", help="compile Lisp files into one Wasm module with a compiler stage",
        description=__doc__.split("\n\n")[1].strip() if __doc__ else None)
    p.add_argument("files", nargs="+", metavar="FILE.lisp", help="Lisp sources, in order")
    p.add_argument("-o", "--output", required=True, metavar="OUT.wasm",
                   help="the module to write (atomically)")
    p.add_argument("--stage", type=int, default=None, metavar="N",
                   help="0 = stage 0 (Python); N = build/stageN.wasm; "
                        "default: the newest built stage, else 0")
    p.add_argument("--build-dir", default="build", metavar="DIR",
                   help="where build/stageN.wasm are looked up (default: build)")
    p.set_defaults(handler=main)


def newest_stage(build_dir: Path) -> int:
    stages = [int(m.group(1)) for f in build_dir.glob("stage*.wasm")
              if (m := re.fullmatch(r"stage(\d+)\.wasm", f.name))]
    return max(stages, default=0)


def main(args: argparse.Namespace) -> int:
    for f in args.files:
        if not Path(f).is_file():
            print(f"compile: {f}: no such file", file=sys.stderr)
            return int(ExitCode.MISSING_DEP)
    build_dir = Path(args.build_dir)
    stage = newest_stage(build_dir) if args.stage is None else args.stage
    if stage < 0:
        print(f"compile: --stage must be 0 or more, not {stage}", file=sys.stderr)
        return int(ExitCode.FAILURE)
    if stage == 0:
        return _compile_with_stage0(args.files, Path(args.output))
    wasm = build_dir / f"stage{stage}.wasm"
    if not wasm.is_file():
        print(f"compile: {wasm}: no such stage module (build it with `doit bootstrap`, "
              f"or use --stage 0)", file=sys.stderr)
        return int(ExitCode.MISSING_DEP)
    return _compile_with_module(wasm, args.files, Path(args.output))


def _compile_with_stage0(files: list[str], output: Path) -> int:
    from stages.stage0.api import Stage0, Stage0Error
    with tempfile.TemporaryDirectory(prefix="wasmboot-compile-") as tmp:
        scratch = Path(tmp) / "out.wasm"
        try:
            s = Stage0()
            s.load_compiler(str(_stages_dir() / "compiler"))
            # Where the compiler finds the library it links in (core.lisp, runtime-lib/).
            s.set_value("WASMBOOT-COMPILER::*STAGES-DIRECTORY*", str(_stages_dir()) + os.sep)
            result = s.call(COMPILE_ENTRY, list(files), str(scratch))
        except Stage0Error as e:
            sys.stdout.flush()
            print(f"compile: {e}", file=sys.stderr)
            return e.exit_code
        sys.stdout.flush()
        if result not in (0, 1) or not scratch.is_file():
            return int(ExitCode.FAILURE)
        atomic_write_bytes(output, scratch.read_bytes())
        return int(result)


def _compile_with_module(wasm: Path, files: list[str], output: Path) -> int:
    from ..config import RuntimeConfig
    from ..exit_codes import RuntimeFailure
    from ..lifecycle import Stage

    with tempfile.TemporaryDirectory(prefix="wasmboot-compile-") as tmp:
        base = Path(tmp)
        (base / "out").mkdir()
        # Copies under short relative names: the sandbox admits no absolute path.
        copies = []
        for i, f in enumerate(files):
            rel = Path("src") / str(i) / Path(f).name
            (base / rel).parent.mkdir(parents=True)
            shutil.copyfile(f, base / rel)
            copies.append(rel.as_posix())
        # The compiler reads the library it links into every program at run time:
        # stages/compiler/core.lisp and stages/runtime-lib/ (driver.lisp, library-files).
        for rel in LIBRARY_FILES:
            (base / rel).parent.mkdir(parents=True, exist_ok=True)
            copy = shutil.copytree if (_stages_dir() / rel.relative_to("stages")).is_dir() else shutil.copyfile
            copy(_stages_dir() / rel.relative_to("stages"), base / rel)
        request = []
        for i, rel in enumerate(copies):
            request += [f"context\t{c}\n" for c in copies[:i]]
            request.append(f"compile\t{i}\t{rel}\tout/{i}.art\tout/{i}.tsv\n")
        request.append("link\tout/module.wasm\t" + "\t".join(f"out/{i}.art" for i in range(len(copies))) + "\n")

        out, err = io.BytesIO(), io.BytesIO()
        config = RuntimeConfig(base_dir=base, read_roots=[Path("src"), Path("out"), *LIBRARY_FILES],
                               write_roots=[Path("out")], stdin=io.BytesIO(),
                               stdout=out, stderr=err)
        try:
            with Stage(wasm, config) as s:
                s.load().instantiate().start()
                if s.module.export("compile_all") is None:
                    print(f"compile: {wasm} does not export compile_all", file=sys.stderr)
                    return int(ExitCode.SKIP)
                code = s.call("compile_all", "".join(request))
        except RuntimeFailure as e:
            code = int(e.code)
            err.write(f"compile: {e}\n".encode())
        finally:
            _relay(out, sys.stdout, copies, files)
            _relay(err, sys.stderr, copies, files)
        module = base / "out" / "module.wasm"
        if code not in (0, 1) or not module.is_file():
            return code if code in (2, 3, 77) else int(ExitCode.FAILURE)
        atomic_write_bytes(output, module.read_bytes())
        return code


def _relay(buffer: io.BytesIO, stream, copies: list[str], files: list[str]) -> None:
    """Print what the stage printed, naming the user's files instead of the copies."""
    text = buffer.getvalue().decode("utf-8", "replace")
    for i, (rel, original) in enumerate(zip(copies, files)):
        text = text.replace(rel, original).replace(f"out/{i}.art", original)
    if text:
        stream.write(text)
        stream.flush()
