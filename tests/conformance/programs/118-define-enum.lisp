;;; covers: defmacro, nested-backquote, backquote, &rest, defconstant, intern, symbol-name, concatenate, loop-for-in, loop-collect, eval-when
;;; A macro that defines enumerations: constants, a name table and a lookup function.
(eval-when (:compile-toplevel :load-toplevel :execute)
  (defun symbolicate (&rest parts)
    (intern (apply #'concatenate 'string (mapcar #'string parts)))))
(defmacro define-enum (name &rest members)
  (let ((table (symbolicate "*" name "-NAMES*"))
        (lookup (symbolicate name "-NAME")))
    `(progn
       ,@(loop for m in members for i from 0
               collect `(defconstant ,(symbolicate "+" name "-" m "+") ,i))
       (defparameter ,table ',(loop for m in members collect (string-downcase (symbol-name m))))
       (defun ,lookup (n) (nth n ,table))
       ',name)))
(format t "~a~%" (define-enum color red green blue))
(format t "~d ~d ~d~%" +color-red+ +color-green+ +color-blue+)
(format t "~a~%" (color-name +color-blue+))
(format t "~a~%" *color-names*)
(define-enum suit clubs diamonds hearts spades)
(format t "~a~%" (mapcar #'suit-name (list +suit-spades+ +suit-clubs+)))
(defmacro define-accessors (struct-var &rest fields)
  `(progn
     ,@(loop for f in fields for i from 0
             collect `(defmacro ,(symbolicate struct-var "-" f) (obj)
                        `(nth ,',i ,obj)))))
(define-accessors rec name age city)
(let ((r (list "Ann" 41 "Rome")))
  (format t "~a ~d ~a~%" (rec-name r) (rec-age r) (rec-city r))
  (setf (rec-age r) 42)
  (format t "~a~%" r))
