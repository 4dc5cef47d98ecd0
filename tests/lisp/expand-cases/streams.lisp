;;; with-output-to-string, with-input-from-string, with-open-file.
(with-output-to-string (s) (write-string "abc" s) (write-char #\d s) (format s "~a" 5))
(with-output-to-string (s) (declare (ignorable s)))
(with-input-from-string (s "hello world") (list (read-char s) (read-line s)))
(with-input-from-string (s "abc" :start 1) (read-line s))
(with-input-from-string (s "abcdef" :start 1 :end 3) (read-line s))
(progn (with-open-file (out "/tmp/wasmboot-expand-test.txt" :direction :output :if-exists :supersede) (write-line "line one" out) (write-string "two" out)) (with-open-file (in "/tmp/wasmboot-expand-test.txt") (list (read-line in) (read-line in) (read-line in nil :eof))))
(let ((s nil)) (ignore-errors (with-open-file (x "/tmp/wasmboot-expand-test.txt") (setq s x) (error "inside"))) (open-stream-p s))
