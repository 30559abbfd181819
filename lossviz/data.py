"""Seeded toy data for the lessons: 2-D binary blobs and a small synthetic segmentation image.

Everything here is NumPy only and deterministic for a seed: each function builds its own
``np.random.default_rng(seed)`` and never touches global random state.

Binary sets (``make_blobs``, ``make_dataset``) are two Gaussian blobs with identity covariance,
their means ``separation`` apart along a fixed direction u = (cos 30°, sin 30°), so the Bayes
decision boundary is a straight line perpendicular to u. The named kinds are the lessons' sets:
"separable" (a guaranteed gap), "overlapping" (Bayes error > 0), "noisy" (labels flipped),
"imbalanced" (5 % positives) and "imbalanced-separable" (10 % positives behind a gap).
``train_val_split`` makes the validation set for "loss vs metrics", optionally with annotation
errors (flipped labels) in the validation part only.

The segmentation image (``make_segmentation``) is a background with a few rectangles and
ellipses and one deliberately small disc (the rare class); ``segmentation_logits`` turns a mask
into noisy (1, C, H, W) logits whose argmax mostly matches it.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from scipy import ndimage, special

from lossviz._validation import as_index_array, check_in_range, check_nonnegative_scalar

__all__ = [
    "DATASET_KINDS",
    "Dataset",
    "make_blobs",
    "make_dataset",
    "make_segmentation",
    "segmentation_logits",
    "train_val_split",
]

DATASET_KINDS = MappingProxyType(
    {
        "separable": MappingProxyType({"separation": 3.0, "margin": 1.0}),
        "overlapping": MappingProxyType({"separation": 2.0}),
        "noisy": MappingProxyType({"separation": 3.0, "margin": 0.5, "label_noise": 0.1}),
        "imbalanced": MappingProxyType({"separation": 2.5, "positive_fraction": 0.05}),
        "imbalanced-separable": MappingProxyType(
            {"separation": 2.0, "margin": 0.3, "positive_fraction": 0.1}
        ),
    }
)
"""Named data sets: kind -> the keyword arguments of ``make_blobs`` that define it (read-only)."""

_ANGLE = np.pi / 6
_DIRECTION = np.array([np.cos(_ANGLE), np.sin(_ANGLE)])
_NORMAL = np.array([-np.sin(_ANGLE), np.cos(_ANGLE)])
_MAX_SEGMENTATION_CLASSES = 5


@dataclass(frozen=True)
class Dataset:
    """A binary 2-D data set.

    Attributes
    ----------
    X : ndarray, shape (n, 2), float64
        Points (read-only).
    y : ndarray, shape (n,), int64
        Labels, 0 or 1 (read-only).
    kind : str
        The name from ``DATASET_KINDS``, or "blobs" for a set built by ``make_blobs`` directly.
    bayes_error : float
        Error rate of the best possible classifier on the generating distribution (not on this
        sample), so 1 − bayes_error is the accuracy ceiling a lesson can quote.
    """

    X: np.ndarray
    y: np.ndarray
    kind: str
    bayes_error: float

    def __post_init__(self):
        for name, dtype in (("X", np.float64), ("y", np.int64)):
            array = np.array(getattr(self, name), dtype=dtype)
            array.flags.writeable = False
            object.__setattr__(self, name, array)

    @property
    def n(self) -> int:
        """Number of points."""
        return int(self.y.shape[0])


def make_blobs(
    n: int = 200,
    *,
    separation: float = 2.0,
    label_noise: float = 0.0,
    positive_fraction: float = 0.5,
    margin: float | None = None,
    seed: int = 0,
) -> Dataset:
    """Two Gaussian blobs in 2-D, one per class, with optional gap, label noise and imbalance.

    Parameters
    ----------
    n : int, >= 2
        Number of points.
    separation : float, >= 0
        Distance between the class means (in units of the blobs' standard deviation, 1).
    label_noise : float in [0, 0.5]
        Fraction of labels flipped after sampling: exactly round(label_noise · n) points, chosen
        uniformly at random, get the other label.
    positive_fraction : float in (0, 1)
        Fraction of points in class 1: exactly round(positive_fraction · n), at least 1 and at
        most n − 1.
    margin : float >= 0 or None
        If given, the clean classes are strictly separated by a gap of this width around the
        line t = 0, where t = x·u is the coordinate along the mean direction u: a point that
        falls on the wrong side (class 1 with t < margin/2, class 0 with t > −margin/2) is
        reflected across its side's edge of the gap (t → margin − t, resp. −margin − t). So the
        clean labels are linearly separable for every seed; label noise is applied afterwards.
    seed : int, >= 0
        Seed of the generator.

    Returns
    -------
    Dataset
        X (n, 2), y (n,) int64 in shuffled order, ``kind="blobs"``, and the Bayes error.

    Notes
    -----
    Class c has mean ±(separation/2)·u and identity covariance, u = (cos 30°, sin 30°). With
    priors π₁ (= positive_fraction) and π₀, the Bayes rule thresholds t at
    t* = log(π₀/π₁)/separation, and its error is
    π₁·Φ(t* − s/2) + π₀·Φ(−t* − s/2), with s the separation and Φ the standard normal CDF
    (0 when a margin is used). Flipping labels with probability η < 0.5 keeps the Bayes rule
    and raises its error to η + (1 − 2η)·error.

    Examples
    --------
    >>> data = make_blobs(100, separation=3.0, margin=1.0, seed=1)
    >>> data.X.shape, int(data.y.sum()), data.bayes_error
    ((100, 2), 50, 0.0)
    """
    n = _check_int(n, "n", minimum=2)
    separation = check_nonnegative_scalar(separation, "separation")
    label_noise = check_in_range(label_noise, "label_noise", 0.0, 0.5)
    positive_fraction = _check_open_fraction(positive_fraction, "positive_fraction")
    if margin is not None:
        margin = check_nonnegative_scalar(margin, "margin")
    rng = _rng(seed)

    n_pos = int(round(positive_fraction * n))
    if not 1 <= n_pos <= n - 1:
        raise ValueError(
            f"positive_fraction must give at least one point of each class for n={n} "
            f"(round(positive_fraction * n) in [1, {n - 1}]); got {positive_fraction:g}, "
            f"which gives {n_pos} positives"
        )
    y = np.zeros(n, dtype=np.int64)
    y[:n_pos] = 1
    sign = 2.0 * y - 1.0
    along = sign * separation / 2 + rng.standard_normal(n)
    across = rng.standard_normal(n)
    if margin is not None:
        wrong_side = sign * along < margin / 2
        along = np.where(wrong_side, sign * margin - along, along)
    X = along[:, None] * _DIRECTION + across[:, None] * _NORMAL

    n_flip = int(round(label_noise * n))
    flipped = rng.choice(n, size=n_flip, replace=False)
    y[flipped] = 1 - y[flipped]

    order = rng.permutation(n)
    clean_error = (
        0.0 if margin is not None else _gaussian_bayes_error(separation, positive_fraction)
    )
    eta = n_flip / n
    bayes_error = eta + (1.0 - 2.0 * eta) * clean_error
    return Dataset(X=X[order], y=y[order], kind="blobs", bayes_error=float(bayes_error))


def make_dataset(kind: str, n: int = 200, *, seed: int = 0) -> Dataset:
    """One of the lessons' named binary data sets.

    Parameters
    ----------
    kind : {"separable", "overlapping", "noisy", "imbalanced", "imbalanced-separable"}
        - "separable": separation 3 with a gap of width 1 (linearly separable for every seed);
        - "overlapping": separation 2, no gap (Bayes error Φ(−1) ≈ 15.9 %);
        - "noisy": the separable construction with a narrower gap (0.5) and 10 % of labels
          flipped, so the mistakes sit deep inside the other class;
        - "imbalanced": separation 2.5, 5 % positives;
        - "imbalanced-separable": separation 2 with a gap of width 0.3, 10 % positives: clean
          labels on which BCE keeps growing the logits, while the boundary needs many epochs to
          settle into the gap (the "loss vs metrics" lesson, with ``train_val_split``'s
          ``val_label_noise``).
        ``DATASET_KINDS[kind]`` holds the exact ``make_blobs`` arguments.
    n : int, >= 2
        Number of points.
    seed : int, >= 0
        Seed of the generator.

    Returns
    -------
    Dataset
        As ``make_blobs``, with ``kind`` set.

    Examples
    --------
    >>> data = make_dataset("imbalanced", 200, seed=0)
    >>> int(data.y.sum())
    10
    """
    if kind not in DATASET_KINDS:
        raise ValueError(f"kind must be one of {_quoted(DATASET_KINDS)}; got {kind!r}")
    data = make_blobs(n, seed=seed, **DATASET_KINDS[kind])
    return Dataset(X=data.X, y=data.y, kind=kind, bayes_error=data.bayes_error)


def train_val_split(
    data: Dataset, *, n_val: int, val_label_noise: float = 0.0, seed: int = 0
) -> tuple[Dataset, Dataset]:
    """Split a data set into training and validation parts, stratified by class.

    Parameters
    ----------
    data : Dataset
        The set to split.
    n_val : int
        Number of validation points, in [1, n − 1].
    val_label_noise : float in [0, 0.5]
        Fraction of the validation labels to flip after the split (exactly
        round(val_label_noise · n_val) of them): annotation errors that only the validation set
        has, which a confident model gets confidently wrong.
    seed : int, >= 0
        Seed of the generator that picks the validation points and the flipped labels.

    Returns
    -------
    (train, val) : tuple of Dataset
        Disjoint parts covering ``data``, each keeping its row order and ``kind``. The
        validation part holds round(n_val · n₁ / n) positives (n₁ the number of positives),
        but at least one and at most n₁ − 1 when n₁ >= 2, so even an imbalanced set's parts
        both contain positives (counted before the flips). ``bayes_error`` is data's, raised to
        η + (1 − 2η)·bayes_error for the validation part when a fraction η of its labels is
        flipped.

    Examples
    --------
    >>> train, val = train_val_split(make_dataset("noisy", 400), n_val=200)
    >>> train.n, val.n
    (200, 200)

    The "loss vs metrics" lesson's default (tested in tests/test_train.py): validation loss
    rises after its minimum while validation accuracy and F1 still improve.

    >>> data = make_dataset("imbalanced-separable", 400, seed=0)
    >>> train, val = train_val_split(data, n_val=200, val_label_noise=0.05, seed=0)
    >>> int(train.y.sum()), int(val.y.sum())  # 20 positives each, then 10 validation flips
    (20, 26)
    """
    if not isinstance(data, Dataset):
        raise ValueError(f"data must be a Dataset; got {type(data).__name__}")
    n = data.n
    n_val = _check_int(n_val, "n_val", minimum=1, maximum=n - 1)
    val_label_noise = check_in_range(val_label_noise, "val_label_noise", 0.0, 0.5)
    rng = _rng(seed)
    positives = np.flatnonzero(data.y == 1)
    negatives = np.flatnonzero(data.y == 0)
    n_val_pos = int(round(n_val * positives.size / n))
    if positives.size >= 2:
        n_val_pos = min(max(n_val_pos, 1), positives.size - 1)
    n_val_pos = min(max(n_val_pos, n_val - negatives.size), n_val, positives.size)
    chosen = np.concatenate(
        [
            rng.choice(positives, size=n_val_pos, replace=False),
            rng.choice(negatives, size=n_val - n_val_pos, replace=False),
        ]
    )
    in_val = np.zeros(n, dtype=bool)
    in_val[chosen] = True
    train = Dataset(
        X=data.X[~in_val], y=data.y[~in_val], kind=data.kind, bayes_error=data.bayes_error
    )

    y_val = data.y[in_val].copy()
    n_flip = int(round(val_label_noise * n_val))
    flipped = rng.choice(n_val, size=n_flip, replace=False)
    y_val[flipped] = 1 - y_val[flipped]
    eta = n_flip / n_val
    val = Dataset(
        X=data.X[in_val],
        y=y_val,
        kind=data.kind,
        bayes_error=eta + (1.0 - 2.0 * eta) * data.bayes_error,
    )
    return train, val


def make_segmentation(
    height: int = 32, width: int = 32, n_classes: int = 4, *, seed: int = 0
) -> np.ndarray:
    """A synthetic ground-truth segmentation mask: background, a few shapes, one rare class.

    Parameters
    ----------
    height, width : int, >= 16
        Image size in pixels.
    n_classes : int in [2, 5]
        Number of classes including the background (class 0).
    seed : int, >= 0
        Seed of the generator (shape sizes and positions, whether an extra shape is drawn).

    Returns
    -------
    ndarray, shape (height, width), int64
        Class index per pixel, in [0, n_classes).

    Notes
    -----
    The image is cut into a 2 × 2 grid of cells. Classes 1 … C − 2 each get one large shape
    (rectangles and ellipses in turn) filling 55–90 % of its own cell, and with probability
    1/2 one more shape of class 1 takes a free cell, so large shapes never overlap. The last
    class, C − 1, is a single small disc (radius about min(height, width)/14, at least 1.5
    pixels) drawn on top at a random position: the deliberately rare class, typically 1–3 % of
    the pixels. Every class is present in every mask.

    Examples
    --------
    >>> mask = make_segmentation(32, 32, 4, seed=0)
    >>> mask.shape, sorted(set(mask.ravel().tolist()))
    ((32, 32), [0, 1, 2, 3])
    """
    height = _check_int(height, "height", minimum=16)
    width = _check_int(width, "width", minimum=16)
    n_classes = _check_int(n_classes, "n_classes", minimum=2, maximum=_MAX_SEGMENTATION_CLASSES)
    rng = _rng(seed)

    mask = np.zeros((height, width), dtype=np.int64)
    rows, cols = np.ogrid[:height, :width]
    shape_classes = list(range(1, n_classes - 1))
    if shape_classes and rng.random() < 0.5:
        shape_classes.append(1)
    cells = rng.permutation(4)[: len(shape_classes)]
    for number, (cls, cell) in enumerate(zip(shape_classes, cells, strict=True)):
        top = (cell // 2) * height / 2
        left = (cell % 2) * width / 2
        box_h = rng.uniform(0.55, 0.9) * height / 2
        box_w = rng.uniform(0.55, 0.9) * width / 2
        r0 = top + rng.uniform(0, height / 2 - box_h)
        c0 = left + rng.uniform(0, width / 2 - box_w)
        if number % 2 == 0:
            inside = (rows >= r0) & (rows < r0 + box_h) & (cols >= c0) & (cols < c0 + box_w)
        else:
            centre_r, centre_c = r0 + box_h / 2 - 0.5, c0 + box_w / 2 - 0.5
            inside = ((rows - centre_r) / (box_h / 2)) ** 2 + (
                (cols - centre_c) / (box_w / 2)
            ) ** 2 <= 1
        mask[inside] = cls

    radius = max(1.5, min(height, width) / 14)
    centre_r = rng.uniform(radius, height - 1 - radius)
    centre_c = rng.uniform(radius, width - 1 - radius)
    mask[(rows - centre_r) ** 2 + (cols - centre_c) ** 2 <= radius**2] = n_classes - 1
    return mask


def segmentation_logits(
    mask,
    n_classes: int,
    *,
    confidence: float = 3.0,
    noise: float = 1.0,
    blur: float = 1.0,
    seed: int = 0,
) -> np.ndarray:
    """Noisy per-pixel logits of a pretend segmentation model whose argmax mostly matches ``mask``.

    Parameters
    ----------
    mask : array_like, shape (H, W)
        Ground-truth class indices in [0, n_classes).
    n_classes : int, >= 2
        Number of classes C.
    confidence : float, >= 0
        Height of the true class's logit above the others: larger is more peaked softmax.
    noise : float, >= 0
        Standard deviation of the independent Gaussian noise added to every logit.
    blur : float, >= 0
        Standard deviation, in pixels, of the Gaussian blur applied to the one-hot mask, so
        pixels near a boundary are uncertain between the classes that meet there (and small
        shapes, like the rare class, get a lower peak). 0 disables it.
    seed : int, >= 0
        Seed of the noise.

    Returns
    -------
    ndarray, shape (1, C, H, W), float64
        logits[0, c] = confidence · blur(onehot(mask)[c]) + noise · N(0, 1), the layout of
        torch's ``F.cross_entropy`` input for one image (class axis 1).

    Examples
    --------
    >>> mask = make_segmentation(16, 16, 3, seed=0)
    >>> logits = segmentation_logits(mask, 3, confidence=6.0, noise=0.1, blur=0.0)
    >>> logits.shape, bool((logits[0].argmax(axis=0) == mask).all())
    ((1, 3, 16, 16), True)
    """
    n_classes = _check_int(n_classes, "n_classes", minimum=2)
    labels = as_index_array(mask, "mask")
    if labels.ndim != 2:
        raise ValueError(f"mask must be a 2-d array (H, W); got shape {labels.shape}")
    if labels.min() < 0 or labels.max() >= n_classes:
        raise ValueError(
            f"mask must hold class indices in [0, {n_classes - 1}] for n_classes={n_classes}; "
            f"got values from {labels.min()} to {labels.max()}"
        )
    confidence = check_nonnegative_scalar(confidence, "confidence")
    noise = check_nonnegative_scalar(noise, "noise")
    blur = check_nonnegative_scalar(blur, "blur")
    rng = _rng(seed)

    onehot = (labels[None, :, :] == np.arange(n_classes)[:, None, None]).astype(np.float64)
    if blur > 0:
        onehot = ndimage.gaussian_filter(onehot, sigma=(0.0, blur, blur), mode="nearest")
    logits = confidence * onehot + noise * rng.standard_normal(onehot.shape)
    return logits[None]


def _gaussian_bayes_error(separation: float, positive_fraction: float) -> float:
    pi1, pi0 = positive_fraction, 1.0 - positive_fraction
    if separation == 0:
        return min(pi0, pi1)
    threshold = np.log(pi0 / pi1) / separation
    half = separation / 2
    return float(pi1 * special.ndtr(threshold - half) + pi0 * special.ndtr(-threshold - half))


def _rng(seed) -> np.random.Generator:
    return np.random.default_rng(_check_int(seed, "seed", minimum=0))


def _check_int(value, name: str, *, minimum: int, maximum: int | None = None) -> int:
    expected = (
        f"an integer >= {minimum}" if maximum is None else f"an integer in [{minimum}, {maximum}]"
    )
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be {expected}; got {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {expected}; got {value}")
    return int(value)


def _check_open_fraction(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < 1:
        raise ValueError(f"{name} must be a number in (0, 1); got {value!r}")
    return float(value)


def _quoted(names) -> str:
    return ", ".join(f'"{name}"' for name in names)
