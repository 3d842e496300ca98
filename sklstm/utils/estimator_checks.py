"""Check that estimators follow scikit-learn's conventions, text transformers included.

scikit-learn's :func:`~sklearn.utils.estimator_checks.parametrize_with_checks`
feeds numeric arrays to every estimator, so it cannot exercise a transformer
whose input is raw text. This module offers two things:

- :func:`expected_failed_checks`, to pass to scikit-learn's
  ``parametrize_with_checks``: the checks that sklstm's estimators fail by
  design, each with the reason, so that pytest marks them as expected failures;
- a suite of text versions of scikit-learn's API checks, for any transformer
  that takes a list of strings: :func:`parametrize_with_text_checks` for
  pytest, :func:`check_text_transformer` to run them all at once, and the
  individual ``check_text_*(name, estimator)`` functions.

Each text check clones the estimator and fits it on a built-in corpus of a few
dozen short English texts (punctuation, mixed case, repeated words, unicode and
an empty string), or on the ``corpus`` you pass. A check that does not apply to
an estimator (no ``get_feature_names_out``, no ``set_output``, sparse output
and pandas) raises :class:`unittest.SkipTest`, which pytest reports as a skip
with its reason. The checks call ``fit(X)`` without ``y``: the suite is for
unsupervised text transformers.

Use both in a test module like this; each decorated test is three lines::

    from sklearn.utils.estimator_checks import parametrize_with_checks

    from sklstm.classifier import LSTMTextClassifier
    from sklstm.tokenizer import KerasTokenizerTransformer
    from sklstm.utils.estimator_checks import (
        expected_failed_checks,
        parametrize_with_text_checks,
    )

    @parametrize_with_checks(
        [LSTMTextClassifier()], expected_failed_checks=expected_failed_checks
    )
    def test_sklearn_api(estimator, check):
        check(estimator)

    @parametrize_with_text_checks([KerasTokenizerTransformer()])
    def test_text_api(estimator, check):
        check(estimator)

Select one check with ``pytest -k check_text_pickle``.
"""

import inspect
import pickle
import re
import warnings
from contextlib import contextmanager
from functools import partial
from unittest import SkipTest

import joblib
import numpy as np
import sklearn
from scipy import sparse
from sklearn import config_context
from sklearn.base import clone
from sklearn.exceptions import NotFittedError, SkipTestWarning
from sklearn.utils import get_tags
from sklearn.utils.fixes import parse_version

__all__ = [
    "check_text_bare_str",
    "check_text_cloneable",
    "check_text_empty_data_messages",
    "check_text_fit_idempotent",
    "check_text_fit_returns_self",
    "check_text_fit_transform",
    "check_text_get_feature_names_out",
    "check_text_no_attributes_set_in_init",
    "check_text_overwrite_params",
    "check_text_pickle",
    "check_text_repr",
    "check_text_sample_order_invariance",
    "check_text_set_output_pandas",
    "check_text_subset_invariance",
    "check_text_transformer",
    "check_text_unfitted",
    "expected_failed_checks",
    "parametrize_with_text_checks",
]

_SAMPLE_WEIGHT_EQUIVALENCE = {
    "check_sample_weight_equivalence_on_dense_data": (
        "minibatch SGD is not equivalent to repeating samples (and the check "
        "feeds non-integer floats even to estimators tagged categorical)"
    ),
}
_EXPECTED_FAILURES = {
    "LSTMTextClassifier": {
        **_SAMPLE_WEIGHT_EQUIVALENCE,
        "check_class_weight_classifiers": (
            "it feeds negative floats even to estimators tagged positive_only"
        ),
    },
    "LSTMTextRegressor": _SAMPLE_WEIGHT_EQUIVALENCE,
}

# Bugs of the checks themselves in older scikit-learn, not of the estimator.
_SKLEARN_BEFORE_1_8_FAILURES = {
    "check_positive_only_tag_during_fit": (
        "scikit-learn < 1.8 computes X -= X.mean() in place on the int32 array it "
        "makes for estimators tagged categorical, and crashes before fitting"
    ),
}

