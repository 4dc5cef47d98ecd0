;;;; Prints the COMMON-LISP names the runtime library's files define (defun, defvar,
;;;; defconstant, defparameter, defstruct with its constructor, predicate and
;;;; accessors), one per line. Reads the sources without loading them.

(defvar *dir* (merge-pathnames "../../stages/runtime-lib/" *load-truename*))
(defvar *names* '())

(defun note (name)
  ;; sources are read in a package without CL, where nil is just a symbol named NIL
  (multiple-value-bind (symbol status) (find-symbol name "COMMON-LISP")
    (declare (ignore symbol))
    (when (and (eq status :external) (string/= name "NIL"))
      (pushnew name *names* :test #'string=))))

(defun option (options key)
  (find key options :key (lambda (o) (and (consp o) (symbol-name (car o)))) :test #'equal))

(defun note-defstruct (spec slots)
  (let* ((name (if (consp spec) (car spec) spec))
         (options (if (consp spec) (cdr spec) '()))
         (conc (let ((o (option options "CONC-NAME")))
                 (if o (if (cadr o) (symbol-name (cadr o)) "") (format nil "~A-" name)))))
    (note (symbol-name name))
    (dolist (key '("PREDICATE" "CONSTRUCTOR" "COPIER"))
      (let ((o (option options key)))
        (when (and o (cadr o)) (note (symbol-name (cadr o))))))
    (dolist (slot (if (stringp (car slots)) (cdr slots) slots))
      (note (concatenate 'string conc (symbol-name (if (consp slot) (car slot) slot)))))))

(dolist (file (directory (merge-pathnames "*.lisp" *dir*)))
  (with-open-file (in file)
    (let ((*package* (make-package (format nil "SCAN-~A" (pathname-name file)) :use '())))
      (loop for form = (read in nil :eof)
            until (eq form :eof)
            when (consp form)
              do (let ((op (symbol-name (car form))))
                   (cond ((member op '("DEFUN" "DEFVAR" "DEFCONSTANT" "DEFPARAMETER")
                                  :test #'string=)
                          (when (symbolp (cadr form)) (note (symbol-name (cadr form)))))
                         ((string= op "DEFSTRUCT") (note-defstruct (cadr form) (cddr form)))))))))

(format t "~{~A~%~}" (sort *names* #'string<))
