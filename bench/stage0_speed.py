"""Stage 0 speed against SBCL: prints a table of CPU-heavy Lisp workloads.

    python bench/stage0_speed.py [--repeat N]

Each workload is a Lisp program that times its own work with get-internal-run-time (CPU time)
and prints the milliseconds, so neither SBCL's nor Python's start-up is counted. The
last row (when stages/compiler/modules.txt exists and loads) runs the embedded compiler
on a small program under stage 0 and under SBCL.
"""
import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

TIMER = """
(defmacro timed (&body body)
  `(let ((start (get-internal-run-time)))
     (let ((result (progn ,@body)))
       (format t "result ~a~%ms ~d~%" result
               (floor (* 1000 (- (get-internal-run-time) start))
                      internal-time-units-per-second)))))
"""

WORKLOADS = {
    "fib 27 (calls, arithmetic)": """
(defun fib (n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))
(timed (fib 27))
""",
    "lists: sort + hash tables": """
(defun lcg (x) (mod (+ (* x 1103515245) 12345) 2147483648))
(defun work ()
  (let ((h (make-hash-table :test 'equal)) (total 0) (x 1))
    (dotimes (round 20)
      (let ((l nil))
        (dotimes (i 2000) (setq x (lcg x)) (push (mod x 10000) l))
        (setq l (sort l #'<))
        (dolist (v l) (incf (gethash (list (mod v 97) (mod v 13)) h 0)))
        (incf total (reduce #'+ (mapcar (lambda (v) (* v 2)) (remove-if #'oddp l))))))
    (+ total (hash-table-count h))))
(timed (work))
""",
    "strings: build + search": """
(defun work ()
  (let ((count 0))
    (dotimes (k 300)
      (let ((s (make-array 0 :element-type 'character :adjustable t :fill-pointer 0)))
        (dotimes (i 200)
          (vector-push-extend (code-char (+ 97 (mod (* i k) 26))) s))
        (let ((str (coerce s 'simple-string)))
          (dotimes (i (length str))
            (when (char= (char str i) #\\a) (incf count)))
          (when (search "abc" str) (incf count))
          (incf count (length (string-upcase (subseq str 0 50))))
          (incf count (length (format nil "~a-~d" (subseq str 0 10) k))))))
    count))
(timed (work))
""",
    "closures + loop + structs": """
(defstruct node value left right)
(defun insert (tree v)
  (if (null tree) (make-node :value v)
      (progn (if (< v (node-value tree))
                 (setf (node-left tree) (insert (node-left tree) v))
                 (setf (node-right tree) (insert (node-right tree) v)))
             tree)))
(defun walk (tree f) (when tree (walk (node-left tree) f) (funcall f (node-value tree)) (walk (node-right tree) f)))
(defun work ()
  (let ((tree nil) (x 7) (sum 0))
    (loop repeat 20000 do (setq x (mod (+ (* x 31) 17) 100003)) (setq tree (insert tree x)))
    (walk tree (lambda (v) (incf sum v)))
    (+ sum (loop for i from 1 to 30000 when (evenp i) sum i))))
(timed (work))
""",
}


def run_sbcl(path):
    r = subprocess.run(["sbcl", "--script", path], capture_output=True, text=True, timeout=600)
    return r.stdout


def run_stage0(path):
    from stages.stage0 import Stage0
    out = io.StringIO()
    s = Stage0(stdout=out)
    s.fresh_user_package()
    s.load_file(path)
    return out.getvalue()


def parse(out):
    m = re.search(r"result (.*)\nms (\d+)", out)
    if not m:
        raise RuntimeError(f"workload printed no timing: {out!r}")
    return m.group(1), int(m.group(2))


