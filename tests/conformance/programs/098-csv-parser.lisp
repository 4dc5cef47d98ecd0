;;; covers: with-input-from-string, read-char, peek-char, read-line, vector-push-extend, adjustable-vectors, parse-integer, reduce, mapcar, loop-while
;;; A CSV parser with quoted fields and doubled quotes, then a small report.
(defun parse-csv-line (line)
  (let ((fields '())
        (field (make-array 0 :element-type 'character :adjustable t :fill-pointer 0))
        (quoted nil))
    (with-input-from-string (in line)
      (loop for c = (read-char in nil nil)
            while c
            do (cond ((and quoted (char= c #\"))
                      (if (eql (peek-char nil in nil nil) #\")
                          (vector-push-extend (read-char in) field)
                          (setq quoted nil)))
                     ((char= c #\") (setq quoted t))
                     ((and (not quoted) (char= c #\,))
                      (push (copy-seq field) fields)
                      (setf (fill-pointer field) 0))
                     (t (vector-push-extend c field)))))
    (push (copy-seq field) fields)
    (nreverse fields)))
(defvar *csv* "name,qty,note
bolt,10,plain
\"nut, hex\",25,\"says \"\"hi\"\"\"
washer,7,
,0,empty name")
(let ((rows '()))
  (with-input-from-string (in *csv*)
    (read-line in)
    (loop for line = (read-line in nil nil)
          while line
          do (push (parse-csv-line line) rows)))
  (setq rows (nreverse rows))
  (dolist (r rows)
    (format t "~d fields: ~s~%" (length r) r))
  (format t "total qty ~d~%"
          (reduce #'+ (mapcar (lambda (r) (parse-integer (second r))) rows))))
