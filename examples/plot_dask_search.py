"""
=================================================
Tuning on a Dask cluster
=================================================

Run the same :class:`~sklearn.model_selection.GridSearchCV` twice: serially in
this process, then on a Dask cluster through joblib's ``"dask"`` backend, and
check that both give the same cross-validated scores.

The cluster here is a :class:`~distributed.LocalCluster` of two worker
processes with one thread each, which needs nothing but ``pip install
"sklstm[dask]"``. On a real cluster only the ``Client`` line changes:
``Client("tcp://scheduler:8786")``. See :doc:`/cluster` for sizing workers and
shipping data.

Run it from the repository root::

    python examples/plot_dask_search.py

It uses a subsample of SMS Spam (``N_SAMPLES``) to run in a few minutes on two
CPU cores.
"""

# %%
# Settings
# --------
# ``SKLSTM_EXAMPLE_FAST=1`` runs a reduced version (600 messages, a few epochs,
# a tiny network) that the test suite and the docs use to check this script
# end to end. Leave it unset for the real run.
import logging
import os

from sklstm.startup import start_keras_quietly

# TensorFlow's C++ start-up lines ("failed call to cuInit" on a machine
# without a GPU) are noise here. Only a script may silence its own process,
# so the library leaves this call to it. The workers inherit the log level
# set here, and each runs the same call before its first fit (``client.run``).
start_keras_quietly()

import joblib
import numpy as np
import pandas as pd
from distributed import Client, LocalCluster
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.utils import resample

from sklstm import KerasTokenizerTransformer, LSTMTextClassifier
from sklstm.datasets import load_sms_spam

FAST = os.environ.get("SKLSTM_EXAMPLE_FAST") == "1"
N_SAMPLES = 600 if FAST else 2000
TOKENIZER_FAST = dict(maxlen=40) if FAST else {}
CLASSIFIER_FAST = (
    dict(embedding_dim=8, lstm_units=4, bidirectional=False, epochs=3) if FAST else {}
)

# %%
# Load the data
# -------------
# Texts as a NumPy array: one object that joblib can scatter to the workers.
texts, labels = load_sms_spam(return_X_y=True)
texts, labels = resample(
    np.asarray(texts, dtype=object),
    np.asarray(labels),
    n_samples=N_SAMPLES,
    replace=False,
    stratify=labels,
    random_state=0,
)

# %%
# The search
# ----------
# Seeded classifier and folds: the same search gives the same scores wherever
# its fits run.
pipe = make_pipeline(
    KerasTokenizerTransformer(**TOKENIZER_FAST),
    LSTMTextClassifier(random_state=0, **CLASSIFIER_FAST),
)
param_grid = {"lstmtextclassifier__learning_rate": [1e-3, 3e-3]}


def make_search(n_jobs):
    return GridSearchCV(
        pipe,
        param_grid,
        scoring="f1_macro",
        cv=StratifiedKFold(n_splits=2 if FAST else 3, shuffle=True, random_state=0),
        n_jobs=n_jobs,
    )


def results_table(search):
    columns = ["param_lstmtextclassifier__learning_rate", "mean_test_score"]
    return pd.DataFrame(search.cv_results_)[columns].to_string(index=False)


# %%
# The serial search, then the same search on a Dask cluster
# ---------------------------------------------------------
# One thread per worker process: each fit then sizes TensorFlow's thread pools
# for its one core instead of the whole machine. ``scatter`` sends the texts
# to every worker once instead of with each of the fits. ``n_jobs=-1`` uses
# every worker thread of the cluster.
#
# Dask starts its workers with ``spawn``, which imports this script in each
# of them: the work stays under ``if __name__ == "__main__"``.
if __name__ == "__main__":
    serial = make_search(n_jobs=1).fit(texts, labels)
    print("serial search:")
    print(results_table(serial))

    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            # The workers' routine notices (e.g. slow garbage collections)
            # are not this script's output; errors still show.
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(start_keras_quietly)
        with joblib.parallel_config(backend="dask", scatter=[texts, labels]):
            distributed = make_search(n_jobs=-1).fit(texts, labels)
    print("search on the Dask cluster:")
    print(results_table(distributed))
    same = np.allclose(
        distributed.cv_results_["mean_test_score"],
        serial.cv_results_["mean_test_score"],
    )
    print(f"same scores as the serial search: {same}")
