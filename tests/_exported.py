"""A small fitted pipeline and its export, built once per test session.

test_export, test_serving and test_serving_app all read the same exported
folder: converting a network takes seconds, fitting the pipeline too.
"""

import pytest

TEXTS = [
    "good movie, great acting",
    "a great film with a good story",
    "bad movie and awful acting",
    "an awful film, boring story",
    "the plot was fine, nothing special",
    "an average film with fine moments",
] * 6
LABELS = ["pos", "pos", "neg", "neg", "meh", "meh"] * 6

# Texts the tests predict on: seen words, unknown ones, empty, long, other scripts.
PROBE_TEXTS = [
    "good film",
    "",
    "!!!",
    "totally unseen vocabulary here",
    "awful " * 40 + "great",
    "Caf\u00e9 \u6771\u4eac \U0001f642 good",
    "GOOD MOVIE",
]

_CACHE = {}


def fitted_pipeline():
    """A three-class pipeline with every part of the default model, small."""
    if "pipeline" not in _CACHE:
        from sklearn.pipeline import make_pipeline

        from sklstm import KerasTokenizerTransformer, LSTMTextClassifier

        _CACHE["pipeline"] = make_pipeline(
            KerasTokenizerTransformer(maxlen=24),
            LSTMTextClassifier(
                lstm_units=4,
                embedding_dim=8,
                lstm_maxlen=12,
                ngram_buckets=256,
                epochs=2,
                early_stopping=False,
                random_state=0,
            ),
        ).fit(TEXTS, LABELS)
    return _CACHE["pipeline"]


def exported_folder(tmp_path_factory):
    """The folder export_pipeline wrote for :func:`fitted_pipeline`'s pipeline."""
    pytest.importorskip("tf2onnx")
    pytest.importorskip("onnxruntime")
    if "folder" not in _CACHE:
        from sklstm.export import export_pipeline

        folder = tmp_path_factory.mktemp("export") / "model"
        export_pipeline(fitted_pipeline(), folder, sample_texts=PROBE_TEXTS)
        _CACHE["folder"] = folder
    return _CACHE["folder"]
