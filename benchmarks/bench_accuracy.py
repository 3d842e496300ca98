"""Accuracy, fit time, throughput and memory of sklstm against two baselines.

One dataset per run, chosen on the command line (``sms_spam``, ``imdb``,
``20newsgroups``, ``20newsgroups_subjects`` or ``ag_news``); the configurations
to run are chosen with ``--configs``:

``default``
    ``make_pipeline(KerasTokenizerTransformer(), LSTMTextClassifier(
    random_state=0))``, every other parameter left at its default.
``tuned``
    Our best configuration for the dataset, written down in :data:`TUNED`.
``vectors``
    ``default`` with GloVe 6B 50-d vectors (:func:`sklstm.datasets.load_glove`)
    as the tokenizer's ``vocabulary`` and the classifier's ``embeddings``.
``tfidf``
    TF-IDF on word 1- and 2-grams (``sublinear_tf=True, min_df=2``) and a
    logistic regression: the strong linear baseline.
``keras``
    The network of ``default`` in plain Keras on the same arrays: our
    tokenizer, :func:`sklstm.model.build_model` of the default network with the
    same seed,
    the same compile settings, then ``model.fit(X, y, batch_size=32,
    epochs=<epochs that default ran>, shuffle=True)``. The ratio of the two
    network fit times is the cost (or gain) of sklstm's training loop.

Any other name given to ``--configs`` is an experiment: our pipeline with the
parameters of ``--tokenizer-params`` and ``--classifier-params`` (JSON), and
``--architecture max_mean`` to try max and mean pooling concatenated.

Splits: SMS Spam stratified 80/20 with ``random_state=42``; IMDB and 20
Newsgroups their official train/test splits; ``20newsgroups_subjects`` is
20 Newsgroups' official split with each post reduced to its ``Subject:``
header, reply prefixes (``Re:``, ``Fwd:``) removed: short texts (5 words on
average) in 20 classes; AG News, of which only the test split (7,600 texts)
is available, 5-fold stratified cross-validation
(shuffled, ``random_state=0``), reported as the mean over the folds.
``--seed`` sets the networks' ``random_state`` (default 0); a run with seed
``s > 0`` is stored as ``<config>_seed<s>``, and the summary averages seeds.
``--train-size N`` fits on a stratified subsample of N training texts (for
quick experiments; those results go to ``accuracy_<dataset>_n<N>.json`` and
stay out of the summary).

Every configuration runs in its own subprocess, so the peak resident memory
(``ru_maxrss``) is that configuration's alone. Its result is merged into
``benchmarks/results/accuracy_<dataset>.json`` as soon as it finishes, and
``summary.rst`` and ``accuracy.png`` are regenerated from every results file.
Run from the repository root: ``PYTHONPATH=. python benchmarks/bench_accuracy.py
imdb --configs default tfidf keras``.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

from benchmarks._common import (  # noqa: E402
    REPO,
    RESULTS,
    data_home,
    machine,
    peak_rss_mb,
    read_json,
    write_json,
)
from benchmarks.summary import write_summary  # noqa: E402

DATASETS = ("sms_spam", "imdb", "20newsgroups", "20newsgroups_subjects", "ag_news")
CONFIGS = ("default", "tuned", "tfidf", "keras")
CV_FOLDS = 5

# Our best settings per dataset: tokenizer and classifier parameters, and the
# network ("max_mean": see max_mean_network; None: the default network). Since the
# binary n-gram branch and dropout 0.5 became the defaults, nothing tried beats
# them (IMDB, seed 0, each against the default's 90.98 % with dropout 0.2:
# num_words=None 90.44 %, ngram_order=3 90.44 %, embedding_dim=64 with
# lstm_units=32 90.56 %; the LSTM-only max_mean networks tuned before the
# branch: 88.49 % IMDB, 98.83 % SMS Spam, 80.28 % 20 Newsgroups).
TUNED = {
    "sms_spam": {"tokenizer": {}, "classifier": {}},
    "imdb": {"tokenizer": {}, "classifier": {}},
    "20newsgroups": {"tokenizer": {}, "classifier": {}},
    "20newsgroups_subjects": {"tokenizer": {}, "classifier": {}},
    "ag_news": {"tokenizer": {}, "classifier": {}},
}

# Inverse regularisation of the TF-IDF baseline's logistic regression: the
# value behind the baseline figures quoted in the issue (98.57 % SMS Spam,
# 90.68 % IMDB, 85.30 % 20 Newsgroups). It is not tuned on the test sets.
TFIDF_C = 10.0

# The plain-Keras run copies these from LSTMTextClassifier's defaults.
KERAS_BATCH_SIZE = 32
KERAS_LEARNING_RATE = 1e-3
PREDICT_BATCH_SIZE = 256


# ---------------------------------------------------------------- data

SUBJECT_LINE = re.compile(r"^Subject:[ \t]*(.*)$", re.MULTILINE)
REPLY_PREFIXES = re.compile(r"^\s*((re|fwd?)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


def subject_lines(posts):
    """Each post's ``Subject:`` header without reply prefixes ("" if none)."""
    subjects = []
    for post in posts:
        match = SUBJECT_LINE.search(post)
        subject = match.group(1) if match else ""
        subjects.append(REPLY_PREFIXES.sub("", subject).strip())
    return np.asarray(subjects, dtype=object)


