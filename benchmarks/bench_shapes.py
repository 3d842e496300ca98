"""Compilations, fit time and predictions with and without shape buckets.

Run from the repository root::

    PYTHONPATH=. python benchmarks/bench_shapes.py [--train-size N] [--test-size N]

For each Keras backend (TensorFlow, JAX), one worker process fits the
benchmarks' default pipeline on an IMDB subset (a stratified sample of the
training split, as ``bench_accuracy.py --train-size`` draws it, and a
stratified sample of the test split) twice, with the same seed:
"before", batch widths rounded up to a multiple of 16 (sklstm's previous rule),
and "after", widths padded up to the buckets 16, 32, 64, ... (the current rule).
Each fit runs a fixed number of epochs without early stopping, so both do the
same work. The worker counts the traces of the train, test and predict steps
(Keras traces them once per new input shape: on JAX each trace is an XLA
compilation) and the distinct batch shapes, times the fit and the prediction,
and compares the predictions of the two fits, and of the "after" model under
both width rules (padding is masked, so these must agree). Results go to
``benchmarks/results/shapes.json``.
"""

import argparse
import json
import os
import subprocess
import sys
import time

from benchmarks._common import RESULTS, machine, write_json
from benchmarks.bench_accuracy import load_split

BACKENDS = ("tensorflow", "jax")
STEPS = ("train_step", "test_step", "predict_step")
OLD_WIDTH_STEP = 16


def multiple_of_16(width, n_columns):
    """sklstm's width rule before the buckets: the next multiple of 16."""
    return min(n_columns, -(-width // OLD_WIDTH_STEP) * OLD_WIDTH_STEP)


class TraceCounter:
    """Counts calls of Keras' step methods, which run only while tracing."""

    def __init__(self):
        import keras

        self.counts = dict.fromkeys(STEPS, 0)
        for name in STEPS:
            original = getattr(keras.Model, name)
            setattr(keras.Model, name, self._counting(name, original))

    def _counting(self, name, original):
        def step(model, *args, **kwargs):
            self.counts[name] += 1
            return original(model, *args, **kwargs)

        return step

    def take(self):
        counts, self.counts = self.counts, dict.fromkeys(STEPS, 0)
        return counts


class ShapeRecorder:
    """Records the shapes that ``trim_padding`` hands to the model."""

    def __init__(self, batching):
        self.shapes = []
        original = batching.trim_padding

        def trim_padding(X):
            trimmed = original(X)
            self.shapes.append(trimmed.shape)
            return trimmed

        import sklstm.classifier

        sklstm.classifier.trim_padding = trim_padding

    def take(self):
        shapes, self.shapes = self.shapes, []
        return shapes


def _timed(function, *args):
    start = time.perf_counter()
    output = function(*args)
    return output, round(time.perf_counter() - start, 2)


def worker(args):
    import numpy as np
    from sklearn.model_selection import train_test_split

    import sklstm._batching as batching
    from sklstm import KerasTokenizerTransformer, LSTMTextClassifier

    X_train, X_test, y_train, y_test = load_split("imdb", train_size=args.train_size)
    # The official test split is ordered by label: draw a stratified subset.
    X_test, _, y_test, _ = train_test_split(
        X_test, y_test, train_size=args.test_size, stratify=y_test, random_state=0
    )
    y_test = np.asarray(y_test)
    tokenizer = KerasTokenizerTransformer().fit(X_train)
    ids_train, ids_test = tokenizer.transform(X_train), tokenizer.transform(X_test)
    traces, shapes = TraceCounter(), ShapeRecorder(batching)
    buckets = batching.bucket_width
    rules = {"before": multiple_of_16, "after": buckets}
    report, proba = {}, {}
    for label, rule in rules.items():
        batching.bucket_width = rule
        classifier = LSTMTextClassifier(
            epochs=args.epochs, early_stopping=False, random_state=0
        )
        _, fit_s = _timed(classifier.fit, ids_train, y_train)
        fit_traces, fit_shapes = traces.take(), shapes.take()
        proba[label], predict_s = _timed(classifier.predict_proba, ids_test)
        report[label] = {
            "fit_s": fit_s,
            "fit_traces": fit_traces,
            "fit_distinct_shapes": len(set(fit_shapes)),
            "fit_distinct_widths": sorted({shape[1] for shape in fit_shapes}),
            # Time steps the network computed, padding included.
            "fit_time_steps": int(sum(rows * width for rows, width in fit_shapes)),
            "predict_s": predict_s,
            "predict_traces": traces.take(),
            "predict_distinct_shapes": len(set(shapes.take())),
            "accuracy": float(
                np.mean(classifier.classes_[proba[label].argmax(1)] == y_test)
            ),
        }
    batching.bucket_width = multiple_of_16
    after_model_old_widths = classifier.predict_proba(ids_test)
    batching.bucket_width = buckets
    report["predictions"] = {
        "same_model_max_abs_proba_diff": float(
            np.abs(after_model_old_widths - proba["after"]).max()
        ),
        "before_vs_after_fit_label_agreement": float(
            np.mean(proba["before"].argmax(1) == proba["after"].argmax(1))
        ),
        "before_vs_after_fit_max_abs_proba_diff": float(
            np.abs(proba["before"] - proba["after"]).max()
        ),
    }
    report["machine"] = machine()
    print(json.dumps(report))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-size", type=int, default=5000)
    parser.add_argument("--test-size", type=int, default=5000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)
    report = {
        "dataset": "imdb",
        "train_size": args.train_size,
        "test_size": args.test_size,
        "epochs": args.epochs,
        "backends": {},
    }
    for backend in args.backends:
        command = [sys.executable, __file__, "--worker", *sys.argv[1:]]
        command = [c for c in command if c not in ("--backends", *BACKENDS)]
        env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "2"}
        out = subprocess.run(command, env=env, capture_output=True, text=True)
        if out.returncode:
            sys.exit(out.stderr)
        report["backends"][backend] = json.loads(out.stdout.splitlines()[-1])
        for label in ("before", "after"):
            run = report["backends"][backend][label]
            print(
                f"{backend} {label}: fit {run['fit_s']} s, traces {run['fit_traces']}, "
                f"{run['fit_distinct_shapes']} shapes; predict {run['predict_s']} s",
                flush=True,
            )
        print(backend, report["backends"][backend]["predictions"], flush=True)
    write_json(RESULTS / "shapes.json", report)


if __name__ == "__main__":
    main()
