"""Open-coded calls to hot CL functions (CL functions cannot be redefined, so a call to
`car` with one argument can become a closure that does the work without a Python call).
Each builder gets the argument closures and returns a closure made from a template
(operands inlined, see templates.py), or None for the generic path. The fast path only
handles the common types; everything else goes to the type-checking builtin."""
from .data import cl, sys, mkchar, _chars as CHARS
from .compiler import INLINE, INLINE_SV
from .data import HashTable, MV
from .builtins import _hkey
import re

from .templates import Binds, make, make_expr


def inline(name, nargs):
    def deco(fn):
        sym = sys(name) if name.startswith("%") else cl(name)
        prev = INLINE.get(sym)

        def builder(args):
            if len(args) == nargs:
                return fn(*args)
            return prev(args) if prev else None
        INLINE[sym] = builder
        return fn
    return deco


def _slow(b, name):
    sym = sys(name) if name.startswith("%") else cl(name)
    return b.name(sym) + ".function"


def unary(name, fast_cond, fast_value, slow_name=None):
    """(name x): fast_value if fast_cond else the builtin. In the templates `x` stands
    for the operand's value (a temporary)."""
    def build(a):
        b = Binds()
        src = b.operand(a)
        t = b.temp()
        slow = _slow(b, slow_name or name)
        cond = _X.sub(t, fast_cond)
        value = _X.sub(t, fast_value)
        # the first mention of x in cond binds the temporary
        cond = cond.replace(t, f"({t} := {src})", 1) if t in cond else f"(({t} := {src}) is {t}) and ({cond})"
        return make_expr(f"({value} if {cond} else {slow}({t}))", b)
    inline(name, 1)(build)


_X = re.compile(r"\bx\b")

unary("CAR", "x.__class__ is Cons", "x.car")
unary("FIRST", "x.__class__ is Cons", "x.car", "CAR")
unary("CDR", "x.__class__ is Cons", "x.cdr")
unary("REST", "x.__class__ is Cons", "x.cdr", "CDR")
unary("CADR", "x.__class__ is Cons and x.cdr.__class__ is Cons", "x.cdr.car")
unary("SECOND", "x.__class__ is Cons and x.cdr.__class__ is Cons", "x.cdr.car", "CADR")
unary("CDDR", "x.__class__ is Cons and x.cdr.__class__ is Cons", "x.cdr.cdr")
unary("CAAR", "x.__class__ is Cons and x.car.__class__ is Cons", "x.car.car")
unary("CDAR", "x.__class__ is Cons and x.car.__class__ is Cons", "x.car.cdr")
unary("1+", "x.__class__ is int and x < FMAX", "x + 1")
unary("1-", "x.__class__ is int and x > FMIN", "x - 1")
unary("ZEROP", "x.__class__ is int", "(T if x == 0 else NIL)")
unary("ENDP", "x.__class__ is Cons", "NIL")
unary("CHAR-CODE", "x.__class__ is Char", "x.code")


def pred(name, test):
    def build(a):
        b = Binds()
        return make_expr(f"(T if {test.format(b.operand(a))} else NIL)", b)
    inline(name, 1)(build)


pred("NULL", "{0} is NIL")
pred("NOT", "{0} is NIL")
pred("CONSP", "{0}.__class__ is Cons")
pred("ATOM", "{0}.__class__ is not Cons")
pred("SYMBOLP", "{0}.__class__ is Symbol")
pred("STRINGP", "{0}.__class__ is LString")
pred("INTEGERP", "{0}.__class__ is int")
pred("CHARACTERP", "{0}.__class__ is Char")


@inline("LENGTH", 1)
def i_length(a):
    b = Binds()
    x = b.operand(a)
    slow = _slow(b, "LENGTH")
    return make(f"""def _f(e):
    x = {x}
    c = x.__class__
    if c is LString:
        if x.buf is None:
            return len(x.s)
        return len(x.buf) if x.fp is None else x.fp
    if c is LVector:
        return len(x.items) if x.fp is None else x.fp
    return {slow}(x)""", b)


@inline("CONS", 2)
def i_cons(a, b_):
    b = Binds()
    return make_expr(f"Cons({b.operand(a)}, {b.operand(b_)})", b)


def _eql(a, b_):
    b = Binds()
    x, y = b.operand(a), b.operand(b_)
    t0, t1 = b.temp(), b.temp()
    return make_expr(f"(T if ({t0} := {x}) is ({t1} := {y}) or ({t0}.__class__ is int and "
                     f"{t1}.__class__ is int and {t0} == {t1}) else NIL)", b)


inline("EQ", 2)(_eql)
inline("EQL", 2)(_eql)


