"""From a network's outputs to what ``predict`` and ``predict_proba`` return.

NumPy only: the estimators' tasks (:mod:`sklstm._tasks`) and the serving
predictor (:mod:`sklstm.serving`), which runs without scikit-learn, turn the
same float32 outputs into the same answers through these functions.
"""

import numpy as np

# A label applies when its sigmoid output is at least this.
MULTILABEL_THRESHOLD = 0.5


def normalized_probabilities(outputs):
    """Softmax outputs as float64 rows that sum to 1.

    The network's float32 softmax sums to 1 only within ~1e-7, which
    ``log_loss`` warns about; renormalising in float64 keeps every argmax.
    """
    proba = outputs.astype(np.float64)
    return proba / proba.sum(axis=1, keepdims=True)


def most_probable(outputs, classes):
    """The class of each row's largest output."""
    return classes[np.argmax(outputs, axis=1)]


def labels_at_threshold(outputs, dtype):
    """The label indicator matrix: 1 where a sigmoid output reaches the threshold."""
    return (outputs >= MULTILABEL_THRESHOLD).astype(dtype)


def restored_targets(outputs, mean, scale, one_dimensional):
    """Standardised outputs back in the targets' units (and shape)."""
    y = outputs.astype(np.float64) * scale + mean
    return y.ravel() if one_dimensional else y
