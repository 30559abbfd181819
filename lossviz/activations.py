"""Output activations: sigmoid and softmax, and their logarithms, stable at any finite logit.

All four are thin, validated wrappers around ``scipy.special``, which already shifts by the
maximum (softmax) or branches on the sign (sigmoid) so that nothing overflows.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from lossviz._validation import as_float_array, check_axis

__all__ = ["log_sigmoid", "log_softmax", "sigmoid", "softmax"]


def sigmoid(z) -> np.ndarray:
    """Logistic sigmoid, σ(z) = 1 / (1 + exp(−z)).

    Parameters
    ----------
    z : array_like
        Logits, any shape.

    Returns
    -------
    ndarray
        σ(z), same shape, float64, in [0, 1].

    Notes
    -----
    ``scipy.special.expit`` evaluates exp(−|z|) only, so it never overflows: σ(1e4) is exactly 1
    and σ(−1e4) is exactly 0 (its true value, 5e−4343, is below the smallest float64).

    Examples
    --------
    >>> float(sigmoid(0.0))
    0.5
    """
    return special.expit(as_float_array(z, "z", allow_empty=True))


def log_sigmoid(z) -> np.ndarray:
    """log σ(z) = −log(1 + exp(−z)), exact for large |z| (log σ(−1e4) = −1e4, not −inf).

    Examples
    --------
    >>> float(log_sigmoid(-1e4))
    -10000.0
    """
    return special.log_expit(as_float_array(z, "z", allow_empty=True))


def softmax(z, axis: int = -1) -> np.ndarray:
    """softmax(z)_j = exp(z_j) / Σ_k exp(z_k) along ``axis`` (the class axis).

    Uses shifting by the maximum to avoid overflow, so it is unchanged by adding a constant to
    every logit and is exact at logits of ±1e4.

    Examples
    --------
    >>> softmax([0.0, 0.0]).tolist()
    [0.5, 0.5]
    """
    arr = as_float_array(z, "z")
    return special.softmax(arr, axis=check_axis(axis, arr.ndim))


def log_softmax(z, axis: int = -1) -> np.ndarray:
    """log softmax(z)_j = z_j − logsumexp(z) along ``axis``; never log(softmax(z)).

    For the row [1e4, −1e4] the second entry is −2e4 exactly, where log(softmax) gives −inf.

    Examples
    --------
    >>> log_softmax([1e4, -1e4]).tolist()
    [0.0, -20000.0]
    """
    arr = as_float_array(z, "z")
    return special.log_softmax(arr, axis=check_axis(axis, arr.ndim))
