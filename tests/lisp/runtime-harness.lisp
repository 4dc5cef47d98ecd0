;;;; Test harness for the runtime library (stages/runtime-lib/) under SBCL.
;;;;
;;;; Usage: sbcl --script tests/lisp/runtime-harness.lisp CASES.lisp...
;;;;
;;;; Every top-level form of a cases file is one case, read twice: into package
;;;; RUNTIME-ORACLE (plain COMMON-LISP; SBCL evaluates it: the oracle) and into package
;;;; RUNTIME-SUBJECT, where the CL names the library defines are the library's
;;;; (format, prin1, sort, gethash, error, ...). The subject form is treated as the
;;;; compiler treats a program: every standard macro is expanded by
;;;; stages/compiler/expand.lisp, and the CL and primitive names the expansion
;;;; introduces are mapped to the library's definitions; then SBCL evaluates it, its
;;;; output going through the library's buffered fd streams. Printed values and output
;;;; must be identical; errors must match errors.

(load (merge-pathnames "load-runtime.lisp" *load-truename*))
(load (merge-pathnames "../../stages/compiler/expand.lisp" *load-truename*))
(load (merge-pathnames "expand-fully.lisp" *load-truename*))
(load (merge-pathnames "harness-common.lisp" *load-truename*))

(defpackage "RUNTIME-ORACLE" (:use "COMMON-LISP"))
(defpackage "RUNTIME-SUBJECT" (:use "COMMON-LISP"))
(shadowing-import (package-shadowing-symbols "WASMBOOT-RUNTIME") "RUNTIME-SUBJECT")

(in-package "WASMBOOT-COMPILER")

(defun runtime-symbol (symbol)
  "The symbol a compiled program means by SYMBOL: CL names the library defines and
primitive names map to the library's symbols."
  (let ((package (symbol-package symbol)))
    (if (or (eq package (find-package "COMMON-LISP"))
            (and (eq package (find-package "WASMBOOT-COMPILER"))
                 (> (length (symbol-name symbol)) 0)
                 (char= (char (symbol-name symbol) 0) #\%)))
        (multiple-value-bind (ours status) (find-symbol (symbol-name symbol) "WASMBOOT-RUNTIME")
          (if (and status (not (eq (symbol-package ours) (find-package "COMMON-LISP"))))
              ours
              symbol))
        symbol)))

(defun cl-type-spec (spec)
  "Type specifiers name CL types by the library's shadowing symbols (string, list,
...): give SBCL the CL symbol unless the library defines a structure of that name."
  (cond ((and (symbolp spec) spec (eq (symbol-package spec) (find-package "WASMBOOT-RUNTIME"))
              (not (find-class spec nil)))
         (multiple-value-bind (cl status) (find-symbol (symbol-name spec) "COMMON-LISP")
           (if (eq status :external) cl spec)))
        ((consp spec) (cons (cl-type-spec (car spec)) (cl-type-spec (cdr spec))))
        (t spec)))

(defun harness-typep (object type)
  "typep as compiled code sees it: structures registered by %define-struct included."
  (if (and (symbolp type) (wasmboot-primitives::instance-p object))
      (wasmboot-runtime::%struct-typep object type)
      (typep object type)))

(defun map-to-runtime (form)
  (cond ((and (consp form) (eq (car form) 'typep) (consp (cddr form))
              (consp (caddr form)) (eq (car (caddr form)) 'quote))
         (list 'harness-typep (map-to-runtime (cadr form))
               (list 'quote (cl-type-spec (map-to-runtime (cadr (caddr form)))))))
        ((symbolp form) (if form (runtime-symbol form) nil))
        ((consp form) (cons (map-to-runtime (car form)) (map-to-runtime (cdr form))))
        (t form)))

(defun run-through-runtime (thunk)
  "Run THUNK as a compiled program would: output via the library's streams."
  (let* ((output (make-string-output-stream))
         (result :error))
    (let ((*standard-output* output))
      (setf (wasmboot-runtime::stream-column wasmboot-runtime::*stdout*) 0)
      (unwind-protect
           (setq result (handler-case (multiple-value-list (funcall thunk))
                          (error () :error)))
        (wasmboot-runtime::%shutdown)))
    (values result (get-output-stream-string output))))

(setq *oracle-package* "RUNTIME-ORACLE"
      *subject-package* "RUNTIME-SUBJECT"
      *prepare-subject* (lambda (form) (map-to-runtime (expand-fully form)))
      *run-subject* #'run-through-runtime)

;; setf of gethash in forms SBCL's own macros expand (the library loaded as it is)
(defun (setf wasmboot-runtime::gethash) (value key table &optional default)
  (declare (ignore default))
  (wasmboot-runtime::%puthash key table value))

(run-harness-main)
