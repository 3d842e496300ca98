"""Tests of LSTMTextClassifier on token-id arrays.

These run on every Keras backend (KERAS_BACKEND=jax too); .ci/run's JAX stage
runs only the modules whose code differs by backend, as each JAX fit compiles.
"""

import pickle
import random
import warnings

import keras
import numpy as np
import pytest
import scipy.special
from scipy import sparse
from sklearn.base import clone, is_classifier
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold, check_cv, cross_val_score
from sklearn.utils import get_tags

from sklstm import LSTMTextClassifier
from sklstm._ngram_stage import MIXTURE_GRID, fit_mixture
from sklstm._tasks import SingleLabelTask
from sklstm.layers import (
    FrozenAndLearnedEmbedding,
    HashedNgramBag,
    HeadTailTokens,
    MaskedGlobalPooling1D,
    learned_index,
)
from sklstm.layers.ngram_bag import _NGRAM_OUTPUT_SCALE
from tests.conftest import TINY, make_ids


def network_layers(clf):
    """The layers of the recurrent network, nested in the fitted model."""
    return clf.model_.get_layer("network").layers


@pytest.fixture(scope="module")
def binary_data(binary_ids):
    X, y = binary_ids
    return X, np.array(["ham", "spam"])[y]


@pytest.fixture(scope="module")
def fitted(binary_data):
    # Compiled and bidirectional, as the default network is, unlike TINY's
    # other fits.
    X, y = binary_data
    params = {**TINY, "compile__run_eagerly": False, "bidirectional": True}
    return LSTMTextClassifier(**params).fit(X, y)


def test_is_a_scikit_learn_classifier():
    clf = LSTMTextClassifier()
    assert is_classifier(clf)
    assert isinstance(
        check_cv(3, np.array([0, 1] * 5), classifier=True), StratifiedKFold
    )
    tags = get_tags(clf)
    assert tags.estimator_type == "classifier"
    assert tags.input_tags.positive_only and not tags.input_tags.sparse


def test_fitted_attributes(fitted, binary_data):
    X, _ = binary_data
    assert fitted.classes_.tolist() == ["ham", "spam"]
    assert fitted.n_classes_ == 2
    assert fitted.n_features_in_ == X.shape[1]
    assert fitted.vocab_size_ == X.max() + 1
    assert isinstance(fitted.model_, keras.Model)
    assert set(fitted.history_) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(
        isinstance(v, list) and all(isinstance(x, float) for x in v)
        for v in fitted.history_.values()
    )
    assert len(fitted.history_["loss"]) == 2
    best = int(np.argmin(fitted.history_["val_loss"]))
    assert fitted.best_epoch_ == best


def test_predict_proba_binary_columns_follow_classes(fitted, binary_data):
    X, _ = binary_data
    proba = fitted.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    assert fitted.predict(X).tolist() == fitted.classes_[proba.argmax(1)].tolist()


@pytest.mark.parametrize(
    "labels",
    [
        pytest.param(np.array([3, 7, 9]), marks=pytest.mark.slow),
        np.array(["a", "b", "c"], dtype=object),
        pytest.param(None, marks=pytest.mark.slow),
    ],
    ids=["int", "str", "bool"],
)
def test_any_label_type(labels):
    n_classes = 2 if labels is None else 3
    X, y = make_ids(n_classes=n_classes)
    y = y.astype(bool) if labels is None else labels[y]
    clf = LSTMTextClassifier(**TINY).fit(X, y)
    assert clf.classes_.tolist() == sorted(set(y.tolist()))
    assert set(clf.predict(X).tolist()) <= set(y.tolist())
    assert clf.predict_proba(X).shape == (len(X), n_classes)


@pytest.mark.slow
def test_learns_a_separable_problem():
    X, y = make_ids(n_samples=200)
    clf = LSTMTextClassifier(
        embedding_dim=16,
        lstm_units=8,
        epochs=8,
        early_stopping=False,
        learning_rate=1e-2,
        random_state=0,
    ).fit(X, y)
    assert clf.score(X, y) > 0.9


