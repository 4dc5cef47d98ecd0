"""The conformance corpus: Lisp programs and the exact standard output each must print.

Every runner (SBCL as the oracle, stage 0, the compiled module) imports this module and
checks, for each path in PROGRAMS, that running the program prints expected_output(path).

    from corpus import PROGRAMS, expected_output   # from a test in tests/conformance/

Each program starts with one or more `;;; covers: item, item, ...` lines naming the
language items (keys of ITEMS) it exercises; README.md holds the coverage table, which
`python tests/conformance/corpus.py` prints.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

PROGRAMS_DIR = Path(__file__).resolve().parent / "programs"

# Numbered corpus programs only: files starting with "s0-" belong to the stage 0 suite.
PROGRAMS: list[Path] = sorted(PROGRAMS_DIR.glob("[0-9][0-9][0-9]-*.lisp"))


def expected_output(program: Path) -> str:
    """The exact standard output of `program` (its .out file, byte for byte)."""
    return Path(program).with_suffix(".out").read_bytes().decode("utf-8")


_COVERS = re.compile(r"^;;; covers:(.*)$", re.MULTILINE)


def covered_items(program: Path) -> list[str]:
    """The items named by the program's `;;; covers:` header lines, in order."""
    text = Path(program).read_text(encoding="utf-8")
    items: list[str] = []
    for line in _COVERS.findall(text):
        items.extend(part.strip() for part in line.split(",") if part.strip())
    return items


