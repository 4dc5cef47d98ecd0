;;;; Sequence functions on lists, vectors and strings: elt, subseq, copy-seq, reverse,
;;;; nreverse, find/position/count (and -if, -if-not), remove/delete (and -if, -if-not),
;;;; remove-duplicates, search, mismatch, fill, replace, map, concatenate, every, some,
;;;; notany, notevery, reduce, sort, stable-sort (a stable merge sort), merge.
;;;; length, aref and the other array operations are open-coded by the compiler.

(in-package "WASMBOOT-RUNTIME")

(defun type-name-is (type &rest names)
  "True if the type specifier TYPE (a symbol or a list headed by one) is named by one
of NAMES, whatever its package."
  (let ((head (if (consp type) (car type) type)))
    (and (symbolp head) head (member (symbol-name head) names :test #'string=))))

(defun make-sequence-like (sequence n)
  "A fresh vector of length N of the same kind as the vector SEQUENCE."
  (if (stringp sequence) (make-string n) (make-array n)))

(defun make-sequence (type size &key (initial-element nil initial-element-p))
  (cond ((type-name-is type "LIST") (make-list size :initial-element initial-element))
        ((type-name-is type "STRING" "SIMPLE-STRING")
         (if initial-element-p
             (make-string size :initial-element initial-element)
             (make-string size)))
        (t (make-array size :initial-element initial-element))))

(defun list-to-sequence (list type)
  "A sequence of result type TYPE (list, string or vector names) holding LIST."
  (cond ((or (null type) (type-name-is type "LIST" "CONS")) list)
        ((type-name-is type "STRING" "SIMPLE-STRING" "BASE-STRING")
         (let ((s (make-string (length list))) (i 0))
           (dolist (c list s) (setf (char s i) c) (setq i (+ i 1)))))
        (t (let ((v (make-array (length list))) (i 0))
             (dolist (x list v) (setf (aref v i) x) (setq i (+ i 1)))))))

(defun list-to-sequence-like (list sequence)
  (if (listp sequence) list (list-to-sequence list (if (stringp sequence) 'string 'vector))))

(defun bad-index (sequence index)
  (error 'type-error :datum index :expected-type (list 'integer 0 (length sequence))))

(defun elt (sequence index)
  (if (listp sequence)
      (let ((tail (nthcdr index sequence)))
        (if (consp tail) (car tail) (bad-index sequence index)))
      (aref sequence index)))

(defun subseq (sequence start &optional end)
  (if (listp sequence)
      (let ((tail (nthcdr start sequence)) (result '()))
        (if end
            (loop repeat (- end start)
                  do (when (atom tail) (bad-index sequence end))
                     (push (car tail) result) (setq tail (cdr tail)))
            (loop while (consp tail) do (push (car tail) result) (setq tail (cdr tail))))
        (nreverse-list result))
      (let* ((end (or end (length sequence)))
             (result (make-sequence-like sequence (- end start))))
        (when (or (< start 0) (> end (length sequence)) (> start end)) (bad-index sequence end))
        (loop for i from start below end for j from 0
              do (setf (aref result j) (aref sequence i)))
        result)))

(defun copy-seq (sequence)
  (if (listp sequence) (copy-list sequence) (subseq sequence 0)))

(defun reverse (sequence)
  (if (listp sequence)
      (revappend sequence nil)
      (let* ((n (length sequence)) (result (make-sequence-like sequence n)))
        (dotimes (i n result) (setf (aref result i) (aref sequence (- n i 1)))))))

(defun nreverse (sequence)
  (if (listp sequence)
      (nreverse-list sequence)
      (let ((n (length sequence)))
        (dotimes (i (floor n 2) sequence)
          (let ((x (aref sequence i)))
            (setf (aref sequence i) (aref sequence (- n i 1)))
            (setf (aref sequence (- n i 1)) x))))))

(defun coerce (object type)
  "coerce between sequence types (list, vector, simple-vector, string), a string or
symbol of length one to a character, and to t."
  (cond ((or (eq type t) (type-name-is type "T")) object)
        ((type-name-is type "LIST")
         (if (listp object) object (map 'list #'identity object)))
        ((type-name-is type "STRING" "SIMPLE-STRING" "BASE-STRING")
         (if (stringp object) object (list-to-sequence (if (listp object) object
                                                            (map 'list #'identity object))
                                                        'string)))
        ((type-name-is type "VECTOR" "SIMPLE-VECTOR" "ARRAY" "SEQUENCE")
         (if (and (vectorp object) (not (type-name-is type "SIMPLE-VECTOR"))) object
             (list-to-sequence (if (listp object) object (map 'list #'identity object))
                               'vector)))
        ((type-name-is type "CHARACTER")
         (let ((s (string object)))
           (if (= (length s) 1) (char s 0)
               (error 'type-error :datum object :expected-type 'character))))
        (t (error 'type-error :datum object :expected-type type))))

;;; Searching. MODE is :item (compare ITEM with :test/:test-not), :if or :if-not
;;; (call PRED); no closure is made per call.

(defun element-matches (mode item pred x key test test-not)
  (cond ((eq mode :item) (satisfies-test item x test test-not key))
        ((eq mode :if) (funcall pred (if key (funcall key x) x)))
        (t (not (funcall pred (if key (funcall key x) x))))))

(defun scan (mode item pred sequence from-end start end key test test-not)
  "(values index element) of the first match in [START, END), the last with FROM-END."
  (let ((found nil) (found-index nil))
    (if (listp sequence)
        (let ((l (nthcdr start sequence)) (i start))
          (loop while (and (consp l) (or (null end) (< i end)))
                do (when (element-matches mode item pred (car l) key test test-not)
                     (setq found (car l) found-index i)
                     (unless from-end (return)))
                   (setq i (+ i 1) l (cdr l))))
        (let ((end (or end (length sequence))))
          (if from-end
              (loop for i from (- end 1) downto start
                    do (let ((x (aref sequence i)))
                         (when (element-matches mode item pred x key test test-not)
                           (setq found x found-index i)
                           (return))))
              (loop for i from start below end
                    do (let ((x (aref sequence i)))
                         (when (element-matches mode item pred x key test test-not)
                           (setq found x found-index i)
                           (return)))))))
    (values found-index found)))

(defun find (item sequence &key from-end test test-not (start 0) end key)
  (nth-value 1 (scan :item item nil sequence from-end start end key test test-not)))
(defun find-if (predicate sequence &key from-end (start 0) end key)
  (nth-value 1 (scan :if nil predicate sequence from-end start end key nil nil)))
(defun find-if-not (predicate sequence &key from-end (start 0) end key)
  (nth-value 1 (scan :if-not nil predicate sequence from-end start end key nil nil)))
(defun position (item sequence &key from-end test test-not (start 0) end key)
  (values (scan :item item nil sequence from-end start end key test test-not)))
(defun position-if (predicate sequence &key from-end (start 0) end key)
  (values (scan :if nil predicate sequence from-end start end key nil nil)))
(defun position-if-not (predicate sequence &key from-end (start 0) end key)
  (values (scan :if-not nil predicate sequence from-end start end key nil nil)))

(defun count-matches (mode item pred sequence start end key test test-not)
  (let ((n 0))
    (if (listp sequence)
        (let ((l (nthcdr start sequence)) (i start))
          (loop while (and (consp l) (or (null end) (< i end)))
                do (when (element-matches mode item pred (car l) key test test-not)
                     (setq n (+ n 1)))
                   (setq i (+ i 1) l (cdr l))))
        (loop for i from start below (or end (length sequence))
              do (when (element-matches mode item pred (aref sequence i) key test test-not)
                   (setq n (+ n 1)))))
    n))

(defun count (item sequence &key from-end test test-not (start 0) end key)
  (declare (ignore from-end))
  (count-matches :item item nil sequence start end key test test-not))
(defun count-if (predicate sequence &key from-end (start 0) end key)
  (declare (ignore from-end))
  (count-matches :if nil predicate sequence start end key nil nil))
(defun count-if-not (predicate sequence &key from-end (start 0) end key)
  (declare (ignore from-end))
  (count-matches :if-not nil predicate sequence start end key nil nil))

;;; Removal

(defun remove-from-list (mode item pred list test test-not key)
  "remove on a whole list without :count: the list itself when nothing goes (as CL
allows), else a copy sharing the tail after the last removed element."
  (let ((l list) (first-match nil))
    (loop while (consp l)
          do (when (element-matches mode item pred (car l) key test test-not)
               (setq first-match l)
               (return))
             (setq l (cdr l)))
    (if (null first-match)
        list
        (let* ((head (cons nil nil)) (tail head))
          ;; the elements before the first match
          (loop for p = list then (cdr p)
                until (eq p first-match)
                do (let ((cell (cons (car p) nil))) (rplacd tail cell) (setq tail cell)))
          ;; the rest: keep runs of non-matching elements, sharing the final run
          (let ((run (cdr first-match)) (p (cdr first-match)))
            (loop while (consp p)
                  do (if (element-matches mode item pred (car p) key test test-not)
                         (progn
                           (loop for q = run then (cdr q)
                                 until (eq q p)
                                 do (let ((cell (cons (car q) nil)))
                                      (rplacd tail cell) (setq tail cell)))
                           (setq run (cdr p)))
                         nil)
                     (setq p (cdr p)))
            (rplacd tail run))
          (cdr head)))))

(defun remove-matches (mode item pred sequence from-end test test-not start end count key)
  (if (and (listp sequence) (null count) (eql start 0) (null end))
      (remove-from-list mode item pred sequence test test-not key)
      (remove-matches-general mode item pred sequence from-end test test-not start end count
                              key)))

(defun remove-matches-general (mode item pred sequence from-end test test-not start end count
                               key)
  (let* ((skip (if (and count from-end)
                   ;; with :from-end, the last COUNT matches go: keep the earlier ones
                   (max 0 (- (count-matches mode item pred sequence start end key test test-not)
                             count))
                   0))
         (removed 0) (result '()) (i 0) (changed nil))
    (flet ((consider (x)
             (if (and (>= i start) (or (null end) (< i end))
                      (or (null count) (< removed count))
                      (element-matches mode item pred x key test test-not))
                 (if (> skip 0)
                     (progn (setq skip (- skip 1)) (push x result))
                     (setq removed (+ removed 1) changed t))
                 (push x result))
             (setq i (+ i 1))))
      (if (listp sequence)
          (dolist (x sequence) (consider x))
          (loop for k from 0 below (length sequence) do (consider (aref sequence k)))))
    (cond ((not changed) (if (listp sequence) (copy-list sequence) (copy-seq sequence)))
          (t (list-to-sequence-like (nreverse-list result) sequence)))))

(defun remove (item sequence &key from-end test test-not (start 0) end count key)
  (remove-matches :item item nil sequence from-end test test-not start end count key))
(defun remove-if (predicate sequence &key from-end (start 0) end count key)
  (remove-matches :if nil predicate sequence from-end nil nil start end count key))
(defun remove-if-not (predicate sequence &key from-end (start 0) end count key)
  (remove-matches :if-not nil predicate sequence from-end nil nil start end count key))
(defun delete (item sequence &key from-end test test-not (start 0) end count key)
  (remove-matches :item item nil sequence from-end test test-not start end count key))
(defun delete-if (predicate sequence &key from-end (start 0) end count key)
  (remove-matches :if nil predicate sequence from-end nil nil start end count key))
(defun delete-if-not (predicate sequence &key from-end (start 0) end count key)
  (remove-matches :if-not nil predicate sequence from-end nil nil start end count key))

(defun remove-duplicates (sequence &key from-end test test-not (start 0) end key)
  (let* ((items (if (listp sequence) sequence (map 'list #'identity sequence)))
         (n (length items))
         (end (or end n))
         (v (make-array n)) (keep (make-array n :initial-element t)) (result '()))
    (let ((i 0)) (dolist (x items) (setf (aref v i) x) (setq i (+ i 1))))
    (loop for i from start below end
          do (loop for j from (+ i 1) below end
                   do (when (and (aref keep i) (aref keep j)
                                 (satisfies-test (apply-key key (aref v i)) (aref v j)
                                                 test test-not key))
                        (if from-end
                            (setf (aref keep j) nil)
                            (setf (aref keep i) nil)))))
    (loop for i from (- n 1) downto 0 do (when (aref keep i) (push (aref v i) result)))
    (list-to-sequence-like result sequence)))

(defun delete-duplicates (sequence &rest args)
  (apply #'remove-duplicates sequence args))

;;; Comparison of subsequences

(defun seq-ref (sequence index)
  (if (listp sequence) (nth index sequence) (aref sequence index)))

(defun search (sequence1 sequence2 &key from-end test test-not key (start1 0) end1
                                        (start2 0) end2)
  (let* ((end1 (or end1 (length sequence1)))
         (end2 (or end2 (length sequence2)))
         (n (- end1 start1))
         (found nil))
    (loop for i from start2 to (- end2 n)
          do (when (loop for k from 0 below n
                         always (satisfies-test (apply-key key (seq-ref sequence1 (+ start1 k)))
                                                (seq-ref sequence2 (+ i k)) test test-not key))
               (setq found i)
               (unless from-end (return))))
    found))

(defun mismatch (sequence1 sequence2 &key from-end test test-not key (start1 0) end1
                                          (start2 0) end2)
  (let* ((end1 (or end1 (length sequence1)))
         (end2 (or end2 (length sequence2)))
         (n1 (- end1 start1)) (n2 (- end2 start2)))
    (if from-end
        (loop for k from 1 to (min n1 n2)
              do (unless (satisfies-test (apply-key key (seq-ref sequence1 (- end1 k)))
                                         (seq-ref sequence2 (- end2 k)) test test-not key)
                   (return (- end1 k -1)))
              finally (return (if (= n1 n2) nil (- end1 (min n1 n2)))))
        (loop for k from 0 below (min n1 n2)
              do (unless (satisfies-test (apply-key key (seq-ref sequence1 (+ start1 k)))
                                         (seq-ref sequence2 (+ start2 k)) test test-not key)
                   (return (+ start1 k)))
              finally (return (if (= n1 n2) nil (+ start1 (min n1 n2))))))))

;;; Modification

(defun fill (sequence item &key (start 0) end)
  (if (listp sequence)
      (let ((l (nthcdr start sequence)) (i start))
        (loop while (and (consp l) (or (null end) (< i end)))
              do (rplaca l item) (setq l (cdr l) i (+ i 1))))
      (loop for i from start below (or end (length sequence))
            do (setf (aref sequence i) item)))
  sequence)

(defun replace (sequence1 sequence2 &key (start1 0) end1 (start2 0) end2)
  (let* ((end1 (or end1 (length sequence1)))
         (end2 (or end2 (length sequence2)))
         (n (min (- end1 start1) (- end2 start2)))
         (source (if (and (eq sequence1 sequence2) (> start1 start2))
                     (subseq sequence2 start2 (+ start2 n))
                     sequence2))
         (offset (if (eq source sequence2) start2 0)))
    (if (and (vectorp sequence1) (vectorp source))
        (dotimes (k n) (setf (aref sequence1 (+ start1 k)) (aref source (+ offset k))))
        (dotimes (k n)
          (let ((x (seq-ref source (+ offset k))))
            (if (listp sequence1)
                (rplaca (nthcdr (+ start1 k) sequence1) x)
                (setf (aref sequence1 (+ start1 k)) x)))))
    sequence1))

;;; Mapping and combining

(defun concatenate (result-type &rest sequences)
  (if (type-name-is result-type "LIST")
      (let ((result '()))
        (dolist (s sequences)
          (if (listp s)
              (dolist (x s) (push x result))
              (dotimes (i (length s)) (push (aref s i) result))))
        (nreverse-list result))
      (let* ((n (let ((total 0)) (dolist (s sequences total) (setq total (+ total (length s))))))
             (result (make-sequence result-type n))
             (i 0))
        (dolist (s sequences)
          (if (listp s)
              (dolist (x s) (setf (aref result i) x) (setq i (+ i 1)))
              (dotimes (k (length s)) (setf (aref result i) (aref s k)) (setq i (+ i 1)))))
        result)))

(defun map (result-type function sequence &rest more-sequences)
  (let ((results '())
        (n (let ((m (length sequence)))
             (dolist (s more-sequences m) (setq m (min m (length s)))))))
    (if (and (null more-sequences) (listp sequence))
        (dolist (x sequence) (push (funcall function x) results))
        (dotimes (i n)
          (push (apply function (seq-ref sequence i)
                       (mapcar (lambda (s) (seq-ref s i)) more-sequences))
                results)))
    (if result-type
        (list-to-sequence (nreverse-list results) result-type)
        nil)))

(defun map-into (result function &rest sequences)
  (let ((n (length result)))
    (dolist (s sequences) (setq n (min n (length s))))
    (dotimes (i n result)
      (let ((x (apply function (mapcar (lambda (s) (seq-ref s i)) sequences))))
        (if (listp result) (rplaca (nthcdr i result) x) (setf (aref result i) x))))))

(defun every (predicate sequence &rest more)
  (if (and (null more) (listp sequence))
      (dolist (x sequence t) (unless (funcall predicate x) (return nil)))
      (let ((n (length sequence)))
        (dolist (s more) (setq n (min n (length s))))
        (dotimes (i n t)
          (unless (apply predicate (seq-ref sequence i) (mapcar (lambda (s) (seq-ref s i)) more))
            (return nil))))))

(defun some (predicate sequence &rest more)
  (if (and (null more) (listp sequence))
      (dolist (x sequence nil) (let ((v (funcall predicate x))) (when v (return v))))
      (let ((n (length sequence)))
        (dolist (s more) (setq n (min n (length s))))
        (dotimes (i n nil)
          (let ((v (apply predicate (seq-ref sequence i)
                          (mapcar (lambda (s) (seq-ref s i)) more))))
            (when v (return v)))))))

(defun notany (predicate sequence &rest more)
  (not (apply #'some predicate sequence more)))

(defun notevery (predicate sequence &rest more)
  (not (apply #'every predicate sequence more)))

(defun reduce (function sequence &key key from-end (start 0) end
                                      (initial-value nil initial-value-p))
  (let* ((items (if (listp sequence) (nthcdr start sequence) nil))
         (elements (if (listp sequence)
                       (if end (subseq items 0 (- end start)) items)
                       (map 'list #'identity (subseq sequence start end)))))
    (when key (setq elements (mapcar key elements)))
    (when from-end (setq elements (reverse elements)))
    (cond ((and (null elements) initial-value-p) initial-value)
          ((null elements) (funcall function))
          (t (let ((acc (if initial-value-p initial-value (pop elements))))
               (dolist (x elements acc)
                 (setq acc (if from-end (funcall function x acc) (funcall function acc x)))))))))

;;; Sorting: a stable merge sort on conses (no allocation but one head cell); vectors
;;; by a bottom-up merge sort in place with one scratch vector.

(defun merge-sorted (a b predicate key head)
  (let ((tail head))
    (loop (cond ((null a) (rplacd tail b) (return))
                ((null b) (rplacd tail a) (return))
                ((funcall predicate (apply-key key (car b)) (apply-key key (car a)))
                 (rplacd tail b) (setq tail b b (cdr b)))
                (t (rplacd tail a) (setq tail a a (cdr a)))))
    (cdr head)))

(defun merge-sort-list (list n predicate key head)
  "Sort the first N (> 0) cells of LIST: (values sorted-list rest-of-list)."
  (if (= n 1)
      (let ((rest (cdr list)))
        (rplacd list nil)
        (values list rest))
      (let ((half (floor n 2)))
        (multiple-value-bind (a rest) (merge-sort-list list half predicate key head)
          (multiple-value-bind (b rest2) (merge-sort-list rest (- n half) predicate key head)
            (values (merge-sorted a b predicate key head) rest2))))))

(defun stable-sort (sequence predicate &key key)
  (if (listp sequence)
      (if (null sequence)
          nil
          (values (merge-sort-list sequence (length sequence) predicate key (cons nil nil))))
      (sort-vector sequence predicate key)))

(defun merge-runs (source target low middle high predicate key)
  "Merge the sorted runs SOURCE[LOW, MIDDLE) and SOURCE[MIDDLE, HIGH) into TARGET,
taking from the left run on ties (stability)."
  (let ((i low) (j middle) (k low))
    (loop while (< k high)
          do (if (and (< i middle)
                      (or (>= j high)
                          (not (funcall predicate (apply-key key (aref source j))
                                        (apply-key key (aref source i))))))
                 (progn (setf (aref target k) (aref source i)) (setq i (+ i 1)))
                 (progn (setf (aref target k) (aref source j)) (setq j (+ j 1))))
             (setq k (+ k 1)))))

(defun sort-vector (vector predicate key)
  "Bottom-up stable merge sort in place, with one scratch vector."
  (let* ((n (length vector)) (from vector) (to (make-array n)) (width 1))
    (loop while (< width n)
          do (let ((low 0))
               (loop while (< low n)
                     do (merge-runs from to low (min (+ low width) n) (min (+ low width width) n)
                                    predicate key)
                        (setq low (+ low width width))))
             (let ((swap from)) (setq from to to swap))
             (setq width (* 2 width)))
    (unless (eq from vector)
      (dotimes (i n) (setf (aref vector i) (aref from i))))
    vector))

(defun sort (sequence predicate &key key)
  (stable-sort sequence predicate :key key))

(defun merge (result-type sequence1 sequence2 predicate &key key)
  (let ((a (if (listp sequence1) sequence1 (map 'list #'identity sequence1)))
        (b (if (listp sequence2) sequence2 (map 'list #'identity sequence2))))
    (list-to-sequence (merge-sorted a b predicate key (cons nil nil)) result-type)))