@pytest.mark.slow
def test_scoring_roc_auc_and_f1_macro():
    # Scorers read predict_proba's columns in the order of classes_: a fold's
    # score must be the one computed by hand, and better than chance, since
    # the first token gives the class away.
    clf = LSTMTextClassifier(**{**TINY, "epochs": 10, "learning_rate": 0.01})
    cv = StratifiedKFold(n_splits=2, shuffle=True, random_state=0)
    X, y = make_ids()
    auc = cross_val_score(clf, X, y, cv=cv, scoring="roc_auc")
    train, test = next(cv.split(X, y))
    proba = clone(clf).fit(X[train], y[train]).predict_proba(X[test])
    assert auc[0] == pytest.approx(roc_auc_score(y[test], proba[:, 1]))
    assert np.all(auc > 0.6), auc
    X3, y3 = make_ids(n_classes=3)
    f1 = cross_val_score(clf, X3, y3, cv=cv, scoring="f1_macro")
    assert np.all(f1 > 0.4), f1


def test_validation_split_is_stratified_and_shuffled():
    y = np.repeat([0, 1], [60, 40])  # sorted by label, like IMDB
    train, val = SingleLabelTask().validation_split(y, 0.1, 0)
    assert len(val) == 10 and len(train) == 90
    assert np.bincount(y[val]).tolist() == [6, 4]
    assert set(train).isdisjoint(val)
    other = SingleLabelTask().validation_split(y, 0.1, 1)[1]
    assert not np.array_equal(val, other)


def test_validation_split_falls_back_for_a_rare_class():
    y = np.array([0] * 20 + [1])
    train, val = SingleLabelTask().validation_split(y, 0.2, 0)
    assert len(train) + len(val) == 21 and len(val) == 4


def test_unseen_ids_read_as_oov(fitted, binary_data):
    X, _ = binary_data
    X_unseen = X.copy()
    X_unseen[:, 1] = np.where(X[:, 1] > 0, fitted.vocab_size_ + 100, 0)
    X_oov = X.copy()
    X_oov[:, 1] = np.where(X[:, 1] > 0, 1, 0)
    np.testing.assert_allclose(
        fitted.predict_proba(X_unseen), fitted.predict_proba(X_oov), rtol=1e-6
    )


def test_explicit_vocab_size_rejects_larger_ids_at_fit(binary_data):
    X, y = binary_data
    with pytest.raises(ValueError, match="vocab_size=10"):
        LSTMTextClassifier(vocab_size=10, **TINY).fit(X, y)


def test_trimmed_batches_give_the_full_width_result(fitted, binary_data):
    X, _ = binary_data
    full = keras.ops.convert_to_numpy(fitted.model_(X, training=False))
    np.testing.assert_allclose(fitted.predict_proba(X), full, atol=1e-5)


@pytest.mark.slow
def test_same_random_state_same_model_and_no_global_state(binary_data):
    X, y = binary_data
    np_state = np.random.get_state()[1].copy()
    py_state = random.getstate()
    first = LSTMTextClassifier(**TINY).fit(X, y).predict_proba(X)
    second = LSTMTextClassifier(**TINY).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)
    assert np.array_equal(np.random.get_state()[1], np_state)
    assert random.getstate() == py_state
    other = LSTMTextClassifier(**{**TINY, "random_state": 1}).fit(X, y)
    assert not np.allclose(other.predict_proba(X), first)


@pytest.mark.slow
@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TF switch")
def test_tensorflow_determinism_is_left_alone(binary_data):
    # scikeras switches op determinism on around a seeded fit; a later
    # unseeded fit then fails on ops without a deterministic kernel.
    from tensorflow.python.framework import config

    X, y = binary_data
    LSTMTextClassifier(**TINY).fit(X, y)
    assert not config.is_op_determinism_enabled()
    LSTMTextClassifier(**{**TINY, "random_state": None}).fit(X, y)


