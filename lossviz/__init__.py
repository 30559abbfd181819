"""lossviz: how classification losses and their gradients behave, computed exactly.

The core (this package minus ``lossviz.figures`` and ``lossviz.ui``) needs only NumPy and SciPy.
Every loss matches PyTorch / torchvision / Keras semantics; see ``lossviz.losses``.
"""

from lossviz.activations import log_sigmoid, log_softmax, sigmoid, softmax
from lossviz.losses import (
    LOSSES,
    LossSpec,
    bce,
    bce_grad,
    bce_with_logits,
    bce_with_logits_grad,
    categorical_ce,
    categorical_ce_grad,
    cross_entropy,
    cross_entropy_grad,
    mse,
    mse_grad,
    multilabel_softmax_ce,
    multilabel_softmax_ce_grad,
    sigmoid_focal_loss,
    sigmoid_focal_loss_grad,
    sigmoid_mse,
    sigmoid_mse_grad,
)

__all__ = [
    "LOSSES",
    "LossSpec",
    "bce",
    "bce_grad",
    "bce_with_logits",
    "bce_with_logits_grad",
    "categorical_ce",
    "categorical_ce_grad",
    "cross_entropy",
    "cross_entropy_grad",
    "log_sigmoid",
    "log_softmax",
    "mse",
    "mse_grad",
    "multilabel_softmax_ce",
    "multilabel_softmax_ce_grad",
    "sigmoid",
    "sigmoid_focal_loss",
    "sigmoid_focal_loss_grad",
    "sigmoid_mse",
    "sigmoid_mse_grad",
    "softmax",
]
