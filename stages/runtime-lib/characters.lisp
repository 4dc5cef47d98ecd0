;;;; Characters: comparisons (char= char< ... char-equal), case (char-upcase,
;;;; char-downcase, upper-case-p, lower-case-p, both-case-p), classes (alpha-char-p,
;;;; alphanumericp, digit-char-p, graphic-char-p), digit-char, char-name, name-char.
;;;; char-code, code-char and characterp are open-coded by the compiler. Case mapping
;;;; covers ASCII, Latin-1, Greek and Cyrillic.

(in-package "WASMBOOT-RUNTIME")

(defun upcase-code (code)
  (cond ((< code 97) code)
        ((<= code 122) (- code 32))
        ((< code 224) code)
        ((<= code 254) (if (= code 247) code (- code 32)))
        ((= code 255) 376)
        ((and (>= code 945) (<= code 969) (/= code 962)) (- code 32))
        ((and (>= code 1072) (<= code 1103)) (- code 32))
        ((and (>= code 1104) (<= code 1119)) (- code 80))
        (t code)))

(defun downcase-code (code)
  (cond ((< code 65) code)
        ((<= code 90) (+ code 32))
        ((< code 192) code)
        ((<= code 222) (if (= code 215) code (+ code 32)))
        ((= code 376) 255)
        ((and (>= code 913) (<= code 937) (/= code 930)) (+ code 32))
        ((and (>= code 1040) (<= code 1071)) (+ code 32))
        ((and (>= code 1024) (<= code 1039)) (+ code 80))
        (t code)))

(defun char-upcase (c) (code-char (upcase-code (char-code c))))
(defun char-downcase (c) (code-char (downcase-code (char-code c))))
(defun upper-case-p (c) (let ((code (char-code c))) (/= code (downcase-code code))))
(defun lower-case-p (c) (let ((code (char-code c))) (/= code (upcase-code code))))
(defun both-case-p (c) (or (upper-case-p c) (lower-case-p c)))

(defun alpha-char-p (c)
  (let ((code (char-code c)))
    (cond ((< code 65) nil)
          ((<= code 90) t)
          ((< code 97) nil)
          ((<= code 122) t)
          ((< code 170) nil)
          ((or (= code 170) (= code 181) (= code 186)) t)
          ((< code 192) nil)
          ((or (= code 215) (= code 247)) nil)
          ((<= code 591) t)
          ((and (>= code 880) (<= code 1327))        ; Greek and Cyrillic
           (not (member code '(884 885 894 900 901 903 1014 1154 1155 1156 1157 1158 1159 1160 1161))))
          (t (or (both-case-p c)
                 (and (>= code #x3040) (<= code #x30ff))     ; kana
                 (and (>= code #x4e00) (<= code #x9fff))     ; CJK ideographs
                 (and (>= code #xac00) (<= code #xd7a3))))))) ; Hangul

(defun digit-char-p (c &optional (radix 10))
  (let* ((code (char-code c))
         (weight (cond ((and (>= code 48) (<= code 57)) (- code 48))
                       ((and (>= code 65) (<= code 90)) (- code 55))
                       ((and (>= code 97) (<= code 122)) (- code 87))
                       (t nil))))
    (and weight (< weight radix) weight)))

(defun alphanumericp (c) (or (alpha-char-p c) (not (null (digit-char-p c)))))

(defun graphic-char-p (c)
  (let ((code (char-code c)))
    (or (and (>= code 32) (< code 127)) (>= code 160))))

(defun digit-char (weight &optional (radix 10))
  (cond ((or (< weight 0) (>= weight radix)) nil)
        ((< weight 10) (code-char (+ 48 weight)))
        (t (code-char (+ 55 weight)))))

(defvar *char-names*
  (vector "Nul" "Soh" "Stx" "Etx" "Eot" "Enq" "Ack" "Bel" "Backspace" "Tab" "Newline" "Vt"
          "Page" "Return" "So" "Si" "Dle" "Dc1" "Dc2" "Dc3" "Dc4" "Nak" "Syn" "Etb" "Can"
          "Em" "Sub" "Esc" "Fs" "Gs" "Rs" "Us")
  "SBCL's names of the control characters 0-31.")

(defun char-name (c)
  (let ((code (char-code c)))
    (cond ((< code 32) (aref *char-names* code))
          ((= code 32) "Space")
          ((= code 127) "Rubout")
          ((and (>= code 128) (< code 160))
           (format nil "C~X" code))
          (t nil))))

(defun name-char (name)
  (let ((name (string name)))
    (cond ((string-equal name "Space") #\Space)
          ((string-equal name "Rubout") (code-char 127))
          ((string-equal name "Linefeed") (code-char 10))
          (t (let ((i (position name *char-names* :test #'string-equal)))
               (and i (code-char i)))))))

;;; Comparisons: two-argument fast paths, then the general n-ary case.

(defun char-compare-chain (chars test)
  (loop for (a b) on chars while b
        always (funcall test (char-code a) (char-code b))))

(defun char= (c &rest more)
  (if (and more (null (cdr more)))
      (eql c (car more))
      (char-compare-chain (cons c more) #'=)))

(defun char/= (c &rest more)
  (let ((all (cons c more)))
    (loop for tail on all
          never (member (car tail) (cdr tail)))))

(defun char< (c &rest more) (char-compare-chain (cons c more) #'<))
(defun char> (c &rest more) (char-compare-chain (cons c more) #'>))
(defun char<= (c &rest more) (char-compare-chain (cons c more) #'<=))
(defun char>= (c &rest more) (char-compare-chain (cons c more) #'>=))

(defun fold-char (c) (char-code (char-upcase c)))

(defun char-equal (c &rest more)
  (let ((code (fold-char c)))
    (dolist (d more t) (unless (= code (fold-char d)) (return nil)))))

(defun char-not-equal (c &rest more)
  (let ((all (cons c more)))
    (loop for tail on all
          never (member (car tail) (cdr tail) :test #'char-equal))))

(defun char-lessp (c &rest more)
  (loop for (a b) on (cons c more) while b always (< (fold-char a) (fold-char b))))
(defun char-greaterp (c &rest more)
  (loop for (a b) on (cons c more) while b always (> (fold-char a) (fold-char b))))
