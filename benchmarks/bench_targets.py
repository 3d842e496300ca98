"""Several labels and numbers per text: sklstm's defaults against linear baselines.

One dataset per run, ``goemotions`` (multi-label) or ``emobank`` (regression),
and the configurations to run with ``--configs``:

GoEmotions (train split to fit, test split to score, 28 labels):

``default``
    ``make_pipeline(KerasTokenizerTransformer(), LSTMTextClassifier(
    random_state=seed))`` fitted on ``MultiLabelBinarizer`` targets.
``tfidf``
    TF-IDF(1, 2) (``min_df=2, sublinear_tf=True``) and
    ``OneVsRestClassifier(LogisticRegression(C=10, max_iter=2000))``: the
    reference baseline of the data home's README.

Both are scored with ``predict`` (micro-, macro- and samples-F1, subset
accuracy) and with the rule "probability >= 0.5, else the most probable
label" (every text of the data has a label).

EmoBank (train split to fit, dev to choose Ridge's alpha, test to score):

``default``
    ``make_pipeline(KerasTokenizerTransformer(), LSTMTextRegressor(
    random_state=seed))`` on valence alone.
``default3``
    The same on valence, arousal and dominance together (one 3-output fit).
``tfidf``
    TF-IDF(1, 2) and a ``Ridge`` per dimension, alpha from
    ``[0.1, 0.3, 1, 3, 10]`` by Pearson r on dev.

Scores: Pearson r and RMSE per dimension on the test split.

Every run is merged into ``benchmarks/results/targets_<dataset>.json`` under
``<config>`` (seed 0) or ``<config>_seed<s>``; ``summary.py`` averages seeds.
Run from the repository root: ``PYTHONPATH=. python
benchmarks/bench_targets.py goemotions --configs default --seed 1``.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from benchmarks._common import (  # noqa: E402
    RESULTS,
    data_home,
    machine,
    peak_rss_mb,
    read_json,
    write_json,
)
from benchmarks.summary import write_summary  # noqa: E402

RIDGE_ALPHAS = (0.1, 0.3, 1.0, 3.0, 10.0)
EMOBANK_DIMENSIONS = ("valence", "arousal", "dominance")


def _tfidf():
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)


def _timed_fit(estimator, X, y):
    start = time.perf_counter()
    estimator.fit(X, y)
    return time.perf_counter() - start


def _multilabel_scores(Y_true, Y_pred):
    from sklearn.metrics import accuracy_score, f1_score

    return {
        "micro_f1": f1_score(Y_true, Y_pred, average="micro", zero_division=0),
        "macro_f1": f1_score(Y_true, Y_pred, average="macro", zero_division=0),
        "samples_f1": f1_score(Y_true, Y_pred, average="samples", zero_division=0),
        "subset_accuracy": accuracy_score(Y_true, Y_pred),
        "texts_without_label": int((Y_pred.sum(axis=1) == 0).sum()),
    }


def _top_label_if_none(proba):
    """Labels at probability >= 0.5, else the single most probable one."""
    Y = (proba >= 0.5).astype(int)
    empty = Y.sum(axis=1) == 0
    Y[empty, proba[empty].argmax(axis=1)] = 1
    return Y


def run_goemotions(config, seed):
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline

    from sklstm import KerasTokenizerTransformer, LSTMTextClassifier
    from sklstm.datasets import load_goemotions

    train = load_goemotions(data_home=data_home(), subset="train")
    test = load_goemotions(data_home=data_home(), subset="test")
    if config == "default":
        model = make_pipeline(
            KerasTokenizerTransformer(), LSTMTextClassifier(random_state=seed)
        )
    elif config == "tfidf":
        model = make_pipeline(
            _tfidf(), OneVsRestClassifier(LogisticRegression(C=10, max_iter=2000))
        )
    else:
        raise ValueError(f"unknown config {config!r} for goemotions")
    fit_seconds = _timed_fit(model, train.data, train.target)
    proba = model.predict_proba(test.data)
    result = {
        "fit_seconds": fit_seconds,
        "predict": _multilabel_scores(test.target, model.predict(test.data)),
        "top_label_if_none": _multilabel_scores(test.target, _top_label_if_none(proba)),
    }
    if config == "default":
        classifier = model[-1]
        result["epochs"] = len(classifier.history_.get("loss", []))
        result["ngram_epochs"] = len(classifier.ngram_history_.get("loss", []))
    return result


def _regression_scores(y_true, y_pred):
    return {
        name: {
            "pearson_r": float(np.corrcoef(y_true[:, j], y_pred[:, j])[0, 1]),
            "rmse": float(np.sqrt(np.mean((y_true[:, j] - y_pred[:, j]) ** 2))),
        }
        for j, name in enumerate(EMOBANK_DIMENSIONS[: y_true.shape[1]])
    }


def _ridge_per_dimension(train, dev, test):
    from sklearn.linear_model import Ridge

    vectorizer = _tfidf().fit(train.data)
    X_train, X_dev, X_test = (
        vectorizer.transform(split.data) for split in (train, dev, test)
    )
    predictions, alphas = [], []
    for j in range(len(EMOBANK_DIMENSIONS)):

        def dev_r(alpha, j=j):
            model = Ridge(alpha=alpha).fit(X_train, train.target[:, j])
            return np.corrcoef(dev.target[:, j], model.predict(X_dev))[0, 1]

        alpha = max(RIDGE_ALPHAS, key=dev_r)
        model = Ridge(alpha=alpha).fit(X_train, train.target[:, j])
        predictions.append(model.predict(X_test))
        alphas.append(alpha)
    return np.stack(predictions, axis=1), alphas


def run_emobank(config, seed):
    from sklearn.pipeline import make_pipeline

    from sklstm import KerasTokenizerTransformer, LSTMTextRegressor
    from sklstm.datasets import load_emobank

    splits = {
        name: load_emobank(data_home=data_home(), subset=name)
        for name in ("train", "dev", "test")
    }
    train, test = splits["train"], splits["test"]
    if config == "tfidf":
        start = time.perf_counter()
        predictions, alphas = _ridge_per_dimension(train, splits["dev"], test)
        return {
            "fit_seconds": time.perf_counter() - start,
            "alphas": dict(zip(EMOBANK_DIMENSIONS, alphas, strict=True)),
            "test": _regression_scores(test.target, predictions),
        }
    if config not in ("default", "default3"):
        raise ValueError(f"unknown config {config!r} for emobank")
    n_targets = 1 if config == "default" else 3
    model = make_pipeline(
        KerasTokenizerTransformer(), LSTMTextRegressor(random_state=seed)
    )
    y_train = train.target[:, :n_targets]
    fit_seconds = _timed_fit(
        model, train.data, y_train[:, 0] if n_targets == 1 else y_train
    )
    predictions = model.predict(test.data).reshape(len(test.data), -1)
    regressor = model[-1]
    return {
        "fit_seconds": fit_seconds,
        "epochs": len(regressor.history_.get("loss", [])),
        "ngram_epochs": len(regressor.ngram_history_.get("loss", [])),
        "test": _regression_scores(test.target[:, :n_targets], predictions),
    }


RUNNERS = {"goemotions": run_goemotions, "emobank": run_emobank}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset", choices=sorted(RUNNERS))
    parser.add_argument("--configs", nargs="+", default=["default", "tfidf"])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    path = RESULTS / f"targets_{args.dataset}.json"
    for config in args.configs:
        result = RUNNERS[args.dataset](config, args.seed)
        result["peak_rss_mb"] = peak_rss_mb()
        result["machine"] = machine()
        key = config if args.seed == 0 else f"{config}_seed{args.seed}"
        report = read_json(path)
        report.setdefault("configs", {})[key] = result
        write_json(path, report)
        write_summary()
        print(key, {k: v for k, v in result.items() if k != "machine"}, flush=True)


if __name__ == "__main__":
    main()
