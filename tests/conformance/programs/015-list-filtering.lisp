;;; covers: lists, remove, remove-if, remove-if-not, delete, delete-if, remove-duplicates, union, intersection, set-difference, :key, :test, :from-end, :start, :end, sort
;;; Filtering and set operations. Set results are sorted before printing because
;;; the standard leaves their order unspecified.
(format t "~a~%" (remove 3 '(1 3 2 3 4)))
(format t "~a~%" (remove-if #'evenp '(1 2 3 4 5 6)))
(format t "~a~%" (remove-if-not #'evenp '(1 2 3 4 5 6)))
(format t "~a~%" (delete 'x (list 'a 'x 'b 'x)))
(format t "~a~%" (delete-if #'zerop (list 0 1 0 2)))
(format t "~a~%" (remove-duplicates '(1 2 1 3 2 4)))
(format t "~a~%" (remove-duplicates '(1 2 1 3 2 4) :from-end t))
(format t "~a~%" (remove-duplicates '("a" "A" "b") :test #'string-equal :from-end t))
(format t "~a~%" (remove 'a '((a 1) (b 2) (a 3)) :key #'car))
(format t "~a~%" (remove 1 '(1 1 1 1) :start 1 :end 3))
(defun sorted (l) (sort (copy-list l) #'<))
(format t "~a~%" (sorted (union '(1 2 3) '(2 3 4))))
(format t "~a~%" (sorted (intersection '(1 2 3 4) '(2 4 6))))
(format t "~a~%" (sorted (set-difference '(1 2 3 4) '(2 4 6))))
(format t "~a~%" (sort (mapcar #'string (union '(a b) '(b c))) #'string<))
