"""Benchmarks for Samvård: `python -m bench.run` (or `make bench`).

Every number is compared against a baseline measured in the same run, because the
machines this runs on are shared and noisy: ratios travel between runs, absolute
rates do not.
"""
