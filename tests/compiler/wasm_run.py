"""Run a compiled module under wasmtime with a minimal host (stdout/stderr through
clysm:io write-char, clysm:sys exit). Used by the compiler tests until the runtime's
API exists; the other imports answer with their documented error values."""
import sys

import wasmtime


class _Exit(Exception):
    pass


def _engine():
    cfg = wasmtime.Config()
    cfg.wasm_gc = True
    cfg.wasm_function_references = True
    cfg.wasm_exceptions = True
    cfg.wasm_reference_types = True
    cfg.wasm_tail_call = True
    return wasmtime.Engine(cfg)


def _ft(params, results):
    m = {"i32": wasmtime.ValType.i32(), "ext": wasmtime.ValType.externref()}
    return wasmtime.FuncType([m[x] for x in params], [m[x] for x in results])


def run_module(path):
    """(exit code, stdout text, stderr text) of running the module's _start."""
    eng = _engine()
    mod = wasmtime.Module.from_file(eng, path)
    store = wasmtime.Store(eng)
    linker = wasmtime.Linker(eng)
    out = {1: [], 2: []}
    errno = [0]

    def write_char(fd, c):
        if fd in out:
            out[fd].append(chr(c))
            errno[0] = 0
        else:
            errno[0] = 2

    def exit_(code):
        raise _Exit(code)

    linker.define_func("clysm:io", "write-char", _ft(["i32", "i32"], []), write_char)
    linker.define_func("clysm:sys", "exit", _ft(["i32"], []), exit_)
    linker.define_func("clysm:sys", "errno", _ft([], ["i32"]), lambda: errno[0])
    for ns, name, p, r, v in [
            ("clysm:io", "write-string", ["i32", "ext"], [], None),
            ("clysm:io", "read-char", ["i32"], ["i32"], -1),
            ("clysm:io", "read-line", ["i32"], ["ext"], None),
            ("clysm:fs", "open", ["ext"] * 4, ["i32"], -9),
            ("clysm:fs", "close", ["i32"], [], None),
            ("clysm:fs", "read-all", ["i32"], ["ext"], None),
            ("clysm:fs", "write-all", ["i32", "ext"], [], None),
            ("clysm:mem", "length", ["ext"], ["i32"], -1),
            ("clysm:mem", "store", ["ext", "i32"], ["i32"], -1),
            ("clysm:mem", "load-string", ["i32", "i32"], ["ext"], None),
            ("clysm:mem", "load-bytes", ["i32", "i32"], ["ext"], None),
            ("clysm:sys", "strerror", [], ["ext"], None)]:
        linker.define_func(ns, name, _ft(p, r), (lambda v: lambda *a: v)(v))
    inst = linker.instantiate(store, mod)
    code = 0
    try:
        inst.exports(store)["_start"](store)
    except _Exit as e:
        code = e.args[0]
    except wasmtime.Trap as t:
        out[2].append("trap: %s\n" % t)
        code = 2
    return code, "".join(out[1]), "".join(out[2])


if __name__ == "__main__":
    code, so, se = run_module(sys.argv[1])
    sys.stdout.write(so)
    sys.stderr.write(se)
    sys.exit(code)
