"""Tests of what the sklstm command checks before it starts Keras, and how it writes.

The checks run in-process with Keras, TensorFlow and JAX made unimportable,
so a check that needed them would fail here rather than only be slow.
"""

import importlib
import inspect
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from sklstm._cli_outputs import written
from sklstm._cli_params import parameter_defaults

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("keras", "tensorflow", "jax")


@pytest.fixture
def keras_free_main(monkeypatch):
    """``sklstm.cli.main`` imported afresh while Keras cannot be imported."""
    for name in list(sys.modules):
        if name == "sklstm.cli" or name.startswith(
            ("sklstm._cli_", "sklstm.tokenizer")
        ):
            monkeypatch.delitem(sys.modules, name)
    for name in HEAVY:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setattr("sklstm.cli", None, raising=False)
    return importlib.import_module("sklstm.cli").main


def invoke(main, args):
    return CliRunner().invoke(main, [str(a) for a in args])


def refused(main, args, status=2):
    """The one error line of a command that must stop with ``status``."""
    result = invoke(main, args)
    assert result.exit_code == status, (result.output, result.exception)
    assert not isinstance(result.exception, ImportError), result.exception
    return " ".join(result.stderr.split())


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("text,label,id\ngood film,pos,a\nbad film,neg,b\n")
    return path


def test_help_of_every_verb_needs_no_keras(keras_free_main):
    for verb in ["train", "evaluate", "predict", "search"]:
        result = invoke(keras_free_main, [verb, "--help"])
        assert result.exit_code == 0, result.output
    help_text = invoke(keras_free_main, ["train", "--help"]).output
    assert "--lstm-units  " in help_text and "64" in help_text
    assert "--verbose" in help_text and "--maxlen" in help_text
    assert "Exit status" in invoke(keras_free_main, ["--help"]).output


def test_argument_and_output_checks_need_no_keras(keras_free_main, data, tmp_path):
    main = keras_free_main
    assert "does not exist" in refused(main, ["train", tmp_path / "missing.csv"])
    assert "does not exist" in refused(main, ["predict", data, tmp_path / "no.csv"])
    line = refused(main, ["train", data, "-o", tmp_path])
    assert "is a folder" in line
    blocker = tmp_path / "file"
    blocker.write_text("")
    line = refused(main, ["train", data, "-o", blocker / "model.skops"])
    assert "is a file, not a folder" in line
    existing = tmp_path / "model.skops"
    existing.write_text("a good model")
    line = refused(main, ["train", data, "-o", existing])
    assert "exists. Pass --force" in line
    assert existing.read_text() == "a good model"
    (tmp_path / "metrics.json").write_text("{}")
    line = refused(main, ["train", data, "-o", tmp_path / "new.skops"])
    assert "metrics.json exists" in line
    line = refused(main, ["train", data, "--text-column", "label"])
    assert "both name 'label'" in line
    line = refused(main, ["train", data, "--encoding", "utf-9"])
    assert "unknown encoding 'utf-9'" in line
    line = refused(main, ["train", data, "-o", tmp_path / "m", "--lstm-size", "4"])
    assert "unknown parameter --lstm-size" in line
    line = refused(main, ["evaluate", existing, data, "--output-dir", tmp_path])
    assert "metrics.json exists" in line
    line = refused(main, ["predict", existing, data, "-o", existing])
    assert "exists. Pass --force" in line


def test_search_grid_shape_and_names_are_checked_first(keras_free_main, data, tmp_path):
    grid = tmp_path / "grid.json"
    for text, message in [
        ('{"lstm_units": 4}', "non-empty lists of values"),
        ("[]", "non-empty lists of values"),
        ('{"lstm_size": [4]}', "unknown parameter --lstm-size"),
        ("{", "is not JSON"),
    ]:
        grid.write_text(text)
        args = ["search", data, "--grid", grid, "-o", tmp_path / "s.skops"]
        assert message in refused(keras_free_main, args)


def test_data_errors_need_no_keras_and_exit_1(keras_free_main, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("text,label\na,x\nb,x\n")
    line = refused(keras_free_main, ["train", path, "--test-size", "0"], status=1)
    assert "one: 'x'" in line and "np.str_" not in line


def test_an_encoding_error_names_its_byte_in_the_whole_file(tmp_path):
    """pandas decodes in chunks; the byte named is the file's, not the chunk's."""
    from sklstm.cli import main

    rows = "".join(f"text number {i},ham\n" for i in range(5000))
    head = ("text,label\n" + rows).encode()
    path = tmp_path / "data.csv"
    path.write_bytes(head + "café,spam\n".encode("latin-1"))
    line = refused(main, ["train", path], status=1)
    assert f"at byte {len(head) + 3:,}, line 5,002" in line


def test_a_failed_write_leaves_the_old_file(tmp_path):
    path = tmp_path / "model.skops"
    path.write_text("good")
    with pytest.raises(KeyboardInterrupt), written(path) as temporary:
        temporary.write_text("half")
        raise KeyboardInterrupt
    assert path.read_text() == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["model.skops"]
    with written(tmp_path / "new" / "model.skops") as temporary:
        temporary.write_text("new")
    assert (tmp_path / "new" / "model.skops").read_text() == "new"


@pytest.mark.parametrize(
    "module, name",
    [
        ("sklstm.classifier", "LSTMTextClassifier"),
        ("sklstm.regressor", "LSTMTextRegressor"),
        ("sklstm.tokenizer", "KerasTokenizerTransformer"),
    ],
)
def test_the_parameters_read_from_source_are_the_signatures(module, name):
    module = importlib.import_module(module)
    signature = inspect.signature(getattr(module, name))
    expected = {
        p.name: p.default
        for p in signature.parameters.values()
        if p.kind is not p.VAR_KEYWORD
    }
    shown = parameter_defaults(name)
    assert list(shown) == list(expected)
    for key, source in shown.items():
        assert eval(source, vars(module)) == expected[key], key  # noqa: S307


@pytest.mark.slow
def test_help_and_a_missing_file_answer_at_once(tmp_path):
    """Start-up without Keras: far below the seconds that importing it takes."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for args, status in [(["train", "--help"], 0), (["train", "missing.csv"], 2)]:
        start = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "sklstm", *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - start
        assert run.returncode == status, run.stderr
        assert elapsed < 5, f"sklstm {' '.join(args)} took {elapsed:.1f} s"


@pytest.mark.slow
def test_predict_to_stdout_writes_the_table_alone(tmp_path):
    """Status lines ("Starting Keras ...") go to stderr, never into the CSV."""
    from sklstm.cli import main

    data = tmp_path / "data.csv"
    data.write_text("text,label\n" + "good film,pos\nbad film,neg\n" * 8)
    model = tmp_path / "model.skops"
    options = ["--epochs", "1", "--lstm-units", "2", "--embedding-dim", "4"]
    trained = invoke(main, ["train", data, "-o", model, "--test-size", "0", *options])
    assert trained.exit_code == 0, trained.output
    run = subprocess.run(
        [sys.executable, "-m", "sklstm", "predict", str(model), "-"],
        input="good film\nbad film\n",
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "label,proba_neg,proba_pos" and len(lines) == 3
