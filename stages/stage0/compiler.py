"""The closure compiler: each Lisp form is compiled once into a Python closure `f(env)`.

Runtime environments are Python lists `[parent, slot1, slot2, ...]`; every binding
construct (lambda, let, let*, flet, labels, multiple-value-bind...) makes one new list,
so closures capture exactly the bindings alive when they were made. Lexical variables
are resolved at compile time to (depth, index); special variables live in
`Symbol.value` and are bound dynamically by save/restore (shallow binding).

Multiple values: a form compiled with mv=True may return an `MV` tuple; with mv=False
it always returns one value (calls that may return MV get an unwrap).
"""
from .data import (Cons, NIL, T, Symbol, MV, UNBOUND, LString, Char, cl, sys, kw,
                   lisp_list, list_items)
from .conditions import BlockReturn, GoSignal, ThrowSignal, lisp_error
from .templates import Binds, make, make_expr, mark_const, mark_src

S = cl
QUOTE, FUNCTION, LAMBDA, DECLARE, SPECIAL = S("QUOTE"), S("FUNCTION"), S("LAMBDA"), S("DECLARE"), S("SPECIAL")
OPTIONAL, REST, KEY, AUX, BODY, WHOLE, ENVIRONMENT, ALLOW_OTHER_KEYS = (
    S("&OPTIONAL"), S("&REST"), S("&KEY"), S("&AUX"), S("&BODY"), S("&WHOLE"),
    S("&ENVIRONMENT"), S("&ALLOW-OTHER-KEYS"))
K_ALLOW_OTHER_KEYS = kw("ALLOW-OTHER-KEYS")
SETF = S("SETF")

SPECIAL_FORMS = {}     # Symbol -> handler(form, scope, mv) -> closure
CL_PACKAGE = S("CAR").package
SYS_PACKAGE = sys("%WHILE").package
INLINE = {}            # Symbol -> builder(arg_closures) -> closure or None
INLINE_SV = {}         # the same, used only where one value is wanted
SINGLE_VALUED = set()  # builtin function symbols that never return MV


def special_form(name):
    def deco(fn):
        sym = S(name) if isinstance(name, str) and not name.startswith("%") else sys(name)
        SPECIAL_FORMS[sym] = fn
        sym.special_form = fn
        return fn
    return deco


class Scope:
    """Compile-time lexical environment. `runtime` scopes correspond to a runtime list."""
    __slots__ = ("parent", "runtime", "vars", "funs", "macros", "symmacros", "blocks",
                 "tags", "specials", "size", "lambda_boundary")

    def __init__(self, parent, runtime):
        self.parent = parent
        self.runtime = runtime
        self.vars = None
        self.funs = None
        self.macros = None
        self.symmacros = None
        self.blocks = None
        self.tags = None
        self.specials = None
        self.size = 1  # slot 0 = parent env
        self.lambda_boundary = False

    def add_var(self, sym):
        if self.vars is None:
            self.vars = {}
        i = self.size
        self.vars[sym] = i
        self.size += 1
        return i

    def add_fun(self, sym):
        if self.funs is None:
            self.funs = {}
        i = self.size
        self.funs[sym] = i
        self.size += 1
        return i


def lookup_var(sc, sym):
    """('lex', depth, idx) | ('special',) | ('symmacro', expansion) | ('global',)"""
    if sym.special:  # proclaimed special: never lexical
        return ("special",)
    depth = 0
    while sc is not None:
        if sc.specials is not None and sym in sc.specials:
            return ("special",)
        if sc.symmacros is not None and sym in sc.symmacros:
            return ("symmacro", sc.symmacros[sym])
        if sc.vars is not None and sym in sc.vars:
            return ("lex", depth, sc.vars[sym])
        if sc.runtime:
            depth += 1
        sc = sc.parent
    return ("global",)


def lookup_fun(sc, sym):
    """('lex', depth, idx) | ('macro', fn) | None"""
    depth = 0
    while sc is not None:
        if sc.funs is not None and sym in sc.funs:
            return ("lex", depth, sc.funs[sym])
        if sc.macros is not None and sym in sc.macros:
            return ("macro", sc.macros[sym])
        if sc.runtime:
            depth += 1
        sc = sc.parent
    return None


def lookup_block(sc, name):
    while sc is not None:
        if sc.blocks is not None and name in sc.blocks:
            return sc.blocks[name]
        sc = sc.parent
    return None


def lookup_tag(sc, tag):
    while sc is not None:
        if sc.tags is not None and tag in sc.tags:
            return sc.tags[tag]
        sc = sc.parent
    return None


# -- runtime helpers -----------------------------------------------------------------
def primary(v):
    if v.__class__ is MV:
        return v[0] if v else NIL
    return v


def unbound_variable(sym):
    lisp_error("The variable ~S is unbound.", sym, ctype="UNBOUND-VARIABLE")


class UndefinedFunction:
    """Stand-in for a symbol's missing global function: calling it signals."""
    __slots__ = ("sym",)

    def __init__(self, sym):
        self.sym = sym

    def __call__(self, *args):
        lisp_error("The function ~S is undefined.", self.sym, ctype="UNDEFINED-FUNCTION")


def fdefinition_slot(sym):
    """Make sure sym.function is callable (an UndefinedFunction stub if unbound)."""
    if sym.function is None:
        sym.function = UndefinedFunction(sym)


def fboundp(sym):
    f = sym.function
    return f is not None and f.__class__ is not UndefinedFunction


# -- the compiler --------------------------------------------------------------------
def comp(x, sc, mv=False):
    cls = x.__class__
    if cls is Symbol:
        return comp_symbol(x, sc)
    if cls is Cons:
        return comp_cons(x, sc, mv)
    # self-evaluating
    return const(x)


def const(v):
    return mark_const(lambda e: v, v)


def comp_symbol(sym, sc):
    if sym.constant or sym.package is not None and sym.package.name == "KEYWORD":
        v = sym.value
        if v is not UNBOUND:
            return const(v)
    r = lookup_var(sc, sym)
    kind = r[0]
    if kind == "lex":
        return var_ref(r[1], r[2])
    if kind == "symmacro":
        return comp(r[1], sc)
    b = Binds()
    ks, ku, kf = b.name(sym), b.name(UNBOUND), b.name(unbound_variable)
    t = b.temp()
    return make_expr(f"({t} if ({t} := {ks}.value) is not {ku} else {kf}({ks}))", b)


def var_ref(depth, i):
    if depth == 0:
        return mark_src(lambda e: e[i], f"e[{i}]")
    if depth == 1:
        return mark_src(lambda e: e[0][i], f"e[0][{i}]")
    if depth == 2:
        return mark_src(lambda e: e[0][0][i], f"e[0][0][{i}]")
    if depth == 3:
        return mark_src(lambda e: e[0][0][0][i], f"e[0][0][0][{i}]")

    def ref(e):
        for _ in range(depth):
            e = e[0]
        return e[i]
    return ref


def var_set(depth, i, val):
    if depth <= 3:
        b = Binds()
        v = b.operand(val)
        target = "e" + "[0]" * depth + f"[{i}]"
        return make(f"def _f(e):\n    v = {target} = {v}\n    return v", b)
    if depth == 0:
        def s0(e):
            v = e[i] = val(e)
            return v
        return s0
    if depth == 1:
        def s1(e):
            v = e[0][i] = val(e)
            return v
        return s1

    def sn(e):
        v = val(e)
        f = e
        for _ in range(depth):
            f = f[0]
        f[i] = v
        return v
    return sn


def macroexpand_1(form, sc=None):
    """(expansion, expanded_p)"""
    if form.__class__ is Cons:
        op = form.car
        if op.__class__ is Symbol:
            lf = lookup_fun(sc, op)
            if lf is not None:
                if lf[0] == "macro":
                    return lf[1](form, sc), True
                return form, False
            if op.macro is not None and op not in SPECIAL_FORMS:
                return op.macro(form, sc), True
    elif form.__class__ is Symbol:
        r = lookup_var(sc, form)
        if r[0] == "symmacro":
            return r[1], True
    return form, False


