;;;; Artifacts: a unit (unit.lisp) as a text file, and back. The text is a list
;;;; (:unit VERSION FILE LIBRARY-P WANTS-EVALUATOR) then the parts FUNCS GLOBALS STRINGS
;;;; SYMBOLS PACKAGES DEFUNS STEPS EXPORTS written with a small printer of its own: integers, keywords, strings, NIL,
;;;; T and lists are all a unit holds, and a printer and reader of that much are the
;;;; same on every host (SBCL, stage 0, the compiled compiler), so equal units give equal
;;;; bytes everywhere.
(in-package "WASMBOOT-COMPILER")

(defconstant +artifact-version+ 1)

;;; Writing.

(defun write-artifact-datum (x out)
  (cond ((null x) (write-string "()" out))
        ((eq x t) (write-string "T" out))
        ((integerp x) (write-string (princ-to-string x) out))
        ((keywordp x) (write-char #\: out) (write-string (symbol-name x) out))
        ((stringp x)
         (write-char #\" out)
         (dotimes (i (length x))
           (let ((c (char x i)))
             (when (or (char= c #\") (char= c #\\)) (write-char #\\ out))
             (write-char c out)))
         (write-char #\" out))
        ((consp x)
         (write-char #\( out)
         (write-artifact-datum (car x) out)
         (let ((tail (cdr x)))
           (loop while (consp tail)
                 do (write-char #\Space out)
                    (write-artifact-datum (car tail) out)
                    (setq tail (cdr tail)))
           (when tail (error "artifact: a dotted list ends in ~s" tail)))
         (write-char #\) out))
        (t (error "artifact: cannot write ~s" x))))

(defun write-artifact (unit path)
  (with-open-file (out path :direction :output :if-exists :supersede)
    (write-artifact-datum
     (list :unit +artifact-version+ (unit-file unit) (if (unit-library-p unit) t nil)
           (if (unit-wants-evaluator unit) t nil))
     out)
    ;; one part per line, functions one per line: diffs of artifacts stay readable
    (terpri out)
    (dolist (part (list (unit-funcs unit) (unit-globals unit) (unit-strings unit)
                        (unit-symbols unit) (unit-packages unit) (unit-defuns unit)
                        (unit-steps unit) (unit-exports unit)))
      (write-char #\( out)
      (dolist (item part)
        (terpri out)
        (write-artifact-datum item out))
      (write-char #\) out)
      (terpri out))))

;;; Reading. The link of a whole compiler reads megabytes of artifacts, so the reader
;;; dispatches on character codes and allocates only the data it returns.

(defstruct art-reader path text (pos 0) (keywords (make-hash-table :test 'equal)))

(defun art-fail (r what)
  (error "~a: broken artifact: ~a at character ~d" (art-reader-path r) what
         (art-reader-pos r)))

(defun art-space-code-p (code)
  (or (= code 32) (= code 10) (= code 9) (= code 13)))

(defun art-skip (r)
  (let* ((text (art-reader-text r)) (n (length text)) (i (art-reader-pos r)))
    (loop while (and (< i n) (art-space-code-p (char-code (char text i))))
          do (setq i (+ i 1)))
    (setf (art-reader-pos r) i)
    i))

(defun art-read (r)
  (let* ((text (art-reader-text r))
         (i (art-skip r)))
    (when (>= i (length text)) (art-fail r "unexpected end"))
    (let ((code (char-code (char text i))))
      (cond ((= code 40)                ; (
             (setf (art-reader-pos r) (+ i 1))
             (let ((items nil))
               (loop
                 (let ((j (art-skip r)))
                   (when (>= j (length text)) (art-fail r "unclosed list"))
                   (when (= (char-code (char text j)) 41)
                     (setf (art-reader-pos r) (+ j 1))
                     (return (nreverse items))))
                 (push (art-read r) items))))
            ((= code 41) (art-fail r "unexpected )"))
            ((= code 34) (art-read-string r (+ i 1)))
            ((= code 58) (art-read-keyword r (+ i 1)))
            ((or (= code 45) (and (>= code 48) (<= code 57))) (art-read-integer r i))
            (t (art-read-word r i))))))

(defun art-token-end (text i)
  (let ((n (length text)))
    (loop while (and (< i n)
                     (let ((c (char-code (char text i))))
                       (not (or (art-space-code-p c) (= c 40) (= c 41) (= c 34)))))
          do (setq i (+ i 1)))
    i))

(defun art-read-string (r start)
  ;; no backslash: one subseq; otherwise character by character
  (let* ((text (art-reader-text r))
         (i start) (escaped nil))
    (loop
      (when (>= i (length text)) (art-fail r "unclosed string"))
      (let ((c (char-code (char text i))))
        (cond ((= c 34) (return nil))
              ((= c 92) (setq escaped t) (setq i (+ i 2)))
              (t (setq i (+ i 1))))))
    (setf (art-reader-pos r) (+ i 1))
    (if escaped
        (let ((out (make-array (- i start) :element-type 'character :fill-pointer 0))
              (j start))
          (loop while (< j i)
                do (when (= (char-code (char text j)) 92) (setq j (+ j 1)))
                   (vector-push (char text j) out)
                   (setq j (+ j 1)))
          (subseq out 0))
        (subseq text start i))))

(defun art-read-keyword (r start)
  (let* ((text (art-reader-text r))
         (end (art-token-end text start))
         (name (subseq text start end)))
    (setf (art-reader-pos r) end)
    (or (gethash name (art-reader-keywords r))
        (setf (gethash name (art-reader-keywords r)) (intern name "KEYWORD")))))

(defun art-read-integer (r start)
  ;; accumulated on the negative side: -2^62 has no positive counterpart
  (let* ((text (art-reader-text r))
         (end (art-token-end text start))
         (negative (= (char-code (char text start)) 45))
         (n 0))
    (when (and negative (= end (+ start 1))) (art-fail r "a lone -"))
    (loop for i from (if negative (+ start 1) start) below end
          do (let ((d (- (char-code (char text i)) 48)))
               (unless (and (>= d 0) (<= d 9)) (art-fail r "bad integer"))
               (setq n (- (* n 10) d))))
    (setf (art-reader-pos r) end)
    (if negative n (- n))))

(defun art-read-word (r start)
  (let* ((text (art-reader-text r))
         (end (art-token-end text start))
         (word (subseq text start end)))
    (setf (art-reader-pos r) end)
    (cond ((string= word "T") t)
          ((string= word "NIL") nil)
          (t (art-fail r (format nil "unknown word ~a" word))))))

(defun read-artifact (path)
  "The unit stored in the artifact file PATH."
  (let* ((r (make-art-reader :path path :text (read-source-text path)))
         (head (progn
                 (unless (eql (search "(:UNIT " (art-reader-text r)) 0)
                   (error "~a is not an artifact of this compiler" path))
                 (art-read r))))
    (unless (eql (second head) +artifact-version+)
      (error "~a: artifact version ~a, this compiler writes version ~a" path (second head)
             +artifact-version+))
    (let ((parts nil))
      (dotimes (i 8) (push (art-read r) parts))
      (setq parts (nreverse parts))
      (make-unit :file (third head) :library-p (fourth head) :wants-evaluator (fifth head)
                 :funcs (first parts) :globals (second parts) :strings (third parts)
                 :symbols (fourth parts) :packages (fifth parts) :defuns (nth 5 parts)
                 :steps (nth 6 parts) :exports (nth 7 parts)))))
