"""Tests for sklstm.utils.estimator_checks.

``BagOfWords`` below plays the third-party text transformer: it follows every
convention, so each check passes on it, and each ``Broken*`` subclass breaks
exactly one convention, so the check for it is shown to fail (no check is
vacuous).
"""

import re
import warnings
from collections import Counter
from unittest import SkipTest

import numpy as np
import pytest
import sklearn
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import SkipTestWarning
from sklearn.feature_extraction.text import (
    CountVectorizer,
    HashingVectorizer,
    TfidfVectorizer,
)
from sklearn.utils import estimator_checks as sklearn_checks
from sklearn.utils.fixes import parse_version
from sklearn.utils.validation import check_is_fitted

from sklstm.tokenizer import KerasTokenizerTransformer
from sklstm.utils import estimator_checks
from sklstm.utils.estimator_checks import (
    check_text_bare_str,
    check_text_cloneable,
    check_text_empty_data_messages,
    check_text_fit_idempotent,
    check_text_fit_returns_self,
    check_text_fit_transform,
    check_text_get_feature_names_out,
    check_text_no_attributes_set_in_init,
    check_text_overwrite_params,
    check_text_pickle,
    check_text_repr,
    check_text_sample_order_invariance,
    check_text_set_output_pandas,
    check_text_subset_invariance,
    check_text_transformer,
    check_text_unfitted,
    expected_failed_checks,
    parametrize_with_text_checks,
)

ALL_CHECK_NAMES = sorted(
    name
    for name in estimator_checks.__all__
    if name.startswith("check_text_") and name != "check_text_transformer"
)


class BagOfWords(TransformerMixin, BaseEstimator):
    """Word counts over a vocabulary learnt in fit; dense output."""

    def __init__(self, *, lowercase=True, max_features=None):
        self.lowercase = lowercase
        self.max_features = max_features

    def _validate(self, X):
        if isinstance(X, str):
            raise ValueError("Expected a list of texts, got a single str.")
        X = list(X)
        if not X:
            raise ValueError("Found an empty list of texts (0 samples).")
        return X

    def _words(self, text):
        return re.findall(r"\w+", text.lower() if self.lowercase else text)

    def _count(self, X, vocabulary):
        counts = np.zeros((len(X), len(vocabulary)))
        for row, text in enumerate(X):
            for word in self._words(text):
                if word in vocabulary:
                    counts[row, vocabulary[word]] += 1
        return counts

    def fit(self, X, y=None):
        counts = Counter(w for text in self._validate(X) for w in self._words(text))
        kept = sorted(counts, key=lambda word: (-counts[word], word))
        self.vocabulary_ = {
            w: i for i, w in enumerate(sorted(kept[: self.max_features]))
        }
        return self

    def transform(self, X):
        check_is_fitted(self)
        return self._count(self._validate(X), self.vocabulary_)

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self)
        return np.array(
            sorted(self.vocabulary_, key=self.vocabulary_.get), dtype=object
        )


class BrokenCloneable(BagOfWords):
    def __init__(self, *, lowercase=True, max_features=None):
        self.lower = lowercase
        self.max_features = max_features


class BrokenRepr(BagOfWords):
    def __repr__(self, N_CHAR_MAX=700):
        raise RuntimeError("no repr")


class BrokenSetsAttributeInInit(BagOfWords):
    def __init__(self, *, lowercase=True, max_features=None):
        super().__init__(lowercase=lowercase, max_features=max_features)
        self.vocabulary_ = {}


class BrokenChangesDefaultInInit(BagOfWords):
    def __init__(self, *, lowercase=True, max_features=None):
        super().__init__(lowercase=lowercase, max_features=max_features or 1000)


class BrokenFitReturnsNone(BagOfWords):
    def fit(self, X, y=None):
        super().fit(X, y)


class BrokenOverwritesParams(BagOfWords):
    def fit(self, X, y=None):
        super().fit(X, y)
        self.max_features = len(self.vocabulary_)
        return self


class BrokenNoFitCheck(BagOfWords):
    def transform(self, X):
        return self._count(self._validate(X), getattr(self, "vocabulary_", {}))


class BrokenPickle(BagOfWords):
    def __getstate__(self):
        state = dict(super().__getstate__())
        last = len(self.vocabulary_) - 1
        state["vocabulary_"] = {w: last - i for w, i in self.vocabulary_.items()}
        return state


