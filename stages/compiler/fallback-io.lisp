;;;; A minimal printer, compiled into programs only while the runtime library
;;;; (stages/runtime-lib/) does not exist yet: integers, strings, symbols.
(defpackage "WASMBOOT-FALLBACK" (:use "COMMON-LISP"))
(in-package "WASMBOOT-FALLBACK")

(defun write-integer (n)
  (if (< n 0)
      (progn (%host-write-char 1 #\-) (write-digits (- 0 n)))
      (write-digits n)))

(defun write-digits (n)
  (let ((q (truncate n 10)))
    (when (> q 0) (write-digits q))
    (%host-write-char 1 (code-char (+ 48 (- n (* q 10)))))))

(defun cl:princ (x)
  (cond ((integerp x) (write-integer x))
        ((symbolp x) (write-chars (symbol-name x)))
        (t (write-chars x)))
  x)

(defun write-chars (s)
  (let ((i 0) (n (length s)))
    (tagbody
     next
       (when (< i n)
         (%host-write-char 1 (char s i))
         (setq i (+ i 1))
         (go next)))))

(defun cl:print (x)
  (%host-write-char 1 (code-char 10))
  (princ x)
  (%host-write-char 1 #\Space)
  x)

(defun cl:terpri () (%host-write-char 1 (code-char 10)) nil)
