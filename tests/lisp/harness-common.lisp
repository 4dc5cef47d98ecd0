;;;; Shared by the Lisp test harnesses (expand-harness.lisp, runtime-harness.lisp):
;;;; reading each top-level form of a cases file twice (oracle and subject readtables)
;;;; and comparing printed values and output. RUN-FILE takes the two package names and
;;;; a function that turns the subject form into the form to evaluate.

(in-package "WASMBOOT-COMPILER")

;; expansions may bind CL names locally (loop's macrolet of loop-finish), which SBCL's
;; package locks forbid and the subset allows
(sb-ext:unlock-package "COMMON-LISP")

(defvar *oracle-package* "EXPAND-ORACLE")
(defvar *subject-package* "EXPAND-SUBJECT")
(defvar *prepare-subject* #'expand-fully
  "Function from the subject form (read with the compiler's backquote) to the form to
evaluate.")
(defvar *run-subject* nil
  "Nil, or a function of a thunk that runs it as the subject and returns
(values result-list-or-:error output-string).")

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

(defun default-run (thunk)
  "Run THUNK capturing SBCL's standard output: (values values-or-:error output)."
  (let* ((output (make-string-output-stream))
         (result (handler-case
                     (let ((*standard-output* output))
                       (multiple-value-list (funcall thunk)))
                   (error () :error))))
    (values result (get-output-stream-string output))))

(defun run-case (form package runner)
  "Evaluate FORM in PACKAGE: its values (or :error) and output, printed as one string."
  (let ((*package* (find-package package)))
    (multiple-value-bind (result output) (funcall runner (lambda () (eval form)))
      (let ((*print-pretty* nil) (*print-circle* nil))
        (if (eq result :error)
            (format nil ":ERROR (output ~S)" output)
            (format nil "~S (output ~S)" result output))))))

(defun read-cases (file)
  "List of (text oracle-form subject-form) for every top-level form of FILE."
  (let* ((text (with-open-file (in file)
                 (let ((s (make-string (file-length in))))
                   (subseq s 0 (read-sequence s in)))))
         (cases '())
         (pos 0))
    (loop
      (multiple-value-bind (form end)
          (let ((*package* (find-package *oracle-package*)))
            (read-from-string text nil :eof :start pos))
        (when (eq form :eof) (return))
        (let ((subject (let ((*package* (find-package *subject-package*))
                             (*readtable* *subject-readtable*))
                         (read-from-string text t nil :start pos))))
          (push (list (string-trim '(#\Space #\Newline) (subseq text pos end)) form subject)
                cases))
        (setq pos end)))
    (nreverse cases)))

(defun excerpt (text other)
  "TEXT, or for long texts the part around its first difference from OTHER."
  (if (< (length text) 400)
      text
      (let* ((at (or (mismatch text other) 0))
             (start (max 0 (- at 150))))
        (concatenate 'string (if (> start 0) "..." "")
                     (subseq text start (min (length text) (+ at 250))) "..."))))

(defun run-file (file)
  (let ((passed 0) (failed 0) (index 0))
    (dolist (c (read-cases file))
      (incf index)
      (destructuring-bind (text oracle subject) c
        (let* ((expected (run-case oracle *oracle-package* #'default-run))
               (expanded (handler-case (let ((*package* (find-package *subject-package*)))
                                         (funcall *prepare-subject* subject))
                           (error (e) (list :expansion-error (princ-to-string e)))))
               (got (if (and (consp expanded) (eq (car expanded) :expansion-error))
                        (format nil ":EXPANSION-ERROR ~A" (cadr expanded))
                        (run-case expanded *subject-package*
                                  (or *run-subject* #'default-run)))))
          (if (string= expected got)
              (incf passed)
              (progn
                (incf failed)
                (format t "FAIL ~A:~D ~A~%  expected: ~A~%  got:      ~A~%"
                        (file-namestring file) index
                        (substitute #\Space #\Newline (subseq text 0 (min 70 (length text))))
                        (excerpt expected got) (excerpt got expected)))))))
    (values passed failed)))


(defun run-harness-main ()
  (let ((passed 0) (failed 0))
    (dolist (file (cdr sb-ext:*posix-argv*))
      (multiple-value-bind (p f) (run-file file)
        (incf passed p) (incf failed f)))
    (format t "SUMMARY ~D ~D~%" passed failed)
    (finish-output)
    (sb-ext:exit :code (if (zerop failed) 0 1))))
