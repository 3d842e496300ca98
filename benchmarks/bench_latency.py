"""Latency of one-text prediction and throughput of batch prediction.

Fits the default pipeline ``make_pipeline(KerasTokenizerTransformer(),
LSTMTextClassifier())`` on the SMS Spam training split (80 %, stratified,
``random_state=42``) for two epochs without early stopping: latency does not
depend on accuracy. Then it times, on held-out messages:

- ``pipe.predict([text])``, one text at a time (tokenizing included), against
  ``model_.predict(row)`` on the same, already tokenized row: Keras' own
  per-call cost, which the pipeline avoids by calling ``predict_on_batch``;
  ``model_.predict`` on the row trimmed to its real length isolates that cost;
- ``pipe.predict`` on 1,000 texts against ``model_.predict`` on the 1,000
  padded rows (``batch_size=256``, the classifier's prediction batch size).

Results go to ``benchmarks/results/latency.json``. Run from the repository
root: ``PYTHONPATH=. python benchmarks/bench_latency.py``.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from benchmarks._common import RESULTS, data_home, machine, write_json  # noqa: E402
from sklstm import KerasTokenizerTransformer, LSTMTextClassifier  # noqa: E402
from sklstm._batching import trim_padding  # noqa: E402
from sklstm.datasets import load_sms_spam  # noqa: E402

TARGET_P50_MS = 3.0
BATCH_TEXTS = 1000


def sms_split():
    texts, labels = load_sms_spam(data_home=data_home(), return_X_y=True)
    return train_test_split(
        texts, labels, test_size=0.2, stratify=labels, random_state=42
    )


def call_times_ms(function, inputs, warmup):
    """Wall time of each call of ``function`` on each input, in milliseconds."""
    for item in inputs[:warmup]:
        function(item)
    times = []
    for item in inputs:
        start = time.perf_counter()
        function(item)
        times.append((time.perf_counter() - start) * 1e3)
    return np.array(times)


def percentiles(times_ms):
    return {
        "p50_ms": round(float(np.percentile(times_ms, 50)), 3),
        "p95_ms": round(float(np.percentile(times_ms, 95)), 3),
        "mean_ms": round(float(times_ms.mean()), 3),
        "n_calls": len(times_ms),
    }


def best_throughput(function, data, repeats):
    """Items per second of the fastest of ``repeats`` calls on ``data``."""
    function(data)
    best = min(_timed(function, data) for _ in range(repeats))
    return {"seconds": round(best, 4), "texts_per_s": round(len(data) / best, 1)}


def _timed(function, data):
    start = time.perf_counter()
    function(data)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    X_train, X_test, y_train, _ = sms_split()
    pipe = make_pipeline(
        KerasTokenizerTransformer(),
        LSTMTextClassifier(epochs=2, early_stopping=False, random_state=0),
    )
    start = time.perf_counter()
    pipe.fit(X_train, y_train)
    fit_s = time.perf_counter() - start
    tokenizer, classifier = pipe[0], pipe[-1]
    model = classifier.model_

    texts = [X_test[i % len(X_test)] for i in range(args.calls)]
    rows = [tokenizer.transform([text]) for text in texts]
    pipeline_ms = call_times_ms(lambda t: pipe.predict([t]), texts, warmup=20)
    keras_ms = call_times_ms(lambda r: model.predict(r, verbose=0), rows, warmup=20)
    direct_ms = call_times_ms(model.predict_on_batch, rows, warmup=20)
    # The same row cut to its real length, as the pipeline feeds it: what is
    # left between this and the pipeline is Keras' per-call cost.
    trimmed = [trim_padding(row) for row in rows]
    trimmed_ms = call_times_ms(lambda r: model.predict(r, verbose=0), trimmed, 20)

    batch = [X_test[i % len(X_test)] for i in range(BATCH_TEXTS)]
    padded = tokenizer.transform(batch)
    throughput = {
        "pipe_predict": best_throughput(pipe.predict, batch, args.repeats),
        "model_predict_padded": best_throughput(
            lambda X: model.predict(X, batch_size=256, verbose=0),
            padded,
            args.repeats,
        ),
    }
    single = {
        "pipe_predict_one_text": percentiles(pipeline_ms),
        "model_predict_one_row": percentiles(keras_ms),
        "model_predict_on_batch_one_row": percentiles(direct_ms),
        "model_predict_one_trimmed_row": percentiles(trimmed_ms),
    }
    report = {
        "dataset": "sms_spam",
        "pipeline": "defaults, fitted with epochs=2, early_stopping=False",
        "fit_seconds": round(fit_s, 2),
        "target_p50_ms": TARGET_P50_MS,
        "meets_target": single["pipe_predict_one_text"]["p50_ms"] <= TARGET_P50_MS,
        "single_text": single,
        "batch_of_1000": throughput,
        "machine": machine(),
    }
    write_json(RESULTS / "latency.json", report)
    for name, figures in single.items():
        print(
            f"{name:>32}: p50 {figures['p50_ms']:.2f} ms, p95 {figures['p95_ms']:.2f}"
        )
    for name, figures in throughput.items():
        print(f"{name:>32}: {figures['texts_per_s']:.0f} texts/s")


if __name__ == "__main__":
    main()
