"""The process around a fit: thread budget, fork safety, memory across fits.

These run on every Keras backend: .ci/run repeats them with KERAS_BACKEND=jax.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import keras
import numpy as np
import pytest
from joblib import Parallel, delayed, parallel_config
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from threadpoolctl import threadpool_info

from sklstm import KerasTokenizerTransformer, LSTMTextClassifier
from sklstm._runtime import limited_threads, thread_budget
from tests.conftest import ONE_EPOCH, make_texts
from tests.conftest import make_ids as _make_ids

psutil = pytest.importorskip("psutil")

REPO = Path(__file__).resolve().parents[1]


def make_ids():
    """64 unpadded rows of width 8, two classes."""
    return _make_ids(n_samples=64, width=8, padded=False)


# ------------------------------------------------------------------ threads


@pytest.mark.slow
def test_thread_budget_prefers_explicit_then_the_workers_share(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert thread_budget(1) == 1
    # A Dask LocalCluster sets OMP_NUM_THREADS=1 in the process that starts it.
    assert thread_budget(None) is None
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert thread_budget(None) is None
    with parallel_config(backend="loky", inner_max_num_threads=1):
        shares = Parallel(n_jobs=2)(delayed(thread_budget)() for _ in range(2))
    assert shares == [1, 1]


def _blas_threads():
    return {pool["num_threads"] for pool in threadpool_info()}


def test_limited_threads_in_a_started_runtime_bounds_blas_only_and_says_so():
    # A started runtime keeps its pools, so this leaves the test process as is.
    keras.ops.convert_to_numpy(keras.ops.ones(2) + 1)
    before = _blas_threads()
    with (
        pytest.warns(RuntimeWarning, match="bounds BLAS only"),
        limited_threads(1) as budget,
    ):
        assert budget == 1
        assert _blas_threads() <= {1}
    assert _blas_threads() == before


def test_n_threads_is_validated():
    X, y = make_ids()
    with pytest.raises(ValueError, match="n_threads"):
        LSTMTextClassifier(n_threads=0).fit(X, y)


def _run_script(source, timeout, env=None):
    """Run ``source`` in a fresh interpreter; a hang fails instead of blocking."""
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        **(env or {}),
    }
    try:
        return subprocess.run(
            [sys.executable, "-c", textwrap.dedent(source)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the script hung for {timeout} s")


@pytest.mark.slow
def test_first_fit_in_a_process_sizes_the_tensorflow_pools():
    if keras.backend.backend() != "tensorflow":
        pytest.skip("TensorFlow's pool sizes are read back through tf.config")
    result = _run_script(
        """
        import numpy as np, tensorflow as tf
        from sklstm import LSTMTextClassifier
        X = np.array([[2, 5, 6], [3, 7, 0]] * 8)
        LSTMTextClassifier(embedding_dim=4, lstm_units=2, epochs=1,
                           early_stopping=False, n_threads=1).fit(X, [0, 1] * 8)
        print(tf.config.threading.get_intra_op_parallelism_threads(),
              tf.config.threading.get_inter_op_parallelism_threads())
        """,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "1"]


# --------------------------------------------------------------------- fork


@pytest.mark.slow
def test_fork_after_training_fails_fast_with_a_clear_error():
    result = _run_script(
        """
        import numpy as np
        from joblib import Parallel, delayed, parallel_config
        from sklearn.base import clone
        from sklstm import LSTMTextClassifier
        X = np.array([[2, 5, 6], [3, 7, 0]] * 8)
        y = [0, 1] * 8
        clf = LSTMTextClassifier(embedding_dim=4, lstm_units=2, epochs=1,
                                 early_stopping=False).fit(X, y)
        with parallel_config(backend="multiprocessing", n_jobs=2):
            Parallel()(delayed(clone(clf).fit)(X, y) for _ in range(2))
        """,
        timeout=300,
    )
    assert result.returncode != 0
    assert "RuntimeError" in result.stderr
    assert "forked" in result.stderr and '"loky"' in result.stderr


# ------------------------------------------------------------------- memory


@pytest.mark.slow
def test_memory_stays_flat_across_many_fits():
    # One batch of one width per fit: each fit traces or compiles one step.
    texts, y = make_texts(n_samples=32, n_words=6)
    pipe = make_pipeline(
        KerasTokenizerTransformer(maxlen=8), LSTMTextClassifier(**ONE_EPOCH)
    )
    process = psutil.Process()
    rss_mb = {}
    for fit in range(1, 41):
        clone(pipe).fit(texts, y)
        rss_mb[fit] = process.memory_info().rss / 2**20
    growth = rss_mb[40] - rss_mb[10]
    assert growth < 50, f"resident memory grew {growth:.0f} MB from fit 10 to 40"


@pytest.mark.slow
def test_other_live_models_keep_working_after_new_fits():
    X, y = make_ids()
    held = LSTMTextClassifier(**ONE_EPOCH).fit(X, y)
    held_proba = held.predict_proba(X)
    user_model = keras.Sequential(
        [
            keras.Input((3,)),
            keras.layers.Dense(4, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    user_model.compile(optimizer="sgd", loss="mse")
    features = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
    targets = features.sum(axis=1, keepdims=True)
    user_model.fit(features, targets, epochs=1, verbose=0)
    user_pred = user_model.predict(features, verbose=0)

    for seed in range(3):
        LSTMTextClassifier(**{**ONE_EPOCH, "random_state": seed}).fit(X, y)

    np.testing.assert_allclose(held.predict_proba(X), held_proba, rtol=1e-5)
    np.testing.assert_allclose(user_model.predict(features, verbose=0), user_pred)
    first = user_model.evaluate(features, targets, verbose=0)
    user_model.fit(features, targets, epochs=5, verbose=0)
    assert user_model.evaluate(features, targets, verbose=0) < first
    held.partial_fit(X, y)
    assert held.predict_proba(X).shape == held_proba.shape
    assert len(held.history_["loss"]) == 2
