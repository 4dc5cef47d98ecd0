;;;; The compiler primitives of stages/PRIMITIVES.md, implemented on SBCL with the same
;;;; contract, so that macro expansions (stages/compiler/expand.lisp) and the runtime
;;;; library (stages/runtime-lib/) run under SBCL in tests.
;;;;
;;;; The functions are defined here in package WASMBOOT-PRIMITIVES and installed (same
;;;; function objects) under the same names in WASMBOOT-COMPILER and WASMBOOT-RUNTIME
;;;; when those packages exist, as the compiler recognises primitives by name in any
;;;; package. Call (wasmboot-primitives:install-primitives "PKG") for other packages.

(defpackage "WASMBOOT-PRIMITIVES"
  (:use "COMMON-LISP")
  (:export "INSTALL-PRIMITIVES" "*PRIMITIVE-NAMES*" "RAISED" "RAISED-OBJECT"
           "*NATIVE-ERROR-HOOK*"))

(in-package "WASMBOOT-PRIMITIVES")

(defvar *primitive-names* '())

(defmacro defprimitive (name lambda-list &body body)
  `(progn (pushnew ',name *primitive-names*)
          (defun ,name ,lambda-list ,@body)))

;;; ------------------------------------------------------------------------------
;;; Structures registered with %define-struct are instances of INSTANCE; the
;;; structure primitives also accept SBCL's own structure objects (the runtime
;;; library's defstructs, loaded by SBCL as they are).

(defvar *struct-types* (make-hash-table :test 'eq)
  "name -> (slot-names include)")

(defstruct (instance (:constructor new-instance (name slots))
                     (:print-function print-instance))
  name slots)

(defun print-instance (object stream depth)
  (declare (ignore depth))
  (write-string "#S(" stream)
  (prin1 (instance-name object) stream)
  (loop for slot in (first (gethash (instance-name object) *struct-types*))
        for value across (instance-slots object)
        do (write-char #\Space stream)
           (prin1 (intern (symbol-name slot) "KEYWORD") stream)
           (write-char #\Space stream)
           (prin1 value stream))
  (write-string ")" stream))

(defun native-slot-names (object)
  (mapcar #'sb-mop:slot-definition-name (sb-mop:class-slots (class-of object))))

(defprimitive %define-struct (name slot-names include)
  (setf (gethash name *struct-types*) (list slot-names include))
  ;; make TYPEP and TYPECASE know the type, as the compiler does
  (let ((predicate (make-symbol (format nil "~A-TYPEP" name))))
    (setf (symbol-function predicate) (lambda (x) (%struct-typep x name)))
    (unless (find-class name nil)
      (handler-case (eval `(deftype ,name () '(satisfies ,predicate)))
        (error () nil))))
  name)

