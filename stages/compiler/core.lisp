;;;; The compiler's own runtime support, compiled into every program (before the
;;;; runtime library): the signaller that native code calls, function objects for the
;;;; open-coded variadic functions, arrays, integer functions, typep, and the run-time
;;;; package system. Target-only code: it defines COMMON-LISP functions, so it is not
;;;; meant to be loaded into SBCL.
(defpackage "WASMBOOT-CORE" (:use "COMMON-LISP"))
(in-package "WASMBOOT-CORE")

(defun %native-error (code datum)
  (let ((message (case code
                   (1 "The value is not an integer")
                   (2 "Integer overflow: the result is outside the 62-bit range")
                   (3 "The variable is unbound")
                   (4 "The function is undefined")
                   (5 "The value is not a function")
                   (6 "Wrong number of arguments")
                   (7 "The value is not a list")
                   (8 "Division by zero")
                   (9 "The value is not a character")
                   (10 "The value is not a symbol")
                   (11 "Throw to a tag that does not exist")
                   (12 "The value is not a string")
                   (13 "The value is not a vector")
                   (14 "Index out of bounds")
                   (15 "The value is not a structure of the expected type")
                   (16 "The function could not be compiled")
                   (t "Error"))))
    (cond ((not (fboundp 'error))
           (%core-write-line message) (%exit 2))
          ((member code '(1 7 9 10 12 13))
           (error 'type-error :datum datum
                              :expected-type (case code (1 'integer) (7 'list) (9 'character)
                                               (10 'symbol) (12 'string) (t 'vector))))
          ((= code 8) (error 'division-by-zero :operation '/ :operands (list datum 0)))
          ((= code 3) (error "The variable ~s is unbound." datum))
          ((= code 4) (error "The function ~s is undefined." datum))
          ((= code 16) (error "~a" datum))
          ((= code 6) (error 'program-error))
          (t (error "~a (~d)" message code)))))

(defun %core-write-line (s)
  (let ((i 0) (n (length s)))
    (tagbody
     next
       (when (< i n)
         (%host-write-char 2 (char s i))
         (setq i (+ i 1))
         (go next)))
    (%host-write-char 2 (code-char 10))))

;;; Function objects for the variadic open-coded functions (#'+, (apply #'list ...)):
;;; direct calls never get here, they are open-coded.
(defun + (&rest xs) (let ((s 0)) (dolist (x xs) (setq s (+ s x))) s))
(defun * (&rest xs) (let ((s 1)) (dolist (x xs) (setq s (* s x))) s))
(defun - (x &rest xs)
  (if (null xs) (- x) (progn (dolist (y xs) (setq x (- x y))) x)))
(defun list (&rest xs) xs)
(defun funcall (f &rest args) (apply f args))
(defun apply (f &rest args) (apply f (%spread args)))
(defun %spread (args)
  (if (null (cdr args)) (car args) (cons (car args) (%spread (cdr args)))))
(defun = (x &rest xs) (dolist (y xs t) (unless (= x y) (return nil)) (setq x y)))
(defun < (x &rest xs) (dolist (y xs t) (unless (< x y) (return nil)) (setq x y)))
(defun > (x &rest xs) (dolist (y xs t) (unless (> x y) (return nil)) (setq x y)))
(defun <= (x &rest xs) (dolist (y xs t) (unless (<= x y) (return nil)) (setq x y)))
(defun >= (x &rest xs) (dolist (y xs t) (unless (>= x y) (return nil)) (setq x y)))
(defun /= (x &rest xs)
  (let ((all (cons x xs)))
    (do ((l all (cdr l))) ((null l) t)
      (dolist (y (cdr l)) (when (= (car l) y) (return-from /= nil))))))
(defun logand (&rest xs) (let ((r -1)) (dolist (x xs) (setq r (logand r x))) r))
(defun logior (&rest xs) (let ((r 0)) (dolist (x xs) (setq r (logior r x))) r))
(defun logxor (&rest xs) (let ((r 0)) (dolist (x xs) (setq r (logxor r x))) r))
(defun values (&rest xs) (values-list xs))
(defun values-list (list) (values-list list))

;;; Arrays and strings.
(defun make-array (size &key (element-type t) (initial-element nil ie-p)
                          (initial-contents nil ic-p) adjustable fill-pointer)
  (let* ((n (if (consp size) (car size) size))
         (kind (cond ((or (eq element-type 'character) (eq element-type 'base-char)
                          (eq element-type 'standard-char))
                      :string)
                     ((equal element-type '(unsigned-byte 8)) :bytes)
                     (t :vector)))
         (data (case kind
                 (:string (%make-simple-string n (if ie-p initial-element (code-char 0))))
                 (:bytes (%make-bytes n (if ie-p initial-element 0)))
                 (t (%make-simple-vector n initial-element)))))
    (when ic-p
      (let ((i 0))
        (map nil (lambda (x) (%aset data i x) (setq i (+ i 1))) initial-contents)))
    (if (or adjustable fill-pointer)
        (let ((fp (cond ((eq fill-pointer t) n) ((integerp fill-pointer) fill-pointer) (t n))))
          (case kind
            (:string (%make-adjstr data fp))
            (:bytes (%make-bytevec data fp))
            (t (%make-adjvec data fp))))
        data)))

(defun make-string (n &key (initial-element #\Space) element-type)
  (declare (ignore element-type))
  (%make-simple-string n initial-element))

(defun vector (&rest xs)
  (let ((v (%make-simple-vector (length xs) nil)) (i 0))
    (dolist (x xs) (%aset v i x) (setq i (+ i 1)))
    v))

(defun vector-push (x v)
  (let ((f (fill-pointer v)))
    (if (>= f (%vector-capacity v))
        nil
        (progn (%aset v f x) (%set-fill-pointer v (+ f 1)) f))))

(defun vector-push-extend (x v &optional extension)
  (let ((f (fill-pointer v)))
    (when (>= f (%vector-capacity v))
      (%grow-vector v (+ f (max (or extension 0) f 16))))
    (%aset v f x)
    (%set-fill-pointer v (+ f 1))
    f))

(defun vector-pop (v)
  (let ((f (- (fill-pointer v) 1)))
    (%set-fill-pointer v f)
    (aref v f)))

(defun array-dimension (v axis)
  (declare (ignore axis))
  (%vector-capacity v))

(defun adjust-array (v new-size &key initial-element fill-pointer)
  (declare (ignore initial-element))
  (when (> new-size (%vector-capacity v)) (%grow-vector v new-size))
  (when fill-pointer (%set-fill-pointer v (if (eq fill-pointer t) new-size fill-pointer)))
  v)

(defun array-has-fill-pointer-p (v) (%adjustable-p v))
(defun adjustable-array-p (v) (%adjustable-p v))

(defun substitute (new old sequence)
  (map (if (stringp sequence) 'string (if (listp sequence) 'list 'vector))
       (lambda (x) (if (eql x old) new x))
       sequence))

(defun set (symbol value) (set symbol value))
(defun symbol-value (symbol) (symbol-value symbol))

;;; typep on the subset's type specifiers.
(defun typep (object type)
  (cond ((consp type)
         (let ((head (car type)))
           (cond ((eq head 'integer)
                  (and (integerp object)
                       (or (member (cadr type) '(* nil)) (>= object (cadr type)))
                       (or (member (caddr type) '(* nil)) (<= object (caddr type)))))
                 ((eq head 'or) (some (lambda (ty) (typep object ty)) (cdr type)))
                 ((eq head 'and) (every (lambda (ty) (typep object ty)) (cdr type)))
                 ((eq head 'not) (not (typep object (cadr type))))
                 ((eq head 'member) (if (member object (cdr type)) t nil))
                 ((eq head 'eql) (eql object (cadr type)))
                 ((eq head 'satisfies) (if (funcall (cadr type) object) t nil))
                 ((member head '(vector simple-vector array simple-array)) (vectorp object))
                 ((member head '(string simple-string)) (stringp object))
                 ((eq head 'unsigned-byte)
                  (and (integerp object) (>= object 0)
                       (or (null (cdr type)) (< object (ash 1 (cadr type))))))
                 ((eq head 'signed-byte) (integerp object))
                 (t nil))))
        ((eq type t) t)
        ((null type) nil)
        ((eq type 'null) (null object))
        ((eq type 'symbol) (symbolp object))
        ((eq type 'keyword) (keywordp object))
        ((eq type 'boolean) (or (eq object t) (null object)))
        ((eq type 'cons) (consp object))
        ((eq type 'list) (listp object))
        ((eq type 'atom) (atom object))
        ((member type '(integer fixnum number real rational)) (integerp object))
        ((eq type 'bit) (or (eql object 0) (eql object 1)))
        ((member type '(character base-char standard-char)) (characterp object))
        ((member type '(string simple-string base-string)) (stringp object))
        ((eq type 'simple-vector) (simple-vector-p object))
        ((member type '(vector array sequence))
         (or (vectorp object) (and (eq type 'sequence) (listp object))))
        ((eq type 'function) (functionp object))
        ((eq type 'package) (packagep object))
        ((member type '(float ratio complex single-float double-float)) nil)
        ((%struct-typep object type) t)
        (t nil)))

(defun type-of (object)
  (cond ((null object) 'null)
        ((eq object t) 'boolean)
        ((keywordp object) 'keyword)
        ((symbolp object) 'symbol)
        ((consp object) 'cons)
        ((integerp object) (if (and (>= object -4611686018427387904)
                                    (<= object 4611686018427387903))
                               'fixnum 'integer))
        ((characterp object) 'character)
        ((stringp object) 'string)
        ((simple-vector-p object) 'simple-vector)
        ((vectorp object) 'vector)
        ((functionp object) 'function)
        ((packagep object) 'package)
        ((%struct-name object) (%struct-name object))
        (t t)))

;;; The run-time package system. Packages are native records (name, nicknames,
;;; use-list, symbol table, external names); the compiler lists every package and
;;; every symbol of the program in %static-packages / %static-symbols, and the
;;; tables are built from those on first use.

(defvar *package* nil)
(defvar *gensym-counter* 0)
(defvar *%packages* nil)
(defvar *%tables-built* nil)

(defun %packages ()
  (unless *%packages*
    (let ((v (%static-packages)) (l nil))
      (dotimes (i (length v)) (push (svref v i) l))
      (setq *%packages* (nreverse l))))
  *%packages*)

(defun %build-tables ()
  (unless *%tables-built*
    (setq *%tables-built* t)
    (dolist (p (%packages))
      (unless (%package-ref p 3) (%package-set p 3 (make-hash-table :test 'equal))))
    (let ((v (%static-symbols)))
      (dotimes (i (length v))
        (let* ((s (svref v i)) (p (symbol-package s)))
          (when (packagep p)
            (setf (gethash (symbol-name s) (%package-ref p 3)) s)))))
    ;; COMMON-LISP has all its symbols, also those the program never mentions
    (let* ((cl (find-package "COMMON-LISP"))
           (table (%package-ref cl 3))
           (names *%cl-symbol-names*)
           (n (length names))
           (start 0))
      (loop while (< start n)
            do (let ((end (or (position-if (lambda (c) (or (char= c #\Space) (char= c #\Newline)))
                                           names :start start)
                              n)))
                 (when (> end start)
                   (let ((name (subseq names start end)))
                     (unless (nth-value 1 (gethash name table))
                       (let ((s (make-symbol name)))
                         (%set-symbol-package s cl)
                         (setf (gethash name table) s)))))
                 (setq start (+ end 1)))))))

(defvar *%cl-symbol-names*
  "&ALLOW-OTHER-KEYS &AUX &BODY &ENVIRONMENT &KEY &OPTIONAL &REST &WHOLE * ** ***
*BREAK-ON-SIGNALS* *COMPILE-FILE-PATHNAME* *COMPILE-FILE-TRUENAME* *COMPILE-PRINT*
*COMPILE-VERBOSE* *DEBUG-IO* *DEBUGGER-HOOK* *DEFAULT-PATHNAME-DEFAULTS* *ERROR-OUTPUT*
*FEATURES* *GENSYM-COUNTER* *LOAD-PATHNAME* *LOAD-PRINT* *LOAD-TRUENAME* *LOAD-VERBOSE*
*MACROEXPAND-HOOK* *MODULES* *PACKAGE* *PRINT-ARRAY* *PRINT-BASE* *PRINT-CASE*
*PRINT-CIRCLE* *PRINT-ESCAPE* *PRINT-GENSYM* *PRINT-LENGTH* *PRINT-LEVEL* *PRINT-LINES*
*PRINT-MISER-WIDTH* *PRINT-PPRINT-DISPATCH* *PRINT-PRETTY* *PRINT-RADIX*
*PRINT-READABLY* *PRINT-RIGHT-MARGIN* *QUERY-IO* *RANDOM-STATE* *READ-BASE*
*READ-DEFAULT-FLOAT-FORMAT* *READ-EVAL* *READ-SUPPRESS* *READTABLE* *STANDARD-INPUT*
*STANDARD-OUTPUT* *TERMINAL-IO* *TRACE-OUTPUT* + ++ +++ - / // /// /= 1+ 1- < <= = > >=
ABORT ABS ACONS ACOS ACOSH ADD-METHOD ADJOIN ADJUST-ARRAY ADJUSTABLE-ARRAY-P
ALLOCATE-INSTANCE ALPHA-CHAR-P ALPHANUMERICP AND APPEND APPLY APROPOS APROPOS-LIST AREF
ARITHMETIC-ERROR ARITHMETIC-ERROR-OPERANDS ARITHMETIC-ERROR-OPERATION ARRAY
ARRAY-DIMENSION ARRAY-DIMENSION-LIMIT ARRAY-DIMENSIONS ARRAY-DISPLACEMENT
ARRAY-ELEMENT-TYPE ARRAY-HAS-FILL-POINTER-P ARRAY-IN-BOUNDS-P ARRAY-RANK
ARRAY-RANK-LIMIT ARRAY-ROW-MAJOR-INDEX ARRAY-TOTAL-SIZE ARRAY-TOTAL-SIZE-LIMIT ARRAYP
ASH ASIN ASINH ASSERT ASSOC ASSOC-IF ASSOC-IF-NOT ATAN ATANH ATOM BASE-CHAR BASE-STRING
BIGNUM BIT BIT-AND BIT-ANDC1 BIT-ANDC2 BIT-EQV BIT-IOR BIT-NAND BIT-NOR BIT-NOT BIT-ORC1
BIT-ORC2 BIT-VECTOR BIT-VECTOR-P BIT-XOR BLOCK BOOLE BOOLE-1 BOOLE-2 BOOLE-AND
BOOLE-ANDC1 BOOLE-ANDC2 BOOLE-C1 BOOLE-C2 BOOLE-CLR BOOLE-EQV BOOLE-IOR BOOLE-NAND
BOOLE-NOR BOOLE-ORC1 BOOLE-ORC2 BOOLE-SET BOOLE-XOR BOOLEAN BOTH-CASE-P BOUNDP BREAK
BROADCAST-STREAM BROADCAST-STREAM-STREAMS BUILT-IN-CLASS BUTLAST BYTE BYTE-POSITION
BYTE-SIZE CAAAAR CAAADR CAAAR CAADAR CAADDR CAADR CAAR CADAAR CADADR CADAR CADDAR CADDDR
CADDR CADR CALL-ARGUMENTS-LIMIT CALL-METHOD CALL-NEXT-METHOD CAR CASE CATCH CCASE CDAAAR
CDAADR CDAAR CDADAR CDADDR CDADR CDAR CDDAAR CDDADR CDDAR CDDDAR CDDDDR CDDDR CDDR CDR
CEILING CELL-ERROR CELL-ERROR-NAME CERROR CHANGE-CLASS CHAR CHAR-CODE CHAR-CODE-LIMIT
CHAR-DOWNCASE CHAR-EQUAL CHAR-GREATERP CHAR-INT CHAR-LESSP CHAR-NAME CHAR-NOT-EQUAL
CHAR-NOT-GREATERP CHAR-NOT-LESSP CHAR-UPCASE CHAR/= CHAR< CHAR<= CHAR= CHAR> CHAR>=
CHARACTER CHARACTERP CHECK-TYPE CIS CLASS CLASS-NAME CLASS-OF CLEAR-INPUT CLEAR-OUTPUT
CLOSE CLRHASH CODE-CHAR COERCE COMPILATION-SPEED COMPILE COMPILE-FILE
COMPILE-FILE-PATHNAME COMPILED-FUNCTION COMPILED-FUNCTION-P COMPILER-MACRO
COMPILER-MACRO-FUNCTION COMPLEMENT COMPLEX COMPLEXP COMPUTE-APPLICABLE-METHODS
COMPUTE-RESTARTS CONCATENATE CONCATENATED-STREAM CONCATENATED-STREAM-STREAMS COND
CONDITION CONJUGATE CONS CONSP CONSTANTLY CONSTANTP CONTINUE CONTROL-ERROR COPY-ALIST
COPY-LIST COPY-PPRINT-DISPATCH COPY-READTABLE COPY-SEQ COPY-STRUCTURE COPY-SYMBOL
COPY-TREE COS COSH COUNT COUNT-IF COUNT-IF-NOT CTYPECASE DEBUG DECF DECLAIM DECLARATION
DECLARE DECODE-FLOAT DECODE-UNIVERSAL-TIME DEFCLASS DEFCONSTANT DEFGENERIC
DEFINE-COMPILER-MACRO DEFINE-CONDITION DEFINE-METHOD-COMBINATION DEFINE-MODIFY-MACRO
DEFINE-SETF-EXPANDER DEFINE-SYMBOL-MACRO DEFMACRO DEFMETHOD DEFPACKAGE DEFPARAMETER
DEFSETF DEFSTRUCT DEFTYPE DEFUN DEFVAR DELETE DELETE-DUPLICATES DELETE-FILE DELETE-IF
DELETE-IF-NOT DELETE-PACKAGE DENOMINATOR DEPOSIT-FIELD DESCRIBE DESCRIBE-OBJECT
DESTRUCTURING-BIND DIGIT-CHAR DIGIT-CHAR-P DIRECTORY DIRECTORY-NAMESTRING DISASSEMBLE
DIVISION-BY-ZERO DO DO* DO-ALL-SYMBOLS DO-EXTERNAL-SYMBOLS DO-SYMBOLS DOCUMENTATION
DOLIST DOTIMES DOUBLE-FLOAT DOUBLE-FLOAT-EPSILON DOUBLE-FLOAT-NEGATIVE-EPSILON DPB
DRIBBLE DYNAMIC-EXTENT ECASE ECHO-STREAM ECHO-STREAM-INPUT-STREAM
ECHO-STREAM-OUTPUT-STREAM ED EIGHTH ELT ENCODE-UNIVERSAL-TIME END-OF-FILE ENDP
ENOUGH-NAMESTRING ENSURE-DIRECTORIES-EXIST ENSURE-GENERIC-FUNCTION EQ EQL EQUAL EQUALP
ERROR ETYPECASE EVAL EVAL-WHEN EVENP EVERY EXP EXPORT EXPT EXTENDED-CHAR FBOUNDP
FCEILING FDEFINITION FFLOOR FIFTH FILE-AUTHOR FILE-ERROR FILE-ERROR-PATHNAME FILE-LENGTH
FILE-NAMESTRING FILE-POSITION FILE-STREAM FILE-STRING-LENGTH FILE-WRITE-DATE FILL
FILL-POINTER FIND FIND-ALL-SYMBOLS FIND-CLASS FIND-IF FIND-IF-NOT FIND-METHOD
FIND-PACKAGE FIND-RESTART FIND-SYMBOL FINISH-OUTPUT FIRST FIXNUM FLET FLOAT FLOAT-DIGITS
FLOAT-PRECISION FLOAT-RADIX FLOAT-SIGN FLOATING-POINT-INEXACT
FLOATING-POINT-INVALID-OPERATION FLOATING-POINT-OVERFLOW FLOATING-POINT-UNDERFLOW FLOATP
FLOOR FMAKUNBOUND FORCE-OUTPUT FORMAT FORMATTER FOURTH FRESH-LINE FROUND FTRUNCATE FTYPE
FUNCALL FUNCTION FUNCTION-KEYWORDS FUNCTION-LAMBDA-EXPRESSION FUNCTIONP GCD
GENERIC-FUNCTION GENSYM GENTEMP GET GET-DECODED-TIME GET-DISPATCH-MACRO-CHARACTER
GET-INTERNAL-REAL-TIME GET-INTERNAL-RUN-TIME GET-MACRO-CHARACTER
GET-OUTPUT-STREAM-STRING GET-PROPERTIES GET-SETF-EXPANSION GET-UNIVERSAL-TIME GETF
GETHASH GO GRAPHIC-CHAR-P HANDLER-BIND HANDLER-CASE HASH-TABLE HASH-TABLE-COUNT
HASH-TABLE-P HASH-TABLE-REHASH-SIZE HASH-TABLE-REHASH-THRESHOLD HASH-TABLE-SIZE
HASH-TABLE-TEST HOST-NAMESTRING IDENTITY IF IGNORABLE IGNORE IGNORE-ERRORS IMAGPART
IMPORT IN-PACKAGE INCF INITIALIZE-INSTANCE INLINE INPUT-STREAM-P INSPECT INTEGER
INTEGER-DECODE-FLOAT INTEGER-LENGTH INTEGERP INTERACTIVE-STREAM-P INTERN
INTERNAL-TIME-UNITS-PER-SECOND INTERSECTION INVALID-METHOD-ERROR INVOKE-DEBUGGER
INVOKE-RESTART INVOKE-RESTART-INTERACTIVELY ISQRT KEYWORD KEYWORDP LABELS LAMBDA
LAMBDA-LIST-KEYWORDS LAMBDA-PARAMETERS-LIMIT LAST LCM LDB LDB-TEST LDIFF
LEAST-NEGATIVE-DOUBLE-FLOAT LEAST-NEGATIVE-LONG-FLOAT
LEAST-NEGATIVE-NORMALIZED-DOUBLE-FLOAT LEAST-NEGATIVE-NORMALIZED-LONG-FLOAT
LEAST-NEGATIVE-NORMALIZED-SHORT-FLOAT LEAST-NEGATIVE-NORMALIZED-SINGLE-FLOAT
LEAST-NEGATIVE-SHORT-FLOAT LEAST-NEGATIVE-SINGLE-FLOAT LEAST-POSITIVE-DOUBLE-FLOAT
LEAST-POSITIVE-LONG-FLOAT LEAST-POSITIVE-NORMALIZED-DOUBLE-FLOAT
LEAST-POSITIVE-NORMALIZED-LONG-FLOAT LEAST-POSITIVE-NORMALIZED-SHORT-FLOAT
LEAST-POSITIVE-NORMALIZED-SINGLE-FLOAT LEAST-POSITIVE-SHORT-FLOAT
LEAST-POSITIVE-SINGLE-FLOAT LENGTH LET LET* LISP-IMPLEMENTATION-TYPE
LISP-IMPLEMENTATION-VERSION LIST LIST* LIST-ALL-PACKAGES LIST-LENGTH LISTEN LISTP LOAD
LOAD-LOGICAL-PATHNAME-TRANSLATIONS LOAD-TIME-VALUE LOCALLY LOG LOGAND LOGANDC1 LOGANDC2
LOGBITP LOGCOUNT LOGEQV LOGICAL-PATHNAME LOGICAL-PATHNAME-TRANSLATIONS LOGIOR LOGNAND
LOGNOR LOGNOT LOGORC1 LOGORC2 LOGTEST LOGXOR LONG-FLOAT LONG-FLOAT-EPSILON
LONG-FLOAT-NEGATIVE-EPSILON LONG-SITE-NAME LOOP LOOP-FINISH LOWER-CASE-P
MACHINE-INSTANCE MACHINE-TYPE MACHINE-VERSION MACRO-FUNCTION MACROEXPAND MACROEXPAND-1
MACROLET MAKE-ARRAY MAKE-BROADCAST-STREAM MAKE-CONCATENATED-STREAM MAKE-CONDITION
MAKE-DISPATCH-MACRO-CHARACTER MAKE-ECHO-STREAM MAKE-HASH-TABLE MAKE-INSTANCE
MAKE-INSTANCES-OBSOLETE MAKE-LIST MAKE-LOAD-FORM MAKE-LOAD-FORM-SAVING-SLOTS MAKE-METHOD
MAKE-PACKAGE MAKE-PATHNAME MAKE-RANDOM-STATE MAKE-SEQUENCE MAKE-STRING
MAKE-STRING-INPUT-STREAM MAKE-STRING-OUTPUT-STREAM MAKE-SYMBOL MAKE-SYNONYM-STREAM
MAKE-TWO-WAY-STREAM MAKUNBOUND MAP MAP-INTO MAPC MAPCAN MAPCAR MAPCON MAPHASH MAPL
MAPLIST MASK-FIELD MAX MEMBER MEMBER-IF MEMBER-IF-NOT MERGE MERGE-PATHNAMES METHOD
METHOD-COMBINATION METHOD-COMBINATION-ERROR METHOD-QUALIFIERS MIN MINUSP MISMATCH MOD
MOST-NEGATIVE-DOUBLE-FLOAT MOST-NEGATIVE-FIXNUM MOST-NEGATIVE-LONG-FLOAT
MOST-NEGATIVE-SHORT-FLOAT MOST-NEGATIVE-SINGLE-FLOAT MOST-POSITIVE-DOUBLE-FLOAT
MOST-POSITIVE-FIXNUM MOST-POSITIVE-LONG-FLOAT MOST-POSITIVE-SHORT-FLOAT
MOST-POSITIVE-SINGLE-FLOAT MUFFLE-WARNING MULTIPLE-VALUE-BIND MULTIPLE-VALUE-CALL
MULTIPLE-VALUE-LIST MULTIPLE-VALUE-PROG1 MULTIPLE-VALUE-SETQ MULTIPLE-VALUES-LIMIT
NAME-CHAR NAMESTRING NBUTLAST NCONC NEXT-METHOD-P NIL NINTERSECTION NINTH
NO-APPLICABLE-METHOD NO-NEXT-METHOD NOT NOTANY NOTEVERY NOTINLINE NRECONC NREVERSE
NSET-DIFFERENCE NSET-EXCLUSIVE-OR NSTRING-CAPITALIZE NSTRING-DOWNCASE NSTRING-UPCASE
NSUBLIS NSUBST NSUBST-IF NSUBST-IF-NOT NSUBSTITUTE NSUBSTITUTE-IF NSUBSTITUTE-IF-NOT NTH
NTH-VALUE NTHCDR NULL NUMBER NUMBERP NUMERATOR NUNION ODDP OPEN OPEN-STREAM-P OPTIMIZE
OR OTHERWISE OUTPUT-STREAM-P PACKAGE PACKAGE-ERROR PACKAGE-ERROR-PACKAGE PACKAGE-NAME
PACKAGE-NICKNAMES PACKAGE-SHADOWING-SYMBOLS PACKAGE-USE-LIST PACKAGE-USED-BY-LIST
PACKAGEP PAIRLIS PARSE-ERROR PARSE-INTEGER PARSE-NAMESTRING PATHNAME PATHNAME-DEVICE
PATHNAME-DIRECTORY PATHNAME-HOST PATHNAME-MATCH-P PATHNAME-NAME PATHNAME-TYPE
PATHNAME-VERSION PATHNAMEP PEEK-CHAR PHASE PI PLUSP POP POSITION POSITION-IF
POSITION-IF-NOT PPRINT PPRINT-DISPATCH PPRINT-EXIT-IF-LIST-EXHAUSTED PPRINT-FILL
PPRINT-INDENT PPRINT-LINEAR PPRINT-LOGICAL-BLOCK PPRINT-NEWLINE PPRINT-POP PPRINT-TAB
PPRINT-TABULAR PRIN1 PRIN1-TO-STRING PRINC PRINC-TO-STRING PRINT PRINT-NOT-READABLE
PRINT-NOT-READABLE-OBJECT PRINT-OBJECT PRINT-UNREADABLE-OBJECT PROBE-FILE PROCLAIM PROG
PROG* PROG1 PROG2 PROGN PROGRAM-ERROR PROGV PROVIDE PSETF PSETQ PUSH PUSHNEW QUOTE
RANDOM RANDOM-STATE RANDOM-STATE-P RASSOC RASSOC-IF RASSOC-IF-NOT RATIO RATIONAL
RATIONALIZE RATIONALP READ READ-BYTE READ-CHAR READ-CHAR-NO-HANG READ-DELIMITED-LIST
READ-FROM-STRING READ-LINE READ-PRESERVING-WHITESPACE READ-SEQUENCE READER-ERROR
READTABLE READTABLE-CASE READTABLEP REAL REALP REALPART REDUCE REINITIALIZE-INSTANCE REM
REMF REMHASH REMOVE REMOVE-DUPLICATES REMOVE-IF REMOVE-IF-NOT REMOVE-METHOD REMPROP
RENAME-FILE RENAME-PACKAGE REPLACE REQUIRE REST RESTART RESTART-BIND RESTART-CASE
RESTART-NAME RETURN RETURN-FROM REVAPPEND REVERSE ROOM ROTATEF ROUND ROW-MAJOR-AREF
RPLACA RPLACD SAFETY SATISFIES SBIT SCALE-FLOAT SCHAR SEARCH SECOND SEQUENCE
SERIOUS-CONDITION SET SET-DIFFERENCE SET-DISPATCH-MACRO-CHARACTER SET-EXCLUSIVE-OR
SET-MACRO-CHARACTER SET-PPRINT-DISPATCH SET-SYNTAX-FROM-CHAR SETF SETQ SEVENTH SHADOW
SHADOWING-IMPORT SHARED-INITIALIZE SHIFTF SHORT-FLOAT SHORT-FLOAT-EPSILON
SHORT-FLOAT-NEGATIVE-EPSILON SHORT-SITE-NAME SIGNAL SIGNED-BYTE SIGNUM SIMPLE-ARRAY
SIMPLE-BASE-STRING SIMPLE-BIT-VECTOR SIMPLE-BIT-VECTOR-P SIMPLE-CONDITION
SIMPLE-CONDITION-FORMAT-ARGUMENTS SIMPLE-CONDITION-FORMAT-CONTROL SIMPLE-ERROR
SIMPLE-STRING SIMPLE-STRING-P SIMPLE-TYPE-ERROR SIMPLE-VECTOR SIMPLE-VECTOR-P
SIMPLE-WARNING SIN SINGLE-FLOAT SINGLE-FLOAT-EPSILON SINGLE-FLOAT-NEGATIVE-EPSILON SINH
SIXTH SLEEP SLOT-BOUNDP SLOT-EXISTS-P SLOT-MAKUNBOUND SLOT-MISSING SLOT-UNBOUND
SLOT-VALUE SOFTWARE-TYPE SOFTWARE-VERSION SOME SORT SPACE SPECIAL SPECIAL-OPERATOR-P
SPEED SQRT STABLE-SORT STANDARD STANDARD-CHAR STANDARD-CHAR-P STANDARD-CLASS
STANDARD-GENERIC-FUNCTION STANDARD-METHOD STANDARD-OBJECT STEP STORAGE-CONDITION
STORE-VALUE STREAM STREAM-ELEMENT-TYPE STREAM-ERROR STREAM-ERROR-STREAM
STREAM-EXTERNAL-FORMAT STREAMP STRING STRING-CAPITALIZE STRING-DOWNCASE STRING-EQUAL
STRING-GREATERP STRING-LEFT-TRIM STRING-LESSP STRING-NOT-EQUAL STRING-NOT-GREATERP
STRING-NOT-LESSP STRING-RIGHT-TRIM STRING-STREAM STRING-TRIM STRING-UPCASE STRING/=
STRING< STRING<= STRING= STRING> STRING>= STRINGP STRUCTURE STRUCTURE-CLASS
STRUCTURE-OBJECT STYLE-WARNING SUBLIS SUBSEQ SUBSETP SUBST SUBST-IF SUBST-IF-NOT
SUBSTITUTE SUBSTITUTE-IF SUBSTITUTE-IF-NOT SUBTYPEP SVREF SXHASH SYMBOL SYMBOL-FUNCTION
SYMBOL-MACROLET SYMBOL-NAME SYMBOL-PACKAGE SYMBOL-PLIST SYMBOL-VALUE SYMBOLP
SYNONYM-STREAM SYNONYM-STREAM-SYMBOL T TAGBODY TAILP TAN TANH TENTH TERPRI THE THIRD
THROW TIME TRACE TRANSLATE-LOGICAL-PATHNAME TRANSLATE-PATHNAME TREE-EQUAL TRUENAME
TRUNCATE TWO-WAY-STREAM TWO-WAY-STREAM-INPUT-STREAM TWO-WAY-STREAM-OUTPUT-STREAM TYPE
TYPE-ERROR TYPE-ERROR-DATUM TYPE-ERROR-EXPECTED-TYPE TYPE-OF TYPECASE TYPEP UNBOUND-SLOT
UNBOUND-SLOT-INSTANCE UNBOUND-VARIABLE UNDEFINED-FUNCTION UNEXPORT UNINTERN UNION UNLESS
UNREAD-CHAR UNSIGNED-BYTE UNTRACE UNUSE-PACKAGE UNWIND-PROTECT
UPDATE-INSTANCE-FOR-DIFFERENT-CLASS UPDATE-INSTANCE-FOR-REDEFINED-CLASS
UPGRADED-ARRAY-ELEMENT-TYPE UPGRADED-COMPLEX-PART-TYPE UPPER-CASE-P USE-PACKAGE
USE-VALUE USER-HOMEDIR-PATHNAME VALUES VALUES-LIST VARIABLE VECTOR VECTOR-POP
VECTOR-PUSH VECTOR-PUSH-EXTEND VECTORP WARN WARNING WHEN WILD-PATHNAME-P WITH-ACCESSORS
WITH-COMPILATION-UNIT WITH-CONDITION-RESTARTS WITH-HASH-TABLE-ITERATOR
WITH-INPUT-FROM-STRING WITH-OPEN-FILE WITH-OPEN-STREAM WITH-OUTPUT-TO-STRING
WITH-PACKAGE-ITERATOR WITH-SIMPLE-RESTART WITH-SLOTS WITH-STANDARD-IO-SYNTAX WRITE
WRITE-BYTE WRITE-CHAR WRITE-LINE WRITE-SEQUENCE WRITE-STRING WRITE-TO-STRING Y-OR-N-P
YES-OR-NO-P ZEROP"
  "The names of the 978 external symbols of COMMON-LISP.")

(defun %package-table (p)
  (%build-tables)
  (or (%package-ref p 3)
      (%package-set p 3 (make-hash-table :test 'equal))))

(defun %designator-name (x)
  (cond ((stringp x) x)
        ((symbolp x) (symbol-name x))
        ((characterp x) (string x))
        (t nil)))

(defun find-package (designator)
  (if (packagep designator)
      designator
      (let ((name (%designator-name designator)))
        (dolist (p (%packages) nil)
          (when (or (string= name (package-name p))
                    (member name (%package-ref p 1) :test #'string=))
            (return p))))))

(defun %coerce-package (designator)
  (or (find-package designator)
      (error "There is no package named ~s." (%designator-name designator))))

(defun package-nicknames (p) (%package-ref (%coerce-package p) 1))
(defun package-use-list (p) (%package-ref (%coerce-package p) 2))
(defun list-all-packages () (copy-list (%packages)))

(defun %external-p (name p)
  (or (string= (package-name p) "COMMON-LISP")
      (string= (package-name p) "KEYWORD")
      (member name (%package-ref p 4) :test #'string=)))

(defun find-symbol (name &optional (package *package*))
  (let ((p (%coerce-package package)))
    (multiple-value-bind (s found) (gethash name (%package-table p))
      (if found
          (values s (if (%external-p name p) :external :internal))
          (dolist (u (%package-ref p 2) (values nil nil))
            (multiple-value-bind (s2 found2) (gethash name (%package-table u))
              (when (and found2 (%external-p name u))
                (return (values s2 :inherited)))))))))

(defun intern (name &optional (package *package*))
  (let ((p (%coerce-package package)))
    (multiple-value-bind (s status) (find-symbol name p)
      (if status
          (values s status)
          (let ((new (make-symbol name)))
            (%set-symbol-package new p)
            (setf (gethash name (%package-table p)) new)
            (when (string= (package-name p) "KEYWORD") (set new new))
            (values new nil))))))

(defun gensym (&optional (prefix "G"))
  (let ((n *gensym-counter*))
    (setq *gensym-counter* (+ n 1))
    (make-symbol (concatenate 'string (if (stringp prefix) prefix "G")
                              (princ-to-string n)))))

(defun export (symbols &optional (package *package*))
  (let ((p (%coerce-package package)))
    (dolist (s (if (listp symbols) symbols (list symbols)))
      (%package-set p 4 (cons (symbol-name s) (%package-ref p 4))))
    t))

(defun %in-package (name)
  (setq *package* (%coerce-package name)))

(setq *package* (find-package "COMMON-LISP-USER"))

;;; The top level's report of an unhandled condition; when the library's report
;;; fails in turn, a plain one written character by character.
(defun %safe-report (condition)
  (%catch-error (lambda () (%report-unhandled-error condition))
                (lambda (e)
                  (declare (ignore e))
                  (%fallback-report condition))))

(defun %core-write (s)
  (dotimes (i (length s)) (%host-write-char 2 (char s i))))

(defun %fallback-report (condition)
  (%core-write "Unhandled ")
  (let ((name (%struct-name condition)))
    (%core-write (if (symbolp name) (symbol-name name) "condition")))
  (when (%structurep condition)
    (let ((first (%struct-slot-value condition 0)))
      (when (stringp first) (%core-write ": ") (%core-write first))))
  (%host-write-char 2 (code-char 10)))

(defun truncate (a &optional (b 1)) (truncate a b))

;;; Keyword argument checks of functions without &allow-other-keys.
(defun %check-keys (plist known)
  (let ((allow nil))
    (do ((p plist (cddr p))) ((null p))
      (unless (consp (cdr p))
        (error 'program-error))
      (when (and (eq (car p) :allow-other-keys) (cadr p) (not allow))
        (setq allow t)))
    (unless allow
      (do ((p plist (cddr p))) ((null p))
        (unless (or (eq (car p) :allow-other-keys) (member (car p) known))
          (error "Unknown keyword argument ~s." (car p)))))
    nil))
