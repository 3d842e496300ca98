"""
=================================================
Tuning with GridSearchCV and early stopping
=================================================

Search the LSTM size and the learning rate of an
:class:`~sklstm.LSTMTextClassifier` with scikit-learn's
:class:`~sklearn.model_selection.GridSearchCV`, with early stopping switched on
inside the search, and plot the cross-validated scores with
:func:`~sklstm.plot_search_results`.

The search is leak-free: for every fold, the whole pipeline is fitted on the
training part of the fold only. The tokenizer learns its vocabulary there, and
early stopping draws its validation split from those training rows, so the
rows a candidate is scored on never influence its training.

Run it from the repository root::

    python examples/plot_grid_search.py [OUTPUT_FOLDER]

The figures go to ``OUTPUT_FOLDER``, else to ``$SKLSTM_OUTPUT``, else to
``grid_search_output/``. It uses a subsample of SMS Spam (``N_SAMPLES``) to
run in a few minutes on two CPU cores.
"""

# %%
# Settings
# --------
# ``SKLSTM_EXAMPLE_FAST=1`` runs a reduced version (800 messages, a few epochs,
# a small network) that the test suite and the docs use to check this script
# end to end; its tuned model still catches most spam. Leave it unset for the
# real run.
import os
import sys
from pathlib import Path

import pandas as pd
from sklearn.metrics import classification_report
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.utils import resample

from sklstm.startup import start_keras_quietly

# TensorFlow's C++ start-up lines ("failed call to cuInit" on a machine
# without a GPU) are noise here. Only a script may silence its own process,
# so the library leaves this call to it.
start_keras_quietly()

from sklstm import (
    KerasTokenizerTransformer,
    LSTMTextClassifier,
    plot_history,
    plot_search_results,
)
from sklstm.datasets import load_sms_spam

FAST = os.environ.get("SKLSTM_EXAMPLE_FAST") == "1"
N_SAMPLES = 800 if FAST else 2500
N_FOLDS = 2 if FAST else 3
TOKENIZER_FAST = dict(maxlen=40) if FAST else {}
CLASSIFIER_FAST = dict(embedding_dim=8, bidirectional=False, epochs=6) if FAST else {}
# The reduced run's few epochs are too few for the smallest rate to learn.
LEARNING_RATES = [1e-3, 3e-3] if FAST else [3e-4, 1e-3, 3e-3]
OUTPUT = Path(
    sys.argv[1]
    if len(sys.argv) > 1
    else os.environ.get("SKLSTM_OUTPUT") or "grid_search_output"
)
OUTPUT.mkdir(parents=True, exist_ok=True)

# %%
# Load the data
# -------------
# A stratified subsample keeps the spam ratio of the full collection (13 %).
# A fifth of it is held out to check the tuned model once, at the end.
texts, labels = load_sms_spam(return_X_y=True)
texts, labels = resample(
    texts, labels, n_samples=N_SAMPLES, replace=False, stratify=labels, random_state=0
)
X_train, X_test, y_train, y_test = train_test_split(
    texts, labels, test_size=0.2, stratify=labels, random_state=42
)

# %%
# Search
# ------
# Parameters of pipeline steps are named ``<step>__<parameter>``. Every
# candidate trains with early stopping (the default): up to ``epochs`` epochs,
# stopping once the loss on a validation split of its own training fold has
# not improved for two epochs, and keeping the best epoch's weights. The macro
# F1 score weighs the rare spam class as much as ham.
pipe = make_pipeline(
    KerasTokenizerTransformer(**TOKENIZER_FAST),
    LSTMTextClassifier(random_state=42, **CLASSIFIER_FAST),
)
param_grid = {
    "lstmtextclassifier__lstm_units": [16, 64],
    "lstmtextclassifier__learning_rate": LEARNING_RATES,
}
search = GridSearchCV(
    pipe,
    param_grid,
    scoring="f1_macro",
    cv=StratifiedKFold(n_splits=N_FOLDS, shuffle=True, random_state=0),
)
search.fit(X_train, y_train)

results = pd.DataFrame(search.cv_results_)
columns = [f"param_{name}" for name in param_grid] + [
    "mean_test_score",
    "std_test_score",
    "rank_test_score",
    "mean_fit_time",
]
print(results[columns].sort_values("rank_test_score").to_string(index=False))
print(f"best parameters: {search.best_params_}")

# %%
# Check the tuned model on the held-out data
# ------------------------------------------
# ``GridSearchCV`` refits the best candidate on all of ``X_train``, again with
# early stopping on a validation split of its training data.
y_pred = search.predict(X_test)
print(classification_report(y_test, y_pred, digits=3, zero_division=0))

# %%
# Plot the search and the refitted model's training curves
# --------------------------------------------------------
# Each point is a candidate's mean F1 over the folds, with one standard
# deviation as error bar; the star marks the best candidate. Learning rates
# spanning a factor of 10 get a logarithmic axis, ticked at the rates tried.
ax = plot_search_results(
    search, "lstmtextclassifier__learning_rate", hue="lstmtextclassifier__lstm_units"
)
figures = {
    "search_results.png": ax.figure,
    "best_model_history.png": plot_history(search.best_estimator_),
}
for name, figure in figures.items():
    figure.savefig(OUTPUT / name, dpi=100)
    # Relative to where the script runs: no machine's absolute paths in logs.
    print(f"saved {os.path.relpath(OUTPUT / name)}")
