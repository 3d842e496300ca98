"""Wall time of one search run serially, on two loky workers and on Dask.

A 4-candidate x 3-fold ``GridSearchCV`` (the learning rate) of the default
pipeline ``make_pipeline(KerasTokenizerTransformer(), LSTMTextClassifier())``
on the full SMS Spam data, with ``random_state=0`` and no refit, three times in
one run:

- ``n_jobs=1``, in this process;
- ``n_jobs=2``, joblib's default loky backend (two worker processes);
- a ``LocalCluster(n_workers=2, threads_per_worker=1)`` through
  ``joblib.parallel_config(backend="dask")``; the cluster is started before
  the clock does, as a user's cluster would be, but its workers import Keras
  on their first task inside the timed search, as loky's do;
- ``n_jobs=2`` again with ``inner_max_num_threads=2``: each worker's fits
  size their thread pools for both cores, as every worker did before fits
  were bounded to their process's share (``n_threads``), which shows what
  that bound is worth.

The parallel runs' per-split scores are compared with the serial run's. The
target is each parallel wall time at most ``TARGET_RATIO`` of the serial one.
Results go to ``benchmarks/results/search.json``. Run from the repository root:
``PYTHONPATH=. python benchmarks/bench_search.py``.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import time  # noqa: E402

import joblib  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.model_selection import GridSearchCV, StratifiedKFold  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.utils import resample  # noqa: E402

from benchmarks._common import RESULTS, data_home, machine, write_json  # noqa: E402
from sklstm import KerasTokenizerTransformer, LSTMTextClassifier  # noqa: E402
from sklstm.datasets import load_sms_spam  # noqa: E402

TARGET_RATIO = 0.65
GRID = {"lstmtextclassifier__learning_rate": [3e-4, 1e-3, 2e-3, 3e-3]}


def make_search(n_jobs, optimizer="adam"):
    pipe = make_pipeline(
        KerasTokenizerTransformer(),
        LSTMTextClassifier(random_state=0, optimizer=optimizer),
    )
    return GridSearchCV(
        pipe,
        GRID,
        cv=StratifiedKFold(n_splits=3, shuffle=True, random_state=0),
        n_jobs=n_jobs,
        refit=False,
    )


def split_scores(search):
    results = search.cv_results_
    return np.array([results[f"split{i}_test_score"] for i in range(search.n_splits_)])


def timed_search(texts, labels, n_jobs, backend="loky", optimizer="adam", **config):
    search = make_search(n_jobs, optimizer)
    start = time.perf_counter()
    with joblib.parallel_config(backend=backend, **config):
        search.fit(texts, labels)
    return search, time.perf_counter() - start


def run_dask(texts, labels, optimizer):
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            env={"TF_CPP_MIN_LOG_LEVEL": "2"},
        ) as cluster,
        Client(cluster),
    ):
        return timed_search(
            texts, labels, n_jobs=-1, backend="dask", optimizer=optimizer
        )


def main(n_samples, optimizer):
    texts, labels = load_sms_spam(data_home=data_home(), return_X_y=True)
    if n_samples:
        texts, labels = resample(
            texts,
            labels,
            n_samples=n_samples,
            replace=False,
            stratify=labels,
            random_state=0,
        )
    report = {
        "machine": machine(),
        "n_texts": len(texts),
        "grid": GRID,
        "optimizer": optimizer,
        "runs": {},
    }
    serial, serial_s = timed_search(texts, labels, n_jobs=1, optimizer=optimizer)
    runs = {"n_jobs=1": (serial, serial_s)}
    runs["n_jobs=2 (loky)"] = timed_search(texts, labels, n_jobs=2, optimizer=optimizer)
    runs["dask LocalCluster, 2 workers x 1 thread"] = run_dask(texts, labels, optimizer)
    runs["n_jobs=2 (loky), oversubscribed: 2 threads per worker"] = timed_search(
        texts, labels, n_jobs=2, optimizer=optimizer, inner_max_num_threads=2
    )
    for name, (search, seconds) in runs.items():
        difference = np.abs(split_scores(search) - split_scores(serial)).max()
        report["runs"][name] = {
            "wall_s": round(seconds, 1),
            "ratio_to_serial": round(seconds / serial_s, 3),
            "within_target": None
            if search is serial
            else seconds <= TARGET_RATIO * serial_s,
            "mean_test_score": search.cv_results_["mean_test_score"].tolist(),
            "max_abs_score_difference_to_serial": float(difference),
        }
        print(
            f"{name}: {seconds:.1f} s ({seconds / serial_s:.2f}x), "
            f"max score difference {difference:.2g}"
        )
    report["target"] = f"each parallel run <= {TARGET_RATIO} x serial wall time"
    report["load_average_after"] = [round(v, 2) for v in os.getloadavg()]
    path = RESULTS / (
        "search.json" if optimizer == "adam" else f"search_{optimizer}.json"
    )
    write_json(path, report)
    print(f"wrote {path}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--n-samples",
        type=int,
        default=None,
        help="a stratified subsample for a quick check (default: all texts)",
    )
    parser.add_argument(
        "--optimizer",
        default="adam",
        help="the classifier's optimizer; results of any but 'adam' go to "
        "search_<optimizer>.json",
    )
    args = parser.parse_args()
    main(args.n_samples, args.optimizer)
