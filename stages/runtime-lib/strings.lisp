;;;; Strings: `string` (designators), comparisons (string= string< ... string-equal,
;;;; string-lessp, with :start1 :end1 :start2 :end2), case (string-upcase,
;;;; string-downcase, string-capitalize), trimming (string-trim, string-left-trim,
;;;; string-right-trim) and parse-integer. char, schar, make-string and length are
;;;; open-coded by the compiler.

(in-package "WASMBOOT-RUNTIME")

(defun string (x)
  (cond ((stringp x) x)
        ((symbolp x) (symbol-name x))
        ((characterp x) (make-string 1 :initial-element x))
        (t (error 'type-error :datum x :expected-type 'string))))

(defun string-mismatch (s1 s2 start1 end1 start2 end2 fold)
  "(values index-in-s1-of-first-difference-or-nil code1 code2); codes are -1 past the end."
  (let* ((s1 (string s1)) (s2 (string s2))
         (end1 (or end1 (length s1))) (end2 (or end2 (length s2)))
         (i start1) (j start2))
    (loop
      (let ((c1 (if (< i end1) (char-code (char s1 i)) -1))
            (c2 (if (< j end2) (char-code (char s2 j)) -1)))
        (when fold
          (when (>= c1 0) (setq c1 (upcase-code c1)))
          (when (>= c2 0) (setq c2 (upcase-code c2))))
        (when (and (= c1 -1) (= c2 -1)) (return (values nil -1 -1)))
        (when (/= c1 c2) (return (values i c1 c2)))
        (setq i (+ i 1) j (+ j 1))))))

(defun string= (s1 s2 &key (start1 0) end1 (start2 0) end2)
  (if (and (stringp s1) (stringp s2) (= start1 0) (= start2 0) (null end1) (null end2))
      (let ((n (length s1)))
        (and (= n (length s2))
             (dotimes (i n t) (unless (eql (char s1 i) (char s2 i)) (return nil)))))
      (null (string-mismatch s1 s2 start1 end1 start2 end2 nil))))

(defun string-equal (s1 s2 &key (start1 0) end1 (start2 0) end2)
  (null (string-mismatch s1 s2 start1 end1 start2 end2 t)))

(defun string/= (s1 s2 &key (start1 0) end1 (start2 0) end2)
  (values (string-mismatch s1 s2 start1 end1 start2 end2 nil)))

(defun string-not-equal (s1 s2 &key (start1 0) end1 (start2 0) end2)
  (values (string-mismatch s1 s2 start1 end1 start2 end2 t)))

(defun string-order (s1 s2 start1 end1 start2 end2 fold test)
  "The mismatch index if TEST holds of the differing codes (-1 past the end), else nil."
  (multiple-value-bind (index c1 c2) (string-mismatch s1 s2 start1 end1 start2 end2 fold)
    (cond (index (if (funcall test c1 c2) index nil))
          ((funcall test 0 0) (or end1 (length (string s1))))
          (t nil))))

