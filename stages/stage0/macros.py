"""The standard macros of the subset, written as Python expanders (form, env) -> form.

Loops expand into stage 0's private (%while test body...) so that iteration costs no
exception; `go` inside loop bodies still works through TAGBODY.
"""
import itertools

from .data import (Cons, NIL, T, Symbol, LString, cl, sys, kw, lisp_list, list_items,
                   KEYWORD, LVector)
from .conditions import lisp_error
from . import compiler as C

S = cl
_counter = itertools.count(1)


def L(*xs):
    return lisp_list(list(xs))


def gensym(prefix="G"):
    return Symbol(f"{prefix}{next(_counter)}", None)


def macro(name):
    def deco(fn):
        sym = S(name) if not name.startswith("%") else sys(name)
        sym.macro = fn
        return fn
    return deco


def args_of(form):
    return list_items(form.cdr)


(QUOTE, PROGN, IF, LET, LETS, SETQ, BLOCK, TAGBODY, GO, FUNCTION, LAMBDA, DECLARE) = (
    S("QUOTE"), S("PROGN"), S("IF"), S("LET"), S("LET*"), S("SETQ"), S("BLOCK"),
    S("TAGBODY"), S("GO"), S("FUNCTION"), S("LAMBDA"), S("DECLARE"))
WHILE = sys("%WHILE")
NOT, CAR, CDR, CONS, FUNCALL, APPLY, LIST = S("NOT"), S("CAR"), S("CDR"), S("CONS"), S("FUNCALL"), S("APPLY"), S("LIST")
OTHERWISE = S("OTHERWISE")
RETURN_FROM = S("RETURN-FROM")
SETF = S("SETF")
MVB = S("MULTIPLE-VALUE-BIND")


def q(x):
    return L(QUOTE, x)


def progn(forms):
    if len(forms) == 1:
        return forms[0]
    return lisp_list([PROGN] + forms)


def split_decls(forms):
    i = 0
    while i < len(forms) and forms[i].__class__ is Cons and forms[i].car is DECLARE:
        i += 1
    return forms[:i], forms[i:]


# -- definitions --------------------------------------------------------------------------
@macro("DEFUN")
def m_defun(form, env):
    a = args_of(form)
    return lisp_list([sys("%DEFUN"), a[0], a[1]] + a[2:])


@macro("DEFMACRO")
def m_defmacro(form, env):
    a = args_of(form)
    return lisp_list([sys("%DEFMACRO"), a[0], a[1]] + a[2:])


@macro("DEFVAR")
def m_defvar(form, env):
    a = args_of(form)
    sym = a[0]
    sym.special = True
    if len(a) == 1:
        return L(sys("%PROCLAIM-SPECIAL"), q(sym))
    return L(IF, L(S("BOUNDP"), q(sym)), q(sym),
             L(PROGN, L(sys("%PROCLAIM-SPECIAL"), q(sym)), L(S("SET"), q(sym), a[1]), q(sym)))


@macro("DEFPARAMETER")
def m_defparameter(form, env):
    a = args_of(form)
    sym = a[0]
    sym.special = True
    return L(PROGN, L(sys("%PROCLAIM-SPECIAL"), q(sym)), L(S("SET"), q(sym), a[1]), q(sym))


@macro("DEFCONSTANT")
def m_defconstant(form, env):
    a = args_of(form)
    return L(sys("%DEFCONSTANT"), q(a[0]), a[1])


@macro("DECLAIM")
def m_declaim(form, env):
    for d in args_of(form):
        if d.__class__ is Cons and d.car is S("SPECIAL"):
            for s in list_items(d.cdr):
                s.special = True
    return NIL


@macro("IN-PACKAGE")
def m_in_package(form, env):
    name = args_of(form)[0]
    return L(SETQ, S("*PACKAGE*"), L(sys("%FIND-PACKAGE-OR-DIE"), q(name)))


