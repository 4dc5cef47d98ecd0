;;;; Binary encoding of a WebAssembly module with GC types and exception handling.
;;;; The module is built as plain data (wmod) by the code generator; this file turns
;;;; it into bytes. Instructions are lists (OP . ARGS) with keyword OPs; labels are
;;;; symbolic and resolved to depths here, functions/globals/types are indices.
(in-package "WASMBOOT-COMPILER")

;;; Byte buffers: adjustable vectors of integers 0..255.

(defun make-bytes ()
  (make-array 256 :adjustable t :fill-pointer 0))

(defun emit-byte (buf b)
  (vector-push-extend b buf))

(defun emit-bytes (buf bytes)
  (let ((n (length bytes)))
    (dotimes (i n)
      (vector-push-extend (aref bytes i) buf))))

(defun emit-u32 (buf n)
  ;; unsigned LEB128
  (loop
    (let ((b (logand n 127)))
      (setq n (ash n -7))
      (if (= n 0)
          (progn (emit-byte buf b) (return nil))
          (emit-byte buf (logior b 128))))))

(defun emit-s (buf n)
  ;; signed LEB128 (any width up to 64 bits)
  (loop
    (let ((b (logand n 127)))
      (setq n (ash n -7))
      (if (or (and (= n 0) (= (logand b 64) 0))
              (and (= n -1) (/= (logand b 64) 0)))
          (progn (emit-byte buf b) (return nil))
          (emit-byte buf (logior b 128))))))

(defun emit-name (buf string)
  ;; UTF-8 encoded, length-prefixed
  (let ((utf (utf8-encode string)))
    (emit-u32 buf (length utf))
    (emit-bytes buf utf)))