class BrokenAccumulatesVocabulary(BagOfWords):
    """Like the legacy Keras Tokenizer, whose fit_on_texts adds to its counts."""

    def fit(self, X, y=None):
        previous = getattr(self, "vocabulary_", {})
        super().fit(X, y)
        words = sorted(set(previous) | set(self.vocabulary_))
        self.vocabulary_ = {w: i for i, w in enumerate(words)}
        return self


class BrokenFitTransform(BagOfWords):
    def fit_transform(self, X, y=None):
        return (self.fit(X).transform(X) > 0).astype(float)


class BrokenFeatureNames(BagOfWords):
    def get_feature_names_out(self, input_features=None):
        return super().get_feature_names_out()[:-1]


class BrokenSetOutput(BagOfWords):
    def set_output(self, *, transform=None):
        return self


class BrokenSampleOrder(BagOfWords):
    def transform(self, X):
        counts = super().transform(X)
        return counts[np.argsort(counts.sum(axis=1), kind="stable")]


class BrokenSubset(BagOfWords):
    """Scales by the batch maximum: order-invariant, but not batch-invariant."""

    def transform(self, X):
        counts = super().transform(X)
        return counts / max(1.0, counts.max())


class BrokenAcceptsEmpty(BagOfWords):
    def _validate(self, X):
        if isinstance(X, str):
            raise ValueError("Expected a list of texts, got a single str.")
        return list(X)


class BrokenVagueEmptyMessage(BagOfWords):
    def fit(self, X, y=None):
        if not list(X):
            raise ValueError("bad input")
        return super().fit(X, y)


class BrokenAcceptsBareStr(BagOfWords):
    def _validate(self, X):
        X = list(X)
        if not X:
            raise ValueError("Found an empty list of texts (0 samples).")
        return X


class SparseBagOfWords(BagOfWords):
    def transform(self, X):
        return sparse.csr_matrix(super().transform(X))


class StatelessBagOfWords(BagOfWords):
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        return tags


BROKEN = [
    (check_text_cloneable, BrokenCloneable, "Cloning"),
    (check_text_repr, BrokenRepr, "no repr"),
    (check_text_no_attributes_set_in_init, BrokenSetsAttributeInInit, "vocabulary_"),
    (check_text_no_attributes_set_in_init, BrokenChangesDefaultInInit, "max_feat"),
    (check_text_fit_returns_self, BrokenFitReturnsNone, "return self"),
    (check_text_overwrite_params, BrokenOverwritesParams, "max_features"),
    (check_text_unfitted, BrokenNoFitCheck, "NotFittedError"),
    (check_text_pickle, BrokenPickle, "pickle"),
    (check_text_fit_idempotent, BrokenAccumulatesVocabulary, "idempotent"),
    (check_text_fit_transform, BrokenFitTransform, "fit_transform"),
    (check_text_get_feature_names_out, BrokenFeatureNames, "names for"),
    (check_text_set_output_pandas, BrokenSetOutput, "DataFrame"),
    (check_text_sample_order_invariance, BrokenSampleOrder, "order"),
    (check_text_subset_invariance, BrokenSubset, "batch"),
    (check_text_empty_data_messages, BrokenAcceptsEmpty, "Nothing was raised"),
    (check_text_empty_data_messages, BrokenVagueEmptyMessage, "bad input"),
    (check_text_bare_str, BrokenAcceptsBareStr, r"fit\(str\)"),
]


@parametrize_with_text_checks(
    [
        BagOfWords(),
        BagOfWords(lowercase=False, max_features=10),
        CountVectorizer(),
        CountVectorizer(ngram_range=(1, 2), max_features=30, binary=True),
        TfidfVectorizer(),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True),
        KerasTokenizerTransformer(),
        KerasTokenizerTransformer(maxlen=None, num_words=20, padding="pre"),
    ]
)
def test_text_checks_pass_on_conforming_transformers(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    "check, broken_class, message",
    BROKEN,
    ids=[f"{check.__name__}-{cls.__name__}" for check, cls, _ in BROKEN],
)
def test_each_check_fails_on_a_transformer_that_breaks_it(check, broken_class, message):
    check("BagOfWords", BagOfWords())
    with pytest.raises(AssertionError, match=message):
        check(broken_class.__name__, broken_class())


def test_every_check_runs_and_has_a_broken_transformer():
    mark = parametrize_with_text_checks([BagOfWords()])
    run = [param.values[1].func.__name__ for param in mark.args[1]]
    assert sorted(run) == ALL_CHECK_NAMES
    assert sorted({check.__name__ for check, _, _ in BROKEN}) == ALL_CHECK_NAMES


