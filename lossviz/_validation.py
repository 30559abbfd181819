"""Shared input checks for the lossviz core.

Every public function converts and checks its inputs here, so that every bad input raises a
``ValueError`` whose message names the argument, what was received and what was expected.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "REDUCTIONS",
    "as_float_array",
    "as_index_array",
    "check_axis",
    "check_binary_targets",
    "check_in_range",
    "check_nonnegative_scalar",
    "check_probabilities",
    "check_reduction",
    "check_same_shape",
    "reduce",
]

REDUCTIONS = ("none", "mean", "sum")


def _describe(x) -> str:
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def as_float_array(x, name: str, *, allow_empty: bool = False) -> np.ndarray:
    """Return ``x`` as a float64 array; reject non-numeric, NaN, inf and (by default) empty input."""
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged nested lists
        raise ValueError(f"{name} must be a numeric array; got {_describe(x)} ({exc})") from None
    if arr.dtype.kind not in "biuf":
        kind = "real-valued" if arr.dtype.kind == "c" else "a numeric array"
        raise ValueError(f"{name} must be {kind}; got dtype {arr.dtype} from {_describe(x)}")
    if arr.dtype.kind != "f" or arr.dtype != np.float64:
        arr = arr.astype(np.float64)
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} must not be empty; got shape {arr.shape}")
    # One reduction instead of a boolean array: a finite sum proves every value finite; only an
    # overflowing sum of finite values needs the element-wise check.
    with np.errstate(over="ignore", invalid="ignore"):
        total = arr.sum()
    if not np.isfinite(total) and not np.isfinite(arr).all():
        bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} must be finite (no NaN or inf); got {bad} non-finite value(s)")
    return arr


def as_index_array(x, name: str) -> np.ndarray:
    """Return ``x`` as an int64 array of class indices; reject fractional or non-finite values."""
    arr = np.asarray(x) if not isinstance(x, np.ndarray) else x
    if arr.dtype.kind in "iu" and arr.size:
        return arr.astype(np.int64, copy=False)
    arr = as_float_array(x, name)
    if not np.array_equal(arr, np.round(arr)):
        raise ValueError(f"{name} must hold whole-number class indices; got fractional values")
    return arr.astype(np.int64)


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """``b`` must have the shape of ``a``: "y must have the same shape as p (4, 3); got (4,)"."""
    if a.shape != b.shape:
        raise ValueError(f"{name_b} must have the same shape as {name_a} {a.shape}; got {b.shape}")


def check_probabilities(p: np.ndarray, name: str) -> None:
    """Every value must lie in the closed interval [0, 1]."""
    if p.size and (p.min() < 0.0 or p.max() > 1.0):
        raise ValueError(
            f"{name} must hold probabilities in [0, 1]; got values from {p.min():g} to {p.max():g}"
        )


def check_binary_targets(y: np.ndarray, name: str) -> None:
    """Targets of a binary loss are (possibly soft) labels in [0, 1]."""
    if y.size and (y.min() < 0.0 or y.max() > 1.0):
        raise ValueError(
            f"{name} must be labels in [0, 1]; got values from {y.min():g} to {y.max():g}"
        )


def check_in_range(value, name: str, low: float, high: float) -> float:
    """A scalar option in the closed interval [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a number in [{low:g}, {high:g}]; got {_describe(value)}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be in [{low:g}, {high:g}]; got {value:g}")
    return float(value)


def check_nonnegative_scalar(value, name: str) -> float:
    """A finite scalar option that must be >= 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number >= 0; got {_describe(value)}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0; got {value:g}")
    return float(value)


def check_axis(axis, ndim: int, name: str = "axis") -> int:
    """Normalise a class axis to a non-negative int for an array with ``ndim`` dimensions."""
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise ValueError(f"{name} must be an integer; got {_describe(axis)}")
    if ndim == 0:
        raise ValueError(f"{name} needs an array with a class axis; got a 0-d (scalar) array")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name} must be in [{-ndim}, {ndim - 1}] for a {ndim}-d array; got {axis}")
    return int(axis) % ndim


def check_reduction(reduction) -> str:
    """Only "none", "mean" and "sum" exist; one switch for every loss."""
    if reduction not in REDUCTIONS:
        raise ValueError(f'reduction must be one of "none", "mean", "sum"; got {_describe(reduction)}')
    return reduction


def reduce(values: np.ndarray, reduction: str):
    """Apply a (checked) reduction: the array itself, its mean, or its sum (as a Python float)."""
    if reduction == "none":
        return values
    if reduction == "sum":
        return float(np.sum(values))
    return float(np.mean(values))