# Varied on purpose: the checks must see what real text throws at a tokenizer.
_CORPUS = (
    "The cat sat on the mat.",
    "the CAT sat on the MAT!",
    "Dogs chase cats; cats chase mice.",
    "A quick brown fox jumps over the lazy dog.",
    "Is this the real life? Is this just fantasy?",
    "buy buy buy now now now",
    "Call 0800-123-456 to claim your FREE prize!!!",
    "I'm not sure it's working, isn't it?",
    "Café crème brûlée: a naïve façade, déjà vu.",
    "Tokyo 東京 and Zürich are both cities.",
    "",
    "OK",
    "email me at someone@example.com, thanks",
    "Rain, rain, go away; come again another day.",
    "to be or not to be, that is the question",
    "It was the best of times, it was the worst of times.",
    "The meeting is at 10:30 a.m. on Monday.",
    "WOW!!! This is AMAZING!!!",
    "the the the the the",
    "Can't stop, won't stop.",
    "Numbers like 3.14 and 42 appear here.",
    "Hello, world!",
    "hello WORLD",
    "Emoji 😀 make text harder 🎉",
    "Tabs\tand\nnewlines   and  spaces.",
    "She sells sea shells by the sea shore.",
    "Free entry in 2 a weekly competition!",
    "Let's grab lunch tomorrow?",
    "The stock market fell 3% today.",
    "Scientists discover water on a distant planet.",
    "Team wins the championship after extra time.",
    "New phone released with a bigger screen.",
    "Please review the attached report before Friday.",
    "(parentheses) [brackets] {braces} <angles>",
    "\"Quoted\" and 'single quoted' words",
    "Über-long compound words: Donaudampfschifffahrt.",
)

_MISSING = object()


def _validate_corpus(corpus):
    """``corpus`` as a list of at least two texts; the built-in one for None."""
    if corpus is None:
        return list(_CORPUS)
    if isinstance(corpus, str):
        raise ValueError(
            "corpus must be a list of texts, got a single str; wrap it in a list."
        )
    corpus = list(corpus)
    not_str = [type(text).__name__ for text in corpus if not isinstance(text, str)]
    if not_str:
        raise TypeError(f"corpus must contain only str, got {sorted(set(not_str))}.")
    if len(corpus) < 2:
        raise ValueError(
            f"corpus must hold at least 2 texts, got {len(corpus)}: the checks "
            "split and reorder it."
        )
    return corpus


def _fresh(estimator):
    """An unfitted clone of ``estimator`` with its ``random_state`` fixed."""
    estimator = clone(estimator)
    if "random_state" in estimator.get_params():
        estimator.set_params(random_state=0)
    return estimator


def _fitted(estimator, corpus):
    """A fresh clone fitted on ``corpus``; does not rely on ``fit`` returning self."""
    estimator = _fresh(estimator)
    estimator.fit(corpus)
    return estimator


def _as_array(output):
    """A transform output (ndarray, sparse matrix, DataFrame, lists) as 2-D ndarray."""
    if sparse.issparse(output):
        array = output.toarray()
    elif hasattr(output, "to_numpy"):
        array = output.to_numpy()
    else:
        array = np.asarray(output)
    if array.ndim != 2:
        raise AssertionError(
            f"transform should return a 2-D output (one row per text), got an "
            f"output of shape {array.shape}."
        )
    return array


def _assert_same_output(actual, expected, message):
    """Fail with ``message`` unless two transform outputs hold the same values."""
    actual, expected = _as_array(actual), _as_array(expected)
    if actual.shape != expected.shape:
        raise AssertionError(
            f"{message} Shapes differ: {actual.shape} != {expected.shape}."
        )
    both_numeric = all(np.issubdtype(a.dtype, np.number) for a in (actual, expected))
    if both_numeric:
        np.testing.assert_allclose(
            actual, expected, rtol=1e-7, atol=1e-9, err_msg=message
        )
    else:
        np.testing.assert_array_equal(actual, expected, err_msg=message)


@contextmanager
def _assert_raises(expected, message, match=None):
    """Fail with ``message`` unless the block raises ``expected`` matching ``match``."""
    try:
        yield
    except expected as exc:
        if match is None or re.search(match, str(exc), flags=re.IGNORECASE):
            return
        raise AssertionError(f"{message} Got {type(exc).__name__}: {exc}") from exc
    except Exception as exc:
        raise AssertionError(f"{message} Got {type(exc).__name__}: {exc}") from exc
    raise AssertionError(f"{message} Nothing was raised.")


def _assert_stored_verbatim(name, estimator, params):
    """Fail unless each attribute of ``estimator`` *is* the value in ``params``."""
    changed = [
        param
        for param, value in params.items()
        if getattr(estimator, param, _MISSING) is not value
    ]
    if changed:
        raise AssertionError(
            f"{name}.__init__ does not store the parameters {changed} as given. "
            "Store every parameter verbatim and validate or convert it in fit, so "
            "that clone and set_params work."
        )


