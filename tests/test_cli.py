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
from click.testing import CliRunner
from sklearn.pipeline import make_pipeline

import sklstm as sklstm_package
from sklstm import KerasTokenizerTransformer, LSTMTextClassifier
from sklstm.cli import main
from tests.conftest import dataset_file

REPO = Path(__file__).resolve().parents[1]
TINY_OPTIONS = [
    "--epochs", "1", "--lstm-units", "4", "--embedding-dim", "8",
    "--ngram-buckets", "64", "--maxlen", "40", "--random-state", "0",
]  # fmt: skip
TINY_PARAMS = dict(
    epochs=1, lstm_units=4, embedding_dim=8, ngram_buckets=64, random_state=0
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
    assert "loss:" in run.stdout and "precision" in run.stdout
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
    # The CSV holds repr-precision floats: equal bit for bit.
    np.testing.assert_array_equal(
        predicted[["proba_ham", "proba_spam"]].to_numpy(), proba
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


# ------------------------------------------------------------------ error paths


def fail(args, stdin=None):
    """Invoke the CLI, expect failure, return its one error line."""
    result = CliRunner().invoke(main, [str(a) for a in args], stdin)
    assert result.exit_code != 0, result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    lines = result.stderr.strip().splitlines()
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
    assert "is not a model file" in fail(["predict", table, table])


def test_missing_optional_dependencies_are_named(table, tmp_path, monkeypatch):
    grid = tmp_path / "grid.json"
    grid.write_text('{"lstm_units": [4]}')
    columns = ["--text-column", "message", "--label-column", "category"]
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    line = fail(["search", table, *columns, "--grid", grid, "--scheduler", "x:1"])
    assert "needs dask.distributed" in line
    monkeypatch.setitem(sys.modules, "sklstm.vectors", None)
    line = fail(["train", table, *columns, "--vectors", grid])
    assert "--vectors needs sklstm.vectors.WordVectors" in line


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