@pytest.mark.parametrize(
    "params",
    [
        dict(pooling="last", bidirectional=False),
        pytest.param(dict(pooling="mean", lstm_units=(4, 3)), marks=pytest.mark.slow),
        pytest.param(
            dict(pooling="max", lstm_units=[3, 3], bidirectional=True, dropout=0.0),
            marks=pytest.mark.slow,
        ),
        pytest.param(
            dict(recurrent_dropout=0.1, class_weight="balanced"),
            marks=pytest.mark.slow,
        ),
        pytest.param(dict(ngram_order=None), marks=pytest.mark.slow),
        dict(ngram_order=3, ngram_buckets=64),
    ],
)
def test_architectures(binary_data, params):
    X, y = binary_data
    clf = LSTMTextClassifier(**{**TINY, **params}).fit(X, y)
    params = {**clf.get_params(), **params}
    layers = network_layers(clf)
    units = params["lstm_units"]
    units = (units,) if isinstance(units, int) else tuple(units)
    lstms = [layer for layer in layers if isinstance(layer, keras.layers.LSTM)]
    directions = 2 if params["bidirectional"] else 1
    assert sorted(layer.units for layer in lstms) == sorted(units * directions)
    assert {layer.recurrent_dropout for layer in lstms} == {params["recurrent_dropout"]}
    pooling = [layer for layer in layers if isinstance(layer, MaskedGlobalPooling1D)]
    expected = [] if params["pooling"] == "last" else [params["pooling"]]
    assert [layer.mode for layer in pooling] == expected
    bags = [layer for layer in clf.model_.layers if isinstance(layer, HashedNgramBag)]
    if params["ngram_order"] is None:
        assert bags == []
    else:
        assert [bag.ngram_order for bag in bags] == [params["ngram_order"]]
        assert bags[0].table.shape[0] == clf.vocab_size_ + params["ngram_buckets"]
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)


def test_linear_ngram_branch_is_in_the_default_model_only(fitted, binary_data):
    X, y = binary_data
    (bag,) = [
        layer for layer in fitted.model_.layers if isinstance(layer, HashedNgramBag)
    ]
    assert bag.table.shape == (fitted.vocab_size_ + TINY["ngram_buckets"], 2)
    assert np.any(keras.ops.convert_to_numpy(bag.table) != 0), "branch never trained"
    lstm_only = LSTMTextClassifier(**TINY, ngram_order=None).fit(X, y)
    assert not any(
        isinstance(layer, HashedNgramBag) for layer in lstm_only.model_.layers
    )


def test_ngram_hash_matches_its_definition_without_overflow():
    base, n_buckets = 46337, 1000
    rng = np.random.default_rng(0)
    ids = rng.integers(1, 10**7, size=(5, 9)).astype("int32")
    bag = HashedNgramBag(
        vocab_size=10**7, n_outputs=2, ngram_order=3, n_buckets=n_buckets
    )
    _, bigrams, trigrams = [
        keras.ops.convert_to_numpy(f) for f, _ in bag.ngram_ids(ids)
    ]
    ids = ids.astype("int64")
    expected_bigrams = (ids[:, :-1] % base * base + ids[:, 1:] % base) % n_buckets
    expected_trigrams = (
        expected_bigrams[:, :-1] * base + ids[:, 2:] % base
    ) % n_buckets
    np.testing.assert_array_equal(bigrams, expected_bigrams + 10**7)
    np.testing.assert_array_equal(trigrams, expected_trigrams + 10**7)


def test_ngram_scores_ignore_padding_wherever_it_is():
    bag = HashedNgramBag(vocab_size=20, n_outputs=3, ngram_order=3, n_buckets=50)
    bag.build((None, None))
    table = np.random.default_rng(0).normal(size=(70, 3)).astype("float32")
    bag.table.assign(table)
    text = [5, 9, 9, 2, 17]
    rows = np.array([text + [0, 0, 0], [0, 0, 0] + text, [0] + text + [0, 0]])
    scores = keras.ops.convert_to_numpy(bag(rows.astype("int32")))
    np.testing.assert_allclose(scores[1:], scores[[0, 0]], rtol=1e-6)
    # The bag is binary: the repeated 9 counts once. Before adapt every idf is
    # 1, so the distinct unigrams, bigrams and trigrams are summed and scaled
    # by the output scale / sqrt(their number).
    t = np.array(text)
    bigrams = (t[:-1] * 46337 + t[1:]) % 50
    trigrams = (bigrams[:-1] * 46337 + t[2:]) % 50
    features = np.unique(np.concatenate([t, bigrams + 20, trigrams + 20]))
    assert len(features) < 12
    scale = _NGRAM_OUTPUT_SCALE / np.sqrt(len(features))
    expected = table[features].sum(axis=0) * scale
    np.testing.assert_allclose(scores[0], expected, rtol=1e-5)
    empty = keras.ops.convert_to_numpy(bag(np.zeros((1, 4), dtype="int32")))
    np.testing.assert_array_equal(empty, np.zeros((1, 3)))


