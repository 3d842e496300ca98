"""The package's lazy imports: Keras and its backend load only when needed."""

import runpy
import sys

import pytest

import sklstm
from tests.conftest import run_python

FRAMEWORKS = ("keras", "tensorflow", "jax")


LIGHT_IMPORTS = (
    "from sklstm import KerasTokenizerTransformer",
    "from sklstm import plot_history",
    "import sklstm.datasets",
    "from sklstm.utils.estimator_checks import parametrize_with_text_checks",
    "import sklstm.cli",
    "import sklstm.serving",
)


def test_light_imports_load_no_deep_learning_framework():
    """One interpreter runs the imports in turn, reporting after each.

    Imports only add modules, so the frameworks loaded after each statement
    show which statement loaded one: the same verdict as one interpreter per
    statement, for one start-up.
    """
    lines = ["import sys"]
    for statement in LIGHT_IMPORTS:
        lines += [
            statement,
            f"print([m for m in {FRAMEWORKS!r} if m in sys.modules])",
        ]
    reports = run_python("\n".join(lines)).stdout.splitlines()
    loaded = dict(zip(LIGHT_IMPORTS, reports, strict=True))
    assert loaded == dict.fromkeys(LIGHT_IMPORTS, "[]")


def test_dir_and_all_list_every_public_name():
    public = {"KerasTokenizerTransformer", "LSTMTextClassifier", "plot_history"}
    assert public <= set(dir(sklstm))
    assert public <= set(sklstm.__all__)
    for name in sklstm.__all__:
        assert getattr(sklstm, name) is not None


def test_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'LSTMClassifier'"):
        sklstm.LSTMClassifier  # noqa: B018


@pytest.mark.slow
def test_a_fit_on_jax_does_not_import_tensorflow():
    pytest.importorskip("jax")
    code = (
        "import sys\n"
        "from sklstm import LSTMTextClassifier\n"
        "X = [[0, 1, 2], [3, 4, 5], [0, 0, 6], [7, 8, 9]] * 4\n"
        "y = [0, 1, 0, 1] * 4\n"
        "LSTMTextClassifier(epochs=1, lstm_units=2, embedding_dim=2,\n"
        "                   random_state=0).fit(X, y).predict(X)\n"
        "print('tensorflow' in sys.modules)\n"
    )
    assert run_python(code, KERAS_BACKEND="jax").stdout.split()[-1] == "False"


def test_python_m_sklstm_runs_the_command_line(monkeypatch, capsys):
    # In this process: the command line's own tests start interpreters.
    monkeypatch.setattr(sys, "argv", ["sklstm", "--help"])
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_module("sklstm", run_name="__main__")
    assert exit_info.value.code == 0
    assert "Usage:" in capsys.readouterr().out
