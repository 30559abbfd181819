"""Print the scikit-learn values pasted into tests/test_metrics.py (not part of the test run).

scikit-learn is not a dependency of lossviz; it is only needed to regenerate these numbers:

    pip install scikit-learn==1.9.1
    python tests/reference/make_metrics_reference.py
"""

import warnings
import numpy as np
import sklearn
from sklearn.metrics import (accuracy_score, precision_score, recall_score, f1_score, log_loss,
    hamming_loss, precision_recall_fscore_support, confusion_matrix)
from sklearn.calibration import calibration_curve
print("sklearn", sklearn.__version__)
# Binary case
y = np.array([0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0])
p = np.array([0.1, 0.9, 0.4, 0.6, 0.5, 0.0, 0.3, 1.0, 0.8, 0.5, 0.7, 0.2])
yp = (p > 0.5).astype(int)
print("accuracy", repr(accuracy_score(y, yp)))
print("cm", confusion_matrix(y, yp, labels=[0, 1]).ravel().tolist())
for t in [0.0, 0.25, 0.5, 0.75, 1.0]:
    ypt = (p > t).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        print("t", t, repr(precision_score(y, ypt, zero_division=0)), repr(recall_score(y, ypt, zero_division=0)), repr(f1_score(y, ypt, zero_division=0)), repr(accuracy_score(y, ypt)))
print("log_loss binary", repr(log_loss(y, p)))
print("log_loss binary sum", repr(log_loss(y, p, normalize=False)))
pt, pp = calibration_curve(y, p, n_bins=5, strategy="uniform")
print("calib5 prob_true", pt.tolist()); print("calib5 prob_pred", pp.tolist())
pt, pp = calibration_curve(y, p, n_bins=10, strategy="uniform")
print("calib10 prob_true", pt.tolist()); print("calib10 prob_pred", pp.tolist())
# Multi-class
P = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.0, 0.5, 0.5], [0.25, 0.5, 0.25], [1.0, 0.0, 0.0]])
Y = np.array([0, 1, 0, 0, 2, 0])
print("log_loss mc", repr(log_loss(Y, P, labels=[0, 1, 2])))
print("log_loss mc sum", repr(log_loss(Y, P, labels=[0, 1, 2], normalize=False)))
print("acc mc", repr(accuracy_score(Y, P.argmax(1))))
# Multi-label
YL = np.array([[1, 0, 1, 0], [0, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 0]])
PL = np.array([[0.9, 0.2, 0.6, 0.1], [0.4, 0.7, 0.2, 0.3], [0.8, 0.3, 0.1, 0.2], [0.1, 0.1, 0.4, 0.6], [0.6, 0.5, 0.2, 0.1]])
YLp = (PL > 0.5).astype(int)
print("hamming_loss", repr(hamming_loss(YL, YLp)))
print("subset acc", repr(accuracy_score(YL, YLp)))
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    pr, rc, f, s = precision_recall_fscore_support(YL, YLp, average=None, zero_division=0)
    print("per class p", pr.tolist()); print("per class r", rc.tolist()); print("per class f", f.tolist())
    print("micro", [repr(v) for v in precision_recall_fscore_support(YL, YLp, average="micro", zero_division=0)[:3]])
    print("macro", [repr(v) for v in precision_recall_fscore_support(YL, YLp, average="macro", zero_division=0)[:3]])
    pr, rc, f, s = precision_recall_fscore_support(YL, YLp, average=None, zero_division=1.0)
    print("per class zd1 p", pr.tolist(), rc.tolist(), f.tolist())
# zero division
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for zd in ["warn", 0.0, 1.0, np.nan]:
        z = np.zeros(4, int)
        print("zd", zd, precision_score(z, z, zero_division=zd), recall_score(z, z, zero_division=zd), f1_score(z, z, zero_division=zd))
        print("zd no-pred-pos", zd, precision_score([1,0,0,0], z, zero_division=zd), recall_score([1,0,0,0], z, zero_division=zd), f1_score([1,0,0,0], z, zero_division=zd))
# log loss: perfect, and the clip cap
print("perfect", repr(log_loss([0,1,1,0],[0.0,1.0,1.0,0.0])))
print("worst", repr(log_loss([0,1],[1.0,0.0])))
print("eps", repr(np.finfo(np.float64).eps))
