;;;; A unit: the code of one source file, generated on its own (separate compilation).
;;;; Its functions are numbered within the unit; a defun of an earlier unit is called
;;;; through a placeholder, symbols and strings are indices into the unit's own tables,
;;;; and every global the unit adds is described. The link (link.lisp) joins units into
;;;; a module; artifact.lisp writes a unit to a file and reads it back.
(in-package "WASMBOOT-COMPILER")

;;; The parts of a unit (unit.lisp makes them, artifact.lisp writes and reads them).
;;; A function is (name params results locals body link), where link is nil for an
;;; ordinary function, (:extern key :uniform|:fast) for a placeholder that stands for a
;;; defun of an earlier unit, (:native key) or (:wrapper name) for helpers every unit
;;; may carry a copy of (the link keeps the first). A global is (valtype mutable init
;;; note), note (:package name), (:closure) or (:constant build-code). A symbol is
;;; (name home), home nil for an uninterned symbol. A defun is
;;; (symbol-index library-p uniform fast role install-code); a step (:defun i),
;;; (:form function-index), or (:macro function-index): a defmacro's registration for
;;; run-time macroexpansion, kept only when the program has the run-time macro table.

(defstruct unit
  file library-p funcs globals strings symbols packages defuns steps exports
  (wants-evaluator nil))     ; its code calls eval, macroexpand-1 or macroexpand


(defun runtime-symbol (name)
  (let ((p (find-cpkg "WASMBOOT-RUNTIME")))
    (if p (canonical-fname (cpkg-intern name p)) nil)))

(defun compile-form-export-symbol ()
  (intern "%COMPILE-FORM-EXPORT" "WASMBOOT-COMPILER"))

(defun compile-all-export-symbol ()
  (intern "%COMPILE-ALL-EXPORT" "WASMBOOT-COMPILER"))

(defun defun-role (sym)
  "How the link uses the defun of SYM: kept in every program (:root), also called by
the code of _start (:report, :safe-report, :shutdown), or, when reached, bringing the
defmacro registrations (:macro-table); nil for an ordinary one."
  (cond ((eq sym (runtime-symbol "%REPORT-UNHANDLED-ERROR")) :report)
        ((eq sym (runtime-symbol "%RUNTIME-MACRO-FUNCTION")) :macro-table)
        ((eq sym (core-symbol "%SAFE-REPORT")) :safe-report)
        ((eq sym (runtime-symbol "%SHUTDOWN")) :shutdown)
        ((member sym (list (core-symbol "%NATIVE-ERROR") (core-symbol "%CHECK-KEYS")
                           (canonical-fname (compile-form-export-symbol))
                           (canonical-fname (compile-all-export-symbol))))
         :root)
        (t nil)))

(defun gen-toplevel-function (wf fn ast res)
  (let ((*fs* (make-fstate :fn fn :wf wf))
        (*blocks* nil) (*tagbodies* nil) (*label-counter* 0))
    (handler-case
        (progn (setf (wfunc-body wf) (sub-code (lambda () (cg ast nil))))
               t)
      (error (e)
        (setf (wfunc-body wf) (list (list :unreachable)))
        (fail-result res e)
        nil))))

