;;;; The printer: write, prin1, princ, print, pprint, write-to-string,
;;;; prin1-to-string, princ-to-string and the *print-...* variables, printing the
;;;; subset's data as SBCL does (`sbcl --script` prints with *print-pretty* true, so
;;;; (quote x) and (function x) print as 'x and #'x). Integers in any *print-base*,
;;;; characters (#\a, #\Newline, ...), strings with escapes, symbols with package
;;;; prefixes relative to *package* and |...| where the reader needs them, lists,
;;;; dotted lists, vectors #(...), structures #S(...), conditions (princ prints the
;;;; report), hash tables, streams, functions and packages (#<...>).
;;;; Line breaking at the right margin: pretty.lisp.

(in-package "WASMBOOT-RUNTIME")

(defvar *print-escape* t)
(defvar *print-pretty* t)
(defvar *print-base* 10)
(defvar *print-radix* nil)
(defvar *print-case* :upcase)
(defvar *print-gensym* t)
(defvar *print-readably* nil)
(defvar *print-length* nil)
(defvar *print-level* nil)
(defvar *print-circle* nil)
(defvar *print-right-margin* nil)
(defvar *print-lines* nil)
(defvar *print-array* t)
(defvar *print-miser-width* nil)

(defvar *digit-buffer* (make-string 72)
  "Scratch space for the digits of one integer (printing is not reentrant there).")

;;; Integers

(defun write-integer (n base stream)
  ;; digits of the negative magnitude, so the most negative integer prints too
  (let ((buffer *digit-buffer*) (i 72) (m (if (< n 0) n (- n))))
    (loop
      (multiple-value-bind (q r) (truncate m base)
        (setq i (- i 1))
        (setf (char buffer i) (digit-char (- r) base))
        (setq m q)
        (when (= m 0) (return))))
    (when (< n 0) (put-char #\- stream))
    (put-string buffer i 72 stream)
    n))

(defun write-radix-integer (n stream)
  (let ((base *print-base*))
    (when *print-radix*
      (cond ((= base 2) (write-string "#b" stream))
            ((= base 8) (write-string "#o" stream))
            ((= base 16) (write-string "#x" stream))
            ((/= base 10)
             (put-char #\# stream) (write-integer base 10 stream) (put-char #\r stream))))
    (write-integer n base stream)
    (when (and *print-radix* (= base 10)) (put-char #\. stream))))

;;; Characters and strings

(defun write-character (c stream)
  (if *print-escape*
      (progn
        (write-string "#\\" stream)
        (let ((code (char-code c)))
          ;; as SBCL: printable ASCII as itself, the others by name when they have one
          (if (or (and (> code 31) (< code 127)) (null (char-name c)))
              (put-char c stream)
              (write-string (char-name c) stream))))
      (put-char c stream)))

(defun write-string-object (s stream)
  (if *print-escape*
      (progn
        (put-char #\" stream)
        ;; runs without characters to escape go out in one piece
        (let ((run 0) (n (length s)))
          (dotimes (i n)
            (let ((c (char s i)))
              (when (or (char= c #\") (char= c #\\))
                (put-string s run i stream)
                (put-char #\\ stream)
                (setq run i))))
          (put-string s run n stream))
        (put-char #\" stream))
      (write-string s stream)))

;;; Symbols

(defun symbol-char-needs-escape-p (c)
  (let ((code (char-code c)))
    (or (< code 33) (= code 127)
        (char= c #\() (char= c #\)) (char= c #\') (char= c #\") (char= c #\;)
        (char= c #\`) (char= c #\,) (char= c #\|) (char= c #\\) (char= c #\:) (char= c #\#)
        (lower-case-p c))))

(defun potential-number-p (name)
  "CLHS 2.3.1.1 in base 10: digits, signs, ratio markers, dots, extension characters
and isolated letters (number markers); a digit; not starting with a letter or /;
not ending with a sign."
  (let ((n (length name)) (digit nil) (previous-letter nil))
    (and (> n 0)
         (let ((first (char name 0)))
           (or (digit-char-p first) (find first "+-.^_")))
         (not (find (char name (- n 1)) "+-"))
         (dotimes (i n t)
           (let ((c (char name i)))
             (cond ((digit-char-p c) (setq digit t previous-letter nil))
                   ((find c "+-/.^_") (setq previous-letter nil))
                   ((alpha-char-p c)
                    (when previous-letter (return nil))
                    (setq previous-letter t))
                   (t (return nil)))))
         digit)))

(defun symbol-name-needs-bars-p (name)
  (or (= (length name) 0)
      (every (lambda (c) (char= c #\.)) name)
      (some #'symbol-char-needs-escape-p name)
      (potential-number-p name)))

(defun write-symbol-name (name stream)
  (if (symbol-name-needs-bars-p name)
      (progn
        (put-char #\| stream)
        (dotimes (i (length name))
          (let ((c (char name i)))
            (when (or (char= c #\|) (char= c #\\)) (put-char #\\ stream))
            (put-char c stream)))
        (put-char #\| stream))
      (write-cased-name name stream)))

(defun write-cased-name (name stream)
  "NAME under *print-case*: upper-case letters as they are (:upcase), in lower case
(:downcase) or capitalized by words (:capitalize); other characters unchanged."
  (let ((case *print-case*))
    (if (eq case :upcase)
        (write-string name stream)
        (let ((word-start t))
          (dotimes (i (length name))
            (let ((c (char name i)))
              (put-char (cond ((not (upper-case-p c)) c)
                              ((eq case :downcase) (char-downcase c))
                              (word-start c)
                              (t (char-downcase c)))
                        stream)
              (setq word-start (not (alphanumericp c)))))))))

(defun symbol-accessible-p (symbol name)
  (multiple-value-bind (found status) (find-symbol name *package*)
    (and status (eq found symbol))))

(defun symbol-status (name package)
  (multiple-value-bind (symbol status) (find-symbol name package)
    (declare (ignore symbol))
    status))

(defun write-symbol (symbol stream)
  (let ((name (symbol-name symbol)))
    (if (not *print-escape*)
        (write-cased-name name stream)
        (let ((package (symbol-package symbol)))
          (cond ((null package) (when *print-gensym* (write-string "#:" stream)))
                ((keywordp symbol) (put-char #\: stream))
                ((symbol-accessible-p symbol name))
                (t (write-symbol-name (package-name package) stream)
                   (if (eq (symbol-status name package) :external)
                       (put-char #\: stream)
                       (write-string "::" stream))))
          (write-symbol-name name stream)))
    symbol))

;;; Conses and vectors

(defun abbreviation-prefix (list)
  "\"'\" or \"#'\" when LIST is (quote x) or (function x) and printing is pretty."
  (when (and *print-pretty* (symbolp (car list)) (consp (cdr list)) (null (cddr list)))
    (cond ((eq (car list) 'quote) "'")
          ((eq (car list) 'function) "#'")
          (t nil))))

(defun write-list (list stream depth)
  (let ((prefix (abbreviation-prefix list)))
    (if prefix
        (progn (write-string prefix stream)
               (output-object (cadr list) stream depth))
        (progn
          (put-char #\( stream)
          (let ((count 0) (whole list))
            (loop
              (when (and *print-length* (>= count *print-length*))
                (write-string "..." stream)
                (return))
              (if (and (null (car list)) *print-pretty* (empty-list-position-p whole count))
                  (write-string "()" stream)
                  (output-object (car list) stream (+ depth 1)))
              (setq count (+ count 1))
              (setq list (cdr list))
              (cond ((null list) (return))
                    ((atom list)
                     (write-string " . " stream)
                     (output-object list stream (+ depth 1))
                     (return))
                    (t (put-char #\Space stream)))))
          (put-char #\) stream)))))

(defun write-vector (vector stream depth)
  (write-string "#(" stream)
  (let ((n (length vector)))
    (dotimes (i n)
      (when (> i 0) (put-char #\Space stream))
      (when (and *print-length* (>= i *print-length*))
        (write-string "..." stream)
        (return))
      (output-object (aref vector i) stream (+ depth 1))))
  (put-char #\) stream))

;;; Structures and other objects

(defun write-structure (object stream depth)
  (when (and *print-pretty* (not *pp-flat*))
    (return-from write-structure (pp-object object stream depth 0)))
  (let ((name (%struct-name object)))
    (write-string "#S(" stream)
    (let ((*print-escape* t)) (write-symbol name stream))
    (let ((index 0))
      (dolist (slot (%struct-slot-names name))
        (put-char #\Space stream)
        (put-char #\: stream)
        (write-symbol-name (symbol-name slot) stream)
        (put-char #\Space stream)
        (output-object (%struct-slot-value object index) stream (+ depth 1))
        (setq index (+ index 1))))
    (put-char #\) stream)))

(defun write-unreadable (stream &rest parts)
  (write-string "#<" stream)
  (let ((*print-escape* t) (first t))
    (dolist (p parts)
      (unless first (put-char #\Space stream))
      (setq first nil)
      (if (stringp p) (write-string p stream) (output-object p stream 0))))
  (put-char #\> stream))

(defun output-object (object stream depth)
  "Print OBJECT on the stream object STREAM under the current *print-...* values."
  (cond ((and *pp-flat* (consp object) (eq stream *measure-stream*) (mandatory-layout-p object))
         ;; measuring a form that SBCL always lays out on several lines
         (throw 'measure-overflow nil))
        ((and *print-level* (>= depth *print-level*)
              (or (consp object) (and (vectorp object) (not (stringp object)))))
         ;; deeper than *print-level*: DEPTH counts the enclosing lists and vectors
         (put-char #\# stream))
        ((and *print-pretty* (not *pp-flat*)
              (or (consp object) (and (vectorp object) (not (stringp object)))))
         (pp-object object stream depth 0))
        ((integerp object) (write-radix-integer object stream))
        ((symbolp object) (write-symbol object stream))
        ((consp object) (write-list object stream depth))
        ((characterp object) (write-character object stream))
        ((stringp object) (write-string-object object stream))
        ((vectorp object) (write-vector object stream depth))
        ((functionp object) (write-string "#<FUNCTION>" stream))
        ((hash-table-p object)
         (write-unreadable stream "HASH-TABLE" :test (hash-table-test object)
                           :count (hash-table-count object)))
        ((streamp object) (write-unreadable stream "STREAM"))
        ((condition-p object)
         (if *print-escape*
             (write-unreadable stream (symbol-name (%struct-name object)))
             (report-condition object stream)))
        ((%struct-name object) (write-structure object stream depth))
        ((packagep object)
         (write-string "#<PACKAGE " stream)
         (let ((*print-escape* t)) (write-string-object (package-name object) stream))
         (put-char #\> stream))
        (t (write-string "#<OBJECT>" stream)))
  object)

;;; Entry points

(defun write (object &key (stream nil) (escape *print-escape*) (pretty *print-pretty*)
                          (base *print-base*) (radix *print-radix*) (length *print-length*)
                          (level *print-level*) (readably *print-readably*)
                          (gensym *print-gensym*) (case *print-case*) circle array lines
                          right-margin)
  (declare (ignore circle array lines right-margin))
  (let ((*print-escape* escape) (*print-pretty* pretty) (*print-base* base)
        (*print-radix* radix) (*print-length* length) (*print-level* level)
        (*print-readably* readably) (*print-gensym* gensym) (*print-case* case))
    (output-object object (output-stream stream) 0)))

(defun prin1 (object &optional stream)
  (let ((*print-escape* t))
    (output-object object (output-stream stream) 0)))

(defun princ (object &optional stream)
  (let ((*print-escape* nil) (*print-readably* nil))
    (output-object object (output-stream stream) 0)))

(defun print (object &optional stream)
  (let ((stream (output-stream stream)))
    (put-char #\Newline stream)
    (prin1 object stream)
    (put-char #\Space stream)
    object))

(defun pprint (object &optional stream)
  (let ((stream (output-stream stream)))
    (put-char #\Newline stream)
    (let ((*print-pretty* t)) (prin1 object stream))
    (values)))

(defun write-to-string (object &rest keys)
  (let ((s (make-string-output-stream)))
    (apply #'write object :stream s keys)
    (get-output-stream-string s)))

(defun prin1-to-string (object)
  (let ((s (make-string-output-stream)))
    (prin1 object s)
    (get-output-stream-string s)))

(defun princ-to-string (object)
  (let ((s (make-string-output-stream)))
    (princ object s)
    (get-output-stream-string s)))