# The language the corpus must cover: issue 3's list plus the rest of stages/SUBSET.md
# (optional entries of SUBSET.md are left out). Group -> item names used in headers.
ITEMS: dict[str, list[str]] = {
    "data": [
        "integers", "integer-overflow", "characters", "strings", "symbols", "keywords",
        "intern", "symbol-name", "gensym", "make-symbol", "user-package", "defpackage",
        "in-package", "conses", "lists", "simple-vectors", "adjustable-vectors",
        "fill-pointer", "vector-push-extend", "hash-table-eq", "hash-table-eql",
        "hash-table-equal", "hash-table-order", "t-nil", "structures",
    ],
    "special forms": [
        "quote", "function", "if", "progn", "let", "let*", "setq", "lambda", "closures",
        "closure-mutation", "flet", "labels", "block", "return-from", "tagbody", "go",
        "catch", "throw", "unwind-protect", "multiple-value-bind", "multiple-value-call",
        "multiple-value-list", "values", "eval-when", "declare", "the", "locally",
        "macrolet",
    ],
    "definitions": [
        "defun", "&optional", "optional-default", "optional-supplied-p", "&rest", "&key",
        "key-default", "key-supplied-p", "&allow-other-keys", "&aux", "defmacro",
        "destructuring-lambda-list", "&body", "&whole", "&environment", "defvar",
        "defparameter", "defconstant", "special-variables", "declaim", "defstruct",
        "defstruct-keyword-constructor", "defstruct-setf-accessor", "defstruct-predicate",
        "defstruct-copier", "defstruct-print", "defstruct-conc-name",
        "defstruct-constructor-option", "defstruct-predicate-option",
        "defstruct-copier-option",
    ],
    "macros": [
        "backquote", "nested-backquote", "when", "unless", "cond", "and", "or", "case",
        "ecase", "typecase", "etypecase", "dolist", "dotimes", "do", "do*", "push", "pop",
        "pushnew", "incf", "decf", "psetq", "destructuring-bind", "prog1", "prog2",
        "return", "multiple-value-setq", "assert", "check-type", "handler-case",
        "ignore-errors", "error",
    ],
    "setf places": [
        "setf", "setf-car", "setf-cdr", "setf-first", "setf-nth", "setf-aref",
        "setf-svref", "setf-char", "setf-schar", "setf-gethash", "setf-symbol-value",
        "setf-fill-pointer", "setf-struct-slot",
    ],
    "loop": [
        "loop-for-in", "loop-for-on", "loop-for-across", "loop-from", "loop-downfrom",
        "loop-to", "loop-upto", "loop-below", "loop-downto", "loop-by", "loop-=-then",
        "loop-with", "loop-collect", "loop-append", "loop-nconc", "loop-sum", "loop-count",
        "loop-maximize", "loop-minimize", "loop-do", "loop-when", "loop-unless", "loop-if",
        "loop-while", "loop-until", "loop-always", "loop-never", "loop-thereis",
        "loop-finally", "loop-return", "loop-into", "loop-named",
    ],
    "equality and types": [
        "eq", "eql", "equal", "not", "null", "atom", "consp", "listp", "symbolp",
        "keywordp", "stringp", "characterp", "integerp", "numberp", "functionp", "vectorp",
        "simple-vector-p", "arrayp", "hash-table-p", "zerop", "plusp", "minusp", "evenp",
        "oddp", "typep",
    ],
    "numbers": [
        "+", "-", "*", "floor", "ceiling", "truncate", "round", "mod", "rem", "1+", "1-",
        "abs", "min", "max", "=", "/=", "<", ">", "<=", ">=", "ash", "logand", "logior",
        "logxor", "lognot", "logbitp", "integer-length", "expt", "parse-integer",
    ],
    "conses and lists": [
        "cons", "car", "cdr", "caar", "cadr", "cdar", "cddr", "caddr", "cdddr", "cadddr",
        "first", "second", "third", "fourth", "fifth", "rest", "list", "list*",
        "make-list", "append", "nconc", "reverse", "nreverse", "length", "nth", "nthcdr",
        "last", "butlast", "copy-list", "copy-tree", "member", "assoc", "rassoc", "acons",
        "adjoin", "remove", "remove-if", "remove-if-not", "delete", "delete-if",
        "remove-duplicates", "mapcar", "mapc", "mapcan", "maplist", "reduce", "find",
        "find-if", "position", "position-if", "count", "count-if", "some", "every",
        "notany", "sort", "stable-sort", "getf", "rplaca", "rplacd", "endp", "union",
        "intersection", "set-difference", ":key", ":test", ":start", ":end", ":from-end",
        ":initial-value",
    ],
    "sequences, vectors, strings": [
        "subseq", "concatenate", "elt", "search", "copy-seq", "fill", "replace", "map",
        "vector", "make-array", ":initial-element", ":initial-contents", ":adjustable",
        ":fill-pointer", ":element-type", "aref", "svref", "vector-push", "vector-pop",
        "char", "schar", "char-code", "code-char", "char=", "char/=", "char<", "char>",
        "char<=", "char>=", "char-equal", "char-upcase", "char-downcase", "upper-case-p",
        "lower-case-p", "alpha-char-p", "alphanumericp", "digit-char-p", "digit-char",
        "string", "string=", "string-equal", "string<", "string>", "string<=", "string>=",
        "string/=", "string-upcase", "string-downcase", "string-trim", "string-left-trim",
        "string-right-trim", "make-string",
    ],
    "hash tables and symbols": [
        "make-hash-table", "gethash", "remhash", "clrhash", "maphash", "hash-table-count",
        "symbol-package", "symbol-value", "boundp", "package-name", "find-package",
    ],
    "functions and evaluation": [
        "funcall", "apply", "identity", "constantly", "complement", "values-list", "eval",
        "macroexpand-1",
    ],
    "output": [
        "format", "~a", "~s", "~d", "~x", "~b", "~o", "~c", "~%", "~&", "~~", "~{~}", "~^",
        "format-nil", "format-stream", "princ", "prin1", "print", "terpri", "fresh-line",
        "write-string", "write-char", "write-line", "princ-to-string", "prin1-to-string",
    ],
    "streams": [
        "*standard-output*", "make-string-output-stream", "get-output-stream-string",
        "make-string-input-stream", "with-output-to-string", "with-input-from-string",
        "read-char", "peek-char", "unread-char", "read-line", "finish-output",
        "force-output",
    ],
    "conditions": [
        "define-condition", "condition-report", "simple-error", "type-error",
        "program-error", "condition", "princ-condition",
    ],
}


def coverage() -> dict[str, list[str]]:
    """Item -> names of the programs whose header names it."""
    table: dict[str, list[str]] = {}
    for program in PROGRAMS:
        for item in covered_items(program):
            names = table.setdefault(item, [])
            if program.stem not in names:
                names.append(program.stem)
    return table


def coverage_table() -> str:
    """The Markdown coverage table of README.md (item, group, programs)."""
    used = coverage()
    rows = ["| item | group | programs |", "|---|---|---|"]
    for group, items in ITEMS.items():
        for item in items:
            programs = ", ".join(name[:3] for name in used.get(item, []))
            rows.append(f"| `{item}` | {group} | {programs} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.stdout.write(coverage_table())
