"""Fairness across user segments: accuracy, positive feedback and latency per value of a
call attribute (language, tier, region), and whether segments differ.

`parity` holds the tests (pure statistics), `segments` reads a window's records per
segment, `evaluate` stores the largest gap per app × model × segment key × metric, and
`calibration` simulates the false-positive rate and power. Imports `metrics`, the
evaluators' shared modules and `stats`, like every domain package.
"""
