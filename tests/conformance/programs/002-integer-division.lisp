;;; covers: integers, floor, ceiling, truncate, round, mod, rem, multiple-value-list
;;; Integer division functions with every sign combination; both values printed.
(dolist (pair '((7 2) (-7 2) (7 -2) (-7 -2) (6 3) (5 2) (-5 2) (1 4)))
  (let ((a (first pair)) (b (second pair)))
    (format t "~d ~d: floor ~a ceiling ~a truncate ~a round ~a mod ~d rem ~d~%"
            a b
            (multiple-value-list (floor a b))
            (multiple-value-list (ceiling a b))
            (multiple-value-list (truncate a b))
            (multiple-value-list (round a b))
            (mod a b) (rem a b))))
(format t "~a~%" (multiple-value-list (floor 17)))
(format t "~a~%" (multiple-value-list (round 7 2)))
(format t "~a~%" (multiple-value-list (round 9 2)))