@macro("DEFPACKAGE")
def m_defpackage(form, env):
    a = args_of(form)
    return L(sys("%DEFPACKAGE"), q(a[0]), q(lisp_list(a[1:])))


# -- control ---------------------------------------------------------------------------------
@macro("WHEN")
def m_when(form, env):
    a = args_of(form)
    return L(IF, a[0], progn(a[1:]) if a[1:] else NIL)


@macro("UNLESS")
def m_unless(form, env):
    a = args_of(form)
    return L(IF, a[0], NIL, progn(a[1:]) if a[1:] else NIL)


@macro("COND")
def m_cond(form, env):
    clauses = args_of(form)
    r = NIL
    for c in reversed(clauses):
        parts = list_items(c)
        if len(parts) == 1:
            r = L(S("OR"), parts[0], r) if r is not NIL else L(S("VALUES"), parts[0])
        elif parts[0] is T:
            r = progn(parts[1:])
        else:
            r = L(IF, parts[0], progn(parts[1:]), r)
    return r


# AND and OR are compiled directly by the compiler (compiler.py), not expanded.


def _case(form, env, error_kind):
    a = args_of(form)
    keyform, clauses = a[0], a[1:]
    g = gensym()
    r = NIL
    if error_kind:
        r = L(sys("%CASE-FAILURE"), g, q(lisp_list(
            [k for c in clauses for k in (list_items(c.car) if c.car.__class__ is Cons else [c.car])])), q(S(error_kind)))
    for c in reversed(clauses):
        keys = c.car
        body = list_items(c.cdr)
        bodyf = progn(body) if body else NIL
        if keys is T or keys is OTHERWISE:
            r = bodyf
            continue
        ks = list_items(keys) if keys.__class__ is Cons else ([] if keys is NIL else [keys])
        if len(ks) == 1:
            test = L(S("EQL"), g, q(ks[0]))
        else:
            test = L(S("MEMBER"), g, q(lisp_list(ks)))
        r = L(IF, test, bodyf, r)
    return L(LET, L(L(g, keyform)), r)


@macro("CASE")
def m_case(form, env):
    return _case(form, env, None)


@macro("ECASE")
def m_ecase(form, env):
    return _case(form, env, "ECASE")


@macro("CCASE")
def m_ccase(form, env):
    return _case(form, env, "CCASE")


def _typecase(form, env, error):
    a = args_of(form)
    g = gensym()
    r = NIL
    if error:
        r = L(S("ERROR"), LString("~S fell through ETYPECASE expression."), g)
    for c in reversed(a[1:]):
        t = c.car
        body = list_items(c.cdr)
        bodyf = progn(body) if body else NIL
        if t is T or t is OTHERWISE:
            r = bodyf
        else:
            r = L(IF, L(S("TYPEP"), g, q(t)), bodyf, r)
    return L(LET, L(L(g, a[0])), r)


@macro("TYPECASE")
def m_typecase(form, env):
    return _typecase(form, env, False)


@macro("ETYPECASE")
def m_etypecase(form, env):
    return _typecase(form, env, True)


@macro("CTYPECASE")
def m_ctypecase(form, env):
    return _typecase(form, env, True)


@macro("PROG1")
def m_prog1(form, env):
    a = args_of(form)
    g = gensym()
    return lisp_list([LET, L(L(g, a[0]))] + a[1:] + [g])


@macro("PROG2")
def m_prog2(form, env):
    a = args_of(form)
    g = gensym()
    return lisp_list([PROGN, a[0], lisp_list([LET, L(L(g, a[1]))] + a[2:] + [g])])


@macro("RETURN")
def m_return(form, env):
    a = args_of(form)
    return L(RETURN_FROM, NIL, a[0] if a else NIL)


@macro("NTH-VALUE")
def m_nth_value(form, env):
    a = args_of(form)
    return L(S("NTH"), a[0], L(S("MULTIPLE-VALUE-LIST"), a[1]))


