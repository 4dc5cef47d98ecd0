;;;; How the harnesses treat an expanded form as the compiler would: CL names the
;;;; runtime library defines, and primitive names, mean the library's definitions;
;;;; typep sees structures registered with %define-struct.

(in-package "WASMBOOT-COMPILER")

(defun runtime-symbol (symbol)
  "The symbol a compiled program means by SYMBOL: CL names the library defines and
primitive names map to the library's symbols."
  (let ((package (symbol-package symbol)))
    (if (or (eq package (find-package "COMMON-LISP"))
            (and (eq package (find-package "WASMBOOT-COMPILER"))
                 (> (length (symbol-name symbol)) 0)
                 (char= (char (symbol-name symbol) 0) #\%)))
        (multiple-value-bind (ours status) (find-symbol (symbol-name symbol) "WASMBOOT-RUNTIME")
          (if (and status (not (eq (symbol-package ours) (find-package "COMMON-LISP"))))
              ours
              symbol))
        symbol)))

(defun cl-type-spec (spec)
  "Type specifiers name CL types by the library's shadowing symbols (string, list,
...): give SBCL the CL symbol unless the library defines a structure of that name."
  (cond ((and (symbolp spec) spec (eq (symbol-package spec) (find-package "WASMBOOT-RUNTIME"))
              (not (find-class spec nil))
              (not (gethash spec wasmboot-primitives::*struct-types*)))
         (multiple-value-bind (cl status) (find-symbol (symbol-name spec) "COMMON-LISP")
           (if (eq status :external) cl spec)))
        ((consp spec) (cons (cl-type-spec (car spec)) (cl-type-spec (cdr spec))))
        (t spec)))

(defun harness-typep (object type)
  "typep as compiled code sees it: structures registered by %define-struct included."
  (if (and (symbolp type) (wasmboot-primitives::instance-p object))
      (wasmboot-runtime::%struct-typep object type)
      (typep object type)))

(defun map-to-runtime (form)
  (cond ((and (consp form) (eq (car form) 'typep) (consp (cddr form))
              (consp (caddr form)) (eq (car (caddr form)) 'quote))
         (list 'harness-typep (map-to-runtime (cadr form))
               (list 'quote (cl-type-spec (map-to-runtime (cadr (caddr form)))))))
        ((symbolp form) (if form (runtime-symbol form) nil))
        ((consp form) (cons (map-to-runtime (car form)) (map-to-runtime (cdr form))))
        (t form)))


;; the library's standard output starts each case at column 0 (fresh-line, ~&)
(defun reset-output-column ()
  (let ((stdout (symbol-value (find-symbol "*STDOUT*" "WASMBOOT-RUNTIME"))))
    (if (fboundp '(setf wasmboot-runtime::stream-column))
        (funcall #'(setf wasmboot-runtime::stream-column) 0 stdout)
        ;; the library loaded through our expanders: its accessors are plain functions
        (eval (map-to-runtime
               (expand-fully (list 'setf (list 'wasmboot-runtime::stream-column
                                               (list 'quote stdout))
                                   0)))))))

;; setf of gethash in forms SBCL's own macros expand (the library loaded as it is)
(defun (setf wasmboot-runtime::gethash) (value key table &optional default)
  (declare (ignore default))
  (wasmboot-runtime::%puthash key table value))

(defun native-error-to-runtime (e)
  "The library condition compiled code would signal for the SBCL error E."
  (flet ((make (type &rest initargs)
           (apply #'wasmboot-runtime::make-condition
                  (find-symbol (symbol-name type) "WASMBOOT-RUNTIME") initargs)))
    (cond ((typep e 'type-error)
           (make 'type-error :datum (type-error-datum e)
                             :expected-type (type-error-expected-type e)))
          ((typep e 'division-by-zero) (make 'division-by-zero))
          ((typep e 'end-of-file) (make 'end-of-file))
          ((typep e 'program-error) (make 'program-error))
          ((typep e 'control-error) (make 'control-error))
          (t (make 'simple-error :format-control "~A" :format-arguments (list (princ-to-string e)))))))

(setq wasmboot-primitives:*native-error-hook* #'native-error-to-runtime)
