"""Defining forms that need more than a macro: defstruct, define-condition, defpackage,
handler-case, destructuring-bind."""
from .data import (Cons, NIL, T, Symbol, LString, Struct, StructType, Package, PACKAGES,
                   KEYWORD, cl, sys, kw, lisp_list, list_items, make_package)
from .conditions import (LispError, lisp_error, type_error, to_condition, CONDITION_TYPES,
                         define_condition_type, Condition)
from . import compiler as C
from .compiler import special_form, comp, comp_progn_list, Scope, parse_body, primary
from .macros import L, q, gensym

S = cl


# -- defstruct --------------------------------------------------------------------------------
def _opt_name(o):
    return o.car.name if o.__class__ is Cons else o.name


@special_form("%DEFSTRUCT")
def sf_defstruct(x, sc, mv):
    form = x.cdr.car.cdr.car  # (%defstruct '(defstruct ...))
    parts = list_items(form.cdr)
    head = parts[0]
    slot_specs = parts[1:]
    if slot_specs and slot_specs[0].__class__ is LString:
        slot_specs = slot_specs[1:]
    if head.__class__ is Cons:
        name = head.car
        options = list_items(head.cdr)
    else:
        name, options = head, []
    conc = name.name + "-"
    constructors = []
    default_ctor = True
    predicate = name.name + "-P"
    copier = "COPY-" + name.name
    include = None
    for o in options:
        oname = _opt_name(o)
        args = list_items(o.cdr) if o.__class__ is Cons else []
        if oname == "CONC-NAME":
            conc = "" if not args or args[0] is NIL else (args[0].name if args[0].__class__ is Symbol else args[0].value())
        elif oname == "CONSTRUCTOR":
            if args and args[0] is NIL:
                default_ctor = False
            elif args:
                default_ctor = False
                constructors.append((args[0], args[1] if len(args) > 1 else None))
        elif oname == "PREDICATE":
            predicate = None if args and args[0] is NIL else (args[0].name if args else predicate)
        elif oname == "COPIER":
            copier = None if args and args[0] is NIL else (args[0].name if args else copier)
        elif oname == "INCLUDE":
            include = args[0]
    if default_ctor:
        constructors.append((name.package.intern("MAKE-" + name.name) if name.package else Symbol("MAKE-" + name.name), None))
    parent = None
    slots = []      # (slot symbol, default form)
    if include is not None:
        parent = include.struct
        if parent is None:
            lisp_error("~S is not a defined structure type", include)
        slots = list(parent_defaults(parent))
    for s in slot_specs:
        if s.__class__ is Cons:
            slots.append((s.car, s.cdr.car if s.cdr.__class__ is Cons else NIL))
        else:
            slots.append((s, NIL))
    pkg = name.package
    intern = (lambda n: pkg.intern(n)) if pkg is not None else (lambda n: Symbol(n))
    slot_syms = [s for s, _ in slots]
    defaults = [comp(d, None) for _, d in slots]
    default_forms = [d for _, d in slots]
    accessor_names = [intern(conc + s.name) for s, _ in slots]

    def run(e):
        stype = StructType(name, slot_syms, parent)
        stype.conc_name = conc
        _DEFAULTS[stype] = default_forms
        name.struct = stype
        n = len(slot_syms)
        keys = [kw(s.name) for s in slot_syms]
        for cname, boa in constructors:
            if boa is None:
                cname.function = _keyword_ctor(stype, keys, defaults, cname)
            else:
                cname.function = _boa_ctor(stype, boa, slot_syms, default_forms, cname)
        for i, acc in enumerate(accessor_names):
            acc.function = _accessor(stype, i, acc)
            acc.setf_expander = _setf_expander(name, i)
        if predicate:
            p = intern(predicate)
            p.function = lambda o: T if o.__class__ is Struct and stype in o.stype.parents else NIL
            p.function.lisp_name = p
        if copier:
            cp = intern(copier)

            def copy(o):
                if not (o.__class__ is Struct and stype in o.stype.parents):
                    type_error(o, name)
                return Struct(o.stype, list(o.vals))
            copy.lisp_name = cp
            cp.function = copy
        return name
    return run


_DEFAULTS = {}


def parent_defaults(stype):
    return list(zip(stype.slots, _DEFAULTS.get(stype, [NIL] * len(stype.slots))))