@macro("PROG")
def m_prog(form, env):
    a = args_of(form)
    decls, body = split_decls(a[1:])
    return L(BLOCK, NIL, lisp_list([LET, a[0]] + decls + [lisp_list([TAGBODY] + body)]))


def _tagbody_or_progn(body):
    if any(x.__class__ is Symbol or x.__class__ is int for x in body):
        return [lisp_list([TAGBODY] + body)]
    return body


@macro("DOLIST")
def m_dolist(form, env):
    a = args_of(form)
    spec = list_items(a[0])
    var, lst = spec[0], spec[1]
    result = spec[2] if len(spec) > 2 else NIL
    decls, body = split_decls(a[1:])
    g = gensym("LIST")
    loop = lisp_list([WHILE, L(S("CONSP"), g),
                      lisp_list([LET, L(L(var, L(CAR, g)))] + decls + _tagbody_or_progn(body)),
                      L(SETQ, g, L(CDR, g))])
    res = L(LET, L(L(var, NIL)), result) if result is not NIL else NIL
    return L(BLOCK, NIL, L(LET, L(L(g, lst)), loop, res))


@macro("DOTIMES")
def m_dotimes(form, env):
    # One binding of var for the whole loop, as in SBCL (closures see its last value).
    a = args_of(form)
    spec = list_items(a[0])
    var, count = spec[0], spec[1]
    result = spec[2] if len(spec) > 2 else NIL
    decls, body = split_decls(a[1:])
    n = gensym("N")
    loop = lisp_list([WHILE, L(S("<"), var, n)] + _tagbody_or_progn(body) +
                     [L(SETQ, var, L(S("1+"), var))])
    return L(BLOCK, NIL, L(LET, L(L(n, count)),
                           lisp_list([LET, L(L(var, 0))] + decls + [loop, result])))


def _do(form, env, sequential):
    a = args_of(form)
    specs = list_items(a[0])
    endc = list_items(a[1])
    decls, body = split_decls(a[2:])
    binds = []
    steps = []
    for s in specs:
        if s.__class__ is Symbol:
            binds.append(L(s, NIL))
            continue
        parts = list_items(s)
        binds.append(L(parts[0], parts[1] if len(parts) > 1 else NIL))
        if len(parts) > 2:
            steps.extend([parts[0], parts[2]])
    step = lisp_list([S("SETQ") if sequential else S("PSETQ")] + steps) if steps else NIL
    loop = lisp_list([WHILE, L(NOT, endc[0])] + _tagbody_or_progn(body) + [step])
    return L(BLOCK, NIL, lisp_list([LETS if sequential else LET, lisp_list(binds)] + decls +
                                   [loop, progn(endc[1:]) if endc[1:] else NIL]))


@macro("DO")
def m_do(form, env):
    return _do(form, env, False)


@macro("DO*")
def m_dostar(form, env):
    return _do(form, env, True)


@macro("PSETQ")
def m_psetq(form, env):
    a = args_of(form)
    pairs = [(a[i], a[i + 1]) for i in range(0, len(a), 2)]
    gs = [gensym() for _ in pairs]
    return lisp_list([LET, lisp_list([L(g, v) for g, (_, v) in zip(gs, pairs)])] +
                     [L(SETQ, var, g) for g, (var, _) in zip(gs, pairs)] + [NIL])


@macro("PSETF")
def m_psetf(form, env):
    a = args_of(form)
    pairs = [(a[i], a[i + 1]) for i in range(0, len(a), 2)]
    gs = [gensym() for _ in pairs]
    return lisp_list([LET, lisp_list([L(g, v) for g, (_, v) in zip(gs, pairs)])] +
                     [L(SETF, place, g) for g, (place, _) in zip(gs, pairs)] + [NIL])


@macro("DESTRUCTURING-BIND")
def m_destructuring_bind(form, env):
    a = args_of(form)
    return lisp_list([sys("%DESTRUCTURING-BIND"), a[0], a[1]] + a[2:])


