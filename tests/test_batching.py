"""Batches of token ids: length grouping, padding trimmed to bucket widths."""

import logging

import keras
import numpy as np
import pytest

from sklstm import LSTMTextClassifier
from sklstm._batching import (
    MIN_WIDTH,
    bucket_width,
    expected_retracing,
    inference_batches,
    sequence_lengths,
    trim_padding,
)
from tests.conftest import ONE_EPOCH


def ragged_ids(n_samples, width, *, padding="post", seed=0):
    """Token ids of lengths 1 to ``width``, padded with 0 before or after."""
    rng = np.random.default_rng(seed)
    X = rng.integers(2, 50, size=(n_samples, width)).astype("int32")
    lengths = rng.integers(1, width + 1, n_samples)
    pad = np.arange(width) >= lengths[:, None]
    X[pad if padding == "post" else pad[:, ::-1]] = 0
    return X, (X.sum(axis=1) % 2)


def test_bucket_widths_are_few_and_hold_the_width():
    n_columns = 400
    buckets = {bucket_width(w, n_columns) for w in range(1, n_columns + 1)}
    assert buckets == {16, 32, 64, 128, 256, 400}
    for width in range(1, n_columns + 1):
        assert width <= bucket_width(width, n_columns) <= max(MIN_WIDTH, 2 * width)


@pytest.mark.parametrize("padding", ["pre", "post"])
def test_trim_padding_keeps_every_token_within_a_bucket_width(padding):
    X, _ = ragged_ids(300, 200, padding=padding)
    widths = set()
    for index in inference_batches(sequence_lengths(X), 8):
        batch = X[index]
        trimmed = trim_padding(batch)
        widths.add(trimmed.shape[1])
        assert trimmed.shape[1] == bucket_width(trimmed.shape[1], X.shape[1])
        np.testing.assert_array_equal(
            np.sort(trimmed[trimmed > 0]), np.sort(batch[batch > 0])
        )
        np.testing.assert_array_equal(
            sequence_lengths(trimmed), sequence_lengths(batch)
        )
    assert widths == {16, 32, 64, 128, 200}


def test_a_batch_of_empty_texts_keeps_one_column():
    assert trim_padding(np.zeros((3, 40), dtype="int32")).shape == (3, 1)


@pytest.fixture(scope="module")
def ragged_fit():
    # Widths up to 70: every bucket (16, 32, 64) and the full width occur.
    X, y = ragged_ids(64, 70)
    clf = LSTMTextClassifier(**{**ONE_EPOCH, "batch_size": 16})
    return clf.fit(X, y), X


def test_bucket_padding_leaves_predictions_unchanged(ragged_fit):
    clf, X = ragged_fit
    # Post-padded rows, so the first max-length columns hold every token.
    texts = X[:20, : sequence_lengths(X[:20]).max()]
    exact = keras.ops.convert_to_numpy(clf.model_.predict_on_batch(texts))
    np.testing.assert_allclose(clf.predict_proba(X[:20]), exact, atol=1e-5)


@pytest.mark.slow
def test_no_retracing_warning_while_fitting_models_in_a_row(caplog):
    if keras.backend.backend() != "tensorflow":
        pytest.skip("the retracing warning is TensorFlow's")
    X, y = ragged_ids(32, 150)
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        for seed in range(2):
            LSTMTextClassifier(
                embedding_dim=2, lstm_units=2, epochs=1, batch_size=8, random_state=seed
            ).fit(X, y).predict(X)
    assert not [r for r in caplog.records if "retracing" in r.getMessage()]


def test_expected_retracing_filters_only_the_retracing_warning(caplog):
    logger = logging.getLogger("tensorflow")
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        with expected_retracing():
            logger.warning("5 out of the last 7 calls triggered tf.function retracing")
            logger.warning("something else")
        logger.warning("after: triggered tf.function retracing")
    assert [r.getMessage() for r in caplog.records] == [
        "something else",
        "after: triggered tf.function retracing",
    ]
