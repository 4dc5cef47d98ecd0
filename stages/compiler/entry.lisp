;;;; The compiler's entry points when it runs as a Wasm module (stage 1 and later):
;;;; the compile_form export (docs/abi.md) calls %compile-form-export with the source
;;;; text and returns the module's bytes (null on failure; the reasons are printed).
(in-package "WASMBOOT-COMPILER")

(defun %compile-form-export (text)
  (let ((bytes (compile-form-text text)))
    (finish-output)
    bytes))
