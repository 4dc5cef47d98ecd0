;;;; The front end: macroexpand a form and convert it to the intermediate tree (AST)
;;;; that the code generator consumes, resolving every variable to a VAR object and
;;;; recording which variables closures capture and which are assigned (those that
;;;; are both live in boxes).
;;;;
;;;; AST nodes are lists headed by a keyword:
;;;;   (:const x) (:lref var) (:lset var ast) (:gref sym) (:gset sym ast)
;;;;   (:if a b c) (:progn ast...) (:let ((var . ast)...) body) (:call sym args)
;;;;   (:funcall ast args) (:closure fn) (:fref sym) (:block blk body)
;;;;   (:return-from blk ast) (:tagbody tb segments) (:go tb index)
;;;;   (:catch tag body) (:throw tag value) (:unwind-protect ast cleanup)
;;;;   (:mvb vars ast body) (:values args) (:mvcall ast args) (:mvprog1 ast forms)
(in-package "WASMBOOT-COMPILER")

(defstruct var
  name
  (special nil)
  (captured nil)
  (assigned nil)
  owner)          ; the fn that binds it

(defstruct fn
  name            ; string for the name section
  parent
  (free nil)      ; captured vars of outer fns, in order of first use
  (required nil) (optional nil) (rest nil) (keys nil) (allow-other-keys nil)
  (key-p nil)
  body
  (index nil)     ; wasm function index of the uniform entry
  (fast-index nil)) ; and of the fast entry, if any

(defstruct blk name owner (nonlocal nil) (id-var nil) (mv nil) (depth 0))
(defstruct tb owner (nonlocal nil) (id-var nil) (tags nil) (depth 0))

(defvar *protect-depth* 0
  "How many unwind-protect forms and special bindings enclose the code being
converted: a return-from or go that leaves one must unwind (throw), not branch.")

(define-condition compile-failure (error)
  ((message :initarg :message :reader compile-failure-message)
   (form :initarg :form :reader compile-failure-form))
  (:report (lambda (c s) (format s "~a" (compile-failure-message c)))))

(defun fail (form control &rest args)
  (error 'compile-failure :message (apply #'format nil control args) :form form))

;;; Compile-time global state (reset per compilation).
(defvar *specials* nil "EQ table: symbols proclaimed special.")
(defvar *constants* nil "EQ table: defconstant symbol -> (value).")
(defvar *macros* nil "EQ table: user macro name -> expander function of the form.")
(defvar *current-fn* nil)
(defvar *current-form* nil "The innermost form with a known position, for messages.")

(defun special-p (sym) (gethash sym *specials*))

(defun sym-named (x name)
  (and (symbolp x) x (string= (symbol-name x) name)))

;;; Lexical environments: a list of entries
;;;   (:var name var) (:fun name var) (:macro name expander) (:smacro name form)
;;;   (:block name blk) (:tag name tb index) (:special name)

(defun env-lookup (env kind name)
  (dolist (e env nil)
    (when (and (eq (car e) kind) (eq (cadr e) name))
      (return e))))

