"""The Python API of stage 0.

    s = Stage0()                      # one Lisp world per process (packages are global)
    s.load_file("prog.lisp")          # run the top-level forms in order
    s.eval_string("(+ 1 2)")          # -> 3
    s.load_compiler()                 # load stages/compiler/modules.txt in order
    s.call("WASMBOOT-COMPILER::COMPILE-FILES", ["a.lisp"], "out.wasm")

Python arguments to `call` are converted: str -> Lisp string, list/tuple -> Lisp list,
bytes -> (unsigned-byte 8) vector, bool/None -> T/NIL, int -> int. Errors come out as
`Stage0Error` with a one-line message and the exit code the command line uses.

*features* is (:WASMBOOT :WASMBOOT-STAGE0 :COMMON-LISP :ANSI-CL): :WASMBOOT marks every
implementation of this project (stage 0 and compiled stages), :WASMBOOT-STAGE0 this
Python interpreter only. :SBCL is deliberately absent so `#+sbcl` code is skipped.
"""
import os
import sys
import threading

from . import data as D
from .data import NIL, T, Cons, Symbol, LString, LVector, cl, kw, lisp_list, PACKAGES
from .conditions import (BlockReturn, GoSignal, ThrowSignal, to_condition,
                         report_string)
from .reader import Reader, ReadError, decode_source
from . import compiler as C
from . import macros as _macros  # noqa: F401  (installs the standard macros)
from . import loop as _loop  # noqa: F401
from . import defining as _defining  # noqa: F401
from . import builtins as B
from . import inline as _inline  # noqa: F401
from .streams import TextOutput, StringInput

FEATURES = ["WASMBOOT", "WASMBOOT-STAGE0", "COMMON-LISP", "ANSI-CL"]
STACK_SIZE = 512 * 1024 * 1024
RECURSION_LIMIT = 200000
PROGN = cl("PROGN")
EVAL_WHEN = cl("EVAL-WHEN")
LOCALLY = cl("LOCALLY")


class Stage0Error(Exception):
    """A one-line message and the exit code: 2 Lisp error / syntax error, 3 missing file."""

    def __init__(self, message, exit_code=2):
        Exception.__init__(self, message)
        self.exit_code = exit_code


def error_message(exc):
    """One line describing an exception escaping Lisp code."""
    if isinstance(exc, ReadError):
        return str(exc)
    if isinstance(exc, BlockReturn):
        return "error: return from a block that no longer exists"
    if isinstance(exc, GoSignal):
        return "error: GO to a tagbody that no longer exists"
    if isinstance(exc, ThrowSignal):
        return "error: THROW to a tag that no longer exists"
    cond = to_condition(exc)
    try:
        msg = report_string(cond)
    except Exception as e:  # a broken :report must not hide the original error
        msg = f"{cond.ctype.name.name} (its report failed: {e!r})"
    msg = msg.replace("\n", " ")
    msg = " ".join(msg.split())
    fn = getattr(exc, "lisp_fn", None)
    where = ""
    if fn is not None and isinstance(fn, Symbol) and fn is not cl("LAMBDA"):
        where = f" (in {fn.name})"
    elif fn is not None and isinstance(fn, Cons):
        where = f" (in (SETF {fn.cdr.car.name}))"
    return f"error: {msg}{where}"


def _run_big_stack(fn):
    """Run fn() on a thread with a large stack (deep Lisp recursion) and return its result."""
    if getattr(_tls, "inside", False):
        return fn()
    result = {}

    def target():
        _tls.inside = True
        try:
            result["v"] = fn()
        except BaseException as e:  # re-raised in the caller's thread
            result["e"] = e
        finally:
            _tls.inside = False

    old = threading.stack_size()
    threading.stack_size(STACK_SIZE)
    try:
        t = threading.Thread(target=target)
        t.start()
    finally:
        threading.stack_size(old)
    t.join()
    if "e" in result:
        raise result["e"]
    return result.get("v")


_tls = threading.local()


def to_lisp(x):
    if isinstance(x, bool) or x is None:
        return T if x else NIL
    if isinstance(x, int):
        return x
    if isinstance(x, str):
        return LString(x)
    if isinstance(x, (bytes, bytearray)):
        return LVector(list(x), eltype="u8")
    if isinstance(x, (list, tuple)):
        return lisp_list([to_lisp(e) for e in x])
    return x


