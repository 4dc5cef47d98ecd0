;;;; The compiler's own runtime support, compiled into every program: the signaller
;;;; that native code calls for type errors, overflow and the like.
(defpackage "WASMBOOT-CORE" (:use "COMMON-LISP"))
(in-package "WASMBOOT-CORE")

(defun %native-error (code datum)
  (let ((message (case code
                   (1 "The value is not an integer")
                   (2 "Integer overflow: the result is outside the 62-bit range")
                   (3 "The variable is unbound")
                   (4 "The function is undefined")
                   (5 "The value is not a function")
                   (6 "Wrong number of arguments")
                   (7 "The value is not a list")
                   (8 "Division by zero")
                   (9 "The value is not a character")
                   (10 "The value is not a symbol")
                   (11 "Throw to a tag that does not exist")
                   (t "Error"))))
    (if (fboundp 'error)
        (error "~a: ~s" message datum)
        (progn (%core-write-line message)
               
               (%exit 2)))))

(defun %core-write-line (s)
  (let ((i 0) (n (length s)))
    (tagbody
     next
       (when (< i n)
         (%host-write-char 2 (char s i))
         (setq i (+ i 1))
         (go next)))
    (%host-write-char 2 (code-char 10))))

;;; Function objects for the variadic open-coded functions (#'+, (apply #'list ...)):
;;; direct calls never get here, they are open-coded.
(defun + (&rest xs) (let ((s 0)) (dolist (x xs) (setq s (+ s x))) s))
(defun * (&rest xs) (let ((s 1)) (dolist (x xs) (setq s (* s x))) s))
(defun - (x &rest xs)
  (if (null xs) (- x) (progn (dolist (y xs) (setq x (- x y))) x)))
(defun list (&rest xs) xs)
(defun list* (x &rest xs)
  (if (null xs) x (let ((all (cons x xs))) (%list*-splice all) all)))
(defun %list*-splice (l)
  ;; make the last element the tail
  (if (null (cddr l)) (rplacd l (cadr l)) (%list*-splice (cdr l))))
(defun funcall (f &rest args) (apply f args))
(defun apply (f &rest args) (apply f (%spread args)))
(defun %spread (args)
  (if (null (cdr args)) (car args) (cons (car args) (%spread (cdr args)))))
(defun = (x &rest xs) (dolist (y xs t) (unless (= x y) (return nil)) (setq x y)))
(defun < (x &rest xs) (dolist (y xs t) (unless (< x y) (return nil)) (setq x y)))
(defun > (x &rest xs) (dolist (y xs t) (unless (> x y) (return nil)) (setq x y)))
(defun <= (x &rest xs) (dolist (y xs t) (unless (<= x y) (return nil)) (setq x y)))
(defun >= (x &rest xs) (dolist (y xs t) (unless (>= x y) (return nil)) (setq x y)))
