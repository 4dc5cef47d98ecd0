;;;; Conses and lists: accessors beyond car/cdr, list construction and copying,
;;;; membership and association (member, assoc, rassoc, adjoin, getf, set operations),
;;;; the mapping functions (mapcar, mapc, mapcan, maplist, mapl) and equal / equalp.
;;;; car, cdr, cons, rplaca, rplacd, list, eq, eql and the type predicates are
;;;; open-coded by the compiler.

(in-package "WASMBOOT-RUNTIME")

;;; Accessors (the compiler may open-code these; they are here for funcall/apply).

(defun caar (x) (car (car x)))
(defun cadr (x) (car (cdr x)))
(defun cdar (x) (cdr (car x)))
(defun cddr (x) (cdr (cdr x)))
(defun caddr (x) (car (cddr x)))
(defun cdddr (x) (cdr (cddr x)))
(defun cadddr (x) (car (cdddr x)))
(defun cddddr (x) (cdr (cdddr x)))
(defun first (x) (car x))
(defun second (x) (car (cdr x)))
(defun third (x) (car (cddr x)))
(defun fourth (x) (car (cdddr x)))
(defun fifth (x) (car (cddddr x)))
(defun rest (x) (cdr x))

(defun endp (x)
  (cond ((null x) t)
        ((consp x) nil)
        (t (error 'type-error :datum x :expected-type 'list))))

(defun nthcdr (n list)
  (loop repeat n while list do (setq list (cdr list)))
  list)

(defun nth (n list) (car (nthcdr n list)))

(defun last (list &optional (n 1))
  (if (= n 1)
      (progn (loop while (consp (cdr list)) do (setq list (cdr list)))
             list)
      (let ((tail list))
        (loop repeat n while (consp tail) do (setq tail (cdr tail)))
        (loop while (consp tail) do (setq tail (cdr tail) list (cdr list)))
        list)))

(defun butlast (list &optional (n 1))
  (let ((len (list-length-dotted list)))
    (if (<= len n)
        nil
        (loop repeat (- len n) for x in list collect x))))

(defun nbutlast (list &optional (n 1))
  (let ((len (list-length-dotted list)))
    (if (<= len n)
        nil
        (progn (rplacd (nthcdr (- len n 1) list) nil) list))))

(defun list-length (list)
  "The length of a proper list, nil for a circular one."
  (let ((n 0) (fast list) (slow list))
    (loop
      (when (endp fast) (return n))
      (when (endp (cdr fast)) (return (+ n 1)))
      (setq fast (cddr fast) slow (cdr slow) n (+ n 2))
      (when (and (eq fast slow) (> n 0)) (return nil)))))

(defun list-length-dotted (list)
  (let ((n 0))
    (loop while (consp list) do (setq n (+ n 1) list (cdr list)))
    n))

(defun list* (arg &rest args)
  (if (null args)
      arg
      (let* ((head (cons arg nil)) (tail head))
        (loop while (cdr args)
              do (let ((cell (cons (car args) nil)))
                   (rplacd tail cell)
                   (setq tail cell args (cdr args))))
        (rplacd tail (car args))
        head)))

(defun make-list (n &key initial-element)
  (let ((result nil))
    (loop repeat n do (setq result (cons initial-element result)))
    result))

(defun copy-list (list)
  (if (atom list)
      list
      (let* ((head (cons (car list) nil)) (tail head))
        (setq list (cdr list))
        (loop while (consp list)
              do (let ((cell (cons (car list) nil)))
                   (rplacd tail cell)
                   (setq tail cell list (cdr list))))
        (rplacd tail list)
        head)))

(defun copy-alist (alist)
  (mapcar (lambda (x) (if (consp x) (cons (car x) (cdr x)) x)) alist))

(defun copy-tree (tree)
  (if (consp tree)
      (cons (copy-tree (car tree)) (copy-tree (cdr tree)))
      tree))

(defun append (&rest lists)
  (cond ((null lists) nil)
        ((null (cdr lists)) (car lists))
        (t (let* ((head (cons nil nil)) (tail head))
             (loop while (cdr lists)
                   do (let ((l (car lists)))
                        (loop while (consp l)
                              do (let ((cell (cons (car l) nil)))
                                   (rplacd tail cell)
                                   (setq tail cell l (cdr l)))))
                      (setq lists (cdr lists)))
             (rplacd tail (car lists))
             (cdr head)))))

