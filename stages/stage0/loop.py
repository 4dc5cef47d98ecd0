"""The LOOP macro (the subset of SUBSET.md), expanded into LET*, TAGBODY and %WHILE.

Shape of the expansion:
  (block NAME (let* (VARS...) (tagbody INITIALLY... FIRST-TESTS...
     (%while t BODY... STEPS...) %loop-end FINALLY... (return-from NAME RESULT))))
Every `for` clause contributes a first-iteration part (test + set) and a stepping part
(step + test + set), run in clause order, as in ANSI LOOP.
"""
from .data import Cons, NIL, T, Symbol, cl, sys, lisp_list, list_items
from .conditions import lisp_error
from .macros import L, gensym, macro, progn

S = cl
END = sys("%LOOP-END")
SETQ, IF, WHEN, UNLESS, GO, NOT = S("SETQ"), S("IF"), S("WHEN"), S("UNLESS"), S("GO"), S("NOT")


def kwp(x, *names):
    return x.__class__ is Symbol and x.name in names


CLAUSE_WORDS = {"FOR", "AS", "WITH", "COLLECT", "COLLECTING", "APPEND", "APPENDING", "NCONC",
                "NCONCING", "SUM", "SUMMING", "COUNT", "COUNTING", "MAXIMIZE", "MAXIMIZING",
                "MINIMIZE", "MINIMIZING", "DO", "DOING", "WHEN", "IF", "UNLESS", "WHILE", "UNTIL",
                "ALWAYS", "NEVER", "THEREIS", "FINALLY", "INITIALLY", "RETURN", "REPEAT",
                "NAMED", "AND", "ELSE", "END", "LOOP-FINISH"}


class LoopState:
    def __init__(self):
        self.name = NIL
        self.bindings = []     # (var, init)
        self.initially = []
        self.first = []        # first-iteration forms
        self.steps = []        # per-iteration stepping forms
        self.body = []
        self.finally_ = []
        self.result = None     # form for the default result
        self.accs = {}         # into-name -> (var, tail var or None, kind)
        self.default_acc = None


def pattern_sets(pattern, value_form):
    """setq forms assigning a destructuring pattern from value_form."""
    if pattern is NIL:
        return []
    if pattern.__class__ is Symbol:
        return [L(SETQ, pattern, value_form)]
    g = gensym("D")
    sets = []
    x = pattern
    cur = g
    while x.__class__ is Cons:
        sets.extend(pattern_sets(x.car, L(S("CAR"), cur)))
        cur = L(S("CDR"), cur)
        x = x.cdr
    if x is not NIL:
        sets.extend(pattern_sets(x, cur))
    return [L(S("LET"), L(L(g, value_form)), *sets)] if sets else []


def pattern_vars(pattern):
    if pattern is NIL:
        return []
    if pattern.__class__ is Symbol:
        return [pattern]
    out = []
    x = pattern
    while x.__class__ is Cons:
        out.extend(pattern_vars(x.car))
        x = x.cdr
    if x is not NIL:
        out.extend(pattern_vars(x))
    return out


@macro("LOOP")
def m_loop(form, env):
    toks = list_items(form.cdr)
    if all(t.__class__ is Cons for t in toks):
        # simple loop: (loop forms...)
        return L(S("BLOCK"), NIL, lisp_list([sys("%WHILE"), T] + toks))
    st = LoopState()
    p = Parser(toks, st)
    p.parse()
    result = st.result
    if result is None:
        result = st.default_acc[0] if st.default_acc else NIL
    WHILE = sys("%WHILE")
    inner_forms = [_exit_test(f) for f in st.body + st.steps]
    first_forms = [_exit_test(f) for f in st.first]
    inner = lisp_list([WHILE, T] + inner_forms)
    # The first-iteration tests and the loop proper run inside a one-pass outer loop,
    # so every end test is a Python `break` (see %loop-test); the epilogue follows.
    outer = lisp_list([WHILE, T] + first_forms + [inner, L(LOOP_TEST, T)])
    tail = st.finally_ + [L(S("RETURN-FROM"), st.name, result)]
    if _mentions(inner_forms + first_forms, END) or _mentions(inner_forms, S("LOOP-FINISH")):
        # a (go %loop-end) left inside a clause (loop-finish, nested tests): keep the tag
        main = [lisp_list([S("TAGBODY")] + st.initially + [outer, END])]
    else:
        main = st.initially + [outer]
    return L(S("BLOCK"), st.name,
             lisp_list([S("LET*"), lisp_list([L(v, i) for v, i in st.bindings])] + main + tail))


