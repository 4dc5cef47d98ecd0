;;; covers: sort, stable-sort, string<, string-equal, string-downcase, string-upcase, remove-duplicates, :test, :key, :from-end, string=, string>
;;; Sorting strings with different keys: case-insensitive, by length, by last letter.
(defvar *words* '("banana" "Apple" "cherry" "apple" "Date" "fig" "Banana" "elderberry"))
(format t "~a~%" (sort (copy-list *words*) #'string<))
(format t "~a~%" (stable-sort (copy-list *words*) #'string< :key #'string-downcase))
(format t "~a~%" (stable-sort (copy-list *words*) #'< :key #'length))
(format t "~a~%" (stable-sort (copy-list *words*) #'char<
                              :key (lambda (w) (char w (1- (length w))))))
(format t "~a~%" (remove-duplicates *words* :test #'string-equal :from-end t))
(format t "~a~%" (sort (remove-duplicates (mapcar #'string-upcase *words*) :test #'string=)
                       #'string>))
(format t "~a~%" (stable-sort (copy-list *words*)
                              (lambda (a b) (> (length a) (length b)))))
(format t "~a~%" *words*)
