"""Conditions and non-local control transfer.

Lisp conditions travel as the Python exception `LispError` (an `Exception`), so that
`handler-case` also sees Python errors raised inside primitives (converted by
`to_condition`). Control transfers (`return-from`, `go`, `throw`) derive from
`BaseException` so that no `except Exception` in a primitive can swallow them.
"""
from .data import Symbol, NIL, cl, kw, LString, lisp_list


class BlockReturn(BaseException):
    __slots__ = ("tag", "value")

    def __init__(self, tag, value):
        self.tag = tag
        self.value = value


class GoSignal(BaseException):
    __slots__ = ("tag", "index")

    def __init__(self, tag, index):
        self.tag = tag
        self.index = index


class ThrowSignal(BaseException):
    __slots__ = ("tag", "value")

    def __init__(self, tag, value):
        self.tag = tag
        self.value = value


class ConditionType:
    __slots__ = ("name", "parents", "slots", "report", "ancestors", "default_initargs")

    def __init__(self, name, parents, slots=(), report=None):
        self.name = name        # Symbol
        self.parents = parents  # list of ConditionType
        self.slots = list(slots)  # (slot Symbol, initarg keyword or None, initform thunk or None)
        self.report = report    # None, a Python function(cond, stream), or a Lisp function
        self.default_initargs = []  # (keyword, thunk) from :default-initargs
        anc = {self}
        for p in parents:
            anc |= p.ancestors
        self.ancestors = anc

    def all_slots(self):
        out, seen = [], set()
        for p in self.parents:
            for s in p.all_slots():
                if s[0] not in seen:
                    seen.add(s[0])
                    out.append(s)
        for s in self.slots:
            if s[0] not in seen:
                seen.add(s[0])
                out.append(s)
        return out


CONDITION_TYPES = {}


class Condition:
    __slots__ = ("ctype", "slots")

    def __init__(self, ctype, slots):
        self.ctype = ctype
        self.slots = slots  # dict slot Symbol -> value

    def typep(self, name):
        ct = CONDITION_TYPES.get(name)
        return ct is not None and ct in self.ctype.ancestors


class LispError(Exception):
    def __init__(self, condition):
        Exception.__init__(self)
        self.condition = condition

    def __str__(self):
        return report_string(self.condition)


def define_condition_type(name, parent_names, slots=(), report=None):
    parents = [CONDITION_TYPES[p if isinstance(p, Symbol) else cl(p)] for p in parent_names]
    ct = ConditionType(name, parents, slots, report)
    CONDITION_TYPES[name] = ct
    name.struct = None
    return ct


def make_condition(name, initargs):
    """initargs: Python list alternating keyword, value."""
    ct = CONDITION_TYPES.get(name)
    if ct is None:
        raise LispError(simple_condition("SIMPLE-ERROR", "~S does not designate a condition class.", [name]))
    slots = {}
    given = {}
    for i in range(0, len(initargs) - 1, 2):
        given.setdefault(initargs[i], initargs[i + 1])
    stack = [ct]
    while stack:
        c = stack.pop(0)
        for k, thunk in c.default_initargs:
            if k not in given:
                given[k] = thunk()
        stack.extend(c.parents)
    for sname, initarg, initform in ct.all_slots():
        if initarg is not None and initarg in given:
            slots[sname] = given[initarg]
        elif initform is not None:
            slots[sname] = initform()
    return Condition(ct, slots)


def _sym(name):
    return cl(name)


FC = kw("FORMAT-CONTROL")
FA = kw("FORMAT-ARGUMENTS")
DATUM = kw("DATUM")
EXPECTED = kw("EXPECTED-TYPE")
SLOT_FC = cl("FORMAT-CONTROL")  # slot names live in CL for the built-in types
SLOT_FA = cl("FORMAT-ARGUMENTS")
SLOT_DATUM = cl("DATUM")
SLOT_EXPECTED = cl("EXPECTED-TYPE")


def _report_simple(cond, out):
    from .format import format_to_string
    ctl = cond.slots.get(SLOT_FC, NIL)
    args = cond.slots.get(SLOT_FA, NIL)
    from .data import list_items
    if isinstance(ctl, LString):
        out.append(format_to_string(ctl.value(), list_items(args)))
    elif ctl is NIL:
        out.append(f"{cond.ctype.name.name}")
    else:
        from .printer import princ_to_string
        out.append(princ_to_string(ctl))


def _report_type_error(cond, out):
    from .printer import prin1_to_string
    d = cond.slots.get(SLOT_DATUM, NIL)
    e = cond.slots.get(SLOT_EXPECTED, NIL)
    out.append(f"The value\n  {prin1_to_string(d)}\nis not of type\n  {prin1_to_string(e)}")


def _report_division(cond, out):
    out.append("arithmetic error DIVISION-BY-ZERO signalled")