def compiler_row(tmp):
    """Compile a small program with the embedded compiler under stage 0 and SBCL."""
    from stages.stage0 import Stage0, Stage0Error
    comp_dir = os.path.join(ROOT, "stages", "compiler")
    modules = os.path.join(comp_dir, "modules.txt")
    if not os.path.exists(modules):
        return None
    prog = os.path.join(tmp, "hello.lisp")
    with open(prog, "w") as f:
        f.write("(defun fact (n) (if (= n 0) 1 (* n (fact (- n 1)))))\n(print (fact 10))\n")
    stages_dir = os.path.join(ROOT, "stages") + "/"
    out0 = os.path.join(tmp, "s0.wasm")
    out1 = os.path.join(tmp, "sbcl.wasm")
    try:
        s = Stage0(stdout=io.StringIO())
        s.load_compiler()
        s.eval_string(f'(setq wasmboot-compiler::*stages-directory* "{stages_dir}")')
        t = time.process_time()
        s.call("WASMBOOT-COMPILER::COMPILE-FILES", [prog], out0)
        s0_ms = int((time.process_time() - t) * 1000)
    except Stage0Error as e:
        print(f"(compiler row skipped: {e})")
        return None
    names = [l.strip() for l in open(modules) if l.strip() and not l.startswith("#")]
    loads = "\n".join(f'(load "{os.path.join(comp_dir, n)}")' for n in names)
    script = os.path.join(tmp, "comp.lisp")
    with open(script, "w") as f:
        f.write(loads + f"""
(setq wasmboot-compiler::*stages-directory* "{stages_dir}")
(let ((start (get-internal-run-time)))
  (let ((*standard-output* (make-broadcast-stream)))
    (wasmboot-compiler::compile-files (list "{prog}") "{out1}"))
  (format t "result ok~%ms ~d~%" (floor (* 1000 (- (get-internal-run-time) start))
                                          internal-time-units-per-second)))
""")
    _, sbcl_ms = parse(run_sbcl(script))
    same = open(out0, "rb").read() == open(out1, "rb").read()
    return "compiler: compile-files (small program)", sbcl_ms, s0_ms, same


def measure(repeat: int, compiler: bool = True) -> list:
    """(name, [SBCL ms...] or None, [stage 0 ms...], same result) per workload, CPU time
    measured inside each program; the embedded compiler's row last when COMPILER."""
    have_sbcl = shutil.which("sbcl") is not None
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, body in WORKLOADS.items():
            path = os.path.join(tmp, "w.lisp")
            with open(path, "w") as f:
                f.write(TIMER + body)
            s0 = []
            for _ in range(repeat):
                res0, ms0 = parse(run_stage0(path))
                s0.append(ms0)
            sb = None
            same = None
            if have_sbcl:
                runs = [parse(run_sbcl(path)) for _ in range(repeat)]
                sb = [ms for _, ms in runs]
                same = runs[0][0] == res0
            rows.append((name, sb, s0, same))
        if have_sbcl and compiler:
            r = compiler_row(tmp)
            if r:
                name, sb, s0, same = r
                rows.append((name, [sb], [s0], same))
    return rows


def rows(repeat: int) -> list:
    """Rows for bench/run.py: stage 0 vs SBCL CPU time per workload, and their ratio."""
    from common import Row, na
    out = []
    for name, sb, s0, same in measure(repeat, compiler=False):
        slug = name.split(" ")[0].strip(":").lower()
        note = "" if same in (None, True) else "results differ from SBCL's"
        out.append(Row(f"stage0_workloads.{slug}.stage0", f"stage 0 workload: {name}", "ms", s0, note=note))
        if sb is None:
            out.append(na(f"stage0_workloads.{slug}.ratio", "  ratio stage 0 / SBCL", "x",
                          "sbcl is not installed"))
        else:
            out.append(Row(f"stage0_workloads.{slug}.sbcl", f"SBCL workload: {name}", "ms", sb))
            out.append(Row(f"stage0_workloads.{slug}.ratio", "  ratio stage 0 / SBCL", "x",
                           [a / max(b, 1) for a, b in zip(s0, sb)],
                           note="CPU time inside the program"))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=1, help="runs per workload (best is kept)")
    args = ap.parse_args()
    rows = [(name, min(sb) if sb else None, min(s0), same)
            for name, sb, s0, same in measure(args.repeat)]
    print(f"{'workload':<44} {'SBCL ms':>8} {'stage0 ms':>10} {'ratio':>7}  same result")
    for name, sb, s0, same in rows:
        ratio = f"{s0 / max(sb, 1):.0f}x" if sb is not None else "-"
        print(f"{name:<44} {sb if sb is not None else '-':>8} {s0:>10} {ratio:>7}  {same}")


if __name__ == "__main__":
    main()
