;;;; format: destinations nil (a new string), t (*standard-output*), a stream, or a
;;;; string with a fill pointer; directives ~a ~s ~w ~d ~b ~o ~x ~r (radix, English, Roman) ~c ~p
;;;; ~% ~& ~| ~~ ~newline ~* ~t ~? ~( ~) ~{ ~} ~^ ~[ ~; ~] with prefix parameters
;;;; (numbers, 'c, v, #) and the : and @ modifiers (column padding for ~a ~s ~d ...,
;;;; ~@d signs, ~:d commas, ~:[ ~@[ ~:{ ~@{ ~:@{ ...).
;;;; The control string is interpreted directly, left to right; the only allocation is
;;;; the argument list of a ~v parameter and the output of padded directives.

(in-package "WASMBOOT-RUNTIME")

(defun format (destination control &rest arguments)
  (cond ((null destination)
         (let ((s (make-string-output-stream)))
           (format-to s control arguments)
           (get-output-stream-string s)))
        ((eq destination t) (format-to *standard-output* control arguments) nil)
        ((stringp destination)
         (let ((s (make-string-output-stream)))
           (format-to s control arguments)
           (let ((text (get-output-stream-string s)))
             (dotimes (i (length text)) (vector-push-extend (char text i) destination))))
         nil)
        (t (format-to destination control arguments) nil)))

(defun format-to (stream control arguments)
  (if (functionp control)
      (apply control stream arguments)
      (format-segment stream control 0 (length control) arguments arguments))
  nil)

(defun format-error (control index message)
  (error 'simple-error
         :format-control "error in FORMAT: ~A~%  ~A~%  ~VT^"
         :format-arguments (list message control (+ index 2))))

;;; A directive is parsed into: parameters (a list), colon, at-sign, the directive
;;; character and the index after it.

(defun parse-directive (control start end args)
  "Parse the directive whose ~ is at START.
(values params colon at char next args), ARGS less those a v parameter took."
  (let ((i (+ start 1)) (params '()) (colon nil) (at nil))
    (loop
      (when (>= i end) (format-error control start "unterminated directive"))
      (let ((c (char control i)) (got nil) (value nil))
        (cond ((or (digit-char-p c)
                   (and (or (char= c #\-) (char= c #\+))
                        (< (+ i 1) end) (digit-char-p (char control (+ i 1)))))
               (multiple-value-bind (n next) (parse-integer control :start i :junk-allowed t)
                 (setq value n got t i next)))
              ((char= c #\')
               (setq value (char control (+ i 1)) got t i (+ i 2)))
              ((or (char= c #\v) (char= c #\V))
               (setq value (pop args) got t i (+ i 1)))
              ((char= c #\#)
               (setq value (length args) got t i (+ i 1))))
        (if (and (< i end) (char= (char control i) #\,))
            (progn (push value params) (setq i (+ i 1)))
            (progn (when got (push value params)) (return)))))
    (loop while (and (< i end) (or (char= (char control i) #\:) (char= (char control i) #\@)))
          do (if (char= (char control i) #\:) (setq colon t) (setq at t))
             (setq i (+ i 1)))
    (when (>= i end) (format-error control start "unterminated directive"))
    (values (nreverse params) colon at (char control i) (+ i 1) args)))

(defun param (params n default)
  (let ((p (nth n params)))
    (if (null p) default p)))

(defun find-closing (control start end close-char)
  "Find the directive CLOSE-CHAR closing the group whose body starts at START,
skipping nested ~( ~[ ~{ ~< groups. (values close-tilde separators close-colon after)
where SEPARATORS lists the ~; of this level as (tilde-index after-index colon)."
  (let ((i start) (depth 0) (separators '()))
    (loop
      (when (>= i end) (format-error control start "missing closing directive"))
      (if (char= (char control i) #\~)
          (multiple-value-bind (params colon at c next) (parse-directive control i end '())
            (declare (ignore params at))
            (let ((c (char-upcase c)))
              (cond ((find c "([{<") (setq depth (+ depth 1)))
                    ((find c ")]}>")
                     (if (= depth 0)
                         (if (char= c close-char)
                             (return (values i (nreverse separators) colon next))
                             (format-error control i "unmatched closing directive"))
                         (setq depth (- depth 1))))
                    ((and (char= c #\;) (= depth 0)) (push (list i next colon) separators))))
            (setq i next))
          (setq i (+ i 1))))))

(defun pad-output (stream text mincol colinc minpad padchar left)
  "Write TEXT padded to at least MINCOL columns (on the left when LEFT)."
  (let* ((len (length text))
         (pad minpad))
    (loop while (< (+ len pad) mincol) do (setq pad (+ pad colinc)))
    (unless left (write-string text stream))
    (dotimes (i pad) (put-char padchar stream))
    (when left (write-string text stream))))

(defun format-object (stream object params colon at escape)
  (if (null params)
      (if (and colon (null object))
          (write-string "()" stream)
          (let ((*print-escape* escape)) (output-object object stream 0)))
      (let ((text (if (and colon (null object))
                      "()"
                      (let ((s (make-string-output-stream)))
                        (let ((*print-escape* escape)) (output-object object s 0))
                        (get-output-stream-string s)))))
        (pad-output stream text (param params 0 0) (param params 1 1) (param params 2 0)
                    (param params 3 #\Space) at))))

(defun format-integer (stream object base params colon at)
  (if (not (integerp object))
      (let ((*print-escape* nil) (*print-base* base))
        (format-object stream object (and params (list (car params))) nil nil nil))
      (if (and (null params) (not colon) (not at))
          (write-integer object base stream)
          (let* ((s (make-string-output-stream)))
            (when (and at (>= object 0)) (put-char #\+ s))
            (if colon
                (let* ((digits (let ((d (make-string-output-stream)))
                                 (write-integer (abs object) base d)
                                 (get-output-stream-string d)))
                       (n (length digits))
                       (comma (param params 2 #\,))
                       (interval (param params 3 3)))
                  (when (< object 0) (put-char #\- s))
                  (dotimes (i n)
                    (when (and (> i 0) (= 0 (mod (- n i) interval))) (put-char comma s))
                    (put-char (char digits i) s)))
                (write-integer object base s))
            (pad-output stream (get-output-stream-string s) (param params 0 0) 1 0
                        (param params 1 #\Space) t)))))

(defun format-segment (stream control start end args all-args)
  "Interpret CONTROL[START, END) with the argument list ARGS. Returns
(values remaining-args up-and-out) where up-and-out is true after ~^ fired."
  (let ((i start))
    (loop
      (when (>= i end) (return (values args nil)))
      (let ((tilde (position #\~ control :start i :end end)))
        (when (null tilde)
          (write-string control stream :start i :end end)
          (return (values args nil)))
        (when (> tilde i) (write-string control stream :start i :end tilde))
        (multiple-value-bind (params colon at c next new-args)
            (parse-directive control tilde end args)
          (setq args new-args)
          (setq i next)
          (let ((d (char-upcase c)))
            (cond
              ((char= d #\A) (format-object stream (if args (pop args) (missing-argument control tilde)) params colon at nil))
              ((char= d #\S) (format-object stream (if args (pop args) (missing-argument control tilde)) params colon at t))
              ((char= d #\W)
               (output-object (if args (pop args) (missing-argument control tilde)) stream 0))
              ((char= d #\D) (format-integer stream (if args (pop args) (missing-argument control tilde)) 10 params colon at))
              ((char= d #\X) (format-integer stream (if args (pop args) (missing-argument control tilde)) 16 params colon at))
              ((char= d #\B) (format-integer stream (if args (pop args) (missing-argument control tilde)) 2 params colon at))
              ((char= d #\O) (format-integer stream (if args (pop args) (missing-argument control tilde)) 8 params colon at))
              ((char= d #\R)
               (if params
                   (format-integer stream (if args (pop args) (missing-argument control tilde)) (car params) (cdr params) colon at)
                   (let ((n (if args (pop args) (missing-argument control tilde))))
                     (cond ((and at colon) (write-roman n stream t))
                           (at (write-roman n stream nil))
                           (t (write-english n stream colon))))))
              ((char= d #\C)
               (let ((ch (if args (pop args) (missing-argument control tilde))))
                 (cond (at (let ((*print-escape* t)) (write-character ch stream)))
                       (colon (if (graphic-char-p ch)
                                  (if (char= ch #\Space)
                                      (write-string "Space" stream)
                                      (put-char ch stream))
                                  (write-string (char-name ch) stream)))
                       (t (put-char ch stream)))))
              ((char= d #\%) (dotimes (k (param params 0 1)) (put-char #\Newline stream)))
              ((char= d #\&)
               (let ((n (param params 0 1)))
                 (when (> n 0)
                   (fresh-line stream)
                   (dotimes (k (- n 1)) (put-char #\Newline stream)))))
              ((char= d #\|) (dotimes (k (param params 0 1)) (put-char (code-char 12) stream)))
              ((char= d #\~) (dotimes (k (param params 0 1)) (put-char #\~ stream)))
              ((char= d #\Newline)
               (when at (put-char #\Newline stream))
               (unless colon
                 (loop while (and (< i end) (whitespace-char-p (char control i)))
                       do (setq i (+ i 1)))))
              ((char= d #\P)
               (when colon (setq args (backup-args all-args args 1)))
               (let ((n (if args (pop args) (missing-argument control tilde))))
                 (if at
                     (write-string (if (eql n 1) "y" "ies") stream)
                     (unless (eql n 1) (put-char #\s stream)))))
              ((char= d #\*)
               (cond (colon (setq args (backup-args all-args args (param params 0 1))))
                     (at (setq args (nthcdr (param params 0 0) all-args)))
                     (t (setq args (nthcdr (param params 0 1) args)))))
              ((char= d #\T)
               (let ((colnum (param params 0 1)) (colinc (param params 1 1))
                     (column (stream-column stream)))
                 (if at
                     (let ((n colnum))
                       (when (> colinc 0)
                         (loop while (/= 0 (mod (+ column n) colinc)) do (setq n (+ n 1))))
                       (dotimes (k n) (put-char #\Space stream)))
                     (cond ((< column colnum)
                            (dotimes (k (- colnum column)) (put-char #\Space stream)))
                           ((> colinc 0)
                            (dotimes (k (- colinc (mod (- column colnum) colinc)))
                              (put-char #\Space stream)))))))
              ((char= d #\?)
               (let ((sub-control (if args (pop args) (missing-argument control tilde))))
                 (if at
                     (setq args (format-segment stream sub-control 0 (length sub-control)
                                                args args))
                     (let ((sub-args (if args (pop args) (missing-argument control tilde))))
                       (format-segment stream sub-control 0 (length sub-control)
                                       sub-args sub-args)))))
              ((char= d #\^)
               (when (if params
                         (eql (param params 0 0) 0)
                         (null args))
                 (return (values args t))))
              ((char= d #\()
               (multiple-value-bind (close separators close-colon after)
                   (find-closing control i end #\))
                 (declare (ignore separators close-colon))
                 (let ((s (make-string-output-stream)))
                   (multiple-value-bind (rest up) (format-segment s control i close args all-args)
                     (setq args rest)
                     (let ((text (get-output-stream-string s)))
                       (write-string (cond ((and colon at) (string-upcase text))
                                           (colon (string-capitalize text))
                                           (at (capitalize-first text))
                                           (t (string-downcase text)))
                                     stream))
                     (when up (return (values args t)))))
                 (setq i after)))
              ((char= d #\[)
               (multiple-value-bind (close separators close-colon after)
                   (find-closing control i end #\])
                 (declare (ignore close-colon))
                 (multiple-value-bind (rest up)
                     (format-conditional stream control i close separators colon at params
                                         args all-args)
                   (setq args rest)
                   (when up (return (values args t))))
                 (setq i after)))
              ((char= d #\{)
               (multiple-value-bind (close separators close-colon after)
                   (find-closing control i end #\})
                 (declare (ignore separators))
                 (setq args (format-iteration stream control i close close-colon colon at
                                              params args))
                 (setq i after)))
              (t (format-error control tilde
                               (concatenate 'string "unknown directive ~" (string c)))))))))))

(defvar *cardinal-ones*
  (vector "zero" "one" "two" "three" "four" "five" "six" "seven" "eight" "nine" "ten" "eleven"
    "twelve" "thirteen" "fourteen" "fifteen" "sixteen" "seventeen" "eighteen" "nineteen"))
(defvar *ordinal-ones*
  (vector "zeroth" "first" "second" "third" "fourth" "fifth" "sixth" "seventh" "eighth" "ninth"
    "tenth" "eleventh" "twelfth" "thirteenth" "fourteenth" "fifteenth" "sixteenth"
    "seventeenth" "eighteenth" "nineteenth"))
(defvar *cardinal-tens*
  (vector "" "" "twenty" "thirty" "forty" "fifty" "sixty" "seventy" "eighty" "ninety"))
(defvar *ordinal-tens*
  (vector "" "" "twentieth" "thirtieth" "fortieth" "fiftieth" "sixtieth" "seventieth" "eightieth"
    "ninetieth"))
(defvar *scale-names*
  (vector "" " thousand" " million" " billion" " trillion" " quadrillion" " quintillion"))

(defun english-below-1000 (n ordinal)
  "N (0 < N < 1000) in English words; ORDINAL makes the last word an ordinal."
  (let ((s (make-string-output-stream)) (hundreds (floor n 100)) (rest (mod n 100)))
    (when (> hundreds 0)
      (write-string (aref *cardinal-ones* hundreds) s)
      (write-string (if (and ordinal (= rest 0)) " hundredth" " hundred") s)
      (when (> rest 0) (write-char #\Space s)))
    (cond ((= rest 0))
          ((< rest 20) (write-string (aref (if ordinal *ordinal-ones* *cardinal-ones*) rest) s))
          (t (let ((tens (floor rest 10)) (ones (mod rest 10)))
               (if (= ones 0)
                   (write-string (aref (if ordinal *ordinal-tens* *cardinal-tens*) tens) s)
                   (progn (write-string (aref *cardinal-tens* tens) s)
                          (write-char #\- s)
                          (write-string (aref (if ordinal *ordinal-ones* *cardinal-ones*) ones)
                                        s))))))
    (get-output-stream-string s)))

(defun write-english (n stream ordinal)
  "~R (cardinal) and ~:R (ordinal), as SBCL spells them."
  (cond ((= n 0) (write-string (if ordinal "zeroth" "zero") stream))
        ((< n 0) (write-string "negative " stream) (write-english (- n) stream ordinal))
        (t
         (let ((groups '()) (m n))
           (loop while (> m 0) do (push (mod m 1000) groups) (setq m (floor m 1000)))
           ;; GROUPS: most significant first; the scale of the first is (length - 1)
           (let ((scale (- (length groups) 1)) (first t)
                 (last-nonzero (position-if #'plusp groups :from-end t)))
             (loop for g in groups for i from 0
                   do (when (> g 0)
                        (unless first (write-char #\Space stream))
                        (setq first nil)
                        (let ((ordinal-here (and ordinal (= i last-nonzero)
                                                 (= (- scale i) 0))))
                          (write-string (english-below-1000 g ordinal-here) stream)
                          (write-string (aref *scale-names* (- scale i)) stream)
                          (when (and ordinal (= i last-nonzero) (> (- scale i) 0))
                            (write-string "th" stream))))))))))

(defun write-roman (n stream old)
  "~@R and (OLD) ~:@R."
  (let ((values '(1000 900 500 400 100 90 50 40 10 9 5 4 1))
        (letters '("M" "CM" "D" "CD" "C" "XC" "L" "XL" "X" "IX" "V" "IV" "I")))
    (loop for v in values for l in letters
          do (unless (and old (= (length l) 2))
               (loop while (>= n v) do (write-string l stream) (setq n (- n v)))))
    (when old
      ;; old style: no subtractive pairs
      (loop for v in '(1000 500 100 50 10 5 1) for l in '("M" "D" "C" "L" "X" "V" "I")
            do (loop while (>= n v) do (write-string l stream) (setq n (- n v)))))))

(defun missing-argument (control index)
  (format-error control index "no more arguments"))

(defun capitalize-first (text)
  (let ((s (string-downcase text)))
    (let ((i (position-if #'alphanumericp s)))
      (when i (setf (char s i) (char-upcase (char s i)))))
    s))

(defun backup-args (all-args args n)
  "The argument list N arguments before ARGS."
  (let ((used (- (length all-args) (length args))))
    (nthcdr (max 0 (- used n)) all-args)))

(defun format-conditional (stream control start close separators colon at params args all-args)
  (let ((clauses '()) (clause-start start)
        (default (and separators (caddr (car (last separators))))))
    (dolist (sep separators)
      (push (cons clause-start (car sep)) clauses)
      (setq clause-start (cadr sep)))
    (push (cons clause-start close) clauses)
    (setq clauses (nreverse clauses))
    (cond
      (at
       (if (car args)
           (format-segment stream control (car (first clauses)) (cdr (first clauses))
                           args all-args)
           (values (cdr args) nil)))
      (colon
       (let* ((arg (pop args))
              (clause (if arg (second clauses) (first clauses))))
         (format-segment stream control (car clause) (cdr clause) args all-args)))
      (t
       (let* ((n (if params (car params) (pop args)))
              (last-index (- (length clauses) 1))
              (clause (cond ((and (integerp n) (>= n 0)
                                  (if default (< n last-index) (<= n last-index)))
                             (nth n clauses))
                            (default (nth last-index clauses))
                            (t nil))))
         (if clause
             (format-segment stream control (car clause) (cdr clause) args all-args)
             (values args nil)))))))

(defun format-iteration (stream control start close close-colon colon at params args)
  "~{...~}: returns the arguments left for the enclosing directives."
  (let* ((max-count (param params 0 nil))
         (body-start start)
         (body-end close)
         (count 0)
         (items nil))
    (when (= body-start body-end)
      ;; ~{~}: the control string is the next argument, before the list
      (let ((sub (pop args)))
        (setq control sub body-start 0 body-end (length sub))))
    (setq items (if at args (pop args)))
    (loop
      (when (and max-count (>= count max-count)) (return))
      (when (and (null items) (not (and close-colon (= count 0)))) (return))
      (setq count (+ count 1))
      (if colon
          (let ((sublist (pop items)))
            (multiple-value-bind (rest up)
                (format-segment stream control body-start body-end sublist sublist)
              (declare (ignore rest))
              (when (and up (null items)) (return))))
          (multiple-value-bind (rest up)
              (format-segment stream control body-start body-end items items)
            (setq items rest)
            (when up (return)))))
    (if at items args)))