def _fingerprints(params):
    """A value per parameter that changes when the parameter changes or mutates."""
    fingerprints = {}
    for param, value in params.items():
        try:
            fingerprints[param] = joblib.hash(value)
        except Exception:  # unpicklable, e.g. a lambda tokenizer: compare identity
            fingerprints[param] = id(value)
    return fingerprints


def _signature_defaults(estimator_class):
    """The default of every ``__init__`` parameter, or None if one has none."""
    parameters = inspect.signature(estimator_class.__init__).parameters.values()
    named = [p for p in parameters if p.name != "self" and p.kind != p.VAR_KEYWORD]
    if any(p.default is p.empty for p in named):
        return None
    return {p.name: p.default for p in named}


def check_text_cloneable(name, estimator):
    """Check that :func:`sklearn.base.clone` can copy the estimator.

    Parameters
    ----------
    name : str
        Name of the estimator, used in failure messages.
    estimator : estimator instance
        The transformer to check; it is not modified.

    Raises
    ------
    AssertionError
        If cloning raises.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklstm.utils.estimator_checks import check_text_cloneable
    >>> check_text_cloneable("CountVectorizer", CountVectorizer())
    """
    try:
        clone(estimator)
    except Exception as exc:
        raise AssertionError(
            f"Cloning {name} failed with {type(exc).__name__}: {exc}. Store every "
            "__init__ parameter as an attribute of the same name, unchanged."
        ) from exc


def check_text_repr(name, estimator):
    """Check that the estimator, unfitted and cloned, has a working ``repr``.

    Parameters
    ----------
    name : str
        Name of the estimator, used in failure messages.
    estimator : estimator instance
        The transformer to check; it is not modified.

    Raises
    ------
    AssertionError
        If ``repr`` raises or does not start with the class name.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklstm.utils.estimator_checks import check_text_repr
    >>> check_text_repr("CountVectorizer", CountVectorizer(lowercase=False))
    """
    estimator = clone(estimator)
    try:
        text = repr(estimator)
    except Exception as exc:
        raise AssertionError(
            f"repr({name}(...)) failed with {type(exc).__name__}: {exc}."
        ) from exc
    class_name = type(estimator).__name__
    if not text.startswith(class_name):
        raise AssertionError(
            f"repr of {name} should start with {class_name!r}, got {text!r}."
        )


def check_text_no_attributes_set_in_init(name, estimator):
    """Check that ``__init__`` stores its parameters verbatim and nothing else.

    Parameters
    ----------
    name : str
        Name of the estimator, used in failure messages.
    estimator : estimator instance
        The transformer to check; it is not modified.

    Raises
    ------
    AssertionError
        If ``__init__`` sets a public attribute that is not a parameter, misses
        a parameter, or stores a parameter (given or default) modified.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklstm.utils.estimator_checks import (
    ...     check_text_no_attributes_set_in_init)
    >>> check_text_no_attributes_set_in_init("CountVectorizer", CountVectorizer())
    """
    try:
        params = estimator.get_params(deep=False)
    except AttributeError as exc:
        raise AssertionError(
            f"{name}.get_params failed: {exc}. __init__ should store each "
            "parameter as an attribute of the same name."
        ) from exc
    rebuilt = type(estimator)(**params)
    extra = sorted(
        a for a in vars(rebuilt) if a not in params and not a.startswith("_")
    )
    if extra:
        raise AssertionError(
            f"{name}.__init__ sets {extra}, which are not parameters. __init__ "
            "should only store its parameters; set fitted attributes in fit."
        )
    _assert_stored_verbatim(name, rebuilt, params)
    defaults = _signature_defaults(type(estimator))
    if defaults is not None:
        _assert_stored_verbatim(name, type(estimator)(), defaults)


def check_text_fit_returns_self(name, estimator, *, corpus=None):
    """Check that ``fit`` returns the estimator itself.

    Parameters
    ----------
    name : str
        Name of the estimator, used in failure messages.
    estimator : estimator instance
        The transformer to check; a clone is fitted, not ``estimator``.
    corpus : list of str, default=None
        Texts to fit on; None uses the module's built-in corpus.

    Raises
    ------
    AssertionError
        If ``fit`` returns anything but the estimator it was called on.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklstm.utils.estimator_checks import check_text_fit_returns_self
    >>> check_text_fit_returns_self("CountVectorizer", CountVectorizer())
    """
    corpus = _validate_corpus(corpus)
    fresh = _fresh(estimator)
    if fresh.fit(corpus) is not fresh:
        raise AssertionError(f"{name}.fit should return self, to allow chaining.")


