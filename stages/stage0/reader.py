"""The Lisp reader: text -> Lisp data, with source positions and one-line errors.

Lines and columns are 1-based. Backquote reads as (WASMBOOT-STAGE0::BACKQUOTE x) with
UNQUOTE / UNQUOTE-SPLICING / UNQUOTE-NSPLICING inside; the BACKQUOTE macro expands it.
"""
import bisect
import unicodedata

from .data import (Cons, NIL, T, Symbol, mkchar, LString, LVector, PACKAGES, KEYWORD,
                   CL, FIXNUM_MAX, FIXNUM_MIN, cl, kw, sys, lisp_list)

QUOTE = cl("QUOTE")
FUNCTION = cl("FUNCTION")
BACKQUOTE = sys("BACKQUOTE")
UNQUOTE = sys("UNQUOTE")
UNQUOTE_SPLICING = sys("UNQUOTE-SPLICING")
UNQUOTE_NSPLICING = sys("UNQUOTE-NSPLICING")

WHITESPACE = " \t\n\r\f\v"
TERMINATING = "()'\";`,"

CHAR_NAMES = {
    "SPACE": " ", "NEWLINE": "\n", "TAB": "\t", "RETURN": "\r", "LINEFEED": "\n",
    "PAGE": "\f", "BACKSPACE": "\b", "RUBOUT": "\x7f", "DELETE": "\x7f", "NUL": "\0",
    "NULL": "\0", "BEL": "\a", "BELL": "\a", "ESC": "\x1b", "ESCAPE": "\x1b",
    "VT": "\v", "SOH": "\x01", "STX": "\x02", "ETX": "\x03", "EOT": "\x04",
    "ENQ": "\x05", "ACK": "\x06", "SO": "\x0e", "SI": "\x0f", "DLE": "\x10",
    "DC1": "\x11", "DC2": "\x12", "DC3": "\x13", "DC4": "\x14", "NAK": "\x15",
    "SYN": "\x16", "ETB": "\x17", "CAN": "\x18", "EM": "\x19", "SUB": "\x1a",
    "FS": "\x1c", "GS": "\x1d", "RS": "\x1e", "US": "\x1f",
}


class ReadError(Exception):
    """A syntax error; str() is the one-line message `file:line:col: reason`."""

    def __init__(self, filename, line, col, reason):
        Exception.__init__(self, f"{filename}:{line}:{col}: {reason}")
        self.filename = filename
        self.line = line
        self.col = col
        self.reason = reason


class _EOF(Exception):
    pass


EOF = object()