def load_split(dataset, train_size=None):
    """``(X_train, X_test, y_train, y_test)`` for ``dataset``'s benchmark split."""
    from sklstm import datasets

    home = data_home()
    if dataset == "sms_spam":
        texts, labels = datasets.load_sms_spam(data_home=home, return_X_y=True)
        split = train_test_split(
            texts, labels, test_size=0.2, stratify=labels, random_state=42
        )
    else:
        # Each official-split dataset: its loader, and what of each text it keeps.
        loader, view = {
            "imdb": (datasets.load_imdb, None),
            "20newsgroups": (datasets.load_20newsgroups, None),
            "20newsgroups_subjects": (datasets.load_20newsgroups, subject_lines),
        }[dataset]
        (X_train, y_train), (X_test, y_test) = (
            loader(data_home=home, subset=subset, return_X_y=True)
            for subset in ("train", "test")
        )
        if view is not None:
            X_train, X_test = view(X_train), view(X_test)
        split = [X_train, X_test, y_train, y_test]
    if train_size is not None:
        split[0], _, split[2], _ = train_test_split(
            split[0], split[2], train_size=train_size, stratify=split[2], random_state=0
        )
    return split


def load_splits(dataset, train_size=None):
    """The benchmark's train/test splits: one, or AG News' cross-validation folds."""
    if dataset != "ag_news":
        return [load_split(dataset, train_size)]
    from sklearn.model_selection import StratifiedKFold

    from sklstm import datasets

    texts, labels = datasets.load_ag_news(
        data_home=data_home(), subset="test", return_X_y=True
    )
    texts = np.asarray(texts, dtype=object)
    folds = StratifiedKFold(CV_FOLDS, shuffle=True, random_state=0)
    return [
        [texts[train], texts[test], labels[train], labels[test]]
        for train, test in folds.split(texts, labels)
    ]


# ------------------------------------------------------------- workers


def _scores(y_true, y_pred):
    from sklearn.metrics import accuracy_score, f1_score

    return {
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "f1_macro": round(float(f1_score(y_true, y_pred, average="macro")), 4),
    }


def _timed(function, *args):
    start = time.perf_counter()
    output = function(*args)
    return output, time.perf_counter() - start


def max_mean_network(meta, *, embedding_dim=128, lstm_units=64, dropout=0.5):
    """A candidate network: max and mean pooling, concatenated.

    Given to the classifier through its public ``model`` hook; the same as the
    default network (one bidirectional LSTM layer) except for the pooling.
    """
    import keras

    from sklstm.layers import MaskedGlobalPooling1D

    seed = meta["seed"]
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(
        meta["vocab_size_"],
        embedding_dim,
        embeddings_initializer=keras.initializers.RandomUniform(-0.05, 0.05, seed=seed),
        mask_zero=True,
    )(inputs)
    x = keras.layers.Bidirectional(
        keras.layers.LSTM(lstm_units, return_sequences=True, dropout=dropout, seed=seed)
    )(x)
    x = keras.layers.Concatenate()(
        [MaskedGlobalPooling1D("max")(x), MaskedGlobalPooling1D("mean")(x)]
    )
    x = keras.layers.Dropout(dropout, seed=seed + 2)(x)
    return keras.Model(inputs, keras.layers.Dense(meta["n_outputs_"])(x))


# Experimental networks, given as the classifier's ``model`` parameter.
ARCHITECTURES = {"max_mean": max_mean_network}


def _with_vectors(tokenizer_params, classifier_params, vectors):
    """The parameters, with the named word vectors given to both steps."""
    if vectors is None:
        return tokenizer_params, classifier_params
    from sklstm.datasets import load_glove

    loaded = load_glove({"glove50": 50}[vectors])
    return (
        {**tokenizer_params, "vocabulary": loaded},
        {**classifier_params, "embeddings": loaded},
    )