def test_ngram_bag_is_binary():
    bag = HashedNgramBag(vocab_size=20, n_outputs=2, ngram_order=2, n_buckets=50)
    bag.build((None, None))
    bag.table.assign(np.random.default_rng(1).normal(size=(70, 2)).astype("float32"))
    once = np.array([[3, 4, 0, 0, 0, 0]], dtype="int32")
    repeated = np.array([[3, 4, 0, 3, 4, 0]], dtype="int32")  # "3 4", padding, "3 4"
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(bag(repeated)),
        keras.ops.convert_to_numpy(bag(once)),
        rtol=1e-6,
    )
    distinct = keras.ops.convert_to_numpy(bag.distinct_features(repeated))
    assert sorted(distinct[distinct >= 0]) == [3, 4, 20 + (3 * 46337 + 4) % 50]


def test_ngram_bag_idf_is_scikit_learns_and_weights_an_l2_normalised_sum():
    rows = np.array([[3, 4, 5, 0], [3, 4, 0, 0], [3, 6, 6, 0], [7, 0, 0, 0]])
    bag = HashedNgramBag(vocab_size=10, n_outputs=2, ngram_order=1)
    bag.adapt(rows.astype("int32"), batch_size=3)  # counts across batches
    presence = np.zeros((len(rows), 10))
    for i, row in enumerate(rows):
        presence[i, row[row > 0]] = 1
    expected_idf = TfidfTransformer(smooth_idf=True).fit(presence).idf_
    idf = keras.ops.convert_to_numpy(bag.idf)
    np.testing.assert_allclose(idf[1:], expected_idf[1:], rtol=1e-6)
    table = np.random.default_rng(0).normal(size=(10, 2)).astype("float32")
    bag.table.assign(table)
    features = np.array([3, 6])  # the third text, its repeated 6 once
    weights = idf[features]
    expected = weights @ table[features] / np.linalg.norm(weights)
    scores = keras.ops.convert_to_numpy(bag(rows[2:3].astype("int32")))
    np.testing.assert_allclose(scores[0], _NGRAM_OUTPUT_SCALE * expected, rtol=1e-5)


@pytest.mark.slow
def test_ngram_branch_is_fitted_first_then_frozen(binary_data):
    X, y = binary_data
    clf = LSTMTextClassifier(**TINY).fit(X, y)
    bag = clf.model_.get_layer("ngram_scores")
    assert not bag.trainable
    history = clf.ngram_history_
    assert set(history) == {"loss", "val_loss"} and 1 <= len(history["loss"]) <= 2
    # Rare features (the class markers are in half the texts) weigh more.
    idf = keras.ops.convert_to_numpy(bag.idf)
    assert idf[2] < idf[X.max()] and idf[0] == idf.max()
    # The frozen table is the one the linear model left: later fits keep it.
    table = keras.ops.convert_to_numpy(bag.table).copy()
    assert np.any(table != 0)
    clf.set_params(warm_start=True).fit(X, y)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(bag.table), table)
    assert clf.ngram_history_ is history

    mixture = clf.model_.get_layer("scores").branch_weights
    assert tuple(keras.ops.convert_to_numpy(mixture)) in {
        (a, b) for a in MIXTURE_GRID for b in MIXTURE_GRID
    }
    no_validation = LSTMTextClassifier(**TINY, early_stopping=False).fit(X, y)
    mixture = no_validation.model_.get_layer("scores").branch_weights
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(mixture), [1.0, 1.0])
    assert set(no_validation.ngram_history_) == {"loss"}

    joint = LSTMTextClassifier(**TINY, ngram_first=False).fit(X, y)
    assert joint.ngram_history_ == {}
    assert joint.model_.get_layer("ngram_scores").trainable
    lstm_only = LSTMTextClassifier(**TINY, ngram_order=None).fit(X, y)
    assert lstm_only.ngram_history_ == {}


def test_branch_mixture_minimises_the_validation_log_loss(binary_data):
    X, y = binary_data
    clf = LSTMTextClassifier(**TINY, ngram_first=False).fit(X, y)
    task = clf._task
    targets = task.encode(y)
    chosen = fit_mixture(clf.model_, (X, targets, np.ones(len(y))), 32, task.score_loss)
    mixture = clf.model_.get_layer("scores")
    lstm, ngram = (
        keras.ops.convert_to_numpy(s)
        for s in keras.Model(clf.model_.input, mixture.input)(X)
    )

    def loss(a, b):
        return log_loss(targets, scipy.special.softmax(a * lstm + b * ngram, axis=1))

    losses = {(a, b): loss(a, b) for a in MIXTURE_GRID for b in MIXTURE_GRID}
    assert loss(*chosen) == pytest.approx(min(losses.values()), rel=1e-6)
    np.testing.assert_allclose(
        clf.predict_proba(X),
        scipy.special.softmax(chosen[0] * lstm + chosen[1] * ngram, axis=1),
        rtol=1e-4,
        atol=1e-6,
    )


