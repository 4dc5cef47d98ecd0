"""Generate random data objects and PRINT / FORMAT calls for the printer comparison
(python tests/stage0/gen_printer_forms.py SEED > forms.lisp)."""
import random
import sys

SYMS = ["a", "foo", "bar-baz", "x1", "long-symbol-name", ":key", "nil", "t", "zork", "qux-quux", "|Mixed Case|"]
def obj(depth):
    r = random.random()
    if depth > 4 or r < 0.35:
        k = random.random()
        if k < 0.3: return str(random.randint(-100000, 10**random.randint(1, 12)))
        if k < 0.6: return random.choice(SYMS)
        if k < 0.75: return '"' + "".join(random.choice("abc xyz-") for _ in range(random.randint(0, 25))) + '"'
        if k < 0.85: return "#\\" + random.choice(["a", "Space", "Newline", "(", "z"])
        return random.choice(SYMS)
    n = random.randint(0, 12)
    items = [obj(depth + 1) for _ in range(n)]
    if random.random() < 0.15 and items:
        return "#(" + " ".join(items) + ")"
    if random.random() < 0.1 and len(items) >= 2:
        return "(" + " ".join(items[:-1]) + " . " + items[-1] + ")"
    return "(" + " ".join(items) + ")"


def forms_for(seed, count=150):
    random.seed(seed)
    forms = []
    for i in range(count):
        o = obj(0)
        pre = "x" * random.randint(0, 50)
        forms.append(f"(print '{o})")
        forms.append(f"(format t \"~%{pre}~a\" '{o})")
        forms.append(f"(format t \"~%{pre}~s\" '{o})")
    return "\n".join(forms) + "\n"


if __name__ == "__main__":
    sys.stdout.write(forms_for(int(sys.argv[1]) if len(sys.argv) > 1 else 1))
