;;; covers: closures, closure-mutation, catch, throw, block, return-from, tagbody, go, labels, flet, funcall, unwind-protect
;;; Closures that exit non-locally while their establishing forms are still active.
(defun find-with-callback (list pred)
  (block search
    (mapc (lambda (x) (when (funcall pred x) (return-from search (list :found x)))) list)
    :none))
(format t "~a ~a~%" (find-with-callback '(1 4 9) #'evenp) (find-with-callback '(1 3) #'evenp))
(defun each-pair (list fn)
  (loop for tail on list
        do (dolist (y (rest tail)) (funcall fn (first tail) y))))
(defun first-pair-summing-to (list target)
  (catch 'pair
    (each-pair list (lambda (a b) (when (= (+ a b) target) (throw 'pair (list a b)))))
    nil))
(format t "~a ~a~%" (first-pair-summing-to '(3 8 5 12 7) 15) (first-pair-summing-to '(1 2) 10))
(defun count-until-negative (list)
  (let ((count 0))
    (tagbody
       (mapc (lambda (x) (if (minusp x) (go stop) (incf count))) list)
     stop)
    count))
(format t "~d ~d~%" (count-until-negative '(4 5 -1 6)) (count-until-negative '(1 2)))
(let ((cleanups 0))
  (labels ((walk (tree escape)
             (unwind-protect
                  (cond ((eq tree 'bomb) (funcall escape))
                        ((consp tree) (walk (car tree) escape) (walk (cdr tree) escape)))
               (incf cleanups))))
    (format t "~a~%" (block outer (walk '(a (b (bomb c)) d) (lambda () (return-from outer :escaped))) :done))
    (format t "cleanups ~d~%" cleanups)))
(let ((counter 0))
  (flet ((make-incrementer (step) (lambda () (incf counter step))))
    (let ((by1 (make-incrementer 1)) (by10 (make-incrementer 10)))
      (funcall by1) (funcall by10) (funcall by1)
      (format t "~d~%" counter))))
