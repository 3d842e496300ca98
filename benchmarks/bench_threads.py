"""Prediction from several threads: errors, agreement and throughput.

A web server calls ``predict_proba`` on one fitted pipeline from many threads.
This script fits ``make_pipeline(KerasTokenizerTransformer(),
LSTMTextClassifier())`` on the SMS Spam training split (80 %, stratified,
``random_state=42``) for one epoch without early stopping, then calls
``pipe.predict_proba`` on the same 8 held-out messages ``--calls`` times from one
thread and ``--calls`` times from each of ``--threads`` threads. It records the
calls that raised, the calls whose result differs from the sequential one, and
the throughput (calls per second) of each run. sklstm predicts without a lock,
so 8 threads must give at least the throughput of one.

Results go to ``benchmarks/results/threads_<backend>.json``. Run from the
repository root, once per backend::

    PYTHONPATH=. python benchmarks/bench_threads.py
    KERAS_BACKEND=jax PYTHONPATH=. python benchmarks/bench_threads.py
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from benchmarks._common import RESULTS, data_home, machine, write_json  # noqa: E402
from sklstm import KerasTokenizerTransformer, LSTMTextClassifier  # noqa: E402
from sklstm.datasets import load_sms_spam  # noqa: E402

TEXTS_PER_CALL = 8


def fitted_pipeline():
    texts, labels = load_sms_spam(data_home=data_home(), return_X_y=True)
    train, test, y_train, _ = train_test_split(
        texts, labels, test_size=0.2, stratify=labels, random_state=42
    )
    pipe = make_pipeline(
        KerasTokenizerTransformer(),
        LSTMTextClassifier(epochs=1, early_stopping=False, random_state=0),
    )
    return pipe.fit(train, y_train), list(test[:TEXTS_PER_CALL])


def run(pipe, texts, expected, n_threads, calls_per_thread):
    """Errors, disagreements and calls per second of ``n_threads`` threads."""

    def call(_):
        try:
            return np.array_equal(pipe.predict_proba(texts), expected), None
        except Exception as error:  # every failure is counted, none stops the run
            return False, f"{type(error).__name__}: {str(error)[:120]}"

    start = time.perf_counter()
    with ThreadPoolExecutor(n_threads) as pool:
        results = list(pool.map(call, range(n_threads * calls_per_thread)))
    seconds = time.perf_counter() - start
    errors = [message for _, message in results if message is not None]
    return {
        "threads": n_threads,
        "calls": len(results),
        "errors": len(errors),
        "first_errors": sorted(set(errors))[:3],
        "results_differing_from_sequential": sum(not same for same, _ in results),
        "seconds": round(seconds, 3),
        "calls_per_second": round(len(results) / seconds, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="calls per thread")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    pipe, texts = fitted_pipeline()
    expected = pipe.predict_proba(texts)
    run(pipe, texts, expected, 1, 20)  # compile every batch shape first
    one = run(pipe, texts, expected, 1, args.calls)
    many = run(pipe, texts, expected, args.threads, args.calls)
    after = np.array_equal(pipe.predict_proba(texts), expected)
    report = {
        "machine": machine(),
        "texts_per_call": TEXTS_PER_CALL,
        "one_thread": one,
        "many_threads": many,
        "speedup": round(many["calls_per_second"] / one["calls_per_second"], 2),
        "model_intact_afterwards": bool(after),
    }
    write_json(RESULTS / f"threads_{keras.backend.backend()}.json", report)
    print(report)


if __name__ == "__main__":
    main()
