;;;; The driver: read the files, process top-level forms (each ends compiled, failed or
;;;; skipped), generate each file's code on its own (unit.lisp), link the units
;;;; (link.lisp: only what the program can reach is kept) and write the module.
;;;; Entry point: compile-files.
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
  (setq *defun-keys* (make-hash-table :test 'eq))
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
whatever the package of the symbol (expansions use the compiler's package): the
compiler's symbol of that name."
  (let ((home (symbol-home-name sym)))
    (cond ((not (and home (or (string= home "WASMBOOT-RUNTIME") (string= home "WASMBOOT-CORE")
                              (string= home "WASMBOOT-COMPILER"))))
           sym)
          ((and (> (length (symbol-name sym)) 0) (char= (char (symbol-name sym) 0) #\%))
           ;; always the compiler's symbol: which package's symbol a module meets first
           ;; must not matter, modules are compiled apart
           (or (gethash (symbol-name sym) *percent-names*)
               (setf (gethash (symbol-name sym) *percent-names*)
                     (intern (symbol-name sym) "WASMBOOT-COMPILER"))))
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
            (let ((form (or (and *context-only* (read-defun-header r))
                            (read-form r *skipped-marker*))))
              (cond ((lazy-defun-p form)
                     (setf (result-name res) (form-name (list 'defun (lazy-defun-name form))))
                     (handler-case (process-lazy-defun form res library-p)
                       (error (e) (fail-result res e)))
                     (push res *results*))
                    ((not (eq form *skipped-marker*))
                     (setf (result-name res) (form-name form))
                     (setq *fixup-package* (rd-package r))
                     (process-toplevel form r res library-p)
                     (push res *results*))))
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
          ((eq (car form) 'define-compiler-macro)
           ;; compiler macros are optional: the function of the same name is called
           (setf (result-status res) :skipped))
          ((eq (car form) 'defmacro)
           (define-user-macro (cadr form) (caddr form) (cdddr form))
           (unless library-p (add-macro-item form res)))
          ((eq (car form) 'defun)
           (let ((sym (register-defun (convert-definition form nil) res library-p)))
             ;; like a loaded file: later macros of the compilation may call it
             (when (ev-defun-p (cadr form) sym library-p)
               (ev form nil))))
          ((member (car form) '(defvar defparameter defconstant))
           (add-form-item (convert-definition form nil) res library-p))
          (t (add-form-item (convert form nil) res library-p)))))

(defun register-defun (ast res library-p)
  "Record the defun AST (:defun name fn) as the global function of its name; the sym."
  (let ((sym (canonical-fname (cadr ast))))
    (when (gethash sym *global-fns*)
      (setf (gethash sym *multi-defined*) t))
    (setf (gethash sym *global-fns*) (caddr ast))
    (let ((key (symbol-key sym)))
      (when key (setf (gethash (caddr ast) *defun-keys*) key)))
    (setq *items* (cons (make-item :kind :defun :sym sym :fn (caddr ast) :result res
                                   :library-p library-p)
                        *items*))
    sym))

(defun ev-defun-p (name sym library-p)
  "Whether the compile-time evaluator gets the defun of NAME (SYM canonical)."
  (not (or library-p
           (gethash name *ev-user-functions*)
           (equal (symbol-home-name sym) "COMMON-LISP"))))

;;; Context modules (compile-record in entry.lisp): another module's compile needs their
;;; macros, packages, specials, structures and each defun's name and lambda list, not
;;; the code of function bodies. A top-level defun is therefore read up to its lambda
;;; list and its body skipped; the compile-time evaluator reads the body when a macro
;;; first calls the function.

(defvar *context-only* nil "True while the front end reads context modules.")

(defstruct lazy-defun name lambda-list text start line col package)

(defun defun-text-p (text p)
  ;; "(defun" and a space, in any case
  (and (<= (+ p 7) (length text))
       (char= (char text p) #\()
       (string-equal (subseq text (+ p 1) (+ p 6)) "defun")
       (whitespace-char-p (char text (+ p 6)))))

(defun read-defun-header (r)
  "At a top-level defun: its name and lambda list (a lazy-defun), the reader after the
form. Otherwise nil, the reader where it was."
  (let ((start (rd-pos r)) (line (rd-line r)) (col (rd-col r)) (text (rd-text r)))
    (when (defun-text-p text start)
      (rd-next r)
      (let* ((op (read-object r))
             (name (and (eq op 'defun) (read-object r)))
             (ll (and (eq op 'defun) (read-object r))))
        (setf (rd-pos r) start) (setf (rd-line r) line) (setf (rd-col r) col)
        (when (eq op 'defun)
          (skip-to-form-end r start)
          (make-lazy-defun :name name :lambda-list ll :text text :start start :line line
                           :col col :package (rd-package r)))))))

(defun process-lazy-defun (lz res library-p)
  (let* ((name (lazy-defun-name lz))
         (sym (register-defun (convert-definition (list 'defun name (lazy-defun-lambda-list lz))
                                                  nil)
                              res library-p)))
    (when (ev-defun-p name sym library-p)
      (setf (gethash name *ev-user-functions*)
            (lambda (&rest args)
              ;; the first call reads the whole defun, which replaces this function
              (let ((r (make-rd :text (lazy-defun-text lz) :pos (lazy-defun-start lz)
                                :line (lazy-defun-line lz) :col (lazy-defun-col lz)
                                :package (lazy-defun-package lz))))
                (ev (read-form r nil) nil))
              (apply (gethash name *ev-user-functions*) args))))))

(defun add-form-item (ast res library-p)
  (setq *items* (cons (make-item :kind :form :ast ast :fn *toplevel-fn* :result res
                                 :library-p library-p)
                      *items*)))

(defun macroexpand-toplevel (form)
  (loop
    (if (and (consp form) (symbolp (car form))
             (not (member (car form) '(progn in-package defpackage declaim proclaim
                                       eval-when defmacro defun defvar defparameter
                                       defconstant define-compiler-macro))))
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

(defun library-file-p (path library)
  "Whether PATH is one of LIBRARY, the library's files (library-files)."
  (member path library :test #'string=))

(defun new-items (old)
  "The items processed since *items* was OLD, in order."
  (let ((out nil) (l *items*))
    (loop until (eq l old)
          do (push (car l) out) (setq l (cdr l)))
    out))

(defun compile-unit (path library-p &optional text)
  "Front end and code generation of the file PATH (or TEXT, named PATH): its unit."
  (let ((old *items*) (wanted *runtime-evaluator-wanted*))
    (setq *runtime-evaluator-wanted* nil)
    (process-file path library-p text)
    (let ((wants *runtime-evaluator-wanted*))
      (setq *runtime-evaluator-wanted* (or wanted wants))
      (generate-unit path (new-items old) library-p wants))))

;;; Run-time macros (the library's eval, macroexpand-1 and macroexpand,
;;; runtime-lib/evaluator.lisp). A unit that calls them says so (unit-wants-evaluator,
;;; set by convert.lisp); the program then also gets the standard expanders:
;;; compiler/expand.lisp compiled as a library unit, unless the program defines them
;;; itself (the compiler does). Each unit carries, for each of its defmacros, a step
;;; registering the macro's expander, which the link keeps only in a program that
;;; reaches wasmboot-runtime::%runtime-macro-function.

(defun add-macro-item (form res)
  (setq *items* (cons (make-item :kind :macro :ast (cons form *fixup-package*) :result res)
                      *items*)))

(defun defines-standard-expanders-p (units)
  (some (lambda (u)
          (some (lambda (d)
                  (equal (nth (first d) (unit-symbols u))
                         (list "STANDARD-MACRO-FUNCTION" "WASMBOOT-COMPILER")))
                (unit-defuns u)))
        units))

(defun needs-expander-unit-p (units)
  "A unit calls the run-time evaluator and no unit defines the standard expanders."
  (and (some #'unit-wants-evaluator units) (not (defines-standard-expanders-p units))))

(defun with-evaluator-units (units)
  "UNITS, with the unit of expand.lisp after the library's when needs-expander-unit-p.
The front end must have read the library (the compiler state is the one the units
were made in)."
  (if (not (needs-expander-unit-p units))
      units
      (let ((library (remove-if-not #'unit-library-p units))
            (others (remove-if #'unit-library-p units))
            (expander (compile-unit (concatenate 'string *stages-directory* "compiler/expand.lisp")
                                    t)))
        (append library (list expander) others))))

(defun library-units (library except)
  "The units of the files of LIBRARY not in EXCEPT (paths the caller compiles itself)."
  (let ((units nil))
    (when *include-library*
      (dolist (f library)
        (unless (member f except :test #'string=)
          (push (compile-unit f t) units))))
    (nreverse units)))

(defun compile-sources (sources)
  "Compile SOURCES, a list of (path . text-or-nil), with the runtime library into one
module: one unit per file, then the link. Library files among SOURCES are compiled
where they stand (and not again). Returns the bytes, the results of the forms of
SOURCES, and the number of failed forms (the library's included, each printed as
file:line:column: reason)."
  (init-compiler-state)
  (let* ((library (library-files))
         (units (library-units library (mapcar #'car sources)))
         (nlib (length *results*)))
    (dolist (src sources)
      (setq units (append units (list (compile-unit (car src) (library-file-p (car src) library)
                                                    (cdr src))))))
    (let* ((nuser (- (length *results*) nlib))
           (bytes (link-units-to-module (with-evaluator-units units)))
           (results (reverse *results*))
           (failed 0))
      (dolist (res results)
        (when (eq (result-status res) :failed)
          (setq failed (+ failed 1))
          (format t "~a:~d:~d: ~a~%" (result-file res) (result-line res)
                  (result-column res) (result-reason res))))
      ;; the results of expand.lisp, when it was added, come last
      (values bytes (subseq (nthcdr nlib results) 0 nuser) failed))))

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
