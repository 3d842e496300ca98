"""Validation of what :class:`~sklstm.LSTMTextClassifier` is given.

Token ids, labels, sample weights and pretrained embeddings are checked here,
before anything reaches Keras, so that a mistake gets a message naming the
argument and the fix instead of an error from inside the backend. Ids are
checked in the dtype they came in: casting first to the model's int32 would
wrap 2**32 + 5 to 5 and turn 2**31 into a negative number.
"""

import numpy as np
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, column_or_1d

from sklstm.vectors import WordVectors

# Id that KerasTokenizerTransformer gives to out-of-vocabulary words.
OOV_ID = 1

# Most rows vocab_size="auto" builds. A vocabulary this large is already rare
# (GloVe has 400,000 words); a larger id is far more likely a hash, a row
# number or a wrong column than a word, and at embedding_dim=128 the matrix
# alone would take over 2 GiB.
MAX_AUTO_VOCAB_SIZE = 2**22


def _has_missing_label(y):
    if y.dtype.kind == "f":
        return np.isnan(y)
    if y.dtype.kind == "O":
        return np.array([v is None or (isinstance(v, float) and v != v) for v in y])
    return np.zeros(len(y), dtype=bool)


def check_labels(y):
    """1-D classification targets with no missing label."""
    y = column_or_1d(y, warn=True)
    missing = np.flatnonzero(_has_missing_label(y))
    if missing.size:
        raise ValueError(
            f"y contains a missing label (NaN or None) at position {missing[0]}; "
            "drop those samples or give them a label."
        )
    check_classification_targets(y)
    return y


def reject_text(X, estimator="LSTMTextClassifier"):
    """Raw text is the most likely wrong input: say what to put in front."""
    values = np.asarray(X)
    if values.dtype.kind in "US" or (
        values.dtype.kind == "O" and any(isinstance(v, str) for v in values.flat)
    ):
        raise ValueError(
            f"{estimator} expects integer token ids, got strings. Put a "
            "KerasTokenizerTransformer in front of it to turn text into ids."
        )


def check_token_values(X, estimator="LSTMTextClassifier"):
    """Token ids must be whole and non-negative numbers, checked before any cast."""
    if X.dtype.kind == "b":
        raise TypeError(
            f"{estimator} expects integer token ids, got booleans; pass "
            "the ids a KerasTokenizerTransformer produces."
        )
    if X.dtype.kind == "f" and not np.all(np.mod(X, 1) == 0):
        raise ValueError(
            f"{estimator} expects integer token ids, got non-integer floats."
        )
    if X.size and X.min() < 0:
        raise ValueError(
            f"Negative values in data passed to {estimator}: token ids must "
            f"be non-negative (0 is padding), got {X.min()!r}."
        )


def check_two_classes(classes, what):
    if len(classes) < 2:
        raise ValueError(
            f"LSTMTextClassifier needs samples of at least 2 classes; {what} "
            f"{len(classes)} class{'es' if len(classes) != 1 else ''}: "
            f"{list(classes)}."
        )


def auto_vocab_size(X):
    """Embedding rows for ``vocab_size="auto"``: the largest id plus one."""
    rows = max(int(X.max(initial=0)) + 1, OOV_ID + 1)
    if rows > MAX_AUTO_VOCAB_SIZE:
        raise ValueError(
            f"X contains token id {int(X.max())}, so vocab_size='auto' would "
            f"build an embedding matrix of {rows:,} rows; 'auto' stops at "
            f"{MAX_AUTO_VOCAB_SIZE:,}. Check that X holds token ids, or set "
            "vocab_size to the rows you want and keep the ids below it (e.g. "
            "KerasTokenizerTransformer(num_words=...))."
        )
    return rows


def check_sample_weight(sample_weight, X):
    """Non-negative, finite float32 weights, a copy, not all zero."""
    weights = _check_sample_weight(
        sample_weight, X, dtype=np.float32, copy=True, ensure_non_negative=True
    )
    if not weights.any():
        raise ValueError(
            "sample_weight is 0 for every sample; training needs non-zero "
            "weights on samples of at least 2 classes."
        )
    return weights


def check_embeddings(embeddings):
    """``embeddings`` as a finite float32 matrix with a row per token id.

    Parameters
    ----------
    embeddings : WordVectors, array-like of shape (vocab_size, embedding_dim) or None
        Pretrained token vectors, row ``i`` for token id ``i``.

    Returns
    -------
    embeddings : ndarray of shape (vocab_size, embedding_dim), dtype float32, \
            WordVectors or None
        The same vectors; a WordVectors or None is returned as it is.

    Examples
    --------
    >>> from sklstm._classifier_input import check_embeddings
    >>> check_embeddings([[0.0, 0.0], [0.5, 1.0]]).dtype
    dtype('float32')
    """
    if embeddings is None or isinstance(embeddings, WordVectors):
        # WordVectors checks its matrix when it is made.
        return embeddings
    try:
        array = np.asarray(embeddings)
    except ValueError as exc:
        raise ValueError(
            "embeddings must be a 2-D array of shape (vocab_size, "
            f"embedding_dim); rows of unequal length cannot be one: {exc}"
        ) from exc
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"embeddings must be a numeric matrix, got an array of dtype {array.dtype}."
        )
    if array.ndim != 2:
        raise ValueError(
            "embeddings must be a 2-D array of shape (vocab_size, embedding_dim), "
            f"got shape {array.shape}."
        )
    if array.shape[0] < OOV_ID + 1 or array.shape[1] < 1:
        raise ValueError(
            f"embeddings of shape {array.shape} is too small: it needs a row for "
            "padding (id 0), one for out-of-vocabulary words (id 1) and at least "
            "one column."
        )
    array = array.astype(np.float32)
    if not np.all(np.isfinite(array)):
        bad = np.argwhere(~np.isfinite(array))[0]
        raise ValueError(
            f"embeddings contains NaN or infinity (first at row {bad[0]}, column "
            f"{bad[1]}); replace those vectors, e.g. with zeros."
        )
    return array
