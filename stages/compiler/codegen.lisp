;;;; Code generation: the AST of convert.lisp -> Wasm instruction lists (the format of
;;;; wasm-encoder.lisp). One Wasm function per Lisp function, all with the uniform
;;;; signature of layout.lisp. Instructions are pushed on *code* (reversed) and
;;;; collected with sub-code for nested blocks.
(in-package "WASMBOOT-COMPILER")

(defvar *m* nil "The module being built.")
(defvar *code* nil)
(defvar *fs* nil "State of the function being generated.")
(defvar *fn-queue* nil "Closures still to generate: list of fn.")
(defvar *global-fns* nil "EQ table: symbol -> fn of its (single) defun.")
(defvar *multi-defined* nil "EQ table: symbols defun'd more than once.")
(defvar *symbol-globals* nil "EQUAL table: \"PKG::NAME\" -> global index.")
(defvar *uninterned-globals* nil "EQ table: uninterned symbol -> global index.")
(defvar *string-globals* nil "EQUAL table: string -> global index.")
(defvar *package-globals* nil "EQUAL table: package name -> global index.")
(defvar *static-symbol-list* nil "All symbols of the symbol table, newest first.")
(defvar *string-list* nil "All strings of the string table, newest first.")
(defvar *label-counter* 0)

(defstruct fstate
  fn
  wf                          ; the wfunc
  (locals nil)                ; alist var -> local index
  (env-local nil)             ; local holding the env array
  (temps nil))                ; free temporaries: alist valtype -> list of indices

(defun emit (ins)
  ;; a new cons starts with hash 0 (see layout.lisp): every (struct.new cons) gets it
  ;; here, unless the code (native code emitted inline) already pushed it
  (when (and (eq (first ins) :struct.new) (eq (second ins) :cons)
             (not (equal (first *code*) (list :i32.const 0))))
    (push (list :i32.const 0) *code*))
  (push ins *code*))

(defun sub-code (thunk)
  (let ((*code* nil))
    (funcall thunk)
    (nreverse *code*)))

(defun new-label ()
  (setq *label-counter* (+ *label-counter* 1))
  *label-counter*)

(defun new-local (valtype)
  (add-local (fstate-wf *fs*) valtype))

;;; Constants.

(defun cg-fixnum (n)
  (if (and (>= n -1073741824) (< n 1073741824))
      (list (list :i32.const n) (list :ref.i31))
      (list (list :i64.const n) (list :struct.new :boxint))))

;;; Symbols and strings the code mentions live in two tables (arrays) built by _start
;;; from a passive data segment: a constant-expression global per object would make
;;; wasmtime's compilation slow. Symbol K is (array.get $symtab K); NIL and T also
;;; have globals of their own. See start-tables in driver.lisp.

(defun string-index (s)
  "Index of the string S in the string table (added on first use)."
  (or (gethash s *string-globals*)
      (progn (push s *string-list*)
             (setf (gethash s *string-globals*) (length *string-list*)))))

(defun string-code (s)
  (list (list :global.get (global-index *m* :strtab))
        (list :i32.const (- (string-index s) 1) :str)
        (list :array.get :eqarray)))

(defun package-global (name)
  "Global holding the package record NAME (made by _start)."
  (or (gethash name *package-globals*)
      (progn
        (string-index name)
        (setf (gethash name *package-globals*)
              (note-global (add-global *m* nil (list :ref-null :package) t
                                       (list (list :ref.null :none)))
                           (list :package name))))))

