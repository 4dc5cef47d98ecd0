"""The reader: syntax, symbols and packages, and every error with its line and column."""
import pytest

from stages.stage0.data import NIL, Cons, LString, LVector, Char, Symbol, KEYWORD, PACKAGES
from stages.stage0.reader import Reader, ReadError, decode_source
from stages.stage0.printer import prin1_to_string


def read_all(text):
    return [f for f, _, _ in Reader(text, "t.lisp", features_fn=lambda: [KEYWORD.intern("WASMBOOT")]).read_all()]


def rt(text):
    """Read one form and print it back with prin1."""
    forms = read_all(text)
    assert len(forms) == 1
    return prin1_to_string(forms[0])


@pytest.mark.parametrize("src,printed", [
    ("42", "42"), ("-17", "-17"), ("+5", "5"), ("10.", "10"), ("#x1F", "31"), ("#b-101", "-5"),
    ("#o777", "511"), ("#XfF", "255"),
    ("4611686018427387903", "4611686018427387903"),
    ("foo", "FOO"), ("Foo-Bar", "FOO-BAR"), ("|foo bar|", "|foo bar|"), ("a\\bc", "|AbC|"),
    (":key", ":KEY"), ("#:g1", "#:G1"), ("cl:car", "CAR"), ("cl-user::x", "X"),
    ("1+", "1+"), ("+", "+"), ("-", "-"), ("...a", "...A"),
    ('"a\\"b\\\\c"', '"a\\"b\\\\c"'), ("#\\a", "#\\a"), ("#\\Space", "#\\ "), ("#\\newline", "#\\Newline"),
    ("#\\Tab", "#\\Tab"), ("#\\(", "#\\("), ("#\\)", "#\\)"), ("#\\Nul", "#\\Nul"),
    ("(1 . 2)", "(1 . 2)"), ("(a b . c)", "(A B . C)"), ("()", "NIL"), ("(a . (b c))", "(A B C)"),
    ("'x", "'X"), ("#'car", "#'CAR"), ("#(1 a \"s\")", '#(1 A "s")'),
    ("(a ; comment\n b)", "(A B)"), ("(a #| block #| nested |# |# b)", "(A B)"),
    ("(#+wasmboot yes #-wasmboot no)", "(YES)"), ("(#+sbcl yes #-sbcl no)", "(NO)"),
    ("(#+(or sbcl wasmboot) 1 #+(and sbcl wasmboot) 2 #+(not sbcl) 3)", "(1 3)"),
])
def test_read_and_print(src, printed):
    assert rt(src) == printed


def test_backquote_reads_as_nested_forms():
    (f,) = read_all("`(a ,b ,@c ,.d)")
    assert f.car.name == "BACKQUOTE"
    inner = f.cdr.car
    ops = [x.car.name if isinstance(x, Cons) else x.name for x in [inner.car, inner.cdr.car, inner.cdr.cdr.car, inner.cdr.cdr.cdr.car]]
    assert ops == ["A", "UNQUOTE", "UNQUOTE-SPLICING", "UNQUOTE-NSPLICING"]


def test_characters_are_distinct_and_interned():
    a, b = read_all("#\\a #\\a")
    assert isinstance(a, Char) and a is b and a.c == "a"


def test_keywords_live_in_keyword_package():
    (k,) = read_all(":zap")
    assert k.package is KEYWORD and k.value is k


def test_uninterned_symbols_are_fresh():
    a, b = read_all("#:x #:x")
    assert a is not b and a.package is None


def test_positions_of_top_level_forms():
    r = Reader("(a)\n  (b\n c)\n\n   d", "f.lisp")
    assert [(l, c) for _, l, c in r.read_all()] == [(1, 1), (2, 3), (5, 4)]


def test_skipped_feature_form_does_not_intern():
    read_all("#+sbcl never-interned-symbol-xyz 1")
    assert PACKAGES["COMMON-LISP-USER"].find("NEVER-INTERNED-SYMBOL-XYZ")[0] is None


@pytest.mark.parametrize("src,line,col,reason", [
    ("(a b", 1, 1, "unbalanced parenthesis"),
    ("(a)\n  (b (c)\n", 2, 3, "unbalanced parenthesis"),
    ("a)", 1, 2, "unmatched close parenthesis"),
    ("(x #<foo>)", 1, 4, "unknown # syntax: #<"),
    ("\n  #z", 2, 3, "unknown # syntax: #z"),
    ('"abc', 1, 1, "unterminated string"),
    ("#| open", 1, 1, "unterminated #| comment"),
    ("|abc", 1, 1, "unterminated |...|"),
    ("(a . )", 1, 6, "unmatched close parenthesis"),
    ("( . a)", 1, 3, "dot with nothing before it"),
    ("(a . b c)", 1, 8, "more than one object after dot"),
    ("1.5", 1, 1, "floating-point"),
    ("1/2", 1, 1, "floating-point and ratio"),
    ("99999999999999999999", 1, 1, "outside the 62-bit range"),
    ("#\\NoSuchName", 1, 1, "unknown character name"),
    ("nopkg::x", 1, 1, "package NOPKG does not exist"),
    ("a:b:c", 1, 1, "too many colons"),
    ("#xZZ", 1, 1, "bad #x number"),
    ("'", 1, 1, "end of file after '"),
    ("#+(bad x) 1", 1, 1, "bad feature expression"),
])
def test_read_errors_have_file_line_column(src, line, col, reason):
    with pytest.raises(ReadError) as ei:
        read_all(src)
    e = ei.value
    assert (e.line, e.col) == (line, col), str(e)
    assert reason in e.reason
    assert str(e).startswith(f"t.lisp:{line}:{col}: ")
    assert "\n" not in str(e)


def test_invalid_utf8_position():
    with pytest.raises(ReadError) as ei:
        decode_source(b"(a)\n(b \xff)", "u.lisp")
    assert str(ei.value) == "u.lisp:2:4: invalid UTF-8 byte 0xff"


def test_utf8_text_reads():
    (s,) = read_all('"λx"')
    assert isinstance(s, LString) and s.value() == "λx"