@pytest.mark.slow
def test_lstm_maxlen_limits_what_the_lstm_reads_not_the_ngram_branch(binary_data):
    X, y = binary_data
    X = np.hstack([X[:, :6], X[:, :6] + 1])  # 12 real tokens in every row
    lstm_only = LSTMTextClassifier(ngram_order=None, lstm_maxlen=4, **TINY).fit(X, y)
    # The LSTM reads the first 2 and the last 2 tokens; the middle is unread.
    changed_middle = X.copy()
    changed_middle[:, 2:-2] = 2
    np.testing.assert_allclose(
        lstm_only.predict_proba(changed_middle), lstm_only.predict_proba(X), rtol=1e-5
    )
    changed_last = X.copy()
    changed_last[:, -1] = 2 + (X[:, -1] == 2)
    assert not np.allclose(
        lstm_only.predict_proba(changed_last), lstm_only.predict_proba(X), rtol=1e-5
    )
    with_bag = LSTMTextClassifier(lstm_maxlen=4, **TINY).fit(X, y)
    assert with_bag.model_.get_layer("ngram_scores") is not None
    (window,) = [
        layer for layer in network_layers(with_bag) if isinstance(layer, HeadTailTokens)
    ]
    assert (window.maxlen, window.head) == (4, 2)


@pytest.mark.slow
def test_lstm_maxlen_none_reads_every_position(binary_data):
    X, y = binary_data
    clf = LSTMTextClassifier(lstm_maxlen=None, **TINY).fit(X, y)
    assert not any(isinstance(layer, HeadTailTokens) for layer in network_layers(clf))


def _head_and_tail(row, maxlen, head):
    """What HeadTailTokens should return for one row, computed in numpy."""
    if len(row) <= maxlen:
        return row
    (real_at,) = np.nonzero(row)
    real = row[real_at[0] : real_at[-1] + 1] if len(real_at) else row[:0]
    if len(real) > maxlen:
        real = np.concatenate([real[:head], real[len(real) - (maxlen - head) :]])
    return np.pad(real, (0, maxlen - len(real)))


@pytest.mark.parametrize("padding", ["post", "pre"])
@pytest.mark.parametrize("maxlen, head", [(6, None), (6, 0), (6, 6), (5, 1), (1, None)])
def test_head_tail_tokens_keeps_the_start_and_the_end(padding, maxlen, head):
    rng = np.random.default_rng(0)
    lengths = np.array([0, 1, 5, 6, 7, 11, 12])
    ids = np.zeros((len(lengths), 12), dtype="int32")
    for row, length in zip(ids, lengths, strict=True):
        tokens = rng.integers(1, 50, length)
        if padding == "post":
            row[:length] = tokens
        elif length:
            row[-length:] = tokens
    layer = HeadTailTokens(maxlen, head=head)
    expected_head = maxlen // 2 if head is None else head
    expected = np.stack([_head_and_tail(row, maxlen, expected_head) for row in ids])
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(ids)), expected)
    # Inputs no wider than maxlen pass unchanged, whatever their padding.
    narrow = ids[:, -maxlen:]
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(narrow)), narrow)


def test_head_tail_tokens_config_round_trip_and_bad_arguments():
    layer = HeadTailTokens(8, head=3, name="window")
    restored = HeadTailTokens.from_config(layer.get_config())
    assert (restored.maxlen, restored.head, restored.name) == (8, 3, "window")
    assert layer.compute_output_shape((None, 20)) == (None, 8)
    assert layer.compute_output_shape((None, None)) == (None, None)
    with pytest.raises(ValueError, match="maxlen must be at least 1"):
        HeadTailTokens(0)
    with pytest.raises(ValueError, match="head must be between 0 and maxlen"):
        HeadTailTokens(4, head=5)