def macroexpand(form, sc=None):
    expanded = False
    while True:
        form, e = macroexpand_1(form, sc)
        if not e:
            return form, expanded
        expanded = True


def comp_cons(x, sc, mv):
    op = x.car
    if op.__class__ is Symbol:
        lf = lookup_fun(sc, op)
        if lf is not None:
            if lf[0] == "macro":
                return comp(lf[1](x, sc), sc, mv)
            return comp_local_call(lf[1], lf[2], x.cdr, sc, mv)
        h = SPECIAL_FORMS.get(op)
        if h is not None:
            return h(x, sc, mv)
        if op.macro is not None:
            return comp(op.macro(x, sc), sc, mv)
        return comp_global_call(op, x.cdr, sc, mv)
    if op.__class__ is Cons and op.car is LAMBDA:
        fn = comp_lambda(op.cdr.car, op.cdr.cdr, sc)
        args = [comp(a, sc) for a in list_items(x.cdr)]
        call = _call_dynamic(fn, args)
        return call if mv else _unwrap(call)
    lisp_error("illegal function call: ~S", x, ctype="PROGRAM-ERROR")


def _unwrap(c):
    def u(e):
        v = c(e)
        if v.__class__ is MV:
            return v[0] if v else NIL
        return v
    return u


def _call_dynamic(fnc, args):
    """fnc(e) yields the function object."""
    n = len(args)
    if n == 0:
        return lambda e: fnc(e)()
    if n == 1:
        a, = args
        return lambda e: fnc(e)(a(e))
    if n == 2:
        a, b = args
        return lambda e: fnc(e)(a(e), b(e))
    if n == 3:
        a, b, c = args
        return lambda e: fnc(e)(a(e), b(e), c(e))
    return lambda e: fnc(e)(*[a(e) for a in args])


def comp_local_call(depth, idx, argforms, sc, mv):
    args = [comp(a, sc) for a in list_items(argforms)]
    b = Binds()
    fsrc = var_ref(depth, idx).src
    return _call_template(fsrc, args, b, mv)


def _call_template(fsrc, args, b, mv):
    ops = ", ".join(b.operand(a) for a in args)
    if mv:
        return make_expr(f"{fsrc}({ops})", b)
    t = b.temp()
    return make_expr(f"(({t}[0] if {t} else NIL) if ({t} := {fsrc}({ops})).__class__ is MV else {t})", b)


def comp_global_call(sym, argforms, sc, mv):
    args = [comp(a, sc) for a in list_items(argforms)]
    inl = INLINE.get(sym)
    if inl is not None:
        c = inl(args)
        if c is not None:
            return c
    if not mv:
        inl = INLINE_SV.get(sym)
        if inl is not None:
            c = inl(args)
            if c is not None:
                return c
    if getattr(sym.function, "struct_accessor", None) is not None:
        from .inline import struct_accessor_call
        c = struct_accessor_call(sym, args)
        if c is not None:
            return c
    fdefinition_slot(sym)
    b = Binds()
    return _call_template(b.name(sym) + ".function", args, b, mv or sym in SINGLE_VALUED)


# -- bodies and declarations -----------------------------------------------------------
def parse_body(body, allow_doc=False):
    """(declared specials list, remaining forms list)"""
    forms = list_items(body)
    specials = []
    i = 0
    while i < len(forms):
        f = forms[i]
        if f.__class__ is Cons and f.car is DECLARE:
            for d in list_items(f.cdr):
                if d.__class__ is Cons and d.car is SPECIAL:
                    specials.extend(list_items(d.cdr))
            i += 1
        elif allow_doc and f.__class__ is LString and i + 1 < len(forms):
            i += 1
        else:
            break
    return specials, forms[i:]


def comp_progn_list(forms, sc, mv):
    if not forms:
        return const(NIL)
    cs = [comp(f, sc, False) for f in forms[:-1]]
    last = comp(forms[-1], sc, mv)
    # variables and constants in non-final position have no effect: drop them
    cs = [c for c in cs if getattr(c, "src", None) is None and not hasattr(c, "const")]
    if not cs:
        return last
    b = Binds()
    lines = ["def _f(e):"]
    for c in cs:
        lines.append(f"    {b.operand(c)}")
    lines.append(f"    return {b.operand(last)}")
    f = make("\n".join(lines), b)
    f.stmts = cs + [last]
    return f


def host_frame(sc):
    """The nearest scope with a runtime frame (None at top level)."""
    while sc is not None and not sc.runtime:
        sc = sc.parent
    return sc


_CLOSURE_MAKERS = None


def closure_free(forms, sc, limit=4000):
    """True when no closure can be made inside forms (so their bindings may live in the
    enclosing frame): no lambda, flet, labels, nested defun, :no-error clause, local
    macro or user macro (whose expansion is unknown). Conservative."""
    global _CLOSURE_MAKERS
    if _CLOSURE_MAKERS is None:
        _CLOSURE_MAKERS = {S("LAMBDA"), S("FLET"), S("LABELS"), S("DEFUN"), S("DEFMACRO"),
                           sys("%NAMED-LAMBDA"), sys("%DEFUN"), sys("%DEFMACRO"), kw("NO-ERROR"),
                           S("DEFINE-CONDITION"), S("DEFSTRUCT"), sys("%DEFSTRUCT"),
                           sys("%DEFINE-CONDITION"), S("FUNCTION")}
    makers = _CLOSURE_MAKERS
    stack = list(forms)
    count = 0
    while stack:
        x = stack.pop()
        count += 1
        if count > limit:
            return False
        if x.__class__ is Cons:
            op = x.car
            if op.__class__ is Symbol:
                if op in makers:
                    if op is S("FUNCTION") and x.cdr.__class__ is Cons and x.cdr.car.__class__ is Symbol:
                        stack.append(x.cdr.cdr)
                        continue
                    return False
                if op.macro is not None and op.package is not CL_PACKAGE and op.package is not SYS_PACKAGE:
                    return False
                if sc is not None and op.__class__ is Symbol:
                    lf = lookup_fun(sc, op)
                    if lf is not None and lf[0] == "macro":
                        return False
            while x.__class__ is Cons:
                stack.append(x.car)
                x = x.cdr
        elif x.__class__ is Symbol and x in makers:
            return False
    return True


def body_lines(body, b):
    """Statement lines (in a def) running the compiled progn body and returning its value."""
    stmts = getattr(body, "stmts", None) or [body]
    lines = [f"    {b.operand(c)}" for c in stmts[:-1]
             if getattr(c, "src", None) is None and not hasattr(c, "const")]
    lines.append(f"    return {b.operand(stmts[-1])}")
    return lines


def comp_body(body, sc, mv):
    """Body with leading declarations (in a scope that may declare specials)."""
    specials, forms = parse_body(body)
    if specials:
        sc2 = Scope(sc, False)
        sc2.specials = set(specials)
        sc = sc2
    return comp_progn_list(forms, sc, mv)


# -- special forms ------------------------------------------------------------------------
@special_form("QUOTE")
def sf_quote(x, sc, mv):
    return const(x.cdr.car)


@special_form("PROGN")
def sf_progn(x, sc, mv):
    return comp_progn_list(list_items(x.cdr), sc, mv)


@special_form("IF")
def sf_if(x, sc, mv):
    args = list_items(x.cdr)
    if len(args) not in (2, 3):
        lisp_error("IF needs 2 or 3 arguments: ~S", x, ctype="PROGRAM-ERROR")
    test = comp_test(args[0], sc)
    then = comp(args[1], sc, mv)
    else_ = comp(args[2], sc, mv) if len(args) == 3 else const(NIL)
    b = Binds()
    t = test(b)
    return make_expr(f"({b.operand(then)} if {t} else {b.operand(else_)})", b)


@special_form("AND")
def sf_and(x, sc, mv):
    args = list_items(x.cdr)
    if not args:
        return const(T)
    if len(args) == 1:
        return comp(args[0], sc, mv)
    tests = [comp_test(a, sc) for a in args[:-1]]
    last = comp(args[-1], sc, mv)
    b = Binds()
    conds = " and ".join(f"({t(b)})" for t in tests)
    return make_expr(f"({b.operand(last)} if {conds} else NIL)", b)


