"""Fixtures shared by the test modules."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]

DATA_HOME_HELP = (
    "Set SKLSTM_DATA to a folder laid out like the project's shared data home "
    "(<name>/<name>.csv.gz), or run the dataset's loader (for example "
    "sklstm.datasets.load_imdb()) once with network access to download it to "
    "~/sklstm_data."
)


def pytest_collection_modifyitems(items):
    """Mark every test that reads the data home ``slow``.

    Real datasets are large, and CI sets ``SKLSTM_DATA``: unmarked, such a test
    would run in the fast tier there while it skips on a machine without data.
    """
    for item in items:
        reads_data = "data_home" in getattr(item, "fixturenames", ())
        if reads_data or item.get_closest_marker("realdata"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def data_home():
    """The data home named by SKLSTM_DATA; skips the test when it is missing."""
    path = os.environ.get("SKLSTM_DATA")
    if not path or not Path(path).is_dir():
        pytest.skip(f"real-data test skipped: no data home. {DATA_HOME_HELP}")
    return Path(path)


def dataset_file(data_home, name, stem=None):
    """Path of ``<name>/<stem>.csv.gz`` in the data home, or skip the test.

    ``stem`` defaults to ``name``; AG News has one file per split.
    """
    path = Path(data_home) / name / f"{stem or name}.csv.gz"
    if not path.is_file():
        pytest.skip(f"real-data test skipped: {path} is missing. {DATA_HOME_HELP}")
    return path


@pytest.fixture(scope="session")
def dask_client():
    """A client of a two-process local Dask cluster, one thread per worker.

    Started once per session: each worker imports Keras on its first task.
    """
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            env={"TF_CPP_MIN_LOG_LEVEL": "2"},
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


# ---------------------------------------------------------------- tiny models
# The smallest network and training that still exercise the fit's code paths:
# one direction, a few steps per epoch. On TensorFlow they run eagerly: on a
# hundred short rows, tracing a graph per batch width costs more than
# training. JAX compiles instead: its eager loop over time steps would compile
# the step at every call. A test module that needs more (an accuracy to reach,
# a compiled graph, both directions) states only how it differs:
# ``{**TINY, "epochs": 15}``.
_EAGER = os.environ.get("KERAS_BACKEND", "tensorflow") == "tensorflow"
TINY = dict(
    embedding_dim=8,
    lstm_units=4,
    bidirectional=False,
    epochs=2,
    batch_size=32,
    ngram_buckets=256,
    random_state=0,
    compile__run_eagerly=_EAGER,
)
# One epoch and no validation split: for tests that need a fitted model, not a
# learned one.
ONE_EPOCH = {**TINY, "epochs": 1, "early_stopping": False}


def make_ids(n_samples=90, width=12, n_classes=2, seed=0, padded=True):
    """Token ids whose class is marked by its first token, ``2 + class``.

    With ``padded``, each row is post-padded with zeros after 3 to ``width``
    tokens, as the tokenizer's rows are; ids of the other tokens lie in
    ``[2 + n_classes, 40)``. Returns ``X`` (int32) and the integer classes.
    """
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, n_samples)
    X = rng.integers(2 + n_classes, 40, size=(n_samples, width))
    X[:, 0] = 2 + y
    if padded:
        lengths = rng.integers(3, width + 1, n_samples)
        X[np.arange(width) >= lengths[:, None]] = 0
    return X.astype("int32"), y


def make_texts(n_samples=64, seed=0, n_words=None):
    """Texts whose first word is their class (``ham``/``spam``), and the classes.

    ``n_words`` fixes the number of words after it; else 2 to 7.
    """
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n_samples)
    words = [f"w{i}" for i in range(30)]
    texts = [
        " ".join(
            [
                ("spam" if label else "ham"),
                *rng.choice(words, n_words or rng.integers(2, 8)),
            ]
        )
        for label in y
    ]
    return texts, y


def run_python(code, **env):
    """Run ``code`` in a fresh interpreter that imports this checkout's sklstm.

    ``env`` adds environment variables; a value of None removes one. Fails
    the test on a non-zero exit, with its stderr. Returns the completed
    process (text output).
    """
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    for name, value in env.items():
        environment.pop(name, None)
        if value is not None:
            environment[name] = value
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="session")
def binary_ids():
    """``make_ids()``: 90 rows of width 12, two classes."""
    return make_ids()


@pytest.fixture(scope="session")
def tiny_pipeline():
    """A tokenizer + classifier pipeline fitted on ``make_texts()``, once a session.

    Shared by tests that only read a fitted model; a test that changes it must
    fit its own. Compiled, as a served model is: prediction runs the graph.
    """
    from sklearn.pipeline import make_pipeline

    from sklstm import KerasTokenizerTransformer, LSTMTextClassifier

    texts, y = make_texts()
    classifier = LSTMTextClassifier(**{**TINY, "compile__run_eagerly": False})
    pipe = make_pipeline(KerasTokenizerTransformer(maxlen=8), classifier)
    return pipe.fit(texts, np.array(["ham", "spam"])[y])
