"""The rule set's configuration: stages/stages.toml, read into a StagesConfig.

Every path in the file is relative to the project root (the directory doit runs in,
where dodo.py lives). The file may be replaced with the environment variable
WASMBOOT_STAGES=path/to/other.toml. A problem is a ConfigError with a one-line message
and the seed's exit code: 3 when the file (or a file it names) is missing, 2 when the
file is malformed.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

DEFAULT_PATH = Path("stages") / "stages.toml"
ENV_VAR = "WASMBOOT_STAGES"
STAGE1_METHODS = ("stage0", "wasm", "command")
CONTEXTS = ("none", "preceding")


class ConfigError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class SourceModule:
    name: str   # unique, used in task names: stage2:module-<name>
    path: str   # relative to the project root, POSIX separators


@dataclass(frozen=True)
class Stage1Recipe:
    method: str                         # "stage0", "wasm" or "command"
    path: str | None = None             # wasm: an existing stage 1 module
    load: tuple[str, ...] = ()          # stage0: module lists (or files) of the compiler to load
    entry: str = ""                     # stage0: the Lisp function, (entry inputs output :results-path r)
    argv: tuple[str, ...] = ()          # command: {output} {results} {sources} are substituted
    inputs: tuple[str, ...] = ()        # further files stage 1 depends on: files, module
                                        # lists (*.txt, with the files they name), globs


@dataclass(frozen=True)
class RuntimeSettings:
    time_limit: float | None = 600.0
    memory_limit_mib: int | None = 4096
    fuel_limit: int | None = None
    interruption: str = "epoch"
    cache_dir: str = "build/native-cache"


@dataclass(frozen=True)
class StagesConfig:
    path: str
    build_dir: str
    version: str                        # "v0.1" -> stage_version "stage2-v0.1"
    last_stage: int
    fixpoint: tuple[int, int]
    sources: tuple[SourceModule, ...]
    context: str                        # "none" or "preceding"
    stage1: Stage1Recipe
    start_export: str
    compile_export: str
    read_roots: tuple[str, ...]
    write_roots: tuple[str, ...]
    runtime: RuntimeSettings = field(default_factory=RuntimeSettings)

    def stage_version(self, n: int) -> str:
        return f"stage{n}-{self.version}"


def config_path() -> Path:
    return Path(os.environ.get(ENV_VAR) or DEFAULT_PATH)


def load(path: str | os.PathLike | None = None) -> StagesConfig:
    p = Path(path) if path is not None else config_path()
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(3, f"{p}: no such configuration file") from None
    except OSError as e:
        raise ConfigError(3, f"{p}: cannot read: {e.strerror or e}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(2, f"{p}: not valid TOML: {e}") from None
    return _Reader(p, raw).config()


class _Reader:
    """Field-by-field validation; the first problem found is the error."""

    def __init__(self, path: Path, raw: dict) -> None:
        self.path, self.raw = path, raw

    def fail(self, what: str) -> ConfigError:
        return ConfigError(2, f"{self.path}: {what}")

    def table(self, name: str, required: bool = True) -> dict:
        t = self.raw.get(name)
        if t is None and not required:
            return {}
        if not isinstance(t, dict):
            raise self.fail(f"[{name}] table missing")
        return t

    def get(self, table: dict, section: str, key: str, kind, default=...):
        if key not in table:
            if default is ...:
                raise self.fail(f"[{section}] {key} missing")
            return default
        v = table[key]
        ok = isinstance(v, kind) and not (kind is int and isinstance(v, bool))
        if not ok:
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise self.fail(f"[{section}] {key} must be a {names}, not {v!r}")
        return v

    def strings(self, table: dict, section: str, key: str, default=...) -> tuple[str, ...]:
        v = self.get(table, section, key, list, default)
        if not all(isinstance(s, str) for s in v):
            raise self.fail(f"[{section}] {key} must be a list of strings")
        return tuple(v)

    def relpath(self, section: str, key: str, value: str) -> str:
        p = PurePosixPath(value)
        if p.is_absolute() or ".." in p.parts or value == "":
            raise self.fail(f"[{section}] {key}: {value!r} must be a relative path inside the project")
        return str(p)

    def config(self) -> StagesConfig:
        b = self.table("build")
        build_dir = self.relpath("build", "dir", self.get(b, "build", "dir", str, "build"))
        version = self.get(b, "build", "version", str, "v0.1")
        import re
        if not re.fullmatch(r"v[0-9]+\.[0-9]+", version):
            raise self.fail(f"[build] version {version!r} must look like v0.1")
        last = self.get(b, "build", "last_stage", int, 3)
        if last < 2:
            raise self.fail("[build] last_stage must be at least 2")
        fix = self.get(b, "build", "fixpoint", list, [last - 1, last])
        if (len(fix) != 2 or not all(isinstance(n, int) and not isinstance(n, bool) for n in fix)
                or not 1 <= fix[0] < fix[1] <= last):
            raise self.fail(f"[build] fixpoint must name two stages a < b <= {last}, not {fix!r}")

        s = self.table("sources")
        sources = self.sources(s)
        context = self.get(s, "sources", "context", str, "none")
        if context not in CONTEXTS:
            raise self.fail(f"[sources] context must be one of {', '.join(CONTEXTS)}, not {context!r}")

        st1 = self.stage1(self.table("stage1"))
        e = self.table("entry", required=False)
        sb = self.table("sandbox", required=False)
        read_roots = tuple(self.relpath("sandbox", "read_roots", r)
                           for r in self.strings(sb, "sandbox", "read_roots", ["."]))
        write_roots = tuple(self.relpath("sandbox", "write_roots", r)
                            for r in self.strings(sb, "sandbox", "write_roots", [build_dir]))
        return StagesConfig(
            path=str(self.path), build_dir=build_dir, version=version, last_stage=last,
            fixpoint=(fix[0], fix[1]), sources=sources, context=context, stage1=st1,
            start_export=self.get(e, "entry", "start", str, "_start"),
            compile_export=self.get(e, "entry", "compile_all", str, "compile_all"),
            read_roots=read_roots, write_roots=write_roots,
            runtime=self.runtime(self.table("runtime", required=False), build_dir))

    def sources(self, s: dict) -> tuple[SourceModule, ...]:
        paths: list[str] = []
        for listing in self.strings(s, "sources", "lists", []):
            lp = Path(self.relpath("sources", "lists", listing))
            try:
                lines = lp.read_text(encoding="utf-8").splitlines()
            except OSError:
                raise ConfigError(3, f"{self.path}: [sources] lists: {listing}: no such file") from None
            for line in lines:
                line = line.strip()
                if line and not line.startswith("#"):
                    paths.append(str(PurePosixPath(lp.parent.as_posix()) / line))
        paths += [self.relpath("sources", "files", f) for f in self.strings(s, "sources", "files", [])]
        if not paths:
            raise self.fail("[sources] names no source module (give lists and/or files)")
        if len(set(paths)) != len(paths):
            dup = next(p for p in paths if paths.count(p) > 1)
            raise self.fail(f"[sources] {dup} is listed twice")
        stems = [PurePosixPath(p).stem for p in paths]
        names = []
        for p, stem in zip(paths, stems):
            # a stem shared by two files is qualified with its directory: compiler.package
            names.append(stem if stems.count(stem) == 1 else f"{PurePosixPath(p).parent.name}.{stem}")
        if len(set(names)) != len(names):
            raise self.fail("[sources] two source modules have the same directory and file name")
        return tuple(SourceModule(n, p) for n, p in zip(names, paths))

    def stage1(self, t: dict) -> Stage1Recipe:
        method = self.get(t, "stage1", "method", str)
        if method not in STAGE1_METHODS:
            raise self.fail(f"[stage1] method must be one of {', '.join(STAGE1_METHODS)}, not {method!r}")
        inputs = tuple(self.relpath("stage1", "inputs", i) for i in self.strings(t, "stage1", "inputs", []))
        if method == "wasm":
            return Stage1Recipe(method, path=self.relpath("stage1", "path", self.get(t, "stage1", "path", str)))
        if method == "stage0":
            load = tuple(self.relpath("stage1", "load", x) for x in self.strings(t, "stage1", "load"))
            return Stage1Recipe(method, load=load, entry=self.get(t, "stage1", "entry", str), inputs=inputs)
        argv = self.strings(t, "stage1", "argv")
        if not argv:
            raise self.fail("[stage1] argv must not be empty")
        return Stage1Recipe(method, argv=argv, inputs=inputs)

    def runtime(self, t: dict, build_dir: str) -> RuntimeSettings:
        num = (int, float)
        time_limit = self.get(t, "runtime", "time_limit", num, 600)
        mem = self.get(t, "runtime", "memory_limit_mib", int, 4096)
        fuel = self.get(t, "runtime", "fuel_limit", int, 0)
        interruption = self.get(t, "runtime", "interruption", str, "fuel" if fuel else "epoch")
        if interruption not in ("epoch", "fuel"):
            raise self.fail(f"[runtime] interruption must be epoch or fuel, not {interruption!r}")
        if interruption == "fuel" and not fuel:
            raise self.fail("[runtime] interruption = \"fuel\" needs fuel_limit")
        cache = self.relpath("runtime", "cache_dir",
                             self.get(t, "runtime", "cache_dir", str, f"{build_dir}/native-cache"))
        return RuntimeSettings(float(time_limit) if time_limit else None, mem or None,
                               fuel if interruption == "fuel" else None, interruption, cache)