def run_sklstm(
    split, tokenizer_params, classifier_params, architecture=None, vectors=None, seed=0
):
    """Fit our pipeline; the tokenizer and the network are timed apart."""
    from sklearn.pipeline import make_pipeline

    from sklstm import KerasTokenizerTransformer

    X_train, X_test, y_train, y_test = split
    params = {"tokenizer": tokenizer_params, "classifier": classifier_params}
    tokenizer_params, classifier_params = _with_vectors(
        tokenizer_params, classifier_params, vectors
    )
    tokenizer = KerasTokenizerTransformer(**tokenizer_params)
    from sklstm import LSTMTextClassifier

    if architecture is not None:
        classifier_params = {**classifier_params, "model": ARCHITECTURES[architecture]}
    classifier = LSTMTextClassifier(random_state=seed, **classifier_params)
    ids, tokenize_s = _timed(tokenizer.fit_transform, X_train)
    _, network_s = _timed(classifier.fit, ids, y_train)
    pipe = make_pipeline(tokenizer, classifier)
    y_pred, predict_s = _timed(pipe.predict, X_test)
    return {
        "params": {
            **params,
            "architecture": architecture or "build_text_network",
            "vectors": vectors,
            "random_state": seed,
        },
        "fit_s": round(tokenize_s + network_s, 2),
        "tokenize_s": round(tokenize_s, 2),
        "network_fit_s": round(network_s, 2),
        "epochs_run": len(classifier.history_["loss"]),
        "best_epoch": classifier.best_epoch_,
        "history": classifier.history_,
        "predict_s": round(predict_s, 2),
        **_scores(y_test, y_pred),
    }


def run_tfidf(split, C):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    X_train, X_test, y_train, y_test = split
    pipe = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
        LogisticRegression(C=C, max_iter=1000),
    )
    _, fit_s = _timed(pipe.fit, X_train, y_train)
    y_pred, predict_s = _timed(pipe.predict, X_test)
    return {
        "params": {"ngram_range": [1, 2], "sublinear_tf": True, "min_df": 2, "C": C},
        "fit_s": round(fit_s, 2),
        "predict_s": round(predict_s, 2),
        **_scores(y_test, y_pred),
    }


def run_keras(split, epochs):
    """The default network in plain Keras: fixed-width batches, ``model.fit``."""
    import keras
    from sklearn.preprocessing import LabelEncoder

    from sklstm import KerasTokenizerTransformer
    from sklstm.model import build_model, build_text_network

    X_train, X_test, y_train, y_test = split
    tokenizer = KerasTokenizerTransformer()
    ids, tokenize_s = _timed(tokenizer.fit_transform, X_train)
    encoder = LabelEncoder().fit(y_train)
    targets = encoder.transform(y_train).astype("int32")
    keras.utils.set_random_seed(0)
    vocab_size, n_classes = max(int(ids.max()) + 1, 2), len(encoder.classes_)
    model = build_model(
        build_text_network(vocab_size=vocab_size, n_outputs=n_classes, seed=0),
        vocab_size=vocab_size,
        n_outputs=n_classes,
        activation="softmax",
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=KERAS_LEARNING_RATE),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    fit = lambda: model.fit(  # noqa: E731
        ids,
        targets,
        batch_size=KERAS_BATCH_SIZE,
        epochs=epochs,
        validation_split=None,
        shuffle=True,
        verbose=0,
    )
    _, network_s = _timed(fit)

    def predict(texts):
        proba = model.predict(
            tokenizer.transform(texts), batch_size=PREDICT_BATCH_SIZE, verbose=0
        )
        return encoder.classes_[np.argmax(proba, axis=1)]

    y_pred, predict_s = _timed(predict, X_test)
    return {
        "params": {"epochs": epochs, "batch_size": KERAS_BATCH_SIZE},
        "fit_s": round(tokenize_s + network_s, 2),
        "tokenize_s": round(tokenize_s, 2),
        "network_fit_s": round(network_s, 2),
        "epochs_run": epochs,
        "predict_s": round(predict_s, 2),
        **_scores(y_test, y_pred),
    }


def run_one(config, split, spec, seed):
    if config == "tfidf":
        return run_tfidf(split, spec["C"])
    if config == "keras":
        return run_keras(split, spec["epochs"])
    return run_sklstm(
        split,
        spec["tokenizer"],
        spec["classifier"],
        spec.get("architecture"),
        spec.get("vectors"),
        seed,
    )


