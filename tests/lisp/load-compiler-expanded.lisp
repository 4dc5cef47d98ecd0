;;;; Loads the embedded compiler (stages/compiler/modules.txt) into SBCL with every
;;;; standard macro of its source expanded by our expanders (expand.lisp itself is
;;;; loaded as it is), then compiles the given programs, like tests/compiler/sbcl_driver.lisp.
;;;; A test compares the bytes with those of the compiler loaded by SBCL alone: the
;;;; expanders must give the compiler's own code exactly SBCL's meaning.
;;;;
;;;; Usage: sbcl --script tests/lisp/load-compiler-expanded.lisp STAGES OUT.wasm IN.lisp...
;;;; Prints "EXPANSION FAILURE ..." lines for forms that could not be expanded/loaded.

(defvar *args* (cdr sb-ext:*posix-argv*))
(defvar *stages* (first *args*))
(load (concatenate 'string *stages* "compiler/package.lisp"))
(load (concatenate 'string *stages* "compiler/expand.lisp"))
(load (merge-pathnames "primitives-sbcl.lisp" *load-truename*))
(load (merge-pathnames "expand-fully.lisp" *load-truename*))
(load (merge-pathnames "harness-common.lisp" *load-truename*))

(defvar *failures* 0)

(defun load-expanded (path)
  (with-open-file (in path)
    (let ((*package* *package*))
      (loop
        (let ((form (let ((*readtable* wasmboot-compiler::*subject-readtable*))
                      (read in nil in))))
          (when (eq form in) (return))
          (handler-case
              (let ((expanded (wasmboot-compiler::expand-fully form)))
                (handler-bind ((warning #'muffle-warning)) (eval expanded)))
            (error (e)
              (incf *failures*)
              (format t "~&EXPANSION FAILURE ~A ~S: ~A~%" (file-namestring path)
                      (if (consp form) (list (car form) (and (consp (cdr form)) (cadr form))) form)
                      e))))))))

(with-open-file (s (concatenate 'string *stages* "compiler/modules.txt"))
  (loop for line = (read-line s nil)
        while line
        do (let ((l (string-trim " " line)))
             (unless (or (= (length l) 0) (char= (char l 0) #\#)
                         (member l '("package.lisp" "expand.lisp") :test #'string=))
               (load-expanded (concatenate 'string *stages* "compiler/" l))))))

(setf (symbol-value (find-symbol "*STAGES-DIRECTORY*" "WASMBOOT-COMPILER")) *stages*)
(let ((code (funcall (find-symbol "COMPILE-FILES" "WASMBOOT-COMPILER") (cddr *args*) (second *args*))))
  (format t "~&FAILURES ~D~%" *failures*)
  (finish-output)
  (sb-ext:exit :code (if (zerop *failures*) code 9)))
