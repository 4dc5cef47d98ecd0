;;;; The pretty printer's line breaking, as SBCL does it when *print-pretty* is true.
;;;; A list, vector or structure that does not fit before the right margin (80) is
;;;; laid out: data in fill style (as many elements per line as fit, continuation lines
;;;; under the first element, a break after any element that itself took several
;;;; lines; miser style only when *print-miser-width* is set, and SBCL scripts run with
;;;; it nil); a list headed by a function name with continuation lines under its first
;;;; argument; forms of code (if, let, defun, when, cond, loop ...) in SBCL's layouts
;;;; for them, mandatory line breaks included (the "code layouts" below); structures
;;;; one slot per line. Widths are measured by printing flat into a counting stream
;;;; that stops at the margin, so measuring allocates nothing and never goes past it.

(in-package "WASMBOOT-RUNTIME")

(defvar *pp-flat* nil "True while printing without line breaks (inside measuring).")
(defvar *pp-breaks* 0 "Line breaks made by the pretty printer so far.")
(defvar *measure-stream* (%make-stream :kind :measure))
(defvar *common-lisp-package* (find-package "COMMON-LISP"))

(defun pp-line-length ()
  (or *print-right-margin* 80))

(defun flat-width (object limit &optional (depth 0))
  "The width of OBJECT printed flat (at DEPTH, for *print-level*), or LIMIT + 1 when it
is wider than LIMIT."
  (let ((m *measure-stream*))
    (setf (stream-fill m) 0)
    (setf (stream-end m) limit)
    (catch 'measure-overflow
      (let ((*pp-flat* t))
        (output-object object m depth))
      (return-from flat-width (stream-fill m)))
    (+ limit 1)))