(defun nconc (&rest lists)
  (let ((result nil) (tail nil))
    (loop for l in lists
          do (cond ((null l))
                   ((null result) (setq result l tail l))
                   (t (rplacd (last tail) l) (setq tail l))))
    (when (and tail (null result)) (setq result tail))
    result))

(defun revappend (list tail)
  (loop while (consp list) do (setq tail (cons (car list) tail) list (cdr list)))
  tail)

(defun nreconc (list tail)
  (loop while (consp list)
        do (let ((next (cdr list)))
             (rplacd list tail)
             (setq tail list list next)))
  tail)

(defun ldiff (list object)
  (let ((result '()))
    (loop while (and (consp list) (not (eql list object)))
          do (push (car list) result) (setq list (cdr list)))
    (nreverse-list result)))

(defun tailp (object list)
  (loop (when (eql object list) (return t))
        (when (atom list) (return nil))
        (setq list (cdr list))))

(defun nreverse-list (list)
  (let ((result nil))
    (loop while (consp list)
          do (let ((next (cdr list)))
               (rplacd list result)
               (setq result list list next)))
    result))

(defun acons (key datum alist) (cons (cons key datum) alist))

(defun pairlis (keys data &optional alist)
  (loop for k in keys for d in data do (setq alist (acons k d alist)))
  alist)

;;; :test / :test-not / :key handling. (satisfies-test item x test test-not key)
;;; compares ITEM with (KEY X) as CL's two-argument tests do.

(defun apply-key (key x) (if key (funcall key x) x))

(defun satisfies-test (item x test test-not key)
  (let ((k (if key (funcall key x) x)))
    (cond (test (funcall test item k))
          (test-not (not (funcall test-not item k)))
          (t (eql item k)))))

(defun member (item list &key key test test-not)
  (if (and (null key) (null test) (null test-not))
      (loop (when (atom list) (return nil))
            (when (eql item (car list)) (return list))
            (setq list (cdr list)))
      (loop (when (atom list) (return nil))
            (when (satisfies-test item (car list) test test-not key) (return list))
            (setq list (cdr list)))))

(defun member-if (predicate list &key key)
  (loop (when (atom list) (return nil))
        (when (funcall predicate (apply-key key (car list))) (return list))
        (setq list (cdr list))))

(defun member-if-not (predicate list &key key)
  (member-if (complement predicate) list :key key))

(defun assoc (item alist &key key test test-not)
  (dolist (pair alist nil)
    (when (and pair (satisfies-test item (car pair) test test-not key))
      (return pair))))

(defun assoc-if (predicate alist &key key)
  (dolist (pair alist nil)
    (when (and pair (funcall predicate (apply-key key (car pair)))) (return pair))))

(defun rassoc (item alist &key key test test-not)
  (dolist (pair alist nil)
    (when (and pair (satisfies-test item (cdr pair) test test-not key))
      (return pair))))

(defun rassoc-if (predicate alist &key key)
  (dolist (pair alist nil)
    (when (and pair (funcall predicate (apply-key key (cdr pair)))) (return pair))))

(defun adjoin (item list &key key test test-not)
  (if (member (apply-key key item) list :key key :test test :test-not test-not)
      list
      (cons item list)))

(defun getf (plist indicator &optional default)
  (loop (when (atom plist) (return default))
        (when (eq (car plist) indicator) (return (cadr plist)))
        (setq plist (cddr plist))))

(defun union (list1 list2 &key key test test-not)
  (let ((result list2))
    (dolist (x list1)
      (unless (member (apply-key key x) list2 :key key :test test :test-not test-not)
        (push x result)))
    result))

(defun intersection (list1 list2 &key key test test-not)
  (let ((result '()))
    (dolist (x list1)
      (when (member (apply-key key x) list2 :key key :test test :test-not test-not)
        (push x result)))
    result))

(defun set-difference (list1 list2 &key key test test-not)
  (let ((result '()))
    (dolist (x list1)
      (unless (member (apply-key key x) list2 :key key :test test :test-not test-not)
        (push x result)))
    result))

(defun subsetp (list1 list2 &key key test test-not)
  (dolist (x list1 t)
    (unless (member (apply-key key x) list2 :key key :test test :test-not test-not)
      (return nil))))

(defun subst (new old tree &key key test test-not)
  (cond ((satisfies-test old tree test test-not key) new)
        ((atom tree) tree)
        (t (let ((a (subst new old (car tree) :key key :test test :test-not test-not))
                 (d (subst new old (cdr tree) :key key :test test :test-not test-not)))
             (if (and (eq a (car tree)) (eq d (cdr tree)))
                 tree
                 (cons a d))))))

(defun sublis (alist tree &key key test test-not)
  (let ((hit (assoc (apply-key key tree) alist :test test :test-not test-not)))
    (cond (hit (cdr hit))
          ((atom tree) tree)
          (t (let ((a (sublis alist (car tree) :key key :test test :test-not test-not))
                   (d (sublis alist (cdr tree) :key key :test test :test-not test-not)))
               (if (and (eq a (car tree)) (eq d (cdr tree))) tree (cons a d)))))))

;;; Mapping. The one-list cases avoid the &rest machinery.

(defun mapcar (function list &rest more-lists)
  (if (null more-lists)
      (let* ((head (cons nil nil)) (tail head))
        (loop while (consp list)
              do (let ((cell (cons (funcall function (car list)) nil)))
                   (rplacd tail cell)
                   (setq tail cell list (cdr list))))
        (cdr head))
      (let ((lists (cons list more-lists)) (result '()))
        (loop (when (some-atom lists) (return (nreverse-list result)))
              (push (apply function (mapcar #'car lists)) result)
              (setq lists (mapcar #'cdr lists))))))

(defun some-atom (lists)
  (dolist (l lists nil) (when (atom l) (return t))))

(defun mapc (function list &rest more-lists)
  (if (null more-lists)
      (let ((l list))
        (loop while (consp l) do (funcall function (car l)) (setq l (cdr l))))
      (let ((lists (cons list more-lists)))
        (loop (when (some-atom lists) (return))
              (apply function (mapcar #'car lists))
              (setq lists (mapcar #'cdr lists)))))
  list)

(defun mapcan (function list &rest more-lists)
  (apply #'nconc (apply #'mapcar function list more-lists)))

(defun maplist (function list &rest more-lists)
  (let ((lists (cons list more-lists)) (result '()))
    (loop (when (some-atom lists) (return (nreverse-list result)))
          (push (apply function lists) result)
          (setq lists (mapcar #'cdr lists)))))

(defun mapl (function list &rest more-lists)
  (let ((lists (cons list more-lists)))
    (loop (when (some-atom lists) (return list))
          (apply function lists)
          (setq lists (mapcar #'cdr lists)))))

(defun mapcon (function list &rest more-lists)
  (apply #'nconc (apply #'maplist function list more-lists)))

;;; Equality

(defun equal (x y)
  (loop
    (cond ((eql x y) (return t))
          ((consp x)
           (unless (and (consp y) (equal (car x) (car y))) (return nil))
           (setq x (cdr x) y (cdr y)))
          ((stringp x) (return (and (stringp y) (string= x y))))
          (t (return nil)))))

(defun equalp (x y)
  (cond ((eql x y) t)
        ((characterp x) (and (characterp y) (char-equal x y)))
        ((consp x) (and (consp y) (equalp (car x) (car y)) (equalp (cdr x) (cdr y))))
        ((and (vectorp x) (vectorp y))
         (and (= (length x) (length y))
              (dotimes (i (length x) t)
                (unless (equalp (aref x i) (aref y i)) (return nil)))))
        ((and (%struct-name x) (eq (%struct-name x) (%struct-name y)))
         (let ((n (length (%struct-slot-names (%struct-name x)))))
           (dotimes (i n t)
             (unless (equalp (%struct-slot-value x i) (%struct-slot-value y i)) (return nil)))))
        (t nil)))

;;; Functions on functions

(defun identity (x) x)

(defun constantly (value) (lambda (&rest args) (declare (ignore args)) value))

(defun complement (function)
  (lambda (&rest args) (not (apply function args))))
