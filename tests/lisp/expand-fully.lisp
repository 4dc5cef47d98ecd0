;;;; expand-fully: a code walker for tests that expands every standard macro
;;;; (stages/compiler/expand.lisp) of a form, whatever its depth, walking the special
;;;; forms of stages/SUBSET.md. A program's own global macros (defined by an earlier
;;;; form) are expanded too, as the compiler does; local macrolet macros are left to
;;;; SBCL (their bodies are walked).

(in-package "WASMBOOT-COMPILER")

(defvar *local-macros* '() "Names of the enclosing macrolet macros (left to SBCL).")

(defun walk-body (forms) (mapcar #'expand-fully forms))

(defun walk-lambda-list (ll &optional (state :required))
  "Expand the default forms of an ordinary or destructuring lambda list."
  (cond ((atom ll) ll)
        (t (let ((x (car ll)))
             (cons (cond ((member x lambda-list-keywords) x)
                         ((atom x) x)
                         ((eq state :required) (walk-lambda-list x))  ; a nested pattern
                         (t (list* (if (consp (car x)) (walk-lambda-list (car x)) (car x))
                                   (mapcar #'expand-fully (cdr x)))))
                   (walk-lambda-list (cdr ll)
                                     (if (member x '(&optional &key &aux)) :defaults
                                         (if (member x '(&rest &body &whole &environment))
                                             state state))))))))

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
         (macrolet
          (list* op (mapcar (lambda (def) (list* (car def) (walk-lambda (cadr def) (cddr def))))
                            (cadr form))
                 (let ((*local-macros* (append (mapcar #'car (cadr form)) *local-macros*)))
                   (walk-body (cddr form)))))
         (symbol-macrolet (list* op (cadr form) (walk-body (cddr form))))
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
          (let ((expander (and (not (member op *local-macros*)) (standard-macro-function op))))
            (cond (expander (expand-fully (funcall expander form)))
                  ((and (not (eq (symbol-package op) (find-package "COMMON-LISP")))
                        (not (member op *local-macros*))
                        (macro-function op))
                   ;; a program's own macro: expand it, then its expansion
                   (expand-fully (funcall (macro-function op) form nil)))
                  (t (cons op (walk-body (cdr form))))))))))))

(setq *place-macroexpand-function*
      (lambda (form)
        (if (and (consp form) (symbolp (car form)) (car form)
                 (not (eq (symbol-package (car form)) (find-package "COMMON-LISP")))
                 (macro-function (car form)))
            (values (funcall (macro-function (car form)) form nil) t)
            (values form nil))))
