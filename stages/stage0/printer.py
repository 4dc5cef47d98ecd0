"""The printer: prin1 / princ output identical to SBCL's defaults for the subset's data.

SBCL prints with *print-pretty* true: lists and vectors are laid out as fill-style
logical blocks within a right margin of 80 columns (a separator space belongs to the
section before the line break; a section that does not fit, or follows a section that
broke, starts a new line indented under the first element). `(quote x)` prints as 'X
and `(function f)` as #'F.
"""
import unicodedata

from .data import (Cons, NIL, Symbol, Char, LString, LVector, Struct, HashTable,
                   KEYWORD, PACKAGES, cl)

MARGIN = 80
MULTILINE = 10 ** 6  # width of a block holding a multi-line atom: it never fits flat

QUOTE = cl("QUOTE")
_BACKQUOTE_PREFIXES = {}


def _init_backquote_prefixes():
    from .data import sys as sys_sym
    _BACKQUOTE_PREFIXES.update({sys_sym("BACKQUOTE"): "`", sys_sym("UNQUOTE"): ",",
                                sys_sym("UNQUOTE-SPLICING"): ",@", sys_sym("UNQUOTE-NSPLICING"): ",."})


_init_backquote_prefixes()
FUNCTION = cl("FUNCTION")
PACKAGE_SYM = cl("*PACKAGE*")
PRINT_CASE = cl("*PRINT-CASE*")
PRINT_PRETTY = cl("*PRINT-PRETTY*")


def _plain(x, escape):
    """*print-pretty* false: one line, (QUOTE X) written out."""
    t = x.__class__
    if t is Cons:
        parts = []
        while x.__class__ is Cons:
            parts.append(_plain(x.car, escape))
            x = x.cdr
        if x is not NIL:
            parts.append(". " + _plain(x, escape))
        return "(" + " ".join(parts) + ")"
    if t is LVector:
        return "#(" + " ".join(_plain(e, escape) for e in x.active()) + ")"
    if t is Struct:
        parts = [symbol_text(x.stype.name, escape)]
        for name, v in zip(x.stype.slots, x.vals):
            parts.append(":" + (_sym_name(name.name) if escape else name.name) + " " + _plain(v, escape))
        return "#S(" + " ".join(parts) + ")"
    return atom_text(x, escape)

_CHAR_NAMES = {
    "\0": "Nul", "\x01": "Soh", "\x02": "Stx", "\x03": "Etx", "\x04": "Eot", "\x05": "Enq",
    "\x06": "Ack", "\a": "Bel", "\b": "Backspace", "\t": "Tab", "\n": "Newline",
    "\v": "Vt", "\f": "Page", "\r": "Return", "\x0e": "So", "\x0f": "Si", "\x10": "Dle",
    "\x11": "Dc1", "\x12": "Dc2", "\x13": "Dc3", "\x14": "Dc4", "\x15": "Nak",
    "\x16": "Syn", "\x17": "Etb", "\x18": "Can", "\x19": "Em", "\x1a": "Sub",
    "\x1b": "Esc", "\x1c": "Fs", "\x1d": "Gs", "\x1e": "Rs", "\x1f": "Us", "\x7f": "Rubout",
}


def char_name(c):
    """SBCL's name for a character (None for plain printable ASCII)."""
    if c in _CHAR_NAMES:
        return _CHAR_NAMES[c]
    if ord(c) < 128:
        return None
    try:
        return unicodedata.name(c).replace(" ", "_")
    except ValueError:
        return f"U{ord(c):X}"


def prin1_char(ch):
    n = char_name(ch.c)
    return "#\\" + (n if n else ch.c)


_SYMBOL_SAFE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!$%&*+-./<=>?@[]^_{}~")


def symbol_name_escaped(name):
    if name and all(c in _SYMBOL_SAFE for c in name):
        from .reader import parse_number
        if parse_number(name) is None and not all(c == "." for c in name):
            return name
    return "|" + name.replace("\\", "\\\\").replace("|", "\\|") + "|"


def current_package():
    p = PACKAGE_SYM.value
    from .data import Package
    return p if isinstance(p, Package) else PACKAGES["COMMON-LISP-USER"]


