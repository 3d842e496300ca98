"""Tests of LSTMTextRegressor: numbers per text."""

import pickle

import numpy as np
import pytest
from sklearn.base import is_regressor
from sklearn.metrics import r2_score
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

from sklstm import KerasTokenizerTransformer, LSTMTextRegressor
from tests.conftest import TINY

# Numbers take longer to learn than a class token: more epochs, a larger rate.
TINY = {**TINY, "epochs": 15, "learning_rate": 0.01}


def make_scored_ids(n_samples=300, width=10, seed=0):
    """Ids whose two targets count marker tokens 2 and 3 in the text."""
    rng = np.random.default_rng(seed)
    X = rng.integers(4, 40, size=(n_samples, width))
    X[rng.random(X.shape) < 0.2] = 2
    X[rng.random(X.shape) < 0.1] = 3
    y = np.stack([(X == 2).sum(axis=1), (X == 3).sum(axis=1)], axis=1)
    return X.astype("int32"), y.astype(float)


@pytest.fixture(scope="module")
def data():
    return make_scored_ids()


@pytest.fixture(scope="module")
def fitted_2d(data):
    X, y = data
    return LSTMTextRegressor(**TINY).fit(X, y)


def test_is_a_scikit_learn_regressor():
    reg = LSTMTextRegressor()
    assert is_regressor(reg)
    assert not hasattr(reg, "predict_proba")


@pytest.mark.slow
def test_learns_several_targets(fitted_2d):
    X_test, y_test = make_scored_ids(seed=1)
    pred = fitted_2d.predict(X_test)
    assert pred.shape == y_test.shape and pred.dtype == np.float64
    assert r2_score(y_test, pred) > 0.7
    assert fitted_2d.n_outputs_ == 2 and "loss" in fitted_2d.history_


@pytest.mark.slow
def test_one_target_predicts_a_vector(data):
    X, y = data
    reg = LSTMTextRegressor(**TINY).fit(X, y[:, 0])
    pred = reg.predict(X)
    assert pred.shape == (len(X),)
    assert reg.score(X, y[:, 0]) > 0.7


@pytest.mark.slow
def test_targets_are_standardised_so_their_unit_does_not_matter(data):
    X, y = data
    small = LSTMTextRegressor(**TINY).fit(X, y[:, 0]).predict(X)
    large = LSTMTextRegressor(**TINY).fit(X, 1000.0 * y[:, 0] + 5e4).predict(X)
    np.testing.assert_allclose(large, 1000.0 * small + 5e4, rtol=1e-3)


@pytest.mark.slow
def test_a_constant_target_is_predicted(data):
    X, _ = data
    reg = LSTMTextRegressor(**{**TINY, "epochs": 2}).fit(X, np.full(len(X), 3.5))
    np.testing.assert_allclose(reg.predict(X), 3.5, atol=1e-4)


@pytest.mark.parametrize(
    "y, match",
    [
        (np.full(300, np.nan), "NaN"),
        (np.array(["a"] * 300), "numeric|could not convert"),
        (np.ones((300, 2, 2)), "dim 3"),
    ],
)
def test_bad_targets_are_rejected(data, y, match):
    X, _ = data
    with pytest.raises(ValueError, match=match):
        LSTMTextRegressor(**TINY).fit(X, y)


@pytest.mark.slow
def test_partial_fit_keeps_the_first_calls_scale(data):
    X, y = data
    reg = LSTMTextRegressor(**TINY).partial_fit(X, y[:, 0])
    mean = reg._task.mean_.copy()
    reg.partial_fit(X, y[:, 0] + 100)
    np.testing.assert_array_equal(reg._task.mean_, mean)
    assert len(reg.history_["loss"]) == 2
    with pytest.raises(ValueError, match="target columns"):
        reg.partial_fit(X, y)


@pytest.mark.slow
def test_pipeline_cross_validation_and_pickle():
    texts = ["great", "good", "fine", "poor", "awful", "great good", "awful poor"] * 6
    scores = [5.0, 4.0, 3.0, 2.0, 1.0, 4.5, 1.5] * 6
    pipe = make_pipeline(KerasTokenizerTransformer(), LSTMTextRegressor(**TINY))
    r2 = cross_val_score(pipe, texts, scores, cv=2)
    assert r2.shape == (2,) and np.all(np.isfinite(r2))
    pipe.fit(texts, scores)
    assert pipe.predict(["great"])[0] > pipe.predict(["awful"])[0]
    restored = pickle.loads(pickle.dumps(pipe))
    np.testing.assert_allclose(restored.predict(texts), pipe.predict(texts))


def test_the_ngram_branch_is_the_ridge_solution(data):
    import keras
    from sklearn.linear_model import Ridge

    from sklstm._ngram_stage import ngram_branch, ngram_feature_matrix

    X, y = data
    X = X.astype("int32")
    # Without early stopping the branch is solved on all of X with alpha=1.
    reg = LSTMTextRegressor(**{**TINY, "epochs": 1, "early_stopping": False})
    reg.fit(X, y[:, 0])
    assert reg.ngram_history_["alpha"] == [1.0]
    bag = ngram_branch(reg.model_)
    assert not bag.trainable
    features = ngram_feature_matrix(bag, X)
    table = keras.ops.convert_to_numpy(bag.table)
    # The sparse matrix is exactly what the layer weighs its table by ...
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(bag(X)),
        bag.output_scale * (features @ table),
        rtol=1e-4,
        atol=1e-5,
    )
    # ... and the table is scikit-learn's ridge solution on it.
    targets = reg._task.encode(y[:, 0])
    ridge = Ridge(alpha=1.0, fit_intercept=False).fit(features, targets)
    np.testing.assert_allclose(
        bag.output_scale * (features @ table),
        ridge.predict(features).reshape(len(X), -1),
        rtol=1e-3,
        atol=1e-3,
    )
    validated = LSTMTextRegressor(**{**TINY, "epochs": 1}).fit(X, y[:, 0])
    history = validated.ngram_history_
    assert history["alpha"] == [0.1, 0.3, 1.0, 3.0, 10.0]
    assert len(history["val_loss"]) == 5


def test_shares_the_classifiers_parameters_and_defaults():
    # scikit-learn reads parameters from each __init__'s own signature, so
    # both estimators spell theirs out; they must not drift apart.
    import inspect

    from sklstm import LSTMTextClassifier

    def defaults(cls):
        return {
            name: p.default
            for name, p in inspect.signature(cls.__init__).parameters.items()
            if p.default is not inspect.Parameter.empty
        }

    classifier = defaults(LSTMTextClassifier)
    del classifier["class_weight"]
    assert defaults(LSTMTextRegressor) == classifier
