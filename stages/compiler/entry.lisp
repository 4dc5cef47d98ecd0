;;;; The compiler's entry points when it runs as a Wasm module (stage 1 and later),
;;;; behind the exports of docs/abi.md:
;;;; - compile_form: %compile-form-export gets the source text, returns the module's
;;;;   bytes (nil = null on failure; the reasons are printed);
;;;; - compile_all: %compile-all-export gets the request of docs/build.md (TAB-separated
;;;;   lines: context / compile / link) and returns 0, 1 or 2.
;;;; Artifacts are the compiler's textual format: the module's source text. A compile
;;;; record runs the front end (reading, macroexpansion, conversion) on the module after
;;;; its context modules, for its per-form results; the link compiles the artifacts
;;;; together into the module (the whole-program step: tree shaking needs every module).
(in-package "WASMBOOT-COMPILER")

(defun %compile-form-export (text)
  (let ((bytes (compile-form-text text)))
    (finish-output)
    bytes))

(defun split-string (string separator)
  (let ((parts nil) (start 0))
    (loop
      (let ((end (position separator string :start start)))
        (push (subseq string start (or end (length string))) parts)
        (if end (setq start (+ end 1)) (return (nreverse parts)))))))

(defun write-text-file (path text)
  (with-open-file (out path :direction :output :if-exists :supersede)
    (write-string text out)))

(defun write-results (path results)
  (with-open-file (out path :direction :output :if-exists :supersede)
    (dolist (res results)
      (format out "~a	~a	~d	~d	~a	~a~%"
              (string-downcase (symbol-name (result-status res)))
              (result-file res) (result-line res) (result-column res)
              (let ((n (result-name res))) (if (equal n "") "-" n))
              (or (result-reason res) "")))))

(defun compile-record (contexts name source artifact results-path)
  "Front end on SOURCE after CONTEXTS; writes ARTIFACT and RESULTS-PATH; 0 or 1."
  (declare (ignore name))
  (init-compiler-state)
  (when *include-library*
    (dolist (f (library-files)) (process-file f t)))
  (dolist (c contexts) (process-file c t))
  (let ((n (length *results*))
        (text (read-source-text source)))
    (process-file source nil text)
    (let ((results (nthcdr n (reverse *results*))))
      (write-text-file artifact text)
      (write-results results-path results)
      (dolist (res results)
        (when (eq (result-status res) :failed)
          (format t "~a:~d:~d: ~a~%" (result-file res) (result-line res)
                  (result-column res) (result-reason res))))
      (if (some (lambda (res) (eq (result-status res) :failed)) results) 1 0))))

(defun link-record (output artifacts)
  "Compile the artifacts (source texts) together into the module OUTPUT; 0 or 1."
  (multiple-value-bind (bytes results failed)
      (compile-sources (mapcar (lambda (a) (cons a (read-source-text a))) artifacts))
    (declare (ignore results))
    (with-open-file (out output :direction :output :if-exists :supersede
                                :element-type '(unsigned-byte 8))
      (write-sequence bytes out))
    (if (> failed 0) 1 0)))

(defun %compile-all-export (request)
  (let ((status 0) (contexts nil))
    (handler-case
        (dolist (line (split-string request #\Newline))
          (let* ((fields (split-string line (code-char 9)))
                 (kind (car fields)))
            (cond ((equal kind "context")
                   (setq contexts (append contexts (list (second fields)))))
                  ((equal kind "compile")
                   (setq status (max status (compile-record contexts (second fields)
                                                            (third fields) (fourth fields)
                                                            (fifth fields)))))
                  ((equal kind "link")
                   (setq status (max status (link-record (second fields) (cddr fields)))))
                  (t nil))))
      (error (e)
        (format t "fatal: ~a~%" (one-line (princ-to-string e)))
        (setq status 2)))
    (finish-output)
    status))