def _case_name(name):
    """Apply *print-case* to a symbol name printed without escapes."""
    case = PRINT_CASE.value
    if case.__class__ is not Symbol or case.name == "UPCASE":
        return name
    if case.name == "DOWNCASE":
        return name.lower()
    if case.name == "CAPITALIZE":
        out = []
        prev = False
        for c in name:
            if c.isalnum():
                out.append(c if not prev else c.lower())
                prev = True
            else:
                out.append(c)
                prev = False
        return "".join(out)
    return name


def _sym_name(name):
    e = symbol_name_escaped(name)
    return e if e.startswith("|") else _case_name(e)


def prin1_symbol(s):
    pkg = s.package
    name = _sym_name(s.name)
    if pkg is None:
        return "#:" + name
    if pkg is KEYWORD:
        return ":" + name
    cur = current_package()
    found, _ = cur.find(s.name)
    if found is s:
        return name
    ext = pkg.external.get(s.name) is s
    return _sym_name(pkg.name) + (":" if ext else "::") + name


def prin1_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def atom_text(x, escape):
    """Text of a non-list, non-vector object."""
    t = x.__class__
    if t is int:
        return str(x)
    if t is LString:
        return prin1_string(x.value()) if escape else x.value()
    if t is Symbol:
        return prin1_symbol(x) if escape else _case_name(x.name)
    if t is Char:
        return prin1_char(x) if escape else x.c
    if t is str:  # a Python string that leaked into a message: print it as a string
        return prin1_string(x) if escape else x
    if t is HashTable:
        return f"#<HASH-TABLE :TEST {x.test.name} :COUNT {len(x.d)}>"
    from .conditions import Condition, report_string
    if t is Condition:
        if escape:
            return f"#<{x.ctype.name.name}>"
        return report_string(x)
    from .data import Package
    if t is Package:
        return f'#<PACKAGE "{x.name}">'
    if callable(x):
        name = getattr(x, "lisp_name", None)
        if name is not None:
            return f"#<FUNCTION {prin1_symbol(name) if isinstance(name, Symbol) else name}>"
        return "#<FUNCTION (LAMBDA)>"
    from .streams import Stream
    if isinstance(x, Stream):
        return f"#<{x.kind}>"
    return f"#<{t.__name__}>"


# -- layout tree -------------------------------------------------------------------
# A node is either a str (atom text) or a Block(prefix, items, suffix, style):
#   "fill":   data lists and vectors: as many elements per line as fit;
#   "call":   a list headed by a function/macro name: continuation lines under the
#             first argument (or under the name's column + 1 if the first argument
#             itself had to go to the next line), as SBCL's pprint-fun-call;
#   "struct": #S(NAME :SLOT value ...): one slot per line when it does not fit;
#   "pair":   ":SLOT value" inside a structure, never broken between key and value.
class Block:
    __slots__ = ("prefix", "items", "suffix", "width", "style")

    def __init__(self, prefix, items, suffix, style="fill"):
        self.prefix = prefix
        self.items = items
        self.suffix = suffix
        self.style = style
        if style == "code":
            w = len(prefix) + len(suffix)
            for e in items:
                k = e[0]
                if k == "o":
                    it = e[1]
                    w += it.width if it.__class__ is Block else (len(it) if "\n" not in it else MULTILINE)
                elif k == "sp":
                    w += 1
                elif k == "b":
                    w += MULTILINE if e[1] == "mandatory" else 1
            self.width = w
            return
        w = len(prefix) + len(suffix) + max(0, len(items) - 1)
        for it in items:
            w += it.width if it.__class__ is Block else (len(it) if "\n" not in it else MULTILINE)
        self.width = w


def _fbound(sym):
    f = sym.function
    if f is not None and f.__class__.__name__ != "UndefinedFunction":
        return True
    return sym.macro is not None or sym.special_form is not None


