"""Tests of sklstm._resources: the memory and threads a fit asks for."""

import os

import pytest

from sklstm import LSTMTextClassifier
from sklstm._resources import (
    BYTES_PER_FLOAT,
    COPIES_PER_TRAINED_WEIGHT,
    THREADS_PER_CORE,
    available_memory,
    check_fit_memory,
    check_n_threads,
    estimate_fit_memory,
    ngram_features,
)
from sklstm.model import build_model, build_text_network

SIZES = dict(n_samples=100, width=12, vocab_size=50, n_outputs=3)


def _parts(estimator):
    return {
        what: n_bytes for what, n_bytes, _ in estimate_fit_memory(estimator, **SIZES)
    }


@pytest.mark.parametrize(
    "params",
    [
        dict(cell="lstm", lstm_units=4, bidirectional=True),
        dict(cell="gru", lstm_units=(4, 5), bidirectional=False),
        dict(cell="lstm", lstm_units=(3, 2), bidirectional=True, embedding_dim=7),
    ],
    ids=["bilstm", "stacked-gru", "stacked-bilstm"],
)
def test_the_network_estimate_counts_the_weights_keras_builds(params):
    params = {"embedding_dim": 8, **params}
    network = build_text_network(
        vocab_size=SIZES["vocab_size"], n_outputs=SIZES["n_outputs"], seed=0, **params
    )
    parts = _parts(LSTMTextClassifier(**params))
    floats = (parts["the embedding matrix"] + parts["the recurrent layers"]) / (
        BYTES_PER_FLOAT * COPIES_PER_TRAINED_WEIGHT
    )
    assert floats == network.count_params()


@pytest.mark.parametrize("ngram_order", [1, 2, 3])
def test_the_ngram_estimate_counts_the_table_keras_builds(ngram_order):
    network = build_text_network(vocab_size=50, n_outputs=3, lstm_units=2, seed=0)
    model = build_model(
        network,
        vocab_size=50,
        n_outputs=3,
        activation="softmax",
        ngram_order=ngram_order,
        ngram_buckets=64,
    )
    table = model.get_layer("ngram_scores").table
    parts = _parts(LSTMTextClassifier(ngram_order=ngram_order, ngram_buckets=64))
    (what,) = [what for what in parts if what.startswith("the n-gram table")]
    assert f"{table.shape[0]:,} rows x 3 outputs" in what


def test_ngram_features_stop_at_the_width():
    assert ngram_features(6, 1) == 6
    assert ngram_features(6, 2) == 6 + 5
    assert ngram_features(6, 10**9) == ngram_features(6, 6) == 21


def test_a_model_beyond_the_limit_is_refused_naming_what_to_lower():
    estimator = LSTMTextClassifier(ngram_buckets=2**20)
    sizes = {**SIZES, "n_outputs": 500}
    total = sum(n for _, n, _ in estimate_fit_memory(estimator, **sizes))
    check_fit_memory(estimator, **sizes, limit=total)
    with pytest.raises(ValueError, match="largest part is the n-gram table") as info:
        check_fit_memory(estimator, **sizes, limit=total - 1)
    assert "Lower ngram_buckets" in str(info.value)


def test_the_default_limit_is_half_the_available_memory():
    memory = available_memory()
    assert memory is None or memory > 0
    if memory is not None:
        with pytest.raises(ValueError, match="50% of the memory available"):
            check_fit_memory(LSTMTextClassifier(embedding_dim=memory), **SIZES)


def test_n_threads_is_bounded_by_the_cores():
    most = THREADS_PER_CORE * (os.cpu_count() or 1)
    check_n_threads(None)
    check_n_threads(most)
    with pytest.raises(ValueError, match=f"at most {most}"):
        check_n_threads(most + 1)