def test_bare_str_check_also_covers_transform():
    class AcceptsBareStrInTransform(BagOfWords):
        def transform(self, X):
            return super().transform([X] if isinstance(X, str) else X)

    with pytest.raises(AssertionError, match=r"transform\(str\)"):
        check_text_bare_str("Broken", AcceptsBareStrInTransform())


def test_set_output_check_covers_fit_transform():
    class PlainFitTransform(BagOfWords):
        pass

    # Set after the class is created, so scikit-learn does not wrap it to
    # honour set_output, as it wraps a fit_transform defined in a class body.
    PlainFitTransform.fit_transform = lambda self, X, y=None: np.asarray(
        self.fit(X).transform(X)
    )
    with pytest.raises(AssertionError, match="fit_transform should return a pandas"):
        check_text_set_output_pandas("Broken", PlainFitTransform())


@pytest.mark.parametrize(
    "check, estimator, reason",
    [
        (check_text_get_feature_names_out, HashingVectorizer(), "get_feature_names"),
        (check_text_set_output_pandas, CountVectorizer(), "no set_output"),
        (check_text_set_output_pandas, SparseBagOfWords(), "sparse"),
        (check_text_unfitted, StatelessBagOfWords(), "requires_fit=False"),
    ],
)
def test_checks_skip_what_the_estimator_does_not_support(check, estimator, reason):
    with pytest.raises(SkipTest, match=reason):
        check(type(estimator).__name__, estimator)


def test_parametrize_ids_read_estimator_then_check():
    mark = parametrize_with_text_checks(
        [CountVectorizer(), CountVectorizer(lowercase=False), BrokenRepr()]
    )
    ids = [param.id for param in mark.args[1]]
    n_checks = len(ALL_CHECK_NAMES)
    assert len(ids) == 3 * n_checks
    assert sorted(ids[:n_checks]) == [f"CountVectorizer()-{n}" for n in ALL_CHECK_NAMES]
    assert "CountVectorizer(lowercase=False)-check_text_fit_returns_self" in ids
    assert "BrokenRepr-check_text_repr" in ids


def test_parametrize_marks_expected_failures_as_xfail():
    def expected(estimator):
        return {"check_text_pickle": "pickles wrongly on purpose"}

    mark = parametrize_with_text_checks(
        [BrokenPickle()], expected_failed_checks=expected
    )
    marks = {param.id: param.marks for param in mark.args[1]}
    (xfail,) = marks["BrokenPickle()-check_text_pickle"]
    assert xfail.name == "xfail"
    assert xfail.kwargs["reason"] == "pickles wrongly on purpose"
    assert not marks["BrokenPickle()-check_text_repr"]


def test_parametrize_rejects_classes():
    with pytest.raises(TypeError, match="instances, not classes"):
        parametrize_with_text_checks([CountVectorizer])


def test_check_text_transformer_runs_all_and_warns_on_skips():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_text_transformer(BagOfWords())
        check_text_transformer(CountVectorizer())
    skipped = [str(w.message) for w in caught if w.category is SkipTestWarning]
    assert skipped == ["CountVectorizer has no set_output."]


def test_check_text_transformer_raises_on_the_first_failure():
    with pytest.raises(AssertionError, match="return self"):
        check_text_transformer(BrokenFitReturnsNone())


def test_check_text_transformer_skips_expected_failures():
    with pytest.warns(SkipTestWarning, match="check_text_pickle.*on purpose"):
        check_text_transformer(
            BrokenPickle(), expected_failed_checks={"check_text_pickle": "on purpose"}
        )


class RecordingBagOfWords(BagOfWords):
    """Records the texts of every fit; module-level so that it pickles."""

    fitted_on = []

    def fit(self, X, y=None):
        self.fitted_on.append(X)
        return super().fit(X, y)


def test_checks_fit_on_the_user_corpus():
    corpus = ["spam spam eggs", "Eggs and HAM", "ham"]
    RecordingBagOfWords.fitted_on.clear()
    check_text_fit_returns_self("Recording", RecordingBagOfWords(), corpus=corpus)
    assert RecordingBagOfWords.fitted_on == [corpus]
    check_text_transformer(RecordingBagOfWords(), corpus=corpus)
    lists = [X for X in RecordingBagOfWords.fitted_on if not isinstance(X, str)]
    assert {text for texts in lists for text in texts} == set(corpus)