(defun utf8-encode (string)
  (let ((out (make-bytes)))
    (dotimes (i (length string))
      (let ((c (char-code (char string i))))
        (cond ((< c #x80) (emit-byte out c))
              ((< c #x800)
               (emit-byte out (logior #xc0 (ash c -6)))
               (emit-byte out (logior #x80 (logand c 63))))
              ((< c #x10000)
               (emit-byte out (logior #xe0 (ash c -12)))
               (emit-byte out (logior #x80 (logand (ash c -6) 63)))
               (emit-byte out (logior #x80 (logand c 63))))
              (t
               (emit-byte out (logior #xf0 (ash c -18)))
               (emit-byte out (logior #x80 (logand (ash c -12) 63)))
               (emit-byte out (logior #x80 (logand (ash c -6) 63)))
               (emit-byte out (logior #x80 (logand c 63)))))))
    out))

(defun emit-section (out id body)
  (emit-byte out id)
  (emit-u32 out (length body))
  (emit-bytes out body))

;;; The module under construction.

(defstruct wmod
  (types (make-array 16 :adjustable t :fill-pointer 0))     ; composite type specs
  (type-names (make-hash-table :test 'equal))                ; name/spec -> index
  (rec-count 0)                                              ; first N types form one rec group
  (imports (make-array 16 :adjustable t :fill-pointer 0))   ; (module name typeidx)
  (funcs (make-array 256 :adjustable t :fill-pointer 0))    ; wfunc
  (func-names (make-hash-table :test 'equal))                ; key -> index
  (globals (make-array 256 :adjustable t :fill-pointer 0))  ; (valtype mutable init-instrs)
  (global-names (make-hash-table :test 'equal))
  (tags (make-array 4 :adjustable t :fill-pointer 0))       ; typeidx
  (exports (make-array 4 :adjustable t :fill-pointer 0))    ; (name kind index)
  (declared (make-array 64 :adjustable t :fill-pointer 0))  ; funcs used by ref.func
  (data (make-array 4 :adjustable t :fill-pointer 0))      ; passive data segments
  (memory-pages 1))

(defstruct wfunc
  name            ; display name for the name section
  type            ; type index
  (params nil)    ; list of valtypes (from the type)
  (locals (make-array 8 :adjustable t :fill-pointer 0))  ; valtypes of extra locals
  (body nil)      ; instruction list
  (import nil)    ; (module name) for imports
  (link nil))     ; how the link treats it (link.lisp): placeholder, shared helper

(defun add-type (m key spec)
  "Intern a composite type SPEC under KEY; returns its index."
  (let ((old (gethash key (wmod-type-names m))))
    (if old
        old
        (let ((idx (fill-pointer (wmod-types m))))
          (vector-push-extend spec (wmod-types m))
          (setf (gethash key (wmod-type-names m)) idx)
          idx))))

(defun type-index (m key)
  (let ((idx (gethash key (wmod-type-names m))))
    (unless idx (error "unknown wasm type ~s" key))
    idx))

(defun func-type (m params results)
  "Index of the function type (params) -> (results), interned. The uniform Lisp
function type is the one of the rec group (call_ref and struct fields name it)."
  (let ((fn (gethash :fn (wmod-type-names m))))
    (if (and fn (equal (list :func params results) (aref (wmod-types m) fn)))
        fn
        (add-type m (list :func params results) (list :func params results)))))

(defun wmod-import-count (m)
  (fill-pointer (wmod-imports m)))

(defun add-import-func (m key module name params results)
  ;; imports must all be added before any defined function
  (let ((idx (fill-pointer (wmod-funcs m))))
    (vector-push-extend (make-wfunc :name name :type (func-type m params results)
                                    :params params :import (list module name))
                        (wmod-funcs m))
    (vector-push-extend idx (wmod-imports m))
    (setf (gethash key (wmod-func-names m)) idx)
    idx))

(defun add-func (m key name params results)
  "Declare a defined function; the body is set later. Returns its index."
  (let ((idx (fill-pointer (wmod-funcs m))))
    (vector-push-extend (make-wfunc :name name :type (func-type m params results)
                                    :params params)
                        (wmod-funcs m))
    (when key (setf (gethash key (wmod-func-names m)) idx))
    idx))

(defun func-index (m key)
  (gethash key (wmod-func-names m)))

(defun func-at (m idx)
  (aref (wmod-funcs m) idx))

(defun add-local (f valtype)
  "A new local of F; returns its index."
  (let ((idx (+ (length (wfunc-params f)) (fill-pointer (wfunc-locals f)))))
    (vector-push-extend valtype (wfunc-locals f))
    idx))

(defun add-global (m key valtype mutable init)
  (let ((idx (fill-pointer (wmod-globals m))))
    (vector-push-extend (list valtype mutable init) (wmod-globals m))
    (when key (setf (gethash key (wmod-global-names m)) idx))
    idx))

(defun global-index (m key)
  (gethash key (wmod-global-names m)))

(defun add-tag (m params)
  (let ((idx (fill-pointer (wmod-tags m))))
    (vector-push-extend (func-type m params nil) (wmod-tags m))
    idx))

(defun add-export (m name kind index)
  (vector-push-extend (list name kind index) (wmod-exports m)))

(defun add-data (m bytes)
  "A passive data segment; returns its index."
  (let ((idx (fill-pointer (wmod-data m))))
    (vector-push-extend bytes (wmod-data m))
    idx))

(defun declare-func-ref (m idx)
  (vector-push-extend idx (wmod-declared m)))

;;; Value types: :i32 :i64 :eqref :anyref :externref :funcref :exnref :i31ref,
;;; (:ref name) non-null and (:ref-null name) nullable references to a named type.

(defun emit-heaptype (buf m ht)
  (case ht
    (:eq (emit-byte buf #x6d))
    (:any (emit-byte buf #x6e))
    (:extern (emit-byte buf #x6f))
    (:func (emit-byte buf #x70))
    (:exn (emit-byte buf #x69))
    (:i31 (emit-byte buf #x6c))
    (:none (emit-byte buf #x71))
    (:noextern (emit-byte buf #x72))
    (:nofunc (emit-byte buf #x73))
    (t (emit-s buf (type-index m ht)))))

(defun emit-valtype (buf m vt)
  (cond ((eq vt :i32) (emit-byte buf #x7f))
        ((eq vt :i64) (emit-byte buf #x7e))
        ((eq vt :i8) (emit-byte buf #x78))
        ((eq vt :i16) (emit-byte buf #x77))
        ((eq vt :eqref) (emit-byte buf #x6d))
        ((eq vt :anyref) (emit-byte buf #x6e))
        ((eq vt :externref) (emit-byte buf #x6f))
        ((eq vt :funcref) (emit-byte buf #x70))
        ((eq vt :exnref) (emit-byte buf #x69))
        ((eq vt :i31ref) (emit-byte buf #x6c))
        ((and (consp vt) (eq (car vt) :ref))
         (emit-byte buf #x64) (emit-heaptype buf m (cadr vt)))
        ((and (consp vt) (eq (car vt) :ref-null))
         (emit-byte buf #x63) (emit-heaptype buf m (cadr vt)))
        (t (error "bad value type ~s" vt))))

(defun emit-comptype (buf m spec)
  ;; (:func params results) | (:struct (mutable-p valtype)...) | (:array mutable-p valtype)
  (case (car spec)
    (:func
     (emit-byte buf #x60)
     (emit-u32 buf (length (second spec)))
     (dolist (p (second spec)) (emit-valtype buf m p))
     (emit-u32 buf (length (third spec)))
     (dolist (r (third spec)) (emit-valtype buf m r)))
    (:struct
     (emit-byte buf #x5f)
     (emit-u32 buf (length (cdr spec)))
     (dolist (f (cdr spec))
       (emit-valtype buf m (second f))
       (emit-byte buf (if (first f) 1 0))))
    (:array
     (emit-byte buf #x5e)
     (emit-valtype buf m (third spec))
     (emit-byte buf (if (second spec) 1 0)))
    (t (error "bad composite type ~s" spec))))

(defun encode-type-section (m)
  (let ((buf (make-bytes))
        (types (wmod-types m))
        (rec (wmod-rec-count m)))
    ;; one rec group for the first REC types, then each other type alone
    (emit-u32 buf (+ (if (> rec 0) 1 0) (- (length types) rec)))
    (when (> rec 0)
      (emit-byte buf #x4e)
      (emit-u32 buf rec)
      (dotimes (i rec) (emit-comptype buf m (aref types i))))
    (loop for i from rec below (length types)
          do (emit-comptype buf m (aref types i)))
    buf))

;;; Instructions.

(defun label-depth (labels name)
  (let ((d 0))
    (dolist (l labels (error "unknown label ~s" name))
      (when (eql l name) (return d))
      (setq d (+ d 1)))))

(defun emit-blocktype (buf m bt)
  ;; nil = empty; a valtype; or (:type key) for multi-value blocks
  (cond ((null bt) (emit-byte buf #x40))
        ((and (consp bt) (eq (car bt) :type)) (emit-s buf (type-index m (cadr bt))))
        (t (emit-valtype buf m bt))))

(defun emit-code (buf m instrs labels)
  (dolist (ins instrs)
    (emit-instr buf m ins labels)))

(defun gc-op (buf code)
  (emit-byte buf #xfb)
  (emit-u32 buf code))

(defun simple-opcode (op)
  (case op
    (:unreachable 0) (:nop 1) (:return #x0f) (:drop #x1a) (:select #x1b)
    (:throw-ref #x0a)
    (:ref.is_null #xd1) (:ref.eq #xd3) (:ref.as_non_null #xd4)
    (:i32.eqz #x45) (:i32.eq #x46) (:i32.ne #x47) (:i32.lt_s #x48) (:i32.lt_u #x49)
    (:i32.gt_s #x4a) (:i32.gt_u #x4b) (:i32.le_s #x4c) (:i32.le_u #x4d)
    (:i32.ge_s #x4e) (:i32.ge_u #x4f)
    (:i64.eqz #x50) (:i64.eq #x51) (:i64.ne #x52) (:i64.lt_s #x53) (:i64.lt_u #x54)
    (:i64.gt_s #x55) (:i64.gt_u #x56) (:i64.le_s #x57) (:i64.le_u #x58)
    (:i64.ge_s #x59) (:i64.ge_u #x5a)
    (:i32.clz #x67) (:i32.add #x6a) (:i32.sub #x6b) (:i32.mul #x6c) (:i32.div_s #x6d)
    (:i32.div_u #x6e) (:i32.rem_s #x6f) (:i32.rem_u #x70) (:i32.and #x71)
    (:i32.or #x72) (:i32.xor #x73) (:i32.shl #x74) (:i32.shr_s #x75) (:i32.shr_u #x76)
    (:i64.clz #x79) (:i64.add #x7c) (:i64.sub #x7d) (:i64.mul #x7e) (:i64.div_s #x7f)
    (:i64.div_u #x80) (:i64.rem_s #x81) (:i64.rem_u #x82) (:i64.and #x83)
    (:i64.or #x84) (:i64.xor #x85) (:i64.shl #x86) (:i64.shr_s #x87) (:i64.shr_u #x88)
    (:i32.wrap_i64 #xa7) (:i64.extend_i32_s #xac) (:i64.extend_i32_u #xad)
    (t nil)))

(defun emit-instr (buf m ins labels)
  (let* ((op (car ins))
         (simple (simple-opcode op)))
    (if simple
        (emit-byte buf simple)
        (case op
          ((:block :loop)
           ;; (:block label blocktype instr...)
           (emit-byte buf (if (eq op :block) 2 3))
           (emit-blocktype buf m (third ins))
           (emit-code buf m (cdddr ins) (cons (second ins) labels))
           (emit-byte buf #x0b))
          (:if
           ;; (:if label blocktype then-instrs else-instrs)
           (emit-byte buf 4)
           (emit-blocktype buf m (third ins))
           (let ((inner (cons (second ins) labels)))
             (emit-code buf m (fourth ins) inner)
             (when (fifth ins)
               (emit-byte buf 5)
               (emit-code buf m (fifth ins) inner)))
           (emit-byte buf #x0b))
          (:try-table
           ;; (:try-table label blocktype catches instr...), catch =
           ;; (:catch tag label) (:catch-ref tag label) (:catch-all label) (:catch-all-ref label)
           (emit-byte buf #x1f)
           (emit-blocktype buf m (third ins))
           (emit-u32 buf (length (fourth ins)))
           (dolist (c (fourth ins))
             (case (car c)
               (:catch (emit-byte buf 0) (emit-u32 buf (second c))
                (emit-u32 buf (label-depth labels (third c))))
               (:catch-ref (emit-byte buf 1) (emit-u32 buf (second c))
                (emit-u32 buf (label-depth labels (third c))))
               (:catch-all (emit-byte buf 2) (emit-u32 buf (label-depth labels (second c))))
               (:catch-all-ref (emit-byte buf 3)
                (emit-u32 buf (label-depth labels (second c))))))
           (emit-code buf m (nthcdr 4 ins) (cons (second ins) labels))
           (emit-byte buf #x0b))
          (:br (emit-byte buf #x0c) (emit-u32 buf (label-depth labels (second ins))))
          (:br_if (emit-byte buf #x0d) (emit-u32 buf (label-depth labels (second ins))))
          (:br_table
           ;; (:br_table (labels...) default)
           (emit-byte buf #x0e)
           (emit-u32 buf (length (second ins)))
           (dolist (l (second ins)) (emit-u32 buf (label-depth labels l)))
           (emit-u32 buf (label-depth labels (third ins))))
          (:br_on_null (emit-byte buf #xd5) (emit-u32 buf (label-depth labels (second ins))))
          (:br_on_non_null (emit-byte buf #xd6)
           (emit-u32 buf (label-depth labels (second ins))))
          (:throw (emit-byte buf 8) (emit-u32 buf (second ins)))
          (:call (emit-byte buf #x10) (emit-u32 buf (second ins)))
          (:return_call (emit-byte buf #x12) (emit-u32 buf (second ins)))
          (:call_ref (emit-byte buf #x14) (emit-u32 buf (type-index m (second ins))))
          (:local.get (emit-byte buf #x20) (emit-u32 buf (second ins)))
          (:local.set (emit-byte buf #x21) (emit-u32 buf (second ins)))
          (:local.tee (emit-byte buf #x22) (emit-u32 buf (second ins)))
          (:global.get (emit-byte buf #x23) (emit-u32 buf (second ins)))
          (:global.set (emit-byte buf #x24) (emit-u32 buf (second ins)))
          ((:i32.load :i64.load :i32.load8_u :i32.store :i64.store :i32.store8)
           (emit-byte buf (case op (:i32.load #x28) (:i64.load #x29) (:i32.load8_u #x2d)
                            (:i32.store #x36) (:i64.store #x37) (:i32.store8 #x3a)))
           (emit-u32 buf (if (member op '(:i32.load8_u :i32.store8)) 0 2))
           (emit-u32 buf (or (second ins) 0)))
          (:memory.size (emit-byte buf #x3f) (emit-byte buf 0))
          (:memory.grow (emit-byte buf #x40) (emit-byte buf 0))
          (:i32.const (emit-byte buf #x41) (emit-s buf (second ins)))
          (:i64.const (emit-byte buf #x42) (emit-s buf (second ins)))
          (:ref.null (emit-byte buf #xd0) (emit-heaptype buf m (second ins)))
          (:ref.func (emit-byte buf #xd2) (emit-u32 buf (second ins)))
          (:struct.new (gc-op buf 0) (emit-u32 buf (type-index m (second ins))))
          (:struct.new_default (gc-op buf 1) (emit-u32 buf (type-index m (second ins))))
          (:struct.get (gc-op buf 2) (emit-u32 buf (type-index m (second ins)))
           (emit-u32 buf (third ins)))
          (:struct.set (gc-op buf 5) (emit-u32 buf (type-index m (second ins)))
           (emit-u32 buf (third ins)))
          (:array.new (gc-op buf 6) (emit-u32 buf (type-index m (second ins))))
          (:array.new_default (gc-op buf 7) (emit-u32 buf (type-index m (second ins))))
          (:array.new_fixed (gc-op buf 8) (emit-u32 buf (type-index m (second ins)))
           (emit-u32 buf (third ins)))
          (:array.new_data (gc-op buf 9) (emit-u32 buf (type-index m (second ins)))
           (emit-u32 buf (third ins)))
          (:array.get (gc-op buf 11) (emit-u32 buf (type-index m (second ins))))
          (:array.get_u (gc-op buf 13) (emit-u32 buf (type-index m (second ins))))
          (:array.set (gc-op buf 14) (emit-u32 buf (type-index m (second ins))))
          (:array.len (gc-op buf 15))
          (:array.fill (gc-op buf 16) (emit-u32 buf (type-index m (second ins))))
          (:array.copy (gc-op buf 17) (emit-u32 buf (type-index m (second ins)))
           (emit-u32 buf (type-index m (third ins))))
          (:ref.test (gc-op buf 20) (emit-heaptype buf m (second ins)))
          (:ref.cast (gc-op buf 22) (emit-heaptype buf m (second ins)))
          (:ref.cast_null (gc-op buf 23) (emit-heaptype buf m (second ins)))
          (:any.convert_extern (gc-op buf 26))
          (:extern.convert_any (gc-op buf 27))
          (:ref.i31 (gc-op buf 28))
          (:i31.get_s (gc-op buf 29))
          (:i31.get_u (gc-op buf 30))
          (t (error "unknown instruction ~s" ins))))))

;;; Sections and the whole module.

(defun encode-vec-section (out id items fn)
  (when (> (length items) 0)
    (let ((buf (make-bytes)))
      (emit-u32 buf (length items))
      (dotimes (i (length items))
        (funcall fn buf (aref items i)))
      (emit-section out id buf))))

(defun encode-function-body (m f)
  (let ((buf (make-bytes))
        (locals (wfunc-locals f))
        (groups nil))
    ;; run-length groups of equal local types, in order
    (dotimes (i (length locals))
      (let ((vt (aref locals i)))
        (if (and groups (equal (cdr (car groups)) vt))
            (setf (car (car groups)) (+ 1 (car (car groups))))
            (push (cons 1 vt) groups))))
    (setq groups (nreverse groups))
    (emit-u32 buf (length groups))
    (dolist (g groups)
      (emit-u32 buf (car g))
      (emit-valtype buf m (cdr g)))
    (emit-code buf m (wfunc-body f) nil)
    (emit-byte buf #x0b)
    buf))

(defun encode-module (m)
  "The bytes of module M as a vector of octets."
  (let ((out (make-bytes))
        (funcs (wmod-funcs m))
        (nimports (wmod-import-count m)))
    (emit-bytes out (vector 0 #x61 #x73 #x6d 1 0 0 0))
    (emit-section out 1 (encode-type-section m))
    ;; imports
    (let ((buf (make-bytes)))
      (emit-u32 buf nimports)
      (dotimes (i nimports)
        (let ((f (aref funcs i)))
          (emit-name buf (first (wfunc-import f)))
          (emit-name buf (second (wfunc-import f)))
          (emit-byte buf 0)
          (emit-u32 buf (wfunc-type f))))
      (emit-section out 2 buf))
    ;; function declarations
    (let ((buf (make-bytes)))
      (emit-u32 buf (- (length funcs) nimports))
      (loop for i from nimports below (length funcs)
            do (emit-u32 buf (wfunc-type (aref funcs i))))
      (emit-section out 3 buf))
    ;; memory: one page minimum, growable
    (let ((buf (make-bytes)))
      (emit-u32 buf 1) (emit-byte buf 0) (emit-u32 buf (wmod-memory-pages m))
      (emit-section out 5 buf))
    ;; tags
    (encode-vec-section out 13 (wmod-tags m)
                        (lambda (buf ty) (emit-byte buf 0) (emit-u32 buf ty)))
    ;; globals
    (encode-vec-section out 6 (wmod-globals m)
                        (lambda (buf g)
                          (emit-valtype buf m (first g))
                          (emit-byte buf (if (second g) 1 0))
                          (emit-code buf m (third g) nil)
                          (emit-byte buf #x0b)))
    ;; exports
    (encode-vec-section out 7 (wmod-exports m)
                        (lambda (buf e)
                          (emit-name buf (first e))
                          (emit-byte buf (case (second e) (:func 0) (:memory 2) (:global 3)))
                          (emit-u32 buf (third e))))
    ;; a declarative element segment makes ref.func legal on these functions
    (when (> (length (wmod-declared m)) 0)
      (let ((buf (make-bytes))
            (decl (wmod-declared m)))
        (emit-u32 buf 1)
        (emit-byte buf 3) (emit-byte buf 0)
        (emit-u32 buf (length decl))
        (dotimes (i (length decl)) (emit-u32 buf (aref decl i)))
        (emit-section out 9 buf)))
    ;; data count (before the code that refers to the segments)
    (when (> (length (wmod-data m)) 0)
      (let ((buf (make-bytes)))
        (emit-u32 buf (length (wmod-data m)))
        (emit-section out 12 buf)))
    ;; code
    (let ((buf (make-bytes)))
      (emit-u32 buf (- (length funcs) nimports))
      (loop for i from nimports below (length funcs)
            do (let ((body (encode-function-body m (aref funcs i))))
                 (emit-u32 buf (length body))
                 (emit-bytes buf body)))
      (emit-section out 10 buf))
    ;; passive data segments
    (encode-vec-section out 11 (wmod-data m)
                        (lambda (buf bytes)
                          (emit-byte buf 1)
                          (emit-u32 buf (length bytes))
                          (emit-bytes buf bytes)))
    ;; name section: function names, so traps show Lisp names
    (let ((buf (make-bytes))
          (sub (make-bytes)))
      (emit-name buf "name")
      (emit-u32 sub (length funcs))
      (dotimes (i (length funcs))
        (emit-u32 sub i)
        (emit-name sub (wfunc-name (aref funcs i))))
      (emit-byte buf 1)
      (emit-u32 buf (length sub))
      (emit-bytes buf sub)
      (emit-section out 0 buf))
    (let ((result (make-array (length out) :element-type '(unsigned-byte 8))))
      (dotimes (i (length out))
        (setf (aref result i) (aref out i)))
      result)))
