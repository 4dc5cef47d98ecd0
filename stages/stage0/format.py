"""FORMAT: control strings are parsed once into a directive tree (cached) and then
interpreted against the argument list, writing to a Stream (so ~& and the printer's
margin see the real column)."""
from .conditions import lisp_error
from .data import NIL, Char, LString, list_items
from .printer import write_to_string
from .streams import StringOutput


class Directive:
    __slots__ = ("ch", "params", "colon", "at", "body", "clauses", "default_last")

    def __init__(self, ch, params, colon, at):
        self.ch = ch
        self.params = params
        self.colon = colon
        self.at = at
        self.body = None
        self.clauses = None
        self.default_last = False


class _Up(Exception):
    """~^ : leave the enclosing iteration."""


_cache = {}


def parse(ctl):
    r = _cache.get(ctl)
    if r is None:
        items, i, _ = _parse(ctl, 0, None)
        r = _cache[ctl] = items
    return r


def _parse(ctl, i, closer):
    """Parse until a directive in `closer` (a string of chars); returns (items, i, endDirective)."""
    items = []
    n = len(ctl)
    while i < n:
        j = ctl.find("~", i)
        if j < 0:
            items.append(ctl[i:])
            return items, n, None
        if j > i:
            items.append(ctl[i:j])
        i = j + 1
        params = []
        colon = at = False
        # parameters
        while True:
            if i >= n:
                lisp_error("format: control string ends inside a directive: ~S", LString(ctl))
            c = ctl[i]
            if c == "'":
                params.append(ctl[i + 1])
                i += 2
            elif c in "+-0123456789":
                k = i + 1
                while k < n and ctl[k].isdigit():
                    k += 1
                params.append(int(ctl[i:k]))
                i = k
            elif c in "vV":
                params.append("V")
                i += 1
            elif c == "#":
                params.append("#")
                i += 1
            elif c == ",":
                params.append(None)
                i += 1
                continue
            else:
                break
            if i < n and ctl[i] == ",":
                i += 1
                continue
            break
        while i < n and ctl[i] in ":@":
            if ctl[i] == ":":
                colon = True
            else:
                at = True
            i += 1
        if i >= n:
            lisp_error("format: control string ends inside a directive: ~S", LString(ctl))
        ch = ctl[i].upper()
        i += 1
        d = Directive(ch, params, colon, at)
        if closer and ch in closer:
            return items, i, d
        if ch == "\n":
            # ~newline: skip the newline and following whitespace (~:newline keeps ws,
            # ~@newline keeps the newline)
            k = i
            if not colon:
                while k < n and ctl[k] in " \t":
                    k += 1
            if at:
                items.append("\n")
            i = k
            continue
        if ch == "{":
            d.body, i, end = _parse(ctl, i, "}")
            if end is None:
                lisp_error("format: ~~{ without ~~}")
            d.default_last = end.colon  # ~:} : run at least once
        elif ch == "(":
            d.body, i, end = _parse(ctl, i, ")")
            if end is None:
                lisp_error("format: ~~( without ~~)")
        elif ch == "[":
            clauses = []
            while True:
                body, i, end = _parse(ctl, i, ";]")
                clauses.append(body)
                if end is None:
                    lisp_error("format: ~~[ without ~~]")
                if end.ch == "]":
                    break
                if end.colon:
                    d.default_last = True
            d.clauses = clauses
        elif ch in "}])":
            lisp_error("format: unmatched ~~~A", LString(ch))
        items.append(d)
    return items, i, None


class Args:
    __slots__ = ("items", "i")

    def __init__(self, items):
        self.items = items
        self.i = 0

    def next(self):
        if self.i >= len(self.items):
            lisp_error("format: not enough arguments")
        x = self.items[self.i]
        self.i += 1
        return x

    def left(self):
        return len(self.items) - self.i


def _param(d, k, args, default):
    if k < len(d.params) and d.params[k] is not None:
        p = d.params[k]
        if p == "V":
            v = args.next()
            return default if v is NIL else (v.c if isinstance(v, Char) else v)
        if p == "#":
            return args.left()
        return p
    return default


