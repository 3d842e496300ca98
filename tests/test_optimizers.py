"""LazyAdam: Adam's step on the rows a batch used, and nothing else."""

import keras
import numpy as np
import pytest

from sklstm import LSTMTextClassifier
from sklstm.optimizers import LazyAdam
from tests.conftest import ONE_EPOCH

SPARSE_GRADIENTS = keras.backend.backend() == "tensorflow"


def _lookup_model(optimizer):
    """An embedding table read by a lookup, then a dense layer: seeded, compiled."""
    inputs = keras.Input(shape=(2,), dtype="int32")
    x = keras.layers.Embedding(
        6, 2, embeddings_initializer=keras.initializers.RandomNormal(seed=0)
    )(inputs)
    x = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(
        1, kernel_initializer=keras.initializers.GlorotUniform(seed=1)
    )(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=optimizer, loss="mse")
    return model


def _table_after_each(optimizer, batches):
    model = _lookup_model(optimizer)
    tables = [model.layers[1].get_weights()[0].copy()]
    for ids in batches:
        model.train_on_batch(np.array(ids, dtype="int32"), np.ones((len(ids), 1)))
        tables.append(model.layers[1].get_weights()[0].copy())
    return tables


# Rows 1 and 2 (row 1 twice) in step 1, rows 3 and 4 in step 2.
BATCHES = [[[1, 2], [1, 1]], [[3, 4]]]


def test_first_step_is_adams_on_the_summed_gradient():
    lr = 0.1
    lazy = _table_after_each(LazyAdam(learning_rate=lr), BATCHES)
    dense = _table_after_each(keras.optimizers.Adam(learning_rate=lr), BATCHES)
    # Adam's first step is lr * g / |g| per entry, with g the row's gradient
    # summed over its lookups: rows 1 (three lookups) and 2 move by lr.
    step = lazy[1] - lazy[0]
    np.testing.assert_allclose(np.abs(step[1:3]), lr, rtol=1e-3)
    np.testing.assert_array_equal(np.sign(step), np.sign(dense[1] - dense[0]))
    # A row looked up once gets exactly Adam's step.
    np.testing.assert_allclose(lazy[1][2], dense[1][2], rtol=1e-6)


def test_rows_a_batch_did_not_use_stay_put():
    lazy = _table_after_each(LazyAdam(learning_rate=0.1), BATCHES)
    dense = _table_after_each(keras.optimizers.Adam(learning_rate=0.1), BATCHES)
    # Rows never looked up move under neither optimizer.
    for table in lazy + dense:
        np.testing.assert_array_equal(table[[0, 5]], lazy[0][[0, 5]])
    # Rows first used in step 2 get the same step from both.
    np.testing.assert_allclose(lazy[2][3:5], dense[2][3:5], rtol=1e-5, atol=1e-6)
    if SPARSE_GRADIENTS:
        # Adam's momentum moves rows 1 and 2 again in step 2; LazyAdam does not.
        np.testing.assert_array_equal(lazy[2][1:3], lazy[1][1:3])
        assert not np.allclose(dense[2][1:3], dense[1][1:3])
    else:
        # Dense gradients (JAX, PyTorch): LazyAdam is Adam.
        np.testing.assert_allclose(lazy[2], dense[2], rtol=1e-6)


def test_dense_variables_get_plain_adam():
    lazy, dense = (
        _lookup_model(LazyAdam(0.1)),
        _lookup_model(keras.optimizers.Adam(0.1)),
    )
    for model in (lazy, dense):
        for ids in BATCHES:
            model.train_on_batch(np.array(ids, dtype="int32"), np.ones((len(ids), 1)))
    np.testing.assert_allclose(
        lazy.layers[-1].get_weights()[0], dense.layers[-1].get_weights()[0], rtol=1e-5
    )


def test_amsgrad_falls_back_to_dense_adam():
    lazy = _table_after_each(LazyAdam(0.1, amsgrad=True), BATCHES)
    dense = _table_after_each(keras.optimizers.Adam(0.1, amsgrad=True), BATCHES)
    np.testing.assert_allclose(lazy[2], dense[2], rtol=1e-5, atol=1e-6)


def test_config_round_trip():
    optimizer = LazyAdam(learning_rate=0.01, beta_2=0.99)
    restored = keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
    assert isinstance(restored, LazyAdam)
    assert restored.beta_2 == pytest.approx(0.99)


@pytest.mark.parametrize(
    "name",
    [
        "lazy_adam",
        pytest.param("LazyAdam", marks=pytest.mark.slow),
        pytest.param(LazyAdam, marks=pytest.mark.slow),
    ],
)
def test_classifier_accepts_lazy_adam_by_name_or_class(name):
    X = np.array([[2, 3, 0], [4, 5, 6]] * 4, dtype="int32")
    y = np.array([0, 1] * 4)
    clf = LSTMTextClassifier(**{**ONE_EPOCH, "optimizer": name}).fit(X, y)
    assert isinstance(clf.model_.optimizer, LazyAdam)


def test_fitted_model_with_lazy_adam_survives_pickle():
    import pickle

    X = np.array([[2, 3, 0], [4, 5, 6]] * 4, dtype="int32")
    y = np.array([0, 1] * 4)
    clf = LSTMTextClassifier(**{**ONE_EPOCH, "optimizer": "lazy_adam"}).fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(restored.predict_proba(X), clf.predict_proba(X))
