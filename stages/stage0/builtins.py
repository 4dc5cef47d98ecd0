"""The subset's functions, implemented in Python and installed on the CL symbols."""
from .data import (Cons, NIL, T, Symbol, Char, LString, LVector, Struct,
                   HashTable, MV, UNBOUND, Package, PACKAGES, KEYWORD, CL, cl, sys, kw,
                   mkchar, code_char, lisp_list, list_items, equal_key, FIXNUM_MAX, FIXNUM_MIN)
from .conditions import (LispError, lisp_error, type_error, make_condition, simple_condition,
                         Condition, CONDITION_TYPES, report_string, SLOT_FC, SLOT_FA)
from . import compiler as C
from .compiler import SINGLE_VALUED, fboundp
from .printer import write_to_string
from . import streams as ST
from .format import format_to_stream, format_to_string

S = cl


def defun(name, mv=False, pkg=None):
    def deco(fn):
        sym = (pkg or CL).intern(name) if pkg is not None else S(name)
        sym.function = fn
        try:
            fn.lisp_name = sym
        except AttributeError:
            pass
        if not mv:
            SINGLE_VALUED.add(sym)
        return fn
    return deco


def alias(new, old):
    S(new).function = S(old).function
    if S(old) in SINGLE_VALUED:
        SINGLE_VALUED.add(S(new))


def sysfun(name, mv=False):
    def deco(fn):
        sym = sys(name)
        sym.function = fn
        fn.lisp_name = sym
        if not mv:
            SINGLE_VALUED.add(sym)
        return fn
    return deco


def truth(x):
    return T if x else NIL


def fix(r):
    if FIXNUM_MIN <= r <= FIXNUM_MAX:
        return r
    lisp_error("integer overflow: ~D is outside the 62-bit range", LString(str(r)),
               ctype="ARITHMETIC-ERROR")


def check_int(x):
    if x.__class__ is not int:
        type_error(x, "INTEGER")
    return x


def check_list(x):
    if x.__class__ is not Cons and x is not NIL:
        type_error(x, "LIST")
    return x


def fn_of(f):
    """Function designator -> Python callable."""
    if f.__class__ is Symbol:
        g = f.function
        if g is None or g.__class__ is C.UndefinedFunction:
            lisp_error("The function ~S is undefined.", f, ctype="UNDEFINED-FUNCTION")
        return g
    if callable(f):
        return f
    type_error(f, cl("FUNCTION") if False else S("FUNCTION"))


def call1(f, *args):
    v = f(*args)
    if v.__class__ is MV:
        return v[0] if v else NIL
    return v


# -- numbers ------------------------------------------------------------------------------
@defun("+")
def add(*args):
    r = 0
    for a in args:
        if a.__class__ is not int:
            type_error(a, "NUMBER")
        r += a
    return fix(r)


@defun("-")
def sub(*args):
    if not args:
        lisp_error("invalid number of arguments: 0", ctype="PROGRAM-ERROR")
    for a in args:
        if a.__class__ is not int:
            type_error(a, "NUMBER")
    if len(args) == 1:
        return fix(-args[0])
    r = args[0]
    for a in args[1:]:
        r -= a
    return fix(r)


@defun("*")
def mul(*args):
    r = 1
    for a in args:
        if a.__class__ is not int:
            type_error(a, "NUMBER")
        r *= a
    return fix(r)


@defun("1+")
def one_plus(x):
    if x.__class__ is not int:
        type_error(x, "NUMBER")
    return fix(x + 1)


@defun("1-")
def one_minus(x):
    if x.__class__ is not int:
        type_error(x, "NUMBER")
    return fix(x - 1)


def _cmp(name, op):
    def f(*args):
        for a in args:
            if a.__class__ is not int:
                type_error(a, "REAL")
        if not args:
            lisp_error("invalid number of arguments: 0", ctype="PROGRAM-ERROR")
        for i in range(len(args) - 1):
            if not op(args[i], args[i + 1]):
                return NIL
        return T
    defun(name)(f)


import operator as _op
_cmp("=", _op.eq)
_cmp("<", _op.lt)
_cmp(">", _op.gt)
_cmp("<=", _op.le)
_cmp(">=", _op.ge)


@defun("/=")
def num_ne(*args):
    for a in args:
        check_int(a)
    for i in range(len(args)):
        for j in range(i + 1, len(args)):
            if args[i] == args[j]:
                return NIL
    return T


@defun("MIN")
def lmin(*args):
    for a in args:
        check_int(a)
    return min(args)


@defun("MAX")
def lmax(*args):
    for a in args:
        check_int(a)
    return max(args)


def _div_check(a, b):
    check_int(a)
    check_int(b)
    if b == 0:
        from .conditions import CONDITION_TYPES as CT
        raise LispError(Condition(CT[S("DIVISION-BY-ZERO")], {}))


@defun("FLOOR", mv=True)
def lfloor(a, b=1):
    _div_check(a, b)
    q, r = divmod(a, b)
    return MV((fix(q), r))


@defun("CEILING", mv=True)
def lceiling(a, b=1):
    _div_check(a, b)
    q = -((-a) // b)
    return MV((fix(q), a - q * b))


@defun("TRUNCATE", mv=True)
def ltruncate(a, b=1):
    _div_check(a, b)
    q = abs(a) // abs(b)
    if (a < 0) != (b < 0):
        q = -q
    return MV((fix(q), a - q * b))


@defun("ROUND", mv=True)
def lround(a, b=1):
    _div_check(a, b)
    q, r = divmod(a, b)
    # round half to even
    twice = 2 * r
    if b > 0:
        if twice > b or (twice == b and q % 2 == 1):
            q += 1
    else:
        if twice < b or (twice == b and q % 2 == 1):
            q += 1
    return MV((fix(q), a - q * b))


@defun("MOD")
def lmod(a, b):
    _div_check(a, b)
    return a % b


@defun("REM")
def lrem(a, b):
    _div_check(a, b)
    return a - b * (abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1))


@defun("ABS")
def labs(a):
    return fix(abs(check_int(a)))


@defun("ZEROP")
def zerop(a):
    return T if check_int(a) == 0 else NIL


@defun("PLUSP")
def plusp(a):
    return T if check_int(a) > 0 else NIL


@defun("MINUSP")
def minusp(a):
    return T if check_int(a) < 0 else NIL


@defun("EVENP")
def evenp(a):
    return T if check_int(a) % 2 == 0 else NIL


@defun("ODDP")
def oddp(a):
    return T if check_int(a) % 2 == 1 else NIL


@defun("ASH")
def ash(a, n):
    check_int(a)
    check_int(n)
    if n >= 0:
        if n > 64 and a != 0:
            fix(1 << 64)
        return fix(a << n)
    return a >> (-n)


@defun("LOGAND")
def logand(*args):
    r = -1
    for a in args:
        r &= check_int(a)
    return r


@defun("LOGIOR")
def logior(*args):
    r = 0
    for a in args:
        r |= check_int(a)
    return r


@defun("LOGXOR")
def logxor(*args):
    r = 0
    for a in args:
        r ^= check_int(a)
    return r


@defun("LOGNOT")
def lognot(a):
    return ~check_int(a)


@defun("LOGBITP")
def logbitp(i, a):
    return truth((check_int(a) >> check_int(i)) & 1)


@defun("LOGTEST")
def logtest(a, b):
    return truth(check_int(a) & check_int(b))


@defun("INTEGER-LENGTH")
def integer_length(a):
    a = check_int(a)
    return (a if a >= 0 else ~a).bit_length()


@defun("EXPT")
def expt(a, b):
    check_int(a)
    check_int(b)
    if b < 0:
        lisp_error("EXPT with a negative exponent is not supported")
    if abs(a) > 1 and b > 64:
        fix(1 << 64)
    return fix(a ** b)


@defun("GCD")
def lgcd(*args):
    import math
    r = 0
    for a in args:
        r = math.gcd(r, check_int(a))
    return r