def check_text_overwrite_params(name, estimator, *, corpus=None):
    """Check that ``fit`` neither changes nor mutates the parameters.

    Parameters
    ----------
    name : str
        Name of the estimator, used in failure messages.
    estimator : estimator instance
        The transformer to check; a clone is fitted, not ``estimator``.
    corpus : list of str, default=None
        Texts to fit on; None uses the module's built-in corpus.

    Raises
    ------
    AssertionError
        If a parameter's value differs after ``fit``: its :func:`joblib.hash`,
        or its identity where it cannot be pickled.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklstm.utils.estimator_checks import check_text_overwrite_params
    >>> check_text_overwrite_params("CountVectorizer", CountVectorizer())
    """
    corpus = _validate_corpus(corpus)
    fresh = _fresh(estimator)
    before = _fingerprints(fresh.get_params())
    fresh.fit(corpus)
    after = _fingerprints(fresh.get_params())
    changed = sorted(param for param in before if after.get(param) != before[param])
    if changed:
        raise AssertionError(
            f"{name}.fit changed the parameters {changed}. Keep parameters as the "
            "user set them; store derived values in fitted attributes ending in _."
        )


def check_text_unfitted(name, estimator, *, corpus=None):
    """Check that ``transform`` before ``fit`` raises ``NotFittedError``.

    Parameters
    ----------
    name : str
        Name of the estimator, used in failure messages.
    estimator : estimator instance
        The transformer to check; a clone is used, not ``estimator``.
    corpus : list of str, default=None
        Texts to transform; None uses the module's built-in corpus.

    Raises
    ------
    AssertionError
        If ``transform`` on an unfitted clone does not raise
        :class:`~sklearn.exceptions.NotFittedError`.
    unittest.SkipTest
        If the estimator's tags say that it does not require fitting.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklstm.utils.estimator_checks import check_text_unfitted
    >>> check_text_unfitted("CountVectorizer", CountVectorizer())
    """
    corpus = _validate_corpus(corpus)
    if not get_tags(estimator).requires_fit:
        raise SkipTest(f"{name} is stateless: its tags say requires_fit=False.")
    message = (
        f"{name}.transform before fit should raise NotFittedError; call "
        "sklearn.utils.validation.check_is_fitted(self) first thing in transform."
    )
    with _assert_raises(NotFittedError, message):
        _fresh(estimator).transform(corpus)


def check_text_pickle(name, estimator, *, corpus=None):
    """Check that a pickled and unpickled estimator transforms identically.

    Parameters
    ----------
    name : str
        Name of the estimator, used in failure messages.
    estimator : estimator instance
        The transformer to check; a clone is fitted, not ``estimator``.
    corpus : list of str, default=None
        Texts to fit on and transform; None uses the module's built-in corpus.

    Raises
    ------
    AssertionError
        If the round trip changes the output of ``transform``.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklstm.utils.estimator_checks import check_text_pickle
    >>> check_text_pickle("CountVectorizer", CountVectorizer())
    """
    corpus = _validate_corpus(corpus)
    fitted = _fitted(estimator, corpus)
    expected = fitted.transform(corpus)
    restored = pickle.loads(pickle.dumps(fitted))
    _assert_same_output(
        restored.transform(corpus),
        expected,
        f"{name} transforms differently after a pickle round trip.",
    )


def check_text_fit_idempotent(name, estimator, *, corpus=None):
    """Check that refitting forgets the previous fit.

    The estimator is fitted on the even-numbered texts, then on the odd ones,
    then on the even ones again: the last fit must transform exactly like the
    first. An estimator whose vocabulary grows across calls to ``fit`` fails.

    Parameters
    ----------
    name : str
        Name of the estimator, used in failure messages.
    estimator : estimator instance
        The transformer to check; a clone is fitted, not ``estimator``.
    corpus : list of str, default=None
        Texts to fit on and transform; None uses the module's built-in corpus.

    Raises
    ------
    AssertionError
        If the outputs of the first and the last fit differ.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklstm.utils.estimator_checks import check_text_fit_idempotent
    >>> check_text_fit_idempotent("CountVectorizer", CountVectorizer())
    """
    corpus = _validate_corpus(corpus)
    first, other = corpus[::2], corpus[1::2]
    refitted = _fitted(estimator, first)
    expected = refitted.transform(corpus)
    refitted.fit(other)
    refitted.fit(first)
    _assert_same_output(
        refitted.transform(corpus),
        expected,
        f"{name}.fit is not idempotent: fitting again on the same texts after "
        "fitting on others changed the output. fit should start from scratch.",
    )


