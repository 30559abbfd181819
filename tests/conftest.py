"""Collection rules for the whole suite.

The scripts in ``tests/reference/`` regenerate stored reference values with PyTorch and
scikit-learn, which are deliberately not dependencies. They are run by hand (see their
docstrings), never collected: ``--doctest-modules`` would otherwise import them.
"""

collect_ignore_glob = ["reference/make_*.py"]
