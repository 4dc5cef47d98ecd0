"""Lisp streams: character output with column tracking (for fresh-line and the
pretty printer's margin), string streams, and files (character or (unsigned-byte 8))."""
from .conditions import lisp_error


class Stream:
    kind = "STREAM"
    input = False
    output = False
    binary = False
    closed = False

    col = 0

    # output
    def write(self, s):
        lisp_error("~A is not an output stream", self.kind)

    def write_byte(self, b):
        lisp_error("~A is not a binary output stream", self.kind)

    def finish(self):
        pass

    # input
    def read_char(self):
        """Next Python char or None at end."""
        lisp_error("~A is not an input stream", self.kind)

    def peek_char(self):
        lisp_error("~A is not an input stream", self.kind)

    def unread_char(self):
        lisp_error("~A is not an input stream", self.kind)

    def read_byte(self):
        lisp_error("~A is not a binary input stream", self.kind)

    def close(self):
        self.closed = True


class TextOutput(Stream):
    """Output to a Python text file-like object (sys.stdout, an io.StringIO...)."""
    kind = "FD-STREAM"
    output = True

    def __init__(self, target):
        self.target = target
        self.col = 0

    def write(self, s):
        if not s:
            return
        self.target.write(s)
        i = s.rfind("\n")
        self.col = self.col + len(s) if i < 0 else len(s) - i - 1

    def finish(self):
        f = getattr(self.target, "flush", None)
        if f:
            f()


class StringOutput(Stream):
    kind = "STRING-OUTPUT-STREAM"
    output = True

    def __init__(self):
        self.parts = []
        self.col = 0

    def write(self, s):
        if not s:
            return
        self.parts.append(s)
        i = s.rfind("\n")
        self.col = self.col + len(s) if i < 0 else len(s) - i - 1

    def take(self):
        s = "".join(self.parts)
        self.parts = []
        return s


class StringInput(Stream):
    kind = "STRING-INPUT-STREAM"
    input = True

    def __init__(self, text, pos=0):
        self.text = text
        self.pos = pos

    def read_char(self):
        p = self.pos
        if p >= len(self.text):
            return None
        self.pos = p + 1
        return self.text[p]

    def peek_char(self):
        p = self.pos
        return self.text[p] if p < len(self.text) else None

    def unread_char(self):
        if self.pos > 0:
            self.pos -= 1

    def read_line(self):
        """(line, missing_newline) or None at end."""
        t, p = self.text, self.pos
        if p >= len(t):
            return None
        j = t.find("\n", p)
        if j < 0:
            self.pos = len(t)
            return t[p:], True
        self.pos = j + 1
        return t[p:j], False


class FileInput(StringInput):
    kind = "FD-STREAM"

    def __init__(self, path, text):
        StringInput.__init__(self, text)
        self.path = path


class ByteInput(Stream):
    kind = "FD-STREAM"
    input = True
    binary = True

    def __init__(self, path, data):
        self.path = path
        self.data = data
        self.pos = 0

    def read_byte(self):
        p = self.pos
        if p >= len(self.data):
            return None
        self.pos = p + 1
        return self.data[p]


class FileOutput(TextOutput):
    def __init__(self, path, f):
        TextOutput.__init__(self, f)
        self.path = path

    def close(self):
        if not self.closed:
            self.target.close()
        self.closed = True


class ByteOutput(Stream):
    kind = "FD-STREAM"
    output = True
    binary = True

    def __init__(self, path, f):
        self.path = path
        self.f = f
        self.buf = bytearray()

    def write_byte(self, b):
        self.buf.append(b)

    def write_bytes(self, bs):
        self.buf.extend(bs)

    def finish(self):
        if self.buf:
            self.f.write(self.buf)
            self.buf = bytearray()

    def close(self):
        if not self.closed:
            self.finish()
            self.f.close()
        self.closed = True
