;;;; Load the compiler into SBCL (stages/compiler/modules.txt order) and run
;;;; compile-files:
;;;;   sbcl --script sbcl_driver.lisp STAGES/ OUT.wasm RESULTS|- IN.lisp...
;;;;   sbcl --script sbcl_driver.lisp STAGES/ --batch OUTDIR IN.lisp...
;;;;   sbcl --script sbcl_driver.lisp STAGES/ --request REQUEST-FILE
;;;; The batch form compiles each input on its own into OUTDIR/NAME.wasm (+ NAME.tsv)
;;;; and prints "NAME<TAB>exit-code<TAB>milliseconds" per input. The request form runs
;;;; the compile_all protocol of docs/build.md (compile and link records) as the compiled
;;;; compiler does, and exits with its status.
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
(when (equal (second *args*) "--request")
  (let ((code (funcall (find-symbol "%COMPILE-ALL-EXPORT" "WASMBOOT-COMPILER")
                       (with-open-file (in (third *args*))
                         (let ((text (make-string (file-length in))))
                           (subseq text 0 (read-sequence text in)))))))
    (finish-output)
    (sb-ext:exit :code code)))
(if (equal (second *args*) "--batch")
    (let ((outdir (third *args*)))
      (dolist (in (cdddr *args*))
        (let* ((name (pathname-name in))
               (start (get-internal-real-time))
               (code (let ((*standard-output* (make-broadcast-stream)))
                       (compile-one (list in)
                                    (format nil "~a/~a.wasm" outdir name)
                                    (format nil "~a/~a.tsv" outdir name))))
               (ms (round (* 1000 (- (get-internal-real-time) start))
                          internal-time-units-per-second)))
          (format t "~a	~d	~d~%" name code ms)
          (finish-output)))
      (sb-ext:exit :code 0))
    (let ((code (compile-one (cdddr *args*) (second *args*)
                             (let ((r (third *args*))) (if (string= r "-") nil r)))))
      (finish-output)
      (sb-ext:exit :code code)))
