(print 1)
(print #<bad)
(print 2)
(print (unknown-special-form-user . 3))
(print 3
