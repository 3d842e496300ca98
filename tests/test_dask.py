"""Searches on a real Dask cluster: the serial scores, survival of a lost worker.

The cluster (two worker processes, one thread each) is started once per
session by the ``dask_client`` fixture in conftest.py.
"""

import contextlib
import io
import logging
import os
import signal
import threading
import time
import warnings

import joblib
import numpy as np
import pytest
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import (
    GridSearchCV,
    HalvingGridSearchCV,
    RandomizedSearchCV,
    StratifiedKFold,
)
from sklearn.pipeline import make_pipeline

from sklstm import KerasTokenizerTransformer, LSTMTextClassifier
from tests.conftest import ONE_EPOCH, make_texts

pytest.importorskip("distributed")

# A cluster of worker processes, each importing Keras.
pytestmark = pytest.mark.slow

# A search that has not finished by then has hung.
SEARCH_TIMEOUT_S = 300
CV = StratifiedKFold(n_splits=2, shuffle=True, random_state=0)
GRID = {"lstmtextclassifier__learning_rate": [1e-3, 3e-2]}


def tiny_pipeline():
    return make_pipeline(
        KerasTokenizerTransformer(maxlen=8), LSTMTextClassifier(**ONE_EPOCH)
    )


# Log-loss rather than accuracy: a one-epoch model's probabilities sit near
# 0.5, where accuracy would hide a different model and flip on rounding.
SEARCHES = {
    "grid": lambda: GridSearchCV(
        tiny_pipeline(), GRID, cv=CV, scoring="neg_log_loss", refit=False
    ),
    "randomized": lambda: RandomizedSearchCV(
        tiny_pipeline(),
        {**GRID, "lstmtextclassifier__lstm_units": [2, 3]},
        n_iter=2,
        random_state=0,
        cv=CV,
        scoring="neg_log_loss",
        refit=False,
    ),
    "halving": lambda: HalvingGridSearchCV(
        tiny_pipeline(),
        GRID,
        resource="lstmtextclassifier__epochs",
        min_resources=1,
        max_resources=2,
        factor=2,
        cv=CV,
        scoring="neg_log_loss",
        refit=False,
    ),
}


def split_scores(search):
    results = search.cv_results_
    splits = sorted(key for key in results if key.startswith("split"))
    return np.array([results[key] for key in splits])


def _fit_in_thread(search, texts, y):
    """Fit ``search`` on the cluster; return its outcome or fail on a hang."""
    outcome = {}

    def fit():
        try:
            with joblib.parallel_config(backend="dask"):
                outcome["search"] = search.fit(texts, y)
        except Exception as error:  # reported by the caller
            outcome["error"] = error

    thread = threading.Thread(target=fit, daemon=True)
    thread.start()
    return thread, outcome


def _join(thread, outcome):
    thread.join(SEARCH_TIMEOUT_S)
    assert not thread.is_alive(), f"the search hung for {SEARCH_TIMEOUT_S} s"
    return outcome


@pytest.fixture(scope="module")
def serial_searches():
    """Each search fitted with ``n_jobs=1`` in this process, on demand."""
    texts, y = make_texts()
    fitted = {}

    def get(kind):
        if kind not in fitted:
            fitted[kind] = SEARCHES[kind]().fit(texts, y)
        return fitted[kind]

    return get


@pytest.mark.parametrize("kind", SEARCHES)
def test_search_on_cluster_gives_the_serial_scores(kind, serial_searches, dask_client):
    texts, y = make_texts()
    serial = serial_searches(kind)
    outcome = _join(*_fit_in_thread(SEARCHES[kind](), texts, y))
    assert "error" not in outcome, outcome.get("error")
    distributed = outcome["search"]
    np.testing.assert_allclose(
        split_scores(distributed), split_scores(serial), rtol=1e-4, atol=1e-6
    )
    assert distributed.cv_results_["params"] == serial.cv_results_["params"]


def _wait_for_running_task(client, deadline_s=120):
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        busy = [address for address, tasks in client.processing().items() if tasks]
        if busy:
            return busy[0]
        time.sleep(0.05)
    pytest.fail("no task of the search started")


def test_search_survives_a_killed_worker(serial_searches, dask_client):
    texts, y = make_texts()
    serial = serial_searches("grid")
    worker_pids = dask_client.run(os.getpid)
    thread, outcome = _fit_in_thread(SEARCHES["grid"](), texts, y)
    os.kill(worker_pids[_wait_for_running_task(dask_client)], signal.SIGKILL)
    _join(thread, outcome)
    # The nanny restarts the worker and the scheduler reruns its tasks.
    assert "error" not in outcome, outcome.get("error")
    np.testing.assert_allclose(
        split_scores(outcome["search"]), split_scores(serial), rtol=1e-4, atol=1e-6
    )
    dask_client.wait_for_workers(2, timeout=120)


def _fit_capturing_output():
    """Fit a tiny pipeline; return what Python code printed, warned or logged."""
    texts, y = make_texts()
    printed = io.StringIO()
    handler = logging.StreamHandler(printed)
    logging.getLogger().addHandler(handler)
    try:
        with (
            contextlib.redirect_stdout(printed),
            contextlib.redirect_stderr(printed),
            warnings.catch_warnings(record=True) as caught,
        ):
            warnings.simplefilter("always")
            tiny_pipeline().fit(texts, y).predict(texts)
    finally:
        logging.getLogger().removeHandler(handler)
    return printed.getvalue(), [str(warning.message) for warning in caught]


def test_fit_in_a_worker_is_quiet_at_verbose_0(dask_client):
    future = dask_client.submit(_fit_capturing_output, pure=False)
    printed, caught = future.result(timeout=SEARCH_TIMEOUT_S)
    assert printed == ""
    assert caught == []
