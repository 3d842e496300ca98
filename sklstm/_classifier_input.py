"""Validation of what :class:`~sklstm.LSTMTextClassifier` is given.

Token ids, labels, sample weights and pretrained embeddings are checked here,
before anything reaches Keras, so that a mistake gets a message naming the
argument and the fix instead of an error from inside the backend. Ids are
checked in the dtype they came in: casting first to the model's int32 would
wrap 2**32 + 5 to 5 and turn 2**31 into a negative number.
"""

from collections.abc import Mapping
from numbers import Real

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


def plain(value):
    """``value`` as Python prints it to a user: ``'pos'``, not ``np.str_('pos')``."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value.item() if isinstance(value, np.generic) else value


def _has_missing_label(y):
    if y.dtype.kind == "f":
        return np.isnan(y)
    if y.dtype.kind == "O":
        # pandas' own test knows None, NaN, pd.NA and pd.NaT; only object
        # labels can hold them, so pandas is imported only for those.
        import pandas as pd

        return np.asarray(pd.isna(y), dtype=bool)
    return np.zeros(y.shape, dtype=bool)


def reject_missing_objects(y):
    """Refuse missing values among object targets, before numpy or sklearn do.

    Numbers with a ``pd.NA`` among them come as objects, which scikit-learn's
    checks fail on with a pandas or a ``float()`` error; NaN in float targets
    is left to their own "Input y contains NaN".

    Returns
    -------
    y : array-like
        ``y``, a nullable pandas Series as an object array.
    """
    y = _nullable_as_object(y)
    if isinstance(y, np.ndarray) and y.dtype == object:
        missing = np.argwhere(_has_missing_label(y))
        if missing.size:
            raise ValueError(
                "y contains a missing value (NaN, None or pd.NA) in row "
                f"{missing[0][0]}; drop those samples or fill them in."
            )
    return y


def _nullable_as_object(y):
    """A pandas Series of a nullable dtype (``"string"``, ``"Int64"``) as objects.

    Its ``pd.NA`` would otherwise reach scikit-learn's checks, which fail on
    it with "boolean value of NA is ambiguous".
    """
    dtype = getattr(y, "dtype", None)
    if hasattr(y, "to_numpy") and getattr(dtype, "na_value", None) is not None:
        return y.to_numpy(dtype=object)
    return y


def check_labels(y):
    """1-D classification targets with no missing label."""
    y = _nullable_as_object(y)
    if isinstance(y, (list, tuple)):
        y = np.asarray(y, dtype=object) if any(v is None for v in y) else y
    y = column_or_1d(y, warn=True)
    missing = np.flatnonzero(_has_missing_label(y))
    if missing.size:
        raise ValueError(
            "y contains a missing label (NaN, None or pd.NA) at position "
            f"{missing[0]}; drop those samples or give them a label."
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
            f"be non-negative (0 is padding), got {plain(X.min())}."
        )


def check_two_classes(classes, what):
    if len(classes) < 2:
        raise ValueError(
            f"LSTMTextClassifier needs samples of at least 2 classes; {what} "
            f"{len(classes)} class{'es' if len(classes) != 1 else ''}: "
            f"{plain(list(classes))}."
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
    """Non-negative, finite float64 weights, a copy, not all zero."""
    if isinstance(sample_weight, Mapping):
        raise TypeError(
            "sample_weight must be an array-like of shape (n_samples,), one "
            "weight per text, got a dict. For a weight per class, use the "
            "class_weight parameter."
        )
    weights = _check_sample_weight(
        sample_weight, X, dtype=np.float64, copy=True, ensure_non_negative=True
    )
    if not weights.any():
        raise ValueError(
            "sample_weight is 0 for every sample; training needs non-zero "
            "weights on samples of at least 2 classes."
        )
    return weights


# The largest weight partial_fit takes as given. Gradients scale with the
# weights and Adam keeps their squares, which overflow float32 near 1e19 (a
# weight of 1e20 on every text trained to NaN); 1e15 leaves room for the loss
# and the sums over a batch.
LARGEST_ABSOLUTE_WEIGHT = 1e15


def training_weights(weights, *, relative):
    """Sample weights as the float32 the loss multiplies by.

    With ``relative``, as in ``fit``, the weights are divided by their mean:
    the weighted loss's minimum depends only on their ratios, and at a mean
    of 1 the learning rate means what it does without weights, whatever their
    scale; huge weights (1e20 each) cannot overflow the loss. ``partial_fit``
    keeps each call's weights as given (``relative=False``), so that calls
    keep their weights relative to each other.

    Parameters
    ----------
    weights : ndarray of shape (n_samples,), dtype float64
        Checked weights (:func:`check_sample_weight`), class weights applied.
    relative : bool
        Divide by the mean.

    Returns
    -------
    weights : ndarray of shape (n_samples,), dtype float32
    """
    if relative:
        weights = weights / weights.mean()
    elif weights.max() > LARGEST_ABSOLUTE_WEIGHT:
        raise ValueError(
            f"sample_weight (times class_weight) reaches {weights.max():.3g}; "
            "partial_fit trains with the weights as given, and weights "
            f"above {LARGEST_ABSOLUTE_WEIGHT:.0e} overflow the float32 loss's "
            "gradients. Scale them down: only their ratios matter."
        )
    return weights.astype(np.float32)


def _check_weight_values(weights, name):
    for key, value in weights.items():
        if (
            not isinstance(value, Real)
            or isinstance(value, bool)
            or not np.isfinite(value)
            or value < 0
        ):
            raise ValueError(
                f"{name}[{plain(key)!r}] is {plain(value)!r}; class weights must "
                "be finite, non-negative numbers."
            )


def check_class_weight(class_weight, y):
    """Check ``class_weight`` against the targets ``y`` before it is applied.

    Parameters
    ----------
    class_weight : dict, list of dict, "balanced" or None
        The classifier's parameter.
    y : ndarray of shape (n_samples,) or (n_samples, n_labels)
        Checked labels, or a label indicator matrix.

    Raises
    ------
    ValueError
        For a weight that is negative, NaN or infinite, a key that is not a
        class, a list for one label per text (or a dict for several), or
        weights that leave fewer than 2 classes with a non-zero weight.
    """
    if class_weight is None or isinstance(class_weight, str):
        return
    if y.ndim == 2:
        if not isinstance(class_weight, list) or len(class_weight) != y.shape[1]:
            raise ValueError(
                "For multi-label targets, class_weight must be 'balanced' or a "
                f"list of {y.shape[1]} dicts, one per label column, each "
                f"mapping 0 and 1 to a weight; got {class_weight!r}."
            )
        for column, weights in enumerate(class_weight):
            _check_weight_values(weights, f"class_weight[{column}]")
        return
    if not isinstance(class_weight, Mapping):
        raise ValueError(
            "For one label per text, class_weight must be 'balanced' or a dict "
            f"mapping classes to weights; got {class_weight!r} (lists of dicts "
            "are for multi-label targets)."
        )
    _check_weight_values(class_weight, "class_weight")
    classes = np.unique(y)
    unknown = [key for key in class_weight if key not in set(classes.tolist())]
    if unknown:
        raise ValueError(
            f"class_weight has keys {plain(unknown)} that are not classes of y, "
            f"{plain(classes)}."
        )
    weighted = [c for c in classes.tolist() if class_weight.get(c, 1) > 0]
    if len(weighted) < 2:
        given = {plain(key): plain(value) for key, value in class_weight.items()}
        raise ValueError(
            f"class_weight={given} leaves {plain(weighted)} as the only class "
            "with a non-zero weight; training needs at least 2."
        )


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
