;;;; Conditions: the standard condition types (condition, error, simple-error,
;;;; type-error, program-error, ...) as structures, `make-condition`, `error`,
;;;; `signal`, `warn`, condition reports and the `%report-unhandled-error` hook.
;;;;
;;;; A condition type is a structure type; its class record is the global value of its
;;;; name symbol: (:condition-class constructor report parent), the same layout that
;;;; `define-condition` (stages/compiler/expand.lisp) stores for user types. Slot
;;;; layouts here must match record-builtin-conditions in expand.lisp.
;;;; Signalling is `%raise` (stages/PRIMITIVES.md); handlers are `handler-case`.

(in-package "WASMBOOT-RUNTIME")

(defstruct (condition (:constructor nil) (:copier nil) (:predicate nil)))
(defstruct (error (:include condition) (:constructor nil) (:copier nil) (:predicate nil)))
(defstruct (warning (:include condition) (:constructor nil) (:copier nil) (:predicate nil)))
(defstruct (simple-error (:include error) (:conc-name simple-condition-)
                         (:constructor make-simple-error (format-control format-arguments))
                         (:copier nil) (:predicate nil))
  format-control format-arguments)
(defstruct (type-error (:include error)
                       (:constructor make-type-error (datum expected-type))
                       (:copier nil) (:predicate nil))
  datum expected-type)
(defstruct (program-error (:include error) (:constructor make-program-error ())
                          (:copier nil) (:predicate nil)))
(defstruct (control-error (:include error) (:constructor make-control-error ())
                          (:copier nil) (:predicate nil)))
(defstruct (stream-error (:include error) (:constructor make-stream-error (stream))
                         (:copier nil) (:predicate nil))
  stream)
(defstruct (end-of-file (:include stream-error) (:constructor make-end-of-file (stream))
                        (:copier nil) (:predicate nil)))
(defstruct (file-error (:include error) (:constructor make-file-error (pathname))
                       (:copier nil) (:predicate nil))
  pathname)
(defstruct (simple-file-error (:include file-error) (:conc-name simple-file-error-)
                              (:constructor make-simple-file-error
                                  (pathname format-control format-arguments))
                              (:copier nil) (:predicate nil))
  format-control format-arguments)
(defstruct (arithmetic-error (:include error)
                             (:constructor make-arithmetic-error (operation operands))
                             (:copier nil) (:predicate nil))
  operation operands)
(defstruct (parse-error (:include error) (:conc-name parse-error-)
                        (:constructor make-parse-error (format-control format-arguments))
                        (:copier nil) (:predicate nil))
  format-control format-arguments)
(defstruct (division-by-zero (:include arithmetic-error)
                             (:constructor make-division-by-zero (operation operands))
                             (:copier nil) (:predicate nil)))

