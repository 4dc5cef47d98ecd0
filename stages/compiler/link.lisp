;;;; The link: join the units of a program (one per source file, unit.lisp) into one
;;;; module. Each unit holds its module's functions with unit-local numbering; the link
;;;; keeps what the program can reach, gives every kept function, global, symbol and
;;;; string its index in the whole module, and writes _start (tables, quoted constants,
;;;; the definitions and top-level forms of every unit in order). It needs nothing from
;;;; the front end, so the compiled stage can link artifacts other runs wrote.
(in-package "WASMBOOT-COMPILER")

(defstruct link
  units views
  (nimports 0) (nglobals 0)
  (defs (make-hash-table :test 'equal))     ; symbol key -> list of (unit . defun), newest first
  (shared (make-hash-table :test 'equal))   ; native / wrapper key -> (unit . function)
  (reached (make-hash-table :test 'equal))  ; (kind unit . index) -> t
  (queue nil)
  (func-map (make-hash-table :test 'equal)) ; (unit . function) -> final index
  (global-map (make-hash-table :test 'equal))
  (closure-globals (make-hash-table :test 'eql)) ; final function -> final global
  (strings (make-hash-table :test 'equal)) (string-list nil) (string-count 0)
  (symbols (make-hash-table :test 'equal)) (symbol-list nil) (symbol-count 0)
  (packages (make-hash-table :test 'equal)) (package-list nil)
  (declared (make-hash-table :test 'eql)) (declared-list nil)
  (stubs (make-hash-table :test 'equal)) (stub-list nil))

(defvar *link* nil)

(defvar *global-label-counter* 100000)
(defun new-label-global ()
  ;; labels of the code of _start that the link writes
  (setq *global-label-counter* (+ *global-label-counter* 1))
  *global-label-counter*)

;;; Lookups by index go through vectors made once per link (a unit's parts are lists).

(defstruct view unit funcs globals symbols strings defuns symbol-keys owners)

(defun make-unit-view (u ui)
  (let ((v (make-view :unit u
                      :funcs (coerce (unit-funcs u) 'simple-vector)
                      :globals (coerce (unit-globals u) 'simple-vector)
                      :symbols (coerce (unit-symbols u) 'simple-vector)
                      :strings (coerce (unit-strings u) 'simple-vector)
                      :defuns (coerce (unit-defuns u) 'simple-vector)
                      :owners (make-hash-table :test 'eql))))
    (setf (view-symbol-keys v)
          (let ((keys (make-array (length (view-symbols v)))) (k 0))
            (dolist (rec (unit-symbols u))
              ;; HOME::NAME, or unit and index for an uninterned symbol
              (setf (svref keys k) (if (second rec)
                                       (concatenate 'string (second rec) "::" (first rec))
                                       (format nil "#~d:~d" ui k)))
              (setq k (+ k 1)))
            keys))
    (let ((i 0))
      (dolist (d (unit-defuns u))
        (setf (gethash (third d) (view-owners v)) i)
        (when (fourth d) (setf (gethash (fourth d) (view-owners v)) i))
        (setq i (+ i 1))))
    v))

(defun view-at (ui) (svref (link-views *link*) ui))
(defun unit-at (ui) (view-unit (view-at ui)))
(defun unit-func-at (ui fi) (svref (view-funcs (view-at ui)) (- fi (link-nimports *link*))))
(defun unit-global-at (ui g) (svref (view-globals (view-at ui)) (- g (link-nglobals *link*))))
(defun unit-defun-at (ui i) (svref (view-defuns (view-at ui)) i))
(defun unit-symbol-key (ui k) (svref (view-symbol-keys (view-at ui)) k))

;;; Walking every unit's parts in order, with their indices: FN gets the unit's
;;; index, the part's index (a function or global index as the unit numbers them, a
;;; defun's position) and the part.

(defun each-unit (fn)
  (let ((ui 0))
    (dolist (u (link-units *link*))
      (funcall fn ui u)
      (setq ui (+ ui 1)))))

(defun each-unit-func (fn)
  (each-unit (lambda (ui u)
               (let ((fi (link-nimports *link*)))
                 (dolist (f (unit-funcs u))
                   (funcall fn ui fi f)
                   (setq fi (+ fi 1)))))))

(defun each-unit-global (fn)
  (each-unit (lambda (ui u)
               (let ((g (link-nglobals *link*)))
                 (dolist (gl (unit-globals u))
                   (funcall fn ui g gl)
                   (setq g (+ g 1)))))))

(defun each-unit-defun (fn)
  (each-unit (lambda (ui u)
               (let ((i 0))
                 (dolist (d (unit-defuns u))
                   (funcall fn ui i d)
                   (setq i (+ i 1)))))))

;;; Which function a reference means: placeholders bind to the defining unit's entry,
;;; helpers to their first copy.

(defun resolve-func (ui fi)
  "The (unit . function) that function FI of unit UI stands for; (nil . final index)
for imports and for the link's stubs."
  (if (< fi (link-nimports *link*))
      (cons nil fi)
      (let ((l (nth 5 (unit-func-at ui fi))))
        (cond ((null l) (cons ui fi))
              ((eq (car l) :extern) (resolve-extern ui (second l) (third l)))
              (t (gethash l (link-shared *link*)))))))

(defun resolve-extern (ui key kind)
  ;; the newest definition in a unit before UI: the one UI's compile saw
  (let ((def (find-if (lambda (d) (< (car d) ui)) (gethash key (link-defs *link*)))))
    (unless def
      (return-from resolve-extern (symbol-call-stub ui key kind)))
    (let* ((d (unit-defun-at (car def) (cdr def)))
           (target (if (eq kind :fast) (fourth d) (third d))))
      (unless target
        (error "~a: ~a changed its lambda list since this module was compiled"
               (unit-file (unit-at ui)) key))
      (cons (car def) target))))

;;; A placeholder whose definition no earlier unit has (its defun failed to compile
;;; there, or the units were compiled against other sources) calls through the symbol
;;; instead, as a call of an unknown function does: an undefined-function error at run
;;; time if it is ever called. The link writes the stub; the program says so once.

(defun symbol-call-stub (ui key kind)
  (let ((old (gethash (list key kind) (link-stubs *link*))))
    (or old
        (let* ((helper (gethash (list :native :symbol-closure) (link-shared *link*)))
               (f (placeholder-func ui key kind))
               (idx (progn
                      (unless helper
                        (error "~a: ~a is defined by no earlier module" (unit-file (unit-at ui)) key))
                      (reach :func (car helper) (cdr helper))
                      (format t "link: ~a is defined by no module before ~a; its calls go through the symbol~%"
                              key (unit-file (unit-at ui)))
                      (add-func *m* nil (first f) (second f) (third f)))))
          (push (list idx key kind (length (second f))) (link-stub-list *link*))
          (setf (gethash (list key kind) (link-stubs *link*)) (cons nil idx))))))

(defun placeholder-func (ui key kind)
  "The function record of the placeholder of KEY and KIND in unit UI."
  (find (list :extern key kind) (unit-funcs (unit-at ui)) :key (lambda (f) (nth 5 f))
        :test #'equal))

(defun stub-body (key kind nparams)
  ;; the symbol's closure, then a uniform call with the stub's own arguments
  (let* ((sep (search "::" key))
         (sym (link-symbol key (subseq key (+ sep 2)) (subseq key 0 sep)))
         (helper (gethash (list :native :symbol-closure) (link-shared *link*)))
         (tmp (if (eq kind :fast) nparams 7))
         (args (if (eq kind :fast)
                   (let ((out (list (list :i32.const (- nparams 1)))))
                     (dotimes (i 4)
                       (setq out (append out (if (< (+ i 1) nparams)
                                                 (list (list :local.get (+ i 1)))
                                                 (list (list :ref.null :none))))))
                     (append out (list (list :ref.null :none))))
                   (let ((out nil))
                     (dotimes (i 6) (setq out (append out (list (list :local.get (+ i 1))))))
                     out))))
    (append (list (list :global.get (global-index *m* :symtab)) (list :i32.const sym)
                  (list :array.get :eqarray)
                  (list :call (gethash helper (link-func-map *link*)))
                  (list :local.tee tmp) (list :struct.get :closure 1))
            args
            (list (list :local.get tmp) (list :struct.get :closure 0) (list :call_ref :fn)))))

(defun write-stubs ()
  (dolist (s (link-stub-list *link*))
    (let ((wf (func-at *m* (first s))))
      (add-local wf (list :ref-null :closure))
      (setf (wfunc-body wf) (stub-body (second s) (third s) (fourth s))))))

;;; What the program reaches, from the top-level forms, the definitions of non-library
;;; units, the roots (functions the generated code itself calls) and the exports.

(defun reach (kind ui index)
  (let ((key (list* kind ui index)))
    (unless (gethash key (link-reached *link*))
      (setf (gethash key (link-reached *link*)) t)
      (push key (link-queue *link*)))))

(defun reached-p (kind ui index)
  (gethash (list* kind ui index) (link-reached *link*)))

(defun reach-func (ui fi)
  (let ((r (resolve-func ui fi)))
    (when (car r) (reach :func (car r) (cdr r)))))

(defun reach-symbol (ui k)
  (dolist (d (gethash (unit-symbol-key ui k) (link-defs *link*)))
    (reach :defun (car d) (cdr d))))

(defun scan-code (ui code symbols-p)
  "Reach what CODE refers to; SYMBOLS-P: a symbol it mentions reaches the function
of that name (as a quoted function name may be called)."
  (dolist (ins code)
    (case (car ins)
      ((:call :return_call :ref.func) (reach-func ui (second ins)))
      ((:global.get :global.set)
       (when (>= (second ins) (link-nglobals *link*)) (reach :global ui (second ins))))
      (:i32.const (when (and symbols-p (eq (third ins) :sym)) (reach-symbol ui (second ins))))
      ((:block :loop) (scan-code ui (cdddr ins) symbols-p))
      (:if (scan-code ui (fourth ins) symbols-p) (scan-code ui (fifth ins) symbols-p))
      (:try-table (scan-code ui (nthcdr 4 ins) symbols-p))
      (t nil))))

(defun walk-reached (key)
  (let* ((kind (car key)) (ui (cadr key)) (index (cddr key)))
    (case kind
      (:func
       (scan-code ui (fifth (unit-func-at ui index)) t)
       ;; an entry of a defun brings its definition (symbol-function must work)
       (let ((owner (gethash index (view-owners (view-at ui)))))
         (when owner (reach :defun ui owner))))
      (:global
       (let ((g (unit-global-at ui index)))
         (scan-code ui (third g) t)
         (when (eq (car (fourth g)) :constant) (scan-code ui (second (fourth g)) nil))))
      (:defun
       (let ((d (unit-defun-at ui index)))
         (scan-code ui (nth 5 d) t)))
      (t nil))))

(defun compute-reached ()
  (each-unit (lambda (ui u)
               (dolist (s (unit-steps u))
                 (when (eq (car s) :form) (reach :func ui (second s))))
               (let ((i 0))
                 (dolist (d (unit-defuns u))
                   (when (or (not (second d))
                             (member (fifth d) '(:root :report :safe-report :shutdown)))
                     (reach :defun ui i))
                   (setq i (+ i 1))))
               (dolist (e (unit-exports u)) (reach-func ui (second e)))))
  (drain-queue)
  ;; a program with the run-time macro table registers its defmacros' expanders
  (when (reached-role :macro-table)
    (each-unit (lambda (ui u)
                 (dolist (s (unit-steps u))
                   (when (eq (car s) :macro) (reach :func ui (second s))))))
    (drain-queue)))

(defun drain-queue ()
  (loop while (link-queue *link*)
        do (walk-reached (pop (link-queue *link*)))))

(defun reached-role (role)
  "(unit . defun) of the last kept defun with ROLE (:report ...), or nil."
  (let ((found nil))
    (each-unit-defun (lambda (ui i d)
                       (when (and (eq (fifth d) role) (reached-p :defun ui i))
                         (setq found (cons ui i)))))
    found))

;;; The tables of the whole module: strings, symbols, packages.

(defun link-string (s)
  (or (gethash s (link-strings *link*))
      (progn (push s (link-string-list *link*))
             (setf (link-string-count *link*) (+ (link-string-count *link*) 1))
             (setf (gethash s (link-strings *link*)) (- (link-string-count *link*) 1)))))

(defun link-package-global (name)
  (or (gethash name (link-packages *link*))
      (progn (link-string name)
             (push name (link-package-list *link*))
             (setf (gethash name (link-packages *link*))
                   (add-global *m* nil (list :ref-null :package) t
                               (list (list :ref.null :none)))))))

(defun link-symbol (key name home)
  (or (gethash key (link-symbols *link*))
      (progn (link-string name)
             (when home (link-package-global home))
             (push (list name home) (link-symbol-list *link*))
             (setf (link-symbol-count *link*) (+ (link-symbol-count *link*) 1))
             (setf (gethash key (link-symbols *link*)) (- (link-symbol-count *link*) 1)))))

(defun link-unit-symbol (ui k)
  (let ((rec (svref (view-symbols (view-at ui)) k)))
    (link-symbol (unit-symbol-key ui k) (first rec) (second rec))))

(defun link-string-code (s)
  (list (list :global.get (global-index *m* :strtab)) (list :i32.const (link-string s))
        (list :array.get :eqarray)))

;;; Renumbering.

(defun final-func (ui fi)
  (let ((r (resolve-func ui fi)))
    (if (car r)
        (or (gethash r (link-func-map *link*))
            (error "link: function ~d of ~a was not kept" (cdr r) (unit-file (unit-at (car r)))))
        ;; an import, or a stub the link wrote: already a final index
        (cdr r))))

(defun declare-final (idx)
  (unless (gethash idx (link-declared *link*))
    (setf (gethash idx (link-declared *link*)) t)
    (push idx (link-declared-list *link*))))

(defun relocate (ui code)
  (let ((out nil))
    (dolist (ins code)
      (push (case (car ins)
              ((:call :return_call) (list (car ins) (final-func ui (second ins))))
              (:ref.func (let ((f (final-func ui (second ins))))
                           (declare-final f)
                           (list :ref.func f)))
              ((:global.get :global.set)
               (if (>= (second ins) (link-nglobals *link*))
                   (list (car ins) (or (gethash (cons ui (second ins)) (link-global-map *link*))
                                       (error "link: global ~d of ~a was not kept" (second ins)
                                              (unit-file (unit-at ui)))))
                   ins))
              (:i32.const
               (case (third ins)
                 (:sym (list :i32.const (link-unit-symbol ui (second ins))))
                 (:str (list :i32.const (link-string (svref (view-strings (view-at ui)) (second ins)))))
                 (t ins)))
              ((:block :loop) (list* (first ins) (second ins) (third ins)
                                     (relocate ui (cdddr ins))))
              (:if (list :if (second ins) (third ins) (relocate ui (fourth ins))
                         (relocate ui (fifth ins))))
              (:try-table (list* :try-table (second ins) (third ins) (fourth ins)
                                 (relocate ui (nthcdr 4 ins))))
              (t ins))
            out))
    (nreverse out)))

(defun place-functions ()
  "Give every kept function its final index, in unit order."
  (each-unit-func (lambda (ui fi f)
                    ;; only canonical functions are ever reached (reach-func resolves first)
                    (when (reached-p :func ui fi)
                      (setf (gethash (cons ui fi) (link-func-map *link*))
                            (add-func *m* nil (first f) (second f) (third f)))))))

(defun place-globals ()
  (each-unit-global (lambda (ui g gl)
                      (when (reached-p :global ui g)
                        (setf (gethash (cons ui g) (link-global-map *link*))
                              (place-global ui g gl))))))

(defun place-global (ui g gl)
  (let ((note (fourth gl)))
    (case (car note)
      (:package (link-package-global (second note)))
      (:closure
       ;; one global per function, whichever unit asked for it
       (let ((f (final-func ui (second (first (third gl))))))
         (or (gethash f (link-closure-globals *link*))
             (setf (gethash f (link-closure-globals *link*))
                   (add-global *m* nil (first gl) (second gl) (relocate ui (third gl)))))))
      (:constant (add-global *m* nil (first gl) (second gl) (third gl)))
      (t (error "link: global ~d of ~a has no description" g (unit-file (unit-at ui)))))))

(defun relocate-functions ()
  (each-unit-func (lambda (ui fi f)
                    (let ((idx (gethash (cons ui fi) (link-func-map *link*))))
                      (when idx
                        (let ((wf (func-at *m* idx)))
                          (dolist (l (fourth f)) (add-local wf l))
                          (setf (wfunc-body wf) (relocate ui (fifth f)))))))))

(defun role-function (role)
  "Final index of the uniform entry of the kept defun with ROLE (:report ...), or nil."
  (let ((found (reached-role role)))
    (and found (final-func (car found) (third (unit-defun-at (car found) (cdr found)))))))

;;; _start.

(defun link-steps ()
  "The top level of every unit in order: install each kept definition, run each form.
The library's definitions are all installed first: its top-level forms may call
functions of later library files, which a unit reaches through the symbol."
  (let ((out nil))
    (each-unit (lambda (ui u)
                 (when (unit-library-p u)
                   (dolist (s (unit-steps u))
                     (when (and (eq (car s) :defun) (reached-p :defun ui (second s)))
                       (push (relocate ui (nth 5 (unit-defun-at ui (second s)))) out))))))
    (each-unit (lambda (ui u)
                 (dolist (s (unit-steps u))
                   (if (eq (car s) :defun)
                       (when (and (not (unit-library-p u)) (reached-p :defun ui (second s)))
                         (push (relocate ui (nth 5 (unit-defun-at ui (second s)))) out))
                       ;; a form, or a defmacro's registration when it is kept
                       (when (or (eq (car s) :form) (reached-p :func ui (second s)))
                         (push (list (list :call (final-func ui (second s))) (list :drop))
                               out))))))
    (nreverse out)))

(defun chunk-steps (steps)
  ;; at most 64 steps per function, which _start calls: small functions compile fast
  (let ((out nil) (n 0))
    (loop while steps
          do (let ((chunk nil) (k 0))
               (loop while (and steps (< k 64))
                     do (setq chunk (append chunk (pop steps)))
                        (setq k (+ k 1)))
               (let ((idx (add-func *m* nil (format nil "init-~d" n) nil nil)))
                 (setf (wfunc-body (func-at *m* idx)) chunk)
                 (push (list :call idx) out)
                 (setq n (+ n 1)))))
    (nreverse out)))

(defun constants-code ()
  "Code building the kept quoted constants, in unit order."
  (let ((out nil))
    (each-unit-global (lambda (ui g gl)
                        (when (and (reached-p :global ui g) (eq (car (fourth gl)) :constant))
                          (setq out (append out (relocate ui (second (fourth gl)))
                                            (list (list :global.set
                                                        (gethash (cons ui g)
                                                                 (link-global-map *link*)))))))))
    out))

(defun merged-packages ()
  "(name nicknames uses externals) of every package, the newest unit's view of each."
  (let ((order nil) (table (make-hash-table :test 'equal)))
    (dolist (u (link-units *link*))
      (dolist (p (unit-packages u))
        (unless (gethash (first p) table) (push (first p) order))
        (setf (gethash (first p) table) p)))
    (mapcar (lambda (name) (gethash name table)) (nreverse order))))

(defun char-table-code ()
  ;; the shared characters of codes 0..255 (natives.lisp :make-char)
  (let ((out nil))
    (dotimes (c 256)
      (push (list :i32.const c) out)
      (push (list :struct.new :char) out))
    (append (nreverse out)
            (list (list :array.new_fixed :eqarray 256)
                  (list :global.set (global-index *m* :char-table))))))

(defun string-list-code (strings)
  ;; a list of strings, built from the end
  (let ((code (list (list :global.get (global-index *m* :nil)))))
    (dolist (s (reverse strings))
      (setq code (append (link-string-code s) code
                         (list (list :i32.const 0) (list :struct.new :cons)))))
    code))

(defun package-fields-code (packages)
  (let ((out nil))
    (dolist (p packages)
      (let ((g (link-package-global (first p))))
        (setq out
              (append out
                      (list (list :global.get g))
                      (string-list-code (second p))
                      (list (list :struct.set :package 1) (list :global.get g))
                      (mapcar (lambda (u) (list :global.get (link-package-global u))) (third p))
                      (list (list :global.get (global-index *m* :nil)))
                      (let ((l nil))
                        (dolist (u (third p))
                          (declare (ignore u))
                          (push (list :i32.const 0) l) (push (list :struct.new :cons) l))
                        (nreverse l))
                      (list (list :struct.set :package 2) (list :global.get g))
                      (string-list-code (fourth p))
                      (list (list :struct.set :package 4))))))
    out))

(defun link-units-to-module (units)
  "The bytes of the module joining UNITS (in order)."
  (let* ((*m* (make-wmod))
         (*link* (make-link :units units))
         (*global-label-counter* 100000))
    (setup-types *m*)
    (setup-imports *m*)
    (setup-globals *m*)
    (setf (link-nimports *link*) (wmod-import-count *m*))
    (setf (link-nglobals *link*) (length (wmod-globals *m*)))
    (setf (link-views *link*)
          (let ((views (make-array (length units))) (ui 0))
            (dolist (u units)
              (setf (svref views ui) (make-unit-view u ui))
              (setq ui (+ ui 1)))
            views))
    ;; definitions by name, and the first copy of every shared helper
    (each-unit-defun (lambda (ui i d)
                       (push (cons ui i)
                             (gethash (unit-symbol-key ui (first d)) (link-defs *link*)))))
    (each-unit-func (lambda (ui fi f)
                      (let ((l (nth 5 f)))
                        (when (and l (not (eq (car l) :extern))
                                   (not (gethash l (link-shared *link*))))
                          (setf (gethash l (link-shared *link*)) (cons ui fi))))))
    (compute-reached)
    ;; symbols 0 and 1 are nil and t; COMMON-LISP is the first package
    (link-symbol "COMMON-LISP::NIL" "NIL" "COMMON-LISP")
    (link-symbol "COMMON-LISP::T" "T" "COMMON-LISP")
    (link-package-global "COMMON-LISP")
    (let* ((start (add-func *m* :start "_start" nil nil)))
      (add-local (func-at *m* start) :eqref)       ; the top level's condition slot
      (place-functions)
      (place-globals)
      (relocate-functions)
      (write-stubs)
      (let* ((body (chunk-steps (link-steps)))
             (packages (merged-packages))
             (rest (append (constants-code) (package-fields-code packages)))
             (report (and (role-function :safe-report) (role-function :report)))
             (shutdown (role-function :shutdown))
             (exports nil))
        (each-unit (lambda (ui u)
                     (dolist (e (unit-exports u))
                       (push (list (first e) (final-func ui (second e))) exports))))
        (setf (wfunc-body (func-at *m* start))
              (append (char-table-code) (link-table-code start) rest
                      (wrap-toplevel body report shutdown)
                      (shutdown-code shutdown)))
        (add-export *m* "_start" :func start)
        (dolist (e (nreverse exports)) (add-export *m* (first e) :func (second e)))
        (add-export *m* "memory" :memory 0)
        (dolist (idx (reverse (link-declared-list *link*))) (declare-func-ref *m* idx))
        (encode-module *m*)))))

(defun put-i32 (buf n)
  (let ((v (logand n #xffffffff)))
    (emit-byte buf (logand v 255)) (emit-byte buf (logand (ash v -8) 255))
    (emit-byte buf (logand (ash v -16) 255)) (emit-byte buf (logand (ash v -24) 255))))

(defun link-table-code (start)
  "Data segments for the tables and the loops of _start that build them from it:
segment 0 holds the characters of strings whose code points are all below 256, one
byte each; segment 1 those of the other strings, 4 bytes each; segment 2 the
descriptors: per string (offset, length, 1 if wide), per symbol (name index, package
index or -1, hash, 1 if it evaluates to itself)."
  (let* ((strings (reverse (link-string-list *link*)))
         (symbols (reverse (link-symbol-list *link*)))
         (packages (reverse (link-package-list *link*)))
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
      (let ((name (first sym)) (home (second sym)))
        (put-i32 desc (link-string name))
        (put-i32 desc (if home (position home packages :test #'string=) -1))
        (put-i32 desc (string-hash name))
        (put-i32 desc (if (or (equal home "KEYWORD")
                              (and (equal home "COMMON-LISP")
                                   (or (string= name "NIL") (string= name "T"))))
                          1 0))))
    (let ((seg-narrow (add-data *m* narrow))
          (seg-wide (add-data *m* wide))
          (seg-desc (add-data *m* desc))
          (strtab (global-index *m* :strtab))
          (symtab (global-index *m* :symtab))
          (d 0) (k 1) (pk 2) (s 3) (pkgtab 4) (tmp 5) (str 6) (j 7)
          (f (func-at *m* start)))
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
           (dolist (i (link-string-code name)) (emit i))
           (emit-nil) (emit-nil) (emit-nil) (emit-nil)
           (emit (list :struct.new :package))
           (emit (list :global.set (link-package-global name))))
         (dolist (name packages) (emit (list :global.get (link-package-global name))))
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
         (emit (list :global.get (link-package-global "COMMON-LISP")))
         (emit (list :struct.set :symbol +sym-package+))
         ;; package tables start empty (the run-time package system fills them)
         (dolist (name packages)
           (emit (list :global.get (link-package-global name)))
           (emit-nil)
           (emit (list :struct.set :package 3))))))))


(defun shutdown-code (shutdown)
  ;; wasmboot-runtime::%shutdown (flushes the streams) when the program has it
  (if shutdown
      (list (list :ref.null :none) (list :i32.const 0)
            (list :ref.null :none) (list :ref.null :none)
            (list :ref.null :none) (list :ref.null :none) (list :ref.null :none)
            (list :call shutdown) (list :drop))
      nil))

(defun wrap-toplevel (body report shutdown)
  ;; an unhandled condition or throw: report (REPORT, when the program has the
  ;; library's reporter), shut down, exit 2. Local 0 of _start holds the condition.
  (let ((h (new-label-global)) (h2 (new-label-global)) (done (new-label-global)))
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
                                   (list :call report) (list :drop))
                             nil)
                         (shutdown-code shutdown)
                         (list (list :i32.const 2) (list :call (func-index *m* :exit))
                               (list :unreachable))))
                 (append (list (list :drop) (list :drop) (list :drop))
                         (shutdown-code shutdown)
                         (list (list :i32.const 2) (list :call (func-index *m* :exit))
                               (list :unreachable)))))))
