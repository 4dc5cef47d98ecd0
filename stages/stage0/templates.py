"""Closure factories generated from small Python source templates.

A hot node (a call, `car`, `if`, `let`...) whose operands are lexical variables or
constants gets a closure with those operands written inline (`e[2]`, `e[0][1]`, a bound
constant) instead of one closure call per operand. Templates only mention `e`, the
bound names k0, k1, ... and the globals of BASE_NS, so one generated factory serves
every node of the same shape (cached by source text).
"""
from .data import NIL, T, Cons, MV, Symbol, LString, LVector, Char, Struct, FIXNUM_MAX, FIXNUM_MIN

_cache = {}

BASE_NS = {"NIL": NIL, "T": T, "Cons": Cons, "MV": MV, "Symbol": Symbol, "LString": LString,
           "LVector": LVector, "Char": Char, "Struct": Struct, "FMAX": FIXNUM_MAX, "FMIN": FIXNUM_MIN}


class Binds:
    """The values a template refers to as k0, k1, ..."""
    __slots__ = ("vals",)

    def __init__(self):
        self.vals = []

    def name(self, v):
        n = f"k{len(self.vals)}"
        self.vals.append(v)
        return n

    def operand(self, c):
        """Source that evaluates closure c (inlined when it is a variable or a constant)."""
        s = getattr(c, "src", None)
        if s is not None:
            return s
        if hasattr(c, "const"):
            v = c.const
            if v is NIL:
                return "NIL"
            if v is T:
                return "T"
            if v.__class__ is int and -1000 <= v <= 1000:
                return repr(v)
            return self.name(v)
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


def expr(template, *closures):
    """A closure `lambda e: <template>` where {0}, {1}... are the operands' sources."""
    b = Binds()
    ops = [b.operand(c) for c in closures]
    return make("_f = lambda e: " + template.format(*ops), b)


def mark_const(c, v):
    c.const = v
    return c


def mark_src(c, src):
    c.src = src
    return c
