;;; covers: labels, loop-from, loop-below, loop-never, loop-for-in, abs, push, reverse, dotimes
;;; Solving the n-queens puzzle by backtracking; counts and the first board.
(defun safe-p (col placed)
  (loop for c in placed
        for dist from 1
        never (or (= c col) (= (abs (- c col)) dist))))
(defun queens (n)
  (let ((solutions '()))
    (labels ((place (row placed)
               (if (= row n)
                   (push (reverse placed) solutions)
                   (loop for col from 0 below n
                         when (safe-p col placed)
                           do (place (1+ row) (cons col placed))))))
      (place 0 '()))
    (nreverse solutions)))
(dolist (n '(1 2 3 4 5 6))
  (format t "~d queens: ~d solutions~%" n (length (queens n))))
(let ((first (first (queens 6))))
  (format t "~a~%" first)
  (dolist (col first)
    (dotimes (i 6) (write-char (if (= i col) #\Q #\.)))
    (terpri)))
