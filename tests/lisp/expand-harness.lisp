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

(defpackage "EXPAND-ORACLE" (:use "COMMON-LISP"))
(defpackage "EXPAND-SUBJECT" (:use "COMMON-LISP"))

(in-package "WASMBOOT-COMPILER")

(defvar *subject-readtable*
  (let ((rt (copy-readtable nil)))
    (set-macro-character #\` (lambda (s c) (declare (ignore c))
                               (list 'quasiquote (read s t nil t)))
                         nil rt)
    (set-macro-character #\, (lambda (s c) (declare (ignore c))
                               (case (peek-char nil s t nil t)
                                 (#\@ (read-char s) (list 'unquote-splicing (read s t nil t)))
                                 (#\. (read-char s) (list 'unquote-splicing (read s t nil t)))
                                 (t (list 'unquote (read s t nil t)))))
                         nil rt)
    rt))

(defun run-case (form package)
  "Evaluate FORM in PACKAGE: (values-or-:error printed-output) as one string."
  (let* ((*package* (find-package package))
         (output (make-string-output-stream))
         (result (handler-case
                     (let ((*standard-output* output))
                       (multiple-value-list (eval form)))
                   (error () :error))))
    (let ((*print-pretty* nil) (*print-circle* nil))
      (if (eq result :error)
          (format nil ":ERROR (output ~S)" (get-output-stream-string output))
          (format nil "~S (output ~S)" result (get-output-stream-string output))))))

(defun read-cases (file)
  "List of (text oracle-form subject-form) for every top-level form of FILE."
  (let* ((text (with-open-file (in file)
                 (let ((s (make-string (file-length in))))
                   (subseq s 0 (read-sequence s in)))))
         (cases '())
         (pos 0))
    (loop
      (multiple-value-bind (form end)
          (let ((*package* (find-package "EXPAND-ORACLE")))
            (read-from-string text nil :eof :start pos))
        (when (eq form :eof) (return))
        (let ((subject (let ((*package* (find-package "EXPAND-SUBJECT"))
                             (*readtable* *subject-readtable*))
                         (read-from-string text t nil :start pos))))
          (push (list (string-trim '(#\Space #\Newline) (subseq text pos end)) form subject)
                cases))
        (setq pos end)))
    (nreverse cases)))

(defun run-file (file)
  (let ((passed 0) (failed 0) (index 0))
    (dolist (c (read-cases file))
      (incf index)
      (destructuring-bind (text oracle subject) c
        (let* ((expected (run-case oracle "EXPAND-ORACLE"))
               (expanded (handler-case (let ((*package* (find-package "EXPAND-SUBJECT")))
                                         (expand-fully subject))
                           (error (e) (list :expansion-error (princ-to-string e)))))
               (got (if (and (consp expanded) (eq (car expanded) :expansion-error))
                        (format nil ":EXPANSION-ERROR ~A" (cadr expanded))
                        (run-case expanded "EXPAND-SUBJECT"))))
          (if (string= expected got)
              (incf passed)
              (progn
                (incf failed)
                (format t "FAIL ~A:~D ~A~%  expected: ~A~%  got:      ~A~%"
                        (file-namestring file) index
                        (substitute #\Space #\Newline (subseq text 0 (min 70 (length text))))
                        expected got))))))
    (values passed failed)))

(let ((passed 0) (failed 0))
  (dolist (file (cdr sb-ext:*posix-argv*))
    (multiple-value-bind (p f) (run-file file)
      (incf passed p) (incf failed f)))
  (format t "SUMMARY ~D ~D~%" passed failed)
  (finish-output)
  (sb-ext:exit :code (if (zerop failed) 0 1)))
