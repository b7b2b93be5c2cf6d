"""Drift: which signals are compared against which reference (`config`), the samples read
for them in SQL (`samples`, `sql_stream`), and the evaluator (`evaluate`). The tests
themselves are in `evaluators.stats`, one per file.
"""
