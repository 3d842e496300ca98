"""LSTMTextClassifier with several labels per text (a label indicator matrix)."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import classification_report, f1_score
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MultiLabelBinarizer

from sklstm import KerasTokenizerTransformer, LSTMTextClassifier
from sklstm._tasks import MultiLabelTask
from tests.conftest import TINY

# A larger learning rate: the labels must be learned within a few epochs.
TINY = {**TINY, "learning_rate": 0.01}


def make_multilabel_ids(n_samples=300, width=10, n_labels=3, seed=0):
    """Ids where label j is present exactly when marker token 2 + j is."""
    rng = np.random.default_rng(seed)
    Y = (rng.random((n_samples, n_labels)) < 0.35).astype(np.int64)
    X = rng.integers(2 + n_labels, 40, size=(n_samples, width))
    for j in range(n_labels):
        X[Y[:, j] == 1, j] = 2 + j
    return X.astype("int32"), Y


@pytest.fixture(scope="module")
def data():
    return make_multilabel_ids()


@pytest.fixture(scope="module")
def fitted(data):
    X, Y = data
    return LSTMTextClassifier(**{**TINY, "epochs": 15}).fit(X, Y)


@pytest.mark.slow
def test_predict_is_an_indicator_matrix_of_the_fitted_dtype(fitted, data):
    X, Y = data
    pred = fitted.predict(X)
    assert pred.shape == Y.shape and pred.dtype == Y.dtype
    assert set(np.unique(pred)) <= {0, 1}
    np.testing.assert_array_equal(fitted.classes_, [0, 1, 2])
    assert fitted.n_outputs_ == 3


@pytest.mark.slow
def test_predict_proba_gives_each_label_its_own_probability(fitted, data):
    X, _ = data
    proba = fitted.predict_proba(X)
    assert proba.shape == (len(X), 3) and proba.dtype == np.float64
    assert np.all((proba >= 0) & (proba <= 1))
    # Independent sigmoids: rows do not sum to one.
    assert not np.allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(fitted.predict(X), (proba >= 0.5).astype(int))


@pytest.mark.slow
def test_learns_the_labels(fitted, data):
    X, Y = data
    X_test, Y_test = make_multilabel_ids(seed=1)
    assert f1_score(Y_test, fitted.predict(X_test), average="micro") > 0.9
    assert "binary_accuracy" in fitted.history_
    assert len(fitted.ngram_history_["loss"]) >= 1


@pytest.mark.slow
def test_classification_report_and_scores_work(fitted, data):
    X, Y = data
    report = classification_report(Y, fitted.predict(X), output_dict=True)
    assert {"0", "1", "2", "micro avg", "samples avg"} <= set(report)
    assert 0 <= fitted.score(X, Y) <= 1


@pytest.mark.slow
def test_grid_search_with_f1_micro_and_cross_val_score(data):
    X, Y = data
    search = GridSearchCV(
        LSTMTextClassifier(**TINY), {"lstm_units": [2, 4]}, cv=2, scoring="f1_micro"
    ).fit(X, Y)
    assert np.isfinite(search.best_score_)
    scores = cross_val_score(LSTMTextClassifier(**TINY), X, Y, cv=2, scoring="f1_macro")
    assert scores.shape == (2,) and np.all(np.isfinite(scores))


@pytest.mark.slow
def test_a_pipeline_on_raw_text_with_binarized_tags():
    texts = ["good film", "bad film", "good book", "bad book", "film", "book"] * 8
    tags = [["pos", "film"], ["neg", "film"], ["pos"], ["neg"], ["film"], []] * 8
    binarizer = MultiLabelBinarizer()
    Y = binarizer.fit_transform(tags)
    pipe = make_pipeline(
        KerasTokenizerTransformer(), LSTMTextClassifier(**{**TINY, "epochs": 20})
    )
    pipe.fit(texts, Y)
    predicted = binarizer.inverse_transform(pipe.predict(["good film", "bad book"]))
    assert set(predicted[0]) == {"film", "pos"} and set(predicted[1]) == {"neg"}


def test_lists_of_label_names_get_a_message_naming_the_fix(data):
    X, _ = data
    with pytest.raises(ValueError, match="MultiLabelBinarizer"):
        LSTMTextClassifier(**TINY).fit(X[:3], [["a", "b"], ["a"], ["c"]])


def test_an_indicator_matrix_holds_only_zeros_and_ones(data):
    X, Y = data
    with pytest.raises(ValueError, match="0 and 1"):
        LSTMTextClassifier(**TINY).fit(X, Y * 2)


@pytest.mark.slow
def test_warm_start_and_partial_fit_check_the_label_columns(data):
    # A few batches are enough to check the columns.
    X, Y = data[0][:64], data[1][:64]
    clf = LSTMTextClassifier(**TINY, warm_start=True).fit(X, Y)
    with pytest.raises(ValueError, match="label columns"):
        clf.fit(X, Y[:, :2])
    partial = LSTMTextClassifier(**TINY).partial_fit(X, Y)
    partial.partial_fit(X, Y)
    assert len(partial.history_["loss"]) == 2
    with pytest.raises(ValueError, match="label columns"):
        partial.partial_fit(X, Y[:, :2])


@pytest.mark.slow
def test_pickle_keeps_the_predictions(fitted, data):
    X, _ = data
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_allclose(restored.predict_proba(X), fitted.predict_proba(X))
    np.testing.assert_array_equal(restored.predict(X), fitted.predict(X))
    assert clone(fitted).get_params() == fitted.get_params()


def test_validation_split_keeps_rare_labels_on_both_sides():
    rng = np.random.default_rng(0)
    Y = np.zeros((200, 3), dtype=int)
    Y[:, 0] = 1  # common
    Y[rng.choice(200, 10, replace=False), 1] = 1  # rare: 5 %
    Y[:4, 2] = 1  # very rare
    for seed in range(5):
        train, val = MultiLabelTask().validation_split(Y, 0.2, seed)
        assert len(val) == 40 and set(train).isdisjoint(val)
        assert Y[val, 1].sum() == 2 and Y[train, 1].sum() == 8
        assert Y[val, 2].sum() >= 1 and Y[train, 2].sum() >= 1