def decode_source(data, filename):
    """UTF-8 bytes -> str; invalid UTF-8 is a ReadError at its line and column."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        good = data[:e.start].decode("utf-8")
        line = good.count("\n") + 1
        col = len(good) - (good.rfind("\n") + 1) + 1
        raise ReadError(filename, line, col, f"invalid UTF-8 byte 0x{data[e.start]:02x}") from None


class Reader:
    def __init__(self, text, filename="<string>", package_fn=None, features_fn=None):
        self.text = text
        self.n = len(text)
        self.pos = 0
        self.filename = filename
        self.package_fn = package_fn or (lambda: PACKAGES["COMMON-LISP-USER"])
        self.features_fn = features_fn or (lambda: [])
        self._lines = None

    # -- positions -----------------------------------------------------------------
    def line_col(self, pos):
        if self._lines is None:
            starts = [0]
            t = self.text
            i = t.find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = t.find("\n", i + 1)
            self._lines = starts
        ln = bisect.bisect_right(self._lines, pos)
        return ln, pos - self._lines[ln - 1] + 1

    def error(self, reason, pos=None):
        line, col = self.line_col(self.pos if pos is None else pos)
        raise ReadError(self.filename, line, col, reason)

    # -- top level -----------------------------------------------------------------
    def read_toplevel(self):
        """(form, line, col) of the next form, or None at end of input."""
        self.skip_ws()
        if self.pos >= self.n:
            return None
        start = self.pos
        form = self.read(eof_ok=True)
        if form is EOF:
            return None
        line, col = self.line_col(start)
        return form, line, col

    def read_all(self):
        out = []
        while True:
            r = self.read_toplevel()
            if r is None:
                return out
            out.append(r)

    def skip_ws(self):
        t, n = self.text, self.n
        while self.pos < n:
            c = t[self.pos]
            if c in WHITESPACE:
                self.pos += 1
            elif c == ";":
                j = t.find("\n", self.pos)
                self.pos = n if j < 0 else j + 1
            elif c == "#" and self.pos + 1 < n and t[self.pos + 1] == "|":
                self.skip_block_comment()
            else:
                return

    def skip_block_comment(self):
        start = self.pos
        t = self.text
        depth = 0
        i = self.pos
        while i < self.n:
            if t.startswith("#|", i):
                depth += 1
                i += 2
            elif t.startswith("|#", i):
                depth -= 1
                i += 2
                if depth == 0:
                    self.pos = i
                    return
            else:
                i += 1
        self.error("unterminated #| comment", start)

    def read(self, eof_ok=False):
        """Read one object. Returns EOF at end of input when eof_ok."""
        while True:
            self.skip_ws()
            if self.pos >= self.n:
                if eof_ok:
                    return EOF
                self.error("unexpected end of file")
            r = self.read1()
            if r is not _SKIP:
                return r

    def read1(self):
        t = self.text
        start = self.pos
        c = t[start]
        if c == "(":
            self.pos += 1
            return self.read_list(start)
        if c == ")":
            self.error("unmatched close parenthesis")
        if c == "'":
            self.pos += 1
            return lisp_list([QUOTE, self.read_inner(start, "'")])
        if c == "`":
            self.pos += 1
            return lisp_list([BACKQUOTE, self.read_inner(start, "`")])
        if c == ",":
            self.pos += 1
            op = UNQUOTE
            if self.pos < self.n and t[self.pos] == "@":
                op = UNQUOTE_SPLICING
                self.pos += 1
            elif self.pos < self.n and t[self.pos] == ".":
                op = UNQUOTE_NSPLICING
                self.pos += 1
            return lisp_list([op, self.read_inner(start, ",")])
        if c == '"':
            return self.read_string()
        if c == "#":
            return self.read_dispatch()
        return self.read_token_object()

    def read_inner(self, start, what):
        r = self.read(eof_ok=True)
        if r is EOF:
            self.error(f"end of file after {what}", start)
        return r

    def read_list(self, start):
        items = []
        tail = NIL
        t = self.text
        while True:
            self.skip_ws()
            if self.pos >= self.n:
                self.error("unbalanced parenthesis: end of file inside a list opened here", start)
            c = t[self.pos]
            if c == ")":
                self.pos += 1
                return lisp_list(items, tail)
            if c == "." and self._is_dot():
                dotpos = self.pos
                if not items:
                    self.error("dot with nothing before it", dotpos)
                self.pos += 1
                tail = self.read(eof_ok=True)
                if tail is EOF:
                    self.error("unbalanced parenthesis: end of file inside a list opened here", start)
                self.skip_ws()
                if self.pos >= self.n:
                    self.error("unbalanced parenthesis: end of file inside a list opened here", start)
                if t[self.pos] != ")":
                    self.error("more than one object after dot", self.pos)
                self.pos += 1
                return lisp_list(items, tail)
            r = self.read1()
            if r is not _SKIP:
                items.append(r)

    def _is_dot(self):
        p = self.pos + 1
        return p >= self.n or self.text[p] in WHITESPACE or self.text[p] in TERMINATING

    def read_string(self):
        start = self.pos
        t = self.text
        i = self.pos + 1
        out = []
        while True:
            j = i
            while j < self.n and t[j] != '"' and t[j] != "\\":
                j += 1
            out.append(t[i:j])
            if j >= self.n:
                self.error("unterminated string", start)
            if t[j] == '"':
                self.pos = j + 1
                return LString("".join(out))
            if j + 1 >= self.n:
                self.error("unterminated string", start)
            out.append(t[j + 1])
            i = j + 2

    # -- tokens --------------------------------------------------------------------
    def scan_token(self):
        """Returns (chars, escaped_mask list, any_escape). Handles | and \\."""
        t = self.text
        chars = []
        esc = []
        any_esc = False
        start = self.pos
        while self.pos < self.n:
            c = t[self.pos]
            if c in WHITESPACE or c in TERMINATING:
                break
            if c == "\\":
                if self.pos + 1 >= self.n:
                    self.error("end of file after \\ in a symbol", self.pos)
                chars.append(t[self.pos + 1])
                esc.append(True)
                any_esc = True
                self.pos += 2
            elif c == "|":
                j = self.pos + 1
                while True:
                    if j >= self.n:
                        self.error("unterminated |...| in a symbol", self.pos)
                    if t[j] == "|":
                        break
                    if t[j] == "\\" and j + 1 < self.n:
                        j += 1
                    chars.append(t[j])
                    esc.append(True)
                    j += 1
                any_esc = True
                self.pos = j + 1
            else:
                chars.append(c)
                esc.append(False)
                self.pos += 1
        return chars, esc, any_esc, start

    def read_token_object(self):
        chars, esc, any_esc, start = self.scan_token()
        if not any_esc:
            tok = "".join(chars)
            num = parse_number(tok)
            if num is not None:
                if num is _FLOAT:
                    self.error(f"floating-point and ratio numbers are not supported: {tok}", start)
                if not (FIXNUM_MIN <= num <= FIXNUM_MAX):
                    self.error(f"integer {tok} is outside the 62-bit range", start)
                return num
            if tok == ".":
                self.error("dot outside a list", start)
            if tok and all(ch == "." for ch in tok):
                self.error(f"bad token {tok}", start)
        return self.make_symbol(chars, esc, start)

    def make_symbol(self, chars, esc, start):
        # Split at unescaped package markers.
        colons = [i for i, ch in enumerate(chars) if ch == ":" and not esc[i]]
        def fold(lo, hi):
            return "".join(ch if esc[i] else ch.upper() for i, ch in enumerate(chars[lo:hi], lo))
        if not colons:
            name = fold(0, len(chars))
            pkg = self.package_fn()
            return pkg.intern(name)
        first = colons[0]
        if len(colons) > 2 or (len(colons) == 2 and colons[1] != first + 1):
            self.error(f"too many colons in symbol {''.join(chars)}", start)
        internal = len(colons) == 2
        name = fold(colons[-1] + 1, len(chars))
        if first == 0:
            if internal:
                self.error(f"bad keyword syntax {''.join(chars)}", start)
            return KEYWORD.intern(name)
        pname = fold(0, first)
        pkg = PACKAGES.get(pname)
        if pkg is None:
            self.error(f"package {pname} does not exist", start)
        if internal:
            return pkg.intern(name)
        s, status = pkg.find(name)
        if s is None or status != "EXTERNAL":
            if pkg is CL and s is None:
                # Unknown symbol in COMMON-LISP: SBCL would refuse; we intern internally.
                return pkg.intern(name)
            if s is None:
                self.error(f"symbol {name} not found in package {pkg.name}", start)
            self.error(f"symbol {name} is not external in package {pkg.name}", start)
        return s

    # -- dispatch macros -------------------------------------------------------------
    def read_dispatch(self):
        start = self.pos
        t = self.text
        if self.pos + 1 >= self.n:
            self.error("end of file after #", start)
        c = t[self.pos + 1]
        self.pos += 2
        if c == "'":
            return lisp_list([FUNCTION, self.read_inner(start, "#'")])
        if c == "\\":
            return self.read_char(start)
        if c == "(":
            lst = self.read_list(start + 1)
            from .data import list_items
            return LVector(list_items(lst))
        if c == ":":
            chars, esc, any_esc, _ = self.scan_token()
            name = "".join(ch if e else ch.upper() for ch, e in zip(chars, esc))
            return Symbol(name, None)
        if c in "xXbBoO":
            radix = {"x": 16, "b": 2, "o": 8}[c.lower()]
            chars, esc, any_esc, _ = self.scan_token()
            tok = "".join(chars)
            try:
                if any_esc or not tok or tok[0] == "_" or "_" in tok:
                    raise ValueError
                v = int(tok, radix)
            except ValueError:
                self.error(f"bad #{c} number: {tok}", start)
            if not (FIXNUM_MIN <= v <= FIXNUM_MAX):
                self.error(f"integer #{c}{tok} is outside the 62-bit range", start)
            return v
        if c in "+-":
            feat = self.read_feature(start)
            want = self.eval_feature(feat, start)
            if c == "-":
                want = not want
            if want:
                return self.read_inner(start, f"#{c}")
            # Skip the next form without interning its symbols into the package.
            saved = self.package_fn
            self.package_fn = lambda: _SCRATCH
            try:
                self.read_inner(start, f"#{c}")
            finally:
                self.package_fn = saved
            return _SKIP
        if c == "|":
            self.pos = start
            self.skip_block_comment()
            return _SKIP
        if c == ".":
            self.error("#. (read-time evaluation) is not supported", start)
        self.error(f"unknown # syntax: #{c}", start)

    def read_feature(self, start):
        saved = self.package_fn
        self.package_fn = lambda: KEYWORD
        try:
            return self.read_inner(start, "#+/#-")
        finally:
            self.package_fn = saved

    def eval_feature(self, f, start):
        if isinstance(f, Symbol):
            return any(x is f or (isinstance(x, Symbol) and x.name == f.name) for x in self.features_fn())
        if isinstance(f, Cons) and isinstance(f.car, Symbol):
            op = f.car.name
            args = []
            x = f.cdr
            while isinstance(x, Cons):
                args.append(x.car)
                x = x.cdr
            if op == "AND":
                return all(self.eval_feature(a, start) for a in args)
            if op == "OR":
                return any(self.eval_feature(a, start) for a in args)
            if op == "NOT" and len(args) == 1:
                return not self.eval_feature(args[0], start)
        self.error("bad feature expression", start)

    def read_char(self, start):
        t = self.text
        if self.pos >= self.n:
            self.error("end of file after #\\", start)
        first = t[self.pos]
        self.pos += 1
        j = self.pos
        while j < self.n and t[j] not in WHITESPACE and t[j] not in TERMINATING:
            j += 1
        if j == self.pos:
            return mkchar(first)
        name = first + t[self.pos:j]
        self.pos = j
        c = char_from_name(name)
        if c is None:
            self.error(f"unknown character name #\\{name}", start)
        return mkchar(c)


def char_from_name(name):
    up = name.upper()
    if up in CHAR_NAMES:
        return CHAR_NAMES[up]
    if len(up) > 1 and up[0] == "U" and up[1:].lstrip("+").isalnum():
        try:
            return chr(int(up[1:].lstrip("+"), 16))
        except ValueError:
            pass
    try:
        return unicodedata.lookup(name.replace("_", " "))
    except KeyError:
        return None


class _Skip:
    pass


_SKIP = _Skip()
_FLOAT = object()

# Symbols read inside a failing #+/#- go here, not into a real package.
from .data import Package as _Package  # noqa: E402
_SCRATCH = _Package("#+-SCRATCH")


def parse_number(tok):
    """An int, _FLOAT for float/ratio syntax, or None for a symbol."""
    s = tok
    if not s:
        return None
    body = s[1:] if s[0] in "+-" else s
    if body.endswith(".") and len(body) > 1 and body[:-1].isdigit() and body[:-1].isascii():
        return int(s[:-1])
    if body.isdigit() and body.isascii():
        return int(s)
    # Floats like 1.5, .5, 1e3 and ratios like 1/2
    import re
    if re.fullmatch(r"[+-]?(\d+/\d+|\d*\.\d+([eEdDfFsSlL][+-]?\d+)?|\d+(\.\d*)?[eEdDfFsSlL][+-]?\d+)", s):
        return _FLOAT
    return None


def read_from_string(text, package_fn=None, features_fn=None, filename="<string>"):
    r = Reader(text, filename, package_fn, features_fn)
    return r.read()
