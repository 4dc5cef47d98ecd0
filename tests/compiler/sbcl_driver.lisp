;;;; Load the compiler into SBCL (stages/compiler/modules.txt order) and run
;;;; compile-files:
;;;;   sbcl --script sbcl_driver.lisp STAGES/ OUT.wasm RESULTS|- IN.lisp...
;;;;   sbcl --script sbcl_driver.lisp STAGES/ --batch OUTDIR IN.lisp...
;;;; The batch form compiles each input on its own into OUTDIR/NAME.wasm (+ NAME.tsv)
;;;; and prints "NAME<TAB>exit-code" per input.
(setf *compile-verbose* nil *load-verbose* nil)
(defvar *args* (cdr sb-ext:*posix-argv*))
(defvar *stages* (first *args*))
(with-open-file (s (concatenate 'string *stages* "compiler/modules.txt"))
  (loop for line = (read-line s nil)
        while line
        do (let ((l (string-trim " " line)))
             (when (and (> (length l) 0) (char/= (char l 0) #\#))
               (handler-bind ((warning #'muffle-warning))
                 (load (concatenate 'string *stages* "compiler/" l)))))))
(setf (symbol-value (find-symbol "*STAGES-DIRECTORY*" "WASMBOOT-COMPILER")) *stages*)
(defun compile-one (inputs out results)
  (funcall (find-symbol "COMPILE-FILES" "WASMBOOT-COMPILER") inputs out :results-path results))
(if (equal (second *args*) "--batch")
    (let ((outdir (third *args*)))
      (dolist (in (cdddr *args*))
        (let* ((name (pathname-name in))
               (code (let ((*standard-output* (make-broadcast-stream)))
                       (compile-one (list in)
                                    (format nil "~a/~a.wasm" outdir name)
                                    (format nil "~a/~a.tsv" outdir name)))))
          (format t "~a	~d~%" name code)
          (finish-output)))
      (sb-ext:exit :code 0))
    (let ((code (compile-one (cdddr *args*) (second *args*)
                             (let ((r (third *args*))) (if (string= r "-") nil r)))))
      (finish-output)
      (sb-ext:exit :code code)))