def to_python(x):
    """Lisp data -> Python: strings -> str, proper lists -> list, u8 vectors -> bytes."""
    if x is NIL:
        return None
    if x is T:
        return True
    if isinstance(x, LString):
        return x.value()
    if isinstance(x, Cons):
        out = []
        while isinstance(x, Cons):
            out.append(to_python(x.car))
            x = x.cdr
        return out
    if isinstance(x, LVector):
        if x.eltype == "u8":
            return bytes(x.active())
        return [to_python(e) for e in x.active()]
    if isinstance(x, D.Char):
        return x.c
    return x


def _lisp_load(path, *kwargs):
    """CL:LOAD of a source file: its forms run in order, *package* restored after."""
    p = path.value() if isinstance(path, LString) else str(path)
    try:
        with open(p, "rb") as f:
            data = f.read()
    except OSError:
        from .conditions import lisp_error
        lisp_error("The file ~S does not exist.", LString(p), ctype="FILE-ERROR")
    text = decode_source(data, p)
    pkg = cl("*PACKAGE*")
    saved = pkg.value
    reader = Reader(text, p, lambda: B.current_package(), B.features)
    try:
        while True:
            r = reader.read_toplevel()
            if r is None:
                return T
            Stage0.eval_toplevel(None, r[0])
    finally:
        pkg.value = saved


cl("LOAD").function = _lisp_load


_PRINTER_DEFAULTS = [(n, cl(n).value) for n in (
    "*PRINT-PRETTY*", "*PRINT-ESCAPE*", "*PRINT-READABLY*", "*PRINT-BASE*", "*PRINT-RADIX*",
    "*PRINT-CASE*", "*PRINT-CIRCLE*", "*PRINT-LENGTH*", "*PRINT-LEVEL*", "*PRINT-RIGHT-MARGIN*",
    "*PRINT-GENSYM*", "*PRINT-ARRAY*", "*PRINT-LINES*", "*PRINT-MISER-WIDTH*", "*READ-BASE*",
    "*READ-EVAL*", "*GENSYM-COUNTER*")]


