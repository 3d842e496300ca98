"""Tests of the sklstm command line.

Every verb runs once as ``python -m sklstm`` on a sample of SMS Spam from the
data home; the error paths run in-process through click's CliRunner.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io
from click.testing import CliRunner
from sklearn.pipeline import make_pipeline

import sklstm as sklstm_package
from sklstm import KerasTokenizerTransformer, LSTMTextClassifier
from sklstm._persistence import load_model_file
from sklstm.cli import main
from tests.conftest import dataset_file

REPO = Path(__file__).resolve().parents[1]
# Eager: on a few dozen rows, tracing graphs costs more than training.
TINY_OPTIONS = [
    "--epochs", "1", "--lstm-units", "4", "--embedding-dim", "8",
    "--ngram-buckets", "64", "--maxlen", "40", "--random-state", "0",
    "--compile__run_eagerly", "true",
]  # fmt: skip
# TINY_OPTIONS' model in the Python API: tests compare the two, so they must
# name the same parameters (conftest's TINY differs: other buckets, one-way).
TINY_PARAMS = dict(
    epochs=1,
    lstm_units=4,
    embedding_dim=8,
    ngram_buckets=64,
    random_state=0,
    compile__run_eagerly=True,
)
# TensorFlow's C++ log lines: "I0000 00:00:... port.cc:153] ..." and absl's.
TF_LOG_LINE = re.compile(r"^[IWEF]\d{4} |absl::InitializeLog|cuda", re.MULTILINE)


def sklstm(*args, **kwargs):
    """Run ``python -m sklstm`` from the repository, as a user would."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    command = [sys.executable, "-m", "sklstm", *map(str, args)]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, check=True, **kwargs
    )