def test_user_corpus_can_reveal_what_the_default_one_does_not():
    class BreaksOnDigits(BagOfWords):
        def transform(self, X):
            X = self._validate(X)
            if any("7" in text for text in X) and len(X) > 1:
                return super().transform(X[::-1])
            return super().transform(X)

    check_text_sample_order_invariance("BreaksOnDigits", BreaksOnDigits())
    with pytest.raises(AssertionError, match="order"):
        check_text_sample_order_invariance(
            "BreaksOnDigits", BreaksOnDigits(), corpus=["7 up", "seven", "up 7 down"]
        )


@pytest.mark.parametrize(
    "corpus, error, message",
    [
        ("one text", ValueError, "single str"),
        (["one text"], ValueError, "at least 2 texts"),
        (["text", b"bytes"], TypeError, "only str"),
    ],
)
def test_invalid_corpus_is_rejected_with_the_fix(corpus, error, message):
    with pytest.raises(error, match=message):
        check_text_pickle("BagOfWords", BagOfWords(), corpus=corpus)
    with pytest.raises(error, match=message):
        parametrize_with_text_checks([BagOfWords()], corpus=corpus)


def test_builtin_corpus_is_varied():
    RecordingBagOfWords.fitted_on.clear()
    check_text_fit_returns_self("Recording", RecordingBagOfWords())
    (corpus,) = RecordingBagOfWords.fitted_on
    assert 30 <= len(corpus) <= 60
    assert "" in corpus
    assert any(not text.isascii() for text in corpus)
    assert any(text != text.lower() and text != text.upper() for text in corpus)
    assert any(len(set(text.split())) < len(text.split()) for text in corpus)
    assert any(re.search(r"[!?;:,.]", text) for text in corpus)


SAMPLE_WEIGHT_EQUIVALENCE = {
    "check_sample_weight_equivalence_on_dense_data": (
        "minibatch SGD is not equivalent to repeating samples (and the check "
        "feeds non-integer floats even to estimators tagged categorical)"
    ),
}
LSTM_EXPECTED = {
    **SAMPLE_WEIGHT_EQUIVALENCE,
    "check_class_weight_classifiers": (
        "it feeds negative floats even to estimators tagged positive_only"
    ),
}
# scikit-learn < 1.8's own check crashes on the int32 input it builds.
OLD_SKLEARN_EXPECTED = (
    {"check_positive_only_tag_during_fit"}
    if parse_version(sklearn.__version__) < parse_version("1.8")
    else set()
)


def test_expected_failed_checks_names_existing_sklearn_checks():
    for check_name in LSTM_EXPECTED:
        assert callable(getattr(sklearn_checks, check_name))


def test_expected_failed_checks_for_the_classifier_and_its_subclasses():
    from sklstm.classifier import LSTMTextClassifier

    class Subclass(LSTMTextClassifier):
        pass

    for estimator in (LSTMTextClassifier(), Subclass()):
        failures = expected_failed_checks(estimator)
        assert set(failures) == set(LSTM_EXPECTED) | OLD_SKLEARN_EXPECTED
        assert {k: failures[k] for k in LSTM_EXPECTED} == LSTM_EXPECTED


def test_expected_failed_checks_for_the_regressor():
    from sklstm.regressor import LSTMTextRegressor

    failures = expected_failed_checks(LSTMTextRegressor())
    assert set(failures) == set(SAMPLE_WEIGHT_EQUIVALENCE) | OLD_SKLEARN_EXPECTED
    assert {k: failures[k] for k in SAMPLE_WEIGHT_EQUIVALENCE} == (
        SAMPLE_WEIGHT_EQUIVALENCE
    )


def test_expected_failed_checks_is_empty_for_other_estimators():
    namesake = type("LSTMTextClassifier", (BaseEstimator,), {})
    assert expected_failed_checks(namesake()) == {}
    assert expected_failed_checks(CountVectorizer()) == {}
    assert expected_failed_checks(BagOfWords()) == {}


def test_expected_failed_checks_marks_sklearn_checks_as_xfail():
    from sklstm.classifier import LSTMTextClassifier

    mark = sklearn_checks.parametrize_with_checks(
        [LSTMTextClassifier()], expected_failed_checks=expected_failed_checks
    )
    xfails = {}
    for param in mark.args[1]:
        for xfail in getattr(param, "marks", ()):
            check = param.values[1]
            xfails[check.func.__name__] = xfail.kwargs["reason"]
    assert set(xfails) == set(LSTM_EXPECTED) | OLD_SKLEARN_EXPECTED