def _keyword_ctor(stype, keys, defaults, cname):
    n = len(keys)
    index = {k: i for i, k in enumerate(keys)}
    missing = object()

    def ctor(*args):
        if len(args) % 2:
            lisp_error("odd number of &KEY arguments", ctype="PROGRAM-ERROR")
        vals = [missing] * n
        for i in range(0, len(args), 2):
            k = args[i]
            j = index.get(k)
            if j is None:
                if k is kw("ALLOW-OTHER-KEYS"):
                    continue
                lisp_error("Unknown &KEY argument: ~S", k, ctype="PROGRAM-ERROR")
            if vals[j] is missing:
                vals[j] = args[i + 1]
        for j in range(n):
            if vals[j] is missing:
                vals[j] = defaults[j](None)
        return Struct(stype, vals)
    ctor.lisp_name = cname
    return ctor


def _boa_ctor(stype, boa, slot_syms, default_forms, cname):
    ll_vars = set()
    for item in list_items(boa):
        if item.__class__ is Cons:
            ll_vars.add(item.car if item.car.__class__ is Symbol else item.car.cdr.car)
        elif not item.name.startswith("&"):
            ll_vars.add(item)
    vals = [s if s in ll_vars else d for s, d in zip(slot_syms, default_forms)]
    body = lisp_list([sys("%MAKE-STRUCT-INSTANCE"), q(stype.name)] + vals)
    return C.comp_lambda(boa, lisp_list([body]), None, name=cname)(None)


def _accessor(stype, i, acc):
    name = stype.name

    def get(o):
        if o.__class__ is Struct and stype in o.stype.parents:
            return o.vals[i]
        type_error(o, name)
    get.lisp_name = acc
    get.struct_accessor = (stype, i)
    return get


def _setf_expander(name, i):
    def exp(args, value):
        return L(sys("%STRUCT-SET"), args[0], q(name), i, value)
    return exp


# -- define-condition ---------------------------------------------------------------------------
class LispReport:
    def __init__(self, fn, text=None):
        self.fn = fn
        self.text = text

    def lisp_report(self, cond):
        if self.text is not None:
            return self.text
        from .streams import StringOutput
        out = StringOutput()
        self.fn(cond, out)
        return out.take()


@special_form("%DEFINE-CONDITION")
def sf_define_condition(x, sc, mv):
    form = x.cdr.car.cdr.car
    parts = list_items(form.cdr)
    name = parts[0]
    parents = list_items(parts[1]) or [S("CONDITION")]
    slot_specs = list_items(parts[2]) if len(parts) > 2 else []
    options = parts[3:]
    slots = []
    readers = []
    for sp in slot_specs:
        if sp.__class__ is Symbol:
            slots.append((sp, None, None))
            continue
        sname = sp.car
        opts = list_items(sp.cdr)
        initarg = None
        initform = None
        for i in range(0, len(opts) - 1, 2):
            k, v = opts[i].name, opts[i + 1]
            if k == "INITARG":
                initarg = v
            elif k == "INITFORM":
                c = comp(v, None)
                initform = (lambda c=c: c(None))
            elif k in ("READER", "ACCESSOR"):
                readers.append((v, sname, k == "ACCESSOR"))
        slots.append((sname, initarg, initform))
    report = None
    defaults = []
    for o in options:
        if o.__class__ is Cons and o.car.name == "DEFAULT-INITARGS":
            kv = list_items(o.cdr)
            for i in range(0, len(kv) - 1, 2):
                c = comp(kv[i + 1], None)
                defaults.append((kv[i], (lambda c=c: c(None))))
        if o.__class__ is Cons and o.car.name == "REPORT":
            r = o.cdr.car
            if r.__class__ is LString:
                report = LispReport(None, r.value())
            else:
                fc = comp(L(S("FUNCTION"), r), None)
                report = ("lazy", fc)

    def run(e):
        rep = report
        if rep.__class__ is tuple:
            rep = LispReport(rep[1](None))
        for p in parents:
            if p not in CONDITION_TYPES:
                lisp_error("unknown parent condition type ~S", p)
        ct = define_condition_type(name, parents, slots, rep)
        ct.default_initargs = defaults
        for rname, sname, accessor in readers:
            def reader(c, sname=sname, rname=rname):
                if not isinstance(c, Condition):
                    type_error(c, "CONDITION")
                v = c.slots.get(sname, C.UNBOUND)
                if v is C.UNBOUND:
                    lisp_error("The slot ~S is unbound in the object ~S.", sname, c)
                return v
            reader.lisp_name = rname
            rname.function = reader
            if accessor:
                rname.setf_expander = (lambda sname: lambda args, value: L(
                    sys("%SET-CONDITION-SLOT"), args[0], q(sname), value))(sname)
        return name
    return run


# The clause type specs of the active HANDLER-CASE forms, innermost last: SIGNAL and
# WARN unwind only when one of them would handle the condition.
HANDLERS = []


def handled(cond):
    return any(condition_matches(cond, spec) for specs in HANDLERS for spec in specs)