def build(x, escape, depth=0, data=False):
    t = x.__class__
    if t is Cons:
        if x.car is QUOTE and x.cdr.__class__ is Cons and x.cdr.cdr is NIL:
            return _prefixed("'", build(x.cdr.car, escape, depth + 1))
        if x.car is FUNCTION and x.cdr.__class__ is Cons and x.cdr.cdr is NIL:
            return _prefixed("#'", build(x.cdr.car, escape, depth + 1))
        p = _BACKQUOTE_PREFIXES.get(x.car) if x.car.__class__ is Symbol else None
        if p is not None and x.cdr.__class__ is Cons and x.cdr.cdr is NIL:
            return _prefixed(p, build(x.cdr.car, escape, depth + 1))
        entries = code_entries(x, escape, depth) if x.car.__class__ is Symbol and not data else None
        if entries is not None:
            return code_block(entries)
        style = ("call" if not data and x.car.__class__ is Symbol and x.car.package is not KEYWORD
                 and x.car is not QUOTE and x.car is not FUNCTION and _fbound(x.car) else "fill")
        items = []
        seen = 0
        while x.__class__ is Cons:
            items.append(build(x.car, escape, depth + 1, data))
            x = x.cdr
            seen += 1
            if seen > 1000000:
                break
        if x is not NIL:
            items.append(_prefixed(". ", build(x, escape, depth + 1, data)))
        return Block("(", items, ")", style)
    if t is LVector:
        return Block("#(", [build(e, escape, depth + 1, data) for e in x.active()], ")")
    if t is Struct:
        items = [symbol_text(x.stype.name, escape)]
        for name, v in zip(x.stype.slots, x.vals):
            key = ":" + (symbol_name_escaped(name.name) if escape else name.name)
            items.append(Block("", [key, build(v, escape, depth + 1)], "", "pair"))
        return Block("#S(", items, ")", "struct")
    return atom_text(x, escape)


def symbol_text(s, escape):
    return prin1_symbol(s) if escape else _case_name(s.name)


def _prefixed(p, node):
    if node.__class__ is Block:
        return Block(p + node.prefix, node.items, node.suffix, node.style)
    return p + node


def _w(node):
    """Width for the fits test: a multi-line atom counts up to its first newline."""
    if node.__class__ is Block:
        return node.width
    i = node.find("\n")
    return len(node) if i < 0 else i


def layout(node, col, out, suffix=0):
    """Append the text of node starting at column col; returns (new col, broke).
    suffix: how many characters (closing parentheses) follow node directly."""
    if node.__class__ is not Block:
        out.append(node)
        i = node.rfind("\n")
        if i >= 0:
            return len(node) - i - 1, True
        return col + len(node), False
    start = col
    if col + node.width + suffix <= MARGIN:
        flat = []
        _flat(node, flat)
        text = "".join(flat)
        out.append(text)
        return col + len(text), False
    if node.style == "code":
        return _layout_code(node, col, out, suffix)
    out.append(node.prefix)
    col += len(node.prefix)
    indent = col
    items = node.items
    n = len(items)
    style = node.style
    broke_any = False
    prev_broke = False
    if style == "pair":
        col, b1 = layout(items[0], col, out)
        out.append(" ")
        col, b2 = layout(items[1], col + 1, out, suffix)
        return col, b1 or b2
    end_suffix = len(node.suffix) + suffix
    for i, it in enumerate(items):
        last = i == n - 1
        it_suffix = end_suffix if last else 1
        if i > 0:
            if style == "struct" or style == "linear":
                brk = True  # linear: the block does not fit, so every element breaks
            elif it.__class__ is not Block and "\n" in it:
                # a section ending in a literal newline: only its first line counts
                brk = prev_broke or col + 1 + _w(it) > MARGIN
            else:
                brk = prev_broke or col + 1 + _w(it) + it_suffix > MARGIN
            if brk:
                _newline(out, indent)
                col = indent
                broke_any = True
            else:
                out.append(" ")
                col += 1
            if style == "call" and i == 1:
                indent = col  # (pprint-indent :current 0) after the function name
        col, prev_broke = layout(it, col, out, it_suffix)
        if prev_broke:
            broke_any = True
    out.append(node.suffix)
    return col + len(node.suffix), broke_any


def _newline(out, indent):
    """A line break: trailing blanks of the finished line are dropped, as SBCL does."""
    while out:
        last = out[-1]
        stripped = last.rstrip(" ")
        if stripped == last and last:
            break
        if stripped:
            out[-1] = stripped
            break
        out.pop()
    out.append("\n" + " " * indent)