def check_text_fit_transform(name, estimator, *, corpus=None):
    """Check that ``fit_transform`` equals ``fit`` followed by ``transform``.

    Parameters
    ----------
    name : str
        Name of the estimator, used in failure messages.
    estimator : estimator instance
        The transformer to check; clones are fitted, not ``estimator``.
    corpus : list of str, default=None
        Texts to fit on and transform; None uses the module's built-in corpus.

    Raises
    ------
    AssertionError
        If the two outputs differ.
    unittest.SkipTest
        If the estimator has no ``fit_transform``.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklstm.utils.estimator_checks import check_text_fit_transform
    >>> check_text_fit_transform("TfidfVectorizer", TfidfVectorizer())
    """
    corpus = _validate_corpus(corpus)
    if not hasattr(estimator, "fit_transform"):
        raise SkipTest(f"{name} has no fit_transform.")
    _assert_same_output(
        _fresh(estimator).fit_transform(corpus),
        _fitted(estimator, corpus).transform(corpus),
        f"{name}.fit_transform(X) differs from {name}.fit(X).transform(X).",
    )


def check_text_get_feature_names_out(name, estimator, *, corpus=None):
    """Check that ``get_feature_names_out`` names every output column.

    Parameters
    ----------
    name : str
        Name of the estimator, used in failure messages.
    estimator : estimator instance
        The transformer to check; a clone is fitted, not ``estimator``.
    corpus : list of str, default=None
        Texts to fit on and transform; None uses the module's built-in corpus.

    Raises
    ------
    AssertionError
        If the names are not an object ndarray of str with one name per column
        of the output of ``transform``.
    unittest.SkipTest
        If the estimator has no ``get_feature_names_out``.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklstm.utils.estimator_checks import check_text_get_feature_names_out
    >>> check_text_get_feature_names_out("CountVectorizer", CountVectorizer())
    """
    corpus = _validate_corpus(corpus)
    if not hasattr(estimator, "get_feature_names_out"):
        raise SkipTest(f"{name} has no get_feature_names_out.")
    fitted = _fitted(estimator, corpus)
    names = fitted.get_feature_names_out()
    if not (isinstance(names, np.ndarray) and names.dtype == object):
        raise AssertionError(
            f"{name}.get_feature_names_out should return an ndarray of dtype "
            f"object, got {type(names).__name__} {getattr(names, 'dtype', '')}."
        )
    if not all(isinstance(feature, str) for feature in names):
        raise AssertionError(f"{name}.get_feature_names_out should return str names.")
    n_columns = _as_array(fitted.transform(corpus)).shape[1]
    if len(names) != n_columns:
        raise AssertionError(
            f"{name}.get_feature_names_out returned {len(names)} names for "
            f"{n_columns} output columns."
        )


