"""The docs' benchmark figures: read from the results files, typed ones refused.

Tests ``benchmarks/figures.py``, which the ``bench`` role of the docs and CI's
lint stage (``python -m benchmarks.figures``) both use.
"""

import json
import shutil
from pathlib import Path

import pytest

from benchmarks.figures import FIGURE, NOT_BENCHMARKS, check, figure, problems

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def results(tmp_path):
    """A results folder of two small files."""
    folder = tmp_path / "results"
    folder.mkdir()
    accuracy = {
        "configs": {
            "default": {"accuracy": 0.9, "fit_s": 386.99},
            "default_seed1": {"accuracy": 0.92, "fit_s": 390.0},
            "tfidf": {"accuracy": 0.8968, "fit_s": 59.2},
        }
    }
    latency = {"single": {"p50_ms": 1.852}, "runs": [{"speed_up": 1.8512}]}
    (folder / "accuracy_imdb.json").write_text(json.dumps(accuracy))
    (folder / "latency.json").write_text(json.dumps(latency))
    return folder


@pytest.mark.parametrize(
    "name, text",
    [
        ("accuracy_imdb:configs.tfidf.accuracy", "89.68 %"),
        ("accuracy_imdb:configs.default*.accuracy", "91.00 %"),  # seed mean
        ("accuracy_imdb:configs.default.fit_s", "387 s"),
        ("latency:single.p50_ms", "1.85 ms"),
        ("latency:runs.0.speed_up", "1.85x"),
    ],
)
def test_a_figure_is_read_and_formatted_by_its_unit(results, name, text):
    assert figure(name, results) == text


@pytest.mark.parametrize(
    "name",
    ["accuracy_imdb:configs.lstm.accuracy", "nothing:a.b", "latency:runs.3.x"],
)
def test_a_figure_the_results_do_not_hold_is_an_error(results, name):
    with pytest.raises(KeyError, match="holds no figure"):
        figure(name, results)


def test_typed_figures_are_found_whatever_their_unit():
    text = (
        "scored 90.92 % in 387 s (p50 1.9 ms), 2.10x faster, 3.3 times "
        "longer, 11,777 texts/s, 0.6 points lower; 8 x 200 calls, 2**20 rows"
    )
    assert [m.group(0) for m in FIGURE.finditer(text)] == [
        "90.92 %",
        "387 s",
        "1.9 ms",
        "2.10x",
        "3.3 times longer",
        "11,777 texts/s",
        "0.6 points",
    ]


def test_a_planted_figure_fails_and_a_role_passes(results):
    good = "IMDB: :bench:`accuracy_imdb:configs.default*.accuracy`.\n"
    assert problems(good, results=results) == []
    planted = good + "The default scores 91.00 % on IMDB.\n"
    (problem,) = problems(planted, results=results)
    assert problem.startswith("line 2: '91.00 %' is typed by hand")
    wrong_name = "IMDB: :bench:`accuracy_imdb:configs.defualt.accuracy`.\n"
    (problem,) = problems(wrong_name, results=results)
    assert "holds no figure 'accuracy_imdb:configs.defualt.accuracy'" in problem


def test_the_repository_quotes_no_typed_figure():
    assert check() == []


def test_a_wrong_figure_planted_in_a_copy_of_the_docs_fails_the_check(tmp_path):
    # The real pages and results, with one page's role replaced by the number
    # it shows and then by a wrong one: both are refused.
    shutil.copytree(REPO / "docs", tmp_path / "docs", ignore=_build_output)
    shutil.copytree(REPO / "benchmarks" / "results", tmp_path / "results")
    page = tmp_path / "docs" / "benchmarks.rst"
    role = ":bench:`accuracy_imdb:configs.default*.accuracy`"
    shown = figure("accuracy_imdb:configs.default*.accuracy")
    text = page.read_text(encoding="utf-8")
    assert role in text
    for planted in (shown, "97.13 %"):
        page.write_text(text.replace(role, planted, 1), encoding="utf-8")
        report = check(tmp_path, tmp_path / "results", sources=("docs/*.rst",))
        assert len(report) == 1 and f"{planted!r} is typed by hand" in report[0]
    page.write_text(text, encoding="utf-8")
    assert check(tmp_path, tmp_path / "results", sources=("docs/*.rst",)) == []


def test_every_allowed_typed_figure_is_still_there():
    # An exception that no longer matches anything is a stale excuse.
    for relative, figures in NOT_BENCHMARKS.items():
        typed = [m.group(0) for m in FIGURE.finditer((REPO / relative).read_text())]
        for allowed in figures:
            assert allowed in typed, (relative, allowed)


def _build_output(folder, names):
    return [n for n in names if n in ("_build", "generated", "auto_examples")]
