;;; covers: loop-collect, loop-append, loop-nconc, loop-sum, loop-count, loop-maximize, loop-minimize, loop-into, loop-finally, loop-return, loop-for-in
;;; loop accumulation clauses, named accumulators with into, and finally.
(format t "~a~%" (loop for x in '((1 2) (3) () (4 5)) append x))
(format t "~a~%" (loop for x in '(1 2 3) nconc (list x x)))
(format t "~d~%" (loop for x in '(1 2 3 4) sum x))
(format t "~d~%" (loop for x in '(1 2 3 4 5) count (oddp x)))
(format t "~d~%" (loop for x in '(3 9 2 7) maximize x))
(format t "~d~%" (loop for x in '(3 9 2 7) minimize x))
(format t "~a~%" (loop for x in '() sum x))
(format t "~a~%" (loop for x in '() collect x))
(loop for x in '(1 2 3 4 5 6)
      when (evenp x) collect x into evens
      unless (evenp x) collect x into odds
      finally (format t "evens ~a odds ~a~%" evens odds))
(format t "~a~%" (loop for x in '(4 1 3)
                       sum x into total
                       count t into n
                       finally (return (list total n))))
(format t "~a~%" (loop for w in '("a" "bb" "ccc") maximize (length w) into longest
                       finally (return longest)))
(format t "~a~%" (loop for i from 1 to 4 collect i collect (* i 10)))
(format t "~a~%" (loop for x in '(5 3 8) minimize x into lo maximize x into hi
                       finally (return (list lo hi))))
(format t "~a~%" (loop for x in '(1 2 3) sum (* x x) into s finally (return (* s 2))))
