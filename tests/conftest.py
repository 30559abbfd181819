"""Collection rules and environment for the whole suite.

The scripts in ``tests/reference/`` regenerate stored reference values with PyTorch and
scikit-learn, which are deliberately not dependencies. They are run by hand (see their
docstrings), never collected: ``--doctest-modules`` would otherwise import them.
"""

import json
import os

import plotly.io as pio

from lossviz.figures import _style
from lossviz.figures._style import VALIDATE_ENV
from figure_reference import reference_description, reference_wire_json

collect_ignore_glob = ["reference/make_*.py"]

# The figure builders skip Plotly's property validation at run time (it cost more than the rest of
# a widget change); in the tests every figure built, by a figure test or by a page run in AppTest
# or in the browser tests' server (which inherits the environment), is validated and an invalid
# property raises.
os.environ[VALIDATE_ENV] = "1"


# The fast paths every chart goes through are checked against the slow, obvious ones on every
# figure any test draws or describes (AppTest page runs included): the dict sent to the browser
# must be Plotly's own to_dict, byte for byte, and the text alternative the one Plotly's
# properties give.
_fast_wire_spec = _style._wire_spec
_fast_describe = _style._describe
_fast_present_wire_spec = _style._present_wire_spec


def _checked_wire_spec(fig):
    spec = _fast_wire_spec(fig)
    expected = reference_wire_json(fig)
    if pio.to_json(spec, validate=False) != expected:
        raise AssertionError(f"wire_spec differs from Plotly's to_dict for the figure {expected[:300]}")
    return spec


def _checked_describe(fig, max_traces):
    text = _fast_describe(fig, max_traces)
    expected = reference_description(fig, max_traces)
    if text != expected:
        raise AssertionError(f"describe_figure gave {text!r}; Plotly's properties give {expected!r}")
    return text


def _checked_present_wire_spec(fig):
    # Building the presentation copy as a figure reorders some keys, which Plotly.js ignores.
    spec = _fast_present_wire_spec(fig)
    expected = reference_wire_json(_style._presented(fig))
    if _canonical(pio.to_json(spec, validate=False)) != _canonical(expected):
        raise AssertionError(f"present_wire_spec differs from the presentation copy's to_dict {expected[:300]}")
    return spec


def _canonical(spec_json: str) -> str:
    return json.dumps(json.loads(spec_json), sort_keys=True)


_style._wire_spec = _checked_wire_spec
_style._present_wire_spec = _checked_present_wire_spec
_style._describe = _checked_describe
