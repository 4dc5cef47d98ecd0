"""Closure factories generated from small Python source templates.

Hot nodes (calls, `car`, `if`, `let`, tests...) are made from Python source in which
their operands are written inline: a lexical variable becomes `e[2]` or `e[0][1]`, a
constant a bound name, and a child that is itself an expression template is spliced in
(with its names renamed), so `(if (< n 2) n (+ (fib (- n 1)) ...))` becomes a single
Python expression instead of a tree of closure calls. Templates mention only `e`, bound
names k0, k1, ..., temporaries t0, t1, ... and the globals of BASE_NS; one generated
factory serves every node with the same source text (cached).
"""
import re

from .data import (NIL, T, Cons, MV, Symbol, LString, LVector, Char, Struct, FIXNUM_MAX,
                   FIXNUM_MIN, _chars)

_cache = {}

BASE_NS = {"NIL": NIL, "T": T, "Cons": Cons, "MV": MV, "Symbol": Symbol, "LString": LString,
           "LVector": LVector, "Char": Char, "Struct": Struct, "FMAX": FIXNUM_MAX,
           "FMIN": FIXNUM_MIN, "CHARS": _chars}

# Longest child expression spliced into a parent (longer ones are called instead), so
# generated sources stay small enough to be shared between nodes.
MAX_SPLICE = 260
_NAME = re.compile(r"\b([kt])(\d+)\b")


class Binds:
    """The values a template refers to as k0, k1, ... and its temporaries t0, t1, ..."""
    __slots__ = ("vals", "ntemps")

    def __init__(self):
        self.vals = []
        self.ntemps = 0

    def name(self, v):
        n = f"k{len(self.vals)}"
        self.vals.append(v)
        return n

    def temp(self):
        n = f"t{self.ntemps}"
        self.ntemps += 1
        return n

    def operand(self, c):
        """Source that evaluates closure c: a variable, a constant, a spliced child
        expression, or a call of c."""
        s = getattr(c, "src", None)
        if s is not None:
            return s
        if hasattr(c, "const"):
            v = c.const
            if v is NIL:
                return "NIL"
            if v is T:
                return "T"
            return self.name(v)
        ex = getattr(c, "expr", None)
        if ex is not None and len(ex[0]) <= MAX_SPLICE:
            src, vals, ntemps = ex
            kmap = [self.name(v) for v in vals]
            tmap = [self.temp() for _ in range(ntemps)]
            return "(" + _NAME.sub(lambda m: (kmap if m.group(1) == "k" else tmap)[int(m.group(2))], src) + ")"
        return self.name(c) + "(e)"


def make(src, binds):
    """src defines `_f`; returns the function made with the bound values."""
    fac = _cache.get(src)
    if fac is None:
        params = ", ".join(f"k{i}" for i in range(len(binds.vals)))
        body = "\n".join("    " + line for line in src.strip("\n").split("\n"))
        code = f"def _fac({params}):\n{body}\n    return _f\n"
        ns = dict(BASE_NS)
        exec(code, ns)
        fac = _cache[src] = ns["_fac"]
    return fac(*binds.vals)


def make_expr(src, binds):
    """A closure `lambda e: src` that parents may splice as an expression."""
    f = make("_f = lambda e: " + src, binds)
    f.expr = (src, list(binds.vals), binds.ntemps)
    return f


def mark_const(c, v):
    c.const = v
    return c


def mark_src(c, src):
    c.src = src
    return c
