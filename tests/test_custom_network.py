"""Your own network in sklstm's estimators: ``cell`` and the ``model`` hook."""

import keras
import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sklstm import KerasTokenizerTransformer, LSTMTextClassifier, LSTMTextRegressor
from tests.conftest import TINY
from tests.conftest import make_ids as _make_ids

# A third epoch: the scores below need the builder's network to have learned.
TINY = {**TINY, "epochs": 3}
SEEN = []


def averaged_embeddings(meta, units=8):
    """A fastText-like network: mean of token vectors, then a linear layer."""
    SEEN.append(meta)
    inputs = keras.Input((None,), dtype="int32")
    vectors = keras.layers.Embedding(meta["vocab_size_"], units, mask_zero=True)(inputs)
    pooled = keras.layers.GlobalAveragePooling1D()(vectors)
    return keras.Model(inputs, keras.layers.Dense(meta["n_outputs_"])(pooled))


def make_ids():
    """80 unpadded rows of width 8 in three classes."""
    return _make_ids(n_samples=80, width=8, n_classes=3, padded=False)


def test_the_builder_receives_meta_and_routed_parameters():
    X, y = make_ids()
    SEEN.clear()
    clf = LSTMTextClassifier(**TINY, model=averaged_embeddings, model__units=6)
    clf.fit(X, y)
    meta = SEEN[-1]
    assert meta["n_outputs_"] == 3 and meta["vocab_size_"] == clf.vocab_size_
    np.testing.assert_array_equal(meta["classes_"], [0, 1, 2])
    assert isinstance(meta["seed"], int)
    embedding = next(
        layer
        for layer in clf.model_.get_layer("network").layers
        if isinstance(layer, keras.layers.Embedding)
    )
    assert embedding.output_dim == 6
    # The n-gram branch and the task's activation are added around it.
    assert clf.model_.get_layer("ngram_scores") is not None
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert clf.score(X, y) > 0.6


@pytest.mark.slow
def test_a_custom_network_in_a_grid_search_over_its_parameters():
    X, y = make_ids()
    pipe = make_pipeline(
        KerasTokenizerTransformer(),
        LSTMTextClassifier(**TINY, model=averaged_embeddings, ngram_order=None),
    )
    texts = [" ".join(f"w{i}" for i in row) for row in X]
    search = GridSearchCV(pipe, {"lstmtextclassifier__model__units": [4, 8]}, cv=2).fit(
        texts, y
    )
    assert search.best_params_["lstmtextclassifier__model__units"] in (4, 8)
    assert len(search.cv_results_["mean_test_score"]) == 2


def test_a_custom_network_for_regression():
    X, y = make_ids()
    reg = LSTMTextRegressor(**TINY, model=averaged_embeddings).fit(X, y * 2.0)
    assert reg.predict(X).shape == (len(X),)


def test_unknown_builder_parameters_are_rejected_before_training():
    X, y = make_ids()
    with pytest.raises(ValueError, match=r"model__ accepts \['units'\]"):
        LSTMTextClassifier(**TINY, model=averaged_embeddings, model__unit=3).fit(X, y)


def test_a_builder_that_returns_the_wrong_thing_gets_a_clear_error():
    X, y = make_ids()

    def probabilities(meta):
        inputs = keras.Input((None,), dtype="int32")
        x = keras.layers.Embedding(meta["vocab_size_"], 4)(inputs)
        x = keras.layers.GlobalAveragePooling1D()(x)
        return keras.Model(inputs, keras.layers.Dense(1)(x))

    with pytest.raises(ValueError, match=r"shape \(batch, 3\)"):
        LSTMTextClassifier(**TINY, model=probabilities).fit(X, y)
    with pytest.raises(TypeError, match="must return a keras.Model"):
        LSTMTextClassifier(**TINY, model=lambda meta: "a network").fit(X, y)


def test_gru_cell_builds_gru_layers():
    X, y = make_ids()
    clf = LSTMTextClassifier(**TINY, cell="gru")
    clf.fit(X, y)
    kinds = {type(layer) for layer in clf.model_.get_layer("network").layers}
    assert keras.layers.GRU in kinds and keras.layers.LSTM not in kinds
    with pytest.raises(ValueError, match="cell"):
        LSTMTextClassifier(cell="rnn").fit(X, y)