def _layout_code(node, col, out, suffix):
    """A form of code: entries ('o', node) ('sp',) ('b', kind) ('ib', n) ('ic', n)."""
    out.append(node.prefix)
    col += len(node.prefix)
    start = col
    indent = col
    linear = True  # only called when the block does not fit on the line
    entries = node.items
    n = len(entries)
    broke_any = False
    section_broke = False
    for i, ent in enumerate(entries):
        kind = ent[0]
        if kind == "o":
            nxt = next((e for e in entries[i + 1:] if e[0] not in ("ib", "ic")), None)
            if nxt is None:
                o_suffix = suffix + 1
            elif nxt[0] == "b" and nxt[1] == "mandatory":
                o_suffix = 0  # a forced break follows: no trailing blank to count
            else:
                o_suffix = 1
            col, broke = layout(ent[1], col, out, o_suffix)
            if broke:
                section_broke = broke_any = True
        elif kind == "sp":
            out.append(" ")
            col += 1
        elif kind == "ib":
            indent = start + ent[1]
        elif kind == "ic":
            indent = col + ent[1]
        else:
            how = ent[1]
            if how == "mandatory":
                brk = True
            elif how == "linear":
                brk = linear
            else:
                brk = section_broke or not _section_fits(entries[i + 1:], col, suffix)
            if brk:
                _newline(out, indent)
                col = indent
                broke_any = True
            else:
                out.append(" ")
                col += 1
            section_broke = False
    out.append(")")
    return col + 1, broke_any


def _section_fits(rest, col, suffix):
    """Whether the entries up to the next break (or the block's end) fit after col."""
    width = 0
    for e in rest:
        if e[0] == "b":
            return col + 1 + width + 1 <= MARGIN
        if e[0] == "o":
            width += _w(e[1])
        elif e[0] == "sp":
            width += 1
        if col + 1 + width > MARGIN:
            return False
    return col + 1 + width + 1 + suffix <= MARGIN


# -- code layouts (SBCL's pprint dispatch for forms of code) ---------------------------
_BLOCK_LIKE = {"WHEN", "UNLESS", "DOLIST", "DOTIMES", "BLOCK", "RETURN-FROM", "UNWIND-PROTECT",
               "CATCH", "CASE", "ECASE", "CCASE", "TYPECASE", "ETYPECASE", "CTYPECASE", "LAMBDA",
               "WITH-OPEN-FILE", "WITH-OUTPUT-TO-STRING", "WITH-INPUT-FROM-STRING", "EVAL-WHEN"}
_LOOP_WORDS = {"FOR", "AS", "WITH", "DO", "DOING", "COLLECT", "COLLECTING", "APPEND", "APPENDING",
               "NCONC", "NCONCING", "SUM", "SUMMING", "COUNT", "COUNTING", "MAXIMIZE", "MAXIMIZING",
               "MINIMIZE", "MINIMIZING", "WHEN", "IF", "UNLESS", "WHILE", "UNTIL", "ALWAYS", "NEVER",
               "THEREIS", "FINALLY", "INITIALLY", "REPEAT", "RETURN", "NAMED", "ELSE", "END"}
_EMPTY_AT_1 = {"LAMBDA", "DESTRUCTURING-BIND", "DOLIST", "DOTIMES", "LET", "LET*", "FLET",
               "LABELS", "MACROLET"}


_CASE_LIKE = {"CASE", "ECASE", "CCASE", "TYPECASE", "ETYPECASE", "CTYPECASE"}


def _plain_list(x, escape, depth):
    """A CASE clause: its keys printed as data, its forms one per line (linear) when the
    clause does not fit on the line."""
    items = _items(x)
    nodes = [build(items[0], escape, depth + 1, data=True)] + [build(e, escape, depth + 1) for e in items[1:]]
    return Block("(", nodes, ")", "linear")


def code_block(entries):
    return Block("(", entries, ")", "code")


def _arglist(x, escape, depth):
    """An element printed as a list even when empty: () rather than NIL."""
    return "()" if x is NIL else build(x, escape, depth)


def _body(forms, first_kind, escape, depth):
    out = []
    for i, f in enumerate(forms):
        out.append(("b", first_kind if i == 0 else "linear"))
        out.append(("o", build(f, escape, depth)))
    return out


