;;;; The compiler's package. Every file of the compiler (stages/compiler/) is in it.
(defpackage "WASMBOOT-COMPILER"
  (:use "COMMON-LISP"))
