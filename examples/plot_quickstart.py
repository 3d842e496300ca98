"""
==========================================
Quickstart: spam detection with an LSTM
==========================================

Train the default sklstm pipeline, a :class:`~sklstm.KerasTokenizerTransformer`
followed by an :class:`~sklstm.LSTMTextClassifier`, on the SMS Spam Collection,
print its classification report on a held-out test set and save three figures:
the training curves, the confusion matrix and the per-class report.

Run it from the repository root::

    python examples/plot_quickstart.py [OUTPUT_FOLDER]

The figures go to ``OUTPUT_FOLDER``, else to the folder named by the
``SKLSTM_OUTPUT`` environment variable, else to ``quickstart_output/``. The
data is the copy of the SMS Spam Collection that ships with sklstm (a file in
the data home, ``$SKLSTM_DATA`` else ``~/sklstm_data``, takes precedence), so
no network is needed. It takes one to two minutes on two CPU cores.
"""

# %%
# Settings
# --------
# ``SKLSTM_EXAMPLE_FAST=1`` runs a reduced version (a thousand messages, a few
# epochs, a tiny network) that the test suite and the docs use to check this
# script end to end; it still catches most spam. Leave it unset for the real
# run.
import os
import sys
from pathlib import Path

from sklearn.metrics import classification_report
from sklearn.model_selection import train_test_split
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
    plot_classification_report,
    plot_confusion_matrix,
    plot_history,
)
from sklstm.datasets import load_sms_spam

FAST = os.environ.get("SKLSTM_EXAMPLE_FAST") == "1"
TOKENIZER_FAST = dict(maxlen=40) if FAST else {}
CLASSIFIER_FAST = (
    dict(
        embedding_dim=8,
        lstm_units=4,
        bidirectional=False,
        epochs=6,
    )
    if FAST
    else {}
)
OUTPUT = Path(
    sys.argv[1]
    if len(sys.argv) > 1
    else os.environ.get("SKLSTM_OUTPUT") or "quickstart_output"
)
OUTPUT.mkdir(parents=True, exist_ok=True)

# %%
# Load the data
# -------------
# 5,574 SMS messages, 13 % of them spam. The dataset has no official split, so
# hold out a stratified 20 % as the test set: both sets keep the class ratio.
texts, labels = load_sms_spam(return_X_y=True)
if FAST:
    texts, labels = resample(
        texts, labels, n_samples=1000, replace=False, stratify=labels, random_state=0
    )
X_train, X_test, y_train, y_test = train_test_split(
    texts, labels, test_size=0.2, stratify=labels, random_state=42
)
print(f"{len(X_train)} training and {len(X_test)} test messages")

# %%
# Train the default pipeline
# --------------------------
# The tokenizer learns a vocabulary from the training messages and turns each
# message into a row of token ids. The classifier holds out 10 % of the training
# data for early stopping and keeps the weights of the epoch with the lowest
# validation loss. ``random_state`` makes the whole fit reproducible.
pipe = make_pipeline(
    KerasTokenizerTransformer(**TOKENIZER_FAST),
    LSTMTextClassifier(random_state=42, **CLASSIFIER_FAST),
)
pipe.fit(X_train, y_train)
classifier = pipe[-1]
print(
    f"epochs run: {len(classifier.history_['loss'])}, "
    f"weights kept from epoch {classifier.best_epoch_ + 1}"
)

# %%
# Evaluate on the test set
# ------------------------
y_pred = pipe.predict(X_test)
print(classification_report(y_test, y_pred, digits=3))

# %%
# Plot the results
# ----------------
# The training curves show loss and accuracy per epoch on the training data and
# on the early-stopping validation split; the dashed line marks the epoch whose
# weights were kept. The confusion matrix and the report are on the test set.
# sklstm's plotting functions return figures that are not managed by pyplot, so
# a script saves them and needs no ``plt.close()``.
figures = {
    "history.png": plot_history(pipe),
    "confusion_matrix.png": plot_confusion_matrix(y_test, y_pred).figure,
    "classification_report.png": plot_classification_report(y_test, y_pred).figure,
}
for name, figure in figures.items():
    figure.savefig(OUTPUT / name, dpi=100)
    # Relative to where the script runs: no machine's absolute paths in logs.
    print(f"saved {os.path.relpath(OUTPUT / name)}")