@macro("MULTIPLE-VALUE-SETQ")
def m_mvsetq(form, env):
    a = args_of(form)
    vars_ = list_items(a[0])
    gs = [gensym() for _ in vars_]
    if not vars_:
        return L(S("VALUES"), a[1])
    return L(MVB, lisp_list(gs), a[1], lisp_list([SETQ] + [x for v, g in zip(vars_, gs) for x in (v, g)]), gs[0])


@macro("WITH-OUTPUT-TO-STRING")
def m_with_output_to_string(form, env):
    a = args_of(form)
    spec = list_items(a[0])
    var = spec[0]
    decls, body = split_decls(a[1:])
    return lisp_list([LET, L(L(var, L(S("MAKE-STRING-OUTPUT-STREAM"))))] + decls +
                     [lisp_list([PROGN] + body), L(S("GET-OUTPUT-STREAM-STRING"), var)])


@macro("WITH-INPUT-FROM-STRING")
def m_with_input_from_string(form, env):
    a = args_of(form)
    spec = list_items(a[0])
    var, string = spec[0], spec[1]
    opts = spec[2:]
    start = end = NIL
    for i in range(0, len(opts), 2):
        if opts[i].name == "START":
            start = opts[i + 1]
        elif opts[i].name == "END":
            end = opts[i + 1]
    return lisp_list([LET, L(L(var, L(S("MAKE-STRING-INPUT-STREAM"), string, start if start is not NIL else 0, end)))] + a[1:])


@macro("WITH-OPEN-FILE")
def m_with_open_file(form, env):
    a = args_of(form)
    spec = list_items(a[0])
    var = spec[0]
    decls, body = split_decls(a[1:])
    return lisp_list([LET, L(L(var, lisp_list([S("OPEN")] + spec[1:])))] + decls +
                     [L(S("UNWIND-PROTECT"), lisp_list([PROGN] + body), L(S("CLOSE"), var))])


@macro("WITH-OPEN-STREAM")
def m_with_open_stream(form, env):
    a = args_of(form)
    spec = list_items(a[0])
    return lisp_list([LET, L(L(spec[0], spec[1]))] +
                     [L(S("UNWIND-PROTECT"), lisp_list([PROGN] + a[1:]), L(S("CLOSE"), spec[0]))])


@macro("IGNORE-ERRORS")
def m_ignore_errors(form, env):
    c = gensym("C")
    return L(S("HANDLER-CASE"), lisp_list([PROGN] + args_of(form)),
             L(S("ERROR"), L(c), L(S("VALUES"), NIL, c)))


@macro("ASSERT")
def m_assert(form, env):
    a = args_of(form)
    test = a[0]
    if len(a) > 2:
        err = lisp_list([S("ERROR")] + a[2:])
    else:
        err = L(S("ERROR"), LString("The assertion ~S failed."), q(test))
    return L(S("UNLESS"), test, err)


@macro("CHECK-TYPE")
def m_check_type(form, env):
    a = args_of(form)
    return L(S("UNLESS"), L(S("TYPEP"), a[0], q(a[1])),
             L(S("ERROR"), q(S("TYPE-ERROR")), kw("DATUM"), a[0], kw("EXPECTED-TYPE"), q(a[1])))


@macro("LAMBDA")
def m_lambda(form, env):
    return L(FUNCTION, form)


@macro("DEFSTRUCT")
def m_defstruct(form, env):
    return L(sys("%DEFSTRUCT"), q(form))


@macro("DEFINE-CONDITION")
def m_define_condition(form, env):
    return L(sys("%DEFINE-CONDITION"), q(form))


@macro("DEFTYPE")
def m_deftype(form, env):
    a = args_of(form)
    return L(sys("%DEFTYPE"), q(a[0]), q(a[1]), q(lisp_list(a[2:])))


@macro("WITH-STANDARD-IO-SYNTAX")
def m_wsis(form, env):
    return lisp_list([PROGN] + args_of(form))


@macro("LOOP-FINISH")
def m_loop_finish(form, env):
    return L(GO, sys("%LOOP-END"))