(defun macro-registration-function (it counter)
  "A function of this unit that registers the expander of the defmacro of the :macro
item IT (%register-runtime-macro), or nil when that expander does not compile: only
a program that macroexpands at run time would miss it, so the defmacro's own result
is left alone."
  (let* ((form (car (item-ast it)))
         (register (list (runtime-symbol "%REGISTER-RUNTIME-MACRO")
                         (list 'quote (cadr form))
                         (macro-expander-form (cadr form) (caddr form) (cdddr form))))
         (res (make-result :file "" :line 0 :column 0 :name "" :status :compiled))
         (*fixup-package* (cdr (item-ast it)))
         (items (let ((*items* nil))
                  (when (runtime-symbol "%REGISTER-RUNTIME-MACRO")
                    (process-toplevel register nil res nil))
                  *items*)))
    (when (and items (null (cdr items)) (eq (result-status res) :compiled))
      (let ((idx (add-func *m* nil (format nil "toplevel-~d" counter) nil (list :eqref))))
        (and (gen-toplevel-function (func-at *m* idx) (item-fn (car items)) (item-ast (car items))
                                    res)
             idx)))))

(defun install-code (it)
  "The step of _start that makes the defun of item IT the function of its symbol."
  (let ((*fs* (make-fstate :fn (make-fn :name "init") :wf (make-wfunc :name "init"))))
    (sub-code (lambda ()
                (cg-defun-form (item-sym it) (item-fn it))
                (emit (list :drop))))))

(defun forget-function-indices (items)
  ;; indices belong to the unit that made them: a defun of an earlier unit is now an
  ;; extern, reached through a placeholder of this unit
  (dolist (it items)
    (when (eq (item-kind it) :defun)
      (setf (fn-index (item-fn it)) nil)
      (setf (fn-fast-index (item-fn it)) nil))))

(defun item-of-fn (f items)
  "The item whose function is F or encloses it."
  (loop while f
        do (let ((it (find f items :key #'item-fn)))
             (when it (return it))
             (setq f (fn-parent f)))))

(defun sorted-externals (p)
  (let ((names nil))
    (maphash (lambda (k v) (declare (ignore v)) (push k names)) (cpkg-externals p))
    (stable-sort names #'string<)))

(defun generate-unit (file items library-p &optional wants-evaluator)
  "The unit of FILE, whose top-level items are ITEMS (in order); WANTS-EVALUATOR: its
code calls the run-time evaluator."
  (let ((*m* (make-wmod))
        (*current-form* nil)            ; a failure keeps its form's own position
        (*fn-queue* nil)
        (*symbol-globals* (make-hash-table :test 'equal))
        (*uninterned-globals* (make-hash-table :test 'eq))
        (*string-globals* (make-hash-table :test 'equal))
        (*package-globals* (make-hash-table :test 'equal))
        (*global-notes* (make-hash-table :test 'eql))
        (*unit-fns* (make-hash-table :test 'eq))
        (*unit-library-p* library-p)
        (*static-symbol-list* nil)
        (*string-list* nil)
        (steps nil) (defuns nil) (exports nil) (counter 0))
    (setup-types *m*)
    (setup-imports *m*)
    (setup-globals *m*)
    (let ((nimports (wmod-import-count *m*))
          (nglobals (length (wmod-globals *m*))))
      (forget-function-indices *items*)
      (dolist (it items)
        (when (eq (item-kind it) :defun) (setf (gethash (item-fn it) *unit-fns*) t)))
      (dolist (it items)
        (cond
          ((eq (item-kind it) :macro)
           (let ((idx (macro-registration-function it counter)))
             (setq counter (+ counter 1))
             (when idx (push (list :macro idx) steps))))
          ((eq (item-kind it) :defun)
            (handler-case
                (let* ((code (install-code it))
                       (fn (item-fn it)))
                  (push (list (symbol-index (item-sym it)) (item-library-p it)
                              (fn-index fn) (fn-fast-index fn) (defun-role (item-sym it)) code)
                        defuns)
                  (push (list :defun (- (length defuns) 1)) steps))
              (error (e) (fail-result (item-result it) e))))
          (t
            (let ((idx (add-func *m* nil (format nil "toplevel-~d" counter) nil (list :eqref))))
              (setq counter (+ counter 1))
              ;; a form whose code fails is left out of _start, like one the front
              ;; end refused (its result says why)
              (when (gen-toplevel-function (func-at *m* idx) (item-fn it) (item-ast it)
                                           (item-result it))
                (push (list :form idx) steps))))))
      ;; the bodies of every function reached so far (closures add more)
      (loop while *fn-queue*
            do (let ((f (pop *fn-queue*)))
                 (handler-case (gen-function f)
                   (error (e)
                     ;; the entry gen-function was writing (a fast entry's uniform one
                     ;; calls it) signals an error saying why, if it is ever called
                     (setf (wfunc-body (func-at *m* (or (fn-fast-index f) (fn-index f))))
                           (append (string-code
                                    (format nil "~a could not be compiled: ~a" (fn-name f)
                                            (one-line (princ-to-string e))))
                                   (error-call +err-not-compiled+)))
                     ;; the failure belongs to the top-level form the function is in
                     (let ((it (item-of-fn f items)))
                       (when it (fail-result (item-result it) e)))))))
      (setq exports (export-wrappers))
      (make-unit
       :file file :library-p library-p :wants-evaluator wants-evaluator
       :funcs (let ((out nil) (funcs (wmod-funcs *m*)))
                (loop for i from nimports below (length funcs)
                      do (let* ((f (aref funcs i))
                                (type (aref (wmod-types *m*) (wfunc-type f))))
                           (push (list (wfunc-name f) (second type) (third type)
                                       (coerce (wfunc-locals f) 'list)
                                       (wfunc-body f) (wfunc-link f))
                                 out)))
                (nreverse out))
       :globals (let ((out nil) (globals (wmod-globals *m*)))
                  (loop for g from nglobals below (length globals)
                        do (let ((gl (aref globals g)))
                             (push (list (first gl) (second gl) (third gl)
                                         (gethash g *global-notes*))
                                   out)))
                  (nreverse out))
       :strings (reverse *string-list*)
       :symbols (mapcar (lambda (s) (list (symbol-name s) (symbol-home-name s)))
                        (reverse *static-symbol-list*))
       :packages (mapcar (lambda (p) (list (cpkg-name p) (cpkg-nicknames p)
                                           (mapcar #'cpkg-name (cpkg-use-list p))
                                           (sorted-externals p)))
                         *package-order*)
       :defuns (nreverse defuns)
       :steps (nreverse steps)
       :exports exports))))

;;; The compile_form and compile_all exports (docs/abi.md), made by the unit that
;;; defines wasmboot-compiler::%compile-form-export / %compile-all-export.

(defun export-wrappers ()
  (let ((out nil)
        (form-fn (gethash (canonical-fname (compile-form-export-symbol)) *global-fns*))
        (all-fn (gethash (canonical-fname (compile-all-export-symbol)) *global-fns*)))
    (when (and form-fn (gethash form-fn *unit-fns*))
      (let* ((idx (add-func *m* nil "compile_form" (list :externref) (list :externref)))
             (wf (func-at *m* idx))
             (result (add-local wf :eqref))
             (len (add-local wf :i32)))
        (setf (wfunc-body wf)
              (list (list :ref.null :none) (list :i32.const 1)
                    (list :local.get 0) (list :call (native-index :extern-to-string))
                    (list :ref.null :none) (list :ref.null :none) (list :ref.null :none)
                    (list :ref.null :none)
                    (list :call (fn-wasm-index form-fn))
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
        (push (list "compile_form" idx) out)))
    (when (and all-fn (gethash all-fn *unit-fns*))
      (let ((idx (add-func *m* nil "compile_all" (list :externref) (list :i32))))
        (setf (wfunc-body (func-at *m* idx))
              (list (list :ref.null :none) (list :i32.const 1)
                    (list :local.get 0) (list :call (native-index :extern-to-string))
                    (list :ref.null :none) (list :ref.null :none) (list :ref.null :none)
                    (list :ref.null :none)
                    (list :call (fn-wasm-index all-fn))
                    (list :ref.cast :i31) (list :i31.get_s)))
        (push (list "compile_all" idx) out)))
    (nreverse out)))
