;;; covers: make-array, :initial-element, aref, setf-aref, loop-from, loop-by, loop-when, loop-collect, do, floor, mod
;;; The sieve of Eratosthenes and prime factorisation.
(defun sieve (n)
  (let ((composite (make-array (1+ n) :initial-element nil)))
    (loop for i from 2 to n
          when (and (not (aref composite i)) (<= (* i i) n))
            do (loop for j from (* i i) to n by i
                     do (setf (aref composite j) t)))
    (loop for i from 2 to n
          unless (aref composite i) collect i)))
(format t "~a~%" (sieve 50))
(format t "~d primes below 1000~%" (length (sieve 1000)))
(format t "largest below 1000: ~d~%" (car (last (sieve 1000))))
(defun factorize (n)
  (let ((factors '()) (d 2))
    (do () ((> (* d d) n))
      (if (zerop (mod n d))
          (progn (push d factors) (setq n (floor n d)))
          (incf d)))
    (when (> n 1) (push n factors))
    (nreverse factors)))
(dolist (n '(2 12 97 360 1001 1024 999999 600851475143))
  (format t "~d = ~{~d~^ * ~}~%" n (factorize n)))