@pytest.fixture(scope="module")
def sms(data_home, tmp_path_factory):
    """Small train and test CSVs drawn from SMS Spam, with its columns."""
    frame = pd.read_csv(dataset_file(data_home, "sms_spam"), keep_default_na=False)
    folder = tmp_path_factory.mktemp("sms")
    sample = frame.sample(320, random_state=0)
    sample[:240].to_csv(folder / "train.csv", index=False)
    sample[240:].to_csv(folder / "test.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def trained(sms):
    model = sms / "model" / "model.skops"
    run = sklstm(
        "train", sms / "train.csv", "--test", sms / "test.csv", "-o", model,
        *TINY_OPTIONS,
    )  # fmt: skip
    return model, run


@pytest.mark.realdata
def test_train_writes_model_report_metrics_and_figures(trained):
    model, run = trained
    assert "network epoch 1/1: loss " in run.stdout and "precision" in run.stdout
    assert "\x1b" not in run.stdout  # plain lines in a pipe: no escape codes
    assert "Warning" not in run.stderr
    metrics = json.loads((model.parent / "metrics.json").read_text())
    assert 0 <= metrics["test"]["accuracy"] <= 1
    assert metrics["test"]["n_samples"] == 80
    assert len(metrics["history"]["loss"]) == 1
    for figure in ["history", "confusion_matrix", "classification_report"]:
        assert (model.parent / f"{figure}.png").stat().st_size > 0


@pytest.mark.realdata
def test_cli_process_prints_no_tensorflow_log_lines(trained):
    if not hasattr(sklstm_package, "__getattr__"):
        pytest.skip("import sklstm imports Keras eagerly, before the CLI runs")
    assert not TF_LOG_LINE.search(trained[1].stderr), trained[1].stderr


@pytest.mark.realdata
def test_predict_gives_the_python_api_probabilities(trained, sms):
    model, _ = trained
    out = sms / "predictions.csv"
    sklstm("predict", model, sms / "test.csv", "-o", out)
    predicted = pd.read_csv(out)
    assert list(predicted.columns) == ["label", "proba_ham", "proba_spam"]

    train = pd.read_csv(sms / "train.csv", keep_default_na=False)
    test = pd.read_csv(sms / "test.csv", keep_default_na=False)
    pipe = make_pipeline(
        KerasTokenizerTransformer(maxlen=40), LSTMTextClassifier(**TINY_PARAMS)
    ).fit(train.text.tolist(), train.label.to_numpy())
    proba = pipe.predict_proba(test.text.tolist())
    # The CSV holds 6 significant digits.
    np.testing.assert_allclose(
        predicted[["proba_ham", "proba_spam"]].to_numpy(), proba, rtol=1e-5
    )
    assert predicted.label.tolist() == pipe.predict(test.text.tolist()).tolist()


@pytest.mark.realdata
def test_predict_reads_one_text_per_stdin_line(trained, sms):
    model, _ = trained
    texts = pd.read_csv(sms / "test.csv", keep_default_na=False).text[:5]
    lines = [" ".join(text.split()) for text in texts]
    result = CliRunner().invoke(main, ["predict", str(model), "-"], "\n".join(lines))
    assert result.exit_code == 0, result.output
    from_stdin = pd.read_csv(pd.io.common.StringIO(result.stdout))
    assert len(from_stdin) == 5
    np.testing.assert_allclose(from_stdin[["proba_ham", "proba_spam"]].sum(axis=1), 1)


@pytest.mark.realdata
def test_evaluate_writes_report_metrics_and_confusion_matrix(trained, sms):
    model, _ = trained
    out = sms / "evaluation"
    run = sklstm("evaluate", model, sms / "test.csv", "--output-dir", out)
    assert "precision" in run.stdout
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_samples"] == 80 and "log_loss" in metrics
    assert (out / "confusion_matrix.png").stat().st_size > 0


@pytest.mark.realdata
def test_search_writes_best_model_and_results(sms):
    grid = sms / "grid.json"
    # One candidate on two folds: three tiny fits keep the test short.
    grid.write_text(json.dumps({"dropout": [0.3]}))
    out = sms / "search" / "best.skops"
    run = sklstm(
        "search", sms / "test.csv", "--grid", grid, "--cv", "2", "-o", out,
        *TINY_OPTIONS,
    )  # fmt: skip
    assert "'lstmtextclassifier__dropout': 0.3" in run.stdout
    results = pd.read_csv(out.parent / "cv_results.csv")
    assert len(results) == 1 and out.stat().st_size > 0


# ------------------------------------------------------ several labels per text

TAGGED = [
    ("good film great", "film;good"),
    ("bad film awful", "film;bad"),
    ("good day", "good"),
    ("nothing here", ""),
    ("bad bad day", "bad"),
    ("great film", "film ; good"),
]


def ok(args, stdin=None):
    """Invoke the CLI in-process, expect success, return the result."""
    result = CliRunner().invoke(main, [str(a) for a in args], stdin)
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    return result


def record_of(model):
    """The model file's contents, whatever types it holds."""
    return skops.io.load(model, trusted=skops.io.get_untrusted_types(file=model))


@pytest.fixture(scope="module")
def tagged(tmp_path_factory):
    """A multi-label model fitted on labels joined by ';', some cells empty."""
    folder = tmp_path_factory.mktemp("tagged")
    data = folder / "data.csv"
    pd.DataFrame(TAGGED * 4, columns=["text", "tags"]).to_csv(data, index=False)
    model = folder / "model" / "model.skops"
    run = ok(
        ["train", data, "--label-column", "tags", "--label-separator", ";",
         "-o", model, "--test-size", "0.25", *TINY_OPTIONS]
    )  # fmt: skip
    return data, model, run


def test_multilabel_train_reports_per_label_and_records_the_names(tagged):
    _, model, run = tagged
    assert "(multilabel)" in run.stdout and "samples avg" in run.stdout
    test = json.loads((model.parent / "metrics.json").read_text())["test"]
    assert test["task"] == "multilabel" and test["n_samples"] == 6
    assert {"bad", "film", "good", "micro avg", "samples avg"} <= set(test["report"])
    for score in ["subset_accuracy", "micro_f1", "macro_f1", "samples_f1"]:
        assert 0 <= test[score] <= 1
    assert (model.parent / "classification_report.png").stat().st_size > 0
    assert not (model.parent / "confusion_matrix.png").exists()
    record = record_of(model)
    assert record["task"] == "multilabel" and record["columns"] == ["tags"]
    # "film ; good" is two labels; the empty cells, texts without labels.
    assert record["labels"] == ["bad", "film", "good"]
    assert record["label_separator"] == ";"
    assert record["pipeline"][-1].classes_.tolist() == [0, 1, 2]


def test_multilabel_evaluate_reports_each_label_and_unknown_ones(tagged, tmp_path):
    _, model, _ = tagged
    test = tmp_path / "test.csv"
    rows = [("good film", "film|good"), ("nothing", ""), ("a new day", "new|good")]
    pd.DataFrame(rows, columns=["text", "tags"]).to_csv(test, index=False)
    out = tmp_path / "evaluation"
    run = ok(["evaluate", model, test, "--label-separator", "|", "--output-dir", out])
    assert "not trained on (it never predicts them): new" in run.stdout
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_samples"] == 3 and metrics["unknown_labels"] == ["new"]
    assert metrics["report"]["good"]["support"] == 2
    assert metrics["report"]["new"]["recall"] == 0
    assert {"subset_accuracy", "micro_f1", "macro_f1", "samples_f1"} <= set(metrics)
    assert (out / "classification_report.png").stat().st_size > 0


def test_multilabel_predict_joins_the_label_names(tagged, tmp_path):
    data, model, _ = tagged
    out = tmp_path / "predictions.csv"
    ok(["predict", model, data, "-o", out])
    predicted = pd.read_csv(out, keep_default_na=False)
    names = ["bad", "film", "good"]
    assert list(predicted.columns) == ["labels", *(f"proba_{n}" for n in names)]
    texts = pd.read_csv(data, keep_default_na=False).text.tolist()
    indicator = record_of(model)["pipeline"].predict(texts)
    expected = [";".join(np.compress(row, names)) for row in indicator]
    assert predicted["labels"].tolist() == expected
    commas = ok(["predict", model, data, "--label-separator", ","]).stdout
    joined = pd.read_csv(pd.io.common.StringIO(commas), keep_default_na=False)
    assert joined["labels"].tolist() == [e.replace(";", ",") for e in expected]


@pytest.mark.slow
def test_multilabel_reads_label_lists_from_json_lines(tmp_path):
    data = tmp_path / "data.jsonl"
    rows = [{"text": t, "tags": [x.strip() for x in tags.split(";") if x]}
            for t, tags in TAGGED * 2]  # fmt: skip
    data.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    model = tmp_path / "model.skops"
    run = ok(
        ["train", data, "--label-column", "tags", "-o", model, "--test-size", "0",
         *TINY_OPTIONS]
    )  # fmt: skip
    assert "(multilabel)" in run.stdout
    record = record_of(model)
    assert record["labels"] == ["bad", "film", "good"]
    assert record["label_separator"] is None


# ----------------------------------------------------------- numbers per text


@pytest.fixture(scope="module")
def rated(tmp_path_factory):
    """A regression on one column of ratings, not all whole numbers."""
    folder = tmp_path_factory.mktemp("rated")
    data = folder / "data.csv"
    ratings = [4.5, 1.0, 3.5, 2.0, 1.5, 4.0]
    rows = [(text, r) for (text, _), r in zip(TAGGED, ratings, strict=True)]
    pd.DataFrame(rows * 4, columns=["text", "rating"]).to_csv(data, index=False)
    model = folder / "model" / "model.skops"
    run = ok(
        ["train", data, "--label-column", "rating", "-o", model,
         "--test-size", "0.25", *TINY_OPTIONS]
    )  # fmt: skip
    return data, model, run


def test_regression_is_detected_and_reported_per_target(rated):
    _, model, run = rated
    assert "(regression)" in run.stdout and "pearson_r" in run.stdout
    test = json.loads((model.parent / "metrics.json").read_text())["test"]
    assert test["task"] == "regression" and test["n_samples"] == 6
    assert set(test["targets"]["rating"]) == {"r2", "rmse", "mae", "pearson_r"}
    assert test["targets"]["rating"]["rmse"] >= 0
    assert (model.parent / "history.png").stat().st_size > 0
    for figure in ["confusion_matrix", "classification_report"]:
        assert not (model.parent / f"{figure}.png").exists()


def test_regression_evaluate_and_predict_one_target(rated, tmp_path):
    data, model, _ = rated
    out = tmp_path / "evaluation"
    ok(["evaluate", model, data, "--output-dir", out])
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_samples"] == 24 and list(metrics["targets"]) == ["rating"]
    predicted = pd.read_csv(pd.io.common.StringIO(ok(["predict", model, data]).stdout))
    assert list(predicted.columns) == ["prediction"]
    texts = pd.read_csv(data, keep_default_na=False).text.tolist()
    pipeline = load_model_file(model)["pipeline"]
    np.testing.assert_allclose(predicted.prediction, pipeline.predict(texts), rtol=1e-5)


@pytest.mark.slow
def test_regression_round_trip_with_two_targets(tmp_path):
    data = tmp_path / "data.csv"
    rows = [(text, i % 3, 5 - i % 2) for i, (text, _) in enumerate(TAGGED * 4)]
    frame = pd.DataFrame(rows, columns=["text", "valence", "arousal"])
    frame.to_csv(data, index=False)
    model = tmp_path / "model.skops"
    targets = ["--label-column", "valence", "--label-column", "arousal"]
    # Whole numbers, but two columns: a regression all the same.
    run = ok(["train", data, *targets, "-o", model, "--test-size", "0", *TINY_OPTIONS])
    assert "(regression)" in run.stdout
    out = tmp_path / "evaluation"
    run = ok(["evaluate", model, data, "--output-dir", out])
    metrics = json.loads((out / "metrics.json").read_text())
    assert list(metrics["targets"]) == ["valence", "arousal"]
    assert "valence" in run.stdout and "arousal" in run.stdout
    predicted = pd.read_csv(pd.io.common.StringIO(ok(["predict", model, data]).stdout))
    assert list(predicted.columns) == ["pred_valence", "pred_arousal"]
    pipeline = load_model_file(model)["pipeline"]
    expected = pipeline.predict(frame.text.tolist())
    np.testing.assert_allclose(predicted, expected, rtol=1e-5)
    line = fail(["evaluate", model, data, "--label-column", "valence"])
    assert "predicts 2 targets (valence, arousal)" in line


@pytest.mark.slow
def test_a_model_file_of_one_pipeline_still_evaluates_and_predicts(tmp_path):
    """Files of one label per text hold the pipeline alone, as they always did."""
    data = tmp_path / "data.csv"
    rows = [("win money now", "spam"), ("see you at lunch", "ham")] * 6
    frame = pd.DataFrame(rows, columns=["text", "label"])
    frame.to_csv(data, index=False)
    pipe = make_pipeline(
        KerasTokenizerTransformer(maxlen=40), LSTMTextClassifier(**TINY_PARAMS)
    ).fit(frame.text.tolist(), frame.label.to_numpy())
    model = tmp_path / "model.skops"
    skops.io.dump(pipe, model)
    out = tmp_path / "evaluation"
    ok(["evaluate", model, data, "--output-dir", out])
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["task"] == "classification" and "log_loss" in metrics
    assert (out / "confusion_matrix.png").stat().st_size > 0
    predicted = pd.read_csv(pd.io.common.StringIO(ok(["predict", model, data]).stdout))
    assert list(predicted.columns) == ["label", "proba_ham", "proba_spam"]
    assert predicted.label.tolist() == pipe.predict(frame.text.tolist()).tolist()


# ------------------------------------------------------------------ error paths


def fail(args, stdin=None):
    """Invoke the CLI, expect failure, return its one error line."""
    result = CliRunner().invoke(main, [str(a) for a in args], stdin)
    assert result.exit_code != 0, result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    lines = result.stderr.strip().splitlines()
    if result.exit_code == 2:
        # A command-line error: click's usage lines, then the error's line.
        assert lines[0].startswith("Usage:"), result.stderr
        lines = lines[3:]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def table(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("message,category\nhello there,ham\nwin money,spam\n")
    return path


def test_missing_column_names_the_existing_ones(table):
    line = fail(["train", table])
    assert "no column 'text'" in line and "message, category" in line


def test_empty_file_is_named(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    assert "is empty" in fail(["train", path])


def test_missing_label_names_the_row(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("text,label\nhello,ham\nwin money,\nbye,ham\n")
    assert "empty at row 2" in fail(["train", path])
    path = tmp_path / "data.jsonl"
    path.write_text('{"text": "a", "label": "x"}\n{"text": "b", "label": null}\n')
    assert "empty at row 2" in fail(["train", path])


def test_unreadable_encoding_is_reported(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("text,label\ncafé crème,ham\n".encode("latin-1"))
    assert "is not valid utf-8" in fail(["train", path])


def test_unknown_format_and_parameter_are_reported(table, tmp_path):
    path = tmp_path / "data.xlsx"
    path.write_text("x")
    assert "unknown data format" in fail(["train", path])
    args = ["train", table, "--text-column", "message", "--label-column", "category"]
    assert "unknown parameter --lstm-size" in fail([*args, "--lstm-size", "4"])
    assert "lstm_units" in fail([*args, "--test-size", "0", "--lstm-units", "-1"])


def test_malformed_file_is_reported(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text('{"text": "a", "label"\n')
    assert "is not valid jsonl" in fail(["train", path])


def test_a_file_that_is_not_a_model_is_refused(table):
    line = fail(["predict", table, table, "--text-column", "message"])
    assert "is not a model file" in line


def test_missing_optional_dependencies_are_named(table, tmp_path, monkeypatch):
    grid = tmp_path / "grid.json"
    grid.write_text('{"lstm_units": [4]}')
    columns = ["--text-column", "message", "--label-column", "category"]
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    line = fail(["search", table, *columns, "--grid", grid, "--scheduler", "x:1"])
    assert "needs dask.distributed" in line
    monkeypatch.setitem(sys.modules, "sklstm.vectors", None)
    line = fail(["train", table, *columns, "--test-size", "0", "--vectors", grid])
    assert "--vectors needs sklstm.vectors.WordVectors" in line


@pytest.mark.slow
def test_search_runs_on_a_dask_scheduler(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    data = tmp_path / "data.csv"
    rows = ["good film,pos", "great movie,pos", "bad film,neg", "awful movie,neg"]
    data.write_text("text,label\n" + "\n".join(rows * 4) + "\n")
    grid = tmp_path / "grid.json"
    grid.write_text('{"dropout": [0.3]}')
    out = tmp_path / "best.skops"
    with distributed.LocalCluster(
        # Two threads: with one, joblib would run the folds in this thread.
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        dashboard_address=None,
    ) as cluster:
        args = ["search", data, "--grid", grid, "--cv", "2", "-o", out]
        args += ["--scheduler", cluster.scheduler_address, *TINY_OPTIONS]
        result = CliRunner().invoke(main, [str(a) for a in args])
        executed = [w.state.executed_count for w in cluster.workers.values()]
    assert result.exit_code == 0, result.output
    assert sum(executed) >= 2 and out.stat().st_size > 0


def test_regression_rejects_a_label_separator(table):
    columns = ["--text-column", "message", "--label-column", "category"]
    line = fail(["train", table, *columns, "--task", "regression",
                 "--label-separator", ";"])  # fmt: skip
    assert "--label-separator" in line and "a regression" in line


def test_regression_names_the_cell_that_is_not_a_number(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("text,valence,arousal\nfine,1.5,2\nok,2.5,high\n")
    targets = ["--label-column", "valence", "--label-column", "arousal"]
    line = fail(["train", path, *targets])
    assert "column 'arousal' holds 'high' at row 2, not a number" in line
    line = fail(["train", path, "--label-column", "arousal", "--task", "regression"])
    assert "holds 'high' at row 2, not a number" in line


def test_task_options_that_contradict_each_other_are_refused(table):
    args = ["train", table, "--text-column", "message", "--label-column", "category"]
    line = fail([*args, "--task", "multilabel"])
    assert "holds 'ham' at row 1, not a list of labels" in line
    assert "--label-separator" in line
    line = fail([*args, "--label-column", "extra", "--task", "classification"])
    assert "one label column, not 2" in line
    assert "--label-separator is empty" in fail([*args, "--label-separator", ""])
    line = fail([*args, "--task", "classification", "--label-separator", ";"])
    assert "drop it, or use --task multilabel" in line


def test_multilabel_needs_two_different_labels(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("text,tags\nhello,x\nbye,x;\nnothing,\n")
    line = fail(["train", path, "--label-column", "tags", "--label-separator", ";"])
    assert "at least two different labels" in line


# ------------------------------------------------- outputs, ids, interruption

WORDS = [("good film great", "pos"), ("bad film awful", "neg"), ("great day", "pos"),
         ("awful day", "neg"), ("good good", "pos"), ("bad bad", "neg")]  # fmt: skip


@pytest.fixture(scope="module")
def polar(tmp_path_factory):
    """A classifier trained by the command on a table with an id column."""
    folder = tmp_path_factory.mktemp("polar")
    data = folder / "data.csv"
    rows = [(f"r{i}", text, label) for i, (text, label) in enumerate(WORDS * 4)]
    pd.DataFrame(rows, columns=["id", "text", "label"]).to_csv(data, index=False)
    model = folder / "model" / "model.skops"
    run = ok(["train", data, "-o", model, "--test-size", "0.25", *TINY_OPTIONS])
    return data, model, run


def test_train_announces_every_file_and_counts_epochs_from_1(polar):
    _, model, run = polar
    for name in ["model.skops", "history.png", "metrics.json",
                 "confusion_matrix.png", "classification_report.png"]:  # fmt: skip
        assert f"Wrote {model.parent / name}" in run.stdout
    metrics = json.loads((model.parent / "metrics.json").read_text())
    val_loss = metrics["history"]["val_loss"]
    assert metrics["best_epoch"] == int(np.argmin(val_loss)) + 1
    assert "loss" in metrics["ngram_history"]


def test_predict_carries_id_columns_and_rounds(polar, tmp_path):
    data, model, _ = polar
    out = tmp_path / "predictions.csv"
    ok(["predict", model, data, "--id-column", "id", "-o", out])
    predicted = pd.read_csv(out)
    assert list(predicted.columns) == ["id", "label", "proba_neg", "proba_pos"]
    assert predicted.id.tolist() == [f"r{i}" for i in range(24)]
    digits = [len(c.split(".")[-1]) for c in out.read_text().split() if "e" not in c]
    assert max(digits) <= 8
    assert "--id-column" in fail(["predict", model, data, "--id-column", "nope"])


def test_evaluate_never_overwrites_what_train_wrote(polar):
    data, model, _ = polar
    before = (model.parent / "metrics.json").read_bytes()
    result = CliRunner().invoke(
        main, ["evaluate", str(model), str(data), "--output-dir", str(model.parent)]
    )
    assert result.exit_code == 2 and "Pass --force" in result.stderr
    assert (model.parent / "metrics.json").read_bytes() == before


def test_evaluate_matches_or_refuses_labels_of_another_type(polar, tmp_path):
    data, model, _ = polar
    numbers = tmp_path / "numbers.csv"
    pd.DataFrame({"text": ["good", "bad"], "label": [1, 0]}).to_csv(
        numbers, index=False
    )
    out = tmp_path / "evaluation"
    line = fail(["evaluate", model, numbers, "--output-dir", out])
    assert "none of its labels is a class of the model" in line
    assert "'neg', 'pos' (str)" in line and "0, 1 (int)" in line

    frame = pd.DataFrame({"text": ["good", "bad", "fine"], "label": [1, 0, 1]})
    frame.to_csv(numbers, index=False)
    numeric = tmp_path / "numeric.skops"
    ok(["train", numbers, "-o", numeric, "--test-size", "0", *TINY_OPTIONS])
    as_text = tmp_path / "as_text.jsonl"
    as_text.write_text(
        '{"text": "good", "label": "1"}\n{"text": "bad", "label": "0"}\n'
    )
    ok(["evaluate", numeric, as_text, "--output-dir", out, "--force"])
    assert json.loads((out / "metrics.json").read_text())["n_samples"] == 2


def test_ctrl_c_keeps_the_good_model_and_saves_the_interrupted_one(
    polar, tmp_path, monkeypatch
):
    data, _, _ = polar
    model = tmp_path / "model.skops"
    model.write_text("a good model")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("sklstm._training.TrainingLoopMixin._train_step", interrupted)
    result = CliRunner().invoke(
        main, ["train", str(data), "-o", str(model), "--force", *TINY_OPTIONS]
    )
    assert result.exit_code == 130, result.output
    assert "Training was interrupted" in result.stderr
    assert model.read_text() == "a good model"
    saved = load_model_file(tmp_path / "model.interrupted.skops")
    assert saved[-1].interrupted_
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_search_refuses_a_bad_candidate_before_fitting(polar, tmp_path):
    data, _, _ = polar
    grid = tmp_path / "grid.json"
    grid.write_text('{"dropout": [0.1, "high"]}')
    line = fail(["search", data, "--grid", grid, "-o", tmp_path / "s.skops"])
    assert "dropout='high' is invalid" in line
