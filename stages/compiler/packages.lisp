;;;; The compile-time package system: what the reader interns into.
;;;; Symbols are host symbols so that the standard expanders (host code) and the
;;;; compiler can compare them with EQ: COMMON-LISP and KEYWORD names map to the host's
;;;; own symbols; every other package is a table of our own holding uninterned host
;;;; symbols (MAKE-SYMBOL), whose home package we record beside them. Nothing here
;;;; iterates over a host package, so results never depend on the host's contents.
(in-package "WASMBOOT-COMPILER")

(defstruct cpkg
  name
  (nicknames nil)
  (use-list nil)                                  ; cpkgs, in order
  (symbols (make-hash-table :test 'equal))        ; name -> symbol present here
  (externals (make-hash-table :test 'equal))      ; name -> t when exported
  (shadows nil))                                  ; names

(defvar *packages* nil "Alist of (name . cpkg), names and nicknames.")
(defvar *symbol-homes* nil "EQ table: our symbols -> home cpkg.")
(defvar *cl-package* nil)
(defvar *keyword-package* nil)
(defvar *package-order* nil "cpkgs in order of creation (for determinism).")

(defun find-cpkg (name)
  (cdr (assoc name *packages* :test 'string=)))

(defun register-cpkg (p)
  (push (cons (cpkg-name p) p) *packages*)
  (dolist (n (cpkg-nicknames p)) (push (cons n p) *packages*))
  (setq *package-order* (append *package-order* (list p)))
  p)

(defun init-packages ()
  "Fresh compile-time packages: COMMON-LISP, KEYWORD, COMMON-LISP-USER."
  (setq *packages* nil)
  (setq *package-order* nil)
  (setq *symbol-homes* (make-hash-table :test 'eq))
  (setq *cl-package* (register-cpkg (make-cpkg :name "COMMON-LISP" :nicknames (list "CL"))))
  (setq *keyword-package* (register-cpkg (make-cpkg :name "KEYWORD")))
  (register-cpkg (make-cpkg :name "COMMON-LISP-USER" :nicknames (list "CL-USER")
                            :use-list (list *cl-package*)))
  ;; the compiler's own package, so that symbols the reader and the expanders make
  ;; (quasiquote, unquote, ...) read back as the very same symbols
  (register-cpkg (make-cpkg :name "WASMBOOT-COMPILER" :use-list (list *cl-package*)))
  nil)

(defun cl-symbol (name)
  "The COMMON-LISP symbol NAME and t, or nil and nil when CL has no such external
symbol (careful: the symbol NIL is a found symbol)."
  (multiple-value-bind (hit found) (gethash name (cpkg-symbols *cl-package*))
    (if found
        (values hit t)
        (multiple-value-bind (s status) (find-symbol name "COMMON-LISP")
          (if (eq status :external)
              (progn (setf (gethash name (cpkg-symbols *cl-package*)) s)
                     (values s t))
              (values nil nil))))))

(defun host-package-name (p)
  (cond ((eq p *cl-package*) "COMMON-LISP")
        ((eq p *keyword-package*) "KEYWORD")
        ((string= (cpkg-name p) "WASMBOOT-COMPILER") "WASMBOOT-COMPILER")
        (t nil)))

(defun cpkg-find-symbol (name p)
  "Symbol NAME accessible in P and whether it is present or inherited, or nil."
  (cond ((eq p *keyword-package*) (values (intern name "KEYWORD") :external))
        ((eq p *cl-package*)
         (multiple-value-bind (s found) (cl-symbol name)
           (if found (values s :external) (values nil nil))))
        (t
         (multiple-value-bind (s present) (gethash name (cpkg-symbols p))
           (if present
               (values s :internal)
               (let ((found nil) (found-p nil))
                 (dolist (u (cpkg-use-list p))
                   (multiple-value-bind (s2 ok)
                       (if (eq u *cl-package*)
                           (cl-symbol name)
                           (if (gethash name (cpkg-externals u))
                               (gethash name (cpkg-symbols u))
                               (values nil nil)))
                     (when ok (setq found s2) (setq found-p t) (return nil))))
                 (if found-p (values found :inherited) (values nil nil))))))))

(defun cpkg-intern (name p)
  (multiple-value-bind (s status) (cpkg-find-symbol name p)
    (if status
        s
        (let ((new (if (string= (cpkg-name p) "WASMBOOT-COMPILER")
                       ;; the compiler's own package is the host's: the reader's
                       ;; quasiquote symbols must be the ones the expanders test for
                       (intern name "WASMBOOT-COMPILER")
                       (make-symbol name))))
          (setf (gethash name (cpkg-symbols p)) new)
          (unless (symbol-package new)
            (setf (gethash new *symbol-homes*) p))
          new))))

(defun symbol-home-name (s)
  "Name of the home package of S as the compiled program sees it, or nil."
  (let ((p (gethash s *symbol-homes*)))
    (if p
        (cpkg-name p)
        (let ((hp (symbol-package s)))
          (if hp (package-name hp) nil)))))

(defun define-cpkg (name nicknames uses shadows exports)
  "DEFPACKAGE at compile time. Redefinition adds to the existing package."
  (let ((p (find-cpkg name)))
    (unless p
      (setq p (register-cpkg (make-cpkg :name name :nicknames nicknames))))
    (dolist (u uses)
      (let ((up (find-cpkg u)))
        (unless up (error "defpackage ~a: no package named ~a" name u))
        (unless (member up (cpkg-use-list p))
          (setf (cpkg-use-list p) (append (cpkg-use-list p) (list up))))))
    ;; the runtime packages shadow CL names only so that SBCL can load them beside its
    ;; own CL; in compiled programs their definitions ARE the CL ones, so read those
    ;; names as the CL symbols (functions, variables and type names alike)
    (when (member name '("WASMBOOT-RUNTIME" "WASMBOOT-CORE") :test #'string=)
      (setq shadows nil))
    (dolist (s shadows)
      (unless (gethash s (cpkg-symbols p))
        (let ((new (make-symbol s)))
          (setf (gethash s (cpkg-symbols p)) new)
          (setf (gethash new *symbol-homes*) p)))
      (push s (cpkg-shadows p)))
    (dolist (e exports)
      (cpkg-intern e p)
      (setf (gethash e (cpkg-externals p)) t))
    p))
