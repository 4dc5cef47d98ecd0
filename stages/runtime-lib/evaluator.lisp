;;;; The run-time evaluator: eval, macroexpand-1 and macroexpand in compiled programs.
;;;;
;;;; They are defined as %eval, %macroexpand-1 and %macroexpand, which the compiler
;;;; calls for the CL names (convert.lisp, library-alias): under SBCL, where tests load
;;;; this library beside SBCL's own CL, eval and macroexpand stay SBCL's.
;;;;
;;;; An interpreter over the forms it is given. Lexical environments are lists of
;;;; entries (:var name cell) (:fun name function) (:block name tag) (:tag name tag
;;;; index); interpreted functions are real closures, so compiled code can call them.
;;;; Global functions are reached through the symbol's function slot (compiled defuns
;;;; are installed there by _start; an evaluated defun installs itself there), and the
;;;; functions the compiler open-codes through %ev-builtin-function.
;;;;
;;;; Only defuns here, no top-level forms: tree shaking keeps this file out of every
;;;; program that does not reach eval or macroexpand. Macros are found by
;;;; %runtime-macro-function; a program that reaches it also gets (from the driver) the
;;;; standard expanders of stages/compiler/expand.lisp and, for each of its own
;;;; defmacros, a top-level step that calls %register-runtime-macro.
;;;;
;;;; A let binds a variable that has a global value dynamically (it was declared by
;;;; defvar or defparameter, compiled or evaluated). Not supported: symbol-macrolet,
;;;; progv, local special declarations, (funcall 'eval ...) (#'eval works: the compiler
;;;; maps it to %eval, but the symbol EVAL has no function).

(in-package "WASMBOOT-RUNTIME")

(defun %eval (form)
  (%ev form nil))

(defun %macroexpand-1 (form &optional env)
  (declare (ignore env))
  (let ((m (and (consp form) (symbolp (car form)) (%runtime-macro-function (car form)))))
    (if m
        (values (funcall m form) t)
        (values form nil))))

(defun %macroexpand (form &optional env)
  (let ((expanded-any nil))
    (loop
      (multiple-value-bind (expansion expanded) (%macroexpand-1 form env)
        (if expanded
            (setq form expansion expanded-any t)
            (return (values form expanded-any)))))))

;;; Macros. The driver watches for %runtime-macro-function: only a program that
;;; reaches it carries the expanders.