# -- handler-case -------------------------------------------------------------------------------
def condition_matches(cond, spec):
    if spec is T:
        return True
    if spec.__class__ is Symbol:
        ct = CONDITION_TYPES.get(spec)
        return ct is not None and ct in cond.ctype.ancestors
    if spec.__class__ is Cons:
        op = spec.car.name
        args = list_items(spec.cdr)
        if op == "OR":
            return any(condition_matches(cond, a) for a in args)
        if op == "AND":
            return all(condition_matches(cond, a) for a in args)
        if op == "NOT":
            return not condition_matches(cond, args[0])
    return False


@special_form("HANDLER-CASE")
def sf_handler_case(x, sc, mv):
    form = comp(x.cdr.car, sc, True)
    clauses = []
    no_error = None
    for cl_ in list_items(x.cdr.cdr):
        spec = cl_.car
        ll = list_items(cl_.cdr.car)
        body = cl_.cdr.cdr
        if spec is kw("NO-ERROR"):
            no_error = C.comp_lambda(cl_.cdr.car, body, sc)
            continue
        nsc = Scope(sc, True)
        nsc.add_var(ll[0] if ll else sys("%IGNORED-CONDITION"))
        clauses.append((spec, C.comp_body(body, nsc, mv), [None] * (nsc.size - 2)))

    specs = [spec for spec, _, _ in clauses]

    def hc(e):
        HANDLERS.append(specs)
        n = len(HANDLERS) - 1
        try:
            v = form(e)
        except (LispError, ArithmeticError, TypeError, AttributeError, IndexError,
                KeyError, ValueError, RecursionError) as ex:
            del HANDLERS[n:]
            cond = to_condition(ex)
            for spec, body, pad in clauses:
                if condition_matches(cond, spec):
                    return body([e, cond] + pad)
            raise
        finally:
            del HANDLERS[n:]
        if no_error is not None:
            vals = list(v) if v.__class__ is C.MV else [v]
            return no_error(e)(*vals)
        return v
    return hc if mv else C._unwrap(hc)


@special_form("%DESTRUCTURING-BIND")
def sf_destructuring_bind(x, sc, mv):
    ll = x.cdr.car
    valc = comp(x.cdr.cdr.car, sc)
    body = x.cdr.cdr.cdr
    specials, forms = parse_body(body)
    nsc = Scope(sc, True)
    Lp = C.parse_lambda_list(ll, nsc, True, set(specials))
    if specials:
        nsc.specials = set(specials)
    bodyc = comp_progn_list(forms, nsc, mv)
    size = nsc.size

    spec_binds = Lp.specials

    def db(e):
        ne = [e] + [NIL] * (size - 1)
        C.destructure(Lp, ne, valc(e))
        if spec_binds:
            return C.dynamic_bind([s for s, _ in spec_binds], [ne[i] for _, i in spec_binds],
                                  lambda: bodyc(ne))
        return bodyc(ne)
    return db


# -- packages ---------------------------------------------------------------------------------------
def designator_name(x):
    if x.__class__ is LString:
        return x.value()
    if x.__class__ is Symbol:
        return x.name
    if x.__class__ is Package:
        return x.name
    from .data import Char
    if x.__class__ is Char:
        return x.c
    type_error(x, "STRING")


def find_package(x):
    if x.__class__ is Package:
        return x
    return PACKAGES.get(designator_name(x))


def defpackage(name, options):
    pname = designator_name(name)
    pkg = PACKAGES.get(pname)
    if pkg is None:
        pkg = make_package(pname)
    for o in list_items(options):
        key = o.car.name
        args = list_items(o.cdr)
        if key == "USE":
            for a in args:
                u = find_package(a)
                if u is None:
                    lisp_error("package ~A does not exist", LString(designator_name(a)))
                if u not in pkg.use:
                    pkg.use.append(u)
                    u.used_by.append(pkg)
        elif key == "NICKNAMES":
            for a in args:
                n = designator_name(a)
                pkg.nicknames.append(n)
                PACKAGES[n] = pkg
        elif key == "SHADOW":
            for a in args:
                n = designator_name(a)
                pkg.shadows.add(n)
                if n not in pkg.internal and n not in pkg.external:
                    pkg.internal[n] = Symbol(n, pkg)
        elif key == "EXPORT":
            for a in args:
                pkg.export(pkg.intern(designator_name(a)))
        elif key == "IMPORT-FROM":
            src = find_package(args[0])
            for a in args[1:]:
                s, _ = src.find(designator_name(a))
                if s is None:
                    lisp_error("symbol ~A not found in ~A", LString(designator_name(a)), LString(src.name))
                pkg.internal[s.name] = s
        elif key == "INTERN":
            for a in args:
                pkg.intern(designator_name(a))
    return pkg