# -- places -----------------------------------------------------------------------------------
SIMPLE_SETTERS = {
    "CAR": "%SETCAR", "FIRST": "%SETCAR", "CDR": "%SETCDR", "REST": "%SETCDR",
    "AREF": "%ASET", "SVREF": "%ASET", "CHAR": "%ASET", "SCHAR": "%ASET", "ELT": "%SETELT",
    "SYMBOL-VALUE": "SET", "FILL-POINTER": "%SET-FILL-POINTER", "NTH": "%SETNTH",
    "SYMBOL-FUNCTION": "%SET-SYMBOL-FUNCTION", "FDEFINITION": "%SET-SYMBOL-FUNCTION",
    "SYMBOL-PLIST": "%SET-SYMBOL-PLIST", "GET": "%PUT", "MACRO-FUNCTION": "%SET-MACRO-FUNCTION",
}
CXR_SETTERS = {
    "SECOND": (1, "CAR"), "THIRD": (2, "CAR"), "FOURTH": (3, "CAR"), "FIFTH": (4, "CAR"),
    "CADR": (1, "CAR"), "CDDR": (1, "CDR"), "CADDR": (2, "CAR"), "CDDDR": (2, "CDR"),
    "CADDDR": (3, "CAR"),
}


def expand_place(place, env):
    """Macroexpand a place until it is a symbol or a known accessor form."""
    while True:
        if place.__class__ is Symbol:
            r = C.lookup_var(env, place)
            if r[0] == "symmacro":
                place = r[1]
                continue
            return place
        if place.__class__ is Cons and place.car.__class__ is Symbol:
            op = place.car
            if (op.name in SIMPLE_SETTERS or op.name in CXR_SETTERS or op.name in ("GETHASH", "GETF", "CAAR", "CDAR")) and op.package is cl("CAR").package:
                return place
            if op.setf_expander is not None or op in C.SETF_FUNCTIONS:
                return place
            lf = C.lookup_fun(env, op)
            if (lf is not None and lf[0] == "macro") or (lf is None and op.macro is not None):
                place, _ = C.macroexpand_1(place, env)
                continue
            return place
        lisp_error("bad place: ~S", place)


def setf_form(place, value, env):
    """A form storing value into place (place subforms evaluated before value)."""
    place = expand_place(place, env)
    if place.__class__ is Symbol:
        return L(SETQ, place, value)
    op = place.car
    args = list_items(place.cdr)
    name = op.name
    if op.package is cl("CAR").package:
        if name in CXR_SETTERS:
            n, which = CXR_SETTERS[name]
            inner = args[0]
            for _ in range(n):
                inner = L(CDR, inner)
            return setf_form(L(S(which), inner), value, env)
        if name == "CAAR":
            return setf_form(L(CAR, L(CAR, args[0])), value, env)
        if name == "CDAR":
            return setf_form(L(CDR, L(CAR, args[0])), value, env)
        if name == "GETHASH":
            return L(sys("%PUTHASH"), args[0], args[1], value)
        if name == "GETF":
            # (setf (getf place key) v)
            g = gensym()
            gv = gensym()
            return L(LET, L(L(g, args[1]), L(gv, value)),
                     setf_form(args[0], L(sys("%PUTF"), args[0], g, gv), env), gv)
        if name in SIMPLE_SETTERS:
            setter = SIMPLE_SETTERS[name]
            return lisp_list([S(setter) if setter == "SET" else sys(setter)] + args + [value])
    if op.setf_expander is not None:
        return op.setf_expander(args, value)
    if op in C.SETF_FUNCTIONS:
        gs = [gensym() for _ in args]
        gv = gensym()
        return L(LET, lisp_list([L(g, a) for g, a in zip(gs, args)] + [L(gv, value)]),
                 lisp_list([FUNCALL, L(FUNCTION, L(SETF, op)), gv] + gs))
    # Unknown accessor: assume a (setf op) function defined later.
    gs = [gensym() for _ in args]
    gv = gensym()
    return L(LET, lisp_list([L(g, a) for g, a in zip(gs, args)] + [L(gv, value)]),
             lisp_list([FUNCALL, L(FUNCTION, L(SETF, op)), gv] + gs))