@special_form("OR")
def sf_or(x, sc, mv):
    args = list_items(x.cdr)
    if not args:
        return const(NIL)
    if len(args) == 1:
        return comp(args[0], sc, mv)
    firsts = [comp(a, sc) for a in args[:-1]]
    last = comp(args[-1], sc, mv)
    b = Binds()
    src = b.operand(last)
    parts = []
    for f in firsts:
        t = b.temp()
        parts.append((t, b.operand(f)))
    for t, fs in reversed(parts):
        src = f"({t} if ({t} := {fs}) is not NIL else {src})"
    return make_expr(src, b)


# A test is compiled to a "test spec": a function of a Binds that returns the source of
# a Python boolean expression (operands inlined), so IF/AND/WHILE embed it directly.
TESTS = {}  # Symbol -> builder(arg forms, scope) -> test spec, or None


def comp_test(form, sc):
    """Compile form for its truth value only: returns a test spec."""
    if form.__class__ is Cons and form.car.__class__ is Symbol:
        op = form.car
        bld = TESTS.get(op)
        if bld is not None and lookup_fun(sc, op) is None:
            r = bld(list_items(form.cdr), sc)
            if r is not None:
                return r
        if op.macro is not None and op not in SPECIAL_FORMS and lookup_fun(sc, op) is None:
            return comp_test(op.macro(form, sc), sc)
    elif form is NIL:
        return lambda b: "False"
    elif form.__class__ is not Symbol:
        return lambda b: "True"
    c = comp(form, sc)
    return lambda b: f"{b.operand(c)} is not NIL"


def _test(name):
    def deco(fn):
        TESTS[S(name)] = fn
        return fn
    return deco


def _one(args, sc):
    return comp(args[0], sc) if len(args) == 1 else None


@_test("NOT")
def _t_not(args, sc):
    if len(args) != 1:
        return None
    t = comp_test(args[0], sc)
    return lambda b: f"not ({t(b)})"


TESTS[S("NULL")] = _t_not


@_test("AND")
def _t_and(args, sc):
    ts = [comp_test(a, sc) for a in args]
    if not ts:
        return lambda b: "True"
    return lambda b: "(" + " and ".join(f"({t(b)})" for t in ts) + ")"


@_test("OR")
def _t_or(args, sc):
    ts = [comp_test(a, sc) for a in args]
    if not ts:
        return lambda b: "False"
    return lambda b: "(" + " or ".join(f"({t(b)})" for t in ts) + ")"


def _is_identity_const(k):
    if k.__class__ is Cons and k.car is QUOTE and k.cdr.__class__ is Cons:
        return k.cdr.car.__class__ is not int, k.cdr.car
    if k.__class__ is Symbol and (k is NIL or k is T or (k.package is not None and k.package.name == "KEYWORD")):
        return True, k
    if k.__class__ is Char:
        return True, k
    return False, None


def _t_eql(args, sc):
    if len(args) != 2:
        return None
    a, b_ = args
    for p, k in ((a, b_), (b_, a)):
        ok, kv = _is_identity_const(k)
        if ok:
            pc = comp(p, sc)
            kc = const(kv)
            return lambda b: f"{b.operand(pc)} is {b.operand(kc)}"
    ac = comp(a, sc)
    bc = comp(b_, sc)

    def spec(b):
        x = b.temp()
        y = b.temp()
        return (f"((({x} := {b.operand(ac)}) is ({y} := {b.operand(bc)})) or "
                f"({x}.__class__ is int and {y}.__class__ is int and {x} == {y}))")
    return spec


TESTS[S("EQ")] = _t_eql
TESTS[S("EQL")] = _t_eql


def _class_test(name, cls_src, negate=False):
    def bld(args, sc):
        c = _one(args, sc)
        if c is None:
            return None
        op = "is not" if negate else "is"
        return lambda b: f"{b.operand(c)}.__class__ {op} {cls_src}"
    TESTS[S(name)] = bld


_class_test("CONSP", "Cons")
_class_test("ATOM", "Cons", negate=True)
_class_test("SYMBOLP", "Symbol")
_class_test("STRINGP", "LString")
_class_test("INTEGERP", "int")
_class_test("CHARACTERP", "Char")


def _slow_test(name, argsrc, b):
    return f"{b.name(S(name))}.function({argsrc}) is not NIL"


def _int_cmp_test(pyop, name):
    def bld(args, sc):
        if len(args) != 2:
            return None
        ac = comp(args[0], sc)
        bc = comp(args[1], sc)
        if args[1].__class__ is int:
            k = args[1]

            def speck(b):
                x = b.temp()
                return (f"({x} {pyop} {k} if ({x} := {b.operand(ac)}).__class__ is int "
                        f"else {_slow_test(name, f'{x}, {k}', b)})")
            return speck

        def spec(b):
            x = b.temp()
            y = b.temp()
            return (f"({x} {pyop} {y} if (({x} := {b.operand(ac)}).__class__ is int) & "
                    f"(({y} := {b.operand(bc)}).__class__ is int) else {_slow_test(name, f'{x}, {y}', b)})")
        return spec
    TESTS[S(name)] = bld


for _n, _o in (("<", "<"), (">", ">"), ("<=", "<="), (">=", ">="), ("=", "==")):
    _int_cmp_test(_o, _n)


@_test("ENDP")
def _t_endp(args, sc):
    c = _one(args, sc)
    if c is None:
        return None

    def spec(b):
        x = b.temp()
        return (f"(False if ({x} := {b.operand(c)}).__class__ is Cons "
                f"else {_slow_test('ENDP', x, b)})")
    return spec


@_test("ZEROP")
def _t_zerop(args, sc):
    c = _one(args, sc)
    if c is None:
        return None

    def spec(b):
        x = b.temp()
        return (f"({x} == 0 if ({x} := {b.operand(c)}).__class__ is int "
                f"else {_slow_test('ZEROP', x, b)})")
    return spec


def _char_test(pyop, name):
    def bld(args, sc):
        if len(args) != 2:
            return None
        ac = comp(args[0], sc)
        bc = comp(args[1], sc)

        def spec(b):
            x = b.temp()
            y = b.temp()
            return (f"({x}.code {pyop} {y}.code if (({x} := {b.operand(ac)}).__class__ is Char) & "
                    f"(({y} := {b.operand(bc)}).__class__ is Char) else {_slow_test(name, f'{x}, {y}', b)})")
        return spec
    TESTS[S(name)] = bld


for _n, _o in (("CHAR=", "=="), ("CHAR/=", "!="), ("CHAR<", "<"), ("CHAR>", ">"),
               ("CHAR<=", "<="), ("CHAR>=", ">=")):
    _char_test(_o, _n)


@special_form("SETQ")
def sf_setq(x, sc, mv):
    args = list_items(x.cdr)
    if len(args) % 2:
        lisp_error("odd number of arguments to SETQ: ~S", x, ctype="PROGRAM-ERROR")
    cs = []
    for i in range(0, len(args), 2):
        cs.append(comp_assign(args[i], args[i + 1], sc))
    if not cs:
        return lambda e: NIL
    if len(cs) == 1:
        return cs[0]

    def setq_n(e):
        v = NIL
        for c in cs:
            v = c(e)
        return v
    return setq_n


def comp_assign(sym, valform, sc):
    if sym.__class__ is not Symbol:
        lisp_error("~S is not a variable name", sym, ctype="PROGRAM-ERROR")
    r = lookup_var(sc, sym)
    if r[0] == "symmacro":
        return comp(lisp_list([SETF, r[1], valform]), sc)
    val = comp(valform, sc)
    if r[0] == "lex":
        return var_set(r[1], r[2], val)
    if sym.constant:
        lisp_error("~S is a constant and cannot be set.", sym)

    def gset(e):
        v = sym.value = val(e)
        return v
    return gset


def _is_special(sym, declared):
    return sym.special or sym in declared