def _mentions(forms, sym):
    stack = list(forms)
    while stack:
        x = stack.pop()
        if x is sym:
            return True
        if x.__class__ is Cons:
            stack.append(x.car)
            stack.append(x.cdr)
    return False


LOOP_TEST = sys("%LOOP-TEST")


def _exit_test(f):
    """(when c (go END)) at the top of the loop body becomes (%loop-test c): the %while
    statement leaves the Python loop with `break` instead of an exception."""
    if (f.__class__ is Cons and f.car in (WHEN, UNLESS) and f.cdr.__class__ is Cons
            and f.cdr.cdr.__class__ is Cons and f.cdr.cdr.cdr is NIL):
        act = f.cdr.cdr.car
        if act.__class__ is Cons and act.car is GO and act.cdr.car is END:
            c = f.cdr.car
            return L(LOOP_TEST, c if f.car is WHEN else L(NOT, c))
    return f


class Parser:
    def __init__(self, toks, st):
        self.toks = toks
        self.i = 0
        self.st = st

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else None

    def next(self):
        if self.i >= len(self.toks):
            lisp_error("LOOP: unexpected end of clauses")
        t = self.toks[self.i]
        self.i += 1
        return t

    def at(self, *names):
        t = self.peek()
        return t is not None and kwp(t, *names)

    def parse(self):
        while self.i < len(self.toks):
            t = self.next()
            if not t.__class__ is Symbol:
                lisp_error("LOOP: expected a clause keyword, got ~S", t)
            n = t.name
            if n == "NAMED":
                self.st.name = self.next()
            elif n in ("FOR", "AS"):
                self.parse_for()
                while self.at("AND"):
                    self.next()
                    self.parse_for()
            elif n == "WITH":
                self.parse_with()
                while self.at("AND"):
                    self.next()
                    self.parse_with()
            elif n == "REPEAT":
                g = gensym("REPEAT")
                self.st.bindings.append((g, self.next()))
                test = L(WHEN, L(S("<="), g, 0), L(GO, END))
                self.st.first.append(test)
                self.st.body.insert(0, L(SETQ, g, L(S("1-"), g)))
                self.st.steps.append(test)
            elif n == "INITIALLY":
                self.st.initially.extend(self.compound_forms())
            elif n == "FINALLY":
                self.st.finally_.extend(self.compound_forms())
            else:
                self.i -= 1
                self.st.body.append(self.parse_main_clause())

    def compound_forms(self):
        out = []
        while self.i < len(self.toks) and self.toks[self.i].__class__ is Cons:
            out.append(self.next())
        return out

    def parse_with(self):
        var = self.next()
        init = NIL
        if self.at("="):
            self.next()
            init = self.next()
        if var.__class__ is Symbol:
            self.st.bindings.append((var, init))
        else:
            for v in pattern_vars(var):
                self.st.bindings.append((v, NIL))
            g = gensym()
            self.st.bindings.append((g, init))
            self.st.initially[:0] = pattern_sets(var, g)

    def parse_for(self):
        st = self.st
        var = self.next()
        if self.at("FIXNUM", "INTEGER", "T", "OF-TYPE"):
            if self.next().name == "OF-TYPE":
                self.next()
        w = self.next()
        if not w.__class__ is Symbol:
            lisp_error("LOOP: bad FOR clause at ~S", w)
        wn = w.name
        vars_ = pattern_vars(var)
        simple = var.__class__ is Symbol
        if wn in ("IN", "ON"):
            lst = self.next()
            step = L(S("CDR"), None)
            if self.at("BY"):
                self.next()
                stepfn = self.next()
                step_form = lambda g: L(S("FUNCALL"), stepfn, g)
            else:
                step_form = lambda g: L(S("CDR"), g)
            if wn == "IN":
                g = gensym("TAIL")
                st.bindings.append((g, lst))
                for v in vars_:
                    st.bindings.append((v, NIL))
                sets = pattern_sets(var, L(S("CAR"), g))
                st.first.append(L(WHEN, L(S("ENDP"), g), L(GO, END)))
                st.first.extend(sets)
                st.steps.append(L(SETQ, g, step_form(g)))
                st.steps.append(L(WHEN, L(S("ENDP"), g), L(GO, END)))
                st.steps.extend(sets)
            else:
                if simple:
                    g = var
                    st.bindings.append((var, lst))
                    sets = []
                else:
                    g = gensym("TAIL")
                    st.bindings.append((g, lst))
                    for v in vars_:
                        st.bindings.append((v, NIL))
                    sets = pattern_sets(var, g)
                st.first.append(L(WHEN, L(S("ATOM"), g), L(GO, END)))
                st.first.extend(sets)
                st.steps.append(L(SETQ, g, step_form(g)))
                st.steps.append(L(WHEN, L(S("ATOM"), g), L(GO, END)))
                st.steps.extend(sets)
        elif wn == "ACROSS":
            vec = self.next()
            gv = gensym("VEC")
            gi = gensym("I")
            st.bindings.append((gv, vec))
            st.bindings.append((gi, 0))
            for v in vars_:
                st.bindings.append((v, NIL))
            test = L(WHEN, L(S(">="), gi, L(S("LENGTH"), gv)), L(GO, END))
            sets = pattern_sets(var, L(S("AREF"), gv, gi))
            st.first.append(test)
            st.first.extend(sets)
            st.steps.append(L(SETQ, gi, L(S("1+"), gi)))
            st.steps.append(test)
            st.steps.extend(sets)
        elif wn == "=":
            init = self.next()
            if self.at("THEN"):
                self.next()
                then = self.next()
            else:
                then = init
            for v in vars_:
                st.bindings.append((v, NIL))
            st.first.extend(pattern_sets(var, init))
            st.steps.extend(pattern_sets(var, then))
        elif wn in ("FROM", "UPFROM", "DOWNFROM", "TO", "UPTO", "BELOW", "DOWNTO", "ABOVE", "BY"):
            self.i -= 1
            start = None
            end = None
            endkind = None
            by = 1
            down = False
            while self.at("FROM", "UPFROM", "DOWNFROM", "TO", "UPTO", "BELOW", "DOWNTO", "ABOVE", "BY"):
                k = self.next().name
                val = self.next()
                if k in ("FROM", "UPFROM", "DOWNFROM"):
                    start = val
                    if k == "DOWNFROM":
                        down = True
                elif k == "BY":
                    by = val
                else:
                    end = val
                    endkind = k
                    if k in ("DOWNTO", "ABOVE"):
                        down = True
            if start is None:
                start = 0
            st.bindings.append((var, start))
            gby = by
            if by.__class__ is not int:
                gby = gensym("BY")
                st.bindings.append((gby, by))
            test = None
            if end is not None:
                gend = end
                if end.__class__ is not int:
                    gend = gensym("END")
                    st.bindings.append((gend, end))
                op = {"TO": ">", "UPTO": ">", "BELOW": ">=", "DOWNTO": "<", "ABOVE": "<="}[endkind]
                if endkind == "TO" and down:
                    op = "<"
                test = L(WHEN, L(S(op), var, gend), L(GO, END))
                st.first.append(test)
            st.steps.append(L(SETQ, var, L(S("-" if down else "+"), var, gby)))
            if test is not None:
                st.steps.append(test)
        elif wn in ("BEING",):
            each = self.next()  # EACH / THE
            kind = self.next().name
            self.next()  # IN / OF
            h = self.next()
            other = None
            if self.at("USING"):
                self.next()
                u = self.next()
                other = list_items(u)[1]
            g = gensym("ITEMS")
            st.bindings.append((g, L(sys("%HASH-TABLE-ITEMS"), h)))
            keyvar, valvar = (var, other) if kind in ("HASH-KEY", "HASH-KEYS") else (other, var)
            for v in vars_ + ([other] if other is not None else []):
                st.bindings.append((v, NIL))
            sets = []
            if keyvar is not None:
                sets.extend(pattern_sets(keyvar, L(S("CAR"), L(S("CAR"), g))))
            if valvar is not None:
                sets.extend(pattern_sets(valvar, L(S("CDR"), L(S("CAR"), g))))
            test = L(WHEN, L(S("ENDP"), g), L(GO, END))
            st.first.append(test)
            st.first.extend(sets)
            st.steps.append(L(SETQ, g, L(S("CDR"), g)))
            st.steps.append(test)
            st.steps.extend(sets)
        else:
            lisp_error("LOOP: unsupported FOR clause keyword ~S", w)

    # -- main clauses ----------------------------------------------------------------------
    def acc_var(self, into, kind):
        st = self.st
        if into is None:
            if st.default_acc is None:
                v = gensym("ACC")
                tail = gensym("TAIL") if kind in ("list", "max") else None
                st.bindings.append((v, 0 if kind in ("num", "max") else NIL))
                if tail is not None:
                    st.bindings.append((tail, NIL))
                st.default_acc = (v, tail)
            return st.default_acc
        if into not in st.accs:
            tail = gensym("TAIL") if kind in ("list", "max") else None
            st.bindings.append((into, 0 if kind in ("num", "max") else NIL))
            if tail is not None:
                st.bindings.append((tail, NIL))
            st.accs[into] = (into, tail)
        return st.accs[into]

    def parse_main_clause(self):
        t = self.next()
        n = t.name
        st = self.st
        if n in ("DO", "DOING"):
            forms = self.compound_forms()
            return progn(forms) if forms else NIL
        if n == "RETURN":
            return L(S("RETURN-FROM"), st.name, self.next())
        if n in ("WHILE", "UNTIL"):
            test = self.next()
            return L(UNLESS if n == "WHILE" else WHEN, test, L(GO, END))
        if n in ("ALWAYS", "NEVER", "THEREIS"):
            x = self.next()
            if n == "THEREIS":
                g = gensym()
                st.result = st.result if st.result is not None else NIL
                return L(S("LET"), L(L(g, x)), L(WHEN, g, L(S("RETURN-FROM"), st.name, g)))
            st.result = T
            return L(UNLESS if n == "ALWAYS" else WHEN, x, L(S("RETURN-FROM"), st.name, NIL))
        if n in ("WHEN", "IF", "UNLESS"):
            test = self.next()
            if n == "UNLESS":
                test = L(NOT, test)
            self.it_var = gensym("IT")
            then = [self.parse_main_clause_it()]
            while self.at("AND"):
                self.next()
                then.append(self.parse_main_clause_it())
            else_ = []
            if self.at("ELSE"):
                self.next()
                else_.append(self.parse_main_clause_it())
                while self.at("AND"):
                    self.next()
                    else_.append(self.parse_main_clause_it())
            if self.at("END"):
                self.next()
            it = self.it_var
            return L(S("LET"), L(L(it, test)), L(IF, it, progn(then), progn(else_) if else_ else NIL))
        if n in ("COLLECT", "COLLECTING", "APPEND", "APPENDING", "NCONC", "NCONCING"):
            x = self._it(self.next())
            into = self.into()
            v, tail = self.acc_var(into, "list")
            c = gensym("C")
            if n.startswith("COLLECT"):
                cell = L(S("LIST"), x)
            elif n.startswith("APPEND"):
                cell = L(S("COPY-LIST"), x)
            else:
                cell = x
            return L(S("LET"), L(L(c, cell)),
                     L(WHEN, c, L(IF, v, L(S("RPLACD"), tail, c), L(SETQ, v, c)),
                       L(SETQ, tail, L(S("LAST"), c))))
        if n in ("SUM", "SUMMING", "COUNT", "COUNTING"):
            x = self._it(self.next())
            into = self.into()
            v, _ = self.acc_var(into, "num")
            if n.startswith("SUM"):
                return L(SETQ, v, L(S("+"), v, x))
            return L(WHEN, x, L(SETQ, v, L(S("1+"), v)))
        if n in ("MAXIMIZE", "MAXIMIZING", "MINIMIZE", "MINIMIZING"):
            # like SBCL: the accumulator starts at 0 (the result when nothing was seen)
            # and a flag tells whether a first value has been taken
            x = self._it(self.next())
            into = self.into()
            v, flag = self.acc_var(into, "max")
            g = gensym()
            op = ">" if n.startswith("MAX") else "<"
            return L(S("LET"), L(L(g, x)),
                     L(WHEN, L(S("OR"), L(S("NULL"), flag), L(S(op), g, v)),
                       L(SETQ, v, g, flag, T)))
        if n == "LOOP-FINISH":
            return L(GO, END)
        lisp_error("LOOP: unknown clause ~S", t)

    def parse_main_clause_it(self):
        return self.parse_main_clause()

    def _it(self, x):
        if x.__class__ is Symbol and x.name == "IT" and getattr(self, "it_var", None) is not None:
            return self.it_var
        return x

    def into(self):
        if self.at("INTO"):
            self.next()
            return self.next()
        return None