(defun lookup-var (env name)
  ;; first :var, :smacro or :special entry for NAME
  (dolist (e env nil)
    (when (and (member (car e) '(:var :smacro :special)) (eq (cadr e) name))
      (return e))))

(defun lookup-fun (env name)
  (dolist (e env nil)
    (when (and (member (car e) '(:fun :macro)) (eq (cadr e) name))
      (return e))))

(defun note-use (var)
  ;; a use from another fn than the binder makes VAR captured, and free in every fn
  ;; between the use and the binder
  (let ((f *current-fn*))
    (loop while (and f (not (eq f (var-owner var))))
          do (setf (var-captured var) t)
             (unless (member var (fn-free f))
               (setf (fn-free f) (append (fn-free f) (list var))))
             (setq f (fn-parent f)))))

;;; Macroexpansion.

(defvar *fixup-package* nil "The package being read (for names that macros make).")
(defvar *expansion-env* nil "The lexical environment of the form being expanded.")

(defun macro-function-for (name env)
  (let ((local (lookup-fun env name)))
    (cond ((and local (eq (car local) :macro)) (caddr local))
          (local nil)
          ((gethash name *macros*))
          ((special-operator-name-p name) nil)
          ((own-form-p name) nil)
          (t (standard-macro-function name)))))

(defun special-operator-name-p (name)
  (member name '(quote function if progn let let* setq lambda flet labels block
                 return-from tagbody go catch throw unwind-protect
                 multiple-value-bind multiple-value-call multiple-value-list
                 multiple-value-prog1 values eval-when declare the locally macrolet
                 symbol-macrolet load-time-value)))

(defun own-form-p (name)
  (member name '(defun defmacro defvar defparameter defconstant declaim proclaim
                 in-package defpackage)))

(defun macroexpand-1-form (form env)
  "One step of expansion: (values expansion t), or (values form nil)."
  (cond ((and (consp form) (symbolp (car form)))
         (let ((m (macro-function-for (car form) env)))
           (if m
               (values (let ((*expansion-env* env))
                         (call-expander (car form) m (expand-user-places form env)))
                       t)
               (values form nil))))
        ((and (symbolp form) form (not (keywordp form)))
         (let ((e (lookup-var env form)))
           (if (and e (eq (car e) :smacro))
               (values (caddr e) t)
               (values form nil))))
        (t (values form nil))))

(defun struct-defining-p (name)
  (or (sym-named name "DEFSTRUCT") (sym-named name "DEFINE-CONDITION")))

(defun place-positions (name)
  ;; argument positions (1-based) that are places, for the modify macros
  (cond ((or (sym-named name "SETF") (sym-named name "PSETF")) :odd)
        ((or (sym-named name "INCF") (sym-named name "DECF") (sym-named name "POP")) (list 1))
        ((or (sym-named name "PUSH") (sym-named name "PUSHNEW")) (list 2))
        (t nil)))

(defun expand-user-place (place env)
  ;; a place that is a call of a user macro (or a symbol macro) is replaced by its
  ;; expansion, since the standard setf expanders only know the standard places
  (loop
    (if (or (and (consp place) (symbolp (car place))
                 (let ((local (lookup-fun env (car place))))
                   (or (and local (eq (car local) :macro))
                       (and (null local) (gethash (car place) *macros*)))))
            (and (symbolp place) place
                 (let ((e (lookup-var env place))) (and e (eq (car e) :smacro)))))
        (setq place (macroexpand-1-form place env))
        (return place))))

(defun expand-user-places (form env)
  (let ((positions (place-positions (car form))))
    (if (null positions)
        form
        (let ((i 0))
          (mapcar (lambda (x)
                    (prog1 (if (and (> i 0)
                                    (if (eq positions :odd) (oddp i) (member i positions)))
                               (expand-user-place x env)
                               x)
                      (setq i (+ i 1))))
                  form)))))

(defun call-expander (name m form)
  ;; defstruct/define-condition make the names of the functions they define with
  ;; INTERN in the host's *package*; rename those functions into the package being
  ;; compiled (and tell the setf expander about the renamed accessors)
  (if (struct-defining-p name)
      (let ((expansion (let ((*package* (find-package "WASMBOOT-COMPILER"))
                             (*intern-function* (lambda (s) (cpkg-intern s *fixup-package*))))
                         (funcall m form))))
        (if (and *fixup-package* (consp expansion) (eq (car expansion) 'progn))
            (cons 'progn (mapcar #'fix-defun-name (cdr expansion)))
            expansion))
      (let ((*place-macroexpand-function*
              (lambda (place)
                (let ((exp (expand-user-place place *expansion-env*)))
                  (values exp (not (eq exp place)))))))
        (funcall m form))))

(defun fix-defun-name (form)
  (if (and (consp form) (eq (car form) 'defun) (symbolp (cadr form)))
      (let* ((old (cadr form))
             (new (cpkg-intern (symbol-name old) *fixup-package*)))
        (if (eq new old)
            form
            (progn
              (multiple-value-bind (info found) (gethash old *struct-accessors*)
                (when found (setf (gethash new *struct-accessors*) info)))
              (list* 'defun new (cddr form)))))
      form))

(defun macroexpand-form (form env)
  (loop
    (multiple-value-bind (exp expanded) (macroexpand-1-form form env)
      (unless expanded (return form))
      (setq form exp))))

;;; Conversion.

(defun convert (form env)
  (when (and (consp form) *positions* (gethash form *positions*))
    (setq *current-form* form))
  (cond ((symbolp form) (convert-symbol form env))
        ((atom form) (list :const form))
        (t (let ((op (car form)))
             (cond ((not (symbolp op))
                    (if (and (consp op) (eq (car op) 'lambda))
                        (list :funcall (convert op env) (convert-args (cdr form) env))
                        (fail form "illegal function call ~s" op)))
                   (t
                    (multiple-value-bind (exp expanded) (macroexpand-1-form form env)
                      (if expanded
                          (convert exp env)
                          (convert-compound op form env)))))))))

(defun convert-args (args env)
  (mapcar (lambda (a) (convert a env)) args))

(defun convert-body (forms env)
  (cond ((null forms) (list :const nil))
        ((null (cdr forms)) (convert (car forms) env))
        (t (cons :progn (convert-args forms env)))))

(defun convert-symbol (sym env)
  (cond ((null sym) (list :const nil))
        ((eq sym t) (list :const t))
        ((keywordp sym) (list :const sym))
        (t
         (let ((e (lookup-var env sym)))
           (cond ((and e (eq (car e) :var))
                  (note-use (caddr e))
                  (list :lref (caddr e)))
                 ((and e (eq (car e) :smacro)) (convert (caddr e) env))
                 ((gethash sym *constants*)
                  (let ((v (car (gethash sym *constants*))))
                    (if (or (numberp v) (characterp v) (null v) (eq v t) (keywordp v))
                        (list :const v)
                        (list :gref sym))))
                 (t (list :gref sym)))))))

(defun strip-declarations (body env)
  "(values forms specials): the body without leading declarations (and doc strings
are left alone), and the names declared special."
  (declare (ignore env))
  (let ((specials nil))
    (loop while (and body (consp (car body)) (eq (caar body) 'declare))
          do (dolist (d (cdar body))
               (when (and (consp d) (eq (car d) 'special))
                 (setq specials (append specials (cdr d)))))
             (setq body (cdr body)))
    (values body specials)))

(defun strip-doc-and-declarations (body env)
  (if (and (stringp (car body)) (cdr body))
      (strip-declarations (cdr body) env)
      (strip-declarations body env)))

(defun make-binding-var (name specials)
  (unless (and (symbolp name) name (not (keywordp name)) (not (eq name t)))
    (fail name "cannot bind ~s" name))
  (make-var :name name :owner *current-fn*
            :special (or (special-p name) (member name specials))))

(defun bind-env (var env)
  (if (var-special var)
      (cons (list :special (var-name var)) env)
      (cons (list :var (var-name var) var) env)))

(defun convert-compound (op form env)
  (let ((fun-entry (lookup-fun env op)))
    (if (and fun-entry (eq (car fun-entry) :fun))
        (progn (note-use (caddr fun-entry))
               (list :funcall (list :lref (caddr fun-entry)) (convert-args (cdr form) env)))
        (case op
          (quote (list :const (cadr form)))
          (function (convert-function (cadr form) env))
          (if (list :if (convert (cadr form) env) (convert (caddr form) env)
                    (convert (cadddr form) env)))
          (progn (convert-body (cdr form) env))
          ((let let*) (convert-let form env (eq op 'let*)))
          (setq (convert-setq form env))
          (lambda (list :closure (convert-lambda "lambda" (cadr form) (cddr form) env)))
          ((flet labels) (convert-flet form env (eq op 'labels)))
          (block (convert-block form env))
          (return-from (convert-return-from form env))
          (tagbody (convert-tagbody (cdr form) env))
          (go (convert-go form env))
          (catch (list :catch (convert (cadr form) env) (convert-body (cddr form) env)))
          (throw (list :throw (convert (cadr form) env) (convert (caddr form) env)))
          (unwind-protect (list :unwind-protect
                                (let ((*protect-depth* (+ *protect-depth* 1)))
                                  (convert (cadr form) env))
                                (convert-body (cddr form) env)))
          (multiple-value-bind (convert-mvb form env))
          (multiple-value-call (list :mvcall (convert (cadr form) env)
                                     (convert-args (cddr form) env)))
          (multiple-value-list (list :mvcall (list :fref 'list)
                                     (list (convert (cadr form) env))))
          (multiple-value-prog1 (list :mvprog1 (convert (cadr form) env)
                                      (convert-args (cddr form) env)))
          (values (list :values (convert-args (cdr form) env)))
          (eval-when (if (or (member :execute (cadr form)) (member 'eval (cadr form)))
                         (convert-body (cddr form) env)
                         (list :const nil)))
          (declare (list :const nil))
          (the (convert (caddr form) env))
          (locally (multiple-value-bind (body specials) (strip-declarations (cdr form) env)
                     (let ((env2 env))
                       (dolist (s specials) (push (list :special s) env2))
                       (convert-body body env2))))
          (macrolet (convert-macrolet form env))
          (symbol-macrolet
           (let ((env2 env))
             (dolist (b (cadr form))
               (push (list :smacro (car b) (cadr b)) env2))
             (convert-body (cddr form) env2)))
          (load-time-value (convert (cadr form) env))
          ((defun defmacro defvar defparameter defconstant declaim proclaim in-package
            defpackage)
           (convert-definition form env))
          (t (convert-call op (cdr form) env))))))

(defun convert-call (op args env)
  (let ((cargs (convert-args args env)))
    (list :call (canonical-fname (library-alias op)) cargs)))

(defvar *runtime-evaluator-wanted* nil
  "True once the program calls (or takes #' of) eval, macroexpand-1 or macroexpand:
the driver then compiles the standard expanders and the program's macros into it.")

(defun library-alias (name)
  "The runtime library defines eval, macroexpand-1 and macroexpand as %eval,
%macroexpand-1 and %macroexpand (stages/runtime-lib/evaluator.lisp): SBCL's own must
stay in place where tests load the library into SBCL."
  (if (member name '(eval macroexpand-1 macroexpand))
      (progn (setq *runtime-evaluator-wanted* t)
             (intern (concatenate 'string "%" (symbol-name name)) "WASMBOOT-COMPILER"))
      name))

(defun convert-function (x env)
  (cond ((symbolp x)
         (let ((e (lookup-fun env x)))
           (if (and e (eq (car e) :fun))
               (progn (note-use (caddr e)) (list :lref (caddr e)))
               (list :fref (canonical-fname (library-alias x))))))
        ((and (consp x) (eq (car x) 'lambda))
         (list :closure (convert-lambda "lambda" (cadr x) (cddr x) env)))
        (t (fail x "bad function name ~s" x))))

(defun convert-let (form env sequential)
  (let ((bindings (cadr form)))
    (multiple-value-bind (body specials) (strip-declarations (cddr form) env)
      (let ((pairs nil) (env2 env))
        (dolist (b bindings)
          (let* ((name (if (consp b) (car b) b))
                 (init (if (and (consp b) (cdr b)) (cadr b) nil))
                 (var (make-binding-var name specials))
                 (ast (convert init (if sequential env2 env))))
            (push (cons var ast) pairs)
            (setq env2 (bind-env var env2))))
        (dolist (s specials)
          (unless (find s bindings :key (lambda (b) (if (consp b) (car b) b)))
            (push (list :special s) env2)))
        (setq pairs (nreverse pairs))
        (let ((body-ast (let ((*protect-depth* (if (some (lambda (p) (var-special (car p))) pairs)
                                                   (+ *protect-depth* 1)
                                                   *protect-depth*)))
                          (convert-body body env2))))
          (if (and sequential (cdr pairs))
              ;; let*: one binding per level, so a special binding is in effect for
              ;; the init forms after it
              (let ((ast body-ast))
                (dolist (p (reverse pairs))
                  (setq ast (list :let (list p) ast)))
                ast)
              (list :let pairs body-ast)))))))

(defun convert-setq (form env)
  (let ((pairs (cdr form)) (out nil))
    (when (oddp (length pairs)) (fail form "odd number of arguments to setq"))
    (loop while pairs
          do (let ((name (car pairs)) (value (cadr pairs)))
               (unless (symbolp name) (fail form "setq of a non-symbol ~s" name))
               (let ((e (lookup-var env name)))
                 (cond ((and e (eq (car e) :var))
                        (let ((var (caddr e)))
                          (note-use var)
                          (setf (var-assigned var) t)
                          (push (list :lset var (convert value env)) out)))
                       ((and e (eq (car e) :smacro))
                        (push (convert (list 'setf (caddr e) value) env) out))
                       (t (push (list :gset name (convert value env)) out))))
               (setq pairs (cddr pairs))))
    (if (and out (null (cdr out)))
        (car out)
        (cons :progn (nreverse out)))))

;;; Lambda lists of functions: required, &optional (var init svar), &rest, &key
;;; ((keyword var) init svar), &allow-other-keys, &aux. Each parameter becomes a VAR;
;;; init forms are converted in the environment of the parameters before them.

(defun convert-lambda (name lambda-list body env)
  (let* ((fn (make-fn :name name :parent *current-fn*))
         (*current-fn* fn))
    (multiple-value-bind (forms specials) (strip-doc-and-declarations body env)
      (let ((state :required) (env2 env) (aux nil))
        (dolist (x lambda-list)
          (cond ((sym-named x "&OPTIONAL") (setq state :optional))
                ((or (sym-named x "&REST") (sym-named x "&BODY")) (setq state :rest))
                ((sym-named x "&KEY") (setq state :key) (setf (fn-key-p fn) t))
                ((sym-named x "&ALLOW-OTHER-KEYS") (setf (fn-allow-other-keys fn) t))
                ((sym-named x "&AUX") (setq state :aux))
                ((eq state :required)
                 (let ((v (make-binding-var x specials)))
                   (setf (fn-required fn) (append (fn-required fn) (list v)))
                   (setq env2 (bind-env v env2))))
                ((eq state :optional)
                 (let* ((spec (if (consp x) x (list x)))
                        (init (convert (cadr spec) env2))
                        (v (make-binding-var (car spec) specials))
                        (sv (if (caddr spec) (make-binding-var (caddr spec) specials) nil)))
                   (setf (fn-optional fn) (append (fn-optional fn) (list (list v init sv))))
                   (setq env2 (bind-env v env2))
                   (when sv (setq env2 (bind-env sv env2)))))
                ((eq state :rest)
                 (let ((v (make-binding-var x specials)))
                   (setf (fn-rest fn) v)
                   (setq env2 (bind-env v env2))))
                ((eq state :key)
                 (let* ((spec (if (consp x) x (list x)))
                        (vs (car spec))
                        (kw (if (consp vs) (car vs) (intern (symbol-name vs) "KEYWORD")))
                        (vname (if (consp vs) (cadr vs) vs))
                        (init (convert (cadr spec) env2))
                        (v (make-binding-var vname specials))
                        (sv (if (caddr spec) (make-binding-var (caddr spec) specials) nil)))
                   (setf (fn-keys fn) (append (fn-keys fn) (list (list kw v init sv))))
                   (setq env2 (bind-env v env2))
                   (when sv (setq env2 (bind-env sv env2)))))
                ((eq state :aux)
                 (push (if (consp x) x (list x nil)) aux))))
        (when aux
          (setq forms (list (list* 'let* (nreverse aux) forms))))
        (dolist (s specials)
          (push (list :special s) env2))
        (setf (fn-body fn) (convert-body forms env2))
        fn))))

(defun convert-flet (form env recursive)
  (let* ((defs (cadr form))
         (vars (mapcar (lambda (d) (make-var :name (car d) :owner *current-fn*
                                             :assigned recursive))
                       defs))
         (env2 env))
    (loop for d in defs for v in vars
          do (setq env2 (cons (list :fun (car d) v) env2)))
    (multiple-value-bind (body specials) (strip-declarations (cddr form) env)
      (declare (ignore specials))
      (let ((pairs (loop for d in defs for v in vars
                         collect (cons v (list :closure
                                               (convert-lambda
                                                (symbol-name (car d)) (cadr d)
                                                (list (list* 'block (car d) (cddr d)))
                                                (if recursive env2 env)))))))
        (if recursive
            ;; labels: bind all to nil, then assign, so the closures see each other
            (list :let (mapcar (lambda (p) (cons (car p) (list :const nil))) pairs)
                  (cons :progn (append (mapcar (lambda (p) (list :lset (car p) (cdr p))) pairs)
                                       (list (convert-body body env2)))))
            (list :let pairs (convert-body body env2)))))))

(defun convert-macrolet (form env)
  (let ((env2 env))
    (dolist (d (cadr form))
      (push (list :macro (car d) (make-macro-expander (car d) (cadr d) (cddr d))) env2))
    (convert-body (cddr form) env2)))

(defun convert-block (form env)
  (let* ((blk (make-blk :name (cadr form) :owner *current-fn* :depth *protect-depth*))
         (env2 (cons (list :block (cadr form) blk) env)))
    (let ((body (convert-body (cddr form) env2)))
      (list :block blk body))))

(defun convert-return-from (form env)
  (let ((e (env-lookup env :block (cadr form))))
    (unless e (fail form "return-from unknown block ~s" (cadr form)))
    (let* ((blk (caddr e))
           (throw-p (or (not (eq (blk-owner blk) *current-fn*))
                        (> *protect-depth* (blk-depth blk)))))
      (when throw-p
        (unless (blk-nonlocal blk)
          (setf (blk-nonlocal blk) t)
          (setf (blk-id-var blk) (make-var :name 'block-id :owner (blk-owner blk))))
        (note-use (blk-id-var blk)))
      (list :return-from blk (convert (caddr form) env) throw-p))))

(defun convert-tagbody (body env)
  (let ((tb (make-tb :owner *current-fn* :depth *protect-depth*))
        (env2 env) (index 1))
    ;; segment 0 is the code before the first tag
    (dolist (x body)
      (when (or (symbolp x) (integerp x))
        (push (list :tag x tb index) env2)
        (setf (tb-tags tb) (append (tb-tags tb) (list x)))
        (setq index (+ index 1))))
    (let ((segments nil) (current nil))
      (dolist (x body)
        (if (or (symbolp x) (integerp x))
            (progn (push (nreverse current) segments) (setq current nil))
            (push (convert x env2) current)))
      (push (nreverse current) segments)
      (list :tagbody tb (nreverse segments)))))

(defun convert-go (form env)
  (let ((e (dolist (x env nil)
             (when (and (eq (car x) :tag) (eql (cadr x) (cadr form))) (return x)))))
    (unless e (fail form "go to unknown tag ~s" (cadr form)))
    (let* ((tb (caddr e))
           (throw-p (or (not (eq (tb-owner tb) *current-fn*))
                        (> *protect-depth* (tb-depth tb)))))
      (when throw-p
        (unless (tb-nonlocal tb)
          (setf (tb-nonlocal tb) t)
          (setf (tb-id-var tb) (make-var :name 'tagbody-id :owner (tb-owner tb))))
        (note-use (tb-id-var tb)))
      (list :go tb (cadddr e) throw-p))))

(defun convert-mvb (form env)
  (let ((names (cadr form)))
    (multiple-value-bind (body specials) (strip-declarations (cdddr form) env)
      (let* ((value (convert (caddr form) env))
             (vars (mapcar (lambda (n) (make-binding-var n specials)) names))
             (env2 env))
        (dolist (v vars) (setq env2 (bind-env v env2)))
        (dolist (s specials) (push (list :special s) env2))
        (list :mvb vars value
              (let ((*protect-depth* (if (some #'var-special vars)
                                         (+ *protect-depth* 1)
                                         *protect-depth*)))
                (convert-body body env2)))))))

;;; Definitions inside a body (not at top level) are converted like at top level,
;;; except that defmacro only takes effect from here on.

(defun convert-definition (form env)
  (let ((op (car form)))
    (case op
      (defun
       (let ((name (cadr form)))
         (unless (and (symbolp name) name) (fail form "defun: bad name ~s" name))
         (list :defun name
               (convert-lambda (symbol-name name) (caddr form)
                               (multiple-value-bind (forms decls doc) (split-body (cdddr form))
                                 (declare (ignore doc))
                                 (append decls
                                         (list (list* 'block (block-name-of name) forms))))
                               env))))
      (defmacro
       (define-user-macro (cadr form) (caddr form) (cdddr form))
       (list :const (cadr form)))
      ((defvar defparameter)
       (let ((name (cadr form)))
         (setf (gethash name *specials*) t)
         (if (cddr form)
             (list (if (eq op 'defvar) :defvar :defparameter) name (convert (caddr form) env))
             (list :const name))))
      (defconstant
       (let ((name (cadr form)))
         (setf (gethash name *constants*) (list (const-eval (caddr form))))
         (list :defparameter name (convert (caddr form) env))))
      ((declaim proclaim)
       (dolist (d (if (eq op 'declaim) (cdr form) (list (cadr (cadr form)))))
         (when (and (consp d) (eq (car d) 'special))
           (dolist (s (cdr d)) (setf (gethash s *specials*) t))))
       (list :const nil))
      (t (list :const nil)))))

(defun block-name-of (name)
  name)

(defun split-body (body)
  "(values forms declarations doc) of a defun body."
  (let ((decls nil) (doc nil))
    (loop while (or (and (consp (car body)) (eq (caar body) 'declare))
                    (and (stringp (car body)) (cdr body) (null doc)))
          do (if (stringp (car body))
                 (setq doc (car body))
                 (push (car body) decls))
             (setq body (cdr body)))
    (values body (nreverse decls) doc)))

(defun const-eval (form)
  "Value of a defconstant form at compile time (through the evaluator)."
  (handler-case (ev form nil)
    (error () nil)))

;;; User macros run in the compile-time evaluator.

(defun make-macro-expander (name lambda-list body)
  (ev (macro-expander-form name lambda-list body) nil))

(defun macro-expander-form (name lambda-list body)
  "(function (lambda (form) ...)): the expander of a defmacro, a function of the whole
form (evaluated at compile time, and compiled for run-time macroexpand-1 and eval)."
  (let ((whole (make-symbol "FORM"))
        (ll (if (listp lambda-list) lambda-list (list '&rest lambda-list))))
    (list 'function
          (list 'lambda (list whole)
                (list* 'let* (destructuring-lambda-list-bindings ll whole t)
                       (list (list* 'block name (strip-macro-body body))))))))

(defun strip-macro-body (body)
  (multiple-value-bind (forms decls doc) (split-body body)
    (declare (ignore doc))
    (append (remove-if-not (lambda (d) (and (consp (cadr d)) (eq (car (cadr d)) 'special)))
                           decls)
            forms)))

(defun define-user-macro (name lambda-list body)
  (setf (gethash name *macros*) (make-macro-expander name lambda-list body)))