def check_text_set_output_pandas(name, estimator, *, corpus=None):
    """Check that ``set_output(transform="pandas")`` gives a labelled DataFrame.

    Both ``transform`` and ``fit_transform`` must return a pandas DataFrame
    whose columns are ``get_feature_names_out()`` and whose values are those
    of the default output.

    Parameters
    ----------
    name : str
        Name of the estimator, used in failure messages.
    estimator : estimator instance
        The transformer to check; clones are fitted, not ``estimator``.
    corpus : list of str, default=None
        Texts to fit on and transform; None uses the module's built-in corpus.

    Raises
    ------
    AssertionError
        If the output is not such a DataFrame or ``set_output`` does not
        return self.
    unittest.SkipTest
        If pandas is missing, the estimator has no ``set_output``, or its
        default output is sparse (which pandas output does not support).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.preprocessing import FunctionTransformer
    >>> from sklstm.utils.estimator_checks import check_text_set_output_pandas
    >>> lengths = FunctionTransformer(
    ...     lambda texts: np.array([[len(t), len(t.split())] for t in texts]),
    ...     feature_names_out=lambda transformer, names: np.array(
    ...         ["n_chars", "n_words"], dtype=object))
    >>> check_text_set_output_pandas("FunctionTransformer", lengths)
    """
    corpus = _validate_corpus(corpus)
    try:
        import pandas as pd
    except ImportError as exc:
        raise SkipTest("pandas is not installed.") from exc
    if not hasattr(estimator, "set_output"):
        raise SkipTest(f"{name} has no set_output.")
    fitted = _fitted(estimator, corpus)
    default = fitted.transform(corpus)
    if sparse.issparse(default):
        raise SkipTest(f"{name} outputs a sparse matrix; pandas output needs dense.")
    if fitted.set_output(transform="pandas") is not fitted:
        raise AssertionError(f"{name}.set_output should return self.")
    frames = {
        "transform": fitted.transform(corpus),
        "fit_transform": _fresh(estimator)
        .set_output(transform="pandas")
        .fit_transform(corpus),
    }
    names = list(fitted.get_feature_names_out())
    for method, frame in frames.items():
        if not isinstance(frame, pd.DataFrame):
            raise AssertionError(
                f"{name}.{method} should return a pandas DataFrame after "
                f'set_output(transform="pandas"), got {type(frame).__name__}.'
            )
        if list(frame.columns) != names:
            raise AssertionError(
                f"The columns of {name}.{method}'s DataFrame should be "
                "get_feature_names_out()."
            )
        _assert_same_output(
            frame, default, f"{name}.{method}'s DataFrame holds different values."
        )


def check_text_sample_order_invariance(name, estimator, *, corpus=None):
    """Check that reordering the texts reorders the rows of ``transform``.

    Parameters
    ----------
    name : str
        Name of the estimator, used in failure messages.
    estimator : estimator instance
        The transformer to check; a clone is fitted, not ``estimator``.
    corpus : list of str, default=None
        Texts to fit on and transform; None uses the module's built-in corpus.

    Raises
    ------
    AssertionError
        If ``transform`` of the reordered texts (a random order and a
        rotation) is not the reordered output.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklstm.utils.estimator_checks import (
    ...     check_text_sample_order_invariance)
    >>> check_text_sample_order_invariance("CountVectorizer", CountVectorizer())
    """
    corpus = _validate_corpus(corpus)
    fitted = _fitted(estimator, corpus)
    full = _as_array(fitted.transform(corpus))
    # A rotation is never the identity, even for two texts; a random order
    # is not an involution the way a reversal is.
    orders = (
        np.random.RandomState(0).permutation(len(corpus)),
        np.roll(np.arange(len(corpus)), 1),
    )
    for order in orders:
        _assert_same_output(
            fitted.transform([corpus[i] for i in order]),
            full[order],
            f"{name}.transform is not invariant to the order of the texts: row i "
            "must depend on text i only.",
        )


def check_text_subset_invariance(name, estimator, *, corpus=None):
    """Check that transforming one text gives its row of the whole output.

    Parameters
    ----------
    name : str
        Name of the estimator, used in failure messages.
    estimator : estimator instance
        The transformer to check; a clone is fitted, not ``estimator``.
    corpus : list of str, default=None
        Texts to fit on and transform; None uses the module's built-in corpus.

    Raises
    ------
    AssertionError
        If ``transform([text])`` differs from the row of ``text`` in the
        output for the whole corpus, for any text.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklstm.utils.estimator_checks import check_text_subset_invariance
    >>> check_text_subset_invariance("CountVectorizer", CountVectorizer())
    """
    corpus = _validate_corpus(corpus)
    fitted = _fitted(estimator, corpus)
    full = _as_array(fitted.transform(corpus))
    for i, text in enumerate(corpus):
        _assert_same_output(
            fitted.transform([text]),
            full[[i]],
            f"{name}.transform([corpus[{i}]]) differs from row {i} of "
            f"{name}.transform(corpus): the output must not depend on the other "
            "texts in the batch (for example, pad to a length fixed in fit, not "
            "to the longest text of the batch).",
        )


def check_text_empty_data_messages(name, estimator):
    """Check that fitting on no texts raises a ``ValueError`` that says so.

    Parameters
    ----------
    name : str
        Name of the estimator, used in failure messages.
    estimator : estimator instance
        The transformer to check; a clone is used, not ``estimator``.

    Raises
    ------
    AssertionError
        If ``fit([])`` does not raise a ``ValueError`` whose message mentions
        "empty" or "0 samples".

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklstm.utils.estimator_checks import check_text_empty_data_messages
    >>> check_text_empty_data_messages("CountVectorizer", CountVectorizer())
    """
    message = (
        f"{name}.fit([]) should raise a ValueError saying that there is no text "
        "(mentioning 'empty' or '0 samples')."
    )
    with _assert_raises(ValueError, message, match=r"empty|\b0 sample"):
        _fresh(estimator).fit([])


