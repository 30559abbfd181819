"""Tests for lossviz.activations: stability, invariances and the sigmoid/softmax identity."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import lossviz as lv

logit_rows = arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 6)),
                    elements=st.floats(-1e4, 1e4, allow_nan=False))


@settings(max_examples=60, deadline=None)
@given(z=logit_rows, shift=st.floats(-500, 500))
def test_softmax_is_shift_invariant(z, shift):
    np.testing.assert_allclose(lv.softmax(z + shift), lv.softmax(z), rtol=1e-9, atol=1e-300,
                               err_msg="translation property: softmax(z + c) == softmax(z)")


@settings(max_examples=60, deadline=None)
@given(z=logit_rows)
def test_softmax_rows_sum_to_one_and_log_softmax_is_finite(z):
    np.testing.assert_allclose(lv.softmax(z).sum(axis=-1), 1.0, rtol=1e-12)
    assert np.all(np.isfinite(lv.log_softmax(z))), "log_softmax must never return -inf"
    np.testing.assert_allclose(np.exp(lv.log_softmax(z)), lv.softmax(z), rtol=1e-9, atol=1e-300)


@settings(max_examples=100, deadline=None)
@given(z=st.floats(-700, 700))
def test_two_class_softmax_is_the_sigmoid(z):
    """Seed 000: softmax([z, 0])[0] == sigmoid(z)."""
    assert lv.softmax(np.array([z, 0.0]))[0] == pytest.approx(float(lv.sigmoid(z)), rel=1e-12, abs=1e-300)


def test_sigmoid_and_log_sigmoid_at_extremes():
    z = np.array([-1e4, -745.0, 0.0, 745.0, 1e4])
    s = lv.sigmoid(z)
    assert s[0] == 0.0 and s[2] == 0.5 and s[-1] == 1.0
    np.testing.assert_array_equal(lv.log_sigmoid([-1e4, 1e4]), [-1e4, -0.0])
    assert np.all(np.isfinite(lv.log_sigmoid(z)))


def test_log_softmax_of_extreme_row_is_exact():
    """NUMERICS.md: log(softmax([1e4, -1e4])) would give -inf for the second entry."""
    assert lv.log_softmax([1e4, -1e4]).tolist() == [0.0, -2e4]


def test_softmax_along_another_axis():
    z = np.arange(12.0).reshape(3, 4)
    np.testing.assert_allclose(lv.softmax(z, axis=0).sum(axis=0), 1.0, rtol=1e-14)


def test_activation_errors():
    with pytest.raises(ValueError, match=r"z must be finite"):
        lv.sigmoid([np.nan])
    with pytest.raises(ValueError, match=r"axis must be an integer; got 'x'"):
        lv.softmax([1.0, 2.0], axis="x")
    with pytest.raises(ValueError, match=r"z must not be empty"):
        lv.log_softmax([])
