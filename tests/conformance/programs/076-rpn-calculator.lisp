;;; covers: push, pop, parse-integer, string=, cond, handler-case, error, simple-error, with-input-from-string, read-line
;;; A reverse Polish notation calculator reading one program per line.
(defun split-spaces (line)
  (let ((out '()) (start 0))
    (loop for i from 0 to (length line)
          do (when (or (= i (length line)) (char= (char line i) #\Space))
               (when (> i start) (push (subseq line start i) out))
               (setq start (1+ i))))
    (nreverse out)))
(defun rpn (line)
  (let ((stack '()))
    (flet ((pop2 ()
             (when (< (length stack) 2) (error "stack underflow"))
             (let ((b (pop stack)) (a (pop stack))) (values a b))))
      (dolist (tok (split-spaces line))
        (cond ((string= tok "+") (multiple-value-bind (a b) (pop2) (push (+ a b) stack)))
              ((string= tok "-") (multiple-value-bind (a b) (pop2) (push (- a b) stack)))
              ((string= tok "*") (multiple-value-bind (a b) (pop2) (push (* a b) stack)))
              ((string= tok "/") (multiple-value-bind (a b) (pop2)
                                   (when (zerop b) (error "division by zero"))
                                   (push (floor a b) stack)))
              ((string= tok "dup") (push (first stack) stack))
              (t (multiple-value-bind (n end) (parse-integer tok :junk-allowed t)
                   (if (and n (= end (length tok)))
                       (push n stack)
                       (error "bad token ~s" tok))))))
      (if (= (length stack) 1)
          (first stack)
          (error "~d values left on the stack" (length stack))))))
(with-input-from-string (in "3 4 +
5 1 2 + 4 * + 3 -
2 dup * dup *
10 0 /
1 +
1 2
7 x *
-6 4 /")
  (loop for line = (read-line in nil nil)
        while line
        do (format t "~a => ~a~%" line
                   (handler-case (rpn line)
                     (simple-error (c) (format nil "error: ~a" c))))))