def _pad(s, d, args, left):
    mincol = _param(d, 0, args, 0)
    colinc = _param(d, 1, args, 1)
    minpad = _param(d, 2, args, 0)
    padchar = _param(d, 3, args, " ")
    s2 = s + padchar * minpad if not left else padchar * minpad + s
    if len(s2) < mincol:
        extra = mincol - len(s2)
        if colinc > 1:
            extra = ((extra + colinc - 1) // colinc) * colinc
        pad = padchar * extra
        s2 = pad + s2 if left else s2 + pad
    return s2


def _int_text(x, d, args, radix):
    if x.__class__ is not int:
        return write_to_string(x, False)
    mincol = _param(d, 0, args, 0)
    padchar = _param(d, 1, args, " ")
    commachar = _param(d, 2, args, ",")
    interval = _param(d, 3, args, 3)
    digits = _to_radix(abs(x), radix)
    if d.colon:
        groups = []
        while len(digits) > interval:
            groups.insert(0, digits[-interval:])
            digits = digits[:-interval]
        groups.insert(0, digits)
        digits = commachar.join(groups)
    if x < 0:
        digits = "-" + digits
    elif d.at:
        digits = "+" + digits
    if len(digits) < mincol:
        digits = padchar * (mincol - len(digits)) + digits
    return digits


def _to_radix(n, radix):
    if radix == 10:
        return str(n)
    if radix == 16:
        return format(n, "X")
    if radix == 8:
        return format(n, "o")
    if radix == 2:
        return format(n, "b")
    digs = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = []
    while True:
        n, r = divmod(n, radix)
        out.append(digs[r])
        if n == 0:
            break
    return "".join(reversed(out))


def run(items, args, out):
    """Interpret directives; out is a Stream."""
    for d in items:
        if d.__class__ is str:
            out.write(d)
            continue
        ch = d.ch
        if ch == "A" or ch == "S":
            x = args.next()
            esc = ch == "S"
            if d.colon and x is NIL:
                s = "()" if not esc else "()"
            else:
                s = write_to_string(x, esc, out.col)
            if d.params:
                s = _pad(s, d, args, d.at)
            out.write(s)
        elif ch == "D":
            out.write(_int_text(args.next(), d, args, 10))
        elif ch == "X":
            out.write(_int_text(args.next(), d, args, 16))
        elif ch == "B":
            out.write(_int_text(args.next(), d, args, 2))
        elif ch == "O":
            out.write(_int_text(args.next(), d, args, 8))
        elif ch == "R":
            radix = _param(d, 0, args, None)
            if radix is None:
                x = args.next()
                if x.__class__ is not int:
                    out.write(write_to_string(x, False, out.col))
                elif d.at:
                    out.write(_roman(x, old=d.colon))
                elif d.colon:
                    out.write(_ordinal(x))
                else:
                    out.write(_cardinal(x))
                continue
            d2 = Directive("R", d.params[1:], d.colon, d.at)
            out.write(_int_text(args.next(), d2, args, radix))
        elif ch == "C":
            c = args.next()
            if not isinstance(c, Char):
                lisp_error("format: ~C needs a character, got ~S", c)
            if d.at:
                out.write(write_to_string(c, True))
            elif d.colon:
                from .printer import char_name
                out.write(char_name(c.c) or c.c if c.c != " " else "Space")
            else:
                out.write(c.c)
        elif ch == "%":
            out.write("\n" * _param(d, 0, args, 1))
        elif ch == "&":
            n = _param(d, 0, args, 1)
            if n > 0:
                if out.col != 0:
                    out.write("\n")
                out.write("\n" * (n - 1))
        elif ch == "~":
            out.write("~" * _param(d, 0, args, 1))
        elif ch == "|":
            out.write("\f" * _param(d, 0, args, 1))
        elif ch == "T":
            colnum = _param(d, 0, args, 1)
            colinc = _param(d, 1, args, 1)
            if d.at:
                out.write(" " * colnum)
                if colinc > 1:
                    out.write(" " * ((-out.col) % colinc))
            elif out.col < colnum:
                out.write(" " * (colnum - out.col))
            elif colinc > 0:
                out.write(" " * ((colinc - (out.col - colnum) % colinc) % colinc))
        elif ch == "P":
            if d.colon:
                args.i -= 1
            x = args.next()
            if d.at:
                out.write("y" if x == 1 else "ies")
            elif x != 1:
                out.write("s")
        elif ch == "*":
            n = _param(d, 0, args, None)
            if d.at:
                args.i = n if n is not None else 0
            elif d.colon:
                args.i -= n if n is not None else 1
            else:
                for _ in range(n if n is not None else 1):
                    args.next()
        elif ch == "^":
            if d.colon:
                raise _Up("colon")
            if args.left() == 0:
                raise _Up()
        elif ch == "{":
            _iterate(d, args, out)
        elif ch == "[":
            _conditional(d, args, out)
        elif ch == "(":
            sub = StringOutput()
            sub.col = out.col
            try:
                run(d.body, args, sub)
            finally:
                s = sub.take()
                if d.colon and d.at:
                    s = s.upper()
                elif d.colon:
                    s = _capitalize_words(s)
                elif d.at:
                    low = s.lower()
                    k = 0
                    while k < len(low) and not low[k].isalnum():
                        k += 1
                    s = low[:k] + low[k:k + 1].upper() + low[k + 1:]
                else:
                    s = s.lower()
                out.write(s)
        elif ch == "?":
            sub = args.next()
            ctl = sub.value() if isinstance(sub, LString) else None
            if ctl is None:
                lisp_error("format: ~~? needs a control string, got ~S", sub)
            if d.at:
                run(parse(ctl), args, out)
            else:
                try:
                    run(parse(ctl), Args(list_items(args.next())), out)
                except _Up:
                    pass
        else:
            lisp_error("format: unsupported directive ~~~A", LString(d.ch))


_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
         "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = ["", " thousand", " million", " billion", " trillion", " quadrillion", " quintillion"]


def _below_1000(n):
    parts = []
    if n >= 100:
        parts.append(_ONES[n // 100] + " hundred")
        n %= 100
    if n >= 20:
        t = _TENS[n // 10]
        parts.append(t + ("-" + _ONES[n % 10] if n % 10 else ""))
    elif n > 0:
        parts.append(_ONES[n])
    return " ".join(parts)


def _cardinal(n):
    if n == 0:
        return "zero"
    if n < 0:
        return "negative " + _cardinal(-n)
    groups = []
    i = 0
    while n > 0:
        n, g = divmod(n, 1000)
        if g:
            groups.append(_below_1000(g) + _SCALES[i])
        i += 1
    return " ".join(reversed(groups))


_ORD_SPECIAL = {"one": "first", "two": "second", "three": "third", "five": "fifth",
                "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}


def _ordinal(n):
    c = _cardinal(n)
    head, sep, last = c.rpartition(" ")
    h2, dash, word = last.rpartition("-")
    if word in _ORD_SPECIAL:
        word = _ORD_SPECIAL[word]
    elif word.endswith("y"):
        word = word[:-1] + "ieth"
    else:
        word = word + "th"
    return head + sep + h2 + dash + word


def _roman(n, old=False):
    if not 0 < n < (5000 if old else 4000):
        return str(n)
    table = ([(1000, "M"), (500, "D"), (100, "C"), (50, "L"), (10, "X"), (5, "V"), (1, "I")] if old else
             [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
              (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")])
    out = []
    for v, sym in table:
        while n >= v:
            out.append(sym)
            n -= v
    return "".join(out)


def _capitalize_words(s):
    out = []
    prev_alnum = False
    for c in s:
        if c.isalnum():
            out.append(c.lower() if prev_alnum else c.upper())
            prev_alnum = True
        else:
            out.append(c)
            prev_alnum = False
    return "".join(out)


def _iterate(d, args, out):
    body = d.body
    if not body and True:
        lisp_error("format: ~~{~~} with an empty body is not supported")
    maxn = _param(d, 0, args, None)
    if d.at:
        src = args
    else:
        src = Args(list_items(args.next()))
    count = 0
    first = True
    while True:
        if maxn is not None and count >= maxn:
            break
        if src.left() == 0 and not (first and d.default_last):
            break
        first = False
        count += 1
        try:
            if d.colon:
                sub = Args(list_items(src.next()))
                try:
                    run(body, sub, out)
                except _Up as u:
                    if u.args and u.args[0] == "colon":
                        break
            else:
                run(body, src, out)
        except _Up as u:
            break


def _conditional(d, args, out):
    clauses = d.clauses
    if d.colon:
        x = args.next()
        chosen = clauses[1] if x is not NIL and len(clauses) > 1 else clauses[0]
        run(chosen, args, out)
    elif d.at:
        x = args.next()
        if x is not NIL:
            args.i -= 1
            run(clauses[0], args, out)
    else:
        n = _param(d, 0, args, None)
        if n is None:
            n = args.next()
        if isinstance(n, int) and 0 <= n < len(clauses) and not (d.default_last and n == len(clauses) - 1):
            run(clauses[n], args, out)
        elif d.default_last:
            run(clauses[-1], args, out)


def format_to_stream(out, ctl, arglist):
    try:
        run(parse(ctl), Args(arglist), out)
    except _Up:
        pass


def format_to_string(ctl, arglist, col=0):
    out = StringOutput()
    out.col = col
    format_to_stream(out, ctl, arglist)
    return out.take()
