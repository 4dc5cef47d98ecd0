;;; Run-time eval on what the SBCL harness of tests/lisp cannot run: stream and
;;; condition macros inside evaluated code, nested backquote in an evaluated defmacro,
;;; errors of evaluated code caught by compiled code; a program whose only eval is a
;;; let binding's init form (it still gets the standard expanders).
(let ((x (eval '(when t (+ 1 2))))) (print x) (terpri))
(format t "~a~%" (eval '(with-output-to-string (s) (format s "x~ay" 1) (write-string "z" s))))
(format t "~a~%" (eval '(ignore-errors (error "x"))))
(format t "~a~%" (eval '(handler-case (error "boom ~a" 2) (error (e) (format nil "caught ~a" e)))))
(format t "~a~%" (handler-case (eval '(no-such-function 1)) (error () 'undefined)))
(format t "~a~%" (handler-case (eval 'no-such-variable) (error () 'unbound)))
(eval '(defmacro square-of (x &key (times 1)) `(* ,times ,x ,x)))
(format t "~s ~a~%" (macroexpand-1 '(square-of 3 :times 2)) (eval '(square-of 4)))
(defmacro my-push (item place) `(setq ,place (cons ,item ,place)))
(format t "~a~%" (eval '(let ((l nil)) (my-push 1 l) (my-push 2 l) l)))
(format t "~a~%" (mapcar #'macroexpand-1 '((my-push a b) (car x))))
(format t "~a~%" (funcall #'eval '(+ 1 2)))
(eval '(defun eval-fact (n) (if (< n 2) 1 (* n (eval-fact (- n 1))))))
(format t "~a ~a~%" (eval-fact 10) (funcall #'eval-fact 5))
(format t "~a~%" (eval '(macrolet ((double (x) `(* 2 ,x)) (add1 (x) (list '+ x 1)))
                          (let ((n 5)) (add1 (double n))))))
(format t "~a~%" (eval '(flet ((my-push (a b) (list 'shadowed a b))) (my-push 1 2))))
(format t "~a~%" (eval '(progn (declaim (optimize speed)) 'declaimed)))
