;;; covers: handler-case, define-condition, condition-report, error, ignore-errors, loop-from, loop-finally, loop-into, multiple-value-bind, loop-do, loop-return, parse-integer, unwind-protect, incf
;;; Retrying flaky operations: handler-case inside loops, counting attempts and cleanups.
(define-condition transient-error (error)
  ((attempt :initarg :attempt :reader attempt))
  (:report (lambda (c s) (format s "transient failure on attempt ~d" (attempt c)))))
(defvar *cleanups* 0)
(defun flaky (succeed-on)
  (let ((n 0))
    (lambda ()
      (incf n)
      (unwind-protect
           (if (< n succeed-on) (error 'transient-error :attempt n) (* n 100))
        (incf *cleanups*)))))
(defun with-retries (thunk max)
  (loop for attempt from 1 to max
        do (handler-case (return (list :ok (funcall thunk) :attempts attempt))
             (transient-error (c) (format t "  ~a~%" c)))
        finally (return (list :gave-up :attempts max))))
(format t "~s~%" (with-retries (flaky 1) 5))
(format t "~s~%" (with-retries (flaky 3) 5))
(format t "~s~%" (with-retries (flaky 9) 3))
(format t "cleanups: ~d~%" *cleanups*)
(defun parse-all (strings)
  (loop for s in strings
        for n = (ignore-errors (parse-integer s))
        when n collect n into good
        unless n collect s into bad
        finally (return (values good bad))))
(multiple-value-bind (good bad) (parse-all '("1" "x2" "30" "" "-4" "5 5"))
  (format t "good ~a bad ~s~%" good bad))
