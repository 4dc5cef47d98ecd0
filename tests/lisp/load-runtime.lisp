;;;; Loads the runtime library into SBCL for tests: the compiler package (whose
;;;; primitives names the expanders use), the library's package, the SBCL primitives,
;;;; then the files of stages/runtime-lib/modules.txt in order.

(defvar *runtime-dir* (merge-pathnames "../../stages/runtime-lib/" *load-truename*))

(defun runtime-modules ()
  (with-open-file (in (merge-pathnames "modules.txt" *runtime-dir*))
    (loop for line = (read-line in nil nil)
          while line
          for name = (string-trim " " line)
          unless (or (string= name "") (char= (char name 0) #\#))
            collect name)))

(load (merge-pathnames "../../stages/compiler/package.lisp" *load-truename*))
(load (merge-pathnames "package.lisp" *runtime-dir*))
(load (merge-pathnames "primitives-sbcl.lisp" *load-truename*))
(let ((*error-output* (make-broadcast-stream)))   ; SBCL's redefinition chatter
  (handler-bind ((warning #'muffle-warning))
    (dolist (module (runtime-modules))
      (unless (string= module "package.lisp")
        (load (merge-pathnames module *runtime-dir*))))))