def _binding_parts(b):
    if b.__class__ is Symbol:
        return b, None
    if b.__class__ is Cons:
        var = b.car
        init = b.cdr.car if b.cdr.__class__ is Cons else None
        return var, init
    lisp_error("bad binding: ~S", b, ctype="PROGRAM-ERROR")


def dynamic_bind(syms, vals, body_thunk):
    olds = [s.value for s in syms]
    for s, v in zip(syms, vals):
        s.value = v
    try:
        return body_thunk()
    finally:
        for s, o in zip(syms, olds):
            s.value = o


@special_form("LET")
def sf_let(x, sc, mv):
    bindings = list_items(x.cdr.car)
    specials, forms = parse_body(x.cdr.cdr)
    declared = set(specials)
    inits = []
    lex_syms = []
    dyn = []  # (sym, init)
    for b in bindings:
        var, init = _binding_parts(b)
        ic = comp(init, sc) if init is not None else (lambda e: NIL)
        if _is_special(var, declared):
            dyn.append((var, ic))
        else:
            lex_syms.append(var)
            inits.append(ic)
    host = host_frame(sc)
    if not dyn and not declared and host is not None and inits and closure_free(forms, sc):
        # the variables get slots in the enclosing frame: no new frame per entry
        nsc = Scope(sc, False)
        nsc.vars = {}
        idxs = []
        for v in lex_syms:
            idxs.append(host.size)
            nsc.vars[v] = host.size
            host.size += 1
        body = comp_progn_list(forms, nsc, mv)
        b = Binds()
        lines = ["def _f(e):"]
        if len(inits) == 1:
            lines.append(f"    e[{idxs[0]}] = {b.operand(inits[0])}")
        else:
            temps = [b.temp() for _ in inits]
            for t, i in zip(temps, inits):
                lines.append(f"    {t} = {b.operand(i)}")
            for t, i in zip(temps, idxs):
                lines.append(f"    e[{i}] = {t}")
        lines += body_lines(body, b)
        return make("\n".join(lines), b)
    nsc = Scope(sc, True)
    for s in lex_syms:
        nsc.add_var(s)
    if declared:
        nsc.specials = set(d for d in declared if d not in nsc.vars or d in [v for v, _ in dyn]) if nsc.vars else set(declared)
    body = comp_progn_list(forms, nsc, mv)
    n = len(inits)
    extra = nsc.size - 1 - n
    if not dyn:
        b = Binds()
        bs = b.name(body)
        items = "".join(", " + b.operand(i) for i in inits)
        return make_expr(f"{bs}([e{items}{', None' * extra}])", b)
    dsyms = [s for s, _ in dyn]
    dinits = [i for _, i in dyn]
    # Evaluate all inits in order (lexical and special interleaved as written).
    order = []
    li = di = 0
    for b in bindings:
        var, _ = _binding_parts(b)
        if _is_special(var, declared):
            order.append(("d", di))
            di += 1
        else:
            order.append(("l", li))
            li += 1

    def let_dyn(e):
        lv = [None] * n
        dv = [None] * len(dinits)
        for kind, k in order:
            if kind == "l":
                lv[k] = inits[k](e)
            else:
                dv[k] = dinits[k](e)
        ne = [e] + lv + [None] * extra
        return dynamic_bind(dsyms, dv, lambda: body(ne))
    return let_dyn


@special_form("LET*")
def sf_letstar(x, sc, mv):
    bindings = list_items(x.cdr.car)
    specials, forms = parse_body(x.cdr.cdr)
    declared = set(specials)
    if any(_is_special(_binding_parts(b)[0], declared) for b in bindings):
        # nest one LET per binding so dynamic bindings are established in order
        if not bindings:
            return sf_let(x, sc, mv)
        LET = S("LET")
        LETS = S("LET*")
        decl = lisp_list([DECLARE, lisp_list([SPECIAL] + specials)]) if specials else None
        inner = lisp_list([LETS, lisp_list(bindings[1:])] + ([decl] if decl else []) + forms)
        return sf_let(lisp_list([LET, lisp_list([bindings[0]])] + ([decl] if decl else []) + [inner]), sc, mv)
    host = host_frame(sc)
    if not declared and host is not None and bindings and closure_free(forms, sc):
        nsc = Scope(sc, False)
        nsc.vars = {}
        b = Binds()
        lines = ["def _f(e):"]
        for bnd in bindings:
            var, init = _binding_parts(bnd)
            ic = comp(init, nsc) if init is not None else const(NIL)
            lines.append(f"    e[{host.size}] = {b.operand(ic)}")
            nsc.vars[var] = host.size
            host.size += 1
        body = comp_progn_list(forms, nsc, mv)
        lines += body_lines(body, b)
        return make("\n".join(lines), b)
    nsc = Scope(sc, True)
    inits = []
    for b in bindings:
        var, init = _binding_parts(b)
        inits.append((comp(init, nsc) if init is not None else (lambda e: NIL), nsc.size))
        nsc.add_var(var)
    body = comp_progn_list(forms, nsc, mv)
    size = nsc.size
    if len(inits) <= 4:
        b = Binds()
        lines = ["def _f(e0):", f"    e = [e0{', None' * (size - 1)}]"]
        for init, i in inits:
            lines.append(f"    e[{i}] = {b.operand(init)}")
        lines.append(f"    return {b.name(body)}(e)")
        return make("\n".join(lines), b)

    def lets(e):
        ne = [e] + [None] * (size - 1)
        for init, i in inits:
            ne[i] = init(ne)
        return body(ne)
    return lets


@special_form("LOCALLY")
def sf_locally(x, sc, mv):
    return comp_body(x.cdr, sc, mv)


@special_form("THE")
def sf_the(x, sc, mv):
    return comp(x.cdr.cdr.car, sc, mv)


@special_form("EVAL-WHEN")
def sf_eval_when(x, sc, mv):
    situations = list_items(x.cdr.car)
    names = {s.name for s in situations if s.__class__ is Symbol}
    if names & {"EXECUTE", "LOAD-TOPLEVEL", "EVAL", "LOAD"}:
        return comp_progn_list(list_items(x.cdr.cdr), sc, mv)
    return lambda e: NIL


@special_form("LOAD-TIME-VALUE")
def sf_load_time_value(x, sc, mv):
    c = comp(x.cdr.car, None)
    cell = []

    def ltv(e):
        if not cell:
            cell.append(c(None))
        return cell[0]
    return ltv


@special_form("DECLARE")
def sf_declare(x, sc, mv):
    return lambda e: NIL


# -- functions ------------------------------------------------------------------------
@special_form("FUNCTION")
def sf_function(x, sc, mv):
    f = x.cdr.car
    if f.__class__ is Symbol:
        lf = lookup_fun(sc, f)
        if lf is not None and lf[0] == "lex":
            return var_ref(lf[1], lf[2])

        def gf(e):
            fn = f.function
            if fn is None or fn.__class__ is UndefinedFunction:
                lisp_error("The function ~S is undefined.", f, ctype="UNDEFINED-FUNCTION")
            return fn
        return gf
    if f.__class__ is Cons and f.car is LAMBDA:
        return comp_lambda(f.cdr.car, f.cdr.cdr, sc)
    if f.__class__ is Cons and f.car is sys("%NAMED-LAMBDA"):
        return comp_lambda(f.cdr.cdr.car, f.cdr.cdr.cdr, sc, name=f.cdr.car)
    if f.__class__ is Cons and f.car is SETF:
        name = f.cdr.car

        def sf(e):
            fn = setf_function(name)
            if fn is None:
                lisp_error("The function (SETF ~S) is undefined.", name, ctype="UNDEFINED-FUNCTION")
            return fn
        return sf
    lisp_error("bad function name: ~S", f, ctype="PROGRAM-ERROR")


SETF_FUNCTIONS = {}


def setf_function(sym):
    return SETF_FUNCTIONS.get(sym)


@special_form("LAMBDA")
def sf_lambda(x, sc, mv):
    return comp_lambda(x.cdr.car, x.cdr.cdr, sc)


@special_form("%NAMED-LAMBDA")
def sf_named_lambda(x, sc, mv):
    return comp_lambda(x.cdr.cdr.car, x.cdr.cdr.cdr, sc, name=x.cdr.car)