(defun %runtime-macro-function (name)
  "The expander (a function of the whole form) of the macro NAME, or nil."
  (or (getf (symbol-plist name) '%runtime-macro)
      (%standard-macro-function name)))

(defun %register-runtime-macro (name expander)
  (%set-symbol-plist name (list* '%runtime-macro expander (symbol-plist name)))
  name)

;;; The evaluator proper.

(defun %ev (form env)
  (cond ((symbolp form) (%ev-variable form env))
        ((atom form) form)
        ((consp (car form))
         (apply (%ev-function-object (car form) env) (%ev-args (cdr form) env)))
        (t (%ev-compound (car form) form env))))

(defun %ev-args (args env)
  (let ((values '()))
    (dolist (a args) (push (%ev a env) values))
    (nreverse values)))

(defun %ev-lookup (kind name env)
  (dolist (entry env nil)
    (when (and (eq (car entry) kind) (eql (cadr entry) name))
      (return entry))))

(defun %ev-variable (name env)
  (cond ((or (null name) (eq name t) (keywordp name)) name)
        (t (let ((entry (%ev-lookup :var name env)))
             (cond (entry (car (caddr entry)))
                   ((boundp name) (symbol-value name))
                   (t (error "The variable ~S is unbound." name)))))))

(defun %ev-body (forms env)
  (let ((result nil))
    (dolist (f forms) (setq result (%ev f env)))
    result))

(defun %ev-strip-declarations (body)
  (loop while (and (consp body) (consp (car body)) (eq (car (car body)) 'declare))
        do (setq body (cdr body)))
  body)

(defun %ev-function-object (x env)
  "The function named or described by X, as by (function X)."
  (cond ((symbolp x)
         (let ((entry (%ev-lookup :fun x env)))
           (cond (entry (caddr entry))
                 ((fboundp x) (symbol-function x))
                 ((%ev-builtin-function x))
                 (t (error "The function ~S is undefined." x)))))
        ((and (consp x) (eq (car x) 'lambda))
         (%ev-lambda (cadr x) (cddr x) env))
        (t (error "~S is not a function name." x))))

(defun %ev-compound (op form env)
  (case op
    (quote (cadr form))
    (function (%ev-function-object (cadr form) env))
    (if (if (%ev (cadr form) env) (%ev (caddr form) env) (%ev (cadddr form) env)))
    (progn (%ev-body (cdr form) env))
    ((let let*) (%ev-let (eq op 'let*) (cadr form) (cddr form) env))
    (setq (%ev-setq (cdr form) env))
    (lambda (%ev-lambda (cadr form) (cddr form) env))
    ((flet labels) (%ev-flet (eq op 'labels) (cadr form) (cddr form) env))
    (block (let ((tag (list (cadr form))))
             (catch tag (%ev-body (cddr form) (cons (list :block (cadr form) tag) env)))))
    (return-from
     (let ((entry (%ev-lookup :block (cadr form) env)))
       (unless entry (error "return-from: no block named ~S." (cadr form)))
       (throw (caddr entry) (%ev (caddr form) env))))
    (tagbody (%ev-tagbody (cdr form) env))
    (go (let ((entry (%ev-lookup :tag (cadr form) env)))
          (unless entry (error "go: no tag ~S." (cadr form)))
          (throw (caddr entry) (cadddr entry))))
    (catch (catch (%ev (cadr form) env) (%ev-body (cddr form) env)))
    (throw (throw (%ev (cadr form) env) (%ev (caddr form) env)))
    (unwind-protect (unwind-protect (%ev (cadr form) env) (%ev-body (cddr form) env)))
    (multiple-value-bind
     (let ((vals (multiple-value-list (%ev (caddr form) env))) (env2 env))
       (dolist (name (cadr form))
         (push (list :var name (list (car vals))) env2)
         (setq vals (cdr vals)))
       (%ev-body (%ev-strip-declarations (cdddr form)) env2)))
    (multiple-value-call
     (let ((args '()))
       (dolist (f (cddr form))
         (setq args (append args (multiple-value-list (%ev f env)))))
       (apply (%ev (cadr form) env) args)))
    (multiple-value-list (multiple-value-list (%ev (cadr form) env)))
    (multiple-value-prog1 (let ((vals (multiple-value-list (%ev (cadr form) env))))
                            (%ev-body (cddr form) env)
                            (values-list vals)))
    (values (values-list (%ev-args (cdr form) env)))
    (the (%ev (caddr form) env))
    (locally (%ev-body (%ev-strip-declarations (cdr form)) env))
    (declare nil)
    (eval-when (if (or (member :execute (cadr form)) (member 'eval (cadr form)))
                   (%ev-body (cddr form) env)
                   nil))
    (load-time-value (%ev (cadr form) nil))
    (defun (let ((name (cadr form)))
             (%set-symbol-function
              name (%ev-lambda (caddr form) (list (list* 'block name (%ev-doc-stripped (cdddr form))))
                               env))
             name))
    (defmacro (%ev-defmacro (cadr form) (caddr form) (cdddr form)))
    (defvar (let ((name (cadr form)))
              (when (and (cddr form) (not (boundp name)))
                (set name (%ev (caddr form) env)))
              name))
    ((defparameter defconstant)
     (set (cadr form) (%ev (caddr form) env))
     (cadr form))
    (macrolet
     (let ((env2 env))
       (dolist (d (cadr form))
         (push (list :macro (car d) (%ev-macro-expander (car d) (cadr d) (cddr d))) env2))
       (%ev-body (%ev-strip-declarations (cddr form)) env2)))
    ((declaim proclaim) nil)
    (in-package (setq *package* (find-package (string (cadr form)))))
    (t (let ((m (%ev-macro-function op env)))
         (if m
             (%ev (funcall m form) env)
             (apply (%ev-function-object op env) (%ev-args (cdr form) env)))))))

(defun %ev-macro-function (name env)
  "The expander of NAME as a macro in ENV (macrolet, else global), or nil."
  (let ((entry (dolist (e env nil)
                 (when (and (or (eq (car e) :fun) (eq (car e) :macro)) (eq (cadr e) name))
                   (return e)))))
    (cond ((null entry) (%runtime-macro-function name))
          ((eq (car entry) :macro) (caddr entry))
          (t nil))))

(defun %ev-let (sequential bindings body env)
  ;; a variable that has a global value is taken as special (declared by defvar or
  ;; defparameter, whether compiled or evaluated) and bound dynamically
  (let ((saved (list nil)) (env2 env))
    (unwind-protect
         (progn
           (if sequential
               (dolist (b bindings)
                 (setq env2 (%ev-bind-variable b (%ev-binding-value b env2) env2 saved)))
               (let ((values (%ev-args (mapcar (lambda (b) (if (and (consp b) (cdr b)) (cadr b) nil))
                                               bindings)
                                       env)))
                 (dolist (b bindings)
                   (setq env2 (%ev-bind-variable b (car values) env2 saved))
                   (setq values (cdr values)))))
           (%ev-body (%ev-strip-declarations body) env2))
      (dolist (old (car saved))
        (if (cadr old)
            (set (car old) (caddr old))
            (makunbound (car old)))))))

(defun %ev-binding-value (binding env)
  (if (and (consp binding) (cdr binding)) (%ev (cadr binding) env) nil))

(defun %ev-bind-variable (binding value env saved)
  "ENV with BINDING's variable bound to VALUE; a special one is set, its old value
pushed onto (car SAVED)."
  (let ((name (if (consp binding) (car binding) binding)))
    (if (and name (not (eq name t)) (not (keywordp name)) (boundp name))
        (progn (rplaca saved (cons (list name t (symbol-value name)) (car saved)))
               (set name value)
               env)
        (cons (list :var name (list value)) env))))

(defun %ev-setq (pairs env)
  (let ((value nil))
    (loop while pairs
          do (let ((entry (%ev-lookup :var (car pairs) env)))
               (setq value (%ev (cadr pairs) env))
               (if entry
                   (rplaca (caddr entry) value)
                   (set (car pairs) value))
               (setq pairs (cddr pairs))))
    value))

(defun %ev-flet (recursive definitions body env)
  (let ((env2 env))
    (dolist (d definitions)
      (push (list :fun (car d) nil) env2))
    (let ((entries env2))
      (dolist (d (reverse definitions))
        (rplaca (cddr (car entries))
                (%ev-lambda (cadr d) (list (list* 'block (car d) (%ev-doc-stripped (cddr d))))
                            (if recursive env2 env)))
        (setq entries (cdr entries))))
    (%ev-body (%ev-strip-declarations body) env2)))

(defun %ev-doc-stripped (body)
  (let ((body (%ev-strip-declarations body)))
    (if (and (stringp (car body)) (cdr body))
        (%ev-strip-declarations (cdr body))
        body)))

(defun %ev-tagbody (body env)
  (let ((tag (list :tagbody)) (env2 env) (index 0) (segments '()) (current '()))
    ;; segment 0 holds the forms before the first tag; tag number i starts segment i
    (dolist (x body)
      (if (or (symbolp x) (integerp x))
          (progn (setq index (+ index 1))
                 (push (list :tag x tag index) env2)
                 (push (nreverse current) segments)
                 (setq current '()))
          (push x current)))
    (push (nreverse current) segments)
    (let ((segments (coerce (nreverse segments) 'simple-vector))
          (pc 0))
      (loop
        (let ((next (catch tag
                      (loop while (< pc (length segments))
                            do (%ev-body (svref segments pc) env2)
                               (setq pc (+ pc 1)))
                      :done)))
          (if (eq next :done)
              (return nil)
              (setq pc next)))))))

(defun %ev-lambda (lambda-list body env)
  (let ((body (%ev-doc-stripped body)))
    (lambda (&rest args)
      (%ev-body body (%ev-bind-lambda-list lambda-list args env)))))

(defun %ev-bind-lambda-list (lambda-list args env)
  (let ((state :required) (env2 env) (rest args) (rest-seen nil))
    (dolist (x lambda-list)
      (cond ((eq x '&optional) (setq state :optional))
            ((or (eq x '&rest) (eq x '&body)) (setq state :rest rest-seen t))
            ((eq x '&key) (setq state :key rest-seen t))
            ((eq x '&allow-other-keys) nil)
            ((eq x '&aux) (setq state :aux))
            ((eq state :required)
             (when (null rest) (error "Too few arguments: ~S." args))
             (push (list :var x (list (car rest))) env2)
             (setq rest (cdr rest)))
            ((eq state :optional)
             (let ((spec (if (consp x) x (list x))))
               (push (list :var (car spec) (list (if rest (car rest) (%ev (cadr spec) env2))))
                     env2)
               (when (caddr spec) (push (list :var (caddr spec) (list (if rest t nil))) env2))
               (setq rest (cdr rest))))
            ((eq state :rest) (push (list :var x (list rest)) env2))
            ((eq state :key)
             (let* ((spec (if (consp x) x (list x)))
                    (var (car spec))
                    (key (if (consp var) (car var) (intern (symbol-name var) "KEYWORD")))
                    (name (if (consp var) (cadr var) var))
                    (tail (do ((p rest (cddr p))) ((atom p) nil)
                            (when (eq (car p) key) (return p)))))
               (push (list :var name (list (if tail (cadr tail) (%ev (cadr spec) env2)))) env2)
               (when (caddr spec) (push (list :var (caddr spec) (list (if tail t nil))) env2))))
            ((eq state :aux)
             (let ((spec (if (consp x) x (list x))))
               (push (list :var (car spec) (list (%ev (cadr spec) env2))) env2)))))
    (when (and rest (not rest-seen))
      (error "Too many arguments: ~S." args))
    env2))

(defun %ev-defmacro (name lambda-list body)
  (%register-runtime-macro name (%ev-macro-expander name lambda-list body)))

(defun %ev-macro-expander (name lambda-list body)
  "The expander (a function of the whole form) of a macro definition."
  (let ((whole (make-symbol "FORM")))
    (%ev-lambda (list whole)
                (list (list* 'let*
                             (%macro-lambda-list-bindings
                              (if (listp lambda-list) lambda-list (list '&rest lambda-list))
                              whole)
                             (list (list* 'block name (%ev-doc-stripped body)))))
                nil)))

(defun %ev-builtin-function (name)
  "Function objects of the CL functions the compiler open-codes or the library
defines, which a compiled program has in symbol function slots only when it uses them."
  (case name
    (* #'*) (+ #'+) (- #'-) (/= #'/=) (1+ #'1+) (1- #'1-) (< #'<) (<= #'<=) (= #'=)
    (> #'>) (>= #'>=) (abs #'abs) (acons #'acons) (adjoin #'adjoin)
    (adjust-array #'adjust-array) (adjustable-array-p #'adjustable-array-p)
    (alpha-char-p #'alpha-char-p) (alphanumericp #'alphanumericp) (append #'append)
    (apply #'apply) (aref #'aref) (array-dimension #'array-dimension)
    (array-has-fill-pointer-p #'array-has-fill-pointer-p) (arrayp #'arrayp) (ash #'ash)
    (assoc #'assoc) (assoc-if #'assoc-if) (atom #'atom) (both-case-p #'both-case-p)
    (boundp #'boundp) (butlast #'butlast) (caar #'caar) (cadddr #'cadddr)
    (caddr #'caddr) (cadr #'cadr) (car #'car) (cdar #'cdar) (cddddr #'cddddr)
    (cdddr #'cdddr) (cddr #'cddr) (cdr #'cdr) (ceiling #'ceiling) (cerror #'cerror)
    (char #'char) (char-code #'char-code) (char-downcase #'char-downcase)
    (char-equal #'char-equal) (char-greaterp #'char-greaterp) (char-lessp #'char-lessp)
    (char-name #'char-name) (char-not-equal #'char-not-equal)
    (char-upcase #'char-upcase) (char/= #'char/=) (char< #'char<) (char<= #'char<=)
    (char= #'char=) (char> #'char>) (char>= #'char>=) (characterp #'characterp)
    (clear-output #'clear-output) (close #'close) (clrhash #'clrhash)
    (code-char #'code-char) (coerce #'coerce) (complement #'complement)
    (concatenate #'concatenate) (cons #'cons) (consp #'consp) (constantly #'constantly)
    (copy-alist #'copy-alist) (copy-list #'copy-list) (copy-seq #'copy-seq)
    (copy-tree #'copy-tree) (count #'count) (count-if #'count-if)
    (count-if-not #'count-if-not) (delete #'delete)
    (delete-duplicates #'delete-duplicates) (delete-if #'delete-if)
    (delete-if-not #'delete-if-not) (digit-char #'digit-char)
    (digit-char-p #'digit-char-p) (elt #'elt) (endp #'endp) (eq #'eq) (eql #'eql)
    (equal #'equal) (equalp #'equalp) (error #'error) (evenp #'evenp) (every #'every)
    (export #'export) (expt #'expt) (fboundp #'fboundp) (fifth #'fifth)
    (file-length #'file-length) (fill #'fill) (fill-pointer #'fill-pointer)
    (find #'find) (find-if #'find-if) (find-if-not #'find-if-not)
    (find-package #'find-package) (find-symbol #'find-symbol)
    (finish-output #'finish-output) (first #'first) (floor #'floor)
    (force-output #'force-output) (format #'format) (fourth #'fourth)
    (fresh-line #'fresh-line) (funcall #'funcall) (functionp #'functionp) (gcd #'gcd)
    (gensym #'gensym) (get-output-stream-string #'get-output-stream-string)
    (getf #'getf) (gethash #'gethash) (graphic-char-p #'graphic-char-p)
    (hash-table-size #'hash-table-size) (hash-table-test #'hash-table-test)
    (identity #'identity) (integer-length #'integer-length) (integerp #'integerp)
    (intern #'intern) (intersection #'intersection) (isqrt #'isqrt)
    (keywordp #'keywordp) (last #'last) (lcm #'lcm) (ldiff #'ldiff) (length #'length)
    (list #'list) (list* #'list*) (list-all-packages #'list-all-packages)
    (list-length #'list-length) (listen #'listen) (listp #'listp) (logand #'logand)
    (logbitp #'logbitp) (logcount #'logcount) (logior #'logior) (lognot #'lognot)
    (logxor #'logxor) (lower-case-p #'lower-case-p) (make-array #'make-array)
    (make-condition #'make-condition) (make-hash-table #'make-hash-table)
    (make-list #'make-list) (make-sequence #'make-sequence) (make-string #'make-string)
    (make-string-input-stream #'make-string-input-stream)
    (make-string-output-stream #'make-string-output-stream) (make-symbol #'make-symbol)
    (makunbound #'makunbound) (map #'map) (map-into #'map-into) (mapc #'mapc)
    (mapcan #'mapcan) (mapcar #'mapcar) (mapcon #'mapcon) (maphash #'maphash)
    (mapl #'mapl) (maplist #'maplist) (max #'max) (member #'member)
    (member-if #'member-if) (member-if-not #'member-if-not) (merge #'merge) (min #'min)
    (minusp #'minusp) (mismatch #'mismatch) (mod #'mod) (name-char #'name-char)
    (nbutlast #'nbutlast) (nconc #'nconc) (not #'not) (notany #'notany)
    (notevery #'notevery) (nreconc #'nreconc) (nreverse #'nreverse)
    (nstring-downcase #'nstring-downcase) (nstring-upcase #'nstring-upcase) (nth #'nth)
    (nthcdr #'nthcdr) (null #'null) (numberp #'numberp) (oddp #'oddp) (open #'open)
    (open-stream-p #'open-stream-p) (package-name #'package-name)
    (package-nicknames #'package-nicknames) (package-use-list #'package-use-list)
    (packagep #'packagep) (pairlis #'pairlis) (parse-integer #'parse-integer)
    (peek-char #'peek-char) (plusp #'plusp) (position #'position)
    (position-if #'position-if) (position-if-not #'position-if-not) (pprint #'pprint)
    (prin1 #'prin1) (prin1-to-string #'prin1-to-string) (princ #'princ)
    (princ-to-string #'princ-to-string) (print #'print) (rassoc #'rassoc)
    (rassoc-if #'rassoc-if) (read-byte #'read-byte) (read-char #'read-char)
    (read-line #'read-line) (read-sequence #'read-sequence) (reduce #'reduce)
    (rem #'rem) (remhash #'remhash) (remove #'remove)
    (remove-duplicates #'remove-duplicates) (remove-if #'remove-if)
    (remove-if-not #'remove-if-not) (replace #'replace) (rest #'rest)
    (revappend #'revappend) (reverse #'reverse) (round #'round) (rplaca #'rplaca)
    (rplacd #'rplacd) (schar #'schar) (search #'search) (second #'second) (set #'set)
    (set-difference #'set-difference) (signal #'signal) (signum #'signum)
    (simple-string-p #'simple-string-p) (simple-vector-p #'simple-vector-p)
    (some #'some) (sort #'sort) (stable-sort #'stable-sort) (string #'string)
    (string-capitalize #'string-capitalize) (string-downcase #'string-downcase)
    (string-equal #'string-equal) (string-greaterp #'string-greaterp)
    (string-left-trim #'string-left-trim) (string-lessp #'string-lessp)
    (string-not-equal #'string-not-equal) (string-not-greaterp #'string-not-greaterp)
    (string-not-lessp #'string-not-lessp) (string-right-trim #'string-right-trim)
    (string-trim #'string-trim) (string-upcase #'string-upcase) (string/= #'string/=)
    (string< #'string<) (string<= #'string<=) (string= #'string=) (string> #'string>)
    (string>= #'string>=) (stringp #'stringp) (sublis #'sublis) (subseq #'subseq)
    (subsetp #'subsetp) (subst #'subst) (substitute #'substitute) (svref #'svref)
    (sxhash #'sxhash) (symbol-function #'symbol-function) (symbol-name #'symbol-name)
    (symbol-package #'symbol-package) (symbol-plist #'symbol-plist)
    (symbol-value #'symbol-value) (symbolp #'symbolp) (tailp #'tailp) (terpri #'terpri)
    (third #'third) (truncate #'truncate) (type-of #'type-of) (typep #'typep)
    (union #'union) (unread-char #'unread-char) (upper-case-p #'upper-case-p)
    (values #'values) (values-list #'values-list) (vector #'vector)
    (vector-pop #'vector-pop) (vector-push #'vector-push)
    (vector-push-extend #'vector-push-extend) (vectorp #'vectorp) (warn #'warn)
    (write #'write) (write-byte #'write-byte) (write-char #'write-char)
    (write-line #'write-line) (write-sequence #'write-sequence)
    (write-string #'write-string) (write-to-string #'write-to-string) (zerop #'zerop)
    (eval #'%eval) (macroexpand-1 #'%macroexpand-1) (macroexpand #'%macroexpand)
    (t (%ev-primitive-function (symbol-name name)))))

(defun %ev-primitive-function (name)
  "The primitives the standard macros expand into, by name (one function per name,
whatever the package of the symbol)."
  (cond ((or (= (length name) 0) (char/= (char name 0) #\%)) nil)
        ((string= name "%ASET") #'%aset)
        ((string= name "%SVSET") #'%svset)
        ((string= name "%CHARSET") #'%charset)
        ((string= name "%SET-FILL-POINTER") #'%set-fill-pointer)
        ((string= name "%PUTHASH") #'%puthash)
        ((string= name "%STRUCT-REF") #'%struct-ref)
        ((string= name "%STRUCT-SET") #'%struct-set)
        ((string= name "%STRUCT-TYPEP") #'%struct-typep)
        ((string= name "%COPY-STRUCT") #'%copy-struct)
        ((string= name "%CATCH-ERROR") #'%catch-error)
        ((string= name "%RAISE") #'%raise)
        (t nil)))
