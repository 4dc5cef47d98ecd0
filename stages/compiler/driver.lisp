;;;; The driver: read the files, process top-level forms (each ends compiled, failed or
;;;; skipped), keep only the library functions the program can reach, generate the
;;;; module and write it. Entry point: compile-files.
(in-package "WASMBOOT-COMPILER")

(defvar *include-library* t "Nil compiles the inputs alone (for debugging).")

(defvar *stages-directory* "stages/"
  "Where runtime-lib/ and compiler/core.lisp are found (set by the host driver).")

(defstruct result status file line column name reason)
(defstruct item kind sym fn ast result library-p)   ; kind :defun or :form

(defvar *results* nil)
(defvar *percent-names* nil "EQUAL table: name -> the one symbol for %-names.")
(defvar *items* nil)

(defun init-compiler-state ()
  (init-packages)
  (init-evaluator)
  (init-natives)
  (setq *positions* (make-hash-table :test 'eq))
  (setq *specials* (make-hash-table :test 'eq))
  (setq *constants* (make-hash-table :test 'eq))
  (setq *macros* (make-hash-table :test 'eq))
  (setq *global-fns* (make-hash-table :test 'eq))
  (setq *multi-defined* (make-hash-table :test 'eq))
  (setq *percent-names* (make-hash-table :test 'equal))
  (setq *results* nil)
  (setq *items* nil))

(defun form-name (form)
  (if (and (consp form) (symbolp (car form)))
      (if (and (consp (cdr form)) (symbolp (cadr form)) (cadr form))
          (concatenate 'string (symbol-name (car form)) " " (symbol-name (cadr form)))
          (symbol-name (car form)))
      ""))

(defun canonical-fname (sym)
  "Function names of the runtime packages that are CL names name the CL function;
%-names (primitives and the library's internal hooks) are one function per name,
whatever the package of the symbol (expansions use the compiler's package)."
  (let ((home (symbol-home-name sym)))
    (cond ((not (and home (or (string= home "WASMBOOT-RUNTIME") (string= home "WASMBOOT-CORE")
                              (string= home "WASMBOOT-COMPILER"))))
           sym)
          ((and (> (length (symbol-name sym)) 0) (char= (char (symbol-name sym) 0) #\%))
           (or (gethash (symbol-name sym) *percent-names*)
               (setf (gethash (symbol-name sym) *percent-names*) sym)))
          ((string= home "WASMBOOT-COMPILER") sym)
          (t (multiple-value-bind (s found) (cl-symbol (symbol-name sym))
               (if found s sym))))))

;;; Reading a file into top-level forms with per-form results.

(defun process-file (path library-p &optional text)
  "Read and process the top-level forms of the file PATH (or of TEXT, named PATH)."
  (let* ((text (or text (read-source-text path)))
         (r (make-rd :text text :file path :package (find-cpkg "COMMON-LISP-USER"))))
    (loop
      (skip-whitespace-and-comments-safely r)
      (when (>= (rd-pos r) (length text)) (return nil))
      (let* ((start (rd-pos r)) (line (rd-line r)) (col (rd-col r))
             (res (make-result :file path :line line :column col :name "" :status :compiled)))
        (handler-case
            (let ((form (read-form r *skipped-marker*)))
              (unless (eq form *skipped-marker*)
                (setf (result-name res) (form-name form))
                (setq *fixup-package* (rd-package r))
                (process-toplevel form r res library-p)
                (push res *results*)))
          (reader-failure (e)
            (setf (result-status res) :failed)
            (setf (result-line res) (reader-failure-line e))
            (setf (result-column res) (reader-failure-column e))
            (setf (result-reason res) (reader-failure-message e))
            (push res *results*)
            ;; go on after the broken form
            (if (> (rd-pos r) start)
                (progn (setf (rd-pos r) start) (setf (rd-line r) line) (setf (rd-col r) col)
                       (skip-to-form-end r start)
                       (when (= (rd-pos r) start) (rd-seek r (+ start 1))))
                (rd-seek r (+ start 1)))))))))

(defun skip-whitespace-and-comments-safely (r)
  (handler-case (skip-whitespace-and-comments r)
    (reader-failure () (setf (rd-pos r) (length (rd-text r))))))

(defun fail-result (res e)
  (setf (result-status res) :failed)
  (let ((pos (and *current-form* (gethash *current-form* *positions*))))
    (when pos
      (setf (result-line res) (car pos))
      (setf (result-column res) (cdr pos))))
  (setf (result-reason res) (one-line (princ-to-string e))))

(defun one-line (s)
  (substitute #\Space #\Newline s))

(defvar *toplevel-fn* nil "The pseudo function that a top-level form's code runs in.")

(defun process-toplevel (form r res library-p)
  (setq *current-form* form)
  (let* ((*toplevel-fn* (make-fn :name "toplevel"))
         (*current-fn* *toplevel-fn*))
    (handler-case (process-toplevel-1 form r res library-p)
      (error (e) (fail-result res e)))))

(defun process-toplevel-1 (form r res library-p)
  (let ((form (macroexpand-toplevel form)))
    (cond ((atom form)
           (add-form-item (convert form nil) res library-p))
          ((eq (car form) 'progn)
           (dolist (f (cdr form)) (process-toplevel-1 f r res library-p)))
          ((eq (car form) 'in-package)
           (let ((p (find-cpkg (string (cadr form)))))
             (unless p (fail form "in-package: no package named ~a" (cadr form)))
             (setf (rd-package r) p)
             (setq *fixup-package* p)
             (setf (result-status res) :skipped)))
          ((eq (car form) 'defpackage) (process-defpackage form) (setf (result-status res) :skipped))
          ((member (car form) '(declaim proclaim))
           (convert-definition form nil)
           (setf (result-status res) :skipped))
          ((eq (car form) 'eval-when)
           (let ((situations (cadr form)))
             (when (or (member :compile-toplevel situations) (member 'compile situations))
               (dolist (f (cddr form)) (ev f nil)))
             (when (or (member :load-toplevel situations) (member 'load situations)
                       (member :execute situations) (member 'eval situations))
               (dolist (f (cddr form)) (process-toplevel-1 f r res library-p)))))
          ((eq (car form) 'defmacro)
           (define-user-macro (cadr form) (caddr form) (cdddr form))
           (unless library-p (add-macro-item form res)))
          ((eq (car form) 'defun)
           (let* ((ast (convert-definition form nil))
                  (sym (canonical-fname (cadr ast))))
             (when (gethash sym *global-fns*)
               (setf (gethash sym *multi-defined*) t))
             (setf (gethash sym *global-fns*) (caddr ast))
             ;; like a loaded file: later macros of the compilation may call it
             (unless (or library-p
                         (gethash (cadr form) *ev-user-functions*)
                         (equal (symbol-home-name sym) "COMMON-LISP"))
               (ev form nil))
             (setq *items* (cons (make-item :kind :defun :sym sym :fn (caddr ast) :result res
                                            :library-p library-p)
                                 *items*))))
          ((member (car form) '(defvar defparameter defconstant))
           (add-form-item (convert-definition form nil) res library-p))
          (t (add-form-item (convert form nil) res library-p)))))

(defun add-form-item (ast res library-p)
  (setq *items* (cons (make-item :kind :form :ast ast :fn *toplevel-fn* :result res
                                 :library-p library-p)
                      *items*)))

(defun macroexpand-toplevel (form)
  (loop
    (if (and (consp form) (symbolp (car form))
             (not (member (car form) '(progn in-package defpackage declaim proclaim
                                       eval-when defmacro defun defvar defparameter
                                       defconstant))))
        (multiple-value-bind (exp expanded) (macroexpand-1-form form nil)
          (if expanded (setq form exp) (return form)))
        (return form))))

(defun process-defpackage (form)
  (let ((name (string (cadr form))) (nicks nil) (uses nil) (shadows nil) (exports nil))
    (dolist (opt (cddr form))
      (when (consp opt)
        (let ((k (symbol-name (car opt))) (args (mapcar #'string (cdr opt))))
          (cond ((string= k "NICKNAMES") (setq nicks (append nicks args)))
                ((string= k "USE") (setq uses (append uses args)))
                ((string= k "SHADOW") (setq shadows (append shadows args)))
                ((string= k "EXPORT") (setq exports (append exports args)))))))
    (define-cpkg name nicks uses shadows exports)))

;;; Tree shaking: the library's defuns that the program can reach.

(defvar *reachable* nil)
(defvar *walk-queue* nil)

(defun mark-fname (sym)
  (when (and (symbolp sym) (gethash sym *global-fns*) (not (gethash sym *reachable*)))
    (setf (gethash sym *reachable*) t)
    (push (gethash sym *global-fns*) *walk-queue*)))

(defun walk-ast (x)
  (cond ((consp x)
         (when (and (eq (car x) :call) (consp (cdr x))) (mark-fname (cadr x)))
         (when (and (eq (car x) :fref) (consp (cdr x))) (mark-fname (cadr x)))
         (when (and (eq (car x) :const) (consp (cdr x)) (symbolp (cadr x))) (mark-fname (cadr x)))
         (loop while (consp x)
               do (walk-ast (car x)) (setq x (cdr x))))
        ((fn-p x) (walk-fn x))
        (t nil)))

(defun walk-fn (f)
  (walk-ast (fn-body f))
  (walk-ast (fn-optional f))
  (walk-ast (fn-keys f)))

(defun compute-reachable (items)
  (setq *reachable* (make-hash-table :test 'eq))
  (setq *walk-queue* nil)
  (dolist (s (list (core-symbol "%NATIVE-ERROR") (core-symbol "%CHECK-KEYS")
                   (canonical-fname (compile-form-export-symbol))
                   (canonical-fname (intern "%COMPILE-ALL-EXPORT" "WASMBOOT-COMPILER"))
                   (and (runtime-symbol "%REPORT-UNHANDLED-ERROR") (core-symbol "%SAFE-REPORT"))
                   (runtime-symbol "%REPORT-UNHANDLED-ERROR")
                   (runtime-symbol "%SHUTDOWN")))
    (when s (mark-fname s)))
  (dolist (it items)
    (cond ((eq (item-kind it) :form) (walk-ast (item-ast it)))
          ((not (item-library-p it)) (mark-fname (item-sym it)))))
  (loop while *walk-queue*
        do (let ((f (pop *walk-queue*))) (walk-fn f))))

(defun runtime-symbol (name)
  (let ((p (find-cpkg "WASMBOOT-RUNTIME")))
    (if p (canonical-fname (cpkg-intern name p)) nil)))

;;; Code generation of the whole program.

(defun generate-module (items)
  (let ((*m* (make-wmod))
        (*fn-queue* nil)
        (*symbol-globals* (make-hash-table :test 'equal))
        (*uninterned-globals* (make-hash-table :test 'eq))
        (*string-globals* (make-hash-table :test 'equal))
        (*package-globals* (make-hash-table :test 'equal))
        (*static-symbol-list* nil)
        (*string-list* nil)
        (*package-list* nil)
        (*constant-list* nil))
    (setup-types *m*)
    (setup-imports *m*)
    (setup-globals *m*)
    ;; symbols 0 and 1 of the table are nil and t
    (symbol-index nil) (symbol-index t)
    (package-global "COMMON-LISP")
    (let* ((start (add-func *m* :start "_start" nil nil))
           (start-local (add-local (func-at *m* start) :eqref))
           (calls nil)
           (counter 0))
      (dolist (it items)
        (if (eq (item-kind it) :defun)
            (when (gethash (item-sym it) *reachable*)
              (push (list :defun it) calls))
            (let* ((name (format nil "toplevel-~d" counter))
                   (idx (add-func *m* nil name nil (list :eqref))))
              (setq counter (+ counter 1))
              (push (list :form it idx) calls))))
      (setq calls (nreverse calls))
      start-local
      ;; top-level form functions
      (dolist (c calls)
        (when (eq (car c) :form)
          (let* ((it (cadr c)) (wf (func-at *m* (caddr c))))
            (gen-toplevel-function wf (item-fn it) (item-ast it) (item-result it)))))
      ;; _start
      ;; the steps of the top level (install a defun, call a top-level form's
      ;; function) go into functions of at most 64 steps each, which _start calls:
      ;; small functions compile fast
      (let* ((steps (let ((out nil))
                      (dolist (c calls)
                        (if (eq (car c) :defun)
                            (let ((it (cadr c)))
                              (handler-case
                                  (let ((*fs* (make-fstate :fn (make-fn :name "init")
                                                           :wf (func-at *m* start))))
                                    (push (sub-code (lambda ()
                                                      (cg-defun-form (item-sym it) (item-fn it))
                                                      (emit (list :drop))))
                                          out))
                                (error (e) (fail-result (item-result it) e))))
                            (push (list (list :call (caddr c)) (list :drop)) out)))
                      (nreverse out)))
             (body (let ((out nil) (n 0))
                     (loop while steps
                           do (let ((chunk nil) (k 0))
                                (loop while (and steps (< k 64))
                                      do (setq chunk (append chunk (pop steps)))
                                         (setq k (+ k 1)))
                                (let ((idx (add-func *m* nil (format nil "init-~d" n) nil nil)))
                                  (setf (wfunc-body (func-at *m* idx)) chunk)
                                  (push (list :call idx) out)
                                  (setq n (+ n 1)))))
                     (nreverse out))))
        ;; generate all function bodies reached so far (closures add more)
        (loop while *fn-queue*
              do (let ((f (pop *fn-queue*)))
                   (handler-case (gen-function f)
                     (error (e)
                       (setf (wfunc-body (func-at *m* (fn-index f))) (list (list :unreachable)))
                       (let ((it (find f items :key #'item-fn)))
                         (when it (fail-result (item-result it) e)))))))
        (setf (wfunc-body (func-at *m* start))
              (append (start-prologue) (wrap-toplevel body) (shutdown-code))))
      (add-export *m* "_start" :func start)
      (export-compile-form)
      (add-export *m* "memory" :memory 0)
      (encode-module *m*))))

(defun gen-toplevel-function (wf fn ast res)
  (let ((*fs* (make-fstate :fn fn :wf wf))
        (*blocks* nil) (*tagbodies* nil) (*label-counter* 0))
    (handler-case
        (setf (wfunc-body wf) (sub-code (lambda () (cg ast nil))))
      (error (e)
        (setf (wfunc-body wf) (list (list :unreachable)))
        (fail-result res e)))))

(defun start-prologue ()
  "Code that _start runs first: the quoted constants and the package records'
fields, preceded by the construction of the string, package and symbol tables (made
last, when every symbol and string of the module is known)."
  (let* ((pkg-globals (mapcar (lambda (p) (package-global (cpkg-name p))) *package-order*))
         (rest-code
           (sub-code
            (lambda ()
              (dolist (c (reverse *constant-list*))
                (dolist (i (constant-code (cdr c))) (emit i))
                (emit (list :global.set (car c))))
              (loop for p in *package-order* for g in pkg-globals
                    do (emit (list :global.get g))
                       (dolist (i (constant-code (cpkg-nicknames p))) (emit i))
                       (emit (list :struct.set :package 1))
                       (emit (list :global.get g))
                       (dolist (u (cpkg-use-list p))
                         (emit (list :global.get (package-global (cpkg-name u)))))
                       (emit-nil)
                       (dolist (u (cpkg-use-list p)) (declare (ignore u))
                         (emit (list :struct.new :cons)))
                       (emit (list :struct.set :package 2))
                       (emit (list :global.get g))
                       (dolist (i (constant-code (sorted-externals p))) (emit i))
                       (emit (list :struct.set :package 4)))))))
    (append (table-code) rest-code)))

(defun sorted-externals (p)
  (let ((names nil))
    (maphash (lambda (k v) (declare (ignore v)) (push k names)) (cpkg-externals p))
    (stable-sort names #'string<)))

(defun put-i32 (buf n)
  (let ((v (logand n #xffffffff)))
    (emit-byte buf (logand v 255)) (emit-byte buf (logand (ash v -8) 255))
    (emit-byte buf (logand (ash v -16) 255)) (emit-byte buf (logand (ash v -24) 255))))

(defun table-code ()
  "Data segments for the tables and the loops of _start that build them from it:
segment 0 holds the characters of strings whose code points are all below 256, one
byte each; segment 1 those of the other strings, 4 bytes each; segment 2 the
descriptors: per string (offset, length, 1 if wide), per symbol (name index, package
index or -1, hash, 1 if it evaluates to itself)."
  (let* ((strings (reverse *string-list*))
         (symbols (reverse *static-symbol-list*))
         (packages (reverse *package-list*))
         (narrow (make-bytes)) (wide (make-bytes)) (desc (make-bytes))
         (nstr (length strings)) (nsym (length symbols)))
    (dolist (str strings)
      (if (every (lambda (c) (< (char-code c) 256)) str)
          (progn (put-i32 desc (length narrow))
                 (put-i32 desc (length str))
                 (put-i32 desc 0)
                 (dotimes (i (length str)) (emit-byte narrow (char-code (char str i)))))
          (progn (put-i32 desc (length wide))
                 (put-i32 desc (length str))
                 (put-i32 desc 1)
                 (dotimes (i (length str)) (put-i32 wide (char-code (char str i)))))))
    (dolist (sym symbols)
      (let ((home (symbol-home-name sym)))
        (put-i32 desc (- (string-index (symbol-name sym)) 1))
        (put-i32 desc (if home (position home packages :test #'string=) -1))
        (put-i32 desc (string-hash (symbol-name sym)))
        (put-i32 desc (if (or (null sym) (eq sym t) (equal home "KEYWORD")) 1 0))))
    (let ((seg-narrow (add-data *m* narrow))
          (seg-wide (add-data *m* wide))
          (seg-desc (add-data *m* desc))
          (strtab (global-index *m* :strtab))
          (symtab (global-index *m* :symtab))
          (d 0) (k 1) (pk 2) (s 3) (pkgtab 4) (tmp 5) (str 6) (j 7)
          (f (func-at *m* (func-index *m* :start))))
      ;; locals of _start: 0 is the condition slot of the top level
      (setq d (add-local f (list :ref-null :string)))
      (setq k (add-local f :i32))
      (setq pk (add-local f :i32))
      (setq s (add-local f (list :ref-null :symbol)))
      (setq pkgtab (add-local f (list :ref-null :eqarray)))
      (setq tmp (add-local f (list :ref-null :bytes)))
      (setq str (add-local f (list :ref-null :string)))
      (setq j (add-local f :i32))
      (sub-code
       (lambda ()
         (emit (list :i32.const 0))
         (emit (list :i32.const (+ (* 3 nstr) (* 4 nsym))))
         (emit (list :array.new_data :string seg-desc))
         (emit (list :local.set d))
         ;; strings
         (emit (list :ref.null :none)) (emit (list :i32.const nstr))
         (emit (list :array.new :eqarray)) (emit (list :global.set strtab))
         (emit (list :block 1 nil
                     (list :loop 2 nil
                           (list :local.get k) (list :i32.const nstr) (list :i32.ge_s) (list :br_if 1)
                           ;; pk = 3k
                           (list :local.get k) (list :i32.const 3) (list :i32.mul) (list :local.set pk)
                           (list :local.get d) (list :local.get pk) (list :i32.const 2) (list :i32.add)
                           (list :array.get :string)
                           (list :if 3 nil
                                 (list (list :local.get d) (list :local.get pk) (list :array.get :string)
                                       (list :i32.const 4) (list :i32.mul)
                                       (list :local.get d) (list :local.get pk) (list :i32.const 1)
                                       (list :i32.add) (list :array.get :string)
                                       (list :array.new_data :string seg-wide)
                                       (list :local.set str))
                                 (list (list :local.get d) (list :local.get pk) (list :array.get :string)
                                       (list :local.get d) (list :local.get pk) (list :i32.const 1)
                                       (list :i32.add) (list :array.get :string)
                                       (list :array.new_data :bytes seg-narrow)
                                       (list :local.set tmp)
                                       (list :i32.const 0)
                                       (list :local.get tmp) (list :array.len)
                                       (list :array.new :string) (list :local.set str)
                                       (list :i32.const 0) (list :local.set j)
                                       (list :block 4 nil
                                             (list :loop 5 nil
                                                   (list :local.get j) (list :local.get tmp)
                                                   (list :array.len) (list :i32.ge_s) (list :br_if 4)
                                                   (list :local.get str) (list :local.get j)
                                                   (list :local.get tmp) (list :local.get j)
                                                   (list :array.get_u :bytes)
                                                   (list :array.set :string)
                                                   (list :local.get j) (list :i32.const 1)
                                                   (list :i32.add) (list :local.set j)
                                                   (list :br 5)))))
                           (list :global.get strtab) (list :ref.as_non_null) (list :local.get k)
                           (list :local.get str)
                           (list :array.set :eqarray)
                           (list :local.get k) (list :i32.const 1) (list :i32.add) (list :local.set k)
                           (list :br 2))))
         ;; packages
         (dolist (name packages)
           (dolist (i (string-code name)) (emit i))
           (emit-nil) (emit-nil) (emit-nil) (emit-nil)
           (emit (list :struct.new :package))
           (emit (list :global.set (package-global name))))
         (dolist (name packages) (emit (list :global.get (package-global name))))
         (emit (list :array.new_fixed :eqarray (length packages)))
         (emit (list :local.tee pkgtab))
         (emit (list :global.set (global-index *m* :static-packages)))
         ;; symbols
         (emit (list :ref.null :none)) (emit (list :i32.const nsym))
         (emit (list :array.new :eqarray)) (emit (list :global.set symtab))
         (emit (list :i32.const 0)) (emit (list :local.set k))
         (emit (list :block 3 nil
                     (list :loop 4 nil
                           (list :local.get k) (list :i32.const nsym) (list :i32.ge_s) (list :br_if 3)
                           ;; pk = descriptor position
                           (list :i32.const (* 3 nstr)) (list :local.get k) (list :i32.const 4)
                           (list :i32.mul) (list :i32.add) (list :local.set pk)
                           ;; name
                           (list :global.get strtab) (list :ref.as_non_null)
                           (list :local.get d) (list :local.get pk) (list :array.get :string)
                           (list :array.get :eqarray)
                           ;; package
                           (list :local.get d) (list :local.get pk) (list :i32.const 1) (list :i32.add)
                           (list :array.get :string) (list :i32.const 0) (list :i32.lt_s)
                           (list :if 5 :eqref
                                 (list (list :global.get (global-index *m* :nil)))
                                 (list (list :local.get pkgtab) (list :ref.as_non_null)
                                       (list :local.get d) (list :local.get pk) (list :i32.const 1)
                                       (list :i32.add) (list :array.get :string)
                                       (list :array.get :eqarray)))
                           (list :global.get (global-index *m* :unbound))
                           (list :ref.null :none)
                           (list :global.get (global-index *m* :nil))
                           (list :ref.null :none)
                           (list :local.get d) (list :local.get pk) (list :i32.const 2) (list :i32.add)
                           (list :array.get :string)
                           (list :struct.new :symbol) (list :local.set s)
                           ;; self-evaluating: nil, t, keywords
                           (list :local.get d) (list :local.get pk) (list :i32.const 3) (list :i32.add)
                           (list :array.get :string)
                           (list :if 6 nil
                                 (list (list :local.get s) (list :local.get s)
                                       (list :struct.set :symbol +sym-value+))
                                 nil)
                           (list :global.get symtab) (list :ref.as_non_null) (list :local.get k)
                           (list :local.get s) (list :array.set :eqarray)
                           ;; the first two are nil and t
                           (list :local.get k) (list :i32.eqz)
                           (list :if 7 nil
                                 (list (list :local.get s) (list :global.set (global-index *m* :nil))
                                       (list :local.get s) (list :local.get s)
                                       (list :struct.set :symbol +sym-plist+))
                                 nil)
                           (list :local.get k) (list :i32.const 1) (list :i32.eq)
                           (list :if 8 nil
                                 (list (list :local.get s) (list :global.set (global-index *m* :t)))
                                 nil)
                           (list :local.get k) (list :i32.const 1) (list :i32.add) (list :local.set k)
                           (list :br 4))))
         ;; NIL's package was nil while NIL did not exist yet
         (emit (list :global.get (global-index *m* :nil)))
         (emit (list :global.get (package-global "COMMON-LISP")))
         (emit (list :struct.set :symbol +sym-package+))
         ;; package tables start empty (the run-time package system fills them)
         (dolist (name packages)
           (emit (list :global.get (package-global name)))
           (emit-nil)
           (emit (list :struct.set :package 3))))))))

(defun maphash-sorted-keys (table fn)
  (let ((keys nil))
    (maphash (lambda (k v) (declare (ignore v)) (push k keys)) table)
    (dolist (k (stable-sort keys #'string<))
      (funcall fn k (gethash k table)))))

(defun wrap-toplevel (body)
  ;; an unhandled condition or throw: report, shut down, exit 2. Local 0 of _start
  ;; holds the condition.
  (let ((report (and (let ((s (runtime-symbol "%REPORT-UNHANDLED-ERROR")))
                         (and s (gethash s *global-fns*)))
                       (gethash (core-symbol "%SAFE-REPORT") *global-fns*)))
        (h (new-label-global)) (h2 (new-label-global)) (done (new-label-global)))
    (list (list* :block done nil
                 (list* :block h2 (list :type :nlx-catch)
                        (list :block h :eqref
                              (list* :try-table (new-label-global) nil
                                     (list (list :catch *error-tag* h)
                                           (list :catch-ref *nlx-tag* h2))
                                     body)
                              (list :br done))
                        (append
                         (list (list :local.set 0))
                         (if report
                             (list (list :ref.null :none) (list :i32.const 1)
                                   (list :local.get 0)
                                   (list :ref.null :none) (list :ref.null :none)
                                   (list :ref.null :none) (list :ref.null :none)
                                   (list :call (fn-wasm-index report)) (list :drop))
                             nil)
                         (shutdown-code)
                         (list (list :i32.const 2) (list :call (func-index *m* :exit))
                               (list :unreachable))))
                 (append (list (list :drop) (list :drop) (list :drop))
                         (shutdown-code)
                         (list (list :i32.const 2) (list :call (func-index *m* :exit))
                               (list :unreachable)))))))

(defvar *global-label-counter* 100000)
(defun new-label-global ()
  (setq *global-label-counter* (+ *global-label-counter* 1))
  *global-label-counter*)

(defun shutdown-code ()
  (let* ((s (runtime-symbol "%SHUTDOWN"))
         (f (and s (gethash s *global-fns*))))
    (if f
        (list (list :ref.null :none) (list :i32.const 0)
              (list :ref.null :none) (list :ref.null :none)
              (list :ref.null :none) (list :ref.null :none) (list :ref.null :none)
              (list :call (fn-wasm-index f)) (list :drop))
        nil)))

;;; The compile_form export (docs/abi.md): a program that defines
;;; wasmboot-compiler::%compile-form-export (string -> byte vector or nil) gets an export
;;; compile_form (externref source) -> externref bytes, null on failure.

(defun compile-form-export-symbol ()
  (intern "%COMPILE-FORM-EXPORT" "WASMBOOT-COMPILER"))

(defun export-compile-form ()
  (let ((fn (gethash (canonical-fname (compile-form-export-symbol)) *global-fns*)))
    (when (and fn (gethash (canonical-fname (compile-form-export-symbol)) *reachable*))
      (let* ((idx (add-func *m* nil "compile_form" (list :externref) (list :externref)))
             (wf (func-at *m* idx))
             (result (add-local wf :eqref))
             (len (add-local wf :i32)))
        (setf (wfunc-body wf)
              (list (list :ref.null :none) (list :i32.const 1)
                    (list :local.get 0) (list :call (native-index :extern-to-string))
                    (list :ref.null :none) (list :ref.null :none) (list :ref.null :none)
                    (list :ref.null :none)
                    (list :call (fn-wasm-index fn))
                    (list :local.tee result)
                    (list :global.get (global-index *m* :nil)) (list :ref.eq)
                    (list :if 1 nil (list (list :ref.null :noextern) (list :return)) nil)
                    ;; the bytes to linear memory at 0, then to a host bytes object
                    (list :local.get result) (list :i32.const 0)
                    (list :local.get result) (list :call (native-index :length))
                    (list :ref.cast :i31) (list :i31.get_s) (list :local.tee len)
                    (list :call (native-index :bytes-to-memory)) (list :drop)
                    (list :i32.const 0) (list :local.get len)
                    (list :call (func-index *m* :load-bytes))))
        (add-export *m* "compile_form" :func idx))))
  (let* ((sym (canonical-fname (intern "%COMPILE-ALL-EXPORT" "WASMBOOT-COMPILER")))
         (fn (gethash sym *global-fns*)))
    (when (and fn (gethash sym *reachable*))
      (let ((idx (add-func *m* nil "compile_all" (list :externref) (list :i32))))
        (setf (wfunc-body (func-at *m* idx))
              (list (list :ref.null :none) (list :i32.const 1)
                    (list :local.get 0) (list :call (native-index :extern-to-string))
                    (list :ref.null :none) (list :ref.null :none) (list :ref.null :none)
                    (list :ref.null :none)
                    (list :call (fn-wasm-index fn))
                    (list :ref.cast :i31) (list :i31.get_s)))
        (add-export *m* "compile_all" :func idx)))))

;;; Run-time macros (the library's eval, macroexpand-1, macroexpand). Only a program that
;;; calls them (convert.lisp's *runtime-evaluator-wanted*) or reaches
;;; wasmboot-runtime::%runtime-macro-function gets the standard expanders
;;; (compiler/expand.lisp compiled as library code, its top-level forms run after the
;;; library's) and, at the place of each of its defmacros, a step registering the
;;; macro's expander; in every other program the defmacros' :macro items are dropped.
;;; (The flag, because walk-ast does not see a call that is a let binding's init.)

(defun add-macro-item (form res)
  (setq *items* (cons (make-item :kind :macro :ast (cons form *fixup-package*) :result res)
                      *items*)))

(defun resolve-runtime-macros (items)
  "Compute *reachable* for ITEMS; returns the items to generate and the results of
expand.lisp's forms (nil unless it was added)."
  (let ((marker (runtime-symbol "%RUNTIME-MACRO-FUNCTION"))
        (plain (remove :macro items :key #'item-kind)))
    (compute-reachable plain)
    (if (not (and marker (gethash marker *global-fns*)
                  (or *runtime-evaluator-wanted* (gethash marker *reachable*))))
        (values plain nil)
        (let ((nlib (count-if #'item-library-p items))
              (expander-items nil) (expander-results nil))
          (unless (gethash (intern "STANDARD-MACRO-FUNCTION" "WASMBOOT-COMPILER") *global-fns*)
            (let ((*items* nil) (*results* nil))
              (process-file (concatenate 'string *stages-directory* "compiler/expand.lisp") t)
              (setq expander-items (reverse *items*))
              (setq expander-results (reverse *results*))))
          (let ((all (append (subseq items 0 nlib) expander-items
                             (mapcan #'macro-registration-item (nthcdr nlib items)))))
            (compute-reachable all)
            (values all expander-results))))))

(defun macro-registration-item (it)
  "A list of the :form item calling %register-runtime-macro for the :macro item IT (none
if it fails to compile: its result says why); of IT itself for other items."
  (if (not (eq (item-kind it) :macro))
      (list it)
      (let* ((form (car (item-ast it)))
             (register (list (runtime-symbol "%REGISTER-RUNTIME-MACRO")
                             (list 'quote (cadr form))
                             (macro-expander-form (cadr form) (caddr form) (cdddr form))))
             (*items* nil))
        (setq *fixup-package* (cdr (item-ast it)))
        (process-toplevel register nil (item-result it) nil)
        *items*)))

;;; Entry point.

(defun library-files ()
  "core.lisp, then the runtime library's files (stages/runtime-lib/modules.txt)."
  (let ((files (list (concatenate 'string *stages-directory* "compiler/core.lisp"))))
    (dolist (line (read-lines (concatenate 'string *stages-directory* "runtime-lib/modules.txt")))
      (let ((l (string-trim " " line)))
        (when (and (> (length l) 0) (char/= (char l 0) #\#))
          (setq files (append files (list (concatenate 'string *stages-directory*
                                                       "runtime-lib/" l)))))))
    files))

(defun read-lines (path)
  (let ((lines nil))
    (with-open-file (s path :direction :input)
      (loop (let ((l (read-line s nil :eof)))
              (when (eq l :eof) (return nil))
              (push l lines))))
    (nreverse lines)))

(defun compile-sources (sources)
  "Compile SOURCES, a list of (path . text-or-nil), with the runtime library into one
module. Returns the bytes, the results of the forms of SOURCES, and the number of
failed forms (the library's included, each printed as file:line:column: reason)."
  (init-compiler-state)
  (when *include-library*
    (dolist (f (library-files)) (process-file f t)))
  (let ((nlib (length *results*)))
    (dolist (src sources) (process-file (car src) nil (cdr src)))
    (multiple-value-bind (items expander-results) (resolve-runtime-macros (reverse *items*))
     (let* ((bytes (generate-module items))
           (results (reverse *results*))
           (failed 0))
      (dolist (res (append expander-results results))
        (when (eq (result-status res) :failed)
          (setq failed (+ failed 1))
          (format t "~a:~d:~d: ~a~%" (result-file res) (result-line res)
                  (result-column res) (result-reason res))))
      (values bytes (nthcdr nlib results) failed)))))

(defun compile-files (input-paths output-path &key results-path)
  "Compile INPUT-PATHS (with the runtime library) into one module at OUTPUT-PATH.
Returns 0 when every form compiled, 1 when some failed, 2 on a fatal error."
  (handler-case
      (multiple-value-bind (bytes user-results failed)
          (compile-sources (mapcar (lambda (p) (cons p nil)) input-paths))
        (with-open-file (out output-path :direction :output :if-exists :supersede
                                         :element-type '(unsigned-byte 8))
          (write-sequence bytes out))
        (when results-path
          (with-open-file (out results-path :direction :output :if-exists :supersede)
            (dolist (res user-results)
              (format out "~a	~a	~d	~d	~a	~a~%"
                      (string-downcase (symbol-name (result-status res)))
                      (result-file res) (result-line res) (result-column res)
                      (result-name res) (or (result-reason res) "")))))
        (if (> failed 0) 1 0))
    (error (e)
      (format t "fatal: ~a~%" (one-line (princ-to-string e)))
      2)))

(defun compile-form-text (text)
  "The bytes of the module compiled from the forms in the string TEXT (with the
runtime library), or nil when a form failed (the reasons are printed)."
  (handler-case
      (multiple-value-bind (bytes results failed)
          (compile-sources (list (cons "<compile_form>" text)))
        (declare (ignore results))
        (if (> failed 0) nil bytes))
    (error (e)
      (format t "fatal: ~a~%" (one-line (princ-to-string e)))
      nil)))

;;; Diagnostics: functions the reachable code calls that nothing defines.

(defvar *undefined* nil)

(defun collect-undefined (x)
  (cond ((consp x)
         (when (and (member (car x) '(:call :fref)) (consp (cdr x)) (symbolp (cadr x))
                    (not (gethash (cadr x) *global-fns*))
                    (not (and (eq (car x) :call) (find-native (cadr x) (length (caddr x)))))
                    (not (and (eq (car x) :fref) (native-wrapper-possible-p (cadr x)))))
           (pushnew (cadr x) *undefined*))
         (loop while (consp x) do (collect-undefined (car x)) (setq x (cdr x))))
        ((fn-p x) (collect-undefined (fn-body x)) (collect-undefined (fn-optional x))
         (collect-undefined (fn-keys x)))
        (t nil)))

(defun native-wrapper-possible-p (sym)
  (let ((e (and (native-name-p sym) (gethash (symbol-name sym) *natives*))))
    (and e (second e) (= (first e) (second e)))))

(defun undefined-functions (items)
  "Names (strings, sorted) of functions reachable code calls that nothing defines."
  (setq *undefined* nil)
  (dolist (it items)
    (if (eq (item-kind it) :form)
        (collect-undefined (item-ast it))
        (when (gethash (item-sym it) *reachable*) (collect-undefined (item-fn it)))))
  (stable-sort (mapcar (lambda (s) (concatenate 'string (or (symbol-home-name s) "#") "::"
                                                (symbol-name s)))
                       *undefined*)
               #'string<))