class LambdaList:
    """Parsed (possibly destructuring) lambda list, with slot indices in one frame."""
    __slots__ = ("whole", "env", "req", "opt", "rest", "keys", "allow_other", "aux",
                 "has_key", "specials", "simple")

    def __init__(self):
        self.whole = None
        self.env = None
        self.req = []    # slot index, or nested LambdaList
        self.opt = []    # (target, init closure or None, svar slot or None)
        self.rest = None
        self.keys = []   # (keyword, target, init, svar)
        self.allow_other = False
        self.aux = []    # (slot, init)
        self.has_key = False
        self.specials = []
        self.simple = False


def parse_lambda_list(ll, nsc, destructuring, declared_specials):
    """Parse ll, adding its variables to nsc in order and compiling init forms in nsc."""
    L = LambdaList()
    specials_to_bind = []

    def target(v):
        if v.__class__ is Cons or (destructuring and v is NIL and False):
            if not destructuring:
                lisp_error("bad lambda list element ~S", v, ctype="PROGRAM-ERROR")
            return parse_lambda_list(v, nsc, True, declared_specials)
        if v.__class__ is not Symbol or v is NIL or v is T:
            lisp_error("bad variable in lambda list: ~S", v, ctype="PROGRAM-ERROR")
        i = nsc.add_var(v)
        if v.special or v in declared_specials:
            specials_to_bind.append((v, i))
        return i

    state = "req"
    x = ll
    while x.__class__ is Cons:
        item = x.car
        x = x.cdr
        if item is OPTIONAL:
            state = "opt"
            continue
        if item is REST or item is BODY:
            state = "rest"
            continue
        if item is KEY:
            state = "key"
            L.has_key = True
            continue
        if item is ALLOW_OTHER_KEYS:
            L.allow_other = True
            continue
        if item is AUX:
            state = "aux"
            continue
        if item is WHOLE:
            L.whole = target(x.car)
            x = x.cdr
            continue
        if item is ENVIRONMENT:
            L.env = target(x.car)
            x = x.cdr
            continue
        if state == "req":
            L.req.append(target(item))
        elif state == "opt":
            if item.__class__ is Cons:
                var = item.car
                init = item.cdr.car if item.cdr.__class__ is Cons else None
                svar = item.cdr.cdr.car if item.cdr.__class__ is Cons and item.cdr.cdr.__class__ is Cons else None
            else:
                var, init, svar = item, None, None
            ic = comp(init, nsc) if init is not None else None
            t = target(var)
            L.opt.append((t, ic, target(svar) if svar is not None else None))
        elif state == "rest":
            L.rest = target(item)
        elif state == "key":
            if item.__class__ is Cons:
                spec = item.car
                init = item.cdr.car if item.cdr.__class__ is Cons else None
                svar = item.cdr.cdr.car if item.cdr.__class__ is Cons and item.cdr.cdr.__class__ is Cons else None
            else:
                spec, init, svar = item, None, None
            if spec.__class__ is Cons:
                key, var = spec.car, spec.cdr.car
            else:
                key, var = kw(spec.name), spec
            ic = comp(init, nsc) if init is not None else None
            t = target(var)
            L.keys.append((key, t, ic, target(svar) if svar is not None else None))
        elif state == "aux":
            var, init = _binding_parts(item)
            ic = comp(init, nsc) if init is not None else None
            L.aux.append((target(var), ic))
    if x is not NIL:
        L.rest = target(x)  # dotted rest (a b . c)
    L.specials = specials_to_bind
    L.simple = (not destructuring and not L.opt and L.rest is None and not L.has_key
                and not L.aux and L.whole is None and L.env is None and not specials_to_bind)
    return L


def bind_args(L, ne, args):
    """Fill slots of frame ne from the Python sequence args (ordinary lambda list)."""
    nreq = len(L.req)
    n = len(args)
    if n < nreq:
        lisp_error("invalid number of arguments: ~D", n, ctype="PROGRAM-ERROR")
    i = 0
    for t in L.req:
        _store(t, ne, args[i])
        i += 1
    for t, init, svar in L.opt:
        if i < n:
            _store(t, ne, args[i])
            i += 1
            if svar is not None:
                ne[svar] = T
        else:
            _store(t, ne, primary(init(ne)) if init is not None else NIL)
            if svar is not None:
                ne[svar] = NIL
    if L.rest is not None:
        _store(L.rest, ne, lisp_list(list(args[i:])) if i < n else NIL)
    elif not L.has_key and i < n:
        lisp_error("invalid number of arguments: ~D", n, ctype="PROGRAM-ERROR")
    if L.has_key:
        _bind_keys(L, ne, args[i:])
    for t, init in L.aux:
        _store(t, ne, primary(init(ne)) if init is not None else NIL)


def _bind_keys(L, ne, kargs):
    if len(kargs) % 2:
        lisp_error("odd number of &KEY arguments", ctype="PROGRAM-ERROR")
    given = {}
    for k in range(0, len(kargs), 2):
        if kargs[k] not in given:
            given[kargs[k]] = kargs[k + 1]
    for key, t, init, svar in L.keys:
        if key in given:
            _store(t, ne, given[key])
            if svar is not None:
                ne[svar] = T
        else:
            _store(t, ne, primary(init(ne)) if init is not None else NIL)
            if svar is not None:
                ne[svar] = NIL
    if not L.allow_other and given.get(K_ALLOW_OTHER_KEYS, NIL) is NIL:
        allowed = {k for k, _, _, _ in L.keys}
        for k in given:
            if k not in allowed and k is not K_ALLOW_OTHER_KEYS:
                lisp_error("Unknown &KEY argument: ~S", k, ctype="PROGRAM-ERROR")


def _store(t, ne, v):
    if t.__class__ is int:
        ne[t] = v
    else:
        destructure(t, ne, v)


def destructure(L, ne, value):
    """Bind a destructuring lambda list against a Lisp value (rest shares structure)."""
    if L.whole is not None:
        _store(L.whole, ne, value)
    x = value
    for t in L.req:
        if x.__class__ is not Cons:
            lisp_error("error while parsing arguments: too few elements in ~S", value,
                       ctype="PROGRAM-ERROR")
        _store(t, ne, x.car)
        x = x.cdr
    for t, init, svar in L.opt:
        if x.__class__ is Cons:
            _store(t, ne, x.car)
            x = x.cdr
            if svar is not None:
                ne[svar] = T
        else:
            _store(t, ne, primary(init(ne)) if init is not None else NIL)
            if svar is not None:
                ne[svar] = NIL
    if L.rest is not None:
        _store(L.rest, ne, x)
    if L.has_key:
        _bind_keys(L, ne, list_items(x))
    elif L.rest is None and x is not NIL:
        lisp_error("error while parsing arguments: too many elements in ~S", value,
                   ctype="PROGRAM-ERROR")
    for t, init in L.aux:
        _store(t, ne, primary(init(ne)) if init is not None else NIL)