(defun symbol-key (sym)
  (let ((home (symbol-home-name sym)))
    (if home
        (concatenate 'string home "::" (symbol-name sym))
        nil)))

(defun string-hash (s)
  (let ((h 0))
    (dotimes (i (length s))
      (setq h (logand (+ (* h 31) (char-code (char s i))) 1073741823)))
    h))

;;; Symbol and string indices are tagged (:i32.const k :sym / :str), and every global a
;;; unit adds is described in *global-notes*, so that the link (link.lisp) can renumber
;;; them into the tables and globals of the whole module.

(defvar *global-notes* nil "EQL table: unit global index -> what the global holds.")

(defun note-global (g what)
  (setf (gethash g *global-notes*) what)
  g)

(defun symbol-index (sym)
  "Index of SYM in the symbol table (added on first use): one entry per package and
name, one per uninterned symbol."
  (let* ((key (symbol-key sym))
         (old (if key (gethash key *symbol-globals*) (gethash sym *uninterned-globals*))))
    (or old
        (let ((home (symbol-home-name sym)))
          (string-index (symbol-name sym))
          (when home (package-global home))
          (push sym *static-symbol-list*)
          (let ((k (- (length *static-symbol-list*) 1)))
            (if key
                (setf (gethash key *symbol-globals*) k)
                (setf (gethash sym *uninterned-globals*) k)))))))

(defun symbol-code (sym)
  "Instructions pushing SYM (an eqref)."
  (cond ((null sym) (list (list :global.get (global-index *m* :nil))))
        ((eq sym t) (list (list :global.get (global-index *m* :t))))
        (t (list (list :global.get (global-index *m* :symtab))
                 (list :i32.const (symbol-index sym) :sym)
                 (list :array.get :eqarray)))))

(defun emit-symbol (sym)
  (dolist (i (symbol-code sym)) (emit i)))

(defun emit-symbol-ref (sym)
  ;; as a (ref $symbol), for struct.get/struct.set
  (emit-symbol sym)
  (emit (list :ref.cast :symbol)))

(defun constant-code (x)
  "Instructions building the constant X (used by _start for quoted structure)."
  (cond ((integerp x) (cg-fixnum x))
        ((symbolp x) (symbol-code x))
        ((characterp x) (list (list :i32.const (char-code x)) (list :struct.new :char)))
        ((stringp x) (string-code x))
        ((consp x)
         ;; iterative on the cdr chain, so long lists do not nest deeply
         (let ((items nil) (tail x) (n 0))
           (loop while (consp tail)
                 do (push (car tail) items) (setq tail (cdr tail)) (setq n (+ n 1)))
           (let ((out (constant-code tail)))
             ;; build from the end: (cons item_k acc)
             (let ((acc-code out))
               (dolist (item items)
                 (setq acc-code (append (constant-code item) acc-code
                                        (list (list :struct.new :cons)))))
               acc-code))))
        ((simple-vector-p x)
         (let ((out nil))
           (dotimes (i (length x)) (setq out (append out (constant-code (svref x i)))))
           (append out (list (list :array.new_fixed :eqarray (length x))))))
        (t (fail x "cannot compile the constant ~s" x))))

(defun cg-constant (x)
  (cond ((integerp x) (dolist (i (cg-fixnum x)) (emit i)))
        ((symbolp x) (emit-symbol x))
        ((characterp x) (emit (list :i32.const (char-code x))) (emit (list :struct.new :char)))
        ((stringp x) (dolist (i (string-code x)) (emit i)))
        (t (let ((g (add-global *m* nil :eqref t (list (list :ref.null :none)))))
             ;; the code that builds it, run by _start after the tables are made
             (note-global g (list :constant (sub-code (lambda ()
                                                        (dolist (i (constant-code x))
                                                          (emit i))))))
             (emit (list :global.get g))))))

(defun emit-nil () (emit (list :global.get (global-index *m* :nil))))

(defun emit-truth-test ()
  ;; eqref on the stack -> i32 (1 unless it is nil)
  (emit-nil) (emit (list :ref.eq)) (emit (list :i32.eqz)))

(defun cg-test (ast)
  "Code leaving an i32 truth value of AST: a predicate's i32 is used as it is,
without making t or nil first."
  (let ((code (sub-code (lambda () (cg ast nil)))))
    (let ((last-ins (car (last code))))
      (if (bool-if-p last-ins)
          (dolist (i (butlast code)) (emit i))
          (progn (dolist (i code) (emit i))
                 (emit-truth-test))))))

(defun bool-if-p (ins)
  ;; the (if (result eqref) t nil) that emit-bool makes
  (and (consp ins) (eq (car ins) :if) (eq (third ins) :eqref)
       (equal (fourth ins) (list (list :global.get (global-index *m* :t))))
       (equal (fifth ins) (list (list :global.get (global-index *m* :nil))))))

(defun emit-bool ()
  ;; i32 on the stack -> t or nil
  (let ((l (new-label)))
    (emit (list :if l :eqref
                (list (list :global.get (global-index *m* :t)))
                (list (list :global.get (global-index *m* :nil)))))))

(defun set-mv-1 (mv)
  (when mv
    (emit (list :i32.const 1))
    (emit (list :global.set (global-index *m* :mv-count)))))

;;; Variables.

(defun var-boxed (v) (and (var-captured v) (var-assigned v)))

(defun var-local (v)
  (let ((e (assoc v (fstate-locals *fs*))))
    (if e (cdr e) nil)))

(defun bind-local (v)
  (let ((idx (new-local :eqref)))
    (push (cons v idx) (fstate-locals *fs*))
    idx))

(defun emit-var-raw (v)
  ;; the value, or the box of a boxed variable
  (let ((idx (var-local v)))
    (if idx
        (emit (list :local.get idx))
        (let ((pos (position v (fn-free (fstate-fn *fs*)))))
          (unless pos (error "internal: variable ~s not reachable" (var-name v)))
          (emit (list :local.get (fstate-env-local *fs*)))
          (emit (list :i32.const pos))
          (emit (list :array.get :eqarray))))))

(defun emit-var-get (v)
  (emit-var-raw v)
  (when (var-boxed v)
    (emit (list :ref.cast :box))
    (emit (list :struct.get :box 0))))

(defun emit-var-init (v)
  ;; value on the stack -> a new binding of V in this function
  (let ((idx (bind-local v)))
    (when (var-boxed v)
      (emit (list :struct.new :box)))
    (emit (list :local.set idx))))

(defun emit-var-set (v)
  ;; value on the stack -> stored in V; leaves the value on the stack
  (if (var-boxed v)
      (let ((tmp (new-local :eqref)))
        (emit (list :local.set tmp))
        (emit-var-raw v)
        (emit (list :ref.cast :box))
        (emit (list :local.get tmp))
        (emit (list :struct.set :box 0))
        (emit (list :local.get tmp)))
      (let ((idx (var-local v)))
        (unless idx (error "internal: assignment to an unboxed free variable"))
        (emit (list :local.tee idx)))))

;;; The generator proper: (cg ast mv) leaves one eqref on the stack. MV true means the
;;; context receives multiple values; then the form sets the value count.

(defun cg (ast mv)
  (case (car ast)
    (:const (cg-constant (cadr ast)) (set-mv-1 mv))
    (:lref (emit-var-get (cadr ast)) (set-mv-1 mv))
    (:raw-local (emit (list :local.get (cadr ast))) (set-mv-1 mv))
    (:lset (cg (caddr ast) nil) (emit-var-set (cadr ast)) (set-mv-1 mv))
    (:gref (emit-symbol (cadr ast))
     (emit (list :call (native-index :symbol-value-checked)))
     (set-mv-1 mv))
    (:gset (emit-symbol (cadr ast))
     (cg (caddr ast) nil)
     (emit (list :call (native-index :set-symbol-value)))
     (set-mv-1 mv))
    (:if (cg-test (cadr ast))
     (let ((then (sub-code (lambda () (cg (caddr ast) mv))))
           (else (sub-code (lambda () (cg (cadddr ast) mv)))))
       (emit (list :if (new-label) :eqref then else))))
    (:progn (let ((forms (cdr ast)))
              (loop while (cdr forms)
                    do (cg (car forms) nil) (emit (list :drop))
                       (setq forms (cdr forms)))
              (cg (car forms) mv)))
    (:let (cg-let (cadr ast) (caddr ast) mv))
    (:call (cg-call (cadr ast) (caddr ast) mv))
    (:funcall (cg-funcall (cadr ast) (caddr ast)) (when mv nil))
    (:closure (cg-closure (cadr ast)) (set-mv-1 mv))
    (:fref (cg-fref (cadr ast)) (set-mv-1 mv))
    (:block (cg-block (cadr ast) (caddr ast) mv))
    (:return-from (cg-return-from (cadr ast) (caddr ast) (cadddr ast)))
    (:tagbody (cg-tagbody (cadr ast) (caddr ast)) (set-mv-1 mv))
    (:go (cg-go (cadr ast) (caddr ast) (cadddr ast)))
    (:catch (cg-catch (cadr ast) (caddr ast) mv))
    (:throw (cg (cadr ast) nil)
     (cg (caddr ast) t)
     (emit (list :throw *nlx-tag*))
     (emit (list :ref.null :none)))
    (:unwind-protect (cg-unwind-protect (cadr ast) (caddr ast) mv))
    (:mvb (cg-mvb (cadr ast) (caddr ast) (cadddr ast) mv))
    (:values (cg-values (cadr ast) mv))
    (:mvcall (cg-mvcall (cadr ast) (caddr ast)))
    (:mvprog1 (cg-mvprog1 (cadr ast) (caddr ast) mv))
    (:defun (cg-defun-form (cadr ast) (caddr ast)) (set-mv-1 mv))
    ((:defvar :defparameter)
     (emit-symbol (cadr ast))
     (cg (caddr ast) nil)
     (emit (list :call (native-index (if (eq (car ast) :defvar) :defvar :set-symbol-value))))
     (emit (list :drop))
     (emit-symbol (cadr ast))
     (set-mv-1 mv))
    (t (error "internal: unknown AST node ~s" (car ast)))))

(defun cg-let (pairs body mv)
  (let ((specials nil))
    ;; evaluate all inits first (let semantics; let* was nested by the front end only
    ;; for lexical scoping, which the VAR objects already encode)
    (dolist (p pairs)
      (cg (cdr p) nil)
      (if (var-special (car p))
          (let ((tmp (new-local :eqref)))
            (emit (list :local.set tmp))
            (push (cons (car p) tmp) specials))
          (emit-var-init (car p))))
    (if (null specials)
        (cg body mv)
        (cg-special-binding (nreverse specials) body mv))))

;;; protected code: CLEANUP runs after INNER on a normal exit (INNER's value is kept)
;;; and on an exception, which is then rethrown.

(defun emit-protected (inner cleanup)
  (let ((result (new-local :eqref))
        (exn (new-local :exnref))
        (done (new-label)) (handler (new-label)))
    (emit (list* :block done :eqref
                 (list* :block handler :exnref
                        (list* :try-table (new-label) :eqref
                               (list (list :catch-all-ref handler)) inner)
                        (append (list (list :local.set result))
                                cleanup
                                (list (list :local.get result) (list :br done))))
                 (append (list (list :local.set exn))
                         cleanup
                         (list (list :local.get exn) (list :throw-ref)))))))

(defun cg-special-binding (specials body mv)
  ;; shallow binding: save the old values, store the new, run BODY, restore on
  ;; every exit
  (let ((saved (mapcar (lambda (s) (declare (ignore s)) (new-local :eqref)) specials)))
    (loop for s in specials for old in saved
          do (let ((sym (var-name (car s))))
               (emit-symbol-ref sym)
               (emit (list :struct.get :symbol +sym-value+))
               (emit (list :local.set old))
               (emit-symbol-ref sym)
               (emit (list :local.get (cdr s)))
               (emit (list :struct.set :symbol +sym-value+))))
    (emit-protected (sub-code (lambda () (cg body mv)))
                    (sub-code (lambda ()
                                (loop for s in specials for old in saved
                                      do (emit-symbol-ref (var-name (car s)))
                                         (emit (list :local.get old))
                                         (emit (list :struct.set :symbol +sym-value+))))))))

;;; Calls. Arguments go in the uniform layout: count, four registers, an array for
;;; the rest.

(defun emit-call-args (args)
  (let ((n (length args)))
    (emit (list :i32.const n))
    (dotimes (i 4)
      (if (< i n)
          (cg (nth i args) nil)
          (emit (list :ref.null :none))))
    (if (> n 4)
        (progn (dolist (a (nthcdr 4 args)) (cg a nil))
               (emit (list :array.new_fixed :eqarray (- n 4))))
        (emit (list :ref.null :none)))))

(defun cg-call (sym args mv)
  (let ((native (find-native sym (length args))))
    (cond (native (funcall native args)
                  (unless (member (symbol-name sym) '("TRUNCATE" "FUNCALL" "APPLY" "%CATCH-ERROR" "VALUES-LIST")
                                  :test #'string=)
                    (set-mv-1 mv)))
          ((and (gethash sym *global-fns*) (not (gethash sym *multi-defined*)))
           (let ((fn (gethash sym *global-fns*)))
             (fn-wasm-index fn)
             (emit (list :ref.null :none))
             (if (and (fn-fast-index fn) (= (length args) (length (fn-required fn))))
                 (progn (cg-args args)
                        (emit (list :call (fn-fast-index fn))))
                 (progn (emit-call-args args)
                        (emit (list :call (fn-wasm-index fn)))))))
          ((and (not *unit-library-p*) (equal (symbol-home-name sym) "COMMON-LISP"))
           ;; a standard name the library lacks: say so now, not at run time
           (fail sym "~a is not supported: the runtime library has no COMMON-LISP function or macro of that name"
                 (symbol-name sym)))
          (t
           (emit-symbol sym)
           (emit (list :call (native-index :symbol-closure)))
           (emit-closure-call args)))))

(defun emit-closure-call (args)
  ;; a (ref $closure) on the stack
  (let ((tmp (new-local (list :ref-null :closure))))
    (emit (list :local.tee tmp))
    (emit (list :struct.get :closure 1))
    (emit-call-args args)
    (emit (list :local.get tmp))
    (emit (list :struct.get :closure 0))
    (emit (list :call_ref :fn))))

(defun cg-funcall (fn-ast args)
  (cg fn-ast nil)
  (emit (list :call (native-index :coerce-closure)))
  (emit-closure-call args))

(defvar *fast-entry* nil "True while generating a fast entry (parameters 1..n).")

(defun fast-fn-p (fn)
  "Functions of at most four required parameters and nothing else get a fast entry
(env, a0..) that direct calls use; their uniform entry checks the count and calls it."
  (and (null (fn-optional fn)) (null (fn-rest fn)) (not (fn-key-p fn))
       (<= (length (fn-required fn)) 4)))

(defun fast-params (n)
  (let ((l (list :eqref)))
    (dotimes (i n) (setq l (cons :eqref l)))
    l))

(defvar *defun-keys* nil
  "EQ table: fn of a defun -> its symbol's key (\"HOME::NAME\"), for every unit so far.")
(defvar *unit-fns* nil "EQ table: the defun fns of the unit being generated.")
(defvar *unit-library-p* nil "True while generating a library unit.")

(defun extern-fn-p (fn)
  "True for a defun of another unit: it is called through a placeholder the link binds."
  (and *unit-fns* (gethash fn *defun-keys*) (not (gethash fn *unit-fns*))))

(defun extern-index (fn)
  ;; placeholders for the uniform and the fast entry of another unit's defun
  (let* ((key (gethash fn *defun-keys*))
         (uniform (or (func-index *m* (list :extern key))
                      (add-func *m* (list :extern key) (fn-name fn) (fn-params) (list :eqref)))))
    (setf (wfunc-link (func-at *m* uniform)) (list :extern key :uniform))
    (setf (fn-index fn) uniform)
    (when (fast-fn-p fn)
      (let* ((n (length (fn-required fn)))
             (fast (or (func-index *m* (list :extern-fast key))
                       (add-func *m* (list :extern-fast key) (concatenate 'string (fn-name fn) "*")
                                 (fast-params n) (list :eqref)))))
        (setf (wfunc-link (func-at *m* fast)) (list :extern key :fast))
        (setf (fn-fast-index fn) fast)))
    uniform))

(defun fn-wasm-index (fn)
  "Index of FN's uniform entry (made, with the fast entry, on first use)."
  (or (fn-index fn)
      (and (extern-fn-p fn) (extern-index fn))
      (progn
        (setf (fn-index fn)
              (add-func *m* nil (fn-name fn) (fn-params) (list :eqref)))
        (declare-func-ref *m* (fn-index fn))
        (when (fast-fn-p fn)
          (let* ((n (length (fn-required fn)))
                 (fast (add-func *m* nil (concatenate 'string (fn-name fn) "*")
                                 (fast-params n) (list :eqref)))
                 (code nil))
            (setf (fn-fast-index fn) fast)
            ;; the uniform entry: check the count, call the fast one
            (setq code (list (list :local.get 1) (list :i32.const n) (list :i32.ne)
                             (list :if 1 nil
                                   (append (string-code (fn-name fn))
                                           (list (list :local.get 1) (list :ref.i31)
                                                 (list :call (native-index :arg-count-error))))
                                   nil)
                             (list :local.get 0)))
            (let ((*fast-entry* nil))
              (dotimes (i n) (setq code (append code (arg-code i)))))
            (setf (wfunc-body (func-at *m* (fn-index fn)))
                  (append code (list (list :call fast))))))
        (setq *fn-queue* (cons fn *fn-queue*))
        (fn-index fn))))

(defun cg-closure (fn)
  (let ((idx (fn-wasm-index fn)))
    (emit (list :ref.func idx))
    (if (fn-free fn)
        (progn (dolist (v (fn-free fn)) (emit-var-raw v))
               (emit (list :array.new_fixed :eqarray (length (fn-free fn)))))
        (emit (list :ref.null :none)))
    (emit (list :ref.null :none))
    (emit (list :struct.new :closure))))

(defun cg-fref (sym)
  (let ((fn (gethash sym *global-fns*)))
    (cond ((and fn (not (gethash sym *multi-defined*)))
           (emit (list :global.get (global-closure fn))))
          ((native-wrapper sym)
           (emit (list :global.get (native-wrapper sym))))
          (t (emit-symbol sym)
             (emit (list :call (native-index :symbol-closure)))))))

(defun global-closure (fn)
  ;; a global holding the closure of a global function (no environment)
  (let ((key (list :closure-of (fn-wasm-index fn))))
    (or (global-index *m* key)
        (note-global (add-global *m* key (list :ref :closure) nil
                                 (list (list :ref.func (fn-wasm-index fn))
                                       (list :ref.null :none)
                                       (list :ref.null :none)
                                       (list :struct.new :closure)))
                     (list :closure)))))

(defun cg-defun-form (sym fn)
  (emit-symbol-ref sym)
  (if (gethash sym *multi-defined*)
      (cg-closure fn)
      (emit (list :global.get (global-closure fn))))
  (emit (list :struct.set :symbol +sym-function+))
  (emit-symbol sym))

;;; block / return-from. A local return is a branch; a return from a closure throws
;;; the block's identity (a fresh object made at block entry) with the value.

(defvar *blocks* nil "Alist blk -> wasm label, for blocks of this function.")
(defvar *special-params* nil "Special parameters of the function being generated.")

(defun cg-block (blk body mv)
  (setf (blk-mv blk) mv)
  (let ((label (new-label)))
    (if (blk-nonlocal blk)
        (let ((id (blk-id-var blk)))
          (emit (list :ref.null :none)) (emit (list :struct.new :box))
          (emit-var-init id)
          (let ((inner (let ((*blocks* (cons (cons blk label) *blocks*)))
                         (sub-code (lambda () (cg body mv))))))
            (emit-catching-nlx label inner
                               (lambda () (emit-var-get id))
                               (lambda () nil))))
        (let ((inner (let ((*blocks* (cons (cons blk label) *blocks*)))
                       (sub-code (lambda () (cg body mv))))))
          (emit (list* :block label :eqref inner))))))

;;; (block LABEL INNER) that also ends when a non-local exit (tag, value) with
;;; tag eq to the value ID-CODE pushes is thrown through it: then the block's value
;;; is what (funcall CAUGHT val-local) emits. Other throws go on.
(defun emit-catching-nlx (label inner id-code caught)
  (let ((h (new-label)) (tgt (new-local :eqref)) (val (new-local :eqref))
        (exn (new-local :exnref)))
    (emit (list :block label :eqref
                (list :block h (list :type :nlx-catch)
                      (list* :try-table (new-label) :eqref
                             (list (list :catch-ref *nlx-tag* h)) inner)
                      (list :br label))
                (list :local.set exn) (list :local.set val) (list :local.set tgt)
                (list* :block (new-label) nil
                       (append (list (list :local.get tgt))
                               id-code
                               (list (list :ref.eq)
                                     (list :if (new-label) nil
                                           nil
                                           (list (list :local.get exn) (list :throw-ref))))))
                (list* :block (new-label) :eqref (funcall caught val))))))

(defun cg-return-from (blk value throw-p)
  (let ((e (assoc blk *blocks*)))
    (if (and e (not throw-p))
        (progn (cg value (blk-mv blk))
               (emit (list :br (cdr e))))
        (progn (emit-var-get (blk-id-var blk))
               (cg value t)
               (emit (list :throw *nlx-tag*))))
    ;; unreachable; keep the stack typed
    (emit (list :ref.null :none))))

(defun cg-block (blk body mv)
  (setf (blk-mv blk) mv)
  (let ((label (new-label)))
    (if (blk-nonlocal blk)
        (let ((id (blk-id-var blk)))
          (emit (list :ref.null :none)) (emit (list :struct.new :box))
          (emit-var-init id)
          (let ((inner (let ((*blocks* (cons (cons blk label) *blocks*)))
                         (sub-code (lambda () (cg body mv))))))
            (emit-catching-nlx label inner
                               (sub-code (lambda () (emit-var-get id)))
                               (lambda (val) (list (list :local.get val))))))
        (let ((inner (let ((*blocks* (cons (cons blk label) *blocks*)))
                       (sub-code (lambda () (cg body mv))))))
          (emit (list* :block label :eqref inner))))))

(defun cg-catch (tag body mv)
  (let ((label (new-label)) (tagl (new-local :eqref)))
    (cg tag nil)
    (emit (list :local.set tagl))
    (emit-catching-nlx label (sub-code (lambda () (cg body mv)))
                       (list (list :local.get tagl))
                       (lambda (val) (list (list :local.get val))))))

;;; tagbody: a loop around nested blocks and a br_table on the segment number; a go
;;; sets the number and branches to the loop (or throws (id . number) from a closure).

(defvar *tagbodies* nil "Alist tb -> (loop-label . pc-local).")

(defun cg-tagbody (tb segments)
  (let* ((pc (new-local :i32))
         (top (new-label))
         (exit (new-label))
         (n (length segments))
         (labels (let ((l nil)) (dotimes (i n) (push (new-label) l)) (nreverse l))))
    (when (tb-nonlocal tb)
      (emit (list :ref.null :none)) (emit (list :struct.new :box))
      (emit-var-init (tb-id-var tb)))
    (emit (list :i32.const 0)) (emit (list :local.set pc))
    (let* ((*tagbodies* (cons (cons tb (cons top pc)) *tagbodies*))
           ;; innermost block: the dispatch
           (code (list (list :local.get pc)
                       (list :br_table labels (car (last labels))))))
      (loop for seg in segments for l in labels
            do (setq code (cons (list* :block l nil code)
                                (sub-code (lambda ()
                                            (dolist (f seg) (cg f nil) (emit (list :drop))))))))
      (let ((body (append code (list (list :br exit)))))
        (if (tb-nonlocal tb)
            (let ((h (new-label)) (tgt (new-local :eqref)) (val (new-local :eqref))
                  (exn (new-local :exnref)))
              (emit (list :block exit nil
                          (list :loop top nil
                                (list :block h (list :type :nlx-catch)
                                      (list* :try-table (new-label) nil
                                             (list (list :catch-ref *nlx-tag* h)) body)
                                      (list :unreachable))
                                (list :local.set exn) (list :local.set val)
                                (list :local.set tgt)
                                (list* :block (new-label) nil
                                       (append
                                        (list (list :local.get tgt))
                                        (sub-code (lambda () (emit-var-get (tb-id-var tb))))
                                        (list (list :ref.eq)
                                              (list :if (new-label) nil
                                                    nil
                                                    (list (list :local.get exn)
                                                          (list :throw-ref))))))
                                (list :local.get val)
                                (list :ref.cast :i31)
                                (list :i31.get_s)
                                (list :local.set pc)
                                (list :br top)))))
            (emit (list :block exit nil (list* :loop top nil body))))))
    (emit-nil)))

(defun cg-go (tb index throw-p)
  (let ((e (assoc tb *tagbodies*)))
    (if (and e (not throw-p))
        (progn (emit (list :i32.const index))
               (emit (list :local.set (cddr e)))
               (emit (list :br (cadr e))))
        (progn (emit-var-get (tb-id-var tb))
               (emit (list :i32.const index)) (emit (list :ref.i31))
               (emit (list :throw *nlx-tag*))))
    (emit (list :ref.null :none))))

;;; unwind-protect: cleanup on every exit; multiple values of the protected form
;;; survive the cleanup.

(defun cg-unwind-protect (protected cleanup mv)
  (let ((saved (new-local :eqref)))
    (emit-protected (sub-code (lambda () (cg protected mv)))
                    (sub-code (lambda ()
                                (when mv
                                  (emit (list :call (native-index :mv-save)))
                                  (emit (list :local.set saved)))
                                (cg cleanup nil) (emit (list :drop))
                                (when mv
                                  (emit (list :local.get saved))
                                  (emit (list :call (native-index :mv-restore)))))))))

;;; Multiple values: a count in a global and values 1.. in a global buffer; value 0
;;; is the ordinary result.

(defun cg-values (args mv)
  (let ((n (length args)))
    (cond ((= n 0) (emit-nil)
           (when mv (emit (list :i32.const 0)) (emit (list :global.set (global-index *m* :mv-count)))))
          ((not mv) (cg (car args) nil)
           (dolist (a (cdr args)) (cg a nil) (emit (list :drop))))
          (t
           (let ((first (new-local :eqref)) (tmps nil))
             (cg (car args) nil) (emit (list :local.set first))
             (dolist (a (cdr args))
               (let ((tmp (new-local :eqref)))
                 (cg a nil) (emit (list :local.set tmp)) (push tmp tmps)))
             (setq tmps (nreverse tmps))
             (let ((i 1))
               (dolist (tmp tmps)
                 (emit (list :global.get (global-index *m* :mv-buf)))
                 (emit (list :i32.const i))
                 (emit (list :local.get tmp))
                 (emit (list :array.set :eqarray))
                 (setq i (+ i 1))))
             (emit (list :i32.const n)) (emit (list :global.set (global-index *m* :mv-count)))
             (emit (list :local.get first)))))))

(defun emit-mv-ref (i)
  ;; value I (>= 1) of the last multiple-value result, nil if absent
  (emit (list :global.get (global-index *m* :mv-count)))
  (emit (list :i32.const i))
  (emit (list :i32.gt_s))
  (emit (list :if (new-label) :eqref
              (list (list :global.get (global-index *m* :mv-buf))
                    (list :i32.const i)
                    (list :array.get :eqarray))
              (list (list :global.get (global-index *m* :nil))))))

(defun cg-mvb (vars value body mv)
  (let ((first (new-local :eqref)) (tmps nil))
    (cg value t)
    (emit (list :local.set first))
    ;; read the buffer before any init code can clobber it
    (let ((i 1))
      (dolist (v (cdr vars))
        (declare (ignore v))
        (let ((tmp (new-local :eqref)))
          (emit-mv-ref i) (emit (list :local.set tmp)) (push tmp tmps))
        (setq i (+ i 1))))
    (setq tmps (nreverse tmps))
    (let ((pairs nil))
      (when vars
        ;; value 0 is nil when the count is 0
        (emit (list :global.get (global-index *m* :mv-count)))
        (emit (list :if (new-label) :eqref
                    (list (list :local.get first))
                    (list (list :global.get (global-index *m* :nil)))))
        (emit (list :local.set first))
        (push (cons (car vars) first) pairs)
        (loop for v in (cdr vars) for tmp in tmps
              do (push (cons v tmp) pairs)))
      ;; bind like let, from the temporaries
      (cg-let (mapcar (lambda (p) (cons (car p) (list :raw-local (cdr p)))) (nreverse pairs))
              body mv))))

(defun cg-mvcall (fn-ast args)
  ;; collect all values of all args into a list, then apply
  (let ((acc (new-local :eqref)) (f (new-local :eqref)))
    (cg fn-ast nil)
    (emit (list :local.set f))
    (emit-nil) (emit (list :local.set acc))
    (dolist (a args)
      (cg a t)
      (emit (list :local.get acc))
      (emit (list :call (native-index :mv-push-reversed)))
      (emit (list :local.set acc)))
    (emit (list :local.get f))
    (emit (list :local.get acc))
    (emit (list :call (native-index :nreverse-list)))
    (emit (list :call (native-index :apply)))))

(defun cg-mvprog1 (first forms mv)
  (let ((result (new-local :eqref)) (saved (new-local :eqref)))
    (cg first mv)
    (emit (list :local.set result))
    (when mv (emit (list :call (native-index :mv-save))) (emit (list :local.set saved)))
    (dolist (f forms) (cg f nil) (emit (list :drop)))
    (when mv (emit (list :local.get saved)) (emit (list :call (native-index :mv-restore))))
    (emit (list :local.get result))))

;;; Functions: prologue parses the uniform arguments into the lambda list's variables.

(defun arg-code (i)
  (cond (*fast-entry* (list (list :local.get (+ 1 i))))
        ((< i 4) (list (list :local.get (+ 2 i))))
        (t (list (list :local.get 6) (list :i32.const (- i 4)) (list :array.get :eqarray)))))

(defun gen-function (fn)
  (let* ((*fast-entry* (if (fn-fast-index fn) t nil))
         (wf (func-at *m* (if *fast-entry* (fn-fast-index fn) (fn-index fn))))
         (*fs* (make-fstate :fn fn :wf wf))
         (*blocks* nil) (*tagbodies* nil) (*special-params* nil)
         (*label-counter* 0)
         (nreq (length (fn-required fn)))
         (nopt (length (fn-optional fn)))
         (body
           (sub-code
            (lambda ()
              (when (fn-free fn)
                (let ((e (new-local (list :ref-null :eqarray))))
                  (setf (fstate-env-local *fs*) e)
                  (emit (list :local.get 0))
                  (emit (list :ref.cast :eqarray))
                  (emit (list :local.set e))))
              ;; argument count check (a fast entry's caller checked it)
              (unless *fast-entry*
                (emit (list :local.get 1))
                (emit (list :i32.const nreq))
                (emit (list :i32.lt_s))
                (unless (or (fn-rest fn) (fn-key-p fn))
                  (emit (list :local.get 1))
                  (emit (list :i32.const (+ nreq nopt)))
                  (emit (list :i32.gt_s))
                  (emit (list :i32.or)))
                (emit (list :if (new-label) nil
                            (append (string-code (fn-name fn))
                                    (list (list :local.get 1) (list :ref.i31)
                                          (list :call (native-index :arg-count-error))))
                            nil)))
              (let ((i 0) (bindings nil))
                (dolist (v (fn-required fn))
                  (push (cons v (cons :code (arg-code i))) bindings)
                  (setq i (+ i 1)))
                ;; required parameters are bound at once; optionals in order
                (cg-param-bindings (nreverse bindings))
                (dolist (o (fn-optional fn))
                  (let ((v (first o)) (init (second o)) (sv (third o)) (k i))
                    (emit (list :local.get 1)) (emit (list :i32.const k)) (emit (list :i32.gt_s))
                    (emit (list :if (new-label) :eqref
                                (arg-code k)
                                (sub-code (lambda () (cg init nil)))))
                    (emit-param-init v)
                    (when sv
                      (emit (list :local.get 1)) (emit (list :i32.const k)) (emit (list :i32.gt_s))
                      (emit-bool)
                      (emit-param-init sv)))
                  (setq i (+ i 1)))
                (when (or (fn-rest fn) (fn-key-p fn))
                  (let ((rl (new-local :eqref)))
                    (emit (list :local.get 1)) (emit (list :i32.const i))
                    (dolist (p (list 2 3 4 5 6)) (emit (list :local.get p)))
                    (emit (list :call (native-index :make-rest)))
                    (emit (list :local.set rl))
                    (when (and (fn-key-p fn) (not (fn-allow-other-keys fn))
                               (gethash (core-symbol "%CHECK-KEYS") *global-fns*))
                      (cg (list :call (core-symbol "%CHECK-KEYS")
                                (list (list :raw-local rl)
                                      (list :const (mapcar #'first (fn-keys fn)))))
                          nil)
                      (emit (list :drop)))
                    (when (fn-rest fn)
                      (emit (list :local.get rl))
                      (emit-param-init (fn-rest fn)))
                    (dolist (k (fn-keys fn))
                      (let ((kw (first k)) (v (second k)) (init (third k)) (sv (fourth k))
                            (tmp (new-local :eqref)))
                        (emit (list :local.get rl))
                        (emit-symbol kw)
                        (emit (list :call (native-index :getkey)))
                        (emit (list :local.tee tmp))
                        (emit (list :global.get (global-index *m* :unbound)))
                        (emit (list :ref.eq))
                        (emit (list :if (new-label) :eqref
                                    (sub-code (lambda () (cg init nil)))
                                    (list (list :local.get tmp))))
                        (emit-param-init v)
                        (when sv
                          (emit (list :local.get tmp))
                          (emit (list :global.get (global-index *m* :unbound)))
                          (emit (list :ref.eq)) (emit (list :i32.eqz))
                          (emit-bool)
                          (emit-param-init sv)))))))
              (cg-body-with-special-params fn)))))
    (setf (wfunc-body wf) body)))


(defun emit-param-init (v)
  (if (var-special v)
      (let ((tmp (new-local :eqref)))
        (emit (list :local.set tmp))
        (push (cons v tmp) *special-params*))
      (emit-var-init v)))

(defun cg-param-bindings (bindings)
  (dolist (b bindings)
    (dolist (ins (cddr b)) (emit ins))
    (emit-param-init (car b))))

(defun cg-body-with-special-params (fn)
  (if *special-params*
      (let ((sp (reverse *special-params*)))
        (setq *special-params* nil)
        (cg-special-binding sp (fn-body fn) t))
      (cg (fn-body fn) t)))
