;;; covers: user-package, defpackage, in-package, intern, symbol-package, package-name, find-package, keywords
;;; A user package: definitions inside it, symbols interned in it, and printing. The
;;; runtime value of *package* is not part of the subset, so it is never consulted.
(defpackage :conformance-shapes
  (:use :common-lisp))
(in-package :conformance-shapes)
(defun area (w h) (* w h))
(defvar *unit* "cm")
(format t "~d ~a~%" (area 3 4) *unit*)
(format t "~a~%" (package-name (symbol-package 'area)))
(format t "~a~%" (eq (find-package "CONFORMANCE-SHAPES") (symbol-package 'area)))
(format t "~a~%" (eq (intern "AREA" "CONFORMANCE-SHAPES") 'area))
(format t "~a~%" (package-name (symbol-package 'car)))
(format t "~a~%" (not (null (find-package "CONFORMANCE-SHAPES"))))
(format t "~a~%" (symbol-name 'square))
(format t "~s~%" :still-a-keyword)
(format t "~a~%" (funcall 'area 5 6))
(in-package :cl-user)
(format t "~d~%" (conformance-shapes::area 7 8))
