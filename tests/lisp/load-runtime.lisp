;;;; Loads the runtime library into SBCL for tests: the compiler package (whose
;;;; primitive names the expanders use), the library's package, the SBCL primitives,
;;;; then the files of stages/runtime-lib/modules.txt in order.
;;;;
;;;; With the environment variable WASMBOOT_LIBRARY_LOAD=expanded, the library's own
;;;; source is loaded as the compiler will compile it: every standard macro expanded by
;;;; stages/compiler/expand.lisp (its defstructs become %define-struct structures, its
;;;; setf forms primitive calls), CL names it defines meaning its own definitions.
;;;; Otherwise SBCL loads the files as they are.

(defvar *runtime-dir* (merge-pathnames "../../stages/runtime-lib/" *load-truename*))
(defvar *lisp-tests-dir* (make-pathname :name nil :type nil :defaults *load-truename*))

(defun runtime-modules ()
  (with-open-file (in (merge-pathnames "modules.txt" *runtime-dir*))
    (loop for line = (read-line in nil nil)
          while line
          for name = (string-trim " " line)
          unless (or (string= name "") (char= (char name 0) #\#))
            collect name)))

(defun library-load-mode ()
  (if (equal (sb-ext:posix-getenv "WASMBOOT_LIBRARY_LOAD") "expanded") :expanded :native))

(load (merge-pathnames "../../stages/compiler/package.lisp" *load-truename*))
(load (merge-pathnames "package.lisp" *runtime-dir*))
(load (merge-pathnames "primitives-sbcl.lisp" *load-truename*))

(defun load-module-expanded (path)
  "Load PATH with every standard macro expanded by our expanders; a form that fails
stops the load with an error naming it."
  (with-open-file (in path)
    (let ((*package* (find-package "WASMBOOT-RUNTIME")))
      (loop
        (let ((form (let ((*readtable* (symbol-value (find-symbol "*SUBJECT-READTABLE*"
                                                                   "WASMBOOT-COMPILER"))))
                      (read in nil in))))
          (when (eq form in) (return))
          (let ((expanded (funcall (find-symbol "MAP-TO-RUNTIME" "WASMBOOT-COMPILER")
                                   (funcall (find-symbol "EXPAND-FULLY" "WASMBOOT-COMPILER")
                                            form))))
            (handler-bind ((warning #'muffle-warning))
              (eval expanded))))))))

(let ((*error-output* (make-broadcast-stream)))   ; SBCL's redefinition chatter
  (handler-bind ((warning #'muffle-warning))
    (when (eq (library-load-mode) :expanded)
      (load (merge-pathnames "../../stages/compiler/expand.lisp" *load-truename*))
      (load (merge-pathnames "expand-fully.lisp" *lisp-tests-dir*))
      (load (merge-pathnames "harness-common.lisp" *lisp-tests-dir*))
      (load (merge-pathnames "runtime-harness-mapping.lisp" *lisp-tests-dir*)))
    (dolist (module (runtime-modules))
      (unless (string= module "package.lisp")
        (if (eq (library-load-mode) :expanded)
            (load-module-expanded (merge-pathnames module *runtime-dir*))
            (load (merge-pathnames module *runtime-dir*)))))))
