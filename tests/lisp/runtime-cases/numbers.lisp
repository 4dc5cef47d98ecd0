;;; Integer functions of numbers.lisp against SBCL's.
(defparameter *pairs* (loop for a in '(0 1 -1 7 -7 8 -8 9 10 -10 15 100 -100 12345 -98765 4611686018427387903 -4611686018427387904) append (loop for b in '(1 -1 2 -2 3 -3 4 7 -7 10 16 1000) collect (cons a b))))
(mapcar (lambda (p) (list (multiple-value-list (floor (car p) (cdr p))) (multiple-value-list (ceiling (car p) (cdr p))) (multiple-value-list (round (car p) (cdr p))) (mod (car p) (cdr p)) (rem (car p) (cdr p)))) *pairs*)
(mapcar (lambda (n) (list (multiple-value-list (floor n)) (abs n) (signum n) (evenp n) (oddp n) (integer-length n) (logcount n) (logbitp 0 n) (logbitp 3 n) (logbitp 70 n))) '(0 1 -1 2 -2 5 -5 255 -256 1024 4611686018427387903 -4611686018427387904))
(list (max 1) (max 3 1 2) (min 3 1 2) (max -5 -9) (min 1 1) (gcd) (gcd 12) (gcd 12 18) (gcd -12 18 8) (gcd 0 5) (lcm) (lcm 4 6) (lcm 3 5 7) (lcm 0 5) (lcm -4 6))
(list (expt 2 0) (expt 2 10) (expt -3 3) (expt 10 18) (expt 0 0) (expt 7 1) (isqrt 0) (isqrt 1) (isqrt 15) (isqrt 16) (isqrt 17) (isqrt 1000000007))
(loop for a from -12 to 12 collect (loop for b in '(1 2 3 4 5 -2 -3 -4) collect (list (round a b) (floor a b) (ceiling a b))))
(handler-case (floor 5 0) (division-by-zero () 'division-by-zero) (error () 'other-error))
(handler-case (mod 5 0) (error () 'error))