class Stage0:
    def __init__(self, stdout=None, stderr=None, stdin_text=""):
        sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
        cl("*FEATURES*").value = lisp_list([kw(f) for f in FEATURES])
        if not isinstance(cl("*PACKAGE*").value, D.Package):
            cl("*PACKAGE*").value = PACKAGES["COMMON-LISP-USER"]
        self.set_output(stdout if stdout is not None else sys.stdout,
                        stderr if stderr is not None else sys.stderr)
        cl("*STANDARD-INPUT*").value = StringInput(stdin_text)

    # -- streams -------------------------------------------------------------------------
    def set_output(self, stdout, stderr=None):
        """Send *standard-output* (and *terminal-io*) to a Python text file object."""
        out = TextOutput(stdout)
        cl("*STANDARD-OUTPUT*").value = out
        cl("*TERMINAL-IO*").value = out
        cl("*TRACE-OUTPUT*").value = out
        err = TextOutput(stderr if stderr is not None else sys.stderr)
        cl("*ERROR-OUTPUT*").value = err
        cl("*DEBUG-IO*").value = err

    def flush(self):
        for v in ("*STANDARD-OUTPUT*", "*ERROR-OUTPUT*"):
            s = cl(v).value
            if hasattr(s, "finish"):
                s.finish()

    def fresh_user_package(self):
        """Replace CL-USER by an empty package and reset the printer variables (so
        unrelated programs run one after another do not interfere)."""
        for name, value in _PRINTER_DEFAULTS:
            cl(name).value = value
        old = PACKAGES["COMMON-LISP-USER"]
        new = D.make_package("COMMON-LISP-USER", ["CL-USER"], [D.CL])
        if old in D.CL.used_by:
            D.CL.used_by.remove(old)
        cl("*PACKAGE*").value = new
        return new

    # -- evaluation ----------------------------------------------------------------------------
    def eval_toplevel(self, form):
        """Process one top-level form (PROGN / EVAL-WHEN / LOCALLY subforms stay top-level)."""
        while True:
            if isinstance(form, Cons) and form.car is PROGN:
                v = NIL
                x = form.cdr
                while isinstance(x, Cons):
                    v = self.eval_toplevel(x.car)
                    x = x.cdr
                return v
            exp, expanded = C.macroexpand_1(form, None)
            if not expanded:
                break
            form = exp
        return C.comp(form, None, True)(None)

    def _load_text(self, text, filename):
        def run():
            pkg = cl("*PACKAGE*")
            saved = pkg.value
            reader = Reader(text, filename, lambda: B.current_package(), B.features)
            v = NIL
            try:
                while True:
                    r = reader.read_toplevel()
                    if r is None:
                        break
                    form, line, col = r
                    try:
                        v = self.eval_toplevel(form)
                    except ReadError:
                        raise
                    except (Exception, BlockReturn, GoSignal, ThrowSignal) as e:
                        raise Stage0Error(f"{filename}:{line}:{col}: {error_message(e)}") from e
            except ReadError as e:
                raise Stage0Error(str(e)) from None
            finally:
                pkg.value = saved
                self.flush()
            return v
        return _run_big_stack(run)

    def load_file(self, path):
        """Run the top-level forms of a file; returns the last value."""
        try:
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            raise Stage0Error(f"error: file not found: {path}", 3) from None
        except OSError as e:
            raise Stage0Error(f"error: cannot read {path}: {e.strerror}", 3) from None
        try:
            text = decode_source(data, path)
        except ReadError as e:
            raise Stage0Error(str(e)) from None
        old_path = cl("*LOAD-PATHNAME*").value
        cl("*LOAD-PATHNAME*").value = LString(path)
        cl("*LOAD-TRUENAME*").value = LString(os.path.abspath(path))
        try:
            return self._load_text(text, path)
        finally:
            cl("*LOAD-PATHNAME*").value = old_path

    def eval_string(self, text, filename="<string>"):
        """Run all forms of text; returns the primary value of the last one."""
        return C.primary(self._load_text(text, filename))

    def call(self, name, *args, **keys):
        """Call a global Lisp function by symbol or by name ("PKG::NAME" or "NAME" in
        CL-USER). Python keyword arguments become Lisp keyword arguments:
        results_path="r.tsv" is passed as :RESULTS-PATH "r.tsv"."""
        sym = self.symbol(name) if isinstance(name, str) else name
        fn = sym.function
        if fn is None or isinstance(fn, C.UndefinedFunction):
            raise Stage0Error(f"error: the function {name} is undefined")
        largs = [to_lisp(a) for a in args]
        for k, v in keys.items():
            largs += [kw(k.upper().replace("_", "-")), to_lisp(v)]

        def run():
            try:
                return C.primary(fn(*largs))
            except (Exception, BlockReturn, GoSignal, ThrowSignal) as e:
                raise Stage0Error(error_message(e)) from e
            finally:
                self.flush()
        return _run_big_stack(run)

    def set_value(self, name, value):
        """Set a global (special) variable: s.set_value("WASMBOOT-COMPILER::*X*", "a/")."""
        sym = self.symbol(name) if isinstance(name, str) else name
        sym.value = to_lisp(value)
        sym.special = True

    def value(self, name):
        """The global value of a variable (raw Lisp data; see to_python)."""
        sym = self.symbol(name) if isinstance(name, str) else name
        if sym.value is D.UNBOUND:
            raise Stage0Error(f"error: the variable {name} is unbound")
        return sym.value

    def symbol(self, name):
        """The symbol named by "PKG::NAME", "PKG:NAME" or "NAME" (CL-USER), interned as needed."""
        if "::" in name:
            p, n = name.split("::", 1)
        elif ":" in name:
            p, n = name.split(":", 1)
        else:
            p, n = "COMMON-LISP-USER", name
        pkg = PACKAGES.get(p.upper())
        if pkg is None:
            raise Stage0Error(f"error: package {p} does not exist")
        return pkg.intern(n)

    def load_compiler(self, root=None):
        """Load every file of stages/compiler/modules.txt in order."""
        root = root or os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "compiler")
        listing = os.path.join(root, "modules.txt")
        try:
            with open(listing, encoding="utf-8") as f:
                names = [l.strip() for l in f if l.strip() and not l.strip().startswith("#")]
        except FileNotFoundError:
            raise Stage0Error(f"error: file not found: {listing}", 3) from None
        for n in names:
            self.load_file(os.path.join(root, n))
