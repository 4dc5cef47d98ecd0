"""Lisp data as Python objects, chosen for speed.

- integers: Python int, kept inside 62-bit signed range by the arithmetic primitives;
- characters: `Char`, interned per code point (so `is` gives eq/eql);
- strings: `LString` (mutable: `s` holds the whole storage as a Python str, `fp` the
  fill pointer or None), so `(setf char)` and fill pointers work;
- vectors: `LVector` (`items` Python list as storage, `fp` fill pointer or None,
  `eltype` None / 'u8');
- symbols: `Symbol`, interned per `Package`; a symbol holds its global value and its
  global function, so global lookups are one attribute access;
- NIL: a distinguished Symbol that is also the empty list; T: a Symbol;
- conses: `Cons` with `__slots__`;
- multiple values: `MV` (a tuple subclass) returned only when the count is not 1.
"""

FIXNUM_MAX = (1 << 62) - 1
FIXNUM_MIN = -(1 << 62)


class Unbound:
    __slots__ = ()

    def __repr__(self):
        return "<unbound>"


UNBOUND = Unbound()


class Symbol:
    __slots__ = ("name", "package", "value", "function", "macro", "plist",
                 "special", "constant", "setf_expander", "compiler_macro",
                 "special_form", "struct")

    def __init__(self, name, package=None):
        self.name = name
        self.package = package
        self.value = UNBOUND
        self.function = None
        self.macro = None
        self.plist = None
        self.special = False
        self.constant = False
        self.setf_expander = None
        self.compiler_macro = None
        self.special_form = None
        self.struct = None

    def __repr__(self):
        pkg = self.package.name if self.package else "#"
        return f"<Symbol {pkg}::{self.name}>"


class Cons:
    __slots__ = ("car", "cdr")

    def __init__(self, car, cdr):
        self.car = car
        self.cdr = cdr

    def __repr__(self):
        from .printer import prin1_to_string
        return prin1_to_string(self)


class Char:
    __slots__ = ("c", "code")

    def __init__(self, c):
        self.c = c
        self.code = ord(c)

    def __repr__(self):
        return f"#\\{self.c}"


_chars = {}


def mkchar(c):
    """The interned character for a 1-character Python string."""
    ch = _chars.get(c)
    if ch is None:
        ch = _chars[c] = Char(c)
    return ch


for _i in range(128):  # ASCII characters exist from the start (templates index CHARS)
    mkchar(chr(_i))


def code_char(n):
    return mkchar(chr(n))


class LString:
    """A Lisp string. A simple string keeps its text in `s` (a Python str, buf None).
    A string that is mutated, or has a fill pointer, keeps its storage in `buf` (a list
    of 1-character strings, so vector-push-extend and (setf char) are O(1)); `s` is then
    a cache of the active text, None when stale. `fp` is the fill pointer or None."""
    __slots__ = ("s", "fp", "adjustable", "buf")

    def __init__(self, s, fp=None, adjustable=False):
        self.s = s
        self.fp = fp
        self.adjustable = adjustable
        self.buf = None
        if fp is not None or adjustable:
            self.buf = list(s)
            self.s = None

    def value(self):
        s = self.s
        if s is None:
            b = self.buf
            fp = self.fp
            s = self.s = "".join(b if fp is None else b[:fp])
        return s

    def to_buf(self):
        if self.buf is None:
            self.buf = list(self.s)
        self.s = None
        return self.buf

    def capacity(self):
        return len(self.s) if self.buf is None else len(self.buf)

    def length(self):
        if self.buf is None:
            return len(self.s)
        return len(self.buf) if self.fp is None else self.fp

    def char_at(self, i):
        """Python char at storage index i (no bounds check beyond Python's)."""
        return self.s[i] if self.buf is None else self.buf[i]

    def __repr__(self):
        return repr(self.value())


class LVector:
    """A one-dimensional Lisp array (not a string)."""
    __slots__ = ("items", "fp", "adjustable", "eltype")

    def __init__(self, items, fp=None, adjustable=False, eltype=None):
        self.items = items
        self.fp = fp
        self.adjustable = adjustable
        self.eltype = eltype

    def active(self):
        fp = self.fp
        return self.items if fp is None else self.items[:fp]

    def __repr__(self):
        return f"#{self.active()!r}"


class MV(tuple):
    """Multiple values (count != 1). Everything else is a single value."""
    __slots__ = ()


class StructType:
    __slots__ = ("name", "slots", "include", "conc_name", "print_object", "parents")

    def __init__(self, name, slots, include):
        self.name = name          # Symbol
        self.slots = slots        # list of slot-name Symbols, included first
        self.include = include    # StructType or None
        chain = []
        t = self
        while t is not None:
            chain.append(t)
            t = t.include
        self.parents = frozenset(chain)


