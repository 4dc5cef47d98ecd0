;;;; Prints the expansions of a fixed set of forms (used to check that expansions are
;;;; the same text in every run: no dependence on gensym counters or hash order).
(load (merge-pathnames "../../stages/compiler/package.lisp" *load-truename*))
(load (merge-pathnames "../../stages/compiler/expand.lisp" *load-truename*))
(load (merge-pathnames "expand-fully.lisp" *load-truename*))
(in-package "WASMBOOT-COMPILER")
(gensym) (gensym)                        ; move the counter: it must not matter
(let ((*print-gensym* t) (*print-pretty* nil))
  (dolist (form '((dolist (x l r) (print x))
                  (loop for x in l for i from 0 when (evenp i) collect x into evens
                        finally (return evens))
                  (defstruct (pt (:conc-name p-)) x (y 0))
                  (setf (p-x a) (incf (gethash k h 0)))
                  (destructuring-bind (a (b &optional c) &key d) l (list a b c d))
                  (handler-case (f) (type-error (e) e) (error () nil))
                  (quasiquote (a (unquote b) (unquote-splicing c) (quasiquote (d (unquote (unquote e))))))))
    (print (expand-fully form))))
(terpri)