@pytest.mark.slow
def test_pretrained_frozen_embeddings(binary_data):
    X, y = binary_data
    vectors = np.random.default_rng(0).normal(size=(X.max() + 1, 5))
    clf = LSTMTextClassifier(
        embeddings=vectors, trainable_embeddings=False, **TINY
    ).fit(X, y)
    assert clf.vocab_size_ == len(vectors)
    (layer,) = [
        layer
        for layer in network_layers(clf)
        if isinstance(layer, FrozenAndLearnedEmbedding)
    ]
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(layer.pretrained), vectors, rtol=1e-6
    )
    assert keras.ops.shape(layer.learned) == (len(np.unique(X[X > 0])) + 1, 8)

    alone = LSTMTextClassifier(
        embeddings=vectors, trainable_embeddings=False, **{**TINY, "embedding_dim": 0}
    ).fit(X, y)
    (layer,) = [
        layer
        for layer in network_layers(alone)
        if isinstance(layer, keras.layers.Embedding)
    ]
    assert not layer.trainable
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(layer.embeddings), vectors, rtol=1e-6
    )


def test_frozen_and_learned_embedding_reads_both_and_round_trips(tmp_path):
    pretrained = np.arange(12, dtype="float32").reshape(6, 2)
    index = learned_index(6, [4, 2, 2])
    np.testing.assert_array_equal(index, [0, 0, 1, 0, 2, 0])
    inputs = keras.Input((None,), dtype="int32")
    layer = FrozenAndLearnedEmbedding(6, 2, 3, learned_rows=3, seed=0)
    outputs = MaskedGlobalPooling1D("max")(layer(inputs))
    model = keras.Model(inputs, outputs)
    layer.pretrained.assign(pretrained)
    layer.learned_index.assign(index)
    ids = np.array([[2, 5, 0], [4, 3, 1]], dtype="int32")
    learned = keras.ops.convert_to_numpy(layer.learned)
    vectors = keras.ops.convert_to_numpy(layer(ids))
    np.testing.assert_array_equal(vectors[..., :2], pretrained[ids])
    np.testing.assert_array_equal(vectors[..., 2:], learned[index[ids]])
    # Padding is masked: the max ignores id 0's vector.
    expected = np.concatenate([pretrained[[2, 5]], learned[index[[2, 5]]]], 1).max(0)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(model(ids))[0], expected)
    model.save(tmp_path / "model.keras")
    restored = keras.saving.load_model(tmp_path / "model.keras")
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(restored(ids)),
        keras.ops.convert_to_numpy(model(ids)),
    )


@pytest.mark.slow
def test_early_stopping_restores_the_best_epoch(binary_data):
    X, y = binary_data
    # Shuffled labels: the validation loss soon rises, and training must stop.
    y = np.random.default_rng(0).permutation(y)
    clf = LSTMTextClassifier(
        **{**TINY, "epochs": 30}, learning_rate=0.05, n_iter_no_change=1
    ).fit(X, y)
    n_epochs = len(clf.history_["val_loss"])
    assert n_epochs < 30
    assert clf.best_epoch_ == int(np.argmin(clf.history_["val_loss"]))
    assert n_epochs == clf.best_epoch_ + 2


@pytest.mark.slow
def test_without_early_stopping_no_validation(binary_data):
    X, y = binary_data
    clf = LSTMTextClassifier(**{**TINY, "early_stopping": False}).fit(X, y)
    assert set(clf.history_) == {"loss", "accuracy"}
    assert clf.best_epoch_ is None


def test_partial_fit_trains_one_epoch_per_call(binary_data):
    X, y = binary_data
    clf = LSTMTextClassifier(**TINY)
    clf.partial_fit(X[:40], y[:40], classes=["ham", "spam", "unknown"])
    clf.partial_fit(X[40:], y[40:])
    assert len(clf.history_["loss"]) == 2 and "val_loss" not in clf.history_
    assert clf.predict_proba(X).shape == (len(X), 3)
    with pytest.raises(ValueError, match="not among the classes"):
        clf.partial_fit(X[:5], np.array(["eggs"] * 5))
    with pytest.raises(ValueError, match="differs from the classes"):
        clf.partial_fit(X[:5], y[:5], classes=["ham", "spam"])


@pytest.mark.slow
def test_warm_start_continues_training(binary_data):
    X, y = binary_data
    clf = LSTMTextClassifier(**{**TINY, "early_stopping": False}, warm_start=True)
    clf.fit(X, y)
    weights = clf.model_
    clf.fit(X, y)
    assert clf.model_ is weights and len(clf.history_["loss"]) == 4


