;;;; Test harness for the standard macro expanders (stages/compiler/expand.lisp).
;;;;
;;;; Usage: sbcl --script tests/lisp/expand-harness.lisp CASES.lisp...
;;;;
;;;; Every top-level form of a cases file is one case. It is read twice from the same
;;;; text: with SBCL's standard readtable into package EXPAND-ORACLE (SBCL evaluates it
;;;; with its own macros: the oracle), and with a readtable whose backquote produces the
;;;; compiler reader's (quasiquote x) / (unquote x) / (unquote-splicing x) forms into
;;;; package EXPAND-SUBJECT, where it is expanded with expand-fully (only the standard
;;;; expanders, every macro of the form) and then evaluated. The printed values and
;;;; standard output of both must be identical; a case whose oracle signals an error
;;;; must signal an error too. Prints one line per failing case and a summary line:
;;;;   FAIL <file>:<n> <form start>  expected: ... got: ...
;;;;   SUMMARY <passed> <failed>

(load (merge-pathnames "../../stages/compiler/package.lisp" *load-truename*))
(load (merge-pathnames "../../stages/compiler/expand.lisp" *load-truename*))
(load (merge-pathnames "primitives-sbcl.lisp" *load-truename*))
(load (merge-pathnames "expand-fully.lisp" *load-truename*))
(load (merge-pathnames "harness-common.lisp" *load-truename*))

(defpackage "EXPAND-ORACLE" (:use "COMMON-LISP"))
(defpackage "EXPAND-SUBJECT" (:use "COMMON-LISP"))

(in-package "WASMBOOT-COMPILER")

(run-harness-main)