(defprimitive %make-struct (name &rest slot-values)
  (unless (gethash name *struct-types*) (error "~S is not a structure type" name))
  (new-instance name (coerce slot-values 'simple-vector)))

(defprimitive %struct-typep (object name)
  (cond ((instance-p object)
         (loop for type = (instance-name object) then (second (gethash type *struct-types*))
               while type
               thereis (or (eq type name)
                           ;; included a structure SBCL defined (the runtime library's)
                           (and (not (gethash type *struct-types*))
                                (find-class type nil) (find-class name nil)
                                (subtypep type name)))))
        ((typep object 'structure-object) (and (find-class name nil) (typep object name)))
        (t nil)))

(defun check-struct (object name)
  (unless (%struct-typep object name)
    (error 'type-error :datum object :expected-type name)))

(defprimitive %struct-ref (object name index)
  (check-struct object name)
  (%struct-slot-value object index))

(defprimitive %struct-set (object name index value)
  (check-struct object name)
  (if (instance-p object)
      (setf (svref (instance-slots object) index) value)
      (setf (slot-value object (nth index (native-slot-names object))) value)))

(defprimitive %struct-name (object)
  (cond ((instance-p object) (instance-name object))
        ((typep object 'structure-object) (type-of object))
        (t nil)))

(defprimitive %struct-slot-names (name)
  (let ((entry (gethash name *struct-types*)))
    (if entry
        (first entry)
        (let ((class (find-class name nil)))
          (when class
            (mapcar #'sb-mop:slot-definition-name (sb-mop:class-slots class)))))))

(defprimitive %struct-slot-value (object index)
  (if (instance-p object)
      (svref (instance-slots object) index)
      (slot-value object (nth index (native-slot-names object)))))

(defprimitive %copy-struct (object)
  (if (instance-p object)
      (new-instance (instance-name object) (copy-seq (instance-slots object)))
      (copy-structure object)))

;;; ------------------------------------------------------------------------------
;;; Setters

(defprimitive %puthash (key table value) (setf (gethash key table) value))
(defprimitive %aset (vector index value) (setf (aref vector index) value))
(defprimitive %svset (vector index value) (setf (svref vector index) value))
(defprimitive %charset (string index char) (setf (char string index) char))
(defprimitive %set-fill-pointer (vector n) (setf (fill-pointer vector) n))

;;; ------------------------------------------------------------------------------
;;; Conditions: %raise signals an SBCL error carrying the condition object; a
;;; %catch-error catches it, and SBCL's own errors too (the compiled code's
;;; runtime errors), unwinds, then calls the handler outside its own extent.

(define-condition raised (error)
  ((object :initarg :object :reader raised-object))
  (:report (lambda (c s) (format s "~A" (raised-object c)))))

(defvar *native-error-hook* nil
  "Nil, or a function turning an SBCL error caught by %catch-error into the condition
object handlers see (the runtime harness makes library conditions of them, as compiled
code signals library conditions for its own errors).")

(defprimitive %raise (condition)
  (if (typep condition 'condition)
      (error condition)
      (error 'raised :object condition)))

(defprimitive %catch-error (thunk handler)
  (let ((caught nil))
    (multiple-value-call
        (lambda (&rest values)
          (if (eq caught nil)
              (values-list values)
              (funcall handler (car values))))
      (block try
        (handler-bind ((error (lambda (e)
                                (setq caught t)
                                (return-from try
                                  (cond ((typep e 'raised) (raised-object e))
                                        (*native-error-hook* (funcall *native-error-hook* e))
                                        (t e))))))
          (funcall thunk))))))

;;; ------------------------------------------------------------------------------
;;; Host I/O. fds 0, 1, 2 are SBCL's current standard streams (so tests can rebind
;;; them); fds >= 3 are files opened here, bivalent so both characters and octets
;;; can be written.

(defvar *fd-table* (make-hash-table))
(defvar *next-fd* 3)
(defvar *last-error* nil)

(defun fd-stream (fd)
  (case fd
    (0 *standard-input*)
    (1 *standard-output*)
    (2 *error-output*)
    (t (gethash fd *fd-table*))))

(defmacro with-host-errors (&body body)
  "Run BODY; on an SBCL error remember its message and return the errno 5 (EIO)."
  `(handler-case (progn ,@body)
     (error (e) (setf *last-error* (princ-to-string e)) 5)))

(defprimitive %host-write-char (fd char)
  (let ((s (fd-stream fd)))
    (if s (with-host-errors (write-char char s) nil) 9)))

(defprimitive %host-write-string (fd string start end)
  (let ((s (fd-stream fd)))
    (if s (with-host-errors (write-string string s :start start :end end) nil) 9)))

(defprimitive %host-write-bytes (fd vector start end)
  (let ((s (fd-stream fd)))
    (if s
        (with-host-errors (loop for i from start below end do (write-byte (aref vector i) s)) nil)
        9)))

(defprimitive %host-read-char (fd)
  (let ((s (fd-stream fd)))
    (if s (with-host-errors (read-char s nil :eof)) 9)))

(defprimitive %host-read-line (fd)
  (let ((s (fd-stream fd)))
    (if s (with-host-errors (read-line s nil :eof)) 9)))

(defprimitive %host-read-all (fd)
  (let ((s (fd-stream fd)))
    (if s
        (with-host-errors
          (with-output-to-string (out)
            (loop for c = (read-char s nil nil) while c do (write-char c out))))
        9)))

(defprimitive %host-read-bytes (fd)
  (let ((s (fd-stream fd)))
    (if s
        (with-host-errors
          (with-output-to-string (out)
            (loop for b = (read-byte s nil nil) while b do (write-char (code-char b) out))))
        9)))

(defprimitive %host-open (path direction if-exists if-does-not-exist)
  (handler-case
      (let ((stream
              (if (string= direction "input")
                  (open path :direction :input :element-type :default
                             :if-does-not-exist (if (string= if-does-not-exist "create")
                                                    :create :error))
                  (open path :direction :output :element-type :default
                             :if-exists (if (string= if-exists "error") :error :supersede)
                             :if-does-not-exist (if (string= if-does-not-exist "error")
                                                    :error :create)))))
        (let ((fd *next-fd*))
          (incf *next-fd*)
          (setf (gethash fd *fd-table*) stream)
          fd))
    (file-error (e)
      (setf *last-error* (princ-to-string e))
      (if (probe-file path) -17 -2))
    (error (e) (setf *last-error* (princ-to-string e)) -5)))

(defprimitive %host-close (fd)
  (let ((s (gethash fd *fd-table*)))
    (cond ((<= 0 fd 2) nil)
          ((null s) 9)
          (t (remhash fd *fd-table*) (with-host-errors (close s) nil)))))

(defprimitive %host-strerror () *last-error*)

(defprimitive %exit (code)
  (finish-output *standard-output*)
  (sb-ext:exit :code code :abort t))

(defvar *eq-hashes* (make-hash-table :test 'eq :weakness :key))
(defvar *next-eq-hash* 0)

(defprimitive %eq-hash (object)
  (typecase object
    (fixnum (logand object most-positive-fixnum))
    (character (char-code object))
    (t (or (gethash object *eq-hashes*)
           (setf (gethash object *eq-hashes*)
                 (setq *next-eq-hash* (logand (+ *next-eq-hash* 40503) #x3fffffff)))))))

;;; ------------------------------------------------------------------------------

(defun install-primitives (package-name)
  (let ((package (find-package package-name)))
    (when package
      (dolist (name *primitive-names*)
        (let ((symbol (intern (symbol-name name) package)))
          (unless (eq symbol name)
            (setf (symbol-function symbol) (symbol-function name))))))))

(install-primitives "WASMBOOT-COMPILER")
(install-primitives "WASMBOOT-RUNTIME")