@macro("SETF")
def m_setf(form, env):
    a = args_of(form)
    if len(a) % 2:
        lisp_error("odd number of arguments to SETF", ctype="PROGRAM-ERROR")
    forms = [setf_form(a[i], a[i + 1], env) for i in range(0, len(a), 2)]
    if not forms:
        return NIL
    return progn(forms)


def with_place(place, env, fn):
    """fn(access_form, store_fn) -> form, with place subforms evaluated once."""
    place = expand_place(place, env)
    if place.__class__ is Symbol:
        return fn(place, lambda v: L(SETQ, place, v))
    op = place.car
    args = list_items(place.cdr)
    gs = [gensym() for _ in args]
    access = lisp_list([op] + gs)
    body = fn(access, lambda v: setf_form(access, v, env))
    return L(LETS, lisp_list([L(g, a) for g, a in zip(gs, args)]), body)


@macro("INCF")
def m_incf(form, env):
    a = args_of(form)
    delta = a[1] if len(a) > 1 else 1
    return with_place(a[0], env, lambda acc, store: store(L(S("+"), acc, delta)))


@macro("DECF")
def m_decf(form, env):
    a = args_of(form)
    delta = a[1] if len(a) > 1 else 1
    return with_place(a[0], env, lambda acc, store: store(L(S("-"), acc, delta)))


@macro("PUSH")
def m_push(form, env):
    a = args_of(form)
    g = gensym()
    return L(LET, L(L(g, a[0])), with_place(a[1], env, lambda acc, store: store(L(CONS, g, acc))))


@macro("PUSHNEW")
def m_pushnew(form, env):
    a = args_of(form)
    g = gensym()
    return L(LET, L(L(g, a[0])),
             with_place(a[1], env, lambda acc, store: store(lisp_list([S("ADJOIN"), g, acc] + a[2:]))))


@macro("POP")
def m_pop(form, env):
    a = args_of(form)
    g = gensym()
    return with_place(a[0], env, lambda acc, store: L(LET, L(L(g, acc)), store(L(CDR, g)), L(CAR, g)))


@macro("ROTATEF")
def m_rotatef(form, env):
    a = args_of(form)
    if len(a) < 2:
        return NIL
    gs = [gensym() for _ in a]
    sets = [setf_form(a[i], gs[(i + 1) % len(a)], env) for i in range(len(a))]
    return lisp_list([LET, lisp_list([L(g, p) for g, p in zip(gs, a)])] + sets + [NIL])


@macro("SHIFTF")
def m_shiftf(form, env):
    a = args_of(form)
    places, newv = a[:-1], a[-1]
    gs = [gensym() for _ in places]
    sets = [setf_form(places[i], gs[i + 1] if i + 1 < len(places) else newv, env) for i in range(len(places))]
    return lisp_list([LET, lisp_list([L(g, p) for g, p in zip(gs, places)])] + sets + [gs[0]])


# -- backquote --------------------------------------------------------------------------------
BACKQUOTE, UNQUOTE, UNQUOTE_SPLICING, UNQUOTE_NSPLICING = (
    sys("BACKQUOTE"), sys("UNQUOTE"), sys("UNQUOTE-SPLICING"), sys("UNQUOTE-NSPLICING"))
APPEND, NCONC, LISTSTAR, VECTOR = S("APPEND"), S("NCONC"), S("LIST*"), S("VECTOR")


def _is(x, op):
    return x.__class__ is Cons and x.car is op and x.cdr.__class__ is Cons