def average_folds(results):
    """One result from the folds': scores and times averaged, folds listed."""
    if len(results) == 1:
        return results[0]
    mean = {}
    for key in ("accuracy", "f1_macro", "fit_s", "network_fit_s", "predict_s"):
        if key in results[0]:
            mean[key] = round(float(np.mean([r[key] for r in results])), 4)
    if "epochs_run" in results[0]:
        mean["epochs_run"] = round(
            float(np.mean([r["epochs_run"] for r in results])), 1
        )
    return {
        "params": results[0]["params"],
        **mean,
        "folds": [
            {k: r[k] for k in ("accuracy", "fit_s", "epochs_run") if k in r}
            for r in results
        ],
    }


def worker(args):
    """Run one configuration and write its result as JSON to ``args.out``."""
    splits = load_splits(args.dataset, args.train_size)
    baseline_mb = peak_rss_mb()
    spec = json.loads(args.spec)
    result = average_folds(
        [run_one(args.config, split, spec, args.seed) for split in splits]
    )
    peak_mb = peak_rss_mb()
    split = splits[0]
    result.update(
        n_train=len(split[0]),
        n_test=len(split[1]),
        n_folds=len(splits),
        predict_texts_per_s=round(len(split[1]) / max(result["predict_s"], 1e-9), 1),
        peak_rss_mb=round(peak_mb, 1),
        fit_peak_rss_delta_mb=round(peak_mb - baseline_mb, 1),
        machine=machine(),
    )
    Path(args.out).write_text(json.dumps(result), encoding="utf-8")


# --------------------------------------------------------------- driver


def results_path(dataset, train_size):
    suffix = "" if train_size is None else f"_n{train_size}"
    return RESULTS / f"accuracy_{dataset}{suffix}.json"


def config_spec(config, dataset, report, args):
    """The parameters the worker needs for ``config``."""
    if config == "tfidf":
        return {"C": TFIDF_C}
    if config == "keras":
        default = report.get("configs", {}).get("default")
        if default is None:
            raise SystemExit(
                "run the 'default' config first: 'keras' copies its epochs"
            )
        return {"epochs": default["epochs_run"]}
    if config == "default":
        return {"tokenizer": {}, "classifier": {}}
    if config == "vectors":
        return {"tokenizer": {}, "classifier": {}, "vectors": "glove50"}
    if config == "tuned":
        return TUNED[dataset]
    # An experiment: a named config with parameters given on the command line.
    return {
        "tokenizer": json.loads(args.tokenizer_params),
        "classifier": json.loads(args.classifier_params),
        "architecture": args.architecture,
        "vectors": args.vectors,
    }


def run_config(config, dataset, report, args):
    spec = config_spec(config, dataset, report, args)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "result.json"
        command = [sys.executable, __file__, dataset, "--worker", config]
        command += ["--spec", json.dumps(spec), "--out", str(out)]
        command += ["--seed", str(args.seed)]
        if args.train_size is not None:
            command += ["--train-size", str(args.train_size)]
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        subprocess.run(command, check=True, env=env)
        return json.loads(out.read_text(encoding="utf-8"))


def add_overhead(report):
    """sklstm / plain-Keras network fit time, when both runs are present."""
    configs = report.get("configs", {})
    if "default" in configs and "keras" in configs:
        ours = configs["default"]["network_fit_s"]
        report["fit_time_ratio_sklstm_over_keras"] = round(
            ours / configs["keras"]["network_fit_s"], 3
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", choices=DATASETS)
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS))
    parser.add_argument("--train-size", type=int, default=None)
    parser.add_argument("--tokenizer-params", default="{}")
    parser.add_argument("--classifier-params", default="{}")
    parser.add_argument("--architecture", choices=["max_mean"], default=None)
    parser.add_argument("--vectors", choices=["glove50"], default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        args.config = args.worker
        return worker(args)

    path = results_path(args.dataset, args.train_size)
    for config in args.configs:
        result = run_config(config, args.dataset, read_json(path), args)
        # Read again: another run may have added its results meanwhile.
        report = read_json(path)
        report.setdefault("dataset", args.dataset)
        key = config if args.seed == 0 else f"{config}_seed{args.seed}"
        report.setdefault("configs", {})[key] = result
        add_overhead(report)
        write_json(path, report)
        print(
            f"{args.dataset} {config}: accuracy {result['accuracy']:.4f}, "
            f"macro-F1 {result['f1_macro']:.4f}, fit {result['fit_s']:.1f} s, "
            f"{result['predict_texts_per_s']:.0f} texts/s, "
            f"peak {result['peak_rss_mb']:.0f} MiB",
            flush=True,
        )
        write_summary()


if __name__ == "__main__":
    main()
