;;;; expand-fully: a code walker for tests that expands every standard macro
;;;; (stages/compiler/expand.lisp) of a form, whatever its depth, walking the special
;;;; forms of stages/SUBSET.md. Other macros (a test's own defmacro) are left to SBCL.

(in-package "WASMBOOT-COMPILER")

(defun walk-body (forms) (mapcar #'expand-fully forms))

(defun walk-lambda-list (ll)
  "Expand the default forms of an ordinary or destructuring lambda list."
  (cond ((atom ll) ll)
        (t (cons (let ((x (car ll)))
                   (cond ((atom x) x)
                         ((and (consp (car x)) (symbolp (caar x))) ; ((:key var) init svar)
                          (list* (car x) (mapcar #'expand-fully (cdr x))))
                         ((symbolp (car x)) (list* (car x) (mapcar #'expand-fully (cdr x))))
                         (t (walk-lambda-list x))))
                 (walk-lambda-list (cdr ll))))))

(defun walk-lambda (lambda-list body)
  (list* (walk-lambda-list lambda-list) (walk-body body)))

(defun expand-fully (form)
  (cond
    ((atom form) form)
    ((not (symbolp (car form)))
     (if (and (consp (car form)) (eq (caar form) 'lambda))
         (cons (expand-fully (car form)) (walk-body (cdr form)))
         form))
    (t
     (let ((op (car form)))
       (case op
         ((quote declare go) form)
         (function (if (and (consp (cadr form)) (eq (car (cadr form)) 'lambda))
                       (list 'function (expand-fully (cadr form)))
                       form))
         (lambda (list* 'lambda (walk-lambda (cadr form) (cddr form))))
         ((let let*)
          (list* op (mapcar (lambda (b) (if (consp b) (list (car b) (expand-fully (cadr b))) b))
                            (cadr form))
                 (walk-body (cddr form))))
         ((flet labels)
          (list* op (mapcar (lambda (def) (list* (car def) (walk-lambda (cadr def) (cddr def))))
                            (cadr form))
                 (walk-body (cddr form))))
         ((macrolet symbol-macrolet) (list* op (cadr form) (walk-body (cddr form))))
         ((block return-from eval-when the catch)
          (if (member op '(catch))
              (cons op (walk-body (cdr form)))
              (list* op (cadr form) (walk-body (cddr form)))))
         (tagbody (cons op (mapcar (lambda (x) (if (consp x) (expand-fully x) x)) (cdr form))))
         (multiple-value-bind
          (list* op (cadr form) (walk-body (cddr form))))
         (setq (cons op (loop for (var val) on (cdr form) by #'cddr
                              collect var collect (expand-fully val))))
         ((defun defmacro)
          (list* op (cadr form) (walk-lambda (caddr form) (cdddr form))))
         (t
          (let ((expander (standard-macro-function op)))
            (if expander
                (expand-fully (funcall expander form))
                (cons op (walk-body (cdr form)))))))))))
