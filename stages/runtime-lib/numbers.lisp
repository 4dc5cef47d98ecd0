;;;; Integer functions built on the compiler's open-coded arithmetic (+ - * truncate,
;;;; comparisons, logand/logior/ash ...): floor, ceiling, round (two values), mod,
;;;; rem, abs, signum, evenp, oddp, min, max, gcd, lcm, expt, isqrt, integer-length,
;;;; logcount, logbitp. The compiler may open-code any of them as well.

(in-package "WASMBOOT-RUNTIME")

(defun floor (number &optional (divisor 1))
  (multiple-value-bind (q r) (truncate number divisor)
    (if (and (/= r 0) (if (< divisor 0) (> r 0) (< r 0)))
        (values (- q 1) (+ r divisor))
        (values q r))))

(defun ceiling (number &optional (divisor 1))
  (multiple-value-bind (q r) (truncate number divisor)
    (if (and (/= r 0) (if (< divisor 0) (< r 0) (> r 0)))
        (values (+ q 1) (- r divisor))
        (values q r))))

(defun round (number &optional (divisor 1))
  "To the nearest integer, ties to the even one."
  (multiple-value-bind (q r) (floor number divisor)
    (let ((twice (* 2 r)) (d (abs divisor)))
      ;; past the half, or exactly half with q odd: the next quotient
      (if (or (> (abs twice) d) (and (= (abs twice) d) (oddp q)))
          (values (+ q 1) (- r divisor))
          (values q r)))))

(defun mod (number divisor) (nth-value 1 (floor number divisor)))
(defun rem (number divisor) (nth-value 1 (truncate number divisor)))

(defun abs (n) (if (< n 0) (- n) n))
(defun signum (n) (cond ((> n 0) 1) ((< n 0) -1) (t 0)))
(defun evenp (n) (= 0 (logand n 1)))
(defun oddp (n) (= 1 (logand n 1)))

(defun max (n &rest more)
  (dolist (m more n) (when (> m n) (setq n m))))

(defun min (n &rest more)
  (dolist (m more n) (when (< m n) (setq n m))))

(defun gcd (&rest integers)
  (let ((g 0))
    (dolist (n integers g)
      (let ((a (abs g)) (b (abs n)))
        (loop while (/= b 0) do (psetq a b b (rem a b)))
        (setq g a)))))

(defun lcm (&rest integers)
  (if (null integers)
      1
      (let ((l (abs (car integers))))
        (dolist (n (cdr integers) l)
          (setq l (if (or (= l 0) (= n 0)) 0 (truncate (abs (* l n)) (gcd l n))))))))

(defun expt (base power)
  "Integer powers (a negative power is an error: no ratios)."
  (when (< power 0)
    (error 'type-error :datum power :expected-type '(integer 0)))
  (let ((result 1))
    (loop while (> power 0)
          do (when (oddp power) (setq result (* result base)))
             (setq power (ash power -1))
             (when (> power 0) (setq base (* base base))))
    result))

(defun isqrt (n)
  (when (< n 0) (error 'type-error :datum n :expected-type '(integer 0)))
  (if (< n 2)
      n
      (let ((x n))
        (loop (let ((y (floor (+ x (floor n x)) 2)))
                (when (>= y x) (return x))
                (setq x y))))))

(defun integer-length (n)
  (let ((m (if (< n 0) (- -1 n) n)) (len 0))
    (loop while (> m 0) do (setq m (ash m -1) len (+ len 1)))
    len))

(defun logcount (n)
  (let ((m (if (< n 0) (- -1 n) n)) (count 0))
    (loop while (> m 0) do (when (oddp m) (setq count (+ count 1))) (setq m (ash m -1)))
    count))

(defun logbitp (index n) (oddp (ash n (- index))))
