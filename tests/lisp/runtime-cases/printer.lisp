;;; The printer against SBCL's (prin1, princ, print, write-to-string ...).
(defparameter *printer-samples*
  (list 0 1 -1 42 -42 1234567890 4611686018427387903 -4611686018427387904
        #\a #\A #\Space #\Newline #\Tab #\Nul #\Rubout (code-char 1) (code-char 27) #\( #\\ #\"
        "" "abc" "a\"b" "back\\slash" "multi
line"
        'foo 'hello-world :key :|lower| nil t '|foo bar| '|a| '|1| '|1A| '|1AB| '|1+| '|+1| '|+|
        '|-| '|.| '|..| '|1.| '|.5| '|1/2| '|/| '|/2| '|1/| '|#A| '|A#| '|a:b| '|^1| '|1^| '|1E5|
        '|foo\|| '|a\\b| '|| '|x(y| '|A'B| '|A,B| '|;| '|A"B| '|A`B| '|A.B| '|-A| '|1-| '|A1|
        (make-symbol "UNINTERNED") (make-symbol "lower")
        'cl-user::some-user-symbol 'car 'common-lisp:list
        '(1 2 3) '(a . b) '(1 2 . 3) '((a b) (c (d e))) '(quote x) ''x '(function f) '#'car
        '(quote a b) '(quote . a) '(a 'b #'c) '(function (lambda (x) x)) '(nil) '(() ())
        (vector 1 "a" #\b '(c)) (vector) #(1 #(2 #(3)))
        (make-array 3 :fill-pointer 2 :initial-element 0)
        (make-array 2 :element-type '(unsigned-byte 8) :initial-contents '(1 255))))
(mapcar #'prin1-to-string *printer-samples*)
(mapcar #'princ-to-string *printer-samples*)
(mapcar (lambda (x) (write-to-string x :escape nil)) *printer-samples*)
(mapcar (lambda (x) (write-to-string x :escape t)) *printer-samples*)
(dolist (x *printer-samples*) (prin1 x) (terpri))
(dolist (x *printer-samples*) (princ x) (write-char #\|) (terpri))
(dolist (x '(1 "two" #\3 four (5))) (print x))
(progn (print 'a) (prin1 'b) (princ "c") (terpri) (fresh-line) (princ "d") (fresh-line) (fresh-line))
(let ((*package* (find-package "KEYWORD"))) (list (prin1-to-string 'car) (prin1-to-string :foo) (prin1-to-string 'cl-user::x)))
(mapcar (lambda (b) (write-to-string 255 :base b)) '(2 8 10 16 36))
(mapcar (lambda (b) (write-to-string -255 :base b :radix t)) '(2 8 10 16 3))
(list (write-to-string '(1 2 3 4 5) :length 3) (write-to-string '(1 (2 (3 (4)))) :level 2))
(with-output-to-string (s) (print "x" s) (prin1 #\y s) (princ #\z s))
(list (prin1 'x) (princ "y") (print 3))
(defstruct rt-point x (y 0) (label "p"))
(list (prin1-to-string (make-rt-point :x 1)) (princ-to-string (make-rt-point :x '(a "b") :label #\c)))
(progn (defstruct (rt-point3 (:include rt-point)) z) (prin1-to-string (make-rt-point3 :x 1 :z :k)))
(loop for case in '(:upcase :downcase :capitalize) collect (let ((*print-case* case)) (list (prin1-to-string '(foo-bar |mixedCase| :key hello-world2 x1y |a b| cl-user::zork nil)) (princ-to-string '(foo-bar :key two-words-here)) (format nil "~a ~s" 'sym 'sym2))))
