"""Collection rules and environment for the whole suite.

The scripts in ``tests/reference/`` regenerate stored reference values with PyTorch and
scikit-learn, which are deliberately not dependencies. They are run by hand (see their
docstrings), never collected: ``--doctest-modules`` would otherwise import them.
"""

import os

from lossviz.figures._style import VALIDATE_ENV

collect_ignore_glob = ["reference/make_*.py"]

# The figure builders skip Plotly's property validation at run time (it cost more than the rest of
# a widget change); in the tests every figure built, by a figure test or by a page run in AppTest
# or in the browser tests' server (which inherits the environment), is validated and an invalid
# property raises.
os.environ[VALIDATE_ENV] = "1"
