"""``make bench``: the terminal measured against baselines (run.py runs them all).

A package, so that the benchmarks import each other as ``benchmarks.*`` with
tests/ on the path, as pytest has it (setup.cfg) and run.py sets it.
"""
