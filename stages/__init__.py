"""The embedded compiler's stages: stage 0 (Python interpreter) and the Lisp sources."""