def _init_types():
    D = define_condition_type
    D(_sym("CONDITION"), [])
    D(_sym("SERIOUS-CONDITION"), ["CONDITION"])
    D(_sym("WARNING"), ["CONDITION"])
    D(_sym("ERROR"), ["SERIOUS-CONDITION"])
    fc = [(SLOT_FC, FC, lambda: NIL), (SLOT_FA, FA, lambda: NIL)]
    D(_sym("SIMPLE-CONDITION"), ["CONDITION"], fc, _report_simple)
    D(_sym("SIMPLE-ERROR"), ["SIMPLE-CONDITION", "ERROR"], (), _report_simple)
    D(_sym("SIMPLE-WARNING"), ["SIMPLE-CONDITION", "WARNING"], (), _report_simple)
    D(_sym("TYPE-ERROR"), ["ERROR"], [(SLOT_DATUM, DATUM, lambda: NIL),
                                      (SLOT_EXPECTED, EXPECTED, lambda: NIL)],
      _report_type_error)
    D(_sym("SIMPLE-TYPE-ERROR"), ["SIMPLE-CONDITION", "TYPE-ERROR"], (), _report_simple)
    D(_sym("PROGRAM-ERROR"), ["ERROR"])
    D(_sym("CONTROL-ERROR"), ["ERROR"])
    D(_sym("PACKAGE-ERROR"), ["ERROR"])
    D(_sym("STREAM-ERROR"), ["ERROR"])
    D(_sym("END-OF-FILE"), ["STREAM-ERROR"])
    D(_sym("FILE-ERROR"), ["ERROR"])
    D(_sym("CELL-ERROR"), ["ERROR"])
    D(_sym("UNBOUND-VARIABLE"), ["CELL-ERROR"])
    D(_sym("UNDEFINED-FUNCTION"), ["CELL-ERROR"])
    D(_sym("ARITHMETIC-ERROR"), ["ERROR"])
    D(_sym("DIVISION-BY-ZERO"), ["ARITHMETIC-ERROR"], (), _report_division)
    D(_sym("STORAGE-CONDITION"), ["SERIOUS-CONDITION"])
    # Stage 0 reports these like simple errors: they carry a format control.
    for name in ("PROGRAM-ERROR", "CONTROL-ERROR", "PACKAGE-ERROR", "STREAM-ERROR",
                 "END-OF-FILE", "FILE-ERROR", "CELL-ERROR", "UNBOUND-VARIABLE",
                 "UNDEFINED-FUNCTION", "ARITHMETIC-ERROR", "STORAGE-CONDITION"):
        ct = CONDITION_TYPES[_sym(name)]
        ct.slots = list(ct.slots) + fc
        ct.report = _report_simple


_init_types()


def report_string(cond):
    """The text `princ` prints for a condition."""
    ct = cond.ctype
    stack = [ct]
    while stack:
        c = stack.pop(0)
        if c.report is not None:
            if hasattr(c.report, "lisp_report"):
                return c.report.lisp_report(cond)
            out = []
            c.report(cond, out)
            return "".join(out)
        stack.extend(c.parents)
    return f"Condition {ct.name.name} was signalled."


def simple_condition(type_name, control, args):
    ct = CONDITION_TYPES[cl(type_name)]
    return Condition(ct, {SLOT_FC: LString(control), SLOT_FA: lisp_list(args)})


def lisp_error(control, *args, ctype="SIMPLE-ERROR"):
    """Signal a Lisp error with a format control string (control is Python str)."""
    raise LispError(simple_condition(ctype, control, list(args)))


def type_error(datum, expected):
    """Signal a TYPE-ERROR; expected is a type name string or a Lisp type specifier."""
    if isinstance(expected, str):
        expected = cl(expected) if expected.upper() == expected else expected
    ct = CONDITION_TYPES[cl("TYPE-ERROR")]
    raise LispError(Condition(ct, {SLOT_DATUM: datum, SLOT_EXPECTED: expected}))


def to_condition(exc):
    """The Lisp condition for any Python exception raised while running Lisp code."""
    if isinstance(exc, LispError):
        return exc.condition
    if isinstance(exc, ZeroDivisionError):
        return Condition(CONDITION_TYPES[cl("DIVISION-BY-ZERO")], {})
    if isinstance(exc, RecursionError):
        return simple_condition("STORAGE-CONDITION", "Control stack exhausted", [])
    if isinstance(exc, TypeError) and "positional argument" in str(exc):
        return simple_condition("PROGRAM-ERROR", "invalid number of arguments", [])
    if isinstance(exc, (TypeError, AttributeError, IndexError, KeyError, ValueError)):
        msg = _python_message(exc)
        return simple_condition("SIMPLE-ERROR", "~A", [LString(msg)])
    return simple_condition("SIMPLE-ERROR", "~A", [LString(f"internal error: {exc!r}")])


def _python_message(exc):
    if isinstance(exc, AttributeError):
        return f"wrong type of argument ({exc})"
    if isinstance(exc, IndexError):
        return f"index out of bounds ({exc})"
    return f"wrong type of argument ({exc})"
