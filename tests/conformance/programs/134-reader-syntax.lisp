;;; covers: quote, function, symbols, keywords, characters, strings, integers, simple-vectors, conses, symbol-name, char-code
;;; Reader syntax: radix integers, character names, block comments, escapes, dotted
;;; pairs, package prefixes and escaped symbol names.
#| A block comment
   spanning lines, with (unbalanced parentheses and "quotes" inside. |#
(format t "~d ~d ~d ~d~%" #x1F #b101 #o17 #xff)
(format t "~d ~d ~d~%" +5 -0 -17)
(format t "~d ~d ~d~%" (char-code #\Space) (char-code #\Newline) (char-code #\a))
(format t "~s ~s ~s~%" #\( #\) #\;)
(format t "~a~%" "semicolon ; inside a string")
(format t "~s~%" "tab-free \"escaped\" and \\ backslash")
(format t "~a~%" (length "\\\""))
(format t "~s~%" '(a . b))
(format t "~s~%" '(a b . (c d)))
(format t "~s~%" '#(1 (2) "3"))
(format t "~a~%" (eq 'cl:car 'car))
(format t "~a~%" (eq 'common-lisp:list 'list))
(format t "~a~%" (eq :kw (intern "KW" :keyword)))
(format t "~a~%" (symbol-name '|lower case|))
(format t "~a~%" (symbol-name 'MiXeD))
(format t "~a~%" (symbol-name 'a\b))
(format t "~a~%" (length (symbol-name '|a b c|)))
(format t "~a~%" (funcall #'(lambda (x) (* x 2)) 21))
(format t "~a~%" (car '(#| inline comment |# first second)))
(format t "~a~%" '(1 ; a line comment inside a form
                   2))