def comp_lambda(ll, body, sc, name=None, destructuring=False):
    """Returns a closure e -> Python function."""
    specials, forms = parse_body(body, allow_doc=True)
    declared = set(specials)
    nsc = Scope(sc, True)
    nsc.lambda_boundary = True
    L = parse_lambda_list(ll, nsc, destructuring, declared)
    if declared:
        nsc.specials = set(declared)  # special parameters are read from Symbol.value
    block_tag = None
    if name is not None and name.__class__ is Symbol and L.simple and forms:
        # a named function of required parameters: its body becomes Python statements
        # inside the function itself (RETURN-FROM in statement position is `return`)
        bsc = Scope(nsc, False)
        info = BlockInfo(name)
        bsc.blocks = {name: info}
        b = Binds()
        lines = []
        for i, f in enumerate(forms):
            comp_stmt(f, bsc, info, i == len(forms) - 1, True, b, lines, 3)
        n = len(L.req)
        size = nsc.size
        params = ", ".join(f"a{i}" for i in range(n))
        frame = "".join(f", a{i}" for i in range(n)) + ", None" * (size - 1 - n)
        kn, kname = b.name(_note), b.name(name)
        body = "\n".join(lines)
        handler = ""
        if info.used:
            ktag, kbr = b.name(info.tag), b.name(BlockReturn)
            handler = f"""
        except {kbr} as r:
            if r.tag is {ktag}:
                return r.value
            raise"""
        return make(f"""def _f(penv):
    def f({params}):
        e = [penv{frame}]
        try:
{body}{handler}
        except Exception as ex:
            {kn}(ex, {kname})
            raise
    f.lisp_name = {kname}
    return f""", b)
    if name is not None and name.__class__ is Symbol:
        bsc = Scope(nsc, False)
        info = BlockInfo(name)
        bsc.blocks = {name: info}
        inner = comp_progn_list(forms, bsc, True)
        body_c = wrap_block(info, inner)
        if info.used:
            block_tag = info.tag
            simple_body = inner
    else:
        body_c = comp_progn_list(forms, nsc, True)
    lname = name if name is not None else LAMBDA
    size = nsc.size
    if L.simple:
        n = len(L.req)
        b = Binds()
        params = ", ".join(f"a{i}" for i in range(n))
        frame = "".join(f", a{i}" for i in range(n)) + ", None" * (size - 1 - n)
        kn, kname, kerr = b.name(_note), b.name(name), b.name(lname)
        if block_tag is not None:
            # the function's own block: caught right here, no extra closure level
            body_src = b.operand(simple_body)
            ktag, kbr = b.name(block_tag), b.name(BlockReturn)
            return make(f"""def _f(penv):
    def f({params}):
        e = [penv{frame}]
        try:
            return {body_src}
        except {kbr} as r:
            if r.tag is {ktag}:
                return r.value
            raise
        except Exception as ex:
            {kn}(ex, {kerr})
            raise
    f.lisp_name = {kname}
    return f""", b)
        body_src = b.operand(body_c)
        return make(f"""def _f(penv):
    def f({params}):
        e = [penv{frame}]
        try:
            return {body_src}
        except Exception as ex:
            {kn}(ex, {kerr})
            raise
    f.lisp_name = {kname}
    return f""", b)
    spec_binds = L.specials

    def mkg(e):
        def f(*args):
            ne = [e] + [NIL] * (size - 1)
            try:
                bind_args(L, ne, args)
                if spec_binds:
                    syms = [s for s, _ in spec_binds]
                    return dynamic_bind(syms, [ne[i] for _, i in spec_binds], lambda: body_c(ne))
                return body_c(ne)
            except Exception as ex:
                _note(ex, lname)
                raise
        f.lisp_name = name
        return f
    return mkg


def _note(ex, name):
    if getattr(ex, "lisp_fn", None) is None:
        try:
            ex.lisp_fn = name
        except AttributeError:
            pass


def comp_macro_lambda(ll, body, name):
    """A macro expander: Python function (form, env) -> expansion."""
    specials, forms = parse_body(body, allow_doc=True)
    nsc = Scope(None, True)
    nsc.lambda_boundary = True
    # (name . ll) destructures the whole form; &whole/&environment handled by parse.
    L = parse_lambda_list(ll, nsc, True, set(specials))
    bsc = Scope(nsc, False)
    info = BlockInfo(name)
    bsc.blocks = {name: info}
    body_c = wrap_block(info, comp_progn_list(forms, bsc, False))
    size = nsc.size
    envslot = L.env
    L.env = None
    whole = L.whole
    L.whole = None

    def expander(form, env):
        ne = [None] + [NIL] * (size - 1)
        if envslot is not None:
            ne[envslot] = env if env is not None else NIL
        if whole is not None:
            _store(whole, ne, form)
        destructure(L, ne, form.cdr)
        return body_c(ne)
    expander.lisp_name = name
    return expander


# -- flet / labels / macrolet / symbol-macrolet --------------------------------------------
@special_form("FLET")
def sf_flet(x, sc, mv):
    defs = list_items(x.cdr.car)
    makers = [comp_lambda(d.cdr.car, d.cdr.cdr, sc, name=d.car if d.car.__class__ is Symbol else None) for d in defs]
    nsc = Scope(sc, True)
    for d in defs:
        nsc.add_fun(d.car)
    body = comp_body(x.cdr.cdr, nsc, mv)
    pad = [None] * (nsc.size - 1 - len(defs))
    return lambda e: body([e] + [m(e) for m in makers] + pad)


@special_form("LABELS")
def sf_labels(x, sc, mv):
    defs = list_items(x.cdr.car)
    nsc = Scope(sc, True)
    for d in defs:
        nsc.add_fun(d.car)
    makers = [comp_lambda(d.cdr.car, d.cdr.cdr, nsc, name=d.car) for d in defs]
    body = comp_body(x.cdr.cdr, nsc, mv)
    n = nsc.size - 1

    def labels(e):
        ne = [e] + [None] * n
        for i, m in enumerate(makers):
            ne[i + 1] = m(ne)
        return body(ne)
    return labels


@special_form("MACROLET")
def sf_macrolet(x, sc, mv):
    nsc = Scope(sc, False)
    nsc.macros = {}
    for d in list_items(x.cdr.car):
        nsc.macros[d.car] = comp_macro_lambda(d.cdr.car, d.cdr.cdr, d.car)
    return comp_body(x.cdr.cdr, nsc, mv)


@special_form("SYMBOL-MACROLET")
def sf_symbol_macrolet(x, sc, mv):
    nsc = Scope(sc, False)
    nsc.symmacros = {}
    for d in list_items(x.cdr.car):
        nsc.symmacros[d.car] = d.cdr.car
    return comp_body(x.cdr.cdr, nsc, mv)


# -- blocks, tagbody, catch, unwind-protect -------------------------------------------------
class BlockInfo:
    __slots__ = ("name", "tag", "used")

    def __init__(self, name):
        self.name = name
        self.tag = object()
        self.used = False


def wrap_block(info, body):
    if not info.used:
        return body
    tag = info.tag
    if True:
        b = Binds()
        stmts = getattr(body, "stmts", None) or [body]
        lines = [f"        {b.operand(c)}" for c in stmts[:-1]
                 if getattr(c, "src", None) is None and not hasattr(c, "const")]
        lines.append(f"        return {b.operand(stmts[-1])}")
        ktag, kbr = b.name(tag), b.name(BlockReturn)
        body_lines = "\n".join(lines)
        return make(f"""def _f(e):
    try:
{body_lines}
    except {kbr} as r:
        if r.tag is {ktag}:
            return r.value
        raise""", b)

    def blk(e):
        try:
            return body(e)
        except BlockReturn as r:
            if r.tag is tag:
                return r.value
            raise
    return blk


@special_form("BLOCK")
def sf_block(x, sc, mv):
    name = x.cdr.car
    nsc = Scope(sc, False)
    info = BlockInfo(name)
    nsc.blocks = {name: info}
    forms = list_items(x.cdr.cdr)
    if host_frame(sc) is not None and forms:
        # the body as Python statements: a RETURN-FROM in statement position is a
        # Python return (no exception)
        b = Binds()
        lines = []
        for i, f in enumerate(forms):
            comp_stmt(f, nsc, info, i == len(forms) - 1, mv, b, lines, 1)
        c = _block_function(info, b, lines)
    else:
        body = comp_progn_list(forms, nsc, mv)
        c = wrap_block(info, body)
    if not mv and info.used:
        return _unwrap(c)
    return c


def _block_function(info, b, lines):
    body = "\n".join(lines)
    if not info.used:
        return make(f"def _f(e):\n{body}", b)
    ktag, kbr = b.name(info.tag), b.name(BlockReturn)
    body = "\n".join("    " + l for l in lines)
    return make(f"""def _f(e):
    try:
{body}
    except {kbr} as r:
        if r.tag is {ktag}:
            return r.value
        raise""", b)


IF, PROGN_SYM, LET_SYM, LETSTAR_SYM, SETQ_SYM, RETURN_FROM_SYM, TAGBODY_SYM = (
    S("IF"), S("PROGN"), S("LET"), S("LET*"), S("SETQ"), S("RETURN-FROM"), S("TAGBODY"))


