;;; covers: unwind-protect, block, return-from, handler-case, error, go, tagbody, catch, throw
;;; Cleanup forms run on normal exit, return-from, go, throw and errors, in order.
(defvar *log* '())
(defun note (x) (push x *log*))
(defun show-log (label)
  (format t "~a: ~a~%" label (reverse *log*))
  (setq *log* '()))
(format t "value ~a~%" (unwind-protect (progn (note 'body) 'result) (note 'cleanup)))
(show-log "normal")
(block b
  (unwind-protect (progn (note 'body) (return-from b 'x) (note 'no))
    (note 'cleanup)))
(show-log "return-from")
(tagbody
   (unwind-protect (progn (note 'body) (go out))
     (note 'cleanup))
 out (note 'after))
(show-log "go")
(catch 'c
  (unwind-protect
       (unwind-protect (throw 'c 1)
         (note 'inner-cleanup))
    (note 'outer-cleanup)))
(show-log "nested throw")
(handler-case
    (unwind-protect (progn (note 'body) (error "boom"))
      (note 'cleanup))
  (error () (note 'handled)))
(show-log "error")
(format t "~a~%" (unwind-protect 1 2 3))
(let ((n 0))
  (dotimes (i 3)
    (unwind-protect (when (= i 1) (return))
      (incf n)))
  (format t "cleanups run: ~d~%" n))
