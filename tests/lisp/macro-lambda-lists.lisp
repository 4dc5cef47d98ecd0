;;;; Macro lambda lists (defmacro / macrolet) through expand.lisp's
;;;; destructuring-lambda-list-bindings with macro-p, compared with SBCL's defmacro.
;;;;
;;;; Usage: sbcl --script tests/lisp/macro-lambda-lists.lisp
;;;; Each case is (lambda-list call-form vars...): SBCL defines a macro with the lambda
;;;; list whose expansion is the list of the values of VARS; ours binds the same lambda
;;;; list against CALL-FORM with our bindings and lists the same variables. Prints FAIL lines and SUMMARY passed failed.

(load (merge-pathnames "../../stages/compiler/package.lisp" *load-truename*))
(load (merge-pathnames "../../stages/compiler/expand.lisp" *load-truename*))
(load (merge-pathnames "primitives-sbcl.lisp" *load-truename*))

(in-package "WASMBOOT-COMPILER")

(defparameter *cases*
  '((((a b) . rest) (m (1 2) 3 4) a b rest)
    (((a b) . rest) (m (1 2)) a b rest)
    ((head . tail) (m 1 2 3) head tail)
    (((head . tail) &body body) (m (h . tl) x y) head tail body)
    (((a (b c) &optional (d 'dflt)) (&key e) . rest) (m (1 (2 3)) (:e 5) 6 7) a b c d e rest)
    ((&whole w a . more) (m 1 2) w a more)
    ((a &environment env . more) (m 1 2 3) a more)
    ((&environment env (x . y)) (m (1 . 2)) x y)))

(defun ours (ll call vars)
  (let ((whole (make-symbol "FORM")))
    (funcall (eval (list 'lambda (list whole)
                         (list 'let* (destructuring-lambda-list-bindings ll whole t)
                               (cons 'list vars))))
             call)))

(defun sbcl-macro (ll call vars)
  (let ((name (gensym "M")))
    (eval (list 'defmacro name ll (cons 'list vars)))
    (funcall (macro-function name) call nil)))

(let ((passed 0) (failed 0))
  (dolist (c *cases*)
    (destructuring-bind (ll call &rest vars) c
      (let ((expected (sbcl-macro ll call vars))
            (got (handler-case (ours ll call vars)
                   (error (e) (format nil "error: ~A" e)))))
        (if (equal expected got)
            (incf passed)
            (progn (incf failed)
                   (format t "FAIL ~S ~S  expected: ~S got: ~S~%" ll call expected got))))))
  (format t "SUMMARY ~D ~D~%" passed failed))