def _expand_stmt_form(form, sc):
    """Macroexpand form until it is a special form, a function call or an atom."""
    while form.__class__ is Cons and form.car.__class__ is Symbol:
        op = form.car
        lf = lookup_fun(sc, op)
        if lf is not None:
            if lf[0] == "macro":
                form = lf[1](form, sc)
                continue
            return form
        if op in SPECIAL_FORMS or op.macro is None:
            return form
        form = op.macro(form, sc)
    return form


def comp_stmt(form, sc, info, tail, mv, b, lines, depth):
    """Append Python statement lines (indented depth levels) for form inside the block
    `info`'s function. tail: the block returns this form's value."""
    ind = "    " * depth
    if depth > 24:  # Python limits nesting: deeper code is compiled as expressions
        c = comp(form, sc, mv if tail else False)
        lines.append(f"{ind}{'return ' if tail else ''}{b.operand(c)}")
        return
    form = _expand_stmt_form(form, sc)
    if form.__class__ is Cons and form.car.__class__ is Symbol and lookup_fun(sc, form.car) is None:
        op = form.car
        args = list_items(form.cdr)
        if op is PROGN_SYM:
            if not args:
                if tail:
                    lines.append(f"{ind}return NIL")
                return
            for i, f in enumerate(args):
                comp_stmt(f, sc, info, tail and i == len(args) - 1, mv, b, lines, depth)
            return
        if op is IF and len(args) in (2, 3):
            # an IF whose else branch is an IF becomes an elif chain (flat, whatever
            # the number of COND clauses)
            keyword = "if"
            while True:
                t = comp_test(args[0], sc)(b)
                lines.append(f"{ind}{keyword} {t}:")
                n0 = len(lines)
                comp_stmt(args[1], sc, info, tail, mv, b, lines, depth + 1)
                if len(lines) == n0:
                    lines.append(f"{ind}    pass")
                if len(args) == 2:
                    if tail:
                        lines.append(f"{ind}else:")
                        lines.append(f"{ind}    return NIL")
                    return
                nxt = _expand_stmt_form(args[2], sc)
                if (nxt.__class__ is Cons and nxt.car is IF and lookup_fun(sc, IF) is None
                        and len(list_items(nxt.cdr)) in (2, 3)):
                    args = list_items(nxt.cdr)
                    keyword = "elif"
                    continue
                lines.append(f"{ind}else:")
                n0 = len(lines)
                comp_stmt(nxt, sc, info, tail, mv, b, lines, depth + 1)
                if len(lines) == n0:
                    lines.append(f"{ind}    pass")
                return
        if op is RETURN_FROM_SYM and args and lookup_block(sc, args[0]) is info:
            v = comp(args[1], sc, True) if len(args) > 1 else const(NIL)
            lines.append(f"{ind}return {b.operand(v)}")
            return
        if op in (LET_SYM, LETSTAR_SYM) and args and (args[0].__class__ is Cons or args[0] is NIL):
            specials, body = parse_body(form.cdr.cdr)
            host = host_frame(sc)
            bindings = list_items(args[0])
            if (not specials and host is not None and body
                    and not any(_is_special(_binding_parts(bd)[0], ()) for bd in bindings)
                    and closure_free(body, sc)):
                nsc = Scope(sc, False)
                nsc.vars = {}
                if op is LET_SYM:
                    inits = []
                    for bd in bindings:
                        var, init = _binding_parts(bd)
                        inits.append((var, comp(init, sc) if init is not None else const(NIL)))
                    if len(inits) == 1:
                        var, ic = inits[0]
                        lines.append(f"{ind}e[{host.size}] = {b.operand(ic)}")
                        nsc.vars[var] = host.size
                        host.size += 1
                    else:
                        temps = []
                        for var, ic in inits:
                            t = b.temp()
                            lines.append(f"{ind}{t} = {b.operand(ic)}")
                            temps.append((var, t))
                        for var, t in temps:
                            lines.append(f"{ind}e[{host.size}] = {t}")
                            nsc.vars[var] = host.size
                            host.size += 1
                else:
                    for bd in bindings:
                        var, init = _binding_parts(bd)
                        ic = comp(init, nsc) if init is not None else const(NIL)
                        lines.append(f"{ind}e[{host.size}] = {b.operand(ic)}")
                        nsc.vars[var] = host.size
                        host.size += 1
                for i, f in enumerate(body):
                    comp_stmt(f, nsc, info, tail and i == len(body) - 1, mv, b, lines, depth)
                return
        if op is MVB_SYM and len(args) >= 2 and (args[0].__class__ is Cons or args[0] is NIL):
            specials, body = parse_body(form.cdr.cdr.cdr)
            vars_ = list_items(args[0])
            host = host_frame(sc)
            if (not specials and host is not None and body and vars_
                    and not any(v.special for v in vars_) and closure_free(body, sc)):
                t = b.temp()
                lines.append(f"{ind}{t} = {b.operand(comp(args[1], sc, True))}")
                nsc = Scope(sc, False)
                nsc.vars = {}
                slots = []
                for v in vars_:
                    nsc.vars[v] = host.size
                    slots.append(host.size)
                    host.size += 1
                lines.append(f"{ind}if {t}.__class__ is MV:")
                for k, i in enumerate(slots):
                    lines.append(f"{ind}    e[{i}] = {t}[{k}] if len({t}) > {k} else NIL")
                lines.append(f"{ind}else:")
                lines.append(f"{ind}    e[{slots[0]}] = {t}")
                for i in slots[1:]:
                    lines.append(f"{ind}    e[{i}] = NIL")
                for i, f in enumerate(body):
                    comp_stmt(f, nsc, info, tail and i == len(body) - 1, mv, b, lines, depth)
                return
        if op is WHILE_SYM:
            t = comp_test(args[0], sc)(b)
            lines.append(f"{ind}while {t}:")
            n0 = len(lines)
            for f in args[1:]:
                if f.__class__ is Cons and f.car is LOOP_TEST:
                    lines.append(f"{ind}    if {comp_test(f.cdr.car, sc)(b)}:")
                    lines.append(f"{ind}        break")
                    continue
                comp_stmt(f, sc, info, False, mv, b, lines, depth + 1)
            if len(lines) == n0:
                lines.append(f"{ind}    pass")
            if tail:
                lines.append(f"{ind}return NIL")
            return
    c = comp(form, sc, mv if tail else False)
    if tail:
        lines.append(f"{ind}return {b.operand(c)}")
    elif getattr(c, "src", None) is None and not hasattr(c, "const"):
        stmts = getattr(c, "stmts", None) or [c]
        for s_ in stmts:
            if getattr(s_, "src", None) is None and not hasattr(s_, "const"):
                lines.append(f"{ind}{b.operand(s_)}")


@special_form("RETURN-FROM")
def sf_return_from(x, sc, mv):
    name = x.cdr.car
    info = lookup_block(sc, name)
    if info is None:
        lisp_error("return for unknown block: ~S", name, ctype="PROGRAM-ERROR")
    info.used = True
    tag = info.tag
    val = comp(x.cdr.cdr.car, sc, True) if x.cdr.cdr is not NIL else (lambda e: NIL)

    def ret(e):
        raise BlockReturn(tag, val(e))
    return ret


class TagInfo:
    __slots__ = ("tag", "index", "owner")

    def __init__(self, owner, index):
        self.owner = owner
        self.index = index


class TagbodyInfo:
    __slots__ = ("tag", "used")

    def __init__(self):
        self.tag = object()
        self.used = False


@special_form("TAGBODY")
def sf_tagbody(x, sc, mv):
    items = list_items(x.cdr)
    nsc = Scope(sc, False)
    nsc.tags = {}
    owner = TagbodyInfo()
    stmts_forms = []
    for it in items:
        if it.__class__ is Symbol or it.__class__ is int:
            nsc.tags[it] = TagInfo(owner, len(stmts_forms))
        else:
            stmts_forms.append(it)
    stmts = [comp(f, nsc) for f in stmts_forms]
    n = len(stmts)
    if not owner.used:
        def tb_plain(e):
            for s in stmts:
                s(e)
            return NIL
        return tb_plain
    tag = owner.tag

    def tb(e):
        pc = 0
        while True:
            try:
                while pc < n:
                    stmts[pc](e)
                    pc += 1
                return NIL
            except GoSignal as g:
                if g.tag is not tag:
                    raise
                pc = g.index
    return tb


