"""Tests of safe model files: skops round trips and refused crafted files."""

import io
import json
import pickle
import subprocess
import sys
import zipfile
import zlib
from fractions import Fraction

import keras
import numpy as np
import pytest
import skops.io
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sklstm import KerasTokenizerTransformer, LSTMTextClassifier, _persistence
from sklstm._persistence import (
    SKLSTM_TYPES,
    keras_model_from_bytes,
    keras_model_to_bytes,
    load_model_file,
    optimizer_state_kept,
)
from tests.conftest import TINY

TINY = {**TINY, "epochs": 1}
TEXTS = ["good movie", "great film", "bad movie", "awful film, très mauvais"] * 6
LABELS = ["pos", "pos", "neg", "neg"] * 6

# A fitted GridSearchCV also holds its scorer and splitter: scikit-learn types
# that skops' defaults do not trust (yet), listed in the user guide.
SEARCH_TYPES = [
    "sklearn.metrics._scorer._PassthroughScorer",
    "sklearn.model_selection._split.StratifiedKFold",
]

LOAD_IN_NEW_PROCESS = """
import json, sys, numpy as np, skops.io
paths, texts = json.loads(sys.argv[1]), json.loads(sys.argv[2])
for path in paths:
    trusted = skops.io.get_untrusted_types(file=path)
    model = skops.io.load(path, trusted=trusted)
    np.save(path + ".npy", model.predict_proba(texts))
"""


def make_pipe():
    return make_pipeline(
        KerasTokenizerTransformer(maxlen=8), LSTMTextClassifier(**TINY)
    )


@pytest.fixture(scope="module")
def fitted_pipe():
    return make_pipe().fit(TEXTS, LABELS)


@pytest.fixture(scope="module")
def fitted_search():
    grid = {"lstmtextclassifier__lstm_units": [4]}
    return GridSearchCV(make_pipe(), grid, cv=2).fit(TEXTS, LABELS)


def probas_in_new_process(paths):
    """predict_proba(TEXTS) of each skops file, loaded in a fresh interpreter."""
    arguments = [json.dumps([str(path) for path in paths]), json.dumps(TEXTS)]
    subprocess.run(
        [sys.executable, "-c", LOAD_IN_NEW_PROCESS, *arguments],
        check=True,
        capture_output=True,
    )
    return [np.load(f"{path}.npy") for path in paths]


@pytest.fixture
def unsafe_keras_process():
    """Turn Keras' unsafe deserialization on, as a careless process might."""
    from keras.src.backend.common import global_state

    before = global_state.get_global_attribute("safe_mode_saving")
    keras.config.enable_unsafe_deserialization()
    yield
    global_state.set_global_attribute("safe_mode_saving", before)


@pytest.mark.slow
def test_pipeline_and_search_round_trip_bit_identical_in_new_process(
    fitted_pipe, fitted_search, tmp_path
):
    models = [fitted_pipe, fitted_search]
    paths = [tmp_path / "pipe.skops", tmp_path / "search.skops"]
    for model, path in zip(models, paths, strict=True):
        skops.io.dump(model, path)
    for model, restored in zip(models, probas_in_new_process(paths), strict=True):
        np.testing.assert_array_equal(restored, model.predict_proba(TEXTS))


# What a single-label pipeline holds of sklstm's own types.
PIPELINE_TYPES = [
    "sklstm._tasks.SingleLabelTask",
    "sklstm.classifier.LSTMTextClassifier",
    "sklstm.tokenizer.KerasTokenizerTransformer",
]


@pytest.mark.slow
def test_only_sklstm_types_are_untrusted(fitted_pipe, fitted_search):
    untrusted = skops.io.get_untrusted_types(data=skops.io.dumps(fitted_pipe))
    assert untrusted == PIPELINE_TYPES
    untrusted = skops.io.get_untrusted_types(data=skops.io.dumps(fitted_search))
    assert set(untrusted) - set(SEARCH_TYPES) == set(PIPELINE_TYPES)