@defun("LCM")
def llcm(*args):
    import math
    r = 1
    for a in args:
        r = fix(abs(r * check_int(a)) // math.gcd(r, a)) if a else 0
    return r


@defun("ISQRT")
def isqrt(a):
    import math
    return math.isqrt(check_int(a))


@defun("SIGNUM")
def signum(a):
    a = check_int(a)
    return (a > 0) - (a < 0)


@defun("PARSE-INTEGER", mv=True)
def parse_integer(s, *kwargs):
    k = _kw(kwargs, ("START", "END", "RADIX", "JUNK-ALLOWED"))
    text = string_value(s)
    start = k.get("START", 0)
    end = k.get("END", NIL)
    end = len(text) if end is NIL else end
    radix = k.get("RADIX", 10)
    junk = k.get("JUNK-ALLOWED", NIL) is not NIL
    i = start
    while i < end and text[i] in " \t\n\r\f\v":
        i += 1
    sign = 1
    j = i
    if j < end and text[j] in "+-":
        sign = -1 if text[j] == "-" else 1
        j += 1
    dstart = j
    val = 0
    while j < end:
        d = _digit(text[j], radix)
        if d is None:
            break
        val = val * radix + d
        j += 1
    if j == dstart:
        if junk:
            return MV((NIL, j))
        lisp_error("junk in string ~S", LString(text), ctype="SIMPLE-ERROR")
    k2 = j
    while k2 < end and text[k2] in " \t\n\r\f\v":
        k2 += 1
    if k2 < end and not junk:
        lisp_error("junk in string ~S", LString(text), ctype="SIMPLE-ERROR")
    return MV((fix(sign * val), j if junk else end))


def _digit(c, radix):
    if "0" <= c <= "9":
        d = ord(c) - 48
    elif "a" <= c.lower() <= "z" and c.isascii():
        d = ord(c.lower()) - 87
    elif not c.isascii():
        import unicodedata
        d = unicodedata.decimal(c, None)  # other Unicode decimal digits, as SBCL
        if d is None:
            return None
    else:
        return None
    return d if d < radix else None


def _kw(args, allowed):
    if len(args) % 2:
        lisp_error("odd number of &KEY arguments", ctype="PROGRAM-ERROR")
    out = {}
    for i in range(0, len(args), 2):
        k = args[i]
        if k.__class__ is not Symbol or k.package is not KEYWORD or (k.name not in allowed and k.name != "ALLOW-OTHER-KEYS"):
            lisp_error("Unknown &KEY argument: ~S", k, ctype="PROGRAM-ERROR")
        out.setdefault(k.name, args[i + 1])
    return out


# -- equality and types -----------------------------------------------------------------------
def eql(a, b):
    return a is b or (a.__class__ is int and b.__class__ is int and a == b)


def equal(a, b):
    while True:
        if a is b:
            return True
        ca = a.__class__
        if ca is Cons:
            if b.__class__ is not Cons:
                return False
            if not equal(a.car, b.car):
                return False
            a, b = a.cdr, b.cdr
            continue
        if ca is int:
            return b.__class__ is int and a == b
        if ca is LString:
            return b.__class__ is LString and a.value() == b.value()
        return False


def equalp(a, b):
    if a is b:
        return True
    ca = a.__class__
    if ca is Char:
        return b.__class__ is Char and a.c.lower() == b.c.lower()
    if ca is int:
        return b.__class__ is int and a == b
    if ca is Cons:
        return b.__class__ is Cons and equalp(a.car, b.car) and equalp(a.cdr, b.cdr)
    if is_vectorish(a) and is_vectorish(b):
        x, y = seq_list(a), seq_list(b)
        return len(x) == len(y) and all(equalp(p, r) for p, r in zip(x, y))
    if ca is Struct:
        return b.__class__ is Struct and a.stype is b.stype and all(equalp(p, r) for p, r in zip(a.vals, b.vals))
    return False


defun("EQ")(lambda a, b: T if eql(a, b) else NIL)
defun("EQL")(lambda a, b: T if eql(a, b) else NIL)
defun("EQUAL")(lambda a, b: T if equal(a, b) else NIL)
defun("EQUALP")(lambda a, b: T if equalp(a, b) else NIL)
defun("NOT")(lambda x: T if x is NIL else NIL)
defun("NULL")(lambda x: T if x is NIL else NIL)
defun("IDENTITY")(lambda x: x)


def is_vectorish(x):
    return x.__class__ is LVector or x.__class__ is LString


TYPE_NAMES = {}


def typep(x, t):
    if t.__class__ is Symbol:
        f = TYPE_NAMES.get(t.name) if t.package is CL else None
        if f is not None:
            return f(x)
        if t.struct is not None:
            return x.__class__ is Struct and t.struct in x.stype.parents
        if t in CONDITION_TYPES:
            return isinstance(x, Condition) and CONDITION_TYPES[t] in x.ctype.ancestors
        if t in DEFTYPES:
            return typep(x, DEFTYPES[t])
        lisp_error("unknown type specifier: ~S", t)
    if t.__class__ is Cons:
        op = t.car.name
        args = list_items(t.cdr)
        if op == "INTEGER":
            if x.__class__ is not int:
                return False
            lo = args[0] if args else S("*")
            hi = args[1] if len(args) > 1 else S("*")
            if lo.__class__ is int and x < lo:
                return False
            if lo.__class__ is Cons and x <= lo.car:
                return False
            if hi.__class__ is int and x > hi:
                return False
            if hi.__class__ is Cons and x >= hi.car:
                return False
            return True
        if op == "OR":
            return any(typep(x, a) for a in args)
        if op == "AND":
            return all(typep(x, a) for a in args)
        if op == "NOT":
            return not typep(x, args[0])
        if op == "MEMBER":
            return any(eql(x, a) for a in args)
        if op == "EQL":
            return eql(x, args[0])
        if op == "SATISFIES":
            return call1(fn_of(args[0]), x) is not NIL
        if op in ("VECTOR", "SIMPLE-VECTOR", "ARRAY", "SIMPLE-ARRAY", "STRING", "SIMPLE-STRING",
                  "UNSIGNED-BYTE", "SIGNED-BYTE", "MOD", "CONS", "LIST"):
            if op == "UNSIGNED-BYTE":
                n = args[0] if args and args[0].__class__ is int else None
                return x.__class__ is int and x >= 0 and (n is None or x < (1 << n))
            if op == "SIGNED-BYTE":
                n = args[0] if args and args[0].__class__ is int else None
                return x.__class__ is int and (n is None or -(1 << (n - 1)) <= x < (1 << (n - 1)))
            if op == "MOD":
                return x.__class__ is int and 0 <= x < args[0]
            return typep(x, S(op))
    lisp_error("unknown type specifier: ~S", t)


DEFTYPES = {}


def _simple_vector_p(x):
    return x.__class__ is LVector and x.fp is None and not x.adjustable and x.eltype is None


TYPE_NAMES.update({
    "T": lambda x: True,
    "NIL": lambda x: False,
    "NULL": lambda x: x is NIL,
    "CONS": lambda x: x.__class__ is Cons,
    "LIST": lambda x: x.__class__ is Cons or x is NIL,
    "ATOM": lambda x: x.__class__ is not Cons,
    "SYMBOL": lambda x: x.__class__ is Symbol,
    "KEYWORD": lambda x: x.__class__ is Symbol and x.package is KEYWORD,
    "BOOLEAN": lambda x: x is T or x is NIL,
    "INTEGER": lambda x: x.__class__ is int,
    "FIXNUM": lambda x: x.__class__ is int,
    "NUMBER": lambda x: x.__class__ is int,
    "REAL": lambda x: x.__class__ is int,
    "RATIONAL": lambda x: x.__class__ is int,
    "BIT": lambda x: x.__class__ is int and x in (0, 1),
    "UNSIGNED-BYTE": lambda x: x.__class__ is int and x >= 0,
    "CHARACTER": lambda x: x.__class__ is Char,
    "BASE-CHAR": lambda x: x.__class__ is Char and x.code < 128,
    "STANDARD-CHAR": lambda x: x.__class__ is Char and x.code < 128,
    "STRING": lambda x: x.__class__ is LString,
    "SIMPLE-STRING": lambda x: x.__class__ is LString and x.fp is None and not x.adjustable,
    "BASE-STRING": lambda x: x.__class__ is LString,
    "VECTOR": lambda x: x.__class__ is LVector or x.__class__ is LString,
    "SIMPLE-VECTOR": _simple_vector_p,
    "ARRAY": lambda x: x.__class__ is LVector or x.__class__ is LString,
    "SIMPLE-ARRAY": lambda x: (x.__class__ is LVector or x.__class__ is LString) and x.fp is None and not x.adjustable,
    "SEQUENCE": lambda x: x.__class__ in (Cons, LVector, LString) or x is NIL,
    "HASH-TABLE": lambda x: x.__class__ is HashTable,
    "FUNCTION": lambda x: callable(x) and x.__class__ is not Symbol,
    "COMPILED-FUNCTION": lambda x: callable(x) and x.__class__ is not Symbol,
    "PACKAGE": lambda x: x.__class__ is Package,
    "STREAM": lambda x: isinstance(x, ST.Stream),
    "STRUCTURE-OBJECT": lambda x: x.__class__ is Struct,
    "CONDITION": lambda x: isinstance(x, Condition),
})


@defun("TYPEP")
def l_typep(x, t, env=NIL):
    return truth(typep(x, t))


@sysfun("%DEFTYPE")
def deftype(name, ll, body):
    forms = list_items(body)
    forms = [f for f in forms if not (f.__class__ is Cons and f.car is S("DECLARE")) and f.__class__ is not LString]
    if ll is not NIL:
        lisp_error("DEFTYPE with parameters is not supported")
    DEFTYPES[name] = C.eval_form(forms[-1]) if forms else S("T")
    return name


@defun("TYPE-OF")
def type_of(x):
    c = x.__class__
    if c is int:
        if x in (0, 1):
            return S("BIT")
        return S("FIXNUM")
    if c is Cons:
        return S("CONS")
    if x is NIL:
        return S("NULL")
    if x is T:
        return S("BOOLEAN")
    if c is Symbol:
        return S("KEYWORD") if x.package is KEYWORD else S("SYMBOL")
    if c is Char:
        return S("STANDARD-CHAR") if x.code < 128 and (x.c.isprintable() or x.c == "\n") else S("CHARACTER")
    if c is LString:
        return lisp_list([S("SIMPLE-ARRAY"), S("CHARACTER"), lisp_list([len(x.value())])])
    if c is LVector:
        return lisp_list([S("SIMPLE-VECTOR"), len(x.active())])
    if c is Struct:
        return x.stype.name
    if c is HashTable:
        return S("HASH-TABLE")
    if isinstance(x, Condition):
        return x.ctype.name
    if callable(x):
        return S("FUNCTION")
    return S("T")


for _name, _tn in [("ATOM", "ATOM"), ("CONSP", "CONS"), ("LISTP", "LIST"), ("SYMBOLP", "SYMBOL"),
                   ("KEYWORDP", "KEYWORD"), ("STRINGP", "STRING"), ("CHARACTERP", "CHARACTER"),
                   ("INTEGERP", "INTEGER"), ("NUMBERP", "NUMBER"), ("FUNCTIONP", "FUNCTION"),
                   ("VECTORP", "VECTOR"), ("SIMPLE-VECTOR-P", "SIMPLE-VECTOR"), ("ARRAYP", "ARRAY"),
                   ("HASH-TABLE-P", "HASH-TABLE"), ("PACKAGEP", "PACKAGE"), ("STREAMP", "STREAM"),
                   ("SIMPLE-STRING-P", "SIMPLE-STRING"), ("REALP", "REAL"), ("RATIONALP", "RATIONAL")]:
    _f = TYPE_NAMES[_tn]
    defun(_name)((lambda f: lambda x: T if f(x) else NIL)(_f))
defun("FLOATP")(lambda x: NIL)
defun("COMPLEXP")(lambda x: NIL)


# -- conses and lists ------------------------------------------------------------------------
@defun("CAR")
def car(x):
    if x.__class__ is Cons:
        return x.car
    if x is NIL:
        return NIL
    type_error(x, "LIST")


@defun("CDR")
def cdr(x):
    if x.__class__ is Cons:
        return x.cdr
    if x is NIL:
        return NIL
    type_error(x, "LIST")


defun("CONS")(lambda a, b: Cons(a, b))
alias("FIRST", "CAR")
alias("REST", "CDR")


def _cxr(path):
    def f(x):
        for p in reversed(path):
            x = car(x) if p == "A" else cdr(x)
        return x
    return f


for _n in ["CAAR", "CADR", "CDAR", "CDDR", "CAAAR", "CAADR", "CADAR", "CADDR", "CDAAR", "CDADR",
           "CDDAR", "CDDDR", "CADDDR", "CDDDDR"]:
    defun(_n)(_cxr(_n[1:-1]))
alias("SECOND", "CADR")
alias("THIRD", "CADDR")
alias("FOURTH", "CADDDR")
defun("FIFTH")(lambda x: car(cdr(cdr(cdr(cdr(x))))))
defun("SIXTH")(lambda x: car(cdr(cdr(cdr(cdr(cdr(x)))))))


@defun("LIST")
def l_list(*args):
    r = NIL
    for a in reversed(args):
        r = Cons(a, r)
    return r


@defun("LIST*")
def list_star(*args):
    r = args[-1]
    for a in reversed(args[:-1]):
        r = Cons(a, r)
    return r


@defun("MAKE-LIST")
def make_list(n, *kwargs):
    k = _kw(kwargs, ("INITIAL-ELEMENT",))
    v = k.get("INITIAL-ELEMENT", NIL)
    r = NIL
    for _ in range(check_int(n)):
        r = Cons(v, r)
    return r


def items_of_list(x):
    out = []
    while x.__class__ is Cons:
        out.append(x.car)
        x = x.cdr
    if x is not NIL:
        type_error(x, "LIST")
    return out


@defun("APPEND")
def append(*args):
    if not args:
        return NIL
    r = args[-1]
    for a in reversed(args[:-1]):
        r = lisp_list(items_of_list(a), r)
    return r


@defun("NCONC")
def nconc(*args):
    result = NIL
    last = None
    for i, a in enumerate(args):
        if a is NIL:
            continue
        if a.__class__ is not Cons:
            if i == len(args) - 1:
                if last is None:
                    return a
                last.cdr = a
                break
            type_error(a, "LIST")
        if last is None:
            result = a
        else:
            last.cdr = a
        x = a
        while x.cdr.__class__ is Cons:
            x = x.cdr
        last = x
    return result


@defun("REVAPPEND")
def revappend(a, b):
    for x in items_of_list(a):
        b = Cons(x, b)
    return b


@defun("NRECONC")
def nreconc(a, b):
    return revappend(a, b)


@defun("LENGTH")
def length(x):
    c = x.__class__
    if c is Cons:
        n = 0
        while x.__class__ is Cons:
            n += 1
            x = x.cdr
        if x is not NIL:
            type_error(x, "LIST")
        return n
    if x is NIL:
        return 0
    if c is LString:
        return x.length()
    if c is LVector:
        return len(x.items) if x.fp is None else x.fp
    type_error(x, "SEQUENCE")


@defun("LIST-LENGTH")
def list_length(x):
    return length(x)


@defun("NTH")
def nth(n, x):
    check_int(n)
    for _ in range(n):
        if x.__class__ is not Cons:
            return car(x)
        x = x.cdr
    return car(x)


@defun("NTHCDR")
def nthcdr(n, x):
    check_int(n)
    for _ in range(n):
        if x is NIL:
            return NIL
        x = cdr(x)
    return x


@defun("LAST")
def last(x, n=1):
    items = []
    y = x
    while y.__class__ is Cons:
        items.append(y)
        y = y.cdr
    if n == 0:
        return y
    if len(items) < n:
        return x
    return items[-n]


@defun("BUTLAST")
def butlast(x, n=1):
    items = items_of_list_dotted(x)[0]
    return lisp_list(items[:max(0, len(items) - n)])


@defun("NBUTLAST")
def nbutlast(x, n=1):
    return butlast(x, n)


def items_of_list_dotted(x):
    out = []
    while x.__class__ is Cons:
        out.append(x.car)
        x = x.cdr
    return out, x


@defun("COPY-LIST")
def copy_list(x):
    items, tail = items_of_list_dotted(check_list(x))
    return lisp_list(items, tail)


@defun("COPY-TREE")
def copy_tree(x):
    if x.__class__ is Cons:
        return Cons(copy_tree(x.car), copy_tree(x.cdr))
    return x


@defun("COPY-ALIST")
def copy_alist(x):
    return lisp_list([Cons(p.car, p.cdr) if p.__class__ is Cons else p for p in items_of_list(x)])


@defun("REVERSE")
def reverse(x):
    if x.__class__ is Cons or x is NIL:
        r = NIL
        while x.__class__ is Cons:
            r = Cons(x.car, r)
            x = x.cdr
        return r
    return make_like(x, list(reversed(seq_list(x))))


@defun("NREVERSE")
def nreverse(x):
    if x.__class__ is Cons or x is NIL:
        prev = NIL
        while x.__class__ is Cons:
            nxt = x.cdr
            x.cdr = prev
            prev = x
            x = nxt
        return prev
    if x.__class__ is LVector:
        n = length(x)
        x.items[:n] = reversed(x.items[:n])
        return x
    if x.__class__ is LString:
        v = x.value()
        _set_string(x, v[::-1])
        return x
    type_error(x, "SEQUENCE")


@defun("RPLACA")
def rplaca(c, v):
    if c.__class__ is not Cons:
        type_error(c, "CONS")
    c.car = v
    return c


@defun("RPLACD")
def rplacd(c, v):
    if c.__class__ is not Cons:
        type_error(c, "CONS")
    c.cdr = v
    return c


@sysfun("%SETCAR")
def setcar(c, v):
    if c.__class__ is not Cons:
        type_error(c, "CONS")
    c.car = v
    return v


@sysfun("%SETCDR")
def setcdr(c, v):
    if c.__class__ is not Cons:
        type_error(c, "CONS")
    c.cdr = v
    return v


@sysfun("%SETNTH")
def setnth(n, x, v):
    return setcar(nthcdr(n, x), v)


@defun("ENDP")
def endp(x):
    if x is NIL:
        return T
    if x.__class__ is Cons:
        return NIL
    type_error(x, "LIST")


@defun("ACONS")
def acons(k, v, alist):
    return Cons(Cons(k, v), alist)


@defun("PAIRLIS")
def pairlis(keys, vals, alist=NIL):
    for k, v in zip(items_of_list(keys), items_of_list(vals)):
        alist = Cons(Cons(k, v), alist)
    return alist


def _test_fn(k):
    """Two-argument test from :test / :test-not keyword dict."""
    test = k.get("TEST")
    test_not = k.get("TEST-NOT")
    if test is not None and test is not NIL:
        f = fn_of(test)
        if f is S("EQL").function or f is S("EQ").function:
            return eql
        if f is S("EQUAL").function:
            return equal
        return lambda a, b: call1(f, a, b) is not NIL
    if test_not is not None and test_not is not NIL:
        f = fn_of(test_not)
        return lambda a, b: call1(f, a, b) is NIL
    return eql


def _key_fn(k):
    key = k.get("KEY")
    if key is None or key is NIL:
        return None
    f = fn_of(key)
    return lambda x: call1(f, x)


@defun("MEMBER")
def member(item, lst, *kwargs):
    if not kwargs:
        x = lst
        if item.__class__ is int:
            while x.__class__ is Cons:
                v = x.car
                if v is item or (v.__class__ is int and v == item):
                    return x
                x = x.cdr
        else:
            while x.__class__ is Cons:
                if x.car is item:
                    return x
                x = x.cdr
        return NIL
    k = _kw(kwargs, ("TEST", "TEST-NOT", "KEY"))
    test = _test_fn(k) if k else eql
    key = _key_fn(k) if k else None
    x = lst
    while x.__class__ is Cons:
        v = x.car if key is None else key(x.car)
        if test(item, v):
            return x
        x = x.cdr
    return NIL


@defun("MEMBER-IF")
def member_if(pred, lst, *kwargs):
    k = _kw(kwargs, ("KEY",))
    key = _key_fn(k)
    f = fn_of(pred)
    x = lst
    while x.__class__ is Cons:
        if call1(f, x.car if key is None else key(x.car)) is not NIL:
            return x
        x = x.cdr
    return NIL


@defun("ASSOC")
def assoc(item, alist, *kwargs):
    k = _kw(kwargs, ("TEST", "TEST-NOT", "KEY"))
    test = _test_fn(k) if k else eql
    key = _key_fn(k) if k else None
    x = alist
    while x.__class__ is Cons:
        p = x.car
        if p.__class__ is Cons:
            v = p.car if key is None else key(p.car)
            if test(item, v):
                return p
        x = x.cdr
    return NIL


@defun("ASSOC-IF")
def assoc_if(pred, alist, *kwargs):
    f = fn_of(pred)
    for p in items_of_list(alist):
        if p.__class__ is Cons and call1(f, p.car) is not NIL:
            return p
    return NIL


@defun("RASSOC")
def rassoc(item, alist, *kwargs):
    k = _kw(kwargs, ("TEST", "TEST-NOT", "KEY"))
    test = _test_fn(k)
    key = _key_fn(k)
    for p in items_of_list(alist):
        if p.__class__ is Cons:
            v = p.cdr if key is None else key(p.cdr)
            if test(item, v):
                return p
    return NIL


@defun("ADJOIN")
def adjoin(item, lst, *kwargs):
    k = _kw(kwargs, ("TEST", "TEST-NOT", "KEY"))
    test = _test_fn(k)
    key = _key_fn(k)
    iv = item if key is None else key(item)
    for x in items_of_list(lst):
        if test(iv, x if key is None else key(x)):
            return lst
    return Cons(item, lst)


@defun("GETF")
def getf(plist, ind, default=NIL):
    x = plist
    while x.__class__ is Cons and x.cdr.__class__ is Cons:
        if x.car is ind:
            return x.cdr.car
        x = x.cdr.cdr
    return default


@sysfun("%PUTF")
def putf(plist, ind, v):
    x = plist
    while x.__class__ is Cons and x.cdr.__class__ is Cons:
        if x.car is ind:
            x.cdr.car = v
            return plist
        x = x.cdr.cdr
    return Cons(ind, Cons(v, plist))


@defun("GET-PROPERTIES", mv=True)
def get_properties(plist, inds):
    wanted = items_of_list(inds)
    x = plist
    while x.__class__ is Cons and x.cdr.__class__ is Cons:
        if any(x.car is w for w in wanted):
            return MV((x.car, x.cdr.car, x))
        x = x.cdr.cdr
    return MV((NIL, NIL, NIL))


@defun("GET")
def lget(sym, ind, default=NIL):
    return getf(sym.plist or NIL, ind, default)


@sysfun("%PUT")
def lput(sym, ind, *args):
    v = args[-1]
    sym.plist = putf(sym.plist or NIL, ind, v)
    return v


@defun("SYMBOL-PLIST")
def symbol_plist(sym):
    return sym.plist or NIL


@sysfun("%SET-SYMBOL-PLIST")
def set_symbol_plist(sym, v):
    sym.plist = v
    return v


@defun("REMPROP")
def remprop(sym, ind):
    items = items_of_list(sym.plist or NIL)
    for i in range(0, len(items) - 1, 2):
        if items[i] is ind:
            sym.plist = lisp_list(items[:i] + items[i + 2:])
            return T
    return NIL


@defun("LDIFF")
def ldiff(lst, obj):
    out = []
    x = lst
    while x.__class__ is Cons:
        if x is obj:
            return lisp_list(out)
        out.append(x.car)
        x = x.cdr
    if eql(x, obj):
        return lisp_list(out)
    return lisp_list(out, x)


@defun("TAILP")
def tailp(obj, lst):
    x = lst
    while x.__class__ is Cons:
        if x is obj:
            return T
        x = x.cdr
    return truth(eql(x, obj))


def _set_op(kind):
    """The set operations with SBCL's result orders (elements are pushed)."""
    def f(a, b, *kwargs):
        k = _kw(kwargs, ("TEST", "TEST-NOT", "KEY"))
        test = _test_fn(k)
        key = _key_fn(k) or (lambda x: x)
        la, lb = items_of_list(a), items_of_list(b)

        def member_of(x, lst):
            kx = key(x)
            return any(test(kx, key(y)) for y in lst)
        if kind == "UNION":
            if len(la) < len(lb):
                res, src, other = a, lb, la
            else:
                res, src, other = b, la, lb
            for x in src:
                if not member_of(x, other):
                    res = Cons(x, res)
            return res
        if kind == "INTERSECTION":
            res = NIL
            if lb:
                for x in la:
                    if member_of(x, lb):
                        res = Cons(x, res)
            return res
        if kind == "SET-DIFFERENCE":
            if not lb:
                return a
            res = NIL
            for x in la:
                if not member_of(x, lb):
                    res = Cons(x, res)
            return res
        if kind == "SUBSETP":
            return truth(all(member_of(x, lb) for x in la))
        if kind == "SET-EXCLUSIVE-OR":
            res = NIL
            for x in la:
                if not member_of(x, lb):
                    res = Cons(x, res)
            for y in lb:
                ky = key(y)
                if not any(test(key(x), ky) for x in la):
                    res = Cons(y, res)
            return res
    return f


for _n in ("UNION", "INTERSECTION", "SET-DIFFERENCE", "SUBSETP", "SET-EXCLUSIVE-OR"):
    defun(_n)(_set_op(_n))
alias("NUNION", "UNION")
alias("NINTERSECTION", "INTERSECTION")
alias("NSET-DIFFERENCE", "SET-DIFFERENCE")


@defun("SUBST")
def subst(new, old, tree, *kwargs):
    k = _kw(kwargs, ("TEST", "TEST-NOT", "KEY"))
    test = _test_fn(k)

    def walk(t):
        if test(old, t):
            return new
        if t.__class__ is Cons:
            a, d = walk(t.car), walk(t.cdr)
            if a is t.car and d is t.cdr:
                return t
            return Cons(a, d)
        return t
    return walk(tree)


@defun("SUBLIS")
def sublis(alist, tree, *kwargs):
    k = _kw(kwargs, ("TEST", "TEST-NOT", "KEY"))
    test = _test_fn(k)
    pairs = items_of_list(alist)

    def walk(t):
        for p in pairs:
            if test(p.car, t):
                return p.cdr
        if t.__class__ is Cons:
            return Cons(walk(t.car), walk(t.cdr))
        return t
    return walk(tree)


# -- sequences --------------------------------------------------------------------------------
def seq_list(x):
    """Python list of the elements of any sequence."""
    c = x.__class__
    if c is Cons or x is NIL:
        return items_of_list(x)
    if c is LString:
        return [mkchar(ch) for ch in x.value()]
    if c is LVector:
        return x.active() if x.fp is not None else list(x.items)
    type_error(x, "SEQUENCE")


def string_value(x):
    if x.__class__ is LString:
        return x.value()
    type_error(x, "STRING")


def make_like(proto, items):
    c = proto.__class__
    if c is Cons or proto is NIL:
        return lisp_list(items)
    if c is LString:
        return LString(_chars_to_str(items))
    return LVector(items, eltype=proto.eltype)


def _chars_to_str(items):
    try:
        return "".join(ch.c for ch in items)
    except AttributeError:
        bad = next(ch for ch in items if ch.__class__ is not Char)
        type_error(bad, "CHARACTER")


def _bounds(seq_len, k):
    start = k.get("START", 0)
    end = k.get("END", NIL)
    if end is NIL:
        end = seq_len
    if start is NIL:
        start = 0
    check_int(start)
    check_int(end)
    if not (0 <= start <= end <= seq_len):
        lisp_error("The bounding indices ~D and ~D are bad for a sequence of length ~D.",
                   start, end, seq_len)
    return start, end


@defun("ELT")
def elt(seq, i):
    check_int(i)
    c = seq.__class__
    if c is Cons or seq is NIL:
        x = nthcdr(i, seq)
        if x.__class__ is not Cons:
            lisp_error("The index ~D is too large.", i)
        return x.car
    n = length(seq)
    if not 0 <= i < n:
        lisp_error("The index ~D is too large for a sequence of length ~D.", i, n)
    if c is LString:
        return mkchar(seq.char_at(i))
    return seq.items[i]


@sysfun("%SETELT")
def setelt(seq, i, v):
    if seq.__class__ is Cons:
        return setcar(nthcdr(i, seq), v)
    return aset(seq, i, v)


@defun("SUBSEQ")
def subseq(seq, start, end=NIL):
    c = seq.__class__
    if c is LString:
        s = seq.value()
        e = len(s) if end is NIL else end
        _bounds(len(s), {"START": start, "END": e})
        return LString(s[start:e])
    if c is LVector:
        items = seq.active()
        e = len(items) if end is NIL else end
        _bounds(len(items), {"START": start, "END": e})
        return LVector(items[start:e], eltype=seq.eltype)
    items = items_of_list(seq)
    e = len(items) if end is NIL else end
    _bounds(len(items), {"START": start, "END": e})
    return lisp_list(items[start:e])


@defun("COPY-SEQ")
def copy_seq(seq):
    c = seq.__class__
    if c is LString:
        return LString(seq.value())
    if c is LVector:
        return LVector(list(seq.active()), eltype=seq.eltype)
    return copy_list(seq)


def _result_type_maker(rtype):
    """Python list -> sequence of the given result type."""
    name = rtype.name if rtype.__class__ is Symbol else (rtype.car.name if rtype.__class__ is Cons else None)
    if name in ("LIST", "CONS"):
        return lisp_list
    if name in ("STRING", "SIMPLE-STRING", "BASE-STRING"):
        return lambda items: LString(_chars_to_str(items))
    if name in ("VECTOR", "SIMPLE-VECTOR", "ARRAY", "SIMPLE-ARRAY"):
        if rtype.__class__ is Cons:
            args = list_items(rtype.cdr)
            if args and args[0].__class__ is Symbol and args[0].name in ("CHARACTER", "BASE-CHAR"):
                return lambda items: LString(_chars_to_str(items))
            if args and args[0].__class__ is Cons and args[0].car.name == "UNSIGNED-BYTE":
                return lambda items: LVector(items, eltype="u8")
        return LVector
    if rtype is NIL:
        return None
    lisp_error("unsupported result type ~S", rtype)


@defun("CONCATENATE")
def concatenate(rtype, *seqs):
    mk = _result_type_maker(rtype)
    if mk is not None and mk is not lisp_list and mk is not LVector:
        if all(s.__class__ is LString for s in seqs):
            return LString("".join(s.value() for s in seqs))
    items = []
    for s in seqs:
        items.extend(seq_list(s))
    return mk(items)


@defun("COERCE")
def coerce(x, rtype):
    if rtype.__class__ is Symbol and rtype.name == "CHARACTER":
        if x.__class__ is Char:
            return x
        if x.__class__ is LString and len(x.value()) == 1:
            return mkchar(x.value())
        if x.__class__ is Symbol and len(x.name) == 1:
            return mkchar(x.name)
        type_error(x, "CHARACTER")
    if rtype.__class__ is Symbol and rtype.name in ("T",):
        return x
    if rtype.__class__ is Symbol and rtype.name in ("INTEGER", "FIXNUM", "NUMBER"):
        return check_int(x)
    mk = _result_type_maker(rtype)
    if mk is lisp_list and (x.__class__ is Cons or x is NIL):
        return x
    if mk is LVector and x.__class__ is LVector:
        return x
    return mk(seq_list(x))


@defun("MAP")
def lmap(rtype, f, *seqs):
    fn = fn_of(f)
    lists = [seq_list(s) for s in seqs]
    n = min(len(l) for l in lists) if lists else 0
    out = [call1(fn, *[l[i] for l in lists]) for i in range(n)]
    mk = _result_type_maker(rtype)
    return NIL if mk is None else mk(out)


@defun("MAP-INTO")
def map_into(dest, f, *seqs):
    fn = fn_of(f)
    lists = [seq_list(s) for s in seqs]
    n = min([len(l) for l in lists] + [length(dest)])
    for i in range(n):
        setelt(dest, i, call1(fn, *[l[i] for l in lists]))
    return dest


@defun("MAPCAR")
def mapcar(f, *lists):
    fn = fn_of(f)
    if len(lists) == 1:
        out = []
        x = lists[0]
        while x.__class__ is Cons:
            v = fn(x.car)
            if v.__class__ is MV:
                v = v[0] if v else NIL
            out.append(v)
            x = x.cdr
        return lisp_list(out)
    ls = [items_of_list_dotted(l)[0] for l in lists]
    n = min(len(l) for l in ls)
    return lisp_list([call1(fn, *[l[i] for l in ls]) for i in range(n)])


@defun("MAPC")
def mapc(f, *lists):
    fn = fn_of(f)
    ls = [items_of_list_dotted(l)[0] for l in lists]
    n = min(len(l) for l in ls)
    for i in range(n):
        fn(*[l[i] for l in ls])
    return lists[0]


@defun("MAPCAN")
def mapcan(f, *lists):
    fn = fn_of(f)
    ls = [items_of_list_dotted(l)[0] for l in lists]
    n = min(len(l) for l in ls)
    return nconc(*[call1(fn, *[l[i] for l in ls]) for i in range(n)])


def _tails(l):
    out = []
    while l.__class__ is Cons:
        out.append(l)
        l = l.cdr
    return out


@defun("MAPLIST")
def maplist(f, *lists):
    fn = fn_of(f)
    ts = [_tails(l) for l in lists]
    n = min(len(t) for t in ts)
    return lisp_list([call1(fn, *[t[i] for t in ts]) for i in range(n)])


@defun("MAPL")
def mapl(f, *lists):
    fn = fn_of(f)
    ts = [_tails(l) for l in lists]
    n = min(len(t) for t in ts)
    for i in range(n):
        fn(*[t[i] for t in ts])
    return lists[0]


@defun("MAPCON")
def mapcon(f, *lists):
    fn = fn_of(f)
    ts = [_tails(l) for l in lists]
    n = min(len(t) for t in ts)
    return nconc(*[call1(fn, *[t[i] for t in ts]) for i in range(n)])


@defun("REDUCE")
def reduce_(f, seq, *kwargs):
    k = _kw(kwargs, ("KEY", "INITIAL-VALUE", "FROM-END", "START", "END"))
    fn = fn_of(f)
    items = seq_list(seq)
    start, end = _bounds(len(items), k)
    items = items[start:end]
    key = _key_fn(k)
    if key:
        items = [key(x) for x in items]
    from_end = k.get("FROM-END", NIL) is not NIL
    if "INITIAL-VALUE" in k:
        if from_end:
            items = items + [k["INITIAL-VALUE"]]
        else:
            items = [k["INITIAL-VALUE"]] + items
    if not items:
        return call1(fn)
    if from_end:
        acc = items[-1]
        for x in reversed(items[:-1]):
            acc = call1(fn, x, acc)
        return acc
    acc = items[0]
    for x in items[1:]:
        acc = call1(fn, acc, x)
    return acc


def _seq_search_args(k):
    key = _key_fn(k)
    return key


def _indexed(seq, k):
    items = seq_list(seq)
    start, end = _bounds(len(items), k)
    idx = range(start, end)
    if k.get("FROM-END", NIL) is not NIL:
        idx = reversed(idx)
    return items, idx


SEQ_KEYS = ("TEST", "TEST-NOT", "KEY", "START", "END", "FROM-END", "COUNT")


@defun("FIND")
def find(item, seq, *kwargs):
    k = _kw(kwargs, SEQ_KEYS)
    test = _test_fn(k)
    key = _key_fn(k)
    items, idx = _indexed(seq, k)
    for i in idx:
        x = items[i]
        if test(item, x if key is None else key(x)):
            return x
    return NIL


def _pred(f, negate=False):
    fn = fn_of(f)
    if negate:
        return lambda x: call1(fn, x) is NIL
    return lambda x: call1(fn, x) is not NIL


@defun("FIND-IF")
def find_if(f, seq, *kwargs):
    k = _kw(kwargs, SEQ_KEYS)
    p = _pred(f)
    key = _key_fn(k)
    items, idx = _indexed(seq, k)
    for i in idx:
        x = items[i]
        if p(x if key is None else key(x)):
            return x
    return NIL


@defun("FIND-IF-NOT")
def find_if_not(f, seq, *kwargs):
    k = _kw(kwargs, SEQ_KEYS)
    p = _pred(f, True)
    key = _key_fn(k)
    items, idx = _indexed(seq, k)
    for i in idx:
        x = items[i]
        if p(x if key is None else key(x)):
            return x
    return NIL


@defun("POSITION")
def position(item, seq, *kwargs):
    k = _kw(kwargs, SEQ_KEYS)
    if seq.__class__ is LString and not k and item.__class__ is Char:
        r = seq.value().find(item.c)
        return NIL if r < 0 else r
    test = _test_fn(k)
    key = _key_fn(k)
    items, idx = _indexed(seq, k)
    for i in idx:
        x = items[i]
        if test(item, x if key is None else key(x)):
            return i
    return NIL


@defun("POSITION-IF")
def position_if(f, seq, *kwargs):
    k = _kw(kwargs, SEQ_KEYS)
    p = _pred(f)
    key = _key_fn(k)
    items, idx = _indexed(seq, k)
    for i in idx:
        x = items[i]
        if p(x if key is None else key(x)):
            return i
    return NIL


@defun("POSITION-IF-NOT")
def position_if_not(f, seq, *kwargs):
    k = _kw(kwargs, SEQ_KEYS)
    p = _pred(f, True)
    key = _key_fn(k)
    items, idx = _indexed(seq, k)
    for i in idx:
        x = items[i]
        if p(x if key is None else key(x)):
            return i
    return NIL


@defun("COUNT")
def count(item, seq, *kwargs):
    k = _kw(kwargs, SEQ_KEYS)
    test = _test_fn(k)
    key = _key_fn(k)
    items, idx = _indexed(seq, k)
    return sum(1 for i in idx if test(item, items[i] if key is None else key(items[i])))


@defun("COUNT-IF")
def count_if(f, seq, *kwargs):
    k = _kw(kwargs, SEQ_KEYS)
    p = _pred(f)
    key = _key_fn(k)
    items, idx = _indexed(seq, k)
    return sum(1 for i in idx if p(items[i] if key is None else key(items[i])))


@defun("COUNT-IF-NOT")
def count_if_not(f, seq, *kwargs):
    k = _kw(kwargs, SEQ_KEYS)
    p = _pred(f, True)
    key = _key_fn(k)
    items, idx = _indexed(seq, k)
    return sum(1 for i in idx if p(items[i] if key is None else key(items[i])))


def _remove_generic(seq, k, matches):
    items = seq_list(seq)
    start, end = _bounds(len(items), k)
    key = _key_fn(k)
    cnt = k.get("COUNT", NIL)
    limit = None if cnt is NIL else cnt
    from_end = k.get("FROM-END", NIL) is not NIL
    drop = set()
    idx = range(start, end)
    if from_end:
        idx = reversed(idx)
    for i in idx:
        if limit is not None and len(drop) >= limit:
            break
        x = items[i]
        if matches(x if key is None else key(x)):
            drop.add(i)
    if not drop:
        return seq
    out = [x for i, x in enumerate(items) if i not in drop]
    return make_like(seq, out)


@defun("REMOVE")
def remove(item, seq, *kwargs):
    k = _kw(kwargs, SEQ_KEYS)
    test = _test_fn(k)
    return _remove_generic(seq, k, lambda x: test(item, x))


@defun("REMOVE-IF")
def remove_if(f, seq, *kwargs):
    k = _kw(kwargs, SEQ_KEYS)
    return _remove_generic(seq, k, _pred(f))


@defun("REMOVE-IF-NOT")
def remove_if_not(f, seq, *kwargs):
    k = _kw(kwargs, SEQ_KEYS)
    return _remove_generic(seq, k, _pred(f, True))


alias("DELETE", "REMOVE")
alias("DELETE-IF", "REMOVE-IF")
alias("DELETE-IF-NOT", "REMOVE-IF-NOT")


@defun("REMOVE-DUPLICATES")
def remove_duplicates(seq, *kwargs):
    k = _kw(kwargs, SEQ_KEYS)
    test = _test_fn(k)
    key = _key_fn(k) or (lambda x: x)
    items = seq_list(seq)
    from_end = k.get("FROM-END", NIL) is not NIL
    out = []
    if from_end:
        for x in items:
            kx = key(x)
            if not any(test(key(y), kx) for y in out):
                out.append(x)
    else:
        for i, x in enumerate(items):
            kx = key(x)
            if not any(test(kx, key(y)) for y in items[i + 1:]):
                out.append(x)
    return make_like(seq, out)


alias("DELETE-DUPLICATES", "REMOVE-DUPLICATES")


@defun("SUBSTITUTE")
def substitute(new, old, seq, *kwargs):
    k = _kw(kwargs, SEQ_KEYS)
    test = _test_fn(k)
    key = _key_fn(k) or (lambda x: x)
    return make_like(seq, [new if test(old, key(x)) else x for x in seq_list(seq)])


@defun("SUBSTITUTE-IF")
def substitute_if(new, f, seq, *kwargs):
    k = _kw(kwargs, SEQ_KEYS)
    p = _pred(f)
    key = _key_fn(k) or (lambda x: x)
    return make_like(seq, [new if p(key(x)) else x for x in seq_list(seq)])


def _every_some(kind):
    def f(pred, *seqs):
        fn = fn_of(pred)
        if len(seqs) == 1 and (seqs[0].__class__ is Cons or seqs[0] is NIL):
            x = seqs[0]
            while x.__class__ is Cons:
                v = fn(x.car)
                if v.__class__ is MV:
                    v = v[0] if v else NIL
                if kind == "EVERY":
                    if v is NIL:
                        return NIL
                elif kind == "SOME":
                    if v is not NIL:
                        return v
                elif kind == "NOTANY":
                    if v is not NIL:
                        return NIL
                elif v is NIL:
                    return T
                x = x.cdr
            return {"EVERY": T, "SOME": NIL, "NOTANY": T, "NOTEVERY": NIL}[kind]
        lists = [seq_list(s) for s in seqs]
        n = min(len(l) for l in lists)
        for i in range(n):
            v = call1(fn, *[l[i] for l in lists])
            if kind == "EVERY" and v is NIL:
                return NIL
            if kind == "SOME" and v is not NIL:
                return v
            if kind == "NOTANY" and v is not NIL:
                return NIL
            if kind == "NOTEVERY" and v is NIL:
                return T
        return {"EVERY": T, "SOME": NIL, "NOTANY": T, "NOTEVERY": NIL}[kind]
    defun(kind)(f)


for _n in ("EVERY", "SOME", "NOTANY", "NOTEVERY"):
    _every_some(_n)


@defun("SEARCH")
def search(needle, hay, *kwargs):
    k = _kw(kwargs, ("TEST", "TEST-NOT", "KEY", "START1", "END1", "START2", "END2", "FROM-END"))
    if needle.__class__ is LString and hay.__class__ is LString and not k:
        r = hay.value().find(needle.value())
        return NIL if r < 0 else r
    test = _test_fn(k)
    key = _key_fn(k) or (lambda x: x)
    a = seq_list(needle)
    b = seq_list(hay)
    s1, e1 = _bounds(len(a), {"START": k.get("START1", 0), "END": k.get("END1", NIL)})
    s2, e2 = _bounds(len(b), {"START": k.get("START2", 0), "END": k.get("END2", NIL)})
    a = a[s1:e1]
    rng = range(s2, e2 - len(a) + 1)
    if k.get("FROM-END", NIL) is not NIL:
        rng = reversed(rng)
    for i in rng:
        if all(test(key(a[j]), key(b[i + j])) for j in range(len(a))):
            return i
    return NIL


@defun("MISMATCH")
def mismatch(a, b, *kwargs):
    k = _kw(kwargs, ("TEST", "TEST-NOT", "KEY", "START1", "END1", "START2", "END2", "FROM-END"))
    test = _test_fn(k)
    x, y = seq_list(a), seq_list(b)
    n = min(len(x), len(y))
    for i in range(n):
        if not test(x[i], y[i]):
            return i
    return NIL if len(x) == len(y) else n


@defun("FILL")
def fill(seq, item, *kwargs):
    k = _kw(kwargs, ("START", "END"))
    n = length(seq)
    start, end = _bounds(n, k)
    if seq.__class__ is Cons:
        x = nthcdr(start, seq)
        for _ in range(end - start):
            x.car = item
            x = x.cdr
    else:
        for i in range(start, end):
            aset(seq, i, item)
    return seq


@defun("REPLACE")
def replace(a, b, *kwargs):
    k = _kw(kwargs, ("START1", "END1", "START2", "END2"))
    src = seq_list(b)
    s1, e1 = _bounds(length(a), {"START": k.get("START1", 0), "END": k.get("END1", NIL)})
    s2, e2 = _bounds(len(src), {"START": k.get("START2", 0), "END": k.get("END2", NIL)})
    n = min(e1 - s1, e2 - s2)
    vals = src[s2:s2 + n]
    for i in range(n):
        setelt(a, s1 + i, vals[i])
    return a


def _sort(seq, pred, kwargs, stable):
    k = _kw(kwargs, ("KEY",))
    fn = fn_of(pred)
    key = _key_fn(k)
    items = seq_list(seq)

    def lt(a, b):
        return call1(fn, a, b) is not NIL

    vector = seq.__class__ is not Cons and seq is not NIL
    if vector and not stable:
        out = None
    elif key is not None:
        keyed = [(key(x), x) for x in items]
        keyed = _merge_sort(keyed, lambda p, q: lt(p[0], q[0]))
        out = [x for _, x in keyed]
    else:
        out = _merge_sort(items, lt)
    if seq.__class__ is Cons:
        # reuse the conses, like SBCL's destructive list sort result
        return lisp_list(out)
    if seq is NIL:
        return NIL
    if not stable:
        # SBCL sorts vectors with an (unstable) heapsort: same order for equal keys
        out = _heapsort(items, lt if key is None else (lambda p, q: lt(key(p), key(q))))
    if seq.__class__ is LString:
        _set_string(seq, "".join(c.c for c in out))
        return seq
    n = len(out)
    seq.items[:n] = out
    return seq


def _heapsort(items, lt):
    """SBCL's vector sort: CLR heapsort on 1-based indices."""
    v = [None] + list(items)
    size = len(items)

    def heapify(i):
        while True:
            left = 2 * i
            if left > size:
                return
            i_elt = v[i]
            left_elt = v[left]
            if lt(i_elt, left_elt):
                large, large_elt = left, left_elt
            else:
                large, large_elt = i, i_elt
            right = left + 1
            if right > size:
                largest, largest_elt = large, large_elt
            else:
                right_elt = v[right]
                if lt(large_elt, right_elt):
                    largest, largest_elt = right, right_elt
                else:
                    largest, largest_elt = large, large_elt
            if largest == i:
                return
            v[i] = largest_elt
            v[largest] = i_elt
            i = largest

    for i in range(size >> 1, 0, -1):
        heapify(i)
    while size >= 2:
        v[1], v[size] = v[size], v[1]
        size -= 1
        heapify(1)
    return v[1:]


def _merge_sort(items, lt):
    """Stable merge sort calling only lt (the Lisp predicate), like SBCL's stable-sort."""
    n = len(items)
    if n <= 1:
        return list(items)
    mid = n // 2
    a = _merge_sort(items[:mid], lt)
    b = _merge_sort(items[mid:], lt)
    out = []
    i = j = 0
    while i < len(a) and j < len(b):
        if lt(b[j], a[i]):
            out.append(b[j])
            j += 1
        else:
            out.append(a[i])
            i += 1
    out.extend(a[i:])
    out.extend(b[j:])
    return out


defun("SORT")(lambda seq, pred, *kw_: _sort(seq, pred, kw_, False))
defun("STABLE-SORT")(lambda seq, pred, *kw_: _sort(seq, pred, kw_, True))


# -- vectors and arrays -----------------------------------------------------------------------
@defun("VECTOR")
def vector(*args):
    return LVector(list(args))


def _is_char_type(t):
    return t.__class__ is Symbol and t.name in ("CHARACTER", "BASE-CHAR", "STANDARD-CHAR")


def _is_u8_type(t):
    return t.__class__ is Cons and t.car.name == "UNSIGNED-BYTE"


@defun("MAKE-ARRAY")
def make_array(dims, *kwargs):
    k = _kw(kwargs, ("ELEMENT-TYPE", "INITIAL-ELEMENT", "INITIAL-CONTENTS", "ADJUSTABLE",
                     "FILL-POINTER", "DISPLACED-TO"))
    if dims.__class__ is Cons:
        ds = items_of_list(dims)
        if len(ds) != 1:
            lisp_error("only one-dimensional arrays are supported")
        dims = ds[0]
    n = check_int(dims)
    et = k.get("ELEMENT-TYPE", T)
    fp = k.get("FILL-POINTER", NIL)
    fp = None if fp is NIL else (n if fp is T else fp)
    adjustable = k.get("ADJUSTABLE", NIL) is not NIL
    if _is_char_type(et):
        if "INITIAL-CONTENTS" in k:
            s = _chars_to_str(seq_list(k["INITIAL-CONTENTS"]))
        else:
            ie = k.get("INITIAL-ELEMENT", None)
            s = (ie.c if ie is not None else "\0") * n
        return LString(s, fp, adjustable)
    if "INITIAL-CONTENTS" in k:
        items = list(seq_list(k["INITIAL-CONTENTS"]))
    else:
        default = 0 if _is_u8_type(et) or (et.__class__ is Symbol and et.name in ("FIXNUM", "INTEGER", "BIT")) else NIL
        items = [k.get("INITIAL-ELEMENT", default)] * n
    return LVector(items, fp, adjustable, "u8" if _is_u8_type(et) else None)


@defun("MAKE-STRING")
def make_string(n, *kwargs):
    k = _kw(kwargs, ("INITIAL-ELEMENT", "ELEMENT-TYPE"))
    ie = k.get("INITIAL-ELEMENT", None)
    return LString((ie.c if ie is not None else "\0") * check_int(n))


def _index_error(v, i, n):
    lisp_error("Invalid index ~D for ~A of length ~D.", i, LString("(SIMPLE-VECTOR " + str(n) + ")") if v.__class__ is LVector else LString("string"), n)


@defun("AREF")
def aref(v, i, *more):
    c = v.__class__
    if c is LVector:
        if i.__class__ is int and 0 <= i < len(v.items):
            return v.items[i]
        check_int(i)
        _index_error(v, i, len(v.items))
    if c is LString:
        n = v.capacity()
        if i.__class__ is int and 0 <= i < n:
            return mkchar(v.char_at(i))
        check_int(i)
        _index_error(v, i, n)
    type_error(v, "ARRAY")


@defun("SVREF")
def svref(v, i):
    if v.__class__ is not LVector:
        type_error(v, "SIMPLE-VECTOR")
    return aref(v, i)


@defun("CHAR")
def lchar(s, i):
    if s.__class__ is not LString:
        type_error(s, "STRING")
    return aref(s, i)


alias("SCHAR", "CHAR")


def _set_string(s, new):
    """Replace the active contents of s by the Python str new (same length)."""
    if s.buf is None:
        s.s = new
    else:
        s.buf[:len(new)] = list(new)
        s.s = None


@sysfun("%ASET")
def aset(v, i, val):
    c = v.__class__
    if c is LVector:
        if not (i.__class__ is int and 0 <= i < len(v.items)):
            check_int(i)
            _index_error(v, i, len(v.items))
        if v.eltype == "u8" and not (val.__class__ is int and 0 <= val < 256):
            type_error(val, lisp_list([S("UNSIGNED-BYTE"), 8]))
        v.items[i] = val
        return val
    if c is LString:
        if val.__class__ is not Char:
            type_error(val, "CHARACTER")
        n = v.capacity()
        if not (i.__class__ is int and 0 <= i < n):
            check_int(i)
            _index_error(v, i, n)
        v.to_buf()[i] = val.c
        return val
    type_error(v, "ARRAY")


@sysfun("%STRUCT-SET")
def struct_set(obj, name, i, v):
    st = name.struct
    if not (obj.__class__ is Struct and st in obj.stype.parents):
        type_error(obj, name)
    obj.vals[i] = v
    return v


@sysfun("%MAKE-STRUCT-INSTANCE")
def make_struct_instance(name, *vals):
    return Struct(name.struct, list(vals))


@defun("FILL-POINTER")
def fill_pointer(v):
    if v.__class__ in (LVector, LString) and v.fp is not None:
        return v.fp
    type_error(v, lisp_list([S("AND"), S("VECTOR"), lisp_list([S("NOT"), S("SIMPLE-ARRAY")])]))


@sysfun("%SET-FILL-POINTER")
def set_fill_pointer(v, n):
    fill_pointer(v)
    cap = v.capacity() if v.__class__ is LString else len(v.items)
    if not 0 <= n <= cap:
        lisp_error("fill pointer ~D out of range", n)
    v.fp = n
    if v.__class__ is LString:
        v.s = None
    return n


@defun("ARRAY-HAS-FILL-POINTER-P")
def array_has_fill_pointer_p(v):
    return truth(v.fp is not None)


@defun("ADJUSTABLE-ARRAY-P")
def adjustable_array_p(v):
    return truth(v.adjustable)


@defun("ARRAY-DIMENSION")
def array_dimension(v, axis=0):
    return v.capacity() if v.__class__ is LString else len(v.items)


@defun("ARRAY-DIMENSIONS")
def array_dimensions(v):
    return lisp_list([array_dimension(v)])


@defun("ARRAY-TOTAL-SIZE")
def array_total_size(v):
    return array_dimension(v)


@defun("ARRAY-ELEMENT-TYPE")
def array_element_type(v):
    if v.__class__ is LString:
        return S("CHARACTER")
    if v.eltype == "u8":
        return lisp_list([S("UNSIGNED-BYTE"), 8])
    return T


@defun("VECTOR-PUSH")
def vector_push(x, v):
    fp = fill_pointer(v)
    if v.__class__ is LString:
        if fp >= v.capacity():
            return NIL
        aset(v, fp, x)
        v.s = None
    else:
        if fp >= len(v.items):
            return NIL
        v.items[fp] = x
    v.fp = fp + 1
    return fp


@defun("VECTOR-PUSH-EXTEND")
def vector_push_extend(x, v, ext=None):
    fp = fill_pointer(v)
    if v.__class__ is LString:
        if x.__class__ is not Char:
            type_error(x, "CHARACTER")
        buf = v.to_buf()
        if fp == len(buf):
            # grow like SBCL: by the extension, or by the current size (at least 1)
            buf.extend("\0" * (ext if ext is not None else max(1, len(buf))))
        buf[fp] = x.c
    else:
        items = v.items
        if fp == len(items):
            fill = 0 if v.eltype == "u8" else NIL
            items.extend([fill] * (ext if ext is not None else max(1, len(items))))
        if v.eltype == "u8" and not (x.__class__ is int and 0 <= x < 256):
            type_error(x, lisp_list([S("UNSIGNED-BYTE"), 8]))
        items[fp] = x
    v.fp = fp + 1
    return fp


@defun("VECTOR-POP")
def vector_pop(v):
    fp = fill_pointer(v)
    if fp == 0:
        lisp_error("There is nothing left to pop.")
    v.fp = fp - 1
    if v.__class__ is LString:
        v.s = None
    return aref(v, fp - 1)


@defun("ADJUST-ARRAY")
def adjust_array(v, dims, *kwargs):
    k = _kw(kwargs, ("INITIAL-ELEMENT", "FILL-POINTER", "ELEMENT-TYPE", "INITIAL-CONTENTS"))
    n = dims if dims.__class__ is int else items_of_list(dims)[0]
    if v.__class__ is LString:
        ie = k.get("INITIAL-ELEMENT", None)
        buf = v.to_buf()[:n]
        buf.extend((ie.c if ie else "\0") * (n - len(buf)))
        v.buf = buf
    else:
        items = v.items[:n]
        items += [k.get("INITIAL-ELEMENT", NIL)] * (n - len(items))
        v.items = items
    if "FILL-POINTER" in k and k["FILL-POINTER"] is not NIL:
        v.fp = n if k["FILL-POINTER"] is T else k["FILL-POINTER"]
    elif v.fp is not None and v.fp > n:
        v.fp = n
    if v.__class__ is LString:
        v.s = None
    return v


# -- characters -----------------------------------------------------------------------------
def check_char(c):
    if c.__class__ is not Char:
        type_error(c, "CHARACTER")
    return c


defun("CHAR-CODE")(lambda c: check_char(c).code)
defun("CHAR-INT")(lambda c: check_char(c).code)
defun("CODE-CHAR")(lambda n: code_char(check_int(n)))
defun("CHAR-UPCASE")(lambda c: mkchar(_up(check_char(c).c)))
defun("CHAR-DOWNCASE")(lambda c: mkchar(_down(check_char(c).c)))


def _up(c):
    u = c.upper()
    return u if len(u) == 1 else c


def _down(c):
    d = c.lower()
    return d if len(d) == 1 else c


defun("UPPER-CASE-P")(lambda c: truth(check_char(c).c != _down(c.c)))
defun("LOWER-CASE-P")(lambda c: truth(check_char(c).c != _up(c.c)))
defun("BOTH-CASE-P")(lambda c: truth(check_char(c).c != _down(c.c) or c.c != _up(c.c)))
defun("ALPHA-CHAR-P")(lambda c: truth(check_char(c).c.isalpha()))
defun("ALPHANUMERICP")(lambda c: truth(check_char(c).c.isalnum()))
defun("GRAPHIC-CHAR-P")(lambda c: truth(check_char(c).code >= 32 and c.code != 127))
defun("STANDARD-CHAR-P")(lambda c: truth(32 <= check_char(c).code < 127 or c.code == 10))


@defun("DIGIT-CHAR-P")
def digit_char_p(c, radix=10):
    d = _digit(check_char(c).c, radix)
    return NIL if d is None else d


@defun("DIGIT-CHAR")
def digit_char(n, radix=10):
    if 0 <= n < radix:
        return mkchar("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[n])
    return NIL


@defun("CHAR-NAME")
def char_name(c):
    from .printer import char_name as cn
    n = cn(check_char(c).c)
    if c.c == " ":
        n = "Space"
    if n is None:
        import unicodedata
        n = unicodedata.name(c.c, "").replace(" ", "_") or None
    return NIL if n is None else LString(n)


@defun("NAME-CHAR")
def name_char(name):
    from .reader import char_from_name
    c = char_from_name(designator_string(name))
    return NIL if c is None else mkchar(c)


def _char_cmp(name, op, fold):
    def f(*args):
        if len(args) == 2 and not fold and op is not None:
            a, b = args
            if a.__class__ is Char and b.__class__ is Char:
                return T if op(a.code, b.code) else NIL
        for a in args:
            check_char(a)
        vals = [(_down(a.c) if fold else a.c) for a in args]
        if name in ("CHAR/=", "CHAR-NOT-EQUAL"):
            return truth(len(set(vals)) == len(vals))
        return truth(all(op(vals[i], vals[i + 1]) for i in range(len(vals) - 1)))
    defun(name)(f)


for _n, _o in [("CHAR=", _op.eq), ("CHAR/=", None), ("CHAR<", _op.lt), ("CHAR>", _op.gt),
               ("CHAR<=", _op.le), ("CHAR>=", _op.ge)]:
    _char_cmp(_n, _o, False)
for _n, _o in [("CHAR-EQUAL", _op.eq), ("CHAR-NOT-EQUAL", None), ("CHAR-LESSP", _op.lt),
               ("CHAR-GREATERP", _op.gt), ("CHAR-NOT-GREATERP", _op.le), ("CHAR-NOT-LESSP", _op.ge)]:
    _char_cmp(_n, _o, True)


# -- strings --------------------------------------------------------------------------------
def designator_string(x):
    c = x.__class__
    if c is LString:
        return x.value()
    if c is Symbol:
        return x.name
    if c is Char:
        return x.c
    type_error(x, "STRING")


@defun("STRING")
def lstring(x):
    if x.__class__ is LString:
        return x
    return LString(designator_string(x))


def _str_bounds(a, b, k):
    sa, sb = designator_string(a), designator_string(b)
    s1, e1 = _bounds(len(sa), {"START": k.get("START1", 0), "END": k.get("END1", NIL)})
    s2, e2 = _bounds(len(sb), {"START": k.get("START2", 0), "END": k.get("END2", NIL)})
    return sa[s1:e1], sb[s2:e2], s1


STR_KEYS = ("START1", "END1", "START2", "END2")


def _str_cmp(name, op, fold):
    def f(a, b, *kwargs):
        k = _kw(kwargs, STR_KEYS)
        x, y, s1 = _str_bounds(a, b, k)
        if fold:
            x, y = x.lower(), y.lower()
        if name in ("STRING=", "STRING-EQUAL"):
            return truth(x == y)
        if not op(x, y):
            return NIL
        # mismatch index (relative to a)
        i = 0
        while i < len(x) and i < len(y) and x[i] == y[i]:
            i += 1
        return s1 + i
    defun(name)(f)


for _n, _o in [("STRING=", None), ("STRING/=", _op.ne), ("STRING<", _op.lt), ("STRING>", _op.gt),
               ("STRING<=", _op.le), ("STRING>=", _op.ge)]:
    _str_cmp(_n, _o, False)
for _n, _o in [("STRING-EQUAL", None), ("STRING-NOT-EQUAL", _op.ne), ("STRING-LESSP", _op.lt),
               ("STRING-GREATERP", _op.gt), ("STRING-NOT-GREATERP", _op.le), ("STRING-NOT-LESSP", _op.ge)]:
    _str_cmp(_n, _o, True)


def _case_fn(name, fn):
    def f(s, *kwargs):
        k = _kw(kwargs, ("START", "END"))
        t = designator_string(s)
        start, end = _bounds(len(t), k)
        return LString(t[:start] + fn(t[start:end]) + t[end:])
    defun(name)(f)


def _upper(t):
    return "".join(_up(c) for c in t)


def _lower(t):
    return "".join(_down(c) for c in t)


def _capitalize(t):
    out = []
    prev = False
    for c in t:
        if c.isalnum():
            out.append(_down(c) if prev else _up(c))
            prev = True
        else:
            out.append(c)
            prev = False
    return "".join(out)


_case_fn("STRING-UPCASE", _upper)
_case_fn("STRING-DOWNCASE", _lower)
_case_fn("STRING-CAPITALIZE", _capitalize)


def _ncase_fn(name, fn):
    def f(s, *kwargs):
        k = _kw(kwargs, ("START", "END"))
        t = s.value()
        start, end = _bounds(len(t), k)
        new = t[:start] + fn(t[start:end]) + t[end:]
        _set_string(s, new)
        return s
    defun(name)(f)


_ncase_fn("NSTRING-UPCASE", _upper)
_ncase_fn("NSTRING-DOWNCASE", _lower)
_ncase_fn("NSTRING-CAPITALIZE", _capitalize)


def _trim_fn(name, which):
    def f(bag, s):
        chars = set(c.c for c in seq_list(bag))
        t = designator_string(s)
        i, j = 0, len(t)
        if which in ("both", "left"):
            while i < j and t[i] in chars:
                i += 1
        if which in ("both", "right"):
            while j > i and t[j - 1] in chars:
                j -= 1
        return LString(t[i:j])
    defun(name)(f)


_trim_fn("STRING-TRIM", "both")
_trim_fn("STRING-LEFT-TRIM", "left")
_trim_fn("STRING-RIGHT-TRIM", "right")


# -- hash tables ------------------------------------------------------------------------------
@defun("MAKE-HASH-TABLE")
def make_hash_table(*kwargs):
    k = _kw(kwargs, ("TEST", "SIZE", "REHASH-SIZE", "REHASH-THRESHOLD", "WEAKNESS", "SYNCHRONIZED"))
    test = k.get("TEST", S("EQL"))
    if callable(test) and test.__class__ is not Symbol:
        test = getattr(test, "lisp_name", S("EQL"))
    if test.__class__ is not Symbol or test.name not in ("EQ", "EQL", "EQUAL", "EQUALP"):
        lisp_error("unsupported hash table test ~S", test)
    return HashTable(test)


def _hkey(h, k):
    if h.equal:
        if h.test.name == "EQUALP":
            return _equalp_key(k)
        return equal_key(k)
    return k


def _equalp_key(x):
    c = x.__class__
    if c is LString:
        return ("s", x.value().lower())
    if c is Char:
        return ("c", x.c.lower())
    if c is Cons:
        return ("cons", _equalp_key(x.car), _equalp_key(x.cdr))
    if c is LVector:
        return ("v", tuple(_equalp_key(e) for e in x.active()))
    return x


def check_hash(h):
    if h.__class__ is not HashTable:
        type_error(h, "HASH-TABLE")
    return h


@defun("GETHASH", mv=True)
def gethash(key, h, default=NIL):
    check_hash(h)
    i = h.d.get(_hkey(h, key) if h.equal else key)
    if i is None:
        return MV((default, NIL))
    return MV((h.vals[i], T))


@sysfun("%PUTHASH")
def puthash(key, h, *rest):
    v = rest[-1]
    check_hash(h)
    h.put(_hkey(h, key) if h.equal else key, key, v)
    return v


@defun("REMHASH")
def remhash(key, h):
    check_hash(h)
    return truth(h.remove(_hkey(h, key)))


@defun("CLRHASH")
def clrhash(h):
    check_hash(h).clear()
    return h


@defun("HASH-TABLE-COUNT")
def hash_table_count(h):
    return len(check_hash(h).d)


@defun("HASH-TABLE-TEST")
def hash_table_test(h):
    return check_hash(h).test


def hash_items(h):
    return h.items()


@defun("MAPHASH")
def maphash(f, h):
    fn = fn_of(f)
    for k, v in hash_items(check_hash(h)):
        fn(k, v)
    return NIL


@sysfun("%HASH-TABLE-ITEMS")
def hash_table_items(h):
    """List of (key . value) in insertion order: for LOOP's hash-key iteration."""
    return lisp_list([Cons(k, v) for k, v in hash_items(check_hash(h))])


@defun("SXHASH")
def sxhash(x):
    return hash(equal_key(x)) & FIXNUM_MAX


# -- symbols and packages -----------------------------------------------------------------------
def check_symbol(s):
    if s.__class__ is not Symbol:
        type_error(s, "SYMBOL")
    return s


defun("SYMBOL-NAME")(lambda s: LString(check_symbol(s).name))
defun("SYMBOL-PACKAGE")(lambda s: check_symbol(s).package or NIL)
defun("MAKE-SYMBOL")(lambda name: Symbol(string_value(name), None))


@defun("SYMBOL-VALUE")
def symbol_value(s):
    v = check_symbol(s).value
    if v is UNBOUND:
        C.unbound_variable(s)
    return v


@defun("SET")
def lset(s, v):
    if check_symbol(s).constant:
        lisp_error("~S is a constant and cannot be set.", s)
    s.value = v
    return v


defun("BOUNDP")(lambda s: truth(check_symbol(s).value is not UNBOUND))
defun("MAKUNBOUND")(lambda s: (setattr(s, "value", UNBOUND), s)[1])
defun("FBOUNDP")(lambda s: truth(fboundp(s) or s.macro is not None or s in C.SPECIAL_FORMS)
                 if s.__class__ is Symbol else truth(s.__class__ is Cons and s.cdr.car in C.SETF_FUNCTIONS))


@defun("SYMBOL-FUNCTION")
def symbol_function(s):
    if s.__class__ is Cons:
        f = C.SETF_FUNCTIONS.get(s.cdr.car)
        if f is None:
            lisp_error("The function ~S is undefined.", s, ctype="UNDEFINED-FUNCTION")
        return f
    return fn_of(check_symbol(s))


alias("FDEFINITION", "SYMBOL-FUNCTION")


@sysfun("%SET-SYMBOL-FUNCTION")
def set_symbol_function(s, f):
    if s.__class__ is Cons:
        C.SETF_FUNCTIONS[s.cdr.car] = f
        return f
    s.function = f
    return f


@defun("FMAKUNBOUND")
def fmakunbound(s):
    s.function = None
    s.macro = None
    return s


@defun("MACRO-FUNCTION")
def macro_function(s, env=NIL):
    if env is not NIL and env is not None:
        lf = C.lookup_fun(env, s)
        if lf is not None:
            return lf[1] if lf[0] == "macro" else NIL
    return s.macro if s.macro is not None else NIL


@sysfun("%SET-MACRO-FUNCTION")
def set_macro_function(s, *args):
    s.macro = args[-1]
    return args[-1]


@defun("SPECIAL-OPERATOR-P")
def special_operator_p(s):
    return truth(s in C.SPECIAL_FORMS and s.package is CL)


_gensym_counter = [1]
S("*GENSYM-COUNTER*").value = 1
S("*GENSYM-COUNTER*").special = True


@defun("GENSYM")
def gensym(prefix=None):
    n = S("*GENSYM-COUNTER*").value
    S("*GENSYM-COUNTER*").value = n + 1
    if prefix is None:
        p = "G"
    elif prefix.__class__ is int:
        return Symbol(f"G{prefix}", None)
    else:
        p = string_value(prefix)
    return Symbol(f"{p}{n}", None)


@defun("GENTEMP")
def gentemp(prefix=None, package=None):
    return intern(LString(gensym(prefix).name), package)[0]


def current_package():
    p = S("*PACKAGE*").value
    return p if p.__class__ is Package else PACKAGES["COMMON-LISP-USER"]


def package_of(designator):
    if designator is None:
        return current_package()
    from .defining import find_package
    p = find_package(designator)
    if p is None:
        lisp_error("The package ~S does not exist.", designator, ctype="PACKAGE-ERROR")
    return p


@defun("INTERN", mv=True)
def intern(name, package=None):
    p = package_of(package)
    n = string_value(name)
    s, status = p.find(n)
    if s is not None:
        return MV((s, kw(status)))
    return MV((p.intern(n), NIL))


@defun("FIND-SYMBOL", mv=True)
def find_symbol(name, package=None):
    p = package_of(package)
    s, status = p.find(string_value(name))
    if s is None:
        return MV((NIL, NIL))
    return MV((s, kw(status)))


@defun("FIND-PACKAGE")
def l_find_package(name):
    from .defining import find_package
    p = find_package(name)
    return NIL if p is None else p


@sysfun("%FIND-PACKAGE-OR-DIE")
def find_package_or_die(name):
    from .defining import find_package
    p = find_package(name)
    if p is None:
        lisp_error("The package ~S does not exist.", LString(designator_string(name)), ctype="PACKAGE-ERROR")
    return p


defun("PACKAGE-NAME")(lambda p: LString(package_of(p).name))
defun("PACKAGE-NICKNAMES")(lambda p: lisp_list([LString(n) for n in package_of(p).nicknames if n]))
defun("PACKAGE-USE-LIST")(lambda p: lisp_list(package_of(p).use))
defun("LIST-ALL-PACKAGES")(lambda: lisp_list(list({id(p): p for p in PACKAGES.values()}.values())))


@defun("MAKE-PACKAGE")
def l_make_package(name, *kwargs):
    k = _kw(kwargs, ("USE", "NICKNAMES"))
    from .defining import defpackage
    opts = [Cons(kw("USE"), k.get("USE", NIL))]
    if "NICKNAMES" in k:
        opts.append(Cons(kw("NICKNAMES"), k["NICKNAMES"]))
    return defpackage(name, lisp_list(opts))


@sysfun("%DEFPACKAGE")
def l_defpackage(name, options):
    from .defining import defpackage
    return defpackage(name, options)


@defun("EXPORT")
def export(syms, package=None):
    p = package_of(package)
    for s in (items_of_list(syms) if syms.__class__ is Cons or syms is NIL else [syms]):
        p.export(s)
    return T


@defun("IMPORT")
def import_(syms, package=None):
    p = package_of(package)
    for s in (items_of_list(syms) if syms.__class__ is Cons or syms is NIL else [syms]):
        p.internal[s.name] = s
    return T


@defun("USE-PACKAGE")
def use_package(pkgs, package=None):
    p = package_of(package)
    for u in (items_of_list(pkgs) if pkgs.__class__ is Cons else [pkgs]):
        up = package_of(u)
        if up not in p.use:
            p.use.append(up)
    return T


@sysfun("%PROCLAIM-SPECIAL")
def proclaim_special(s):
    s.special = True
    return s


@sysfun("%DEFCONSTANT")
def defconstant(s, v):
    s.value = v
    s.constant = True
    s.special = True
    return s


@defun("PROCLAIM")
def proclaim(decl):
    if decl.__class__ is Cons and decl.car is S("SPECIAL"):
        for s in items_of_list(decl.cdr):
            s.special = True
    return NIL


# -- functions -----------------------------------------------------------------------------------
@defun("FUNCALL", mv=True)
def funcall(f, *args):
    if f.__class__ is Symbol:
        return fn_of(f)(*args)
    return f(*args)


@defun("APPLY", mv=True)
def apply(f, *args):
    if f.__class__ is Symbol:
        f = fn_of(f)
    if not args:
        return f()
    last = args[-1]
    return f(*args[:-1], *items_of_list(last))


@defun("VALUES", mv=True)
def values(*args):
    if len(args) == 1:
        return args[0]
    return MV(args)


@defun("VALUES-LIST", mv=True)
def values_list(lst):
    return values(*items_of_list(lst))


@defun("CONSTANTLY")
def constantly(v):
    return lambda *args: v


@defun("COMPLEMENT")
def complement(f):
    fn = fn_of(f)
    return lambda *args: T if call1(fn, *args) is NIL else NIL


@defun("EVAL", mv=True)
def l_eval(form):
    return C.eval_form(form)


@defun("MACROEXPAND-1", mv=True)
def l_macroexpand_1(form, env=NIL):
    r, e = C.macroexpand_1(form, None if env is NIL else env)
    return MV((r, truth(e)))


@defun("MACROEXPAND", mv=True)
def l_macroexpand(form, env=NIL):
    r, e = C.macroexpand(form, None if env is NIL else env)
    return MV((r, truth(e)))


@defun("COMPILE", mv=True)
def l_compile(name, definition=NIL):
    if definition is not NIL:
        f = definition if callable(definition) else C.eval_form(definition)
        if name is NIL:
            return f
        name.function = f
    return name


@sysfun("%CASE-FAILURE")
def case_failure(v, keys, kind):
    lisp_error("~S fell through ~S expression.~%Wanted one of ~S.", v, kind, keys, ctype="TYPE-ERROR"
               if False else "SIMPLE-ERROR")


# -- conditions -------------------------------------------------------------------------------------
def make_cond_from(datum, args, default_type):
    if isinstance(datum, Condition):
        return datum
    if datum.__class__ is LString:
        return simple_condition(default_type, datum.value(), list(args))
    if datum.__class__ is Symbol:
        return make_condition(datum, list(args))
    type_error(datum, "CONDITION")


@defun("ERROR")
def error(datum, *args):
    raise LispError(make_cond_from(datum, args, "SIMPLE-ERROR"))


@defun("CERROR")
def cerror(cont, datum, *args):
    raise LispError(make_cond_from(datum, args, "SIMPLE-ERROR"))


@defun("SIGNAL")
def signal(datum, *args):
    from .defining import handled
    cond = make_cond_from(datum, args, "SIMPLE-CONDITION")
    if handled(cond):
        raise LispError(cond)
    return NIL


@defun("WARN")
def warn(datum, *args):
    from .defining import handled
    cond = make_cond_from(datum, args, "SIMPLE-WARNING")
    if handled(cond):
        raise LispError(cond)
    out = _stream_designator(S("*ERROR-OUTPUT*").value)
    out.write("WARNING: " + report_string(cond) + "\n")
    return NIL


@defun("MAKE-CONDITION")
def l_make_condition(name, *args):
    return make_condition(name, list(args))


defun("SIMPLE-CONDITION-FORMAT-CONTROL")(lambda c: c.slots.get(SLOT_FC, NIL))
defun("SIMPLE-CONDITION-FORMAT-ARGUMENTS")(lambda c: c.slots.get(SLOT_FA, NIL))
defun("TYPE-ERROR-DATUM")(lambda c: c.slots.get(S("DATUM"), NIL))
defun("TYPE-ERROR-EXPECTED-TYPE")(lambda c: c.slots.get(S("EXPECTED-TYPE"), NIL))


@sysfun("%SET-CONDITION-SLOT")
def set_condition_slot(c, slot, v):
    c.slots[slot] = v
    return v


# -- streams and printing -----------------------------------------------------------------------------
for _v in ("*STANDARD-OUTPUT*", "*STANDARD-INPUT*", "*ERROR-OUTPUT*", "*TERMINAL-IO*",
           "*TRACE-OUTPUT*", "*DEBUG-IO*", "*QUERY-IO*", "*PACKAGE*", "*FEATURES*",
           "*PRINT-PRETTY*", "*PRINT-ESCAPE*", "*PRINT-READABLY*", "*PRINT-BASE*",
           "*PRINT-RADIX*", "*PRINT-CASE*", "*PRINT-CIRCLE*", "*PRINT-LENGTH*", "*PRINT-LEVEL*",
           "*READ-BASE*", "*READ-EVAL*", "*GENSYM-COUNTER*", "*MACROEXPAND-HOOK*",
           "*PRINT-RIGHT-MARGIN*", "*LOAD-PATHNAME*", "*LOAD-TRUENAME*", "*COMPILE-FILE-PATHNAME*",
           "*DEFAULT-PATHNAME-DEFAULTS*", "*READ-DEFAULT-FLOAT-FORMAT*", "*BREAK-ON-SIGNALS*",
           "*DEBUGGER-HOOK*", "*RANDOM-STATE*", "*PRINT-ARRAY*", "*PRINT-GENSYM*",
           "*PRINT-LINES*", "*PRINT-MISER-WIDTH*", "*PRINT-PPRINT-DISPATCH*", "*PRINT-READABLY*",
           "*READ-SUPPRESS*", "*READTABLE*", "*COMPILE-PRINT*", "*COMPILE-VERBOSE*",
           "*LOAD-PRINT*", "*LOAD-VERBOSE*", "*COMPILE-FILE-TRUENAME*"):
    S(_v).special = True
for _v, _val in (("*PRINT-PRETTY*", T), ("*PRINT-ESCAPE*", T), ("*PRINT-READABLY*", NIL),
                 ("*PRINT-BASE*", 10), ("*PRINT-RADIX*", NIL), ("*PRINT-CASE*", kw("UPCASE")),
                 ("*PRINT-CIRCLE*", NIL), ("*PRINT-LENGTH*", NIL), ("*PRINT-LEVEL*", NIL),
                 ("*READ-BASE*", 10), ("*READ-EVAL*", T), ("*PRINT-RIGHT-MARGIN*", NIL),
                 ("*PRINT-GENSYM*", T), ("*PRINT-ARRAY*", T), ("*PRINT-LINES*", NIL),
                 ("*PRINT-MISER-WIDTH*", NIL), ("*BREAK-ON-SIGNALS*", NIL), ("*DEBUGGER-HOOK*", NIL),
                 ("*LOAD-PATHNAME*", NIL), ("*LOAD-TRUENAME*", NIL), ("*COMPILE-FILE-PATHNAME*", NIL),
                 ("*COMPILE-FILE-TRUENAME*", NIL), ("*READ-SUPPRESS*", NIL)):
    S(_v).value = _val
for _c, _val in (("MOST-POSITIVE-FIXNUM", FIXNUM_MAX), ("MOST-NEGATIVE-FIXNUM", FIXNUM_MIN),
                 ("CHAR-CODE-LIMIT", 1114112), ("ARRAY-DIMENSION-LIMIT", FIXNUM_MAX),
                 ("ARRAY-TOTAL-SIZE-LIMIT", FIXNUM_MAX), ("CALL-ARGUMENTS-LIMIT", 4611686018427387903),
                 ("LAMBDA-PARAMETERS-LIMIT", 4611686018427387903), ("MULTIPLE-VALUES-LIMIT", 1073741824)):
    S(_c).value = _val
    S(_c).constant = True


def _stream_designator(s):
    if s is NIL or s is None:
        return S("*STANDARD-OUTPUT*").value
    if s is T:
        return S("*TERMINAL-IO*").value
    if isinstance(s, ST.Stream):
        return s
    type_error(s, "STREAM")


def _in_stream(s):
    if s is NIL or s is None:
        return S("*STANDARD-INPUT*").value
    if s is T:
        return S("*STANDARD-INPUT*").value
    if isinstance(s, ST.Stream):
        return s
    type_error(s, "STREAM")


def _print_escape_default():
    return S("*PRINT-ESCAPE*").value is not NIL


@defun("PRIN1")
def prin1(x, stream=NIL):
    out = _stream_designator(stream)
    out.write(write_to_string(x, True, out.col))
    return x


@defun("PRINC")
def princ(x, stream=NIL):
    out = _stream_designator(stream)
    out.write(write_to_string(x, False, out.col))
    return x


@defun("PRINT")
def lprint(x, stream=NIL):
    out = _stream_designator(stream)
    out.write("\n")
    out.write(write_to_string(x, True, 0))
    out.write(" ")
    return x


@defun("PPRINT")
def pprint(x, stream=NIL):
    out = _stream_designator(stream)
    out.write("\n")
    out.write(write_to_string(x, True, 0))
    return S("VALUES") and MV(())


@defun("WRITE")
def lwrite(x, *kwargs):
    k = {}
    for i in range(0, len(kwargs) - 1, 2):
        k[kwargs[i].name] = kwargs[i + 1]
    out = _stream_designator(k.get("STREAM", NIL))
    esc = k.get("ESCAPE", S("*PRINT-ESCAPE*").value) is not NIL
    out.write(write_to_string(x, esc, out.col))
    return x


defun("PRIN1-TO-STRING")(lambda x: LString(write_to_string(x, True)))
defun("PRINC-TO-STRING")(lambda x: LString(write_to_string(x, False)))


@defun("WRITE-TO-STRING")
def write_to_string_fn(x, *kwargs):
    k = {}
    for i in range(0, len(kwargs) - 1, 2):
        k[kwargs[i].name] = kwargs[i + 1]
    esc = k.get("ESCAPE", S("*PRINT-ESCAPE*").value) is not NIL
    return LString(write_to_string(x, esc))


@defun("TERPRI")
def terpri(stream=NIL):
    _stream_designator(stream).write("\n")
    return NIL


@defun("FRESH-LINE")
def fresh_line(stream=NIL):
    out = _stream_designator(stream)
    if out.col != 0:
        out.write("\n")
        return T
    return NIL


@defun("WRITE-STRING")
def write_string(s, stream=NIL, *kwargs):
    k = _kw(kwargs, ("START", "END"))
    out = _stream_designator(stream)
    t = string_value(s)
    if k:
        a, b = _bounds(len(t), k)
        t = t[a:b]
    out.write(t)
    return s


@defun("WRITE-LINE")
def write_line(s, stream=NIL, *kwargs):
    write_string(s, stream, *kwargs)
    _stream_designator(stream).write("\n")
    return s


@defun("WRITE-CHAR")
def write_char(c, stream=NIL):
    _stream_designator(stream).write(check_char(c).c)
    return c


@defun("WRITE-BYTE")
def write_byte(b, stream):
    if not (b.__class__ is int and 0 <= b < 256):
        type_error(b, lisp_list([S("UNSIGNED-BYTE"), 8]))
    stream.write_byte(b)
    return b


@defun("WRITE-SEQUENCE")
def write_sequence(seq, stream, *kwargs):
    k = _kw(kwargs, ("START", "END"))
    if stream.binary:
        items = seq_list(seq)
        a, b = _bounds(len(items), k)
        for x in items[a:b]:
            if not (x.__class__ is int and 0 <= x < 256):
                type_error(x, lisp_list([S("UNSIGNED-BYTE"), 8]))
        stream.write_bytes(bytes(items[a:b]))
    else:
        if seq.__class__ is LString:
            t = seq.value()
        else:
            t = _chars_to_str(seq_list(seq))
        a, b = _bounds(len(t), k)
        stream.write(t[a:b])
    return seq


@defun("FINISH-OUTPUT")
def finish_output(stream=NIL):
    _stream_designator(stream).finish()
    return NIL


alias("FORCE-OUTPUT", "FINISH-OUTPUT")
alias("CLEAR-OUTPUT", "FINISH-OUTPUT")


@defun("FORMAT")
def lformat(dest, control, *args):
    if callable(control) and control.__class__ is not LString:
        lisp_error("FORMAT with a function control is not supported")
    ctl = string_value(control)
    if dest is NIL:
        return LString(format_to_string(ctl, list(args)))
    if dest.__class__ is LString:
        out = ST.StringOutput()
        format_to_stream(out, ctl, list(args))
        for ch in out.take():
            vector_push_extend(mkchar(ch), dest)
        return NIL
    out = S("*STANDARD-OUTPUT*").value if dest is T else _stream_designator(dest)
    format_to_stream(out, ctl, list(args))
    return NIL


defun("MAKE-STRING-OUTPUT-STREAM")(lambda *kwargs: ST.StringOutput())


@defun("GET-OUTPUT-STREAM-STRING")
def get_output_stream_string(s):
    return LString(s.take())


@defun("MAKE-STRING-INPUT-STREAM")
def make_string_input_stream(s, start=0, end=NIL):
    t = string_value(s)
    if end is not NIL:
        t = t[:end]
    return ST.StringInput(t, start)


@defun("READ-CHAR")
def read_char(stream=NIL, eof_error_p=T, eof_value=NIL, recursive=NIL):
    s = _in_stream(stream)
    c = s.read_char()
    if c is None:
        if eof_error_p is not NIL:
            lisp_error("end of file on ~A", LString(s.kind), ctype="END-OF-FILE")
        return eof_value
    return mkchar(c)


@defun("PEEK-CHAR")
def peek_char(peek_type=NIL, stream=NIL, eof_error_p=T, eof_value=NIL, recursive=NIL):
    s = _in_stream(stream)
    while True:
        c = s.peek_char()
        if c is None:
            if eof_error_p is not NIL:
                lisp_error("end of file on ~A", LString(s.kind), ctype="END-OF-FILE")
            return eof_value
        if peek_type is NIL:
            return mkchar(c)
        if peek_type is T:
            if c in " \t\n\r\f\v":
                s.read_char()
                continue
            return mkchar(c)
        if c == peek_type.c:
            return mkchar(c)
        s.read_char()


@defun("UNREAD-CHAR")
def unread_char(c, stream=NIL):
    _in_stream(stream).unread_char()
    return NIL


@defun("READ-LINE", mv=True)
def read_line(stream=NIL, eof_error_p=T, eof_value=NIL, recursive=NIL):
    s = _in_stream(stream)
    r = s.read_line()
    if r is None:
        if eof_error_p is not NIL:
            lisp_error("end of file on ~A", LString(s.kind), ctype="END-OF-FILE")
        return MV((eof_value, T))
    return MV((LString(r[0]), truth(r[1])))


@defun("READ-BYTE")
def read_byte(stream, eof_error_p=T, eof_value=NIL):
    b = stream.read_byte()
    if b is None:
        if eof_error_p is not NIL:
            lisp_error("end of file", ctype="END-OF-FILE")
        return eof_value
    return b


@defun("READ-SEQUENCE")
def read_sequence(seq, stream, *kwargs):
    k = _kw(kwargs, ("START", "END"))
    n = length(seq)
    a, b = _bounds(n, k)
    if stream.binary and seq.__class__ is LVector and hasattr(stream, "data"):
        chunk = list(stream.data[stream.pos:stream.pos + (b - a)])
        seq.items[a:a + len(chunk)] = chunk
        stream.pos += len(chunk)
        return a + len(chunk)
    i = a
    while i < b:
        if stream.binary:
            x = stream.read_byte()
            if x is None:
                break
        else:
            c = stream.read_char()
            if c is None:
                break
            x = mkchar(c)
        setelt(seq, i, x)
        i += 1
    return i


@defun("LISTEN")
def listen(stream=NIL):
    s = _in_stream(stream)
    return truth(s.peek_char() is not None)


@defun("CLOSE")
def close(stream, *kwargs):
    stream.close()
    return T


@defun("OPEN-STREAM-P")
def open_stream_p(stream):
    return truth(not stream.closed)


@defun("INPUT-STREAM-P")
def input_stream_p(stream):
    return truth(stream.input)


@defun("OUTPUT-STREAM-P")
def output_stream_p(stream):
    return truth(stream.output)


@defun("FILE-LENGTH")
def file_length(stream):
    import os
    if getattr(stream, "binary", False) and stream.output:
        stream.finish()
    if hasattr(stream, "data"):
        return len(stream.data)
    if hasattr(stream, "text"):
        return len(stream.text.encode("utf-8"))
    return os.path.getsize(stream.path)


def _path(p):
    if p.__class__ is LString:
        return p.value()
    if isinstance(p, ST.Stream) and hasattr(p, "path"):
        return p.path
    type_error(p, "PATHNAME")


@defun("OPEN")
def lopen(path, *kwargs):
    import os
    k = _kw(kwargs, ("DIRECTION", "IF-EXISTS", "IF-DOES-NOT-EXIST", "ELEMENT-TYPE", "EXTERNAL-FORMAT"))
    p = _path(path)
    direction = k.get("DIRECTION", kw("INPUT")).name
    et = k.get("ELEMENT-TYPE", S("CHARACTER"))
    binary = _is_u8_type(et)
    if direction == "INPUT":
        ide = k.get("IF-DOES-NOT-EXIST", kw("ERROR"))
        if not os.path.exists(p):
            if ide is NIL:
                return NIL
            if ide.name == "CREATE":
                open(p, "wb").close()
            else:
                lisp_error("The file ~S does not exist.", LString(p), ctype="FILE-ERROR")
        with open(p, "rb") as f:
            data = f.read()
        if binary:
            return ST.ByteInput(p, data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            lisp_error("invalid UTF-8 in file ~S at byte ~D", LString(p), e.start, ctype="STREAM-ERROR")
        return ST.FileInput(p, text)
    if direction in ("OUTPUT", "IO"):
        ie = k.get("IF-EXISTS", kw("ERROR"))
        mode = "w"
        if os.path.exists(p):
            if ie is NIL:
                return NIL
            name = ie.name
            if name == "ERROR":
                lisp_error("The file ~S already exists.", LString(p), ctype="FILE-ERROR")
            if name == "APPEND":
                mode = "a"
        else:
            ide = k.get("IF-DOES-NOT-EXIST", kw("CREATE"))
            if ide is NIL:
                return NIL
            if ide.name == "ERROR":
                lisp_error("The file ~S does not exist.", LString(p), ctype="FILE-ERROR")
        try:
            if binary:
                return ST.ByteOutput(p, open(p, mode + "b"))
            return ST.FileOutput(p, open(p, mode, encoding="utf-8", newline=""))
        except OSError as e:
            lisp_error("cannot open ~S: ~A", LString(p), LString(e.strerror or str(e)), ctype="FILE-ERROR")
    if direction == "PROBE":
        return T if os.path.exists(p) else NIL
    lisp_error("unsupported :direction ~S", k.get("DIRECTION"))


@defun("PROBE-FILE")
def probe_file(p):
    import os
    path = _path(p)
    return LString(os.path.abspath(path)) if os.path.exists(path) else NIL


@defun("DELETE-FILE")
def delete_file(p):
    import os
    os.remove(_path(p))
    return T


defun("NAMESTRING")(lambda p: LString(_path(p)))
defun("PATHNAME")(lambda p: p if p.__class__ is LString else LString(_path(p)))
defun("TRUENAME")(lambda p: probe_file(p))


@defun("MERGE-PATHNAMES")
def merge_pathnames(p, defaults=NIL, *rest):
    import os
    if defaults is NIL:
        return p
    return LString(os.path.join(os.path.dirname(_path(defaults)), _path(p)))


@defun("READ-FROM-STRING", mv=True)
def read_from_string(s, eof_error_p=T, eof_value=NIL, *kwargs):
    from .reader import Reader, EOF
    k = _kw(kwargs, ("START", "END", "PRESERVE-WHITESPACE"))
    text = string_value(s)
    start, end = _bounds(len(text), k)
    r = Reader(text[:end], "<string>", current_package, features)
    r.pos = start
    x = r.read(eof_ok=True)
    if x is EOF:
        if eof_error_p is not NIL:
            lisp_error("end of file on string", ctype="END-OF-FILE")
        return MV((eof_value, r.pos))
    pos = r.pos
    # READ consumes the whitespace character that ends a token
    if pos < end and text[pos] in " \t\n\r\f\v" and pos > 0 and text[pos - 1] not in ')"|':
        pos += 1
    return MV((x, pos))


@defun("READ")
def lread(stream=NIL, eof_error_p=T, eof_value=NIL, recursive=NIL):
    from .reader import Reader, EOF
    s = _in_stream(stream)
    if not hasattr(s, "text"):
        lisp_error("READ is only supported on string and file streams")
    r = Reader(s.text, getattr(s, "path", "<stream>"), current_package, features)
    r.pos = s.pos
    x = r.read(eof_ok=True)
    s.pos = r.pos
    if x is EOF:
        if eof_error_p is not NIL:
            lisp_error("end of file", ctype="END-OF-FILE")
        return eof_value
    return x


def features():
    return items_of_list(S("*FEATURES*").value) if S("*FEATURES*").value is not UNBOUND else []


@defun("GET-UNIVERSAL-TIME")
def get_universal_time():
    import time
    return int(time.time()) + 2208988800


@defun("GET-INTERNAL-REAL-TIME")
def get_internal_real_time():
    import time
    return int(time.monotonic() * 1000000)


@defun("GET-INTERNAL-RUN-TIME")
def get_internal_run_time():
    import time
    return int(time.process_time() * 1000000)


S("INTERNAL-TIME-UNITS-PER-SECOND").value = 1000000
S("INTERNAL-TIME-UNITS-PER-SECOND").constant = True


# -- a few more sequence and list functions ------------------------------------------------
@defun("/")
def divide(a, *more):
    """Integer division that is exact; a ratio result is outside the subset (error)."""
    check_int(a)
    if not more:
        more, a = (a,), 1
    for b in more:
        _div_check(a, b)
        if a % b:
            lisp_error("~D/~D is a ratio: ratios are not in the subset", a, b, ctype="ARITHMETIC-ERROR")
        a = a // b
    return fix(a)


@defun("MAKE-SEQUENCE")
def make_sequence(rtype, n, *kwargs):
    k = _kw(kwargs, ("INITIAL-ELEMENT",))
    mk = _result_type_maker(rtype)
    if mk is lisp_list:
        return lisp_list([k.get("INITIAL-ELEMENT", NIL)] * n)
    if mk is LVector:
        return LVector([k.get("INITIAL-ELEMENT", NIL)] * n)
    ie = k.get("INITIAL-ELEMENT", None)
    return mk([ie if ie is not None else mkchar("\0")] * n)


@defun("MEMBER-IF-NOT")
def member_if_not(pred, lst, *kwargs):
    return member_if(complement(pred), lst, *kwargs)


@defun("RASSOC-IF")
def rassoc_if(pred, alist, *kwargs):
    f = fn_of(pred)
    for p in items_of_list(alist):
        if p.__class__ is Cons and call1(f, p.cdr) is not NIL:
            return p
    return NIL


@defun("MERGE")
def merge(rtype, a, b, pred, *kwargs):
    k = _kw(kwargs, ("KEY",))
    fn = fn_of(pred)
    key = _key_fn(k) or (lambda x: x)
    x, y = seq_list(a), seq_list(b)
    out = []
    i = j = 0
    while i < len(x) and j < len(y):
        if call1(fn, key(y[j]), key(x[i])) is not NIL:
            out.append(y[j])
            j += 1
        else:
            out.append(x[i])
            i += 1
    out += x[i:] + y[j:]
    return _result_type_maker(rtype)(out)


@defun("HASH-TABLE-SIZE")
def hash_table_size(h):
    return max(14, len(check_hash(h).keys))