@pytest.mark.slow
def test_class_weight_leaves_sample_weight_untouched(binary_data):
    X, y = binary_data
    weights = np.ones(len(y))
    LSTMTextClassifier(**TINY, class_weight="balanced").fit(X, y, sample_weight=weights)
    assert np.all(weights == 1)
    with pytest.raises(ValueError, match="non-zero"):
        LSTMTextClassifier(**TINY).fit(X, y, sample_weight=np.zeros(len(y)))


def test_routed_parameters_and_callbacks(binary_data):
    X, y = binary_data

    class CountEpochs(keras.callbacks.Callback):
        epochs = 0

        def on_epoch_end(self, epoch, logs=None):
            CountEpochs.epochs += 1

    clf = LSTMTextClassifier(
        **TINY,
        optimizer="sgd",
        optimizer__momentum=0.5,
        learning_rate=0.05,
        callbacks=[CountEpochs()],
    )
    assert clone(clf).get_params()["optimizer__momentum"] == 0.5
    clf.fit(X, y)
    assert clf.model_.optimizer.momentum == 0.5
    assert float(clf.model_.optimizer.learning_rate) == pytest.approx(0.05)
    # Callbacks run in every stage: 2 epochs of the n-gram branch, 2 of the network.
    assert CountEpochs.epochs == 4


def test_clone_keeps_every_parameter():
    clf = LSTMTextClassifier(lstm_units=(8, 4), pooling="mean", optimizer__beta_1=0.8)
    assert clone(clf).get_params() == clf.get_params()
    assert "optimizer__beta_1=0.8" in repr(clf)


def test_pickle_round_trip(fitted, binary_data):
    X, _ = binary_data
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.predict_proba(X), fitted.predict_proba(X))
    assert restored.history_ == fitted.history_


@pytest.mark.parametrize(
    "X, error, match",
    [
        (np.array([[1, -2, 3]] * 4), ValueError, "Negative values"),
        (np.array([[1.5, 2, 3]] * 4), ValueError, "non-integer"),
        (np.array([[1, np.nan, 3]] * 4), ValueError, "NaN"),
        (np.array([[1, np.inf, 3]] * 4), ValueError, "infinity"),
        (np.array([1, 2, 3, 4]), ValueError, "2D array"),
        (
            sparse.csr_matrix(np.ones((4, 3))),
            TypeError,
            "Sparse input is not supported",
        ),
        (np.array([["a", "b"]] * 4), ValueError, "KerasTokenizerTransformer"),
    ],
)
def test_bad_X_is_rejected(X, error, match):
    with pytest.raises(error, match=match):
        LSTMTextClassifier(**TINY).fit(X, np.array([0, 1, 0, 1]))


@pytest.mark.parametrize(
    "y, match",
    [
        (np.array(["a"] * 6), "at least 2 classes"),
        (np.array([0.0, 1.0, np.nan, 1.0, 0.0, 1.0]), "missing label .* position 2"),
        (np.array(["a", None, "b", "a", "b", "a"], dtype=object), "position 1"),
        (np.array([0.5, 1.5, 2.5, 0.5, 1.5, 2.5]), "Unknown label type"),
    ],
)
def test_bad_y_is_rejected(y, match):
    X = np.ones((6, 3), dtype=int)
    with pytest.raises(ValueError, match=match):
        LSTMTextClassifier(**TINY).fit(X, y)


def test_width_must_match_fit(fitted, binary_data):
    X, _ = binary_data
    with pytest.raises(ValueError, match="features"):
        fitted.predict(np.pad(X, ((0, 0), (0, 3))))


def test_unfitted_estimator_raises():
    with pytest.raises(NotFittedError):
        LSTMTextClassifier().predict(np.ones((2, 3), dtype=int))


def test_invalid_parameters_are_named():
    X, y = make_ids()
    with pytest.raises(ValueError, match="pooling"):
        LSTMTextClassifier(pooling="sum").fit(X, y)
    with pytest.raises(ValueError, match="lstm_units"):
        LSTMTextClassifier(lstm_units=(4, 0)).fit(X, y)
    with pytest.raises(ValueError, match="ngram_order"):
        LSTMTextClassifier(ngram_order=0).fit(X, y)


def test_probabilities_sum_to_one_in_float64(fitted, binary_data):
    X, y = binary_data
    proba = fitted.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(
        fitted.classes_[proba.argmax(axis=1)], fitted.predict(X)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        log_loss(y, proba, labels=fitted.classes_)
