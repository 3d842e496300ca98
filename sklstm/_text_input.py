"""Validation of raw-text input shared by the text estimators and their checks.

Text estimators take a one-dimensional collection of documents rather than the
2-D numeric array :func:`sklearn.utils.check_array` expects, so they validate
their input here: one place that turns every accepted container into a plain
``list`` of ``str`` and words every rejection the same way.

pandas is not imported here: a pandas object can only reach this module once
its caller imported pandas, so the module looks it up in ``sys.modules``. The
serving predictor (:mod:`sklstm.serving`) checks its texts here too, in a
process that has NumPy but neither pandas nor scikit-learn.
"""

import math
import sys

import numpy as np

_ACCEPTED = (
    "a list, tuple, 1-D numpy array or pandas Series of str, or a one-column DataFrame"
)


def _imported_pandas():
    """pandas, if this process imported it; else None."""
    return sys.modules.get("pandas")


def _as_list(X, name):
    """The entries of a supported container, in order, as a list."""
    pd = _imported_pandas()
    if isinstance(X, str):
        # ValueError, as CountVectorizer raises for the same mistake.
        raise ValueError(
            f"{name} is a single string; expected {_ACCEPTED}. "
            f"Wrap a single text in a list: [{name}]."
        )
    if pd is not None and isinstance(X, pd.DataFrame):
        if X.shape[1] != 1:
            raise ValueError(
                f"{name} is a DataFrame with {X.shape[1]} columns "
                f"{list(X.columns)}; expected one text column. Select it first, "
                f"e.g. {name}['text'], or route it with a ColumnTransformer."
            )
        return X.iloc[:, 0].tolist()
    if pd is not None and isinstance(X, pd.Series):
        return X.tolist()
    if isinstance(X, np.ndarray):
        return _array_as_list(X, name)
    if isinstance(X, (list, tuple)):
        return list(X)
    raise TypeError(
        f"{name} is of type {type(X).__name__}; expected {_ACCEPTED}. "
        f"Convert it first, e.g. list({name})."
    )


def _array_as_list(X, name):
    """The texts of a 1-D array, or of a 2-D array with one column."""
    if X.ndim == 2 and X.shape[1] == 1:
        return X[:, 0].tolist()
    if X.ndim != 1:
        raise ValueError(
            f"{name} is a numpy array of shape {X.shape}; expected a 1-D array "
            f"of texts. Pass the text column alone, e.g. {name}[:, 0]."
        )
    return X.tolist()


def _is_missing(value):
    """Whether ``value`` is one of the usual missing-value markers."""
    pd = _imported_pandas()
    if pd is not None:
        return pd.api.types.is_scalar(value) and bool(pd.isna(value))
    return value is None or (isinstance(value, float) and math.isnan(value))


def _check_entry(value, position, name):
    """Raise the error that explains why ``value`` is not a text."""
    where = f"Entry {position} of {name} (0-based position)"
    if _is_missing(value):
        raise ValueError(
            f"{where} is {value!r}, a missing value; expected str. "
            "Drop or fill missing texts first, e.g. with .fillna('')."
        )
    shown = repr(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    raise TypeError(
        f"{where} is of type {type(value).__name__} ({shown}); expected str. "
        "Decode bytes or convert the entries with str() first."
    )


def check_texts(X, name="X"):
    """Validate a collection of raw texts and return it as a list of str.

    Parameters
    ----------
    X : list, tuple, ndarray, pandas Series or DataFrame
        The texts: a list, tuple, 1-D numpy array or pandas Series whose
        entries are all ``str``, or a DataFrame (or 2-D array) with exactly
        one such column.
    name : str, default="X"
        The name error messages use for ``X``.

    Returns
    -------
    texts : list of str
        The texts in their original order. It is a new list, so the caller
        may keep it without aliasing ``X``.

    Raises
    ------
    ValueError
        If ``X`` is a bare string, is empty, has more than one column, or
        holds a missing value (``None``, ``NaN``, ``pd.NA``); the message
        gives the position of the first missing entry.
    TypeError
        If ``X`` is of an unsupported type, or an entry is not a ``str``; the
        message gives the position and type of the first such entry.

    Examples
    --------
    >>> from sklstm._text_input import check_texts
    >>> check_texts(("good film", "bad film"))
    ['good film', 'bad film']
    >>> check_texts(["fine", None])
    Traceback (most recent call last):
        ...
    ValueError: Entry 1 of X (0-based position) is None, a missing value; ...
    """
    texts = _as_list(X, name)
    if not texts:
        raise ValueError(f"{name} is empty; expected at least one text.")
    if not all(isinstance(text, str) for text in texts):
        position, value = next(
            (i, text) for i, text in enumerate(texts) if not isinstance(text, str)
        )
        _check_entry(value, position, name)
    return texts