@special_form("GO")
def sf_go(x, sc, mv):
    t = x.cdr.car
    info = lookup_tag(sc, t)
    if info is None:
        lisp_error("attempt to GO to nonexistent tag: ~S", t, ctype="PROGRAM-ERROR")
    info.owner.used = True
    tag = info.owner.tag
    idx = info.index

    def go(e):
        raise GoSignal(tag, idx)
    return go


@special_form("%WHILE")
def sf_while(x, sc, mv):
    """(%while test body...): stage 0's own loop primitive for DO/DOLIST/DOTIMES/LOOP."""
    test = comp_test(x.cdr.car, sc)
    b = Binds()
    t = test(b)
    lines = []
    for f in list_items(x.cdr.cdr):
        if f.__class__ is Cons and f.car is LOOP_TEST:
            # (%loop-test c): leave the loop when c is true (LOOP's end tests)
            lines.append(f"        if {comp_test(f.cdr.car, sc)(b)}:\n            break")
            continue
        c = comp(f, sc, False)
        for s_ in (getattr(c, "stmts", None) or [c]):
            if getattr(s_, "src", None) is None and not hasattr(s_, "const"):
                lines.append(f"        {b.operand(s_)}")
    body = "\n".join(lines)
    return make(f"""def _f(e):
    while {t}:
{body or "        pass"}
    return NIL""", b)


LOOP_TEST = sys("%LOOP-TEST")
WHILE_SYM = sys("%WHILE")
MVB_SYM = S("MULTIPLE-VALUE-BIND")


@special_form("%LOOP-TEST")
def sf_loop_test(x, sc, mv):
    lisp_error("%LOOP-TEST outside a LOOP body", ctype="PROGRAM-ERROR")


CATCH_TAGS = []


@special_form("CATCH")
def sf_catch(x, sc, mv):
    tagc = comp(x.cdr.car, sc)
    body = comp_progn_list(list_items(x.cdr.cdr), sc, True)

    def catch(e):
        tag = tagc(e)
        CATCH_TAGS.append(tag)
        try:
            return body(e)
        except ThrowSignal as t:
            if t.tag is tag or (t.tag.__class__ is int and t.tag == tag):
                return t.value
            raise
        finally:
            CATCH_TAGS.pop()
    return catch if mv else _unwrap(catch)


@special_form("THROW")
def sf_throw(x, sc, mv):
    tagc = comp(x.cdr.car, sc)
    valc = comp(x.cdr.cdr.car, sc, True)

    def throw(e):
        tag = tagc(e)
        v = valc(e)
        for t in CATCH_TAGS:
            if t is tag or (t.__class__ is int and t == tag):
                raise ThrowSignal(tag, v)
        lisp_error("attempt to THROW to a tag that does not exist: ~S", tag, ctype="CONTROL-ERROR")
    return throw


@special_form("UNWIND-PROTECT")
def sf_unwind_protect(x, sc, mv):
    prot = comp(x.cdr.car, sc, mv)
    cleanup = comp_progn_list(list_items(x.cdr.cdr), sc, False)

    def up(e):
        try:
            return prot(e)
        finally:
            cleanup(e)
    return up


# -- multiple values ------------------------------------------------------------------------
@special_form("MULTIPLE-VALUE-BIND")
def sf_mvb(x, sc, mv):
    vars_ = list_items(x.cdr.car)
    valc = comp(x.cdr.cdr.car, sc, True)
    specials, forms = parse_body(x.cdr.cdr.cdr)
    declared = set(specials)
    if any(_is_special(v, declared) for v in vars_):
        # rare: rewrite through multiple-value-list + destructuring-style LET
        g = sys("%MVB-LIST")
        LET = S("LET")
        binds = [lisp_list([v, lisp_list([S("NTH"), i, g])]) for i, v in enumerate(vars_)]
        form = lisp_list([LET, lisp_list([lisp_list([g, lisp_list([S("MULTIPLE-VALUE-LIST"), x.cdr.cdr.car])])]),
                          lisp_list([LET, lisp_list(binds)] + list_items(x.cdr.cdr.cdr))])
        return comp(form, sc, mv)
    nsc = Scope(sc, True)
    for v in vars_:
        nsc.add_var(v)
    if declared:
        nsc.specials = set()
    body = comp_progn_list(forms, nsc, mv)
    n = len(vars_)
    pad = [None] * (nsc.size - 1 - n)
    if n == 2:
        def mvb2(e):
            v = valc(e)
            if v.__class__ is MV:
                k = len(v)
                ne = [e, v[0] if k > 0 else NIL, v[1] if k > 1 else NIL] + pad
            else:
                ne = [e, v, NIL] + pad
            return body(ne)
        return mvb2

    def mvb(e):
        v = valc(e)
        if v.__class__ is MV:
            vals = list(v[:n])
            if len(vals) < n:
                vals.extend([NIL] * (n - len(vals)))
        else:
            vals = [v] + [NIL] * (n - 1) if n else []
        return body([e] + vals + pad)
    return mvb


@special_form("MULTIPLE-VALUE-LIST")
def sf_mvl(x, sc, mv):
    c = comp(x.cdr.car, sc, True)

    def mvl(e):
        v = c(e)
        if v.__class__ is MV:
            return lisp_list(list(v))
        return Cons(v, NIL)
    return mvl


@special_form("MULTIPLE-VALUE-CALL")
def sf_mvcall(x, sc, mv):
    fc = comp(x.cdr.car, sc)
    argcs = [comp(a, sc, True) for a in list_items(x.cdr.cdr)]

    def mvc(e):
        f = fc(e)
        if f.__class__ is Symbol:
            f = f.function
        args = []
        for a in argcs:
            v = a(e)
            if v.__class__ is MV:
                args.extend(v)
            else:
                args.append(v)
        return f(*args)
    return mvc if mv else _unwrap(mvc)


@special_form("MULTIPLE-VALUE-PROG1")
def sf_mvprog1(x, sc, mv):
    first = comp(x.cdr.car, sc, mv)
    rest = comp_progn_list(list_items(x.cdr.cdr), sc, False)

    def mvp1(e):
        v = first(e)
        rest(e)
        return v
    return mvp1


@special_form("VALUES")
def sf_values(x, sc, mv):
    args = [comp(a, sc) for a in list_items(x.cdr)]
    if len(args) == 1:
        return args[0]
    if not mv:
        if not args:
            return lambda e: NIL
        first = args[0]
        rest = args[1:]

        def v1(e):
            v = first(e)
            for r in rest:
                r(e)
            return v
        return v1
    if len(args) == 2:
        a, b = args
        return lambda e: MV((a(e), b(e)))
    return lambda e: MV([a(e) for a in args])


# -- top-level definitions --------------------------------------------------------------------
@special_form("%DEFUN")
def sf_defun(x, sc, mv):
    """(%defun name lambda-list . body)"""
    name = x.cdr.car
    ll = x.cdr.cdr.car
    body = x.cdr.cdr.cdr
    if name.__class__ is Cons and name.car is SETF:
        sym = name.cdr.car
        mk = comp_lambda(ll, body, sc, name=sym)

        def defsetf_fn(e):
            f = mk(e)
            f.lisp_name = name
            SETF_FUNCTIONS[sym] = f
            return name
        return defsetf_fn
    mk = comp_lambda(ll, body, sc, name=name)

    def defun(e):
        name.function = mk(e)
        name.macro = None
        return name
    return defun


@special_form("%DEFMACRO")
def sf_defmacro(x, sc, mv):
    name = x.cdr.car
    exp = comp_macro_lambda(x.cdr.cdr.car, x.cdr.cdr.cdr, name)

    def defmacro(e):
        name.macro = exp
        return name
    return defmacro


def eval_form(form, env=None):
    """Compile and run one form in the null lexical environment."""
    return comp(form, None, True)(env)