def binary_int(name, op, check_range):
    def build(a, b_):
        b = Binds()
        x, y = b.operand(a), b.operand(b_)
        t0, t1, t2 = b.temp(), b.temp(), b.temp()
        slow = _slow(b, name)
        both = f"(({t0} := {x}).__class__ is int) & (({t1} := {y}).__class__ is int)"
        if check_range:
            return make_expr(f"({t2} if {both} and FMIN <= ({t2} := {t0} {op} {t1}) <= FMAX "
                             f"else {slow}({t0}, {t1}))", b)
        return make_expr(f"((T if {t0} {op} {t1} else NIL) if {both} else {slow}({t0}, {t1}))", b)
    inline(name, 2)(build)


binary_int("+", "+", True)
binary_int("-", "-", True)
binary_int("*", "*", True)
for _n, _o in (("<", "<"), (">", ">"), ("<=", "<="), (">=", ">="), ("=", "==")):
    binary_int(_n, _o, False)


def _vref(name):
    def build(a, b_):
        b = Binds()
        v, i = b.operand(a), b.operand(b_)
        t0, t1 = b.temp(), b.temp()
        slow = _slow(b, name)
        return make_expr(f"({t0}.items[{t1}] if (({t0} := {v}).__class__ is LVector) & "
                         f"(({t1} := {i}).__class__ is int) and 0 <= {t1} < len({t0}.items) "
                         f"else {slow}({t0}, {t1}))", b)
    inline(name, 2)(build)


_vref("SVREF")
_vref("AREF")


def _sref(name):
    def build(a, b_):
        b = Binds()
        v, i = b.operand(a), b.operand(b_)
        slow = _slow(b, name)
        mk = b.name(mkchar)
        chars = b.name(CHARS)
        return make(f"""def _f(e):
    v = {v}
    i = {i}
    if v.__class__ is LString and i.__class__ is int and i >= 0:
        buf = v.buf
        if buf is None:
            if i < len(v.s):
                c = v.s[i]
                return {chars}.get(c) or {mk}(c)
        elif i < len(buf):
            c = buf[i]
            return {chars}.get(c) or {mk}(c)
    return {slow}(v, i)""", b)
    inline(name, 2)(build)


_sref("CHAR")
_sref("SCHAR")


@inline("VECTOR-PUSH-EXTEND", 2)
def i_vpe(a, b_):
    b = Binds()
    x, v = b.operand(a), b.operand(b_)
    slow = _slow(b, "VECTOR-PUSH-EXTEND")
    return make(f"""def _f(e):
    x = {x}
    v = {v}
    c = v.__class__
    if c is LString:
        buf = v.buf
        fp = v.fp
        if buf is not None and fp is not None and x.__class__ is Char and fp < len(buf):
            buf[fp] = x.c
            v.s = None
            v.fp = fp + 1
            return fp
    elif c is LVector:
        items = v.items
        fp = v.fp
        if fp is not None and v.eltype is None and fp < len(items):
            items[fp] = x
            v.fp = fp + 1
            return fp
    return {slow}(x, v)""", b)


def struct_accessor_call(sym, args):
    """Inline call of a defstruct accessor (guarded against redefinition)."""
    f = sym.function
    info = getattr(f, "struct_accessor", None)
    if info is None or len(args) != 1:
        return None
    stype, idx = info
    b = Binds()
    x = b.operand(args[0])
    t = b.temp()
    ks, kt, kf = b.name(sym), b.name(stype), b.name(f)
    return make_expr(f"({t}.vals[{idx}] if ({t} := {x}).__class__ is Struct and {t}.stype is {kt} "
                     f"and {ks}.function is {kf} else {ks}.function({t}))", b)


@inline("%STRUCT-SET", 4)
def i_struct_set(o, n, i, v):
    if not hasattr(i, "const") or not hasattr(n, "const"):
        return None
    b = Binds()
    os_, vs = b.operand(o), b.operand(v)
    kn = b.name(n.const)
    idx = i.const
    slow = _slow(b, "%STRUCT-SET")
    return make(f"""def _f(e):
    o = {os_}
    v = {vs}
    if o.__class__ is Struct and o.stype is {kn}.struct:
        o.vals[{idx}] = v
        return v
    return {slow}(o, {kn}, {idx}, v)""", b)


@inline("%ASET", 3)
def i_aset(a, b_, c):
    b = Binds()
    v, i, x = b.operand(a), b.operand(b_), b.operand(c)
    slow = _slow(b, "%ASET")
    return make(f"""def _f(e):
    v = {v}
    i = {i}
    x = {x}
    if i.__class__ is int and i >= 0:
        c = v.__class__
        if c is LVector:
            if v.eltype is None and i < len(v.items):
                v.items[i] = x
                return x
            if v.eltype == "u8" and x.__class__ is int and 0 <= x < 256 and i < len(v.items):
                v.items[i] = x
                return x
        elif c is LString and x.__class__ is Char:
            buf = v.buf
            if buf is None and i < len(v.s):
                buf = v.to_buf()
            if buf is not None and i < len(buf):
                buf[i] = x.c
                v.s = None
                return x
    return {slow}(v, i, x)""", b)


