;;;; Characters: comparisons (char= char< ... char-equal), case (char-upcase,
;;;; char-downcase, upper-case-p, lower-case-p, both-case-p), classes (alpha-char-p,
;;;; alphanumericp, digit-char-p, graphic-char-p), digit-char, char-name, name-char
;;;; (names as SBCL's for codes 0-255).
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

(defvar *ascii-char-names*
  (vector
    "EXCLAMATION_MARK" "QUOTATION_MARK" "NUMBER_SIGN" "DOLLAR_SIGN"
    "PERCENT_SIGN" "AMPERSAND" "APOSTROPHE" "LEFT_PARENTHESIS"
    "RIGHT_PARENTHESIS" "ASTERISK" "PLUS_SIGN" "COMMA"
    "HYPHEN-MINUS" "FULL_STOP" "SOLIDUS" "DIGIT_ZERO"
    "DIGIT_ONE" "DIGIT_TWO" "DIGIT_THREE" "DIGIT_FOUR"
    "DIGIT_FIVE" "DIGIT_SIX" "DIGIT_SEVEN" "DIGIT_EIGHT"
    "DIGIT_NINE" "COLON" "SEMICOLON" "LESS-THAN_SIGN"
    "EQUALS_SIGN" "GREATER-THAN_SIGN" "QUESTION_MARK" "COMMERCIAL_AT"
    "LATIN_CAPITAL_LETTER_A" "LATIN_CAPITAL_LETTER_B" "LATIN_CAPITAL_LETTER_C" "LATIN_CAPITAL_LETTER_D"
    "LATIN_CAPITAL_LETTER_E" "LATIN_CAPITAL_LETTER_F" "LATIN_CAPITAL_LETTER_G" "LATIN_CAPITAL_LETTER_H"
    "LATIN_CAPITAL_LETTER_I" "LATIN_CAPITAL_LETTER_J" "LATIN_CAPITAL_LETTER_K" "LATIN_CAPITAL_LETTER_L"
    "LATIN_CAPITAL_LETTER_M" "LATIN_CAPITAL_LETTER_N" "LATIN_CAPITAL_LETTER_O" "LATIN_CAPITAL_LETTER_P"
    "LATIN_CAPITAL_LETTER_Q" "LATIN_CAPITAL_LETTER_R" "LATIN_CAPITAL_LETTER_S" "LATIN_CAPITAL_LETTER_T"
    "LATIN_CAPITAL_LETTER_U" "LATIN_CAPITAL_LETTER_V" "LATIN_CAPITAL_LETTER_W" "LATIN_CAPITAL_LETTER_X"
    "LATIN_CAPITAL_LETTER_Y" "LATIN_CAPITAL_LETTER_Z" "LEFT_SQUARE_BRACKET" "REVERSE_SOLIDUS"
    "RIGHT_SQUARE_BRACKET" "CIRCUMFLEX_ACCENT" "LOW_LINE" "GRAVE_ACCENT"
    "LATIN_SMALL_LETTER_A" "LATIN_SMALL_LETTER_B" "LATIN_SMALL_LETTER_C" "LATIN_SMALL_LETTER_D"
    "LATIN_SMALL_LETTER_E" "LATIN_SMALL_LETTER_F" "LATIN_SMALL_LETTER_G" "LATIN_SMALL_LETTER_H"
    "LATIN_SMALL_LETTER_I" "LATIN_SMALL_LETTER_J" "LATIN_SMALL_LETTER_K" "LATIN_SMALL_LETTER_L"
    "LATIN_SMALL_LETTER_M" "LATIN_SMALL_LETTER_N" "LATIN_SMALL_LETTER_O" "LATIN_SMALL_LETTER_P"
    "LATIN_SMALL_LETTER_Q" "LATIN_SMALL_LETTER_R" "LATIN_SMALL_LETTER_S" "LATIN_SMALL_LETTER_T"
    "LATIN_SMALL_LETTER_U" "LATIN_SMALL_LETTER_V" "LATIN_SMALL_LETTER_W" "LATIN_SMALL_LETTER_X"
    "LATIN_SMALL_LETTER_Y" "LATIN_SMALL_LETTER_Z" "LEFT_CURLY_BRACKET" "VERTICAL_LINE"
    "RIGHT_CURLY_BRACKET" "TILDE")
  "The names of the printable characters 33-126, as Unicode (and SBCL) names them.")

(defvar *latin-1-char-names*
  (vector
    "C80" "C81" "Break-Permitted"
    "No-Break-Permitted" "C84" "Next-Line"
    "Start-Selected-Area" "End-Selected-Area" "Character-Tabulation-Set"
    "Character-Tabulation-With-Justification" "Line-Tabulation-Set" "Partial-Line-Forward"
    "Partial-Line-Backward" "Reverse-Linefeed" "Single-Shift-Two"
    "Single-Shift-Three" "Device-Control-String" "Private-Use-One"
    "Private-Use-Two" "Set-Transmit-State" "Cancel-Character"
    "Message-Waiting" "Start-Guarded-Area" "End-Guarded-Area"
    "Start-String" "C99" "Single-Character-Introducer"
    "Control-Sequence-Introducer" "String-Terminator" "Operating-System-Command"
    "Privacy-Message" "Application-Program-Command" "NO-BREAK_SPACE"
    "INVERTED_EXCLAMATION_MARK" "CENT_SIGN" "POUND_SIGN"
    "CURRENCY_SIGN" "YEN_SIGN" "BROKEN_BAR"
    "SECTION_SIGN" "DIAERESIS" "COPYRIGHT_SIGN"
    "FEMININE_ORDINAL_INDICATOR" "LEFT-POINTING_DOUBLE_ANGLE_QUOTATION_MARK" "NOT_SIGN"
    "SOFT_HYPHEN" "REGISTERED_SIGN" "MACRON"
    "DEGREE_SIGN" "PLUS-MINUS_SIGN" "SUPERSCRIPT_TWO"
    "SUPERSCRIPT_THREE" "ACUTE_ACCENT" "MICRO_SIGN"
    "PILCROW_SIGN" "MIDDLE_DOT" "CEDILLA"
    "SUPERSCRIPT_ONE" "MASCULINE_ORDINAL_INDICATOR" "RIGHT-POINTING_DOUBLE_ANGLE_QUOTATION_MARK"
    "VULGAR_FRACTION_ONE_QUARTER" "VULGAR_FRACTION_ONE_HALF" "VULGAR_FRACTION_THREE_QUARTERS"
    "INVERTED_QUESTION_MARK" "LATIN_CAPITAL_LETTER_A_WITH_GRAVE" "LATIN_CAPITAL_LETTER_A_WITH_ACUTE"
    "LATIN_CAPITAL_LETTER_A_WITH_CIRCUMFLEX" "LATIN_CAPITAL_LETTER_A_WITH_TILDE" "LATIN_CAPITAL_LETTER_A_WITH_DIAERESIS"
    "LATIN_CAPITAL_LETTER_A_WITH_RING_ABOVE" "LATIN_CAPITAL_LETTER_AE" "LATIN_CAPITAL_LETTER_C_WITH_CEDILLA"
    "LATIN_CAPITAL_LETTER_E_WITH_GRAVE" "LATIN_CAPITAL_LETTER_E_WITH_ACUTE" "LATIN_CAPITAL_LETTER_E_WITH_CIRCUMFLEX"
    "LATIN_CAPITAL_LETTER_E_WITH_DIAERESIS" "LATIN_CAPITAL_LETTER_I_WITH_GRAVE" "LATIN_CAPITAL_LETTER_I_WITH_ACUTE"
    "LATIN_CAPITAL_LETTER_I_WITH_CIRCUMFLEX" "LATIN_CAPITAL_LETTER_I_WITH_DIAERESIS" "LATIN_CAPITAL_LETTER_ETH"
    "LATIN_CAPITAL_LETTER_N_WITH_TILDE" "LATIN_CAPITAL_LETTER_O_WITH_GRAVE" "LATIN_CAPITAL_LETTER_O_WITH_ACUTE"
    "LATIN_CAPITAL_LETTER_O_WITH_CIRCUMFLEX" "LATIN_CAPITAL_LETTER_O_WITH_TILDE" "LATIN_CAPITAL_LETTER_O_WITH_DIAERESIS"
    "MULTIPLICATION_SIGN" "LATIN_CAPITAL_LETTER_O_WITH_STROKE" "LATIN_CAPITAL_LETTER_U_WITH_GRAVE"
    "LATIN_CAPITAL_LETTER_U_WITH_ACUTE" "LATIN_CAPITAL_LETTER_U_WITH_CIRCUMFLEX" "LATIN_CAPITAL_LETTER_U_WITH_DIAERESIS"
    "LATIN_CAPITAL_LETTER_Y_WITH_ACUTE" "LATIN_CAPITAL_LETTER_THORN" "LATIN_SMALL_LETTER_SHARP_S"
    "LATIN_SMALL_LETTER_A_WITH_GRAVE" "LATIN_SMALL_LETTER_A_WITH_ACUTE" "LATIN_SMALL_LETTER_A_WITH_CIRCUMFLEX"
    "LATIN_SMALL_LETTER_A_WITH_TILDE" "LATIN_SMALL_LETTER_A_WITH_DIAERESIS" "LATIN_SMALL_LETTER_A_WITH_RING_ABOVE"
    "LATIN_SMALL_LETTER_AE" "LATIN_SMALL_LETTER_C_WITH_CEDILLA" "LATIN_SMALL_LETTER_E_WITH_GRAVE"
    "LATIN_SMALL_LETTER_E_WITH_ACUTE" "LATIN_SMALL_LETTER_E_WITH_CIRCUMFLEX" "LATIN_SMALL_LETTER_E_WITH_DIAERESIS"
    "LATIN_SMALL_LETTER_I_WITH_GRAVE" "LATIN_SMALL_LETTER_I_WITH_ACUTE" "LATIN_SMALL_LETTER_I_WITH_CIRCUMFLEX"
    "LATIN_SMALL_LETTER_I_WITH_DIAERESIS" "LATIN_SMALL_LETTER_ETH" "LATIN_SMALL_LETTER_N_WITH_TILDE"
    "LATIN_SMALL_LETTER_O_WITH_GRAVE" "LATIN_SMALL_LETTER_O_WITH_ACUTE" "LATIN_SMALL_LETTER_O_WITH_CIRCUMFLEX"
    "LATIN_SMALL_LETTER_O_WITH_TILDE" "LATIN_SMALL_LETTER_O_WITH_DIAERESIS" "DIVISION_SIGN"
    "LATIN_SMALL_LETTER_O_WITH_STROKE" "LATIN_SMALL_LETTER_U_WITH_GRAVE" "LATIN_SMALL_LETTER_U_WITH_ACUTE"
    "LATIN_SMALL_LETTER_U_WITH_CIRCUMFLEX" "LATIN_SMALL_LETTER_U_WITH_DIAERESIS" "LATIN_SMALL_LETTER_Y_WITH_ACUTE"
    "LATIN_SMALL_LETTER_THORN" "LATIN_SMALL_LETTER_Y_WITH_DIAERESIS")
  "The names of the characters 128-255, as Unicode (and SBCL) names them.")

(defun char-name (c)
  (let ((code (char-code c)))
    (cond ((< code 32) (aref *char-names* code))
          ((= code 32) "Space")
          ((< code 127) (aref *ascii-char-names* (- code 33)))
          ((= code 127) "Rubout")
          ((and (>= code 128) (< code 256)) (aref *latin-1-char-names* (- code 128)))
          (t nil))))

(defun name-char (name)
  (let ((name (string name)))
    (cond ((string-equal name "Space") #\Space)
          ((string-equal name "Rubout") (code-char 127))
          ((string-equal name "Linefeed") (code-char 10))
          (t (let ((i (position name *char-names* :test #'string-equal)))
               (if i
                   (code-char i)
                   (let ((j (position name *latin-1-char-names* :test #'string-equal))
                         (k (position name *ascii-char-names* :test #'string-equal)))
                     (cond (j (code-char (+ j 128)))
                           (k (code-char (+ k 33)))
                           (t nil)))))))))

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