(defun condition-p (object)
  (%struct-typep object 'condition))

;;; Class records of the standard types.

(defun report-simple-error (c stream)
  (let ((control (simple-condition-format-control c)))
    (if (stringp control)
        (apply #'format stream control (simple-condition-format-arguments c))
        (princ control stream))))

(defun report-type-error (c stream)
  ;; SBCL's layout
  (format stream "The value~%  ~S~%is not of type~%  ~S"
          (type-error-datum c) (type-error-expected-type c)))

(defun report-end-of-file (c stream)
  (format stream "end of file on ~S" (stream-error-stream c)))

(defun report-file-error (c stream)
  (format stream "error on file ~S" (file-error-pathname c)))

(defun report-division-by-zero (c stream)
  (declare (ignore c))
  (write-string "arithmetic error DIVISION-BY-ZERO signalled" stream))

(set 'condition (list :condition-class nil nil nil))
(set 'error (list :condition-class nil nil 'condition))
(set 'warning (list :condition-class nil nil 'condition))
(set 'simple-error
     (list :condition-class
           (lambda (&key format-control format-arguments &allow-other-keys)
             (make-simple-error format-control format-arguments))
           #'report-simple-error 'error))
(set 'type-error
     (list :condition-class
           (lambda (&key datum expected-type &allow-other-keys)
             (make-type-error datum expected-type))
           #'report-type-error 'error))
(set 'parse-error
     (list :condition-class
           (lambda (&key format-control format-arguments &allow-other-keys)
             (make-parse-error format-control format-arguments))
           (lambda (c stream)
             (apply #'format stream (or (parse-error-format-control c) "parse error")
                    (parse-error-format-arguments c)))
           'error))
(set 'program-error
     (list :condition-class (lambda (&key &allow-other-keys) (make-program-error)) nil 'error))
(set 'control-error
     (list :condition-class (lambda (&key &allow-other-keys) (make-control-error)) nil 'error))
(set 'stream-error
     (list :condition-class (lambda (&key stream &allow-other-keys) (make-stream-error stream))
           nil 'error))
(set 'end-of-file
     (list :condition-class (lambda (&key stream &allow-other-keys) (make-end-of-file stream))
           #'report-end-of-file 'stream-error))
(set 'file-error
     (list :condition-class (lambda (&key pathname &allow-other-keys) (make-file-error pathname))
           #'report-file-error 'error))
(set 'simple-file-error
     (list :condition-class
           (lambda (&key pathname format-control format-arguments &allow-other-keys)
             (make-simple-file-error pathname format-control format-arguments))
           (lambda (c stream)
             (apply #'format stream (simple-file-error-format-control c)
                    (simple-file-error-format-arguments c)))
           'file-error))
(set 'arithmetic-error
     (list :condition-class
           (lambda (&key operation operands &allow-other-keys)
             (make-arithmetic-error operation operands))
           nil 'error))
(set 'division-by-zero
     (list :condition-class
           (lambda (&key operation operands &allow-other-keys)
             (make-division-by-zero operation operands))
           #'report-division-by-zero 'arithmetic-error))

(defun condition-class (type)
  "The class record of the condition type named TYPE, or nil."
  (let ((record (and (symbolp type) type (boundp type) (symbol-value type))))
    (if (and (consp record) (eq (car record) :condition-class))
        record
        ;; under a host where the CL names differ from ours (SBCL tests), map them
        (let ((ours (and (symbolp type) (find-symbol (symbol-name type) "WASMBOOT-RUNTIME"))))
          (when (and ours (not (eq ours type)))
            (condition-class ours))))))

(defun make-condition (type &rest initargs)
  (let ((class (condition-class type)))
    (unless (and class (cadr class))
      (error 'simple-error :format-control "~S is not a condition type that can be made"
                           :format-arguments (list type)))
    (apply (cadr class) initargs)))

(defun coerce-to-condition (datum arguments default-type)
  (cond ((stringp datum)
         (make-condition default-type :format-control datum :format-arguments arguments))
        ((condition-p datum) datum)
        ((symbolp datum) (apply #'make-condition datum arguments))
        (t (make-simple-error "bad condition designator ~S" (list datum)))))

(defun error (datum &rest arguments)
  (%raise (coerce-to-condition datum arguments 'simple-error)))

(defun cerror (continue-string datum &rest arguments)
  (declare (ignore continue-string))
  (%raise (coerce-to-condition datum arguments 'simple-error)))

(defun signal (datum &rest arguments)
  "Without handler-bind, a signalled condition that is not an error has no handler:
errors unwind to the nearest handler-case, anything else returns nil."
  (if (stringp datum)
      nil                               ; a simple-condition: never an error
      (let ((c (coerce-to-condition datum arguments 'simple-error)))
        (when (%struct-typep c 'error) (%raise c))
        nil)))

(defun warn (datum &rest arguments)
  (let ((c (coerce-to-condition datum arguments 'simple-error)))
    (format *error-output* "~&WARNING: ")
    (report-condition c *error-output*)
    (terpri *error-output*)
    nil))

(defun report-condition (c stream)
  "Write the report of condition C: its type's :report, or the nearest ancestor's."
  (let ((type (%struct-name c)))
    (loop
      (let ((class (condition-class type)))
        (cond ((null class)
               (format stream "Condition ~A was signalled." (symbol-name (%struct-name c)))
               (return))
              ((caddr class) (funcall (caddr class) c stream) (return))
              ((null (cadddr class))
               (write-string "Condition " stream)
               (let ((*package* (find-package "KEYWORD")))
                 (prin1 (%struct-name c) stream))
               (write-string " was signalled." stream)
               (return))
              (t (setq type (cadddr class))))))
    c))

(defun %report-unhandled-error (condition)
  "Print one line on standard error for a condition that reached the top level."
  (let ((text (if (condition-p condition)
                  (let ((s (make-string-output-stream)))
                    (report-condition condition s)
                    (get-output-stream-string s))
                  (prin1-to-string condition))))
    (write-string "Unhandled " *error-output*)
    (if (condition-p condition)
        (write-string (symbol-name (%struct-name condition)) *error-output*)
        (write-string "error" *error-output*))
    (write-string ": " *error-output*)
    (write-string (substitute #\Space #\Newline text) *error-output*)
    (terpri *error-output*)
    (finish-output *error-output*)
    nil))
