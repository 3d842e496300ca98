"""Keras started without its backend's C++ start-up lines (sklstm.startup)."""

import sys

import pytest

from sklstm import start_keras_quietly
from tests.conftest import run_python


@pytest.mark.parametrize("log_level", [-1, 4, "3", 2.5, True])
def test_a_log_level_other_than_0_to_3_is_refused(log_level):
    with pytest.raises(ValueError, match="log_level must be 0, 1, 2 or 3"):
        start_keras_quietly(log_level)


def test_keras_already_imported_is_returned_as_is():
    import keras

    assert start_keras_quietly() is keras
    assert "keras" in sys.modules


@pytest.mark.slow
def test_a_script_that_starts_keras_quietly_writes_nothing_to_stderr():
    """The whole life of a small script: import, build, fit and predict.

    Without the call, TensorFlow writes its start-up lines (and, on a machine
    without a GPU, "failed call to cuInit") to stderr, whatever
    TF_CPP_MIN_LOG_LEVEL says; the first run proves that the check can fail.
    """
    script = (
        "import sklstm\n"
        "{start}\n"
        "from sklstm import LSTMTextClassifier\n"
        "X = [[1, 2, 3], [4, 5, 6]] * 4\n"
        "LSTMTextClassifier(epochs=1, lstm_units=2, embedding_dim=2,\n"
        "                   random_state=0).fit(X, [0, 1] * 4).predict(X)\n"
    )
    backend = {"KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": None}
    noisy = run_python(script.format(start="pass"), **backend)
    assert noisy.stderr.strip(), "TensorFlow no longer writes start-up lines"
    quiet = run_python(script.format(start="sklstm.start_keras_quietly()"), **backend)
    assert quiet.stderr == ""
