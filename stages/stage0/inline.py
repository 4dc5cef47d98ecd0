"""Open-coded calls to hot CL functions (CL functions cannot be redefined, so a call to
`car` with one argument can become a closure that does the work without a Python call).
Each builder gets the argument closures and returns a closure, or None for the generic
path (the type-checking builtin handles every error case)."""
from .data import Cons, NIL, T, Symbol, cl, FIXNUM_MAX, FIXNUM_MIN
from .compiler import INLINE
from . import builtins as B


def inline(name, nargs):
    def deco(fn):
        sym = cl(name)
        prev = INLINE.get(sym)

        def builder(args):
            if len(args) == nargs:
                return fn(*args)
            return prev(args) if prev else None
        INLINE[sym] = builder
        return fn
    return deco


@inline("CAR", 1)
def i_car(a):
    car = B.car

    def f(e):
        x = a(e)
        return x.car if x.__class__ is Cons else car(x)
    return f


@inline("FIRST", 1)
def i_first(a):
    return i_car(a)


@inline("CDR", 1)
def i_cdr(a):
    cdr = B.cdr

    def f(e):
        x = a(e)
        return x.cdr if x.__class__ is Cons else cdr(x)
    return f


@inline("REST", 1)
def i_rest(a):
    return i_cdr(a)


@inline("CADR", 1)
def i_cadr(a):
    cadr = cl("CADR").function

    def f(e):
        x = a(e)
        if x.__class__ is Cons:
            y = x.cdr
            if y.__class__ is Cons:
                return y.car
        return cadr(x)
    return f


@inline("SECOND", 1)
def i_second(a):
    return i_cadr(a)


@inline("CONS", 2)
def i_cons(a, b):
    return lambda e: Cons(a(e), b(e))


def _eql(a, b):
    def f(e):
        x = a(e)
        y = b(e)
        if x is y or (x.__class__ is int and y.__class__ is int and x == y):
            return T
        return NIL
    return f


inline("EQ", 2)(_eql)
inline("EQL", 2)(_eql)


@inline("NULL", 1)
def i_null(a):
    return lambda e: T if a(e) is NIL else NIL


@inline("NOT", 1)
def i_not(a):
    return lambda e: T if a(e) is NIL else NIL


@inline("CONSP", 1)
def i_consp(a):
    return lambda e: T if a(e).__class__ is Cons else NIL


@inline("ATOM", 1)
def i_atom(a):
    return lambda e: NIL if a(e).__class__ is Cons else T


@inline("SYMBOLP", 1)
def i_symbolp(a):
    return lambda e: T if a(e).__class__ is Symbol else NIL


@inline("ENDP", 1)
def i_endp(a):
    endp = B.endp

    def f(e):
        x = a(e)
        if x.__class__ is Cons:
            return NIL
        return endp(x)
    return f


def _arith2(op, slow):
    def build(a, b):
        def f(e):
            x = a(e)
            y = b(e)
            if x.__class__ is int and y.__class__ is int:
                r = op(x, y)
                if FIXNUM_MIN <= r <= FIXNUM_MAX:
                    return r
            return slow(x, y)
        return f
    return build


import operator as _op
inline("+", 2)(_arith2(_op.add, B.add))
inline("-", 2)(_arith2(_op.sub, B.sub))
inline("*", 2)(_arith2(_op.mul, B.mul))


@inline("1+", 1)
def i_1plus(a):
    slow = B.one_plus

    def f(e):
        x = a(e)
        if x.__class__ is int and x < FIXNUM_MAX:
            return x + 1
        return slow(x)
    return f


@inline("1-", 1)
def i_1minus(a):
    slow = B.one_minus

    def f(e):
        x = a(e)
        if x.__class__ is int and x > FIXNUM_MIN:
            return x - 1
        return slow(x)
    return f


def _cmp2(op, name):
    slow = cl(name).function

    def build(a, b):
        def f(e):
            x = a(e)
            y = b(e)
            if x.__class__ is int and y.__class__ is int:
                return T if op(x, y) else NIL
            return slow(x, y)
        return f
    return build


for _n, _o in (("<", _op.lt), (">", _op.gt), ("<=", _op.le), (">=", _op.ge), ("=", _op.eq)):
    inline(_n, 2)(_cmp2(_o, _n))


@inline("ZEROP", 1)
def i_zerop(a):
    slow = B.zerop

    def f(e):
        x = a(e)
        if x.__class__ is int:
            return T if x == 0 else NIL
        return slow(x)
    return f


@inline("SVREF", 2)
def i_svref(a, b):
    slow = B.svref
    from .data import LVector

    def f(e):
        v = a(e)
        i = b(e)
        if v.__class__ is LVector and i.__class__ is int and 0 <= i < len(v.items):
            return v.items[i]
        return slow(v, i)
    return f


@inline("AREF", 2)
def i_aref(a, b):
    slow = B.aref
    from .data import LVector

    def f(e):
        v = a(e)
        i = b(e)
        if v.__class__ is LVector and i.__class__ is int and 0 <= i < len(v.items):
            return v.items[i]
        return slow(v, i)
    return f
