;;;; Streams: fd streams over the %host-* primitives (buffered: output reaches the
;;;; host one buffer at a time, flushed when full, by finish-output/force-output, by
;;;; close, before stdin is read and by %shutdown), string output and input streams,
;;;; the standard streams, open/close, and the character and byte I/O functions:
;;;; read-char peek-char unread-char read-line read-sequence read-byte write-char write-string
;;;; write-line write-byte write-sequence terpri fresh-line finish-output
;;;; force-output clear-output make-string-output-stream get-output-stream-string
;;;; make-string-input-stream file-length streamp open-stream-p, and %shutdown.

(in-package "WASMBOOT-RUNTIME")

(defconstant +buffer-size+ 4096)

(defstruct (stream (:constructor %make-stream) (:predicate streamp) (:copier nil))
  (kind :string-output)   ; :fd-output :fd-input :string-output :string-input :measure
  (fd -1)
  (buffer nil)            ; output: a string (fd: fixed size; string stream: growing)
  (fill 0)                ; output: characters used in BUFFER
  (bytes nil)             ; fd output of octets: a byte buffer
  (input nil)             ; input: the string being read (fd input: nil until loaded)
  (index 0)               ; input: next position in INPUT
  (end 0)                 ; input: end of INPUT
  (column 0)              ; output: column of the next character
  (pushback nil)          ; fd input read char by char (stdin): an unread character
  (open t)
  (pathname nil)
  (binary nil))           ; fd input opened with element-type (unsigned-byte 8): octets

(defun make-fd-output-stream (fd &optional pathname)
  (%make-stream :kind :fd-output :fd fd :buffer (make-string +buffer-size+)
                :pathname pathname))

(defun make-fd-input-stream (fd &optional pathname)
  (%make-stream :kind :fd-input :fd fd :pathname pathname))

(defvar *stdout* (make-fd-output-stream 1))
(defvar *stderr* (make-fd-output-stream 2))
(defvar *stdin* (make-fd-input-stream 0))
(defvar *standard-output* *stdout*)
(defvar *error-output* *stderr*)
(defvar *standard-input* *stdin*)
(defvar *terminal-io* *stdout*)
(defvar *trace-output* *stdout*)
(defvar *debug-io* *stdout*)
(defvar *query-io* *stdout*)

(defun output-stream (designator)
  (cond ((null designator) *standard-output*)
        ((eq designator t) *standard-output*)
        (t designator)))

(defun input-stream (designator)
  (cond ((null designator) *standard-input*)
        ((eq designator t) *standard-input*)
        (t designator)))

(defun open-stream-p (stream) (stream-open stream))