@inline("MEMBER", 2)
def i_member(a, b_):
    b = Binds()
    x, l = b.operand(a), b.operand(b_)
    return make(f"""def _f(e):
    x = {x}
    l = {l}
    if x.__class__ is int:
        while l.__class__ is Cons:
            y = l.car
            if y is x or (y.__class__ is int and y == x):
                return l
            l = l.cdr
    else:
        while l.__class__ is Cons:
            if l.car is x:
                return l
            l = l.cdr
    return NIL""", b)


def _list_builder(args):
    if len(args) > 12:
        return None
    b = Binds()
    ops = [b.operand(a) for a in args]
    # evaluate left to right, then build from the right
    if not ops:
        return make_expr("NIL", b)
    temps = [b.temp() for _ in ops]
    binds = ", ".join(f"({t} := {o})" for t, o in zip(temps, ops))
    body = "NIL"
    for t in reversed(temps):
        body = f"Cons({t}, {body})"
    return make_expr(f"(({binds}) and {body})" if len(ops) > 1 else f"Cons({ops[0]}, NIL)", b)


INLINE[cl("LIST")] = _list_builder


def _gethash_builder(args):
    if len(args) not in (2, 3):
        return None
    b = Binds()
    k, h = b.operand(args[0]), b.operand(args[1])
    dflt = b.operand(args[2]) if len(args) == 3 else "NIL"
    slow = _slow(b, "GETHASH")
    hk = b.name(_hkey)
    ht = b.name(HashTable)
    mv = b.name(MV)
    return make(f"""def _f(e):
    k = {k}
    h = {h}
    d = {dflt}
    if h.__class__ is {ht}:
        i = h.d.get({hk}(h, k) if h.equal else k)
        return d if i is None else h.vals[i]
    v = {slow}(k, h, d)
    return v[0] if v.__class__ is {mv} else v""", b)


# only where a single value is wanted (GETHASH returns two values)
INLINE_SV[cl("GETHASH")] = _gethash_builder


def _nary_plus(args):
    """(+ a b c ...) as nested two-argument additions (same result, same errors)."""
    if len(args) < 3:
        return None
    from .data import cl as _cl
    b2 = INLINE[_cl("+")]
    acc = b2(args[:2])
    for a in args[2:]:
        acc = b2([acc, a])
    return acc


_prev_plus = INLINE[cl("+")]
INLINE[cl("+")] = lambda args: _prev_plus(args) if len(args) == 2 else _nary_plus(args)

unary("CHAR-UPCASE", "x.__class__ is Char and x.code < 128", "(CHARS[x.c.upper()])")
unary("CHAR-DOWNCASE", "x.__class__ is Char and x.code < 128", "(CHARS[x.c.lower()])")


def _logop(name, op):
    def build(a, b_):
        b = Binds()
        x, y = b.operand(a), b.operand(b_)
        t0, t1 = b.temp(), b.temp()
        slow = _slow(b, name)
        return make_expr(f"(({t0} {op} {t1}) if (({t0} := {x}).__class__ is int) & "
                         f"(({t1} := {y}).__class__ is int) else {slow}({t0}, {t1}))", b)
    inline(name, 2)(build)


_logop("LOGAND", "&")
_logop("LOGIOR", "|")
_logop("LOGXOR", "^")


@inline("CODE-CHAR", 1)
def i_code_char(a):
    b = Binds()
    x = b.operand(a)
    t = b.temp()
    slow = _slow(b, "CODE-CHAR")
    mk = b.name(mkchar)
    return make_expr(f"((CHARS.get(chr({t})) or {mk}(chr({t}))) if ({t} := {x}).__class__ is int "
                     f"and 0 <= {t} < 1114112 else {slow}({t}))", b)


@inline("ASH", 2)
def i_ash(a, b_):
    b = Binds()
    x, n = b.operand(a), b.operand(b_)
    t0, t1, t2 = b.temp(), b.temp(), b.temp()
    slow = _slow(b, "ASH")
    return make_expr(f"(({t0} >> -{t1}) if (({t0} := {x}).__class__ is int) & (({t1} := {n}).__class__ is int) "
                     f"and {t1} <= 0 else ({t2} if {t0}.__class__ is int and {t1}.__class__ is int and {t1} < 64 "
                     f"and FMIN <= ({t2} := {t0} << {t1}) <= FMAX else {slow}({t0}, {t1})))", b)


def _divop(name, op):
    def build(a, b_):
        b = Binds()
        x, y = b.operand(a), b.operand(b_)
        t0, t1 = b.temp(), b.temp()
        slow = _slow(b, name)
        return make_expr(f"(({t0} {op} {t1}) if (({t0} := {x}).__class__ is int) & "
                         f"(({t1} := {y}).__class__ is int) and {t1} > 0 else {slow}({t0}, {t1}))", b)
    inline(name, 2)(build)


_divop("MOD", "%")
