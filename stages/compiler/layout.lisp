;;;; Data layout of Lisp values in WasmGC (see README.md): the types of the module's
;;;; rec group, the host imports, the exception tags and the fixed globals.
(in-package "WASMBOOT-COMPILER")

;;; Field indices
(defconstant +sym-name+ 0)
(defconstant +sym-package+ 1)
(defconstant +sym-value+ 2)
(defconstant +sym-function+ 3)
(defconstant +sym-plist+ 4)
(defconstant +sym-aux+ 5)
(defconstant +sym-hash+ 6)

(defun fn-params ()
  ;; the uniform calling convention: closure environment, argument count, the first
  ;; four arguments, the others in an array
  (list :eqref :i32 :eqref :eqref :eqref :eqref (list :ref-null :eqarray)))

(defun setup-types (m)
  (add-type m :string (list :array t :i32))
  (add-type m :eqarray (list :array t :eqref))
  (add-type m :bytes (list :array t :i8))
  (add-type m :boxint (list :struct (list nil :i64)))
  (add-type m :char (list :struct (list nil :i32)))
  ;; car, cdr, and the identity hash %eq-hash gives it on first use (0 until then),
  ;; so eq tables keyed by conses spread over buckets
  (add-type m :cons (list :struct (list t :eqref) (list t :eqref) (list t :i32)))
  (add-type m :symbol (list :struct (list nil :eqref) (list t :eqref) (list t :eqref)
                            (list t :eqref) (list t :eqref) (list t :eqref) (list nil :i32)))
  (add-type m :fn (list :func (fn-params) (list :eqref)))
  (add-type m :closure (list :struct (list nil (list :ref :fn)) (list nil :eqref)
                             (list nil :eqref)))
  (add-type m :box (list :struct (list t :eqref)))
  (add-type m :adjvec (list :struct (list t (list :ref :eqarray)) (list t :i32)))
  (add-type m :adjstr (list :struct (list t (list :ref :string)) (list t :i32)))
  (add-type m :sdesc (list :struct (list nil :eqref) (list nil :eqref) (list nil :eqref)))
  (add-type m :instance (list :struct (list nil (list :ref :sdesc))
                              (list nil (list :ref :eqarray)) (list nil :i32)))
  (add-type m :package (list :struct (list nil :eqref) (list t :eqref) (list t :eqref)
                             (list t :eqref) (list t :eqref)))
  (add-type m :bytevec (list :struct (list t (list :ref :bytes)) (list t :i32)))
  (setf (wmod-rec-count m) (length (wmod-types m)))
  (add-type m :nlx-catch (list :func nil (list :eqref :eqref :exnref))))

(defun setup-imports (m)
  (add-import-func m :write-char "clysm:io" "write-char" (list :i32 :i32) nil)
  (add-import-func m :write-string "clysm:io" "write-string" (list :i32 :externref) nil)
  (add-import-func m :read-char "clysm:io" "read-char" (list :i32) (list :i32))
  (add-import-func m :read-line "clysm:io" "read-line" (list :i32) (list :externref))
  (add-import-func m :open "clysm:fs" "open"
                   (list :externref :externref :externref :externref) (list :i32))
  (add-import-func m :close "clysm:fs" "close" (list :i32) nil)
  (add-import-func m :read-all "clysm:fs" "read-all" (list :i32) (list :externref))
  (add-import-func m :read-bytes "clysm:fs" "read-bytes" (list :i32) (list :externref))
  (add-import-func m :write-all "clysm:fs" "write-all" (list :i32 :externref) nil)
  (add-import-func m :mem-length "clysm:mem" "length" (list :externref) (list :i32))
  (add-import-func m :mem-store "clysm:mem" "store" (list :externref :i32) (list :i32))
  (add-import-func m :load-string "clysm:mem" "load-string" (list :i32 :i32) (list :externref))
  (add-import-func m :load-bytes "clysm:mem" "load-bytes" (list :i32 :i32) (list :externref))
  (add-import-func m :errno "clysm:sys" "errno" nil (list :i32))
  (add-import-func m :strerror "clysm:sys" "strerror" nil (list :externref))
  (add-import-func m :exit "clysm:sys" "exit" (list :i32) nil))

(defvar *nlx-tag* 0)
(defvar *error-tag* 1)

(defun setup-globals (m)
  (setq *nlx-tag* (add-tag m (list :eqref :eqref)))
  (setq *error-tag* (add-tag m (list :eqref)))
  ;; the unbound marker, then the two distinguished symbols
  (add-global m :unbound :eqref nil (list (list :ref.null :none) (list :struct.new :box)))
  (add-global m :mv-count :i32 t (list (list :i32.const 1)))
  (add-global m :mv-buf (list :ref :eqarray) nil
              (list (list :ref.null :none) (list :i32.const 64)
                    (list :array.new :eqarray)))
  (add-global m :next-hash :i32 t (list (list :i32.const 1000)))
  (add-global m :symtab (list :ref-null :eqarray) t (list (list :ref.null :none)))
  (add-global m :strtab (list :ref-null :eqarray) t (list (list :ref.null :none)))
  (add-global m :nil (list :ref-null :symbol) t (list (list :ref.null :none)))
  (add-global m :t (list :ref-null :symbol) t (list (list :ref.null :none)))
  (add-global m :static-packages :eqref t (list (list :ref.null :none)))
  ;; the characters of codes 0..255, made once by _start (natives.lisp :make-char)
  (add-global m :char-table (list :ref-null :eqarray) t (list (list :ref.null :none))))
