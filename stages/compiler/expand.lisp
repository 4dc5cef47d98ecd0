;;;; The standard macro expanders of the embedded compiler (compile-time code).
;;;;
;;;; Provides the macros of stages/SUBSET.md ("Macros"): backquote, the control macros,
;;;; the setf family, defstruct, define-condition, loop, destructuring-bind and the
;;;; stream / condition helpers; also ccase, ctypecase, psetf, rotatef, shiftf,
;;;; multiple-value-prog1, nth-value, loop's being hash-keys/hash-values and
;;;; loop-finish, and setf of getf, elt and user macro places. Expansions use only
;;;; special forms, the CL functions of SUBSET.md, other macros of this file and the
;;;; primitives of stages/PRIMITIVES.md.
;;;;
;;;; define-condition makes a structure type (the first parent is the included type)
;;;; and stores the type's class record (:condition-class constructor report parent) as
;;;; the global value of its name; stages/runtime-lib/conditions.lisp reads it.
;;;;
;;;; Entry points for the compiler core:
;;;;
;;;;   (standard-macro-function name) => expander or nil
;;;;       NAME is a COMMON-LISP symbol (or a WASMBOOT-COMPILER one: quasiquote, unquote,
;;;;       unquote-splicing, the reader's). The expander takes one argument, the whole
;;;;       form, and returns its expansion (one step).
;;;;       The reader's backquote forms are (quasiquote x), (unquote x) and
;;;;       (unquote-splicing x); `quasiquote` has an expander here like any macro.
;;;;
;;;;   (destructuring-lambda-list-bindings lambda-list whole-var &optional macro-p)
;;;;       => a list of LET* bindings that destructure the list held by the variable
;;;;       WHOLE-VAR according to the destructuring LAMBDA-LIST (required, nested
;;;;       lists, &optional, &rest, &body, dotted tail, &key, &allow-other-keys, &aux,
;;;;       &whole). With MACRO-P true, WHOLE-VAR holds the whole macro call form:
;;;;       &whole binds to it, the parameters destructure its cdr, and an
;;;;       &environment variable is bound to nil. Missing or extra elements and unknown
;;;;       keys signal errors, as in SBCL. A defmacro thus compiles to
;;;;       (lambda (form) (let* ,(destructuring-lambda-list-bindings ll 'form t) ,@body)).
;;;;
;;;;   (split-declarations body) => (values declare-forms other-forms)
;;;;
;;;;   *place-macroexpand-function*: nil, or a function of a form returning (values
;;;;       expansion expanded-p), used to expand a setf place that is a user macro call.
;;;;
;;;;   *intern-function*: how defstruct interns the names it makes (make-NAME, NAME-P,
;;;;       COPY-NAME, accessors): nil means the host's *package*; the compiler binds it
;;;;       to a function of a string that interns in its current compile-time package.
;;;;
;;;; Determinism: every variable an expansion introduces is made with `make-symbol` and
;;;; a fixed name, so expansions print the same on every run and host; nothing depends
;;;; on `gensym`'s counter.
;;;;
;;;; Compile-time state: `defstruct` and `define-condition` record their structure
;;;; layouts in *struct-infos* (so :include and setf of accessors can be expanded);
;;;; the runtime library's condition types are pre-recorded (see the end of the file).

(in-package "WASMBOOT-COMPILER")

;;; ------------------------------------------------------------------------------
;;; Registry and small helpers

(defvar *standard-macros* (make-hash-table :test 'equal)
  "Symbol name -> expander function of the whole form.")

(defvar *host-cl-package* (find-package "COMMON-LISP"))
(defvar *expander-package* (find-package "WASMBOOT-COMPILER"))

(defun standard-macro-function (name)
  "The expander of the standard macro NAME: a COMMON-LISP symbol (or one of this
package, such as quasiquote), so a program's own symbol that shadows a CL name is not
taken for the CL macro."
  (and (symbolp name)
       (let ((package (symbol-package name)))
         (or (eq package *host-cl-package*) (eq package *expander-package*)))
       (gethash (symbol-name name) *standard-macros*)))

;;; The same two entry points under %-names, for the run-time evaluator
;;; (stages/runtime-lib/evaluator.lisp): a %-name is one function whatever the package,
;;; so the library can call them without naming this package.
(defun %standard-macro-function (name)
  (standard-macro-function name))

(defun %macro-lambda-list-bindings (lambda-list whole-var)
  (destructuring-lambda-list-bindings lambda-list whole-var t))

(defmacro define-expander (name lambda-list &body body)
  "Define the standard expander for the macro called NAME; LAMBDA-LIST destructures the
arguments (the form's cdr)."
  (let ((form (make-symbol "FORM")))
    `(setf (gethash ,(symbol-name name) *standard-macros*)
           (lambda (,form)
             (destructuring-bind ,lambda-list (cdr ,form) ,@body)))))

(defun named-p (x name)
  "True if X is a symbol whose name is NAME (loop keywords and the like)."
  (and (symbolp x) x (string= (symbol-name x) name)))

(defun temp (name)
  (make-symbol name))

(defun split-declarations (body)
  "Leading (declare ...) forms of BODY, and the rest."
  (let ((decls '()))
    (loop while (and (consp body) (consp (car body)) (named-p (car (car body)) "DECLARE"))
          do (push (pop body) decls))
    (values (nreverse decls) body)))

(defun constant-form-p (x)
  (or (and (atom x) (not (symbolp x)))
      (keywordp x) (eq x t) (eq x nil)
      (and (consp x) (named-p (car x) "QUOTE"))))

(defun progn-form (forms)
  (if (and (consp forms) (null (cdr forms))) (car forms) (cons 'progn forms)))

(defun expander-error (control &rest args)
  (error "~A" (apply #'format nil control args)))

;;; ------------------------------------------------------------------------------
;;; Backquote (CLHS 2.4.6). The template is turned into append/list forms with
;;; quoted constants, innermost backquote first, then simplified into list, list*,
;;; cons and quote forms.

(defun bq-op-p (x name)
  (and (consp x) (named-p (car x) name)))

(defun bq-process (x)
  (cond ((simple-vector-p x)
         (if (bq-has-unquote-p x)
             (list 'apply '(function vector) (bq-complete (map 'list #'identity x)))
             (list 'quote x)))
        ((atom x) (list 'quote x))
        ((bq-op-p x "QUASIQUOTE") (bq-process (bq-complete (cadr x))))
        ((bq-op-p x "UNQUOTE") (cadr x))
        ((bq-op-p x "UNQUOTE-SPLICING") (expander-error ",@~S after backquote" (cadr x)))
        (t (let ((pieces '()) (p x))
             (loop
               (cond ((null p) (return (cons 'append (nreverse pieces))))
                     ((atom p)
                      (return (cons 'append (nreverse (cons (list 'quote p) pieces)))))
                     ((bq-op-p p "UNQUOTE")
                      (when (cddr p) (expander-error "malformed ,~S" p))
                      (return (cons 'append (nreverse (cons (cadr p) pieces)))))
                     ((bq-op-p p "UNQUOTE-SPLICING")
                      (expander-error "dotted ,@~S" (cadr p))))
               (push (bq-bracket (car p)) pieces)
               (setq p (cdr p)))))))

(defun bq-has-unquote-p (x)
  (cond ((simple-vector-p x) (some #'bq-has-unquote-p (map 'list #'identity x)))
        ((atom x) nil)
        ((or (bq-op-p x "UNQUOTE") (bq-op-p x "UNQUOTE-SPLICING")) t)
        (t (or (bq-has-unquote-p (car x)) (bq-has-unquote-p (cdr x))))))

(defun bq-bracket (x)
  "One element of a template list, as an argument of append."
  (cond ((bq-op-p x "UNQUOTE") (list 'list (cadr x)))
        ((bq-op-p x "UNQUOTE-SPLICING") (list :splice (cadr x)))
        (t (list 'list (bq-complete x)))))

(defun bq-complete (x)
  (bq-simplify (bq-process x)))

(defun bq-quoted-p (x)
  (and (consp x) (eq (car x) 'quote)))

(defun bq-simplify (form)
  "Rewrite (append (list a) (list b) ... tail) into list / list* / cons / append."
  (if (and (consp form) (eq (car form) 'append))
      (let* ((args (cdr form))
             (result (if args (car (last args)) ''nil)))
        (when (and args (consp result) (eq (car result) :splice))
          ;; a final ,@x: (append ... x) shares x, as CL allows
          (setq result (cadr result)))
        (dolist (arg (cdr (reverse args)))
          (setq result
                (if (eq (car arg) :splice)
                    (bq-append (cadr arg) result)
                    (bq-list* (cdr arg) result))))
        (if args (bq-fold result) ''nil))
      form))

(defun bq-append (x rest)
  (cond ((equal rest ''nil) (list 'append x))   ; keep append: ,@x then copies x
        ((and (consp rest) (eq (car rest) 'append)) (list* 'append x (cdr rest)))
        (t (list 'append x rest))))

(defun bq-list* (items rest)
  (cond ((equal rest ''nil) (cons 'list items))
        ((and (consp rest) (eq (car rest) 'list)) (cons 'list (append items (cdr rest))))
        ((and (consp rest) (eq (car rest) 'list*)) (cons 'list* (append items (cdr rest))))
        (t (cons 'list* (append items (list rest))))))

(defun bq-fold (form)
  "Constant folding: all-quoted list/list* forms become one quoted constant;
two-argument list* becomes cons; single-argument append of a final ,@ stays a copy."
  (cond ((and (consp form) (eq (car form) 'list) (every #'bq-quoted-p (cdr form)))
         (list 'quote (mapcar #'cadr (cdr form))))
        ((and (consp form) (eq (car form) 'list*) (every #'bq-quoted-p (cdr form)))
         (list 'quote (apply #'list* (mapcar #'cadr (cdr form)))))
        ((and (consp form) (eq (car form) 'list*) (= (length form) 3))
         (cons 'cons (cdr form)))
        (t form)))

(define-expander quasiquote (template)
  (bq-complete template))

(define-expander unquote (x)
  (expander-error "comma not inside a backquote: ,~S" x))

(define-expander unquote-splicing (x)
  (expander-error "comma-at not inside a backquote: ,@~S" x))

;;; ------------------------------------------------------------------------------
;;; Control macros

(define-expander when (test &body body)
  (list 'if test (progn-form body) nil))

(define-expander unless (test &body body)
  (list 'if test nil (progn-form body)))

(define-expander and (&rest forms)
  (cond ((null forms) t)
        ((null (cdr forms)) (car forms))
        (t (list 'if (car forms) (cons 'and (cdr forms)) nil))))

(define-expander or (&rest forms)
  (cond ((null forms) nil)
        ((null (cdr forms)) (car forms))
        (t (let ((v (temp "OR")))
             (list 'let (list (list v (car forms)))
                   (list 'if v v (cons 'or (cdr forms))))))))

(define-expander cond (&rest clauses)
  (if (null clauses)
      nil
      (let ((clause (car clauses)) (more (cdr clauses)))
        (unless (consp clause) (expander-error "bad cond clause ~S" clause))
        (cond ((null (cdr clause))
               (if more (list 'or (car clause) (cons 'cond more)) (list 'values (car clause))))
              ((eq (car clause) t) (progn-form (cdr clause)))
              (t (list 'if (car clause) (progn-form (cdr clause))
                       (if more (cons 'cond more) nil)))))))

(defun case-otherwise-p (keys)
  (or (eq keys t) (named-p keys "OTHERWISE")))

(defun case-keys-test (k keys)
  "A test of K against KEYS: eql tests for a few keys (no call), member for more."
  (cond ((null (cdr keys)) (list 'eql k (list 'quote (car keys))))
        ((<= (length keys) 4)
         (cons 'or (mapcar (lambda (key) (list 'eql k (list 'quote key))) keys)))
        (t (list 'member k (list 'quote keys)))))

(defun expand-case (keyform clauses final)
  "FINAL is nil (case) or a function of the key variable and the list of keys that
returns the fall-through form (ecase)."
  (let ((k (temp "KEY")) (all-keys '()) (cond-clauses '()))
    (dolist (clause clauses)
      (let ((keys (car clause)) (body (or (cdr clause) '(nil))))
        (cond ((and (case-otherwise-p keys) (null final))
               (push (cons t body) cond-clauses))
              ((listp keys)
               (setq all-keys (append all-keys keys))
               (when keys
                 (push (cons (case-keys-test k keys) body) cond-clauses)))
              (t (setq all-keys (append all-keys (list keys)))
                 (push (cons (list 'eql k (list 'quote keys)) body) cond-clauses)))))
    (when final
      (push (list t (funcall final k all-keys)) cond-clauses))
    (list 'let (list (list k keyform)) (cons 'cond (nreverse cond-clauses)))))

(define-expander case (keyform &rest clauses)
  (expand-case keyform clauses nil))

(define-expander ecase (keyform &rest clauses)
  (expand-case keyform clauses
               (lambda (k keys)
                 (list 'error ''type-error :datum k
                       :expected-type (list 'quote (cons 'member keys))))))

(defun expand-typecase (keyform clauses errorp)
  (let ((k (temp "KEY")) (types '()) (cond-clauses '()))
    (dolist (clause clauses)
      (let ((type (car clause)) (body (or (cdr clause) '(nil))))
        (if (and (case-otherwise-p type) (not errorp))
            (push (cons t body) cond-clauses)
            (progn (push type types)
                   (push (cons (list 'typep k (list 'quote type)) body) cond-clauses)))))
    (when errorp
      (push (list t (list 'error ''type-error :datum k
                          :expected-type (list 'quote (cons 'or (reverse types)))))
            cond-clauses))
    (list 'let (list (list k keyform)) (cons 'cond (nreverse cond-clauses)))))

(define-expander ccase (keyform &rest clauses)
  (funcall (standard-macro-function 'ecase) (list* 'ecase keyform clauses)))

(define-expander ctypecase (keyform &rest clauses)
  (expand-typecase keyform clauses t))

(define-expander typecase (keyform &rest clauses)
  (expand-typecase keyform clauses nil))

(define-expander etypecase (keyform &rest clauses)
  (expand-typecase keyform clauses t))

(define-expander prog1 (first &rest forms)
  (let ((v (temp "PROG1")))
    (list* 'let (list (list v first)) (append forms (list v)))))

(define-expander prog2 (first second &rest forms)
  (list 'progn first (list* 'prog1 second forms)))

(define-expander multiple-value-prog1 (first &rest forms)
  (let ((v (temp "VALUES")))
    (list* 'let (list (list v (list 'multiple-value-list first)))
           (append forms (list (list 'values-list v))))))

(define-expander nth-value (n form)
  (if (and (integerp n) (>= n 0) (< n 8))
      ;; no list for a constant index
      (let ((vars (loop for i from 0 to n collect (temp "VALUE"))))
        (list 'multiple-value-bind vars form (car (last vars))))
      (list 'nth n (list 'multiple-value-list form))))

(define-expander return (&optional value)
  (list 'return-from nil value))

;;; Iteration. dolist binds its variable afresh for each element and dotimes steps one
;;; binding, as SBCL does (closures capturing the variable see what they see in SBCL).

(define-expander dolist ((var list-form &optional result) &body body)
  (multiple-value-bind (decls forms) (split-declarations body)
    (let ((l (temp "LIST")) (start (temp "START")))
      (list 'block nil
            (list 'let (list (list l list-form))
                  (list 'tagbody
                        start
                        (list 'unless (list 'endp l)
                              (list* 'let (list (list var (list 'car l)))
                                     (append decls
                                             (list (list 'setq l (list 'cdr l))
                                                   (cons 'tagbody forms))))
                              (list 'go start))))
            (list 'let (list (list var nil)) var result)))))

(define-expander dotimes ((var count-form &optional result) &body body)
  (let ((n (temp "COUNT")))
    (list* 'do (list (list var 0 (list '1+ var)) (list n count-form))
           (list (list '>= var n) result)
           body)))

(defun expand-do (bindings end-clause body sequential)
  (multiple-value-bind (decls forms) (split-declarations body)
    (let ((top (temp "TOP"))
          (steps '()))
      (dolist (b bindings)
        (when (and (consp b) (cddr b))
          (push (car b) steps)
          (push (caddr b) steps)))
      (setq steps (nreverse steps))
      (list 'block nil
            (list* (if sequential 'let* 'let)
                   (mapcar (lambda (b) (if (consp b) (list (car b) (cadr b)) b)) bindings)
                   (append decls
                           (list (append (list 'tagbody
                                               top
                                               (list 'when (car end-clause)
                                                     (list 'return-from nil
                                                           (progn-form (cdr end-clause)))))
                                         forms
                                         (if steps
                                             (list (cons (if sequential 'setq 'psetq) steps))
                                             '())
                                         (list (list 'go top))))))))))

(define-expander do (bindings end-clause &body body)
  (expand-do bindings end-clause body nil))

(define-expander do* (bindings end-clause &body body)
  (expand-do bindings end-clause body t))

;;; ------------------------------------------------------------------------------
;;; Places: (place-expansion place) => (values temps vals store-var store-form access)
;;; like get-setf-expansion: bind TEMPS to VALS with let*, then STORE-FORM stores the
;;; value of STORE-VAR and returns it, ACCESS reads the place.

(defvar *struct-infos* (make-hash-table :test 'eq)
  "Structure name -> struct-info, recorded at compile time by defstruct and
define-condition.")

(defvar *struct-accessors* (make-hash-table :test 'eq)
  "Accessor function name -> (structure-name . slot-index), for setf.")

(defvar *struct-accessor-names* (make-hash-table :test 'equal)
  "Accessor name (a string) -> (structure-name . slot-index): the fallback when the
symbol setf sees is not the one defstruct made (a compiler that renames the functions
defstruct defines into its own package).")

(defun struct-accessor-info (name)
  (and (symbolp name)
       (or (gethash name *struct-accessors*)
           (gethash (symbol-name name) *struct-accessor-names*))))

(defvar *place-macroexpand-function* nil
  "Nil, or a function of a form returning (values expansion expanded-p): how setf,
incf, push ... expand a place that is a call of a user's macro. The compiler binds it.")

(defun cxr-path (name)
  "For C[AD]+R names, the letters between C and R; else nil."
  (let ((s (symbol-name name)))
    (and (> (length s) 2)
         (char= (char s 0) #\C)
         (char= (char s (1- (length s))) #\R)
         (every (lambda (c) (or (char= c #\A) (char= c #\D))) (subseq s 1 (1- (length s))))
         (subseq s 1 (1- (length s))))))

(defun normalize-place (place)
  "Rewrite list accessors into nested car/cdr places."
  (if (and (consp place) (symbolp (car place)))
      (let* ((op (car place)) (name (symbol-name op)))
        (cond ((string= name "FIRST") (list 'car (cadr place)))
              ((string= name "REST") (list 'cdr (cadr place)))
              ((string= name "SECOND") (list 'car (list 'cdr (cadr place))))
              ((string= name "THIRD") (list 'car (list 'cddr (cadr place))))
              ((string= name "FOURTH") (list 'car (list 'cdddr (cadr place))))
              ((string= name "FIFTH") (list 'car (list 'nthcdr 4 (cadr place))))
              ((and (cxr-path op) (> (length (cxr-path op)) 1))
               (let ((path (cxr-path op)))
                 (list (if (char= (char path 0) #\A) 'car 'cdr)
                       (list (intern (concatenate 'string "C" (subseq path 1) "R") "COMMON-LISP")
                             (cadr place)))))
              (t place)))
      place))

(defun getf-place-expansion (place)
  "(getf plist-place indicator [default]): the plist is itself a place."
  (destructuring-bind (plist-place indicator &optional default) (cdr place)
    (multiple-value-bind (temps vals inner-store inner-store-form inner-access)
        (place-expansion plist-place)
      (let ((ind (temp "INDICATOR")) (def (temp "DEFAULT")) (store (temp "NEW"))
            (tail (temp "TAIL")) (p (temp "P")))
        (values (append temps (list ind def))
                (append vals (list indicator default))
                store
                (list 'let (list (list tail (list 'do (list (list p inner-access (list 'cddr p)))
                                                  (list (list 'atom p) nil)
                                                  (list 'when (list 'eq (list 'car p) ind)
                                                        (list 'return p)))))
                      (list 'if tail
                            (list 'rplaca (list 'cdr tail) store)
                            (list 'let (list (list inner-store (list 'list* ind store inner-access)))
                                  inner-store-form))
                      store)
                (list 'getf inner-access ind def))))))

(defun place-expansion (place)
  (setq place (normalize-place place))
  (when (and (consp place) (named-p (car place) "GETF"))
    (return-from place-expansion (getf-place-expansion place)))
  (let ((store (temp "NEW")))
    (cond
      ((symbolp place)
       (values '() '() store (list 'setq place store) place))
      ((not (consp place)) (expander-error "not a place: ~S" place))
      (t
       (let* ((op (car place))
              (args (cdr place))
              (name (and (symbolp op) (symbol-name op)))
              (temps (mapcar (lambda (a) (declare (ignore a)) (temp "PLACE")) args))
              (vals args))
         ;; constant subforms need no temporary
         (setq temps (mapcar (lambda (tv a) (if (constant-form-p a) a tv)) temps args))
         (let ((real-temps '()) (real-vals '()))
           (loop for tv in temps for a in args
                 unless (constant-form-p a) do (push tv real-temps) (push a real-vals))
           (setq real-temps (nreverse real-temps) real-vals (nreverse real-vals))
           (flet ((done (store-form)
                    (values real-temps real-vals store store-form (cons op temps))))
             (cond
               ((string= name "CAR")
                (done (list 'progn (list 'rplaca (car temps) store) store)))
               ((string= name "CDR")
                (done (list 'progn (list 'rplacd (car temps) store) store)))
               ((string= name "NTH")
                (done (list 'progn (list 'rplaca (list 'nthcdr (car temps) (cadr temps)) store)
                            store)))
               ((string= name "AREF") (done (list '%aset (car temps) (cadr temps) store)))
               ((string= name "ELT")
                (done (list 'if (list 'listp (car temps))
                            (list 'progn (list 'rplaca (list 'nthcdr (cadr temps) (car temps)) store)
                                  store)
                            (list '%aset (car temps) (cadr temps) store))))
               ((string= name "SVREF") (done (list '%svset (car temps) (cadr temps) store)))
               ((or (string= name "CHAR") (string= name "SCHAR"))
                (done (list '%charset (car temps) (cadr temps) store)))
               ((string= name "GETHASH")
                (done (list '%puthash (car temps) (cadr temps) store)))
               ((string= name "SYMBOL-VALUE") (done (list 'set (car temps) store)))
               ((string= name "FILL-POINTER")
                (done (list '%set-fill-pointer (car temps) store)))
               ((struct-accessor-info op)
                (let ((info (struct-accessor-info op)))
                  (values real-temps real-vals store
                          (list '%struct-set (car temps) (list 'quote (car info)) (cdr info) store)
                          (list '%struct-ref (car temps) (list 'quote (car info)) (cdr info)))))
               ((and *place-macroexpand-function*
                     (multiple-value-bind (expansion expanded-p)
                         (funcall *place-macroexpand-function* place)
                       (when expanded-p
                         (return-from place-expansion (place-expansion expansion))))))
               (t (expander-error "unknown place ~S for setf" place))))))))))

(defun wrap-temps (temps vals body-form)
  (if temps
      (list 'let* (mapcar #'list temps vals) body-form)
      body-form))

(defun expand-setf-pair (place value)
  (setq place (normalize-place place))
  (if (symbolp place)
      (list 'setq place value)
      (multiple-value-bind (temps vals store store-form) (place-expansion place)
        (if (constant-form-p value)
            (wrap-temps temps vals (subst-store store-form store value))
            (wrap-temps (append temps (list store)) (append vals (list value)) store-form)))))

(defun subst-store (form store value)
  "FORM with the symbol STORE replaced by the constant VALUE."
  (cond ((eq form store) value)
        ((atom form) form)
        ((eq (car form) 'quote) form)
        (t (cons (subst-store (car form) store value) (subst-store (cdr form) store value)))))

(define-expander setf (&rest pairs)
  (when (oddp (length pairs)) (expander-error "odd number of arguments to setf"))
  (if (and pairs (null (cddr pairs)))
      (expand-setf-pair (car pairs) (cadr pairs))
      (cons 'progn (loop for (p v) on pairs by #'cddr collect (expand-setf-pair p v)))))

(define-expander psetf (&rest pairs)
  ;; all subforms and values evaluated left to right, then all stores
  (let ((bindings '()) (stores '()))
    (loop for (place value) on pairs by #'cddr
          do (multiple-value-bind (temps vals store store-form) (place-expansion place)
               (setq bindings (append bindings (mapcar #'list temps vals)
                                      (list (list store value))))
               (push store-form stores)))
    (list 'let* bindings (cons 'progn (nreverse stores)) nil)))

(define-expander shiftf (&rest places-and-value)
  (let* ((places (butlast places-and-value))
         (value (car (last places-and-value)))
         (bindings '()) (accesses '()) (stores '()) (store-vars '()))
    (dolist (place places)
      (multiple-value-bind (temps vals store store-form access) (place-expansion place)
        (setq bindings (append bindings (mapcar #'list temps vals)))
        (push access accesses) (push store store-vars) (push store-form stores)))
    (setq accesses (nreverse accesses) store-vars (nreverse store-vars) stores (nreverse stores))
    (let ((result (temp "OLD")))
      (list 'let* (append bindings
                          (list (list result (car accesses)))
                          (mapcar #'list store-vars (append (cdr accesses) (list value))))
            (cons 'progn stores)
            result))))

(define-expander rotatef (&rest places)
  (if (null places)
      nil
      (let ((bindings '()) (accesses '()) (stores '()) (store-vars '()))
        (dolist (place places)
          (multiple-value-bind (temps vals store store-form access) (place-expansion place)
            (setq bindings (append bindings (mapcar #'list temps vals)))
            (push access accesses) (push store store-vars) (push store-form stores)))
        (setq accesses (nreverse accesses) store-vars (nreverse store-vars)
              stores (nreverse stores))
        (list 'let* (append bindings
                            (mapcar #'list store-vars (append (cdr accesses) (list (car accesses)))))
              (cons 'progn stores)
              nil))))

(define-expander psetq (&rest pairs)
  (when (oddp (length pairs)) (expander-error "odd number of arguments to psetq"))
  (let ((binds '()) (sets '()))
    (loop for (var val) on pairs by #'cddr
          do (let ((tv (temp "NEW")))
               (push (list tv val) binds)
               (push var sets) (push tv sets)))
    (list 'let (nreverse binds) (cons 'setq (nreverse sets)) nil)))

(defun expand-modify (place compute)
  "Read-modify-write: COMPUTE maps the access form to the new value form."
  (setq place (normalize-place place))
  (if (symbolp place)
      (list 'setq place (funcall compute place))
      (multiple-value-bind (temps vals store store-form access) (place-expansion place)
        (wrap-temps (append temps (list store))
                    (append vals (list (funcall compute access)))
                    store-form))))

(define-expander incf (place &optional (delta 1))
  (if (or (symbolp place) (constant-form-p delta))
      (expand-modify place (lambda (access) (list '+ access delta)))
      (let ((d (temp "DELTA")))
        (multiple-value-bind (temps vals store store-form access) (place-expansion place)
          (wrap-temps (append temps (list d store)) (append vals (list delta (list '+ access d)))
                      store-form)))))

(define-expander decf (place &optional (delta 1))
  (if (or (symbolp place) (constant-form-p delta))
      (expand-modify place (lambda (access) (list '- access delta)))
      (let ((d (temp "DELTA")))
        (multiple-value-bind (temps vals store store-form access) (place-expansion place)
          (wrap-temps (append temps (list d store)) (append vals (list delta (list '- access d)))
                      store-form)))))

;;; define-modify-macro: NAME becomes a macro whose expansion is (%modify-place place
;;; FUNCTION args...), which stores (FUNCTION value args...) into the place, evaluating
;;; the place's subforms once, then the arguments, left to right.

(define-expander define-modify-macro (name lambda-list function &optional doc)
  (declare (ignore doc))
  (let ((place (temp "PLACE")) (fixed '()) (rest nil) (in-rest nil))
    (dolist (p lambda-list)
      (cond ((named-p p "&OPTIONAL") nil)
            ((named-p p "&REST") (setq in-rest t))
            (in-rest (setq rest p))
            (t (push (if (consp p) (car p) p) fixed))))
    (list 'defmacro name (cons place lambda-list)
          (list 'list* (list 'quote (intern "%MODIFY-PLACE" "WASMBOOT-COMPILER")) place
                (list 'quote function)
                (cons 'list* (append (reverse fixed) (list rest)))))))

(define-expander %modify-place (place function &rest args)
  (let ((vars (mapcar (lambda (a) (declare (ignore a)) (temp "ARG")) args)))
    (multiple-value-bind (temps vals store store-form access) (place-expansion place)
      (wrap-temps (append temps vars (list store))
                  (append vals args (list (list* function access vars)))
                  store-form))))

(define-expander push (item place)
  (if (or (symbolp (normalize-place place)) (constant-form-p item))
      (expand-modify place (lambda (access) (list 'cons item access)))
      (let ((x (temp "ITEM")))
        (multiple-value-bind (temps vals store store-form access) (place-expansion place)
          (wrap-temps (append (list x) temps (list store))
                      (append (list item) vals (list (list 'cons x access)))
                      store-form)))))

(define-expander pushnew (item place &rest keys)
  (let ((x (temp "ITEM")))
    (multiple-value-bind (temps vals store store-form access) (place-expansion place)
      (wrap-temps (append (list x) temps (list store))
                  (append (list item) vals (list (list* 'adjoin x access keys)))
                  store-form))))

(define-expander pop (place)
  (let ((l (temp "LIST")))
    (multiple-value-bind (temps vals store store-form access) (place-expansion place)
      (wrap-temps (append temps (list l))
                  (append vals (list access))
                  (list 'prog1 (list 'car l)
                        (list 'let (list (list store (list 'cdr l))) store-form))))))

(define-expander multiple-value-setq (vars form)
  (let ((temps (mapcar (lambda (v) (declare (ignore v)) (temp "VALUE")) vars)))
    (if (null vars)
        (list 'values form)
        (list 'multiple-value-bind temps form
              (cons 'setq (mapcan #'list vars temps))
              (car temps)))))

;;; ------------------------------------------------------------------------------
;;; destructuring-bind and destructuring lambda lists

(defvar *lambda-list-keywords*
  '("&OPTIONAL" "&REST" "&BODY" "&KEY" "&ALLOW-OTHER-KEYS" "&AUX" "&WHOLE" "&ENVIRONMENT"))

(defun lambda-keyword-p (x)
  (and (symbolp x) x (member (symbol-name x) *lambda-list-keywords* :test #'string=)))

(defun dbind-error (whole-form message)
  (list 'error "Error while parsing arguments to DESTRUCTURING-BIND: ~A in ~S"
        message whole-form))

(defun destructuring-lambda-list-bindings (lambda-list whole-var &optional macro-p)
  (let ((bindings '()))
    (flet ((bind (var form) (push (list var form) bindings)))
      (let ((list-var whole-var) (ll lambda-list))
        (when (and (consp ll) (named-p (car ll) "&WHOLE"))
          (bind (cadr ll) whole-var)
          (setq ll (cddr ll)))
        (when macro-p
          (let ((env-tail (lambda-list-tail ll "&ENVIRONMENT")))
            (when env-tail
              (bind (cadr env-tail) nil)
              (setq ll (remove-environment ll))))
          (setq list-var (temp "ARGS"))
          (bind list-var (list 'cdr whole-var)))
        (dbind-walk ll list-var whole-var #'bind)))
    (nreverse bindings)))

(defun lambda-list-tail (ll keyword-name)
  "The tail of LL starting at the lambda list keyword named KEYWORD-NAME, or nil.
LL may be dotted, as in ((a b) . rest), so member cannot be used."
  (loop
    (cond ((atom ll) (return nil))
          ((named-p (car ll) keyword-name) (return ll))
          (t (setq ll (cdr ll))))))

(defun remove-environment (ll)
  "LL without its &environment parameter."
  (cond ((atom ll) ll)
        ((named-p (car ll) "&ENVIRONMENT") (cddr ll))
        (t (cons (car ll) (remove-environment (cdr ll))))))

(defun dbind-walk (ll list-var whole-var bind)
  "Emit through BIND the bindings for the pattern LL matched against LIST-VAR."
  (let ((state :required) (cur list-var) (keys '()) (allow-other nil) (rest-seen nil))
    (flet ((next-cur ()
             (let ((c (temp "REST")))
               (funcall bind c (list 'cdr cur))
               (setq cur c)))
           (bind-pattern (pattern form)
             (if (symbolp pattern)
                 (funcall bind pattern form)
                 (let ((v (temp "PART")))
                   (funcall bind v form)
                   (dbind-walk pattern v whole-var bind)))))
      (loop
        (cond
          ((null ll) (return))
          ((atom ll)                    ; dotted tail: (a . rest)
           (funcall bind ll cur) (setq rest-seen t) (return))
          (t
           (let ((x (pop ll)))
             (cond
               ((named-p x "&OPTIONAL") (setq state :optional))
               ((or (named-p x "&REST") (named-p x "&BODY"))
                (bind-pattern (pop ll) cur) (setq rest-seen t state :after-rest))
               ((named-p x "&KEY") (setq state :key rest-seen t))
               ((named-p x "&ALLOW-OTHER-KEYS") (setq allow-other t))
               ((named-p x "&AUX") (setq state :aux))
               ((named-p x "&WHOLE") (bind-pattern (pop ll) whole-var))
               ((named-p x "&ENVIRONMENT") (funcall bind (pop ll) nil))
               ((eq state :required)
                (bind-pattern x (list 'if (list 'consp cur) (list 'car cur)
                                      (dbind-error whole-var "too few elements")))
                (next-cur))
               ((eq state :optional)
                (let* ((spec (if (consp x) x (list x)))
                       (var (car spec)) (init (cadr spec)) (svar (caddr spec)))
                  (if svar
                      (progn (funcall bind svar (list 'consp cur))
                             (bind-pattern var (list 'if svar (list 'car cur) init)))
                      (bind-pattern var (list 'if (list 'consp cur) (list 'car cur) init)))
                  (next-cur)))
               ((eq state :key) (push x keys))
               ((eq state :aux)
                (if (consp x) (funcall bind (car x) (cadr x)) (funcall bind x nil)))
               (t (expander-error "bad lambda list element ~S" x))))))))
    (setq keys (nreverse keys))
    (when keys
      (let ((known '()))
        (dolist (k keys)
          (let* ((spec (if (consp k) k (list k)))
                 (var-spec (car spec))
                 (keyword (if (consp var-spec)
                              (car var-spec)
                              (intern (symbol-name var-spec) "KEYWORD")))
                 (var (if (consp var-spec) (cadr var-spec) var-spec))
                 (init (cadr spec)) (svar (caddr spec))
                 (tail (temp "KEY-TAIL")))
            (push keyword known)
            (funcall bind tail (let ((p (temp "P")))
                                 (list 'do (list (list p cur (list 'cddr p)))
                                       (list (list 'atom p) nil)
                                       (list 'when (list 'eq (list 'car p) (list 'quote keyword))
                                             (list 'return p)))))
            (when svar (funcall bind svar (list 'not (list 'null tail))))
            (bind-key-var var (list 'if tail (list 'cadr tail) init) whole-var bind)))
        (unless allow-other
          (funcall bind (temp "CHECK")
                   (list 'unless (list 'getf cur :allow-other-keys)
                         (let ((p (temp "P")))
                           (list 'do (list (list p cur (list 'cddr p)))
                                 (list (list 'atom p) nil)
                                 (list 'unless (list 'member (list 'car p)
                                                     (list 'quote (cons :allow-other-keys known)))
                                       (dbind-error whole-var "unknown keyword argument")))))))))
    (unless rest-seen
      (funcall bind (temp "CHECK")
               (list 'if cur (dbind-error whole-var "too many elements") nil)))))

(defun bind-key-var (var form whole-var bind)
  (if (symbolp var)
      (funcall bind var form)
      (let ((v (temp "PART")))
        (funcall bind v form)
        (dbind-walk var v whole-var bind))))

(define-expander destructuring-bind (lambda-list expression &body body)
  (multiple-value-bind (decls forms) (split-declarations body)
    (let ((whole (temp "WHOLE")))
      (list* 'let* (cons (list whole expression)
                         (destructuring-lambda-list-bindings lambda-list whole))
             (append decls forms)))))

;;; ------------------------------------------------------------------------------
;;; defstruct. A struct-info is a list (name slots include) where slots is a list of
;;; (slot-name initform) with the included slots first.

(defun struct-info-slots (info) (cadr info))

(defun record-struct (name slots include)
  (setf (gethash name *struct-infos*) (list name slots include)))

(defvar *intern-function* nil
  "Nil, or a function of a string returning the symbol of that name in the current
compile-time package: how defstruct makes its function names (make-NAME, NAME-P, ...).
Nil means (intern name *package*), the host's current package.")

(defun struct-symbol (&rest parts)
  (let ((name (apply #'concatenate 'string
                     (mapcar (lambda (p) (if (symbolp p) (symbol-name p) p)) parts))))
    (if *intern-function*
        (funcall *intern-function* name)
        (intern name *package*))))

(defun parse-struct-options (name-and-options)
  "=> (values name conc-name constructors predicate copier include include-overrides)"
  (let* ((name (if (consp name-and-options) (car name-and-options) name-and-options))
         (options (if (consp name-and-options) (cdr name-and-options) '()))
         (conc-name (concatenate 'string (symbol-name name) "-"))
         (constructors '()) (no-constructor nil)
         (predicate (struct-symbol name "-P"))
         (copier (struct-symbol "COPY-" name))
         (include nil) (overrides '()))
    (dolist (opt options)
      (let* ((key (if (consp opt) (car opt) opt))
             (args (if (consp opt) (cdr opt) '()))
             (kname (symbol-name key)))
        (cond ((string= kname "CONC-NAME")
               (setq conc-name (if (and args (car args)) (string (car args)) "")))
              ((string= kname "CONSTRUCTOR")
               (cond ((null args))
                     ((null (car args)) (setq no-constructor t))
                     (t (push args constructors))))
              ((string= kname "PREDICATE") (when args (setq predicate (car args))))
              ((string= kname "COPIER") (when args (setq copier (car args))))
              ((string= kname "INCLUDE") (setq include (car args) overrides (cdr args)))
              ((or (string= kname "PRINT-FUNCTION") (string= kname "PRINT-OBJECT")
                   (string= kname "NAMED")))
              (t (expander-error "unsupported defstruct option ~S" opt)))))
    (when (and (null constructors) (not no-constructor))
      (push (list (struct-symbol "MAKE-" name)) constructors))
    (values name conc-name (nreverse constructors) predicate copier include overrides)))

(defun normalize-slot (spec)
  (if (consp spec) (list (car spec) (cadr spec)) (list spec nil)))

(defun boa-lambda-list (lambda-list slots)
  "A BOA constructor's lambda list, with slot initforms as defaults where none given."
  (let ((state :required))
    (mapcar (lambda (x)
              (cond ((lambda-keyword-p x) (setq state x) x)
                    ((member state '(:required)) x)
                    ((named-p state "&AUX") x)
                    ((or (named-p state "&OPTIONAL") (named-p state "&KEY"))
                     (if (and (symbolp x) (assoc x slots))
                         (list x (cadr (assoc x slots)))
                         x))
                    (t x)))
            lambda-list)))

(defun lambda-list-vars (lambda-list)
  (let ((vars '()))
    (dolist (x lambda-list)
      (unless (lambda-keyword-p x)
        (let ((v (if (consp x) (car x) x)))
          (push (if (consp v) (cadr v) v) vars))))
    vars))

(define-expander defstruct (name-and-options &rest slot-specs)
  (multiple-value-bind (name conc-name constructors predicate copier include overrides)
      (parse-struct-options name-and-options)
    (when (stringp (car slot-specs)) (pop slot-specs))
    (let* ((parent-slots (if include
                             (let ((info (or (gethash include *struct-infos*)
                                             (and (standard-name include)
                                                  (gethash (standard-name include)
                                                           *struct-infos*)))))
                               (unless info (expander-error "~S includes unknown structure ~S"
                                                            name include))
                               (mapcar (lambda (s)
                                         (let ((o (assoc (car s)
                                                         (mapcar #'normalize-slot overrides))))
                                           (or o s)))
                                       (struct-info-slots info)))
                             '()))
           (slots (append parent-slots (mapcar #'normalize-slot slot-specs)))
           (slot-names (mapcar #'car slots))
           (obj (temp "OBJECT"))
           (forms '()))
      (record-struct name slots include)
      (push (list '%define-struct (list 'quote name) (list 'quote slot-names)
                  (list 'quote include))
            forms)
      (dolist (c constructors)
        (let ((cname (car c)))
          (if (cdr c)
              (let ((ll (boa-lambda-list (cadr c) slots))
                    (vars (lambda-list-vars (cadr c))))
                (push (list 'defun cname ll
                            (list* '%make-struct (list 'quote name)
                                   (mapcar (lambda (s) (if (member (car s) vars) (car s) (cadr s)))
                                           slots)))
                      forms))
              (push (list 'defun cname (cons '&key slots)
                          (list* '%make-struct (list 'quote name) slot-names))
                    forms))))
      (let ((index 0))
        (dolist (s slots)
          (let ((accessor (struct-symbol conc-name (car s))))
            (setf (gethash accessor *struct-accessors*) (cons name index))
            (setf (gethash (symbol-name accessor) *struct-accessor-names*) (cons name index))
            (push (list 'defun accessor (list obj)
                        (list '%struct-ref obj (list 'quote name) index))
                  forms))
          (setq index (+ index 1))))
      (when predicate
        (push (list 'defun predicate (list obj) (list '%struct-typep obj (list 'quote name)))
              forms))
      (when copier
        (push (list 'defun copier (list obj)
                    (list 'if (list '%struct-typep obj (list 'quote name))
                          (list '%copy-struct obj)
                          (list 'error ''type-error :datum obj :expected-type (list 'quote name))))
              forms))
      (push (list 'quote name) forms)
      (cons 'progn (nreverse forms)))))

;;; ------------------------------------------------------------------------------
;;; define-condition. A condition type is a structure type (single inheritance: the
;;; first parent is the included type). Its class record, stored as the global value
;;; of the type's name symbol, is a list
;;;     (:condition-class constructor report parent)
;;; where constructor takes the make-condition initargs (&key, other keys allowed) and
;;; report is nil or a function of (condition stream). The runtime library's `error`,
;;; `make-condition` and printer use this record. Slot initargs and initforms are
;;; recorded at compile time in *condition-slots* so that subtypes can inherit them.

(defvar *condition-slots* (make-hash-table :test 'eq)
  "Condition type -> list of (slot-name initarg initform) with inherited slots first.")

(defun standard-name (symbol)
  "The COMMON-LISP symbol named like SYMBOL, if any: the runtime library's shadowing
symbols (wasmboot-runtime::error) denote the CL names."
  (multiple-value-bind (cl status) (find-symbol (symbol-name symbol) "COMMON-LISP")
    (and (eq status :external) cl)))

(defun condition-slots-of (type)
  "(values slots found-p) for the condition type TYPE."
  (multiple-value-bind (slots found) (gethash type *condition-slots*)
    (if (or found (null (standard-name type)))
        (values slots found)
        (gethash (standard-name type) *condition-slots*))))

(defun record-condition (name parent slots)
  (setf (gethash name *condition-slots*) slots)
  (record-struct name (mapcar (lambda (s) (list (car s) nil)) slots) parent))

(define-expander define-condition (name parents slot-specs &rest options)
  (let* ((parent (or (car parents) 'condition))
         (inherited (multiple-value-bind (slots found) (condition-slots-of parent)
                      (unless found
                        (expander-error "~S: unknown parent condition type ~S" name parent))
                      slots))
         (own '()) (readers '()) (report nil) (defaults '()))
    (dolist (spec slot-specs)
      (let* ((spec (if (consp spec) spec (list spec)))
             (slot (car spec)) (initarg nil) (initform nil) (plist (cdr spec)))
        (loop while plist
              do (let ((k (symbol-name (pop plist))) (v (pop plist)))
                   (cond ((string= k "INITARG") (unless initarg (setq initarg v)))
                         ((string= k "INITFORM") (setq initform v))
                         ((or (string= k "READER") (string= k "ACCESSOR")) (push (cons v slot) readers)))))
        (push (list slot initarg initform) own)))
    (dolist (opt options)
      (cond ((named-p (car opt) "REPORT")
             (let ((r (cadr opt)) (c (temp "CONDITION")) (s (temp "STREAM")))
               (setq report (cond ((stringp r) (list 'lambda (list c s) (list 'declare (list 'ignore c))
                                                     (list 'write-string r s)))
                                  ((symbolp r) (list 'function r))
                                  (t r)))))
            ((named-p (car opt) "DEFAULT-INITARGS") (setq defaults (cdr opt)))))
    (let* ((slots (append inherited (nreverse own)))
           (obj (temp "CONDITION"))
           (key-params (mapcar (lambda (s)
                                 (let ((default (or (getf defaults (cadr s)) (caddr s))))
                                   (if (cadr s)
                                       (list (list (cadr s) (car s)) default)
                                       (list (list (make-symbol (symbol-name (car s))) (car s))
                                             default))))
                               slots))
           (forms '()))
      (record-condition name parent slots)
      (push (list '%define-struct (list 'quote name) (list 'quote (mapcar #'car slots))
                  (list 'quote parent))
            forms)
      (dolist (r (reverse readers))
        (let ((info (cons name (position (cdr r) slots :key #'car))))
          (setf (gethash (car r) *struct-accessors*) info)
          (setf (gethash (symbol-name (car r)) *struct-accessor-names*) info))
        (push (list 'defun (car r) (list obj)
                    (list '%struct-ref obj (list 'quote name) (position (cdr r) slots :key #'car)))
              forms))
      (push (list 'set (list 'quote name)
                  (list 'list :condition-class
                        (list 'lambda (append (list '&key) key-params (list '&allow-other-keys))
                              (list* '%make-struct (list 'quote name) (mapcar #'car slots)))
                        report
                        (list 'quote parent)))
            forms)
      (push (list 'quote name) forms)
      (cons 'progn (nreverse forms)))))

;;; ------------------------------------------------------------------------------
;;; Conditions: handler-case over %catch-error / %raise.

(define-expander handler-case (form &rest clauses)
  (let* ((c (temp "CONDITION"))
         (no-error (find-if (lambda (cl) (named-p (car cl) "NO-ERROR")) clauses))
         (clauses (remove no-error clauses))
         (handler
           (list 'lambda (list c)
                 (cons 'cond
                       (append
                        (mapcar (lambda (clause)
                                  (destructuring-bind (type (&optional var) &body body) clause
                                    (list (list 'typep c (list 'quote type))
                                          (if var
                                              (list* 'let (list (list var c)) body)
                                              (list* 'progn (or body '(nil)))))))
                                clauses)
                        (list (list t (list '%raise c)))))))
         (catch-form (list '%catch-error (list 'lambda '() form) handler)))
    (if no-error
        (let ((b (temp "HANDLER-CASE")))
          (list 'block b
                (list 'multiple-value-call (list* 'lambda (cadr no-error) (cddr no-error))
                      (list '%catch-error (list 'lambda '() form)
                            (list 'lambda (list c)
                                  (list 'return-from b (list 'funcall handler c)))))))
        catch-form)))

(define-expander ignore-errors (&body forms)
  (let ((c (temp "CONDITION")))
    (list 'handler-case (progn-form forms)
          (list 'error (list c) (list 'values nil c)))))

(define-expander assert (test &optional places datum &rest args)
  (declare (ignore places))
  (list 'unless test
        (if datum
            (list* 'error datum args)
            (list 'error "The assertion ~S failed." (list 'quote test)))))

(define-expander check-type (place type &optional description)
  (declare (ignore description))
  (let ((v (temp "VALUE")))
    (list 'let (list (list v place))
          (list 'unless (list 'typep v (list 'quote type))
                (list 'error ''type-error :datum v :expected-type (list 'quote type)))
          nil)))

;;; ------------------------------------------------------------------------------
;;; Streams

(define-expander with-open-file ((var path &rest options) &body body)
  (multiple-value-bind (decls forms) (split-declarations body)
    (list* 'let (list (list var (list* 'open path options)))
           (append decls
                   (list (list 'unwind-protect (progn-form forms)
                               (list 'when var (list 'close var))))))))

(define-expander with-output-to-string ((var &optional string &key element-type) &body body)
  (declare (ignore element-type))
  (multiple-value-bind (decls forms) (split-declarations body)
    (if string
        ;; output appended to STRING (which has a fill pointer); the body's values
        (let ((target (temp "STRING")) (text (temp "TEXT")) (c (temp "CHAR")))
          (list 'let (list (list target string) (list var '(make-string-output-stream)))
                (list* 'multiple-value-prog1
                       (cons 'locally (append decls forms))
                       (list (list 'let (list (list text (list 'get-output-stream-string var)))
                                   (list 'loop 'for c 'across text
                                         'do (list 'vector-push-extend c target)))))))
        (list* 'let (list (list var '(make-string-output-stream)))
               (append decls (append forms (list (list 'get-output-stream-string var))))))))

(define-expander with-input-from-string ((var string &key (start 0) end) &body body)
  (multiple-value-bind (decls forms) (split-declarations body)
    (list* 'let (list (list var (list 'make-string-input-stream string start end)))
           (append decls forms))))

;;; ------------------------------------------------------------------------------
;;; loop. The expansion is
;;;   (block name (let* (bindings) (tagbody initially top iteration steps (go top)
;;;                                         end finally (return-from name result))))
;;; where `iteration` holds, in clause order, the termination tests and variable
;;; assignments of the for clauses and the code of the main clauses, and `steps` the
;;; end-of-iteration stepping of hidden variables.

(defvar *loop-tokens*)
(defvar *loop-name*)
(defvar *loop-bindings*)
(defvar *loop-iteration*)
(defvar *loop-steps*)
(defvar *loop-initially*)
(defvar *loop-finally*)
(defvar *loop-result*)
(defvar *loop-end-tag*)
(defvar *loop-first-var*)
(defvar *loop-accumulators*)
(defvar *loop-it*)

(defun loop-kw-p (token &rest names)
  (and (symbolp token) token
       (member (symbol-name token) names :test #'string=)))

(defun loop-peek () (car *loop-tokens*))

(defun loop-pop ()
  (when (null *loop-tokens*) (expander-error "loop: unexpected end of clauses"))
  (pop *loop-tokens*))

(defun loop-bind (var init)
  (setq *loop-bindings* (append *loop-bindings* (list (list var init)))))

(defun loop-emit (form)
  (setq *loop-iteration* (append *loop-iteration* (list form))))

(defun loop-step (form)
  (setq *loop-steps* (append *loop-steps* (list form))))

(defun loop-compound-forms ()
  (let ((forms '()))
    (loop while (consp (loop-peek)) do (push (loop-pop) forms))
    (nreverse forms)))

(defun loop-first-var ()
  (unless *loop-first-var*
    (setq *loop-first-var* (temp "FIRST-ITERATION"))
    (loop-bind *loop-first-var* t))
  *loop-first-var*)

(defun loop-bind-pattern (pattern)
  "Bind every variable of a destructuring pattern to nil."
  (cond ((null pattern))
        ((symbolp pattern) (loop-bind pattern nil))
        (t (loop-bind-pattern (car pattern)) (loop-bind-pattern (cdr pattern)))))

(defun loop-assign (pattern value)
  "A form assigning VALUE to the destructuring PATTERN."
  (cond ((null pattern) value)
        ((symbolp pattern) (list 'setq pattern value))
        (t (let ((tv (temp "PART")))
             (loop-bind tv nil)
             (list 'progn (list 'setq tv value)
                   (loop-assign (car pattern) (list 'car tv))
                   (loop-assign (cdr pattern) (list 'cdr tv)))))))

(defun loop-skip-type ()
  (cond ((loop-kw-p (loop-peek) "OF-TYPE") (loop-pop) (loop-pop))
        ((loop-kw-p (loop-peek) "FIXNUM" "INTEGER" "T" "NIL" "SYMBOL" "STRING" "CHARACTER")
         (loop-pop))))

(defun loop-parse-for ()
  (let ((var (loop-pop)))
    (loop-skip-type)
    (let ((kw (loop-pop)))
      (cond
        ((loop-kw-p kw "IN" "ON")
         (let ((l (temp "LIST")) (list-form (loop-pop)) (by nil))
           (when (loop-kw-p (loop-peek) "BY") (loop-pop) (setq by (loop-pop)))
           (loop-bind l list-form)
           (loop-bind-pattern var)
           (if (loop-kw-p kw "IN")
               (progn (loop-emit (list 'when (list 'endp l) (list 'go *loop-end-tag*)))
                      (loop-emit (loop-assign var (list 'car l))))
               (progn (loop-emit (list 'when (list 'atom l) (list 'go *loop-end-tag*)))
                      (loop-emit (loop-assign var l))))
           (loop-step (list 'setq l (if by
                                        (if (and (consp by) (named-p (car by) "FUNCTION"))
                                            (list (cadr by) l)
                                            (list 'funcall by l))
                                        (list 'cdr l))))))
        ((loop-kw-p kw "ACROSS")
         (let ((v (temp "VECTOR")) (i (temp "INDEX")))
           (loop-bind v (loop-pop))
           (loop-bind i 0)
           (loop-bind-pattern var)
           (loop-emit (list 'when (list '>= i (list 'length v)) (list 'go *loop-end-tag*)))
           (loop-emit (loop-assign var (list 'aref v i)))
           (loop-step (list 'setq i (list '1+ i)))))
        ((loop-kw-p kw "BEING")
         (loop-parse-hash-iteration var))
        ((loop-kw-p kw "=")
         (let ((init (loop-pop)))
           (loop-bind-pattern var)
           (if (loop-kw-p (loop-peek) "THEN")
               (let ((then (progn (loop-pop) (loop-pop))))
                 (loop-emit (loop-assign var (list 'if (loop-first-var) init then))))
               (loop-emit (loop-assign var init)))))
        ((loop-kw-p kw "FROM" "UPFROM" "DOWNFROM" "TO" "UPTO" "BELOW" "DOWNTO" "ABOVE" "BY")
         (push kw *loop-tokens*)
         (loop-parse-arithmetic var))
        (t (expander-error "loop: unknown for clause keyword ~S" kw))))))

(defun loop-parse-hash-iteration (var)
  "for VAR being the hash-keys|hash-values of TABLE [using (hash-value|hash-key V)]:
the entries are taken (in the table's order) into a list of (key . value) first."
  (when (loop-kw-p (loop-peek) "THE" "EACH") (loop-pop))
  (let* ((what (loop-pop))
         (keys-p (loop-kw-p what "HASH-KEY" "HASH-KEYS"))
         (table (progn (unless (loop-kw-p (loop-pop) "OF" "IN")
                         (expander-error "loop: expected OF after ~S" what))
                       (loop-pop)))
         (other (when (loop-kw-p (loop-peek) "USING")
                  (loop-pop)
                  (cadr (loop-pop))))
         (l (temp "ENTRIES")) (k (temp "KEY")) (v (temp "VALUE")) (acc (temp "ACC")))
    (unless (or keys-p (loop-kw-p what "HASH-VALUE" "HASH-VALUES"))
      (expander-error "loop: unsupported iteration BEING ~S" what))
    (loop-bind l (list 'let (list (list acc nil))
                       (list 'maphash (list 'lambda (list k v)
                                            (list 'setq acc (list 'cons (list 'cons k v) acc)))
                             table)
                       (list 'nreverse acc)))
    (loop-bind-pattern var)
    (when other (loop-bind other nil))
    (loop-emit (list 'when (list 'endp l) (list 'go *loop-end-tag*)))
    (loop-emit (loop-assign var (list (if keys-p 'caar 'cdar) l)))
    (when other (loop-emit (list 'setq other (list (if keys-p 'cdar 'caar) l))))
    (loop-step (list 'setq l (list 'cdr l)))))

(defun loop-parse-arithmetic (var)
  (let ((start 0) (limit nil) (limit-kind nil) (by 1) (down nil))
    (loop while (loop-kw-p (loop-peek) "FROM" "UPFROM" "DOWNFROM" "TO" "UPTO" "BELOW"
                           "DOWNTO" "ABOVE" "BY")
          do (let ((kw (loop-pop)))
               (cond ((loop-kw-p kw "FROM" "UPFROM") (setq start (loop-pop)))
                     ((loop-kw-p kw "DOWNFROM") (setq start (loop-pop) down t))
                     ((loop-kw-p kw "TO" "UPTO") (setq limit (loop-pop) limit-kind :inclusive))
                     ((loop-kw-p kw "BELOW") (setq limit (loop-pop) limit-kind :exclusive))
                     ((loop-kw-p kw "DOWNTO")
                      (setq limit (loop-pop) limit-kind :inclusive down t))
                     ((loop-kw-p kw "ABOVE") (setq limit (loop-pop) limit-kind :exclusive down t))
                     ((loop-kw-p kw "BY") (setq by (loop-pop))))))
    (loop-bind var start)
    (when limit
      (let ((lim (if (constant-form-p limit) limit (temp "LIMIT"))))
        (unless (eq lim limit) (loop-bind lim limit))
        (loop-emit (list 'when (list (if down
                                         (if (eq limit-kind :inclusive) '< '<=)
                                         (if (eq limit-kind :inclusive) '> '>=))
                                     var lim)
                         (list 'go *loop-end-tag*)))))
    (let ((step (if (constant-form-p by) by (temp "STEP"))))
      (unless (eq step by) (loop-bind step by))
      (loop-step (list 'setq var (list (if down '- '+) var step))))))

(defun loop-accumulator (into kind)
  "The accumulator record (var kind tail-or-flag) for INTO (nil: the default one)."
  (let ((found (assoc into *loop-accumulators*)))
    (or (cdr found)
        (let* ((var (or into (temp "RESULT")))
               (extra (cond ((member kind '(:list)) (temp "TAIL"))
                            ((member kind '(:max :min)) (temp "SEEN"))
                            (t nil)))
               (acc (list var kind extra)))
          (loop-bind var (if (member kind '(:sum :max :min)) 0 nil))
          (when extra (loop-bind extra nil))
          (setq *loop-accumulators* (append *loop-accumulators* (list (cons into acc))))
          (unless (or into *loop-result*) (setq *loop-result* var))
          acc))))

(defun loop-form-arg ()
  (let ((x (loop-pop)))
    (if (and *loop-it* (loop-kw-p x "IT")) *loop-it* x)))

(defun loop-accumulate-clause (kw)
  (let* ((form (loop-form-arg))
         (into (when (loop-kw-p (loop-peek) "INTO") (loop-pop) (loop-pop)))
         (kind (cond ((loop-kw-p kw "COLLECT" "COLLECTING" "APPEND" "APPENDING" "NCONC"
                                 "NCONCING")
                      :list)
                     ((loop-kw-p kw "SUM" "SUMMING") :sum)
                     ((loop-kw-p kw "COUNT" "COUNTING") :sum)
                     ((loop-kw-p kw "MAXIMIZE" "MAXIMIZING") :max)
                     (t :min)))
         (acc (loop-accumulator into kind))
         (var (car acc)) (extra (caddr acc)))
    (cond
      ((loop-kw-p kw "COLLECT" "COLLECTING")
       (let ((cell (temp "CELL")))
         (list 'let (list (list cell (list 'list form)))
               (list 'if extra (list 'rplacd extra cell) (list 'setq var cell))
               (list 'setq extra cell))))
      ((loop-kw-p kw "APPEND" "APPENDING" "NCONC" "NCONCING")
       (let ((cell (temp "CELLS")))
         (list 'let (list (list cell (cond ((loop-kw-p kw "COLLECT" "COLLECTING")
                                            (list 'list form))
                                           ((loop-kw-p kw "APPEND" "APPENDING")
                                            (list 'copy-list form))
                                           (t form))))
               (list 'when cell
                     (list 'if extra (list 'rplacd extra cell) (list 'setq var cell))
                     (list 'setq extra (list 'last cell))))))
      ((loop-kw-p kw "SUM" "SUMMING") (list 'setq var (list '+ var form)))
      ((loop-kw-p kw "COUNT" "COUNTING") (list 'when form (list 'setq var (list '1+ var))))
      (t (let ((v (temp "VALUE")))
           (list 'let (list (list v form))
                 (list 'when (list 'or (list 'not extra)
                                   (list (if (eq kind :max) '> '<) v var))
                       (list 'setq var v))
                 (list 'setq extra t)))))))

(defun loop-parse-selectable ()
  "One clause allowed after when/unless/if/else/and: returns its form."
  (let ((kw (loop-pop)))
    (cond
      ((loop-kw-p kw "DO" "DOING") (cons 'progn (loop-compound-forms)))
      ((loop-kw-p kw "RETURN")
       (list 'return-from *loop-name* (loop-form-arg)))
      ((loop-kw-p kw "COLLECT" "COLLECTING" "APPEND" "APPENDING" "NCONC" "NCONCING" "SUM"
                  "SUMMING" "COUNT" "COUNTING" "MAXIMIZE" "MAXIMIZING" "MINIMIZE" "MINIMIZING")
       (loop-accumulate-clause kw))
      ((loop-kw-p kw "WHEN" "IF" "UNLESS") (loop-parse-conditional kw))
      (t (expander-error "loop: ~S is not allowed here" kw)))))

(defun loop-parse-conditional (kw)
  (let* ((test (loop-pop))
         (it (temp "IT"))
         (then '()) (else '()))
    (let ((*loop-it* it))
      (push (loop-parse-selectable) then)
      (loop while (loop-kw-p (loop-peek) "AND")
            do (loop-pop) (push (loop-parse-selectable) then))
      (when (loop-kw-p (loop-peek) "ELSE")
        (loop-pop)
        (push (loop-parse-selectable) else)
        (loop while (loop-kw-p (loop-peek) "AND")
              do (loop-pop) (push (loop-parse-selectable) else)))
      (when (loop-kw-p (loop-peek) "END") (loop-pop)))
    (list 'let (list (list it (if (loop-kw-p kw "UNLESS") (list 'not test) test)))
          (list 'if it (cons 'progn (nreverse then)) (cons 'progn (nreverse else))))))

(defun loop-parse-clause ()
  (let ((kw (loop-pop)))
    (cond
      ((loop-kw-p kw "FOR" "AS")
       (loop-parse-for)
       (loop while (loop-kw-p (loop-peek) "AND") do (loop-pop) (loop-parse-for)))
      ((loop-kw-p kw "WITH")
       (loop
         (let ((var (loop-pop)))
           (loop-skip-type)
           (if (loop-kw-p (loop-peek) "=")
               (progn (loop-pop) (loop-bind var (loop-pop)))
               (loop-bind var nil)))
         (if (loop-kw-p (loop-peek) "AND") (loop-pop) (return))))
      ((loop-kw-p kw "REPEAT")
       (let ((n (temp "COUNT")))
         (loop-bind n (loop-pop))
         (loop-emit (list 'when (list '<= n 0) (list 'go *loop-end-tag*)))
         (loop-emit (list 'setq n (list '1- n)))))
      ((loop-kw-p kw "INITIALLY")
       (setq *loop-initially* (append *loop-initially* (loop-compound-forms))))
      ((loop-kw-p kw "FINALLY")
       (setq *loop-finally* (append *loop-finally* (loop-compound-forms))))
      ((loop-kw-p kw "WHILE")
       (loop-emit (list 'unless (loop-pop) (list 'go *loop-end-tag*))))
      ((loop-kw-p kw "UNTIL")
       (loop-emit (list 'when (loop-pop) (list 'go *loop-end-tag*))))
      ((loop-kw-p kw "ALWAYS")
       (loop-default-result t)
       (loop-emit (list 'unless (loop-pop) (list 'return-from *loop-name* nil))))
      ((loop-kw-p kw "NEVER")
       (loop-default-result t)
       (loop-emit (list 'when (loop-pop) (list 'return-from *loop-name* nil))))
      ((loop-kw-p kw "THEREIS")
       (let ((v (temp "VALUE")))
         (loop-emit (list 'let (list (list v (loop-pop)))
                          (list 'when v (list 'return-from *loop-name* v))))))
      (t (push kw *loop-tokens*)
         (loop-emit (loop-parse-selectable))))))

(defun loop-default-result (value)
  (unless *loop-result* (setq *loop-result* (list 'quote value))))

(define-expander loop (&rest clauses)
  (if (or (null clauses) (consp (car clauses)))
      (let ((top (temp "TOP")))
        (list 'block nil (append (list 'tagbody top) clauses (list (list 'go top)))))
      (let ((*loop-tokens* clauses) (*loop-name* nil) (*loop-bindings* '())
            (*loop-iteration* '()) (*loop-steps* '()) (*loop-initially* '())
            (*loop-finally* '()) (*loop-result* nil) (*loop-end-tag* (temp "END"))
            (*loop-first-var* nil) (*loop-accumulators* '()) (*loop-it* nil)
            (top (temp "TOP")))
        (when (loop-kw-p (loop-peek) "NAMED")
          (loop-pop)
          (setq *loop-name* (loop-pop)))
        (loop while *loop-tokens* do (loop-parse-clause))
        (when *loop-first-var*
          (loop-step (list 'setq *loop-first-var* nil)))
        (let ((body (list 'let* *loop-bindings*
                          (append (list 'tagbody)
                                  *loop-initially*
                                  (list top)
                                  *loop-iteration*
                                  *loop-steps*
                                  (list (list 'go top) *loop-end-tag*)
                                  *loop-finally*
                                  (list (list 'return-from *loop-name* *loop-result*))))))
          (list 'block *loop-name*
                (if (tree-has-symbol-named clauses "LOOP-FINISH")
                    ;; (loop-finish) in the body goes to the epilogue
                    (list 'macrolet (list (list 'loop-finish '()
                                                (list 'quote (list 'go *loop-end-tag*))))
                          body)
                    body))))))

(defun tree-has-symbol-named (tree name)
  (cond ((consp tree) (or (tree-has-symbol-named (car tree) name)
                          (tree-has-symbol-named (cdr tree) name)))
        (t (named-p tree name))))

;;; ------------------------------------------------------------------------------
;;; Runtime library condition types (stages/runtime-lib/conditions.lisp defines the
;;; same layouts with defstruct): name, parent, slots (name initarg initform).

(defun record-builtin-conditions ()
  (setf (gethash 'condition *condition-slots*) '())
  (record-struct 'condition '() nil)
  (record-condition 'error 'condition '())
  (record-condition 'warning 'condition '())
  (record-condition 'simple-error 'error '((format-control :format-control nil)
                                           (format-arguments :format-arguments nil)))
  (record-condition 'type-error 'error '((datum :datum nil) (expected-type :expected-type nil)))
  (record-condition 'program-error 'error '())
  (record-condition 'parse-error 'error '((format-control :format-control nil)
                                          (format-arguments :format-arguments nil)))
  (record-condition 'control-error 'error '())
  (record-condition 'stream-error 'error '((stream :stream nil)))
  (record-condition 'end-of-file 'stream-error '((stream :stream nil)))
  (record-condition 'file-error 'error '((pathname :pathname nil)))
  (record-condition 'arithmetic-error 'error '((operation :operation nil)
                                               (operands :operands nil)))
  (record-condition 'division-by-zero 'arithmetic-error '((operation :operation nil)
                                                          (operands :operands nil))))

(record-builtin-conditions)
