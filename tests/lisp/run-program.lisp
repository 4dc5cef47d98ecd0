;;;; Runs Lisp programs the way a compiled program runs them, but under SBCL: every
;;;; standard macro expanded by stages/compiler/expand.lisp, every CL function the
;;;; runtime library defines taken from the library (format, prin1, sort, gethash,
;;;; error, ...), output through the library's buffered streams, unhandled errors
;;;; reported by %report-unhandled-error.
;;;;
;;;; Usage: sbcl --script tests/lisp/run-program.lisp PROGRAM.lisp
;;;;        sbcl --script tests/lisp/run-program.lisp --check PROGRAM.lisp...
;;;; The first runs one program (exit code 0, or 2 after an unhandled error, as the
;;;; compiled program's _start); the second compares each program's output with the
;;;; PROGRAM.out beside it and prints FAIL / SUMMARY lines. A program runs in a fresh
;;;; COMMON-LISP-USER that shadows the library's names.

(load (merge-pathnames "load-runtime.lisp" *load-truename*))
(load (merge-pathnames "../../stages/compiler/expand.lisp" *load-truename*))
(load (merge-pathnames "expand-fully.lisp" *load-truename*))
(load (merge-pathnames "harness-common.lisp" *load-truename*))

(shadowing-import (package-shadowing-symbols "WASMBOOT-RUNTIME") "COMMON-LISP-USER")

(in-package "WASMBOOT-COMPILER")

(load (merge-pathnames "runtime-harness-mapping.lisp" *load-truename*))

(defvar *old-user-count* 0)

(defun fresh-user-package ()
  "Replace COMMON-LISP-USER by a fresh package of that name that shadows the library's
names, so each program starts from a clean slate."
  ;; (find-package may answer from a cache after a rename: search the list)
  (let ((old (find "COMMON-LISP-USER" (list-all-packages) :key #'package-name
                                                           :test #'string=)))
    (when old
      (rename-package old (format nil "OLD-USER-~D" (incf *old-user-count*)))))
  (let ((p (make-package "COMMON-LISP-USER" :nicknames '("CL-USER") :use '("COMMON-LISP"))))
    (shadowing-import (package-shadowing-symbols "WASMBOOT-RUNTIME") p)
    p))

(defun run-program (path)
  "Run the program at PATH: its exit code (0, or 2 after an unhandled error)."
  (let ((*package* (fresh-user-package))
        (code 0))
    (reset-output-column)
    (with-open-file (in path)
      (wasmboot-runtime::%catch-error
       (lambda ()
         (loop
           (let ((form (let ((*readtable* *subject-readtable*)) (read in nil in))))
             (when (eq form in) (return))
             (eval (map-to-runtime (expand-fully form))))))
       (lambda (condition)
         (wasmboot-runtime::%shutdown)
         (if (typep condition 'condition)  ; an SBCL error: the harness shows it
             (format *error-output* "Unhandled SBCL ~A: ~A~%" (type-of condition) condition)
             (wasmboot-runtime::%report-unhandled-error condition))
         (setq code 2))))
    (wasmboot-runtime::%shutdown)
    code))

(defun file-text (path)
  (with-open-file (in path :external-format :utf-8)
    (let* ((s (make-string (file-length in))) (n (read-sequence s in)))
      (subseq s 0 n))))

(defun check-programs (paths)
  "Run each program, compare its output with the .out file beside it; print FAIL lines
and a SUMMARY line, as the other harnesses do."
  (let ((passed 0) (failed 0))
    (dolist (path paths)
      (let* ((expected (file-text (make-pathname :type "out" :defaults path)))
             (output (make-string-output-stream))
             (code (let ((*standard-output* output)
                         (*error-output* (make-broadcast-stream)))
                     (handler-case (run-program path)
                       (error (e) (format output "~&HARNESS ERROR: ~A" e) 3))))
             (got (get-output-stream-string output)))
        (if (and (string= expected got) (/= code 3))
            (incf passed)
            (progn
              (incf failed)
              (format t "FAIL ~A:1 exit ~D~%  expected: ~S~%  got:      ~S~%"
                      (file-namestring path) code
                      (excerpt expected got) (excerpt got expected))))))
    (format t "SUMMARY ~D ~D~%" passed failed)
    (finish-output)))

(let ((args (cdr sb-ext:*posix-argv*)))
  (if (string= (first args) "--check")
      (progn (check-programs (rest args)) (sb-ext:exit :code 0))
      (progn
        (let ((code (run-program (first args))))
          (finish-output)
          (sb-ext:exit :code code)))))
