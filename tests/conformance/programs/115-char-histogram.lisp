;;; covers: characters, char-code, code-char, make-array, :initial-element, aref, incf, loop-for-across, loop-below, loop-when, ~c, make-string, upper-case-p, lower-case-p, digit-char-p
;;; Character class counts and a letter histogram drawn with make-string.
(defvar *text* "Common Lisp: 62-bit integers, Unicode characters, and 1 WasmGC target!")
(let ((upper 0) (lower 0) (digits 0) (spaces 0) (other 0))
  (loop for c across *text*
        do (cond ((upper-case-p c) (incf upper))
                 ((lower-case-p c) (incf lower))
                 ((digit-char-p c) (incf digits))
                 ((char= c #\Space) (incf spaces))
                 (t (incf other))))
  (format t "upper ~d lower ~d digits ~d spaces ~d other ~d~%" upper lower digits spaces other))
(let ((counts (make-array 26 :initial-element 0)))
  (loop for c across *text*
        when (alpha-char-p c)
          do (incf (aref counts (- (char-code (char-downcase c)) (char-code #\a)))))
  (loop for i below 26
        when (>= (aref counts i) 3)
          do (format t "~c ~a ~d~%" (code-char (+ i (char-code #\a)))
                     (make-string (aref counts i) :initial-element #\*) (aref counts i))))
(format t "~a~%" (loop for c across "hello" collect (char-code c)))
(format t "~a~%" (map 'string (lambda (c) (code-char (1+ (char-code c)))) "HAL"))