def _linear_list(items, escape, depth):
    out = []
    for i, x in enumerate(items):
        if i:
            out.append(("b", "linear"))
        out.append(("o", build(x, escape, depth)))
    return code_block(out)


def code_entries(x, escape, depth):
    """SBCL's layout of the code form x (a proper list), or None."""
    head = x.car
    if head.__class__ is not Symbol or head.package is not cl("CAR").package:
        return None
    name = head.name
    items = []
    y = x
    while y.__class__ is Cons:
        items.append(y.car)
        y = y.cdr
    if y is not NIL:
        return None
    n = len(items)
    d = depth + 1
    op = ("o", prin1_symbol(head) if escape else head.name)
    B = lambda v: build(v, escape, d)
    if name == "IF" and n >= 3:
        e = [op, ("sp",), ("ic", 0), ("o", B(items[1]))]
        for f in items[2:]:
            e += [("b", "mandatory"), ("o", B(f))]
        return e
    if name in ("LET", "LET*") and n >= 2 and (items[1].__class__ is Cons or items[1] is NIL):
        binds = []
        for i, bnd in enumerate(_items(items[1])):
            if i:
                binds.append(("b", "linear"))
            binds.append(("o", _linear_list(_items(bnd), escape, d) if bnd.__class__ is Cons else B(bnd)))
        first = code_block(binds) if items[1] is not NIL else "()"
        return [op, ("sp",), ("o", first), ("ib", 1)] + _body(items[2:], "mandatory", escape, d)
    if name in ("FLET", "LABELS", "MACROLET") and n >= 2 and (items[1].__class__ is Cons or items[1] is NIL):
        defs = []
        for i, df in enumerate(_items(items[1])):
            if i:
                defs.append(("b", "linear"))
            if df.__class__ is Cons and df.cdr.__class__ is Cons and _proper(df):
                dl = _items(df)
                de = [("o", B(dl[0])), ("sp",), ("o", _arglist(dl[1], escape, d)), ("ib", 1)]
                de += _body(dl[2:], "mandatory", escape, d)
                defs.append(("o", code_block(de)))
            else:
                defs.append(("o", B(df)))
        first = code_block(defs) if items[1] is not NIL else "()"
        return [op, ("sp",), ("o", first), ("ib", 1)] + _body(items[2:], "mandatory", escape, d)
    if name in ("DEFUN", "DEFMACRO") and n >= 3:
        return ([op, ("sp",), ("ic", 0), ("o", B(items[1])), ("b", "fill"),
                 ("o", _arglist(items[2], escape, d)), ("ib", 1)] +
                _body(items[3:], "linear", escape, d))
    if name in ("MULTIPLE-VALUE-BIND", "DESTRUCTURING-BIND") and n >= 3:
        first = _arglist(items[1], escape, d) if name == "DESTRUCTURING-BIND" else B(items[1])
        kind = "linear" if name == "DESTRUCTURING-BIND" else "fill"
        return ([op, ("ib", 3), ("b", kind), ("o", first), ("b", "linear"), ("o", B(items[2])),
                 ("ib", 1)] + _body(items[3:], "linear", escape, d))
    if name in _BLOCK_LIKE and n >= 2:
        first = _arglist(items[1], escape, d) if name in _EMPTY_AT_1 else B(items[1])
        if name in _CASE_LIKE:
            # clauses are laid out as plain lists (their keys are not code)
            rest = []
            for i, c in enumerate(items[2:]):
                rest.append(("b", "linear"))
                rest.append(("o", _plain_list(c, escape, d) if c.__class__ is Cons and _proper(c) else B(c)))
            return [op, ("ib", 3), ("b", "fill"), ("o", first), ("ib", 1)] + rest
        return [op, ("ib", 3), ("b", "fill"), ("o", first), ("ib", 1)] + _body(items[2:], "linear", escape, d)
    if name in ("PROGN", "LOCALLY"):
        return [op] + _body(items[1:], "linear", escape, d)
    if name in ("DO", "DO*") and n >= 3 and (items[1].__class__ is Cons or items[1] is NIL):
        vars_ = []
        for i, v in enumerate(_items(items[1])):
            if i:
                vars_.append(("b", "mandatory"))
            vars_.append(("o", _linear_list(_items(v), escape, d) if v.__class__ is Cons else B(v)))
        first = code_block(vars_) if items[1] is not NIL else "()"
        return ([op, ("sp",), ("o", first), ("ib", 3), ("b", "linear"), ("o", B(items[2])), ("ib", 1)] +
                _body(items[3:], "linear", escape, d))
    if name == "TAGBODY" and n >= 2:
        e = [op]
        for f in items[1:]:
            tag = f.__class__ is not Cons
            e += [("ib", 0 if tag else 1), ("b", "linear"), ("o", B(f))]
        return e
    if name in ("DEFVAR", "DEFPARAMETER", "DEFCONSTANT") and n >= 3:
        return [op, ("sp",), ("o", B(items[1])), ("ib", 1)] + _body(items[2:], "linear", escape, d)
    if name == "DEFINE-CONDITION" and n >= 4:
        # name, then parents and slots indented 4, options indented 2
        return ([op, ("sp",), ("o", B(items[1])), ("ib", 3), ("b", "linear"), ("o", B(items[2])),
                 ("b", "linear"), ("o", B(items[3])), ("ib", 1)] +
                _body(items[4:], "linear", escape, d) if n > 4 else
                [op, ("sp",), ("o", B(items[1])), ("ib", 3), ("b", "linear"), ("o", B(items[2])),
                 ("b", "linear"), ("o", B(items[3]))])
    if name in ("DEFSTRUCT", "DEFPACKAGE") and n >= 2:
        return [op, ("sp",), ("o", B(items[1])), ("ib", 1)] + _body(items[2:], "linear", escape, d)
    if name == "DECLARE" and n >= 3:
        e = [op, ("sp",), ("ic", 0), ("o", B(items[1]))]
        for f in items[2:]:
            e += [("b", "mandatory"), ("o", B(f))]
        return e
    if name == "LOOP" and n >= 2 and all(v.__class__ is Cons for v in items[1:]):
        e = [op, ("b", "fill"), ("ic", 0), ("o", B(items[1]))]
        for f in items[2:]:
            e += [("b", "mandatory"), ("o", B(f))]
        return e
    if name in ("SETQ", "PSETQ", "SETF", "PSETF") and n >= 3 and n % 2 == 1:
        # pairs on separate lines; a value that does not fit goes under its place + 2
        L = len(op[1])
        e = [op, ("sp",)]
        for i in range(1, n, 2):
            if i > 1:
                e.append(("b", "mandatory"))
            e += [("o", B(items[i])), ("ib", L + 3), ("b", "fill"), ("o", B(items[i + 1])),
                  ("ib", L + 1)]
        return e
    if name == "LOOP" and n >= 3 and items[1].__class__ is Symbol and any(
            v.__class__ is Symbol and v.name in _LOOP_WORDS for v in items[2:]):
        e = [op, ("sp",), ("ic", 0), ("o", B(items[1]))]
        for v in items[2:]:
            e.append(("b", "mandatory") if v.__class__ is Symbol and v.name in _LOOP_WORDS else ("sp",))
            e.append(("o", B(v)))
        return e
    return None


def _items(x):
    out = []
    while x.__class__ is Cons:
        out.append(x.car)
        x = x.cdr
    return out


def _proper(x):
    while x.__class__ is Cons:
        x = x.cdr
    return x is NIL


def write_to_string(x, escape=True, col=0):
    if PRINT_PRETTY.value is NIL:
        return _plain(x, escape)
    node = build(x, escape)
    if node.__class__ is not Block:
        return node
    out = []
    if col + node.width <= MARGIN:
        _flat(node, out)
    else:
        layout(node, col, out)
    return "".join(out)


def _flat(node, out):
    if node.__class__ is not Block:
        out.append(node)
        return
    if node.style == "code":
        out.append(node.prefix)
        for e in node.items:
            if e[0] == "o":
                _flat(e[1], out)
            elif e[0] in ("sp", "b"):
                out.append(" ")
        out.append(")")
        return
    out.append(node.prefix)
    first = True
    for it in node.items:
        if not first:
            out.append(" ")
        first = False
        _flat(it, out)
    out.append(node.suffix)


def prin1_to_string(x):
    return write_to_string(x, True)


def princ_to_string(x):
    return write_to_string(x, False)
