"""Reference data shipped with the product: regions, municipalities, population, test ids.

The CSV files live in ``samvard/reference/data`` (provenance in ``data/SOURCES.md``) and are read
through :mod:`samvard.reference.loaders`, never from a path outside the installed package.
"""