class Struct:
    __slots__ = ("stype", "vals")

    def __init__(self, stype, vals):
        self.stype = stype
        self.vals = vals


class HashTable:
    """A hash table iterating like SBCL's: entries live in slots in insertion order; a
    removed entry frees its slot and the most recently freed slot is reused first.
    `d` maps the lookup key (the object itself, or for EQUAL/EQUALP tables a hashable
    structural image of it) to the slot index."""
    __slots__ = ("test", "d", "equal", "keys", "vals", "free")

    def __init__(self, test):
        self.test = test          # Symbol EQ / EQL / EQUAL / EQUALP
        self.d = {}
        self.equal = test.name in ("EQUAL", "EQUALP")
        self.keys = []
        self.vals = []
        self.free = []

    def put(self, hk, key, value):
        i = self.d.get(hk)
        if i is not None:
            self.vals[i] = value
            return
        if self.free:
            i = self.free.pop()
            self.keys[i] = key
            self.vals[i] = value
        else:
            i = len(self.keys)
            self.keys.append(key)
            self.vals.append(value)
        self.d[hk] = i

    def remove(self, hk):
        i = self.d.pop(hk, None)
        if i is None:
            return False
        self.keys[i] = _FREE
        self.vals[i] = None
        self.free.append(i)
        return True

    def clear(self):
        self.d.clear()
        self.keys = []
        self.vals = []
        self.free = []

    def items(self):
        return [(k, v) for k, v in zip(self.keys, self.vals) if k is not _FREE]


_FREE = object()


def equal_key(x):
    """Hashable image of x such that equal Lisp objects get equal images."""
    t = x.__class__
    if t is LString:
        return x.value()
    if t is Cons:
        items = []
        while x.__class__ is Cons:
            items.append(equal_key(x.car))
            x = x.cdr
        return ("cons", tuple(items), equal_key(x))
    return x


class Package:
    __slots__ = ("name", "nicknames", "internal", "external", "use", "shadows",
                 "used_by")

    def __init__(self, name, nicknames=()):
        self.name = name
        self.nicknames = list(nicknames)
        self.internal = {}
        self.external = {}
        self.use = []
        self.used_by = []
        self.shadows = set()

    def find(self, name):
        """(symbol, status) with status :internal/:external/:inherited, or (None, None)."""
        s = self.external.get(name)
        if s is not None:
            return s, "EXTERNAL"
        s = self.internal.get(name)
        if s is not None:
            return s, "INTERNAL"
        for p in self.use:
            s = p.external.get(name)
            if s is not None:
                return s, "INHERITED"
        return None, None

    def intern(self, name):
        s, _ = self.find(name)
        if s is None:
            s = Symbol(name, self)
            if self is KEYWORD:
                self.external[name] = s
                s.value = s
                s.constant = True
            else:
                self.internal[name] = s
        return s

    def export(self, sym):
        if sym.name in self.internal and self.internal[sym.name] is sym:
            del self.internal[sym.name]
        self.external[sym.name] = sym

    def __repr__(self):
        return f"<Package {self.name}>"


PACKAGES = {}


def make_package(name, nicknames=(), use=()):
    p = Package(name, nicknames)
    PACKAGES[name] = p
    for n in nicknames:
        PACKAGES[n] = p
    for u in use:
        p.use.append(u)
        u.used_by.append(p)
    return p


CL = make_package("COMMON-LISP", ["CL"])
KEYWORD = make_package("KEYWORD", [""])
CL_USER = make_package("COMMON-LISP-USER", ["CL-USER"], [CL])
# Stage 0's own internal helpers (the %-forms the standard macros expand into).
SYS = make_package("WASMBOOT-STAGE0", [], [CL])


def _load_cl_symbols():
    from .cl_symbols import NAMES
    for n in NAMES:
        CL.external[n] = Symbol(n, CL)


_load_cl_symbols()

NIL = CL.external["NIL"]
T = CL.external["T"]
NIL.value = NIL
NIL.constant = True
T.value = T
T.constant = True


def cl(name):
    """The CL symbol with this name (created as internal if not standard)."""
    s = CL.external.get(name)
    if s is None:
        s = CL.internal.get(name)
        if s is None:
            s = CL.internal[name] = Symbol(name, CL)
    return s


def kw(name):
    return KEYWORD.intern(name)


def sys(name):
    return SYS.intern(name)


def lisp_list(items, tail=None):
    r = NIL if tail is None else tail
    for x in reversed(items):
        r = Cons(x, r)
    return r


def list_items(x):
    """Python list of the elements of a proper list (type error on a dotted tail)."""
    out = []
    while x.__class__ is Cons:
        out.append(x.car)
        x = x.cdr
    if x is not NIL:
        from .conditions import type_error
        type_error(x, "LIST")
    return out


def lstr(s):
    return LString(s)


def bool_(x):
    return T if x else NIL
