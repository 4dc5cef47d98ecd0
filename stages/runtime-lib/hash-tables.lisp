;;;; Hash tables (eq, eql, equal, equalp tests) that iterate in insertion order:
;;;; make-hash-table, gethash, %puthash (the target of setf of gethash), remhash,
;;;; clrhash, maphash, hash-table-count, hash-table-test, hash-table-p, sxhash.
;;;;
;;;; Layout (no allocation per entry): entries live in parallel vectors KEYS, VALUES,
;;;; HASHES and NEXT, in insertion order; INDEX maps a hash's low bits to the first
;;;; entry of its chain (entry number + 1, 0 for none), NEXT links a chain. A removed
;;;; entry keeps its slot with the key +removed+ until the table is compacted when it
;;;; grows. eq/eql hashing uses the %eq-hash primitive.

(in-package "WASMBOOT-RUNTIME")

(defstruct (hash-table (:constructor %make-hash-table) (:predicate hash-table-p)
                       (:copier nil))
  (kind :eql)               ; :eq :eql :equal :equalp
  (count 0)
  (fill 0)                  ; entry slots used, removed ones included
  keys values hashes next
  index)

(defvar +removed+ (make-symbol "REMOVED"))

(defun hash-test-kind (test)
  (cond ((null test) :eql)
        ((symbolp test)
         (let ((name (symbol-name test)))
           (cond ((string= name "EQ") :eq)
                 ((string= name "EQL") :eql)
                 ((string= name "EQUAL") :equal)
                 ((string= name "EQUALP") :equalp)
                 (t (error "unsupported hash table test ~S" test)))))
        ((or (eq test #'eq) (eq test #'cl:eq)) :eq)
        ((or (eq test #'eql) (eq test #'cl:eql)) :eql)
        ((or (eq test #'equal) (eq test #'cl:equal)) :equal)
        ((or (eq test #'equalp) (eq test #'cl:equalp)) :equalp)
        (t (error "unsupported hash table test ~S" test))))

(defun make-hash-table (&key test (size 16) rehash-size rehash-threshold weakness)
  (declare (ignore rehash-size rehash-threshold weakness))
  (let ((table (%make-hash-table :kind (hash-test-kind test))))
    (allocate-entries table (max 8 size))
    table))

(defun allocate-entries (table capacity)
  (setf (hash-table-keys table) (make-array capacity))
  (setf (hash-table-values table) (make-array capacity))
  (setf (hash-table-hashes table) (make-array capacity :initial-element 0))
  (setf (hash-table-next table) (make-array capacity :initial-element 0))
  (setf (hash-table-index table) (make-array (* 2 capacity) :initial-element 0))
  (setf (hash-table-fill table) 0)
  (setf (hash-table-count table) 0))

(defun hash-table-test (table)
  (case (hash-table-kind table) (:eq 'eq) (:eql 'eql) (:equal 'equal) (t 'equalp)))

(defun hash-table-size (table) (length (hash-table-keys table)))

;;; Hashing

(defun mix-hash (h x)
  ;; h and x are below 2^30; keeping h to 23 bits before the multiply and combining
  ;; with logxor keeps every step a fixnum (31-bit), so hashing allocates no boxed
  ;; integers in compiled code
  (logxor (* (logand h #x7fffff) 31) x))

(defun string-hash (s fold)
  (let ((h (length s)))
    (dotimes (i (length s) h)
      (setq h (mix-hash h (if fold (upcase-code (char-code (char s i))) (char-code (char s i))))))))

(defun equal-hash (x depth)
  (cond ((stringp x) (string-hash x nil))
        ((consp x)
         (if (> depth 4)
             17
             (mix-hash (equal-hash (car x) (+ depth 1)) (equal-hash (cdr x) (+ depth 1)))))
        (t (logand (%eq-hash x) #x3fffffff))))

(defun equalp-hash (x depth)
  (cond ((stringp x) (string-hash x t))
        ((characterp x) (upcase-code (char-code x)))
        ((consp x)
         (if (> depth 4)
             17
             (mix-hash (equalp-hash (car x) (+ depth 1)) (equalp-hash (cdr x) (+ depth 1)))))
        ((vectorp x) (length x))
        ((%struct-name x) (logand (%eq-hash (%struct-name x)) #x3fffffff))
        (t (logand (%eq-hash x) #x3fffffff))))

(defun sxhash (x) (equal-hash x 0))

(defun table-hash (table key)
  (let ((kind (hash-table-kind table)))
    (cond ((eq kind :equal) (equal-hash key 0))
          ((eq kind :equalp) (equalp-hash key 0))
          (t (logand (%eq-hash key) #x3fffffff)))))

(defun table-key-equal (table a b)
  (let ((kind (hash-table-kind table)))
    (cond ((eq kind :eq) (eq a b))
          ((eq kind :eql) (eql a b))
          ((eq kind :equal) (equal a b))
          (t (equalp a b)))))

(defun find-entry (table key hash)
  "The entry number holding KEY, or -1."
  (let* ((index (hash-table-index table))
         (e (- (svref index (logand hash (- (length index) 1))) 1))
         (keys (hash-table-keys table))
         (hashes (hash-table-hashes table))
         (next (hash-table-next table)))
    (loop (when (< e 0) (return -1))
          (when (and (= (svref hashes e) hash)
                     (table-key-equal table (svref keys e) key)
                     (not (eq (svref keys e) +removed+)))
            (return e))
          (setq e (- (svref next e) 1)))))

(defun gethash (key table &optional default)
  (let ((e (find-entry table key (table-hash table key))))
    (if (< e 0)
        (values default nil)
        (values (svref (hash-table-values table) e) t))))

(defun %puthash (key table value)
  (let* ((hash (table-hash table key))
         (e (find-entry table key hash)))
    (if (>= e 0)
        (setf (svref (hash-table-values table) e) value)
        (progn
          (when (= (hash-table-fill table) (length (hash-table-keys table)))
            (grow-table table))
          (add-entry table key value hash)
          value))))

(defun add-entry (table key value hash)
  (let* ((e (hash-table-fill table))
         (index (hash-table-index table))
         (bucket (logand hash (- (length index) 1))))
    (setf (svref (hash-table-keys table) e) key)
    (setf (svref (hash-table-values table) e) value)
    (setf (svref (hash-table-hashes table) e) hash)
    (setf (svref (hash-table-next table) e) (svref index bucket))
    (setf (svref index bucket) (+ e 1))
    (setf (hash-table-fill table) (+ e 1))
    (setf (hash-table-count table) (+ (hash-table-count table) 1))
    value))

(defun grow-table (table)
  "Compact the live entries, in order, into vectors twice as large when the table is
more than half live."
  (let* ((keys (hash-table-keys table))
         (values (hash-table-values table))
         (hashes (hash-table-hashes table))
         (fill (hash-table-fill table))
         (live (hash-table-count table))
         (capacity (if (> (* 2 live) (length keys)) (* 2 (length keys)) (length keys))))
    (allocate-entries table capacity)
    (dotimes (e fill)
      (unless (eq (svref keys e) +removed+)
        (add-entry table (svref keys e) (svref values e) (svref hashes e))))
    table))

(defun remhash (key table)
  (let* ((hash (table-hash table key))
         (e (find-entry table key hash)))
    (if (< e 0)
        nil
        (progn
          (setf (svref (hash-table-keys table) e) +removed+)
          (setf (svref (hash-table-values table) e) nil)
          (setf (hash-table-count table) (- (hash-table-count table) 1))
          t))))

(defun clrhash (table)
  (allocate-entries table (length (hash-table-keys table)))
  table)

(defun maphash (function table)
  ;; entries added during the walk are not visited; removals are allowed
  (let ((fill (hash-table-fill table)))
    (dotimes (e fill)
      (let ((key (svref (hash-table-keys table) e)))
        (unless (eq key +removed+)
          (funcall function key (svref (hash-table-values table) e))))))
  nil)