def test_load_model_file_trusts_sklstm_types_only(fitted_pipe, tmp_path):
    path = tmp_path / "pipe.skops"
    skops.io.dump(fitted_pipe, path)
    restored = load_model_file(path)
    np.testing.assert_array_equal(
        restored.predict_proba(TEXTS), fitted_pipe.predict_proba(TEXTS)
    )
    skops.io.dump({"model": fitted_pipe, "extra": Fraction(1, 3)}, path)
    with pytest.raises(ValueError, match="does not trust.*Fraction"):
        load_model_file(path)


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    path = tmp_path / "notes.skops"
    path.write_text("text,label\nhello,ham\n")
    with pytest.raises(ValueError, match="is not a model file"):
        load_model_file(path)


@pytest.mark.parametrize(
    "text_options",
    [{}, {"split": "é"}, {"char_level": True}, {"oov_token": None}],
    ids=["bytes-keys", "str-keys", "char-level", "no-oov"],
)
def test_tokenizer_round_trips_through_skops(text_options):
    tokenizer = KerasTokenizerTransformer(maxlen=6, **text_options).fit(TEXTS)
    data = skops.io.dumps(tokenizer)
    restored = skops.io.loads(data, trusted=list(SKLSTM_TYPES))
    new_texts = ["good and bad", "très bien", ""]
    np.testing.assert_array_equal(
        restored.transform(new_texts), tokenizer.transform(new_texts)
    )
    assert restored.vocabulary_ == tokenizer.vocabulary_


def clone_fitted(model):
    return skops.io.loads(skops.io.dumps(model), trusted=list(SKLSTM_TYPES))


def lambda_model():
    inputs = keras.Input((3,))
    outputs = keras.layers.Lambda(lambda x: x * 2)(inputs)
    return keras.Model(inputs, outputs)


def test_lambda_layer_is_refused_even_in_an_unsafe_process(
    fitted_pipe, tmp_path, unsafe_keras_process
):
    path = tmp_path / "crafted.skops"
    crafted = clone_fitted(fitted_pipe)
    crafted[-1].model_ = lambda_model()
    skops.io.dump(crafted, path)
    with pytest.raises(ValueError, match="refused.*Lambda"):
        load_model_file(path)


def test_unknown_keras_class_is_refused():
    data = keras_model_to_bytes(
        keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    )
    archive = zipfile.ZipFile(io.BytesIO(zlib.decompress(data)))
    config = json.loads(archive.read("config.json"))
    config["config"]["layers"][-1].update(module="os", class_name="system")
    crafted = io.BytesIO()
    with zipfile.ZipFile(crafted, "w") as out:
        for item in archive.infolist():
            content = archive.read(item)
            if item.filename == "config.json":
                content = json.dumps(config).encode()
            out.writestr(item, content)
    # Compressed as sklstm writes it, or a bare archive as older files hold.
    for data in (zlib.compress(crafted.getvalue()), crafted.getvalue()):
        with pytest.raises(ValueError, match="refused.*system"):
            keras_model_from_bytes(data)


# ------------------------------------------------------------ compact files


def test_a_saved_model_holds_what_prediction_needs_and_predicts_the_same():
    texts, labels = TEXTS, LABELS
    pipe = make_pipeline(
        KerasTokenizerTransformer(), LSTMTextClassifier(**{**TINY, "epochs": 2})
    ).fit(texts, labels)
    lean = pickle.dumps(pipe)
    with optimizer_state_kept():
        full = pickle.dumps(pipe)
    assert len(lean) < len(full)
    for data in (lean, full):
        back = pickle.loads(data)
        np.testing.assert_array_equal(
            back.predict_proba(texts), pipe.predict_proba(texts)
        )
        for name in ("vocabulary_", "word_counts_", "index_word_"):
            restored, fitted = getattr(back[0], name), getattr(pipe[0], name)
            assert list(restored.items()) == list(fitted.items())
    # Without the optimizer's state, training goes on with a fresh optimizer.
    back = pickle.loads(lean)
    back.set_params(lstmtextclassifier__warm_start=True).fit(texts, labels)
    assert len(back[-1].history_["loss"]) == 4


def test_a_network_that_inflates_too_far_is_refused(monkeypatch):
    monkeypatch.setattr(_persistence, "MAX_NETWORK_BYTES", 1000)
    with pytest.raises(ValueError, match="inflates beyond 1,000 bytes"):
        keras_model_from_bytes(zlib.compress(bytes(5000)))
    with pytest.raises(ValueError, match="damaged"):
        keras_model_from_bytes(b"not an archive")
