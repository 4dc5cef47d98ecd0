;;;; The pretty printer's line breaking, as SBCL does it for data when *print-pretty*
;;;; is true: a list or vector that does not fit before the right margin (80) is laid
;;;; out in fill style (as many elements per line as fit, continuation lines indented
;;;; under the first element, a break after any element that itself took several
;;;; lines; miser style, one element per line, only if *print-miser-width* is set: SBCL
;;;; scripts run with it nil), and a
;;;; list headed by a function name indents its continuation lines under its first
;;;; argument. Lists headed by special operators and macros (code) are printed as data.
;;;; Widths are measured by printing flat into a counting stream that stops at the
;;;; margin, so nothing is allocated and nothing is measured past 80 columns.

(in-package "WASMBOOT-RUNTIME")

(defvar *pp-flat* nil "True while printing without line breaks (inside measuring).")
(defvar *pp-breaks* 0 "Line breaks made by the pretty printer so far.")
(defvar *measure-stream* (%make-stream :kind :measure))

(defun pp-line-length ()
  "The last usable column plus one: SBCL fills lines to at most margin - 1 characters."
  (- (or *print-right-margin* 80) 1))

(defun flat-width (object limit)
  "The width of OBJECT printed flat, or LIMIT + 1 when it is wider than LIMIT."
  (let ((m *measure-stream*))
    (setf (stream-fill m) 0)
    (setf (stream-end m) limit)
    (catch 'measure-overflow
      (let ((*pp-flat* t))
        (output-object object m 0))
      (return-from flat-width (stream-fill m)))
    (+ limit 1)))

(defun pp-newline (stream indent)
  (put-char #\Newline stream)
  (dotimes (i indent) (put-char #\Space stream))
  (setq *pp-breaks* (+ *pp-breaks* 1)))

(defun pretty-candidate-p (object)
  "True for the objects whose layout the pretty printer decides."
  (and *print-pretty* (not *pp-flat*)
       (or (consp object) (and (vectorp object) (not (stringp object))))
       (not (and *print-level* (> 0 *print-level*)))))

(defvar *cl-operator-names*
  '("BLOCK" "CATCH" "EVAL-WHEN" "FLET" "FUNCTION" "GO" "IF" "LABELS" "LET" "LET*"
    "LOAD-TIME-VALUE" "LOCALLY" "MACROLET" "MULTIPLE-VALUE-CALL" "MULTIPLE-VALUE-PROG1"
    "PROGN" "PROGV" "QUOTE" "RETURN-FROM" "SETQ" "SYMBOL-MACROLET" "TAGBODY" "THE" "THROW"
    "UNWIND-PROTECT" "AND" "ASSERT" "CASE" "CCASE" "CHECK-TYPE" "COND" "DECF" "DECLAIM"
    "DEFCONSTANT" "DEFINE-CONDITION" "DEFMACRO" "DEFPACKAGE" "DEFPARAMETER" "DEFSTRUCT"
    "DEFUN" "DEFVAR" "DESTRUCTURING-BIND" "DO" "DO*" "DOLIST" "DOTIMES" "ECASE" "ETYPECASE"
    "HANDLER-CASE" "IGNORE-ERRORS" "IN-PACKAGE" "INCF" "LAMBDA" "LOOP" "MULTIPLE-VALUE-BIND"
    "MULTIPLE-VALUE-LIST" "MULTIPLE-VALUE-SETQ" "NTH-VALUE" "OR" "POP" "PROG1" "PROG2"
    "PSETQ" "PUSH" "PUSHNEW" "RETURN" "SETF" "TYPECASE" "UNLESS" "WHEN"
    "WITH-INPUT-FROM-STRING" "WITH-OPEN-FILE" "WITH-OUTPUT-TO-STRING")
  "COMMON-LISP special operators and macros: heads of code, not of function calls.")

(defun function-call-head-p (list)
  "True when LIST starts with the name of a function (not a CL operator or macro)."
  (let ((head (car list)))
    (and (symbolp head) head (not (keywordp head)) (fboundp head)
         (not (and (eq (symbol-package head) (find-package "COMMON-LISP"))
                   (member (symbol-name head) *cl-operator-names* :test #'string=))))))

(defun pp-object (object stream depth suffix)
  "Print OBJECT, breaking lines where SBCL would. SUFFIX: the width of the closing
brackets that follow OBJECT directly."
  (let ((room (- (pp-line-length) (stream-column stream) suffix)))
    (if (<= (flat-width object room) room)
        (let ((*pp-flat* t)) (output-object object stream depth))
        (if (consp object)
            (pp-list object stream depth suffix)
            (pp-elements (map 'list #'identity object) "#(" stream depth suffix nil)))))

(defun pp-list (list stream depth suffix)
  ;; a dotted tail or a quote form is printed flat, as one unit
  (let ((prefix (abbreviation-prefix list)))
    (cond (prefix
           (write-string prefix stream)
           (pp-object (cadr list) stream depth suffix))
          ((not (null (cdr (last list))))
           (let ((*pp-flat* t)) (output-object list stream depth)))
          (t (pp-elements list "(" stream depth suffix (function-call-head-p list))))))

(defun pp-element (x stream depth suffix)
  (if (pretty-candidate-p x)
      (pp-object x stream (+ depth 1) suffix)
      (output-object x stream (+ depth 1))))

(defun pp-elements (elements prefix stream depth suffix call-p)
  "The logical block PREFIX elements... ) in fill style."
  (write-string prefix stream)
  (let* ((start (stream-column stream))
         (indent start)
         (miser (and *print-miser-width* (<= (- (pp-line-length) start) *print-miser-width*)))
         (previous-broke nil)
         (count 0))
    (loop
      (when (null elements) (return))
      (let* ((x (car elements))
             (last (null (cdr elements)))
             (x-suffix (if last (+ suffix 1) 0)))
        (when (and *print-length* (>= count *print-length*))
          (write-string (if (= count 0) "..." " ...") stream)
          (return))
        (when (> count 0)
          (let ((room (- (pp-line-length) (stream-column stream) 1 x-suffix)))
            (if (or miser previous-broke (> (flat-width x room) room))
                (pp-newline stream indent)
                (put-char #\Space stream))))
        (let ((before *pp-breaks*))
          (pp-element x stream depth x-suffix)
          (setq previous-broke (/= before *pp-breaks*)))
        (when (and call-p (= count 0) (not miser))
          ;; continuation lines of a function call go under its first argument
          (setq indent (+ (stream-column stream) 1)))
        (setq count (+ count 1))
        (setq elements (cdr elements)))))
  (put-char #\) stream))
