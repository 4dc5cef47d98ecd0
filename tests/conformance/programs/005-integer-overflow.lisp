;;; covers: integer-overflow, integers, handler-case, error, typep
;;; A result outside the 62-bit range must never wrap around silently. An implementation
;;; either signals an error (the subset) or returns a bignum (SBCL); both count as
;;; "out of range" here, while a silently wrapped result would print a number.
(defconstant +max+ 4611686018427387903)
(defconstant +min+ -4611686018427387904)
(defun checked (thunk)
  (handler-case
      (let ((r (funcall thunk)))
        (if (typep r '(integer -4611686018427387904 4611686018427387903))
            r
            :out-of-range))
    (error () :out-of-range)))
(format t "~a~%" (checked (lambda () (+ +max+ 0))))
(format t "~a~%" (checked (lambda () (+ +max+ 1))))
(format t "~a~%" (checked (lambda () (- +min+ 1))))
(format t "~a~%" (checked (lambda () (* +max+ 2))))
(format t "~a~%" (checked (lambda () (* 3037000500 3037000500))))
(format t "~a~%" (checked (lambda () (* 2147483648 2147483648))))
(format t "~a~%" (checked (lambda () (- +min+))))
(format t "~a~%" (checked (lambda () (abs +min+))))
(format t "~a~%" (checked (lambda () (ash 1 62))))
(format t "~a~%" (checked (lambda () (ash 1 61))))
(format t "~a~%" (checked (lambda () (expt 2 62))))
(format t "~a~%" (checked (lambda () (1+ +max+))))
(format t "~a~%" (checked (lambda () (1- +min+))))
(format t "~a~%" (checked (lambda () (+ +min+ +max+))))
(let ((acc 1) (steps 0))
  (loop while (integerp (checked (lambda () (* acc 10))))
        do (setq acc (* acc 10)) (incf steps)
        until (> steps 30))
  (format t "largest power of ten: ~d after ~d steps~%" acc steps))
