(print (* 2147483647 2147483647))
(print (+ 4611686018427387903 1))
(print 'not-reached)
