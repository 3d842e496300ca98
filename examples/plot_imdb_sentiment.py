"""
================================================
Sentiment of long movie reviews (IMDB)
================================================

Classify IMDB movie reviews as positive or negative, on the official
train/test split. Reviews are long (a few hundred words, some over a
thousand), so the tokenizer's ``maxlen`` and ``truncating`` settings matter:
they decide how much of each review the LSTM reads, and which part. This
example looks at the review lengths, trains one pipeline that keeps the start
of long reviews and one that keeps their end, and compares them.

Run it from the repository root::

    python examples/plot_imdb_sentiment.py [OUTPUT_FOLDER]

The figures go to ``OUTPUT_FOLDER``, else to ``$SKLSTM_OUTPUT``, else to
``imdb_output/``. Training on all 25,000 training reviews takes a while on a
CPU, so the example uses a random subsample of each split and runs in about
six minutes on two CPU cores: raise ``N_TRAIN`` and ``N_TEST`` (up to 25,000)
for better scores.
"""

# %%
# Settings
# --------
# ``SKLSTM_EXAMPLE_FAST=1`` runs a reduced version (a few hundred reviews, one
# epoch, a tiny network) that the test suite uses to check this script end to
# end. Leave it unset for the real run.
import os
import sys
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from sklearn.metrics import accuracy_score, classification_report
from sklearn.pipeline import make_pipeline

from sklstm.startup import start_keras_quietly

# TensorFlow's C++ start-up lines ("failed call to cuInit" on a machine
# without a GPU) are noise here. Only a script may silence its own process,
# so the library leaves this call to it.
start_keras_quietly()

from sklstm import (
    KerasTokenizerTransformer,
    LSTMTextClassifier,
    plot_classification_report,
    plot_history,
)
from sklstm.datasets import load_imdb

FAST = os.environ.get("SKLSTM_EXAMPLE_FAST") == "1"
N_TRAIN = 200 if FAST else 10_000
N_TEST = 100 if FAST else 5_000
MAXLEN = 20 if FAST else 200
CLASSIFIER_FAST = (
    dict(
        embedding_dim=8,
        lstm_units=4,
        bidirectional=False,
        epochs=1,
        compile__run_eagerly=True,
    )
    if FAST
    else {}
)
OUTPUT = Path(
    sys.argv[1]
    if len(sys.argv) > 1
    else os.environ.get("SKLSTM_OUTPUT") or "imdb_output"
)
OUTPUT.mkdir(parents=True, exist_ok=True)

# %%
# Load a subsample of the official split
# --------------------------------------
# Each split lists its negative reviews before its positive ones, so shuffle
# before taking the first ``N_TRAIN`` (or ``N_TEST``) reviews.
X_train, y_train = load_imdb(
    subset="train", shuffle=True, random_state=0, return_X_y=True
)
X_test, y_test = load_imdb(subset="test", shuffle=True, random_state=0, return_X_y=True)
X_train, y_train = X_train[:N_TRAIN], y_train[:N_TRAIN]
X_test, y_test = X_test[:N_TEST], y_test[:N_TEST]
print(f"{len(X_train)} training and {len(X_test)} test reviews")

# %%
# How long are the reviews?
# -------------------------
# With ``maxlen=None`` the tokenizer pads to the longest training review, so
# counting the non-padding ids gives each review's length in tokens.
ids = KerasTokenizerTransformer(maxlen=None).fit_transform(X_train)
lengths = np.count_nonzero(ids, axis=1)
median, p90 = np.percentile(lengths, [50, 90]).astype(int)
print(
    f"review length in tokens: median {median}, 90th percentile {p90}, "
    f"longest {lengths.max()}"
)
print(f"{np.mean(lengths > MAXLEN):.0%} of the reviews are longer than {MAXLEN}")

ax = Figure(figsize=(6, 4), layout="constrained").add_subplot()
ax.hist(lengths, bins=50, color="0.6")
ax.axvline(MAXLEN, color="black", linestyle="--", label=f"maxlen={MAXLEN}")
ax.set(
    title="Length of the training reviews",
    xlabel="tokens per review",
    ylabel="reviews",
)
ax.legend()
figures = {"review_lengths.png": ax.figure}

# %%
# Keep the start or the end of long reviews?
# ------------------------------------------
# ``maxlen`` bounds the work per review: an LSTM reads one token after the
# other, and batches of long texts cost proportionally more. Reviews longer
# than ``maxlen`` are cut: ``truncating="pre"`` (the default) keeps their
# last ``maxlen`` tokens, ``"post"`` their first ones. Reviewers often sum up
# their verdict at the end, but check it on your data: compare both. Padding
# stays at the end of the rows (``padding="post"``), which the fast GPU kernel
# needs.
#
# The choice is made on the early-stopping validation split, a part of the
# training data; the test set only reports how good the choice was.
pipes, val_accuracies = {}, {}
for truncating in ("post", "pre"):
    pipe = make_pipeline(
        KerasTokenizerTransformer(maxlen=MAXLEN, truncating=truncating),
        LSTMTextClassifier(random_state=42, **CLASSIFIER_FAST),
    )
    pipes[truncating] = pipe.fit(X_train, y_train)
    classifier = pipe[-1]
    val_accuracies[truncating] = classifier.history_["val_accuracy"][
        classifier.best_epoch_
    ]
    test_accuracy = accuracy_score(y_test, pipe.predict(X_test))
    print(
        f"truncating={truncating!r}: validation accuracy "
        f"{val_accuracies[truncating]:.3f}, test accuracy {test_accuracy:.3f}"
    )

# %%
# Training curves
# ---------------
# One row per setting: loss and accuracy on the training data and on the
# early-stopping validation split, with the epoch whose weights were kept.
history_figure = Figure(figsize=(10, 7), layout="constrained")
for row, (truncating, pipe) in zip(
    history_figure.subplots(2, 2), pipes.items(), strict=True
):
    plot_history(pipe, ax=row)
    for ax, metric in zip(row, ("loss", "accuracy"), strict=True):
        ax.set_title(f"{metric}, truncating={truncating!r}")
figures["history.png"] = history_figure

# %%
# Evaluate the setting with the better validation accuracy
# --------------------------------------------------------
best = max(val_accuracies, key=val_accuracies.get)
y_pred = pipes[best].predict(X_test)
print(f"classification report for truncating={best!r}:")
print(classification_report(y_test, y_pred, digits=3, zero_division=0))
figures["classification_report.png"] = plot_classification_report(y_test, y_pred).figure

for name, figure in figures.items():
    figure.savefig(OUTPUT / name, dpi=100)
    # Relative to where the script runs: no machine's absolute paths in logs.
    print(f"saved {os.path.relpath(OUTPUT / name)}")
