"""Prediction from several threads, as a web server calls it.

These run on every Keras backend: .ci/run repeats them with KERAS_BACKEND=jax,
where Keras' own ``predict_on_batch`` fails from several threads.
"""

from concurrent.futures import ThreadPoolExecutor

import keras
import numpy as np

from sklstm._inference import predict_on_batch
from tests.conftest import make_texts

N_THREADS = 8
CALLS_PER_THREAD = 200


def test_concurrent_predict_proba_matches_sequential_and_keeps_the_model(
    tiny_pipeline,
):
    pipe, texts = tiny_pipeline, make_texts()[0][:6]
    expected = pipe.predict_proba(texts)

    def call(_):
        return pipe.predict_proba(texts)

    with ThreadPoolExecutor(N_THREADS) as pool:
        results = list(pool.map(call, range(N_THREADS * CALLS_PER_THREAD)))
    assert all(np.array_equal(result, expected) for result in results)
    assert np.array_equal(pipe.predict_proba(texts), expected)


def test_stateless_prediction_never_consumes_the_weights():
    # Keras' predict_on_batch on JAX donates the weight buffers it is given:
    # an array read from a variable before the call is deleted after it.
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    before = [v.value for v in model.variables]
    copies = [keras.ops.convert_to_numpy(value).copy() for value in before]
    X = np.ones((4, 3), "float32")
    first = predict_on_batch(model, X)
    np.testing.assert_array_equal(predict_on_batch(model, X), first)
    for value, copy in zip(before, copies, strict=True):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(value), copy)


def test_prediction_follows_weights_changed_after_the_first_call():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    X = np.ones((4, 3), "float32")
    predict_on_batch(model, X)
    for variable in model.variables:
        variable.assign(np.zeros(variable.shape, "float32"))
    np.testing.assert_array_equal(predict_on_batch(model, X), np.zeros((4, 2)))
