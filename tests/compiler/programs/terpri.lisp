(terpri)