def check_text_bare_str(name, estimator, *, corpus=None):
    """Check that ``fit`` and ``transform`` reject a single str.

    A str is an iterable of characters, so a transformer that does not check
    would silently treat each character as a text.

    Parameters
    ----------
    name : str
        Name of the estimator, used in failure messages.
    estimator : estimator instance
        The transformer to check; a clone is used, not ``estimator``.
    corpus : list of str, default=None
        Texts to fit on before calling ``transform``; None uses the module's
        built-in corpus.

    Raises
    ------
    AssertionError
        If ``fit`` or ``transform`` on a str raises neither ``ValueError`` nor
        ``TypeError``.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklstm.utils.estimator_checks import check_text_bare_str
    >>> check_text_bare_str("CountVectorizer", CountVectorizer())
    """
    corpus = _validate_corpus(corpus)
    text = "a single text, where a list of texts is expected"
    for method, target in (
        ("fit", _fresh(estimator)),
        ("transform", _fitted(estimator, corpus)),
    ):
        message = (
            f"{name}.{method}(str) should raise ValueError or TypeError: a bare "
            "str is not a list of texts."
        )
        with _assert_raises((ValueError, TypeError), message):
            getattr(target, method)(text)


_TEXT_CHECKS = (
    check_text_cloneable,
    check_text_repr,
    check_text_no_attributes_set_in_init,
    check_text_fit_returns_self,
    check_text_overwrite_params,
    check_text_unfitted,
    check_text_pickle,
    check_text_fit_idempotent,
    check_text_fit_transform,
    check_text_get_feature_names_out,
    check_text_set_output_pandas,
    check_text_sample_order_invariance,
    check_text_subset_invariance,
    check_text_empty_data_messages,
    check_text_bare_str,
)


def _bind(check, name, corpus):
    """``check`` with its name, and the corpus where it takes one, bound."""
    if "corpus" in inspect.signature(check).parameters:
        return partial(check, name, corpus=corpus)
    return partial(check, name)


def _text_checks(estimator, corpus):
    """Yield ``(check_name, check)`` for every text check, ready to call."""
    name = type(estimator).__name__
    for check in _TEXT_CHECKS:
        yield check.__name__, _bind(check, name, corpus)


def _estimator_id(estimator):
    """The estimator's repr without whitespace, as in scikit-learn's test ids."""
    try:
        with config_context(print_changed_only=True):
            return re.sub(r"\s", "", repr(estimator))
    except Exception:  # a broken repr is check_text_repr's to report, not the id's
        return type(estimator).__name__


def _sklstm_estimator_name(estimator):
    """ "LSTMTextClassifier" or "LSTMTextRegressor" for them and subclasses, else None.

    By name along the MRO rather than isinstance, so that looking at any other
    estimator never imports Keras.
    """
    for cls in type(estimator).__mro__:
        if cls.__name__ in _EXPECTED_FAILURES and cls.__module__.startswith("sklstm."):
            return cls.__name__
    return None


def expected_failed_checks(estimator):
    """The scikit-learn checks that ``estimator`` is known to fail, with reasons.

    Pass this function to scikit-learn's ``parametrize_with_checks`` (which
    calls it with each estimator) so that these checks are marked as expected
    failures, or call it and pass the dict to ``check_estimator``.

    Parameters
    ----------
    estimator : estimator instance
        The estimator about to be checked.

    Returns
    -------
    dict of str to str
        ``{check_name: reason}``: two entries for
        :class:`~sklstm.LSTMTextClassifier`, one for
        :class:`~sklstm.LSTMTextRegressor` (and their subclasses), plus one
        on scikit-learn < 1.8, whose
        ``check_positive_only_tag_during_fit`` crashes on integer input; none
        for any other estimator.

    See Also
    --------
    sklearn.utils.estimator_checks.parametrize_with_checks : Where to use it.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.utils.estimator_checks import parametrize_with_checks
    >>> from sklstm.utils.estimator_checks import expected_failed_checks
    >>> expected_failed_checks(CountVectorizer())
    {}
    >>> @parametrize_with_checks([LogisticRegression()],
    ...                          expected_failed_checks=expected_failed_checks)
    ... def test_sklearn_api(estimator, check):
    ...     check(estimator)
    """
    name = _sklstm_estimator_name(estimator)
    if name is None:
        return {}
    failures = dict(_EXPECTED_FAILURES[name])
    if parse_version(sklearn.__version__) < parse_version("1.8"):
        failures.update(_SKLEARN_BEFORE_1_8_FAILURES)
    return failures


