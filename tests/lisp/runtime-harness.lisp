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

(load (merge-pathnames "runtime-harness-mapping.lisp" *load-truename*))

(defun run-through-runtime (thunk)
  "Run THUNK as a compiled program would: output via the library's streams."
  (let* ((output (make-string-output-stream))
         (result :error))
    (let ((*standard-output* output))
      (reset-output-column)
      (unwind-protect
           (setq result (handler-case (multiple-value-list (funcall thunk))
                          (error () :error)))
        (wasmboot-runtime::%shutdown)))
    (values result (get-output-stream-string output))))

(setq *oracle-package* "RUNTIME-ORACLE"
      *subject-package* "RUNTIME-SUBJECT"
      *prepare-subject* (lambda (form) (map-to-runtime (expand-fully form)))
      *run-subject* #'run-through-runtime)

(run-harness-main)
