"""The corpus against SBCL, the oracle; and the corpus's coverage of the language.

The SBCL tests skip when `sbcl` is not installed; the coverage tests never skip.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Importable under any pytest import mode (corpus.py sits beside this file).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import (  # noqa: E402
    ITEMS, PROGRAMS, coverage, coverage_table, covered_items, expected_output,
)

SBCL = shutil.which("sbcl")
README = Path(__file__).resolve().parent / "README.md"
KNOWN_ITEMS = {item for items in ITEMS.values() for item in items}


@pytest.mark.skipif(SBCL is None, reason="sbcl is not installed")
@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.stem)
def test_sbcl_prints_expected_output(program: Path, tmp_path: Path) -> None:
    # Run from an empty directory so that no program can depend on the checkout.
    result = subprocess.run(
        [SBCL, "--script", str(program)],
        cwd=tmp_path, capture_output=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")[-2000:]
    assert result.stdout.decode("utf-8") == expected_output(program)


@pytest.mark.skipif(SBCL is None, reason="sbcl is not installed")
@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.stem)
def test_sbcl_output_does_not_depend_on_the_pretty_printer(program: Path, tmp_path: Path) -> None:
    # `sbcl --script` prints with *print-pretty* true; the other implementations need not
    # have a pretty printer, so the expected output must also be the non-pretty one.
    result = subprocess.run(
        [SBCL, "--noinform", "--no-sysinit", "--no-userinit", "--disable-debugger",
         "--eval", "(setq *print-pretty* nil)", "--load", str(program), "--quit"],
        cwd=tmp_path, capture_output=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")[-2000:]
    assert result.stdout.decode("utf-8") == expected_output(program)


def test_corpus_has_at_least_100_programs_each_with_expected_output() -> None:
    assert len(PROGRAMS) >= 100
    for program in PROGRAMS:
        assert program.with_suffix(".out").is_file(), f"{program.name} has no .out"
        assert expected_output(program), f"{program.name} prints nothing"


def test_every_program_has_a_covers_header_naming_known_items() -> None:
    for program in PROGRAMS:
        items = covered_items(program)
        assert items, f"{program.name} has no ';;; covers:' header"
        unknown = [item for item in items if item not in KNOWN_ITEMS]
        assert not unknown, f"{program.name} names unknown items {unknown}"


def test_every_language_item_is_covered_by_some_program() -> None:
    used = coverage()
    missing = [item for items in ITEMS.values() for item in items if item not in used]
    assert not missing, f"no program covers {missing}"


# Issue 3's language list, item by item: removing any of them from ITEMS or from every
# program header fails the coverage tests.
ISSUE_3_ITEMS = """
integers integer-overflow characters strings symbols keywords intern symbol-name gensym
user-package conses lists simple-vectors adjustable-vectors fill-pointer
vector-push-extend hash-table-eq hash-table-eql hash-table-equal hash-table-order t-nil
quote function if progn let let* setq lambda closures closure-mutation flet labels block
return-from tagbody go catch throw unwind-protect multiple-value-bind values eval-when
declare the locally
defun &optional optional-default &rest &key key-default key-supplied-p defmacro
destructuring-lambda-list &body defvar defparameter defconstant defstruct
defstruct-keyword-constructor defstruct-setf-accessor defstruct-predicate
defstruct-copier special-variables
nested-backquote when unless cond and or case ecase typecase etypecase dolist dotimes do
do* loop-for-in loop-for-on loop-for-across loop-from loop-to loop-below loop-by
loop-collect loop-append loop-sum loop-count loop-do loop-when loop-unless loop-while
loop-until loop-finally loop-return push pop incf decf setf-car setf-cdr setf-nth
setf-aref setf-svref setf-gethash setf-symbol-value setf-struct-slot destructuring-bind
prog1 return error handler-case ignore-errors
eq eql equal string= list list* append reverse nreverse length nth nthcdr last butlast
member assoc rassoc remove remove-if delete mapcar mapc mapcan reduce find find-if
position count sort stable-sort copy-list subseq concatenate elt search char schar
char-code code-char digit-char-p string-upcase string-downcase parse-integer string<
apply funcall format ~a ~s ~d ~x ~% ~& ~{~} princ prin1 print terpri write-string
write-char
""".split()


def test_issue_3_items_are_all_in_the_item_list() -> None:
    assert [item for item in ISSUE_3_ITEMS if item not in KNOWN_ITEMS] == []


# How a header's claim shows in the program's code, so that a header cannot claim an
# item the program does not use. Items not listed are operator or lambda-list-keyword
# names and must occur as a symbol token; items mapped to None are properties of data or
# behaviour that only the program's output shows.
CLAIM_PATTERNS: dict[str, str | None] = {
    "integers": None, "integer-overflow": None, "characters": None, "strings": None,
    "symbols": None, "conses": None, "lists": None, "t-nil": None, "structures": None,
    "closures": None, "closure-mutation": None, "special-variables": None,
    "hash-table-order": None, "optional-default": None, "optional-supplied-p": None,
    "key-default": None, "key-supplied-p": None, "destructuring-lambda-list": None,
    "princ-condition": None,
    "quote": r"'|\(quote\b",
    "function": r"#'|\(function\b",
    "keywords": r"(?<![\w:]):[a-z]",
    "user-package": r"\(defpackage\b",
    "simple-vectors": r"\((vector|make-array)\b|#\(",
    "adjustable-vectors": r":adjustable\b",
    "hash-table-eq": r"\(make-hash-table(\)| :test '(eq|#'eq)\))",
    "hash-table-eql": r"\(make-hash-table(\)| :test '(eql|#'eql)\))",
    "hash-table-equal": r"\(make-hash-table :test ('|#')equal\)",
    "backquote": r"`",
    "nested-backquote": r"``|`[^`\n]*`|,,|,',",
    "setf": r"\(setf\b",
    "defstruct-keyword-constructor": r"\(make-[\w-]+ :",
    "defstruct-setf-accessor": r"\(setf \(",
    "defstruct-predicate": r"-p\b|\(:predicate",
    "defstruct-copier": r"\(copy-|\(:copier",
    "defstruct-print": None,
    "defstruct-conc-name": r"\(:conc-name",
    "defstruct-constructor-option": r"\(:constructor",
    "defstruct-predicate-option": r"\(:predicate",
    "defstruct-copier-option": r"\(:copier",
    "condition-report": r"\(:report\b",
    "format-nil": r"\(format nil\b",
    "format-stream": r"\(format (?!t\b|nil\b)",
    "~{~}": r"~\{",
}
LOOP_CLAUSE_PATTERNS = {
    "loop-for-in": r"\bfor\b.*\bin\b", "loop-for-on": r"\bfor\b.*\bon\b",
    "loop-for-across": r"\bacross\b", "loop-=-then": r"=.*\bthen\b",
}
SYMBOL_CHAR = r"[\w*+\-/<>=&:~.?!%$^]"


def claim_pattern(item: str) -> str | None:
    if item in CLAIM_PATTERNS:
        return CLAIM_PATTERNS[item]
    if item in LOOP_CLAUSE_PATTERNS:
        return LOOP_CLAUSE_PATTERNS[item]
    if item.startswith("loop-"):
        return r"\b" + re.escape(item[len("loop-"):]) + r"\b"
    if item == "setf-struct-slot":
        return r"\((setf|incf|decf|push)\b.*\([\w-]+-\w+ "
    if item.startswith("setf-"):
        return r"\((setf|incf|decf|push|pop|pushnew)\b.*\(" + re.escape(item[len("setf-"):])
    if item.startswith("~"):
        return re.escape(item)
    return rf"(?<!{SYMBOL_CHAR}){re.escape(item)}(?!{SYMBOL_CHAR})"


def test_header_claims_show_in_the_program() -> None:
    wrong = []
    for program in PROGRAMS:
        code = "\n".join(
            line for line in program.read_text(encoding="utf-8").splitlines()
            if not line.startswith(";;;")
        )
        for item in covered_items(program):
            pattern = claim_pattern(item)
            if pattern is not None and not re.search(pattern, code, re.IGNORECASE):
                wrong.append(f"{program.name}: {item}")
            if item == "defstruct-print" and "#S(" not in expected_output(program):
                wrong.append(f"{program.name}: {item} (no #S( in its output)")
    assert not wrong, f"header claims the code does not back: {wrong}"


def test_readme_coverage_table_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    match = re.search(
        r"<!-- coverage-table:begin -->\n(.*)<!-- coverage-table:end -->", text, re.DOTALL
    )
    assert match, "README.md lacks the coverage-table markers"
    assert match.group(1) == coverage_table(), (
        "README.md's coverage table is stale: regenerate it with "
        "`python tests/conformance/corpus.py`"
    )