def parametrize_with_text_checks(
    estimators, *, corpus=None, expected_failed_checks=None
):
    """Parametrize a pytest test over every text check of every estimator.

    The text-input counterpart of scikit-learn's
    :func:`~sklearn.utils.estimator_checks.parametrize_with_checks`. Test ids
    read ``<estimator repr>-<check name>``, for example
    ``CountVectorizer()-check_text_fit_returns_self``, so ``pytest -k`` can
    select checks or estimators.

    Parameters
    ----------
    estimators : list of estimator instances
        Transformers whose input is a list of str.
    corpus : list of str, default=None
        Texts the checks fit on and transform; None uses the module's
        built-in corpus of a few dozen varied short English texts.
    expected_failed_checks : callable, default=None
        Called with each estimator, it returns ``{check_name: reason}`` for
        the checks to mark as expected failures (``pytest.mark.xfail``).

    Returns
    -------
    decorator : pytest.mark.parametrize
        Parametrizes the arguments ``estimator`` and ``check``; the test calls
        ``check(estimator)``.

    Raises
    ------
    TypeError
        If an estimator is a class instead of an instance.

    See Also
    --------
    check_text_transformer : Run all the checks at once, without pytest.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklstm.utils.estimator_checks import parametrize_with_text_checks
    >>> @parametrize_with_text_checks([CountVectorizer()])
    ... def test_text_api(estimator, check):
    ...     check(estimator)
    """
    import pytest

    if any(isinstance(estimator, type) for estimator in estimators):
        raise TypeError("Pass estimator instances, not classes: CountVectorizer().")
    corpus = _validate_corpus(corpus)
    params = []
    for estimator in estimators:
        expected = expected_failed_checks(estimator) if expected_failed_checks else {}
        for check_name, check in _text_checks(estimator, corpus):
            reason = expected.get(check_name)
            params.append(
                pytest.param(
                    estimator,
                    check,
                    marks=[pytest.mark.xfail(reason=reason)] if reason else [],
                    id=f"{_estimator_id(estimator)}-{check_name}",
                )
            )
    return pytest.mark.parametrize("estimator, check", params)


def check_text_transformer(estimator, *, corpus=None, expected_failed_checks=None):
    """Run every text check on a transformer whose input is a list of str.

    The text-input counterpart of scikit-learn's
    :func:`~sklearn.utils.estimator_checks.check_estimator`. The first failing
    check raises; checks that do not apply, and expected failures, are
    skipped with a :class:`~sklearn.exceptions.SkipTestWarning`.

    Parameters
    ----------
    estimator : estimator instance
        The transformer to check; only clones of it are fitted.
    corpus : list of str, default=None
        Texts the checks fit on and transform; None uses the module's
        built-in corpus of a few dozen varied short English texts.
    expected_failed_checks : dict of str to str, default=None
        ``{check_name: reason}`` for checks to skip because they are known to
        fail.

    Raises
    ------
    AssertionError
        From the first check that fails.

    See Also
    --------
    parametrize_with_text_checks : One pytest test per check.

    Examples
    --------
    >>> import warnings
    >>> from sklearn.feature_extraction.text import CountVectorizer
    >>> from sklstm.utils.estimator_checks import check_text_transformer
    >>> with warnings.catch_warnings(record=True) as skipped:
    ...     warnings.simplefilter("always")
    ...     check_text_transformer(CountVectorizer())
    >>> [str(warning.message) for warning in skipped]
    ['CountVectorizer has no set_output.']
    """
    corpus = _validate_corpus(corpus)
    expected = expected_failed_checks or {}
    for check_name, check in _text_checks(estimator, corpus):
        if check_name in expected:
            warnings.warn(
                f"Skipping {check_name} for {type(estimator).__name__}: "
                f"{expected[check_name]}",
                SkipTestWarning,
                stacklevel=2,
            )
            continue
        try:
            check(estimator)
        except SkipTest as exc:
            warnings.warn(str(exc), SkipTestWarning, stacklevel=2)