(defun stream-host-error (stream errno)
  (error 'stream-error :stream stream)
  errno)

;;; Output

(defun flush-stream (stream)
  "Send the buffered characters and octets of an fd output stream to the host."
  (when (eq (stream-kind stream) :fd-output)
    (let ((n (stream-fill stream)))
      (when (> n 0)
        (setf (stream-fill stream) 0)
        (let ((errno (%host-write-string (stream-fd stream) (stream-buffer stream) 0 n)))
          (when errno (stream-host-error stream errno)))))
    (let ((bytes (stream-bytes stream)))
      (when (and bytes (> (fill-pointer bytes) 0))
        (let ((errno (%host-write-bytes (stream-fd stream) bytes 0 (fill-pointer bytes))))
          (setf (fill-pointer bytes) 0)
          (when errno (stream-host-error stream errno))))))
  nil)

(defun flush-standard-output ()
  (flush-stream *stdout*)
  (flush-stream *stderr*))

(defun put-char (char stream)
  "Append CHAR to an output stream's buffer, flushing an fd stream's full buffer."
  (let ((kind (stream-kind stream)))
    (cond ((eq kind :fd-output)
           (when (= (stream-fill stream) +buffer-size+) (flush-stream stream))
           (setf (char (stream-buffer stream) (stream-fill stream)) char)
           (setf (stream-fill stream) (+ (stream-fill stream) 1)))
          ((eq kind :string-output)
           (let ((buffer (stream-buffer stream)) (n (stream-fill stream)))
             (when (= n (length buffer))
               (let ((bigger (make-string (* 2 (max 16 n)))))
                 (replace bigger buffer)
                 (setf (stream-buffer stream) bigger)
                 (setq buffer bigger)))
             (setf (char buffer n) char)
             (setf (stream-fill stream) (+ n 1))))
          ((eq kind :measure) (measure-output stream 1))
          (t (error 'simple-error :format-control "~S is not an output stream"
                                  :format-arguments (list stream))))
    (if (char= char #\Newline)
        (setf (stream-column stream) 0)
        (setf (stream-column stream) (+ (stream-column stream) 1)))
    char))

(defun put-string (string start end stream)
  "Append STRING[START, END) to an output stream: whole runs are copied into the
buffer, the column is updated once."
  (let ((kind (stream-kind stream)))
    (cond ((eq kind :fd-output)
           (let ((i start))
             (loop while (< i end)
                   do (when (= (stream-fill stream) +buffer-size+) (flush-stream stream))
                      (let* ((buffer (stream-buffer stream))
                             (fill (stream-fill stream))
                             (n (min (- end i) (- +buffer-size+ fill))))
                        (dotimes (k n)
                          (setf (char buffer (+ fill k)) (char string (+ i k))))
                        (setf (stream-fill stream) (+ fill n))
                        (setq i (+ i n))))))
          ((eq kind :string-output)
           (let* ((fill (stream-fill stream))
                  (needed (+ fill (- end start)))
                  (buffer (stream-buffer stream)))
             (when (> needed (length buffer))
               (let ((bigger (make-string (max needed (* 2 (length buffer))))))
                 (dotimes (k fill) (setf (char bigger k) (char buffer k)))
                 (setf (stream-buffer stream) bigger)
                 (setq buffer bigger)))
             (dotimes (k (- end start))
               (setf (char buffer (+ fill k)) (char string (+ start k))))
             (setf (stream-fill stream) needed)))
          ((eq kind :measure) (measure-output stream (- end start)))
          (t (dotimes (k (- end start)) (put-char (char string (+ start k)) stream))
             (return-from put-string string)))
    ;; the column after the text
    (let ((i (- end 1)))
      (loop (cond ((< i start)
                   (setf (stream-column stream) (+ (stream-column stream) (- end start)))
                   (return))
                  ((char= (char string i) #\Newline)
                   (setf (stream-column stream) (- end i 1))
                   (return)))
            (setq i (- i 1))))
    string))

(defun trim-trailing-spaces (stream)
  "Drop the spaces at the end of an output stream's buffered text."
  (when (member (stream-kind stream) '(:fd-output :string-output))
    (let ((buffer (stream-buffer stream)))
      (loop while (and (> (stream-fill stream) 0)
                       (char= (char buffer (- (stream-fill stream) 1)) #\Space))
            do (setf (stream-fill stream) (- (stream-fill stream) 1))
               (setf (stream-column stream) (- (stream-column stream) 1))))))

(defun measure-output (stream n)
  "A :measure stream (the pretty printer's) only counts; past its limit (kept in END)
it stops the printing by a throw."
  (let ((fill (+ (stream-fill stream) n)))
    (setf (stream-fill stream) fill)
    (when (> fill (stream-end stream))
      (throw 'measure-overflow nil))))

(defun write-char (char &optional stream)
  (put-char char (output-stream stream)))

(defun write-string (string &optional stream &key (start 0) end)
  (let ((stream (output-stream stream))
        (end (or end (length string))))
    (if (and (eq (stream-kind stream) :fd-output) (> (- end start) +buffer-size+))
        ;; a long string goes to the host directly
        (progn
          (flush-stream stream)
          (let ((errno (%host-write-string (stream-fd stream) string start end)))
            (when errno (stream-host-error stream errno)))
          (let ((nl (position #\Newline string :start start :end end :from-end t)))
            (setf (stream-column stream)
                  (if nl (- end nl 1) (+ (stream-column stream) (- end start))))))
        (put-string string start end stream))
    string))

(defun write-line (string &optional stream &key (start 0) end)
  (let ((stream (output-stream stream)))
    (write-string string stream :start start :end end)
    (put-char #\Newline stream)
    string))

(defun terpri (&optional stream)
  (put-char #\Newline (output-stream stream))
  nil)

(defun fresh-line (&optional stream)
  (let ((stream (output-stream stream)))
    (if (= (stream-column stream) 0)
        nil
        (progn (put-char #\Newline stream) t))))

(defun finish-output (&optional stream)
  (flush-stream (output-stream stream))
  nil)

(defun force-output (&optional stream)
  (flush-stream (output-stream stream))
  nil)

(defun clear-output (&optional stream)
  (declare (ignore stream))
  nil)

(defun write-byte (byte stream)
  (unless (eq (stream-kind stream) :fd-output)
    (error 'simple-error :format-control "~S is not a binary output stream"
                         :format-arguments (list stream)))
  (unless (stream-bytes stream)
    (setf (stream-bytes stream) (make-array +buffer-size+ :fill-pointer 0)))
  (when (> (stream-fill stream) 0) (flush-stream stream))
  (let ((bytes (stream-bytes stream)))
    (when (= (fill-pointer bytes) +buffer-size+) (flush-stream stream))
    (vector-push byte bytes))
  byte)

(defun write-sequence (sequence stream &key (start 0) end)
  (let ((stream (output-stream stream)))
    (if (stringp sequence)
        (write-string sequence stream :start start :end end)
        (let ((end (or end (length sequence))))
          (loop for i from start below end
                do (let ((x (elt sequence i)))
                     (if (characterp x) (put-char x stream) (write-byte x stream))))))
    sequence))

(defun make-string-output-stream (&key element-type)
  (declare (ignore element-type))
  (%make-stream :kind :string-output :buffer (make-string 64)))

(defun get-output-stream-string (stream)
  (let ((result (subseq (stream-buffer stream) 0 (stream-fill stream))))
    (setf (stream-fill stream) 0)
    (setf (stream-column stream) 0)
    result))

;;; Input

(defun make-string-input-stream (string &optional (start 0) end)
  (%make-stream :kind :string-input :input string :index start
                :end (or end (length string))))

(defun load-fd-input (stream)
  "Give an fd input stream its contents (files are read whole on first use)."
  (when (and (null (stream-input stream)) (/= (stream-fd stream) 0))
    ;; a binary stream's INPUT holds one character per octet (codes 0-255)
    (let ((text (if (stream-binary stream)
                    (%host-read-bytes (stream-fd stream))
                    (%host-read-all (stream-fd stream)))))
      (when (integerp text) (stream-host-error stream text))
      (setf (stream-input stream) text)
      (setf (stream-index stream) 0)
      (setf (stream-end stream) (length text)))))

(defun stdin-stream-p (stream)
  (and (eq (stream-kind stream) :fd-input) (= (stream-fd stream) 0)))

(defun next-char (stream)
  "The next character of an input stream, or nil at its end."
  (cond ((stdin-stream-p stream)
         (let ((c (stream-pushback stream)))
           (if c
               (progn (setf (stream-pushback stream) nil) c)
               (progn
                 (flush-standard-output)
                 (let ((r (%host-read-char 0)))
                   (cond ((characterp r) r)
                         ((eq r :eof) nil)
                         (t (stream-host-error stream r) nil)))))))
        ((member (stream-kind stream) '(:string-input :fd-input))
         (load-fd-input stream)
         (let ((i (stream-index stream)))
           (if (< i (stream-end stream))
               (progn (setf (stream-index stream) (+ i 1))
                      (char (stream-input stream) i))
               nil)))
        (t (error 'simple-error :format-control "~S is not an input stream"
                                :format-arguments (list stream)))))

(defun eof-result (stream eof-error-p eof-value)
  (if eof-error-p
      (error 'end-of-file :stream stream)
      eof-value))

(defun read-char (&optional stream (eof-error-p t) eof-value recursive-p)
  (declare (ignore recursive-p))
  (let* ((stream (input-stream stream))
         (c (next-char stream)))
    (if c c (eof-result stream eof-error-p eof-value))))

(defun unread-char (char &optional stream)
  (let ((stream (input-stream stream)))
    (if (stdin-stream-p stream)
        (setf (stream-pushback stream) char)
        (setf (stream-index stream) (- (stream-index stream) 1)))
    nil))

(defun peek-char (&optional peek-type stream (eof-error-p t) eof-value recursive-p)
  (declare (ignore recursive-p))
  (let ((stream (input-stream stream)))
    (loop
      (let ((c (next-char stream)))
        (cond ((null c) (return (eof-result stream eof-error-p eof-value)))
              ((or (null peek-type)
                   (and (eq peek-type t) (not (whitespace-char-p c)))
                   (and (characterp peek-type) (char= c peek-type)))
               (unread-char c stream)
               (return c)))))))

(defun read-line (&optional stream (eof-error-p t) eof-value recursive-p)
  "(values line missing-newline-p)"
  (declare (ignore recursive-p))
  (let ((stream (input-stream stream)))
    (cond ((and (stdin-stream-p stream) (null (stream-pushback stream)))
           (flush-standard-output)
           (let ((r (%host-read-line 0)))
             (cond ((stringp r) (values r nil))
                   ((eq r :eof) (values (eof-result stream eof-error-p eof-value) t))
                   (t (stream-host-error stream r)))))
          ((and (member (stream-kind stream) '(:string-input :fd-input))
                (not (stdin-stream-p stream)))
           (read-line-from-string stream eof-error-p eof-value))
          (t
           ;; stdin after an unread-char: character by character
           (let ((c (next-char stream)))
             (if (null c)
                 (values (eof-result stream eof-error-p eof-value) t)
                 (let ((out (make-string-output-stream)))
                   (loop
                     (cond ((null c) (return (values (get-output-stream-string out) t)))
                           ((char= c #\Newline)
                            (return (values (get-output-stream-string out) nil)))
                           (t (put-char c out)))
                     (setq c (next-char stream))))))))))

(defun read-line-from-string (stream eof-error-p eof-value)
  "read-line on a stream whose whole input is a string: one subseq per line."
  (load-fd-input stream)
  (let ((start (stream-index stream)) (end (stream-end stream)))
    (if (>= start end)
        (values (eof-result stream eof-error-p eof-value) t)
        (let ((newline (position #\Newline (stream-input stream) :start start :end end)))
          (setf (stream-index stream) (if newline (+ newline 1) end))
          (values (subseq (stream-input stream) start (or newline end)) (null newline))))))

(defun read-sequence (sequence stream &key (start 0) end)
  (let ((end (or end (length sequence))) (i start) (binary (stream-binary stream)))
    (loop while (< i end)
          do (let ((c (next-char stream)))
               (unless c (return))
               (when binary (setq c (char-code c)))
               (if (listp sequence)
                   (rplaca (nthcdr i sequence) c)
                   (setf (aref sequence i) c))
               (setq i (+ i 1))))
    i))

(defun read-byte (stream &optional (eof-error-p t) eof-value)
  (let ((c (next-char stream)))
    (if c
        (char-code c)
        (eof-result stream eof-error-p eof-value))))

(defun listen (&optional stream)
  (let ((stream (input-stream stream)))
    (and (not (stdin-stream-p stream))
         (progn (load-fd-input stream) (< (stream-index stream) (stream-end stream))))))

;;; Files

(defun open (filename &key (direction :input) (element-type 'character)
                           (if-exists nil if-exists-p)
                           (if-does-not-exist nil if-does-not-exist-p)
                           external-format)
  (declare (ignore external-format))
  (let* ((path (if (stringp filename) filename (string filename)))
         (output (eq direction :output))
         (if-exists (if if-exists-p if-exists :error))
         (if-does-not-exist (if if-does-not-exist-p if-does-not-exist
                                (if output :create :error)))
         (fd (progn
               (unless (member if-exists '(:error :supersede nil :new-version :overwrite))
                 (error 'simple-error :format-control "open: :if-exists ~S is not supported"
                                      :format-arguments (list if-exists)))
               nil))
         (fd (%host-open path (if output "output" "input")
                         (if (eq if-exists :error) "error" "supersede")
                         (if (eq if-does-not-exist :create) "create" "error"))))
    (if (< fd 0)
        (if (or (and (not output) (null if-does-not-exist) (= fd -2))
                (and output (null if-exists) (= fd -17)))
            nil
            (error 'simple-file-error :pathname path
                                      :format-control "cannot open ~A: ~A"
                                      :format-arguments (list path (or (%host-strerror)
                                                                       (- fd)))))
        (if output
            (make-fd-output-stream fd path)
            (let ((stream (make-fd-input-stream fd path)))
              (setf (stream-binary stream) (not (member element-type '(character base-char))))
              stream)))))

(defun close (stream &key abort)
  (declare (ignore abort))
  (when (stream-open stream)
    (when (eq (stream-kind stream) :fd-output) (flush-stream stream))
    (setf (stream-open stream) nil)
    (when (and (member (stream-kind stream) '(:fd-output :fd-input)) (> (stream-fd stream) 2))
      (let ((errno (%host-close (stream-fd stream))))
        (when errno (stream-host-error stream errno)))))
  t)

(defun file-length (stream)
  (load-fd-input stream)
  (stream-end stream))

(defun %shutdown ()
  "Flush the standard streams at the end of the program."
  (flush-standard-output)
  nil)
