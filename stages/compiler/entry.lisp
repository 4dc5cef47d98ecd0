;;;; The compiler's entry points when it runs as a Wasm module (stage 1 and later),
;;;; behind the exports of docs/abi.md:
;;;; - compile_form: %compile-form-export gets the source text, returns the module's
;;;;   bytes (nil = null on failure; the reasons are printed);
;;;; - compile_all: %compile-all-export gets the request of docs/build.md (TAB-separated
;;;;   lines: context / compile / link) and returns 0, 1 or 2.
;;;; An artifact is a module's unit (artifact.lisp): its functions, compiled on their
;;;; own after the front end has read the context modules. The link joins the units,
;;;; keeping what the program reaches (link.lisp); it compiles nothing itself, except the
;;;; library's units when the request names no library module.
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
  "Compile the module SOURCE on its own: the front end reads the library and CONTEXTS
first (for their macros, packages and definitions), then SOURCE is compiled into its
unit, written to ARTIFACT, with its per-form results at RESULTS-PATH. 0 or 1."
  (declare (ignore name))
  (init-compiler-state)
  (let* ((library (library-files))
         (library-p (library-file-p source library)))
    ;; a library module sees the library files before it; any other module all of them
    (let ((*context-only* t))
      (when *include-library*
        (dolist (f (if library-p (ldiff-strings library source) library))
          (process-file f t)))
      (dolist (c contexts)
        (unless (member c library :test #'string=) (process-file c nil))))
    (let ((n (length *results*))
          (unit (compile-unit source library-p)))
      (let ((results (nthcdr n (reverse *results*))))
        (write-artifact unit artifact)
        (write-results results-path results)
        (dolist (res results)
          (when (eq (result-status res) :failed)
            (format t "~a:~d:~d: ~a~%" (result-file res) (result-line res)
                    (result-column res) (result-reason res))))
        (if (some (lambda (res) (eq (result-status res) :failed)) results) 1 0)))))

(defun ldiff-strings (list item)
  "The elements of LIST before ITEM."
  (let ((out nil))
    (dolist (x list)
      (when (string= x item) (return nil))
      (push x out))
    (nreverse out)))

(defun link-record (output artifacts)
  "Link the units of ARTIFACTS (in order) into the module OUTPUT, with the library's
units first when no artifact is a library module. 0."
  (let* ((units (mapcar #'read-artifact artifacts))
         (files (library-files))
         (library (if (some #'unit-library-p units)
                      nil
                      (progn (init-compiler-state) (library-units files nil))))
         (all (append library units)))
    ;; the expanders' unit needs the front end to have read the library
    (when (and (needs-expander-unit-p all) (null library))
      (init-compiler-state)
      (let ((*context-only* t))
        (dolist (f files) (process-file f t))))
    (let ((bytes (link-units-to-module (with-evaluator-units all))))
      (with-open-file (out output :direction :output :if-exists :supersede
                                  :element-type '(unsigned-byte 8))
        (write-sequence bytes out)))
    0))

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