def qq(x, depth):
    if x.__class__ is Cons:
        if x.car is UNQUOTE and x.cdr.__class__ is Cons:
            if depth == 1:
                return x.cdr.car
            return L(LIST, q(UNQUOTE), qq(x.cdr.car, depth - 1))
        if x.car is BACKQUOTE and x.cdr.__class__ is Cons:
            return L(LIST, q(BACKQUOTE), qq(x.cdr.car, depth + 1))
        if (x.car is UNQUOTE_SPLICING or x.car is UNQUOTE_NSPLICING) and x.cdr.__class__ is Cons:
            if depth == 1:
                lisp_error(",@ after backquote in ~S", x)
            return L(LIST, q(x.car), qq(x.cdr.car, depth - 1))
        segments = []   # forms whose values are appended
        cur = []        # pending single elements
        y = x
        while y.__class__ is Cons:
            if y.car is UNQUOTE and y.cdr.__class__ is Cons and y.cdr.cdr is NIL:
                # dotted unquote: `(a . ,b)
                break
            if y.car is BACKQUOTE and y.cdr.__class__ is Cons and y.cdr.cdr is NIL:
                break
            el = y.car
            if depth == 1 and (_is(el, UNQUOTE_SPLICING) or _is(el, UNQUOTE_NSPLICING)):
                if cur:
                    segments.append(lisp_list([LIST] + cur))
                    cur = []
                v = el.cdr.car
                segments.append(v if el.car is UNQUOTE_SPLICING else ("nconc", v))
            else:
                cur.append(qq(el, depth))
            y = y.cdr
        if y is NIL:
            tail = None
        else:
            tail = qq(y, depth)
        if cur:
            if tail is not None:
                segments.append(lisp_list([LISTSTAR] + cur + [tail]))
                tail = None
            else:
                segments.append(lisp_list([LIST] + cur))
        if tail is not None:
            segments.append(tail)
        if not segments:
            return NIL
        if len(segments) == 1 and segments[0].__class__ is not tuple:
            s = segments[0]
            # a lone ,@x at the end of a list is x itself (shared, as in SBCL)
            return s
        out = []
        for s in segments:
            if s.__class__ is tuple:
                out.append(s[1])
            else:
                out.append(s)
        # copy every spliced segment except the last (APPEND semantics)
        return lisp_list([APPEND] + out)
    if x.__class__ is Symbol and x is not NIL and x is not T and x.package is not KEYWORD:
        return q(x)
    if x.__class__ is LVector:
        return L(APPLY, L(FUNCTION, VECTOR), qq(lisp_list(x.active()), depth))
    return x


@macro("BACKQUOTE")
def m_backquote(form, env):
    return qq(form.cdr.car, 1)


SYS_BACKQUOTE = BACKQUOTE
BACKQUOTE.macro = m_backquote


@macro("DEFINE-MODIFY-MACRO")
def m_define_modify_macro(form, env):
    # NAME becomes a macro expanding to (%modify-place place FUNCTION args...)
    a = args_of(form)
    name, ll, fn = a[0], a[1], a[2]
    place = gensym("PLACE")
    fixed, rest, in_rest = [], NIL, False
    for p in list_items(ll):
        if p is S("&OPTIONAL"):
            continue
        if p is S("&REST"):
            in_rest = True
        elif in_rest:
            rest = p
        else:
            fixed.append(p.car if p.__class__ is Cons else p)
    body = lisp_list([S("LIST*"), L(S("QUOTE"), sys("%MODIFY-PLACE")), place, L(S("QUOTE"), fn),
                      lisp_list([S("LIST*")] + fixed + [rest])])
    return L(sys("%DEFMACRO"), name, Cons(place, ll), body)


@macro("%MODIFY-PLACE")
def m_modify_place(form, env):
    # the place's subforms once, then the arguments, then the store
    a = args_of(form)
    place, fn, args = a[0], a[1], a[2:]
    gs = [gensym("ARG") for _ in args]
    return with_place(place, env, lambda acc, store: L(
        S("LET*"), lisp_list([L(g, x) for g, x in zip(gs, args)]),
        store(lisp_list([fn, acc] + gs))))
