;;; covers: tagbody, go
;;; tagbody with forward and backward jumps, including a jump out of a closure.
(let ((i 0) (out '()))
  (tagbody
   top
     (when (>= i 5) (go done))
     (push i out)
     (incf i)
     (go top)
   done)
  (format t "~a~%" (nreverse out)))
(format t "~a~%" (tagbody (go skip) (format t "not printed~%") skip))
(defun collatz-steps (n)
  (let ((steps 0))
    (tagbody
     again
       (when (= n 1) (go finish))
       (setq n (if (evenp n) (floor n 2) (+ (* 3 n) 1)))
       (incf steps)
       (go again)
     finish)
    steps))
(format t "~d ~d ~d~%" (collatz-steps 1) (collatz-steps 6) (collatz-steps 27))
(let ((trace '()))
  (tagbody
     (mapc (lambda (x)
             (push x trace)
             (when (eq x 'stop) (go out)))
           '(a b stop c d))
     (push 'finished-normally trace)
   out
     (push 'escaped trace))
  (format t "~a~%" (reverse trace)))
(let ((n 0))
  (tagbody
   10 (incf n)
   20 (when (< n 3) (go 10)))
  (format t "numeric tags: ~d~%" n))