(defun string< (s1 s2 &key (start1 0) end1 (start2 0) end2)
  (string-order s1 s2 start1 end1 start2 end2 nil #'<))
(defun string> (s1 s2 &key (start1 0) end1 (start2 0) end2)
  (string-order s1 s2 start1 end1 start2 end2 nil #'>))
(defun string<= (s1 s2 &key (start1 0) end1 (start2 0) end2)
  (string-order s1 s2 start1 end1 start2 end2 nil #'<=))
(defun string>= (s1 s2 &key (start1 0) end1 (start2 0) end2)
  (string-order s1 s2 start1 end1 start2 end2 nil #'>=))
(defun string-lessp (s1 s2 &key (start1 0) end1 (start2 0) end2)
  (string-order s1 s2 start1 end1 start2 end2 t #'<))
(defun string-greaterp (s1 s2 &key (start1 0) end1 (start2 0) end2)
  (string-order s1 s2 start1 end1 start2 end2 t #'>))
(defun string-not-greaterp (s1 s2 &key (start1 0) end1 (start2 0) end2)
  (string-order s1 s2 start1 end1 start2 end2 t #'<=))
(defun string-not-lessp (s1 s2 &key (start1 0) end1 (start2 0) end2)
  (string-order s1 s2 start1 end1 start2 end2 t #'>=))

(defun map-string-case (string start end mode)
  "A copy of STRING with [START, END) in MODE :up, :down or :capitalize."
  (let* ((s (string string))
         (n (length s))
         (end (or end n))
         (result (progn (when (or (> end n) (< start 0) (> start end))
                          (error 'type-error :datum end :expected-type (list 'integer 0 n)))
                        (make-string n)))
         (in-word nil))
    (dotimes (i n result)
      (let ((c (char s i)))
        (setf (char result i)
              (if (and (>= i start) (< i end))
                  (cond ((eq mode :up) (char-upcase c))
                        ((eq mode :down) (char-downcase c))
                        (t (prog1 (if in-word (char-downcase c) (char-upcase c))
                             (setq in-word (alphanumericp c)))))
                  c))))))

(defun string-upcase (string &key (start 0) end) (map-string-case string start end :up))
(defun string-downcase (string &key (start 0) end) (map-string-case string start end :down))
(defun string-capitalize (string &key (start 0) end)
  (map-string-case string start end :capitalize))

(defun nstring-upcase (string &key (start 0) end)
  (replace string (string-upcase string :start start :end end)))
(defun nstring-downcase (string &key (start 0) end)
  (replace string (string-downcase string :start start :end end)))

(defun string-trim-bounds (bag s left right)
  (let ((start 0) (end (length s)))
    (when left
      (loop while (and (< start end) (find (char s start) bag)) do (setq start (+ start 1))))
    (when right
      (loop while (and (> end start) (find (char s (- end 1)) bag)) do (setq end (- end 1))))
    (if (and (= start 0) (= end (length s))) s (subseq s start end))))

(defun string-trim (bag string) (string-trim-bounds bag (string string) t t))
(defun string-left-trim (bag string) (string-trim-bounds bag (string string) t nil))
(defun string-right-trim (bag string) (string-trim-bounds bag (string string) nil t))

(defun whitespace-char-p (c)
  (let ((code (char-code c)))
    (or (= code 32) (= code 9) (= code 10) (= code 13) (= code 12) (= code 11))))

(defun parse-integer (string &key (start 0) end (radix 10) junk-allowed)
  (let* ((end (or end (length string)))
         (i start) (sign 1) (value 0) (digits 0))
    (loop while (and (< i end) (whitespace-char-p (char string i))) do (setq i (+ i 1)))
    (when (< i end)
      (let ((c (char string i)))
        (cond ((char= c #\-) (setq sign -1 i (+ i 1)))
              ((char= c #\+) (setq i (+ i 1))))))
    (loop while (< i end)
          do (let ((w (digit-char-p (char string i) radix)))
               (unless w (return))
               ;; accumulate negatively so the most negative integer parses too
               (setq value (- (* value radix) w) digits (+ digits 1) i (+ i 1))))
    (let ((result (if (= sign 1) (- value) value)))
      (cond (junk-allowed (values (if (> digits 0) result nil) i))
            (t
             (loop while (and (< i end) (whitespace-char-p (char string i))) do (setq i (+ i 1)))
             (cond ((and (= digits 0) (every #'whitespace-char-p (subseq string start end)))
                    (error 'parse-error
                           :format-control "no non-whitespace characters in string ~S."
                           :format-arguments (list (subseq string start end))))
                   ((= digits 0)
                    (error 'parse-error :format-control "junk in string ~S"
                                        :format-arguments (list (subseq string start end))))
                   ((< i end)
                    (error 'parse-error :format-control "junk in string ~S"
                                        :format-arguments (list (subseq string start end))))
                   (t (values result i))))))))