(defun pp-newline (stream indent)
  ;; as SBCL, no blanks at the end of a broken line
  (trim-trailing-spaces stream)
  (put-char #\Newline stream)
  (dotimes (i indent) (put-char #\Space stream))
  (setq *pp-breaks* (+ *pp-breaks* 1)))

(defun pretty-candidate-p (object)
  "True for the objects whose layout the pretty printer decides."
  (and *print-pretty* (not *pp-flat*)
       (or (consp object) (and (vectorp object) (not (stringp object)))
           (and (not (functionp object)) (not (symbolp object)) (not (characterp object))
                (not (integerp object)) (plain-structure-p object)))))

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
  "COMMON-LISP special operators and macros. SBCL lays out those it has no layout for
as function calls (they are fboundp there); they may not be fboundp in compiled code.")

(defun cl-operator-p (symbol)
  (and (eq (symbol-package symbol) *common-lisp-package*)
       (member (symbol-name symbol) *cl-operator-names* :test #'string=)))

(defun function-call-head-p (list)
  "True when LIST starts with the name of a function, macro or special operator (SBCL
lays such calls out with continuation lines under the first argument)."
  (let ((head (car list)))
    (and (symbolp head) head (not (keywordp head))
         (or (fboundp head) (cl-operator-p head)))))

(defun pp-object (object stream depth suffix)
  "Print OBJECT, breaking lines where SBCL would. SUFFIX: the width of the closing
brackets that follow OBJECT directly."
  (let ((room (- (pp-line-length) (stream-column stream) suffix)))
    (if (<= (flat-width object room depth) room)
        (let ((*pp-flat* t)) (output-object object stream depth))
        (cond ((consp object) (pp-list object stream depth suffix))
              ((vectorp object)
               (pp-elements (map 'list #'identity object) "#(" stream depth suffix nil))
              (t (pp-structure object stream depth suffix))))))

(defun plain-structure-p (object)
  "A structure printed as #S(...) (not a condition, hash table or stream)."
  (and (%struct-name object) (not (condition-p object)) (not (hash-table-p object))
       (not (streamp object))))

(defun pp-structure (object stream depth suffix)
  "#S(NAME :SLOT value ...): one slot per line when it does not fit, as SBCL."
  (let* ((name (%struct-name object))
         (s (make-string-output-stream))
         (entries '())
         (index 0))
    (let ((*print-escape* t) (*pp-flat* t)) (write-symbol name s))
    (push (list :text (get-output-stream-string s)) entries)
    (dolist (slot (%struct-slot-names name))
      (push (list :b :linear) entries)
      (push (list :text (concatenate 'string ":" (symbol-name slot))) entries)
      (push (list :sp) entries)
      (push (list :o (%struct-slot-value object index)) entries)
      (setq index (+ index 1)))
    (pp-run-block stream (nreverse entries) object depth suffix "#S(")))

(defun pp-list (list stream depth suffix)
  (let ((prefix (abbreviation-prefix list)))
    (if prefix
        ;; 'x and #'x
        (progn (write-string prefix stream)
               (pp-object (cadr list) stream depth suffix))
        (let ((layout (code-layout-entries list)))
          (if layout
              (pp-run-block stream layout list depth suffix)
              (pp-elements list "(" stream depth suffix (function-call-head-p list)))))))

(defun pp-element (x stream depth suffix)
  "An element of a block at DEPTH."
  (if (and (pretty-candidate-p x)
           (not (and *print-level* (>= (+ depth 1) *print-level*))))
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
      (when (atom elements)
        ;; the tail of a dotted list: a last section ". tail"
        (let ((room (- (pp-line-length) (stream-column stream) 3 (+ suffix 1))))
          (if (or miser previous-broke (> (flat-width elements room (+ depth 1)) room))
              (pp-newline stream indent)
              (put-char #\Space stream))
          (write-string ". " stream)
          (pp-element elements stream depth (+ suffix 1))
          (return)))
      (let* ((x (car elements))
             (last (null (cdr elements)))
             ;; what follows the element up to the next possible break: the closing
             ;; brackets after the last one, the separating space after the others
             (x-suffix (if last (+ suffix 1) 1)))
        (when (and *print-length* (>= count *print-length*))
          ;; "..." is one more section
          (when (> count 0)
            (if (or miser previous-broke
                    (> (+ (stream-column stream) 4 suffix 1) (pp-line-length)))
                (pp-newline stream indent)
                (put-char #\Space stream)))
          (write-string "..." stream)
          (return))
        (when (> count 0)
          ;; the section after the break: the element and the space after it, or the
          ;; closing brackets after the last element
          (let ((room (- (pp-line-length) (stream-column stream) 1 x-suffix)))
            (if (or miser previous-broke (> (flat-width x room (+ depth 1)) room))
                (pp-newline stream indent)
                (put-char #\Space stream))))
        (when (and call-p (= count 1) (not miser))
          ;; continuation lines of a function call go under its first argument
          (setq indent (stream-column stream)))
        (let ((before *pp-breaks*))
          (pp-element x stream depth x-suffix)
          (setq previous-broke (/= before *pp-breaks*)))
        (setq count (+ count 1))
        (setq elements (cdr elements)))))
  (put-char #\) stream))
;;; Code layouts. A layout is a list of entries, as SBCL's pprint formatters write them:
;;;   (:o x)        print x (laid out in turn)       (:sp)     a space
;;;   (:b kind)     a space, or a line break when kind :fill / :linear / :mandatory says so
;;;   (:ib n)       indent continuation lines n columns past the block's start
;;;   (:ic n)       indent them n columns past the current column
;;;   (:save)       remember the current column      (:im n)   indent n past it
;;;   (:blk x es)   a nested block "(...)" for the list x with entries es
;;; :fill breaks when the next section does not fit or the previous one took several
;;; lines; :linear breaks when the block does not fit on the line; :mandatory always.

(defvar *block-like-operators*
  '("WHEN" "UNLESS" "DOLIST" "DOTIMES" "BLOCK" "RETURN-FROM" "UNWIND-PROTECT" "CATCH"
    "CASE" "ECASE" "CCASE" "TYPECASE" "ETYPECASE" "CTYPECASE" "LAMBDA" "WITH-OPEN-FILE"
    "WITH-OUTPUT-TO-STRING" "WITH-INPUT-FROM-STRING" "EVAL-WHEN" "THROW" "DEFSTRUCT"))

(defvar *loop-clause-keywords*
  '("FOR" "AS" "WITH" "DO" "DOING" "COLLECT" "COLLECTING" "APPEND" "APPENDING" "NCONC"
    "NCONCING" "SUM" "SUMMING" "COUNT" "COUNTING" "MAXIMIZE" "MAXIMIZING" "MINIMIZE"
    "MINIMIZING" "WHEN" "IF" "UNLESS" "WHILE" "UNTIL" "ALWAYS" "NEVER" "THEREIS" "FINALLY"
    "INITIALLY" "REPEAT" "RETURN" "NAMED" "ELSE" "END" "AND"))

(defun code-operator (list)
  "The name of the CL operator heading LIST when SBCL has a layout for it, else nil."
  (let ((head (car list)))
    (and (symbolp head) head (eq (symbol-package head) *common-lisp-package*)
         (symbol-name head))))

(defun name-in (name names) (and name (member name names :test #'string=)))

(defun body-entries (forms kind)
  "(:b KIND) before the first form, (:b :linear) before the others."
  (let ((entries '()) (first t))
    (dolist (x forms)
      (push (list :b (if first kind :linear)) entries)
      (push (list :o x) entries)
      (setq first nil))
    (nreverse entries)))

(defun body-entries-after (forms kind)
  "(:b KIND) before each of FORMS (which follow an element already placed)."
  (mapcan (lambda (x) (list (list :b kind) (list :o x))) forms))

(defun linear-list-entries (list)
  "A block whose elements are separated by linear breaks."
  (let ((entries '()) (first t))
    (dolist (x list)
      (unless first (push (list :b :linear) entries))
      (push (list :o x) entries)
      (setq first nil))
    (nreverse entries)))

(defun list-entry (x)
  "An element SBCL prints as a list even when empty: () rather than NIL."
  (if (null x) (list :blk nil nil) (list :o x)))

(defun empty-list-position-p (list index)
  "True when element INDEX of the code form LIST prints as () when it is nil."
  (let ((name (code-operator list)))
    (and name
         (if (name-in name '("DEFUN" "DEFMACRO"))
             (= index 2)
             (and (= index 1)
                  (name-in name '("LAMBDA" "DESTRUCTURING-BIND" "DOLIST" "DOTIMES" "LET"
                                  "LET*" "FLET" "LABELS" "MACROLET")))))))

(defun flet-definition-entries (def)
  (if (and (consp def) (consp (cdr def)) (null (cdr (last def))))
      (append (list (list :o (car def)) (list :sp) (list-entry (cadr def)) (list :ib 1))
              (body-entries (cddr def) :mandatory))
      (list (list :o def))))

(defun code-layout-entries (list)
  "The entries of SBCL's layout for the form LIST, or nil when it is printed as data
or as a function call."
  (let* ((name (and (null (cdr (last list))) (code-operator list)))
         (n (if name (length list) 0))
         (op (list :o (car list))))
    (cond
      ((null name) nil)
      ((and (string= name "IF") (>= n 3))
       (append (list op (list :sp) (list :ic 0) (list :o (cadr list)))
               (mapcan (lambda (x) (list (list :b :mandatory) (list :o x))) (cddr list))))
      ((and (name-in name '("LET" "LET*")) (>= n 2) (listp (cadr list)))
       (append (list op (list :sp)
                     (list :blk (cadr list)
                           (let ((entries '()) (first t))
                             (dolist (b (cadr list) (nreverse entries))
                               (unless first (push (list :b :linear) entries))
                               (push (if (consp b) (list :blk b (linear-list-entries b)) (list :o b))
                                     entries)
                               (setq first nil))))
                     (list :ib 1))
               (body-entries (cddr list) :mandatory)))
      ((and (name-in name '("FLET" "LABELS" "MACROLET")) (>= n 2) (listp (cadr list)))
       (append (list op (list :sp)
                     (list :blk (cadr list)
                           (let ((entries '()) (first t))
                             (dolist (d (cadr list) (nreverse entries))
                               (unless first (push (list :b :linear) entries))
                               (push (list :blk d (flet-definition-entries d)) entries)
                               (setq first nil))))
                     (list :ib 1))
               (body-entries (cddr list) :mandatory)))
      ((and (name-in name '("DEFUN" "DEFMACRO")) (>= n 3))
       (append (list op (list :sp) (list :ic 0) (list :o (cadr list)) (list :b :fill)
                     (list-entry (caddr list)) (list :ib 1))
               (body-entries (cdddr list) :linear)))
      ((and (name-in name '("MULTIPLE-VALUE-BIND" "DESTRUCTURING-BIND")) (>= n 3))
       (append (list op (list :ib 3) (list :b :fill)
                     (if (string= name "DESTRUCTURING-BIND") (list-entry (cadr list))
                         (list :o (cadr list)))
                     (list :b :linear)
                     (list :o (caddr list)) (list :ib 1))
               (body-entries (cdddr list) :linear)))
      ((and (name-in name *block-like-operators*) (>= n 2))
       (append (list op (list :ib 3) (list :b :fill)
                     (if (empty-list-position-p list 1) (list-entry (cadr list)) (list :o (cadr list)))
                     (list :ib 1))
               (body-entries (cddr list) :linear)))
      ((name-in name '("PROGN" "LOCALLY"))
       (cons op (body-entries (cdr list) :linear)))
      ((and (string= name "COND") (>= n 2))
       (append (list op (list :b :fill) (list :ic 0) (list :o (cadr list)))
               (body-entries-after (cddr list) :linear)))
      ((and (name-in name '("DECLARE")) (>= n 2))
       (append (list op (list :sp) (list :ic 0) (list :o (cadr list)))
               (body-entries-after (cddr list) :mandatory)))
      ((and (name-in name '("DEFVAR" "DEFPARAMETER" "DEFCONSTANT")) (>= n 2))
       (append (list op (list :sp) (list :o (cadr list)) (list :ib 1))
               (body-entries (cddr list) :linear)))
      ((and (string= name "DEFPACKAGE") (>= n 2))
       (append (list op (list :sp) (list :o (cadr list)) (list :ib 1))
               (body-entries-after (cddr list) :mandatory)))
      ((and (name-in name '("SETQ" "SETF" "PSETQ" "PSETF")) (>= n 3))
       (let ((entries (list (list :save) (list :ic 0) (list :sp) op)) (first t))
         (loop for tail on (cdr list) by #'cddr
               do (unless first
                    (push (list :im 0) entries)
                    (push (list :b :linear) entries))
                  (push (list :o (car tail)) entries)
                  (when (cdr tail)
                    (push (list :im 2) entries)
                    (push (list :b :fill) entries)
                    (push (list :o (cadr tail)) entries))
                  (setq first nil))
         (nreverse entries)))
      ((and (name-in name '("DO" "DO*")) (>= n 3) (listp (cadr list)))
       (append (list op (list :sp) (list :ic 0)
                     (list :blk (cadr list)
                           (let ((entries '()) (first t))
                             (dolist (b (cadr list) (nreverse entries))
                               (unless first (push (list :b :linear) entries))
                               (push (if (and (consp b) (consp (cdr b)) (null (cdr (last b))))
                                         (list :blk b (append (list (list :o (car b)) (list :sp)
                                                                    (list :ic 0) (list :o (cadr b)))
                                                              (body-entries-after (cddr b) :linear)))
                                         (list :o b))
                                     entries)
                               (setq first nil))))
                     (list :b :linear) (list :o (caddr list)) (list :ib 1))
               (body-entries (cdddr list) :linear)))
      ((string= name "TAGBODY")
       (let ((entries (list op)))
         (dolist (x (cdr list))
           (push (list :ib (if (atom x) 0 1)) entries)
           (push (list :b :linear) entries)
           (push (list :o x) entries))
         (nreverse entries)))
      ((and (string= name "LOOP") (consp (cdr list)) (consp (cadr list)))
       ;; the simple loop: one form per line
       (append (list op (list :sp) (list :ic 0) (list :o (cadr list)))
               (body-entries-after (cddr list) :mandatory)))
      ((and (string= name "LOOP") (loop-layout-p list))
       (let ((entries (list (list :o (cadr list)) (list :ic 0) (list :sp) op)))
         (dolist (x (cddr list))
           (push (if (and (symbolp x) (name-in (symbol-name x) *loop-clause-keywords*))
                     (list :b :mandatory)
                     (list :sp))
                 entries)
           (push (list :o x) entries))
         (nreverse entries)))
      (t nil))))

(defun loop-layout-p (list)
  (and (consp (cdr list)) (symbolp (cadr list))
       (some (lambda (x) (and (symbolp x) (name-in (symbol-name x) *loop-clause-keywords*)))
             (cddr list))))

(defun mandatory-layout-p (list)
  "True when the layout of LIST has a mandatory line break: it never fits on a line."
  (let ((entries (code-layout-entries list)))
    (and entries (entries-mandatory-p entries))))

(defun entries-mandatory-p (entries)
  (dolist (e entries nil)
    (when (or (and (eq (car e) :b) (eq (cadr e) :mandatory))
              (and (eq (car e) :blk) (entries-mandatory-p (caddr e))))
      (return t))))

(defun entry-width (e limit depth)
  "Flat width of an entry, or more than LIMIT."
  (cond ((eq (car e) :o) (flat-width (cadr e) limit depth))
        ((eq (car e) :blk) (flat-width (cadr e) limit depth))
        ((eq (car e) :sp) 1)
        ((eq (car e) :text) (length (cadr e)))
        (t 0)))

(defun section-fits-p (entries stream suffix depth)
  "Whether the section from a break to the next break of the same block (or the
block's end and SUFFIX) fits after the current column."
  (let ((room (- (pp-line-length) (stream-column stream) 1))
        (width 0))
    (loop
      (when (null entries)
        (return (<= (+ width 1 suffix) room)))
      (let ((e (car entries)))
        (when (eq (car e) :b) (return (<= (+ width 1) room)))
        (setq width (+ width (entry-width e (- room width) depth)))
        (when (> width room) (return nil))
        (setq entries (cdr entries))))))

(defun pp-run-block (stream entries object depth suffix &optional (prefix "("))
  "Print the block for OBJECT: ( entries ), breaking lines as the entries say."
  (let* ((room (- (pp-line-length) (stream-column stream) suffix))
         (linear (> (flat-width object room depth) room)))
    (write-string prefix stream)
    (let* ((start (stream-column stream))
           (indent start)
           (section-breaks *pp-breaks*)
           (mark start))
      (loop
        (when (null entries) (return))
        (let* ((e (car entries))
               (kind (car e))
               (last (null (cdr entries)))
               (e-suffix (if last (+ suffix 1) 1)))
          (cond ((eq kind :o) (pp-element (cadr e) stream depth e-suffix))
                ((eq kind :blk)
                 (if (consp (cadr e))
                     (pp-run-block stream (caddr e) (cadr e) (+ depth 1) e-suffix)
                     (write-string "()" stream)))
                ((eq kind :sp) (put-char #\Space stream))
                ((eq kind :text) (write-string (cadr e) stream))
                ((eq kind :ib) (setq indent (+ start (cadr e))))
                ((eq kind :ic) (setq indent (+ (stream-column stream) (cadr e))))
                ((eq kind :save) (setq mark (stream-column stream)))
                ((eq kind :im) (setq indent (+ mark (cadr e))))
                ((eq kind :b)
                 (let ((break-p (cond ((eq (cadr e) :mandatory) t)
                                      ((eq (cadr e) :linear) linear)
                                      (t (or (/= section-breaks *pp-breaks*)
                                             (not (section-fits-p (cdr entries) stream
                                                                  suffix (+ depth 1))))))))
                   (if break-p (pp-newline stream indent) (put-char #\Space stream))
                   (setq section-breaks *pp-breaks*))))
          (setq entries (cdr entries)))))
    (put-char #\) stream)))
