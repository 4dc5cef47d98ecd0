;;; covers: catch, throw, unwind-protect, values, multiple-value-list
;;; Dynamic non-local exits with catch and throw, through function calls.
(format t "~a~%" (catch 'done (throw 'done 'thrown) 'not-reached))
(format t "~a~%" (catch 'done 'normal-value))
(defun deep (n)
  (if (= n 0)
      (throw 'found 'bottom)
      (deep (- n 1))))
(format t "~a~%" (catch 'found (deep 50)))
(format t "~a~%" (catch 'outer
                   (catch 'inner
                     (throw 'outer 'to-outer))
                   'after-inner))
(format t "~a~%" (catch 'outer
                   (list (catch 'inner (throw 'inner 1)) 2)))
(defun tag-for (n) (if (evenp n) 'even 'odd))
(format t "~a~%" (catch 'even (catch 'odd (throw (tag-for 4) 'caught-even))))
(format t "~a~%" (multiple-value-list (catch 'mv (throw 'mv (values 1 2 3)))))
(let ((log '()))
  (catch 'escape
    (unwind-protect
         (progn (push 'body log) (throw 'escape nil) (push 'unreached log))
      (push 'cleanup log)))
  (format t "~a~%" (reverse log)))
(defun search-tree (tree pred)
  (catch 'hit
    (labels ((walk (x)
               (cond ((funcall pred x) (throw 'hit x))
                     ((consp x) (walk (car x)) (walk (cdr x))))))
      (walk tree)
      nil)))
(format t "~a~%" (search-tree '(1 (2 (3 40) 5)) (lambda (x) (and (integerp x) (> x 10)))))
(format t "~a~%" (search-tree '(1 2) (lambda (x) (eql x 99))))
