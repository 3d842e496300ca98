"""Tests for sklstm.plotting: what each figure draws, and that it leaves no trace."""

import io
import os
import subprocess
import sys

import matplotlib
import numpy as np
import pytest
from matplotlib.collections import QuadMesh
from matplotlib.figure import Figure
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import classification_report, confusion_matrix
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklstm.plotting import (
    plot_classification_report,
    plot_confusion_matrix,
    plot_history,
    plot_search_results,
)

HISTORY = {
    "loss": [0.9, 0.6, 0.45, 0.4],
    "accuracy": [0.55, 0.7, 0.8, 0.85],
    "val_loss": [0.8, 0.55, 0.6, 0.7],
    "val_accuracy": [0.6, 0.75, 0.72, 0.7],
}
Y_TRUE = ["ham", "ham", "ham", "spam", "spam", "spam", "spam", "eggs", "eggs"]
Y_PRED = ["ham", "spam", "ham", "spam", "spam", "ham", "spam", "eggs", "ham"]


class FittedModel:
    """The part of a fitted LSTMTextClassifier that plot_history reads."""

    def __init__(self, history, best_epoch):
        self.history_ = history
        self.best_epoch_ = best_epoch

    def fit(self, X, y):
        return self


def _raw_rcparams():
    """rcParams as stored; reading them as a mapping would resolve the backend."""
    return dict.copy(matplotlib.rcParams)


def _axes():
    return Figure().add_subplot()


def _lines_by_label(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def _best_epoch_lines(ax):
    return [line for label, line in _lines_by_label(ax).items() if "best" in label]


@pytest.fixture(scope="module")
def xy():
    return make_classification(n_samples=80, n_features=6, random_state=0)


@pytest.fixture(scope="module")
def c_search(xy):
    grid = {"C": [0.001, 0.01, 0.1, 1.0, 10.0]}
    return GridSearchCV(LogisticRegression(), grid, cv=3).fit(*xy)


@pytest.fixture(scope="module")
def two_param_search(xy):
    grid = {"C": [0.01, 1.0, 100.0], "fit_intercept": [True, False]}
    return GridSearchCV(LogisticRegression(), grid, cv=3).fit(*xy)


# plot_history


def test_plot_history_draws_train_and_validation_curves_per_metric():
    figure = plot_history(HISTORY)

    assert isinstance(figure, Figure)
    assert [ax.get_title() for ax in figure.axes] == ["loss", "accuracy"]
    for ax, metric in zip(figure.axes, ("loss", "accuracy"), strict=True):
        lines = _lines_by_label(ax)
        assert set(lines) == {"train", "validation", "best epoch (2)"}
        np.testing.assert_array_equal(lines["train"].get_xdata(), [1, 2, 3, 4])
        np.testing.assert_array_equal(lines["train"].get_ydata(), HISTORY[metric])
        np.testing.assert_array_equal(
            lines["validation"].get_ydata(), HISTORY[f"val_{metric}"]
        )
        assert ax.get_xlabel() == "epoch"


def test_plot_history_marks_the_estimators_best_epoch():
    figure = plot_history(FittedModel(HISTORY, best_epoch=1))

    for ax in figure.axes:
        (best,) = _best_epoch_lines(ax)
        # best_epoch_ is 0-based; the x axis counts epochs from 1.
        np.testing.assert_array_equal(best.get_xdata(), [2, 2])
        assert best.get_label() == "best epoch (2)"
        assert "best epoch (2)" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_plot_history_marks_nothing_without_early_stopping():
    ax = plot_history(FittedModel(HISTORY, best_epoch=None), "loss")

    assert _best_epoch_lines(ax) == []


def test_plot_history_reads_the_last_step_of_a_pipeline():
    pipeline = Pipeline([("scale", StandardScaler()), ("clf", FittedModel(HISTORY, 2))])

    ax = plot_history(pipeline, "loss")

    np.testing.assert_array_equal(
        _lines_by_label(ax)["train"].get_ydata(), HISTORY["loss"]
    )
    np.testing.assert_array_equal(_best_epoch_lines(ax)[0].get_xdata(), [3, 3])


def test_plot_history_best_epoch_argument_marks_a_dict_or_overrides():
    argmin = int(np.argmin(HISTORY["val_loss"]))

    ax = plot_history(HISTORY, "loss", best_epoch=argmin)
    unmarked = plot_history(FittedModel(HISTORY, 1), "loss", best_epoch=None)

    np.testing.assert_array_equal(_best_epoch_lines(ax)[0].get_xdata(), [2, 2])
    assert _best_epoch_lines(unmarked) == []
    # "auto" on a dict (the README's pipe[-1].history_): the lowest val_loss.
    (auto,) = _best_epoch_lines(plot_history(HISTORY, "loss"))
    np.testing.assert_array_equal(auto.get_xdata(), [2, 2])
    no_validation = {"loss": HISTORY["loss"]}
    assert _best_epoch_lines(plot_history(no_validation, "loss")) == []


def test_plot_history_draws_the_ngram_stage_before_the_network():
    model = FittedModel(HISTORY, best_epoch=1)
    model.ngram_history_ = {"loss": [0.7, 0.5, 0.45], "val_loss": [0.6, 0.5, 0.5]}
    figure = plot_history(model)
    loss, accuracy = figure.axes
    lines = _lines_by_label(loss)
    np.testing.assert_array_equal(lines["n-gram branch, train"].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(
        lines["network, validation"].get_xdata(), [4, 5, 6, 7]
    )
    np.testing.assert_array_equal(_best_epoch_lines(loss)[0].get_xdata(), [5, 5])
    assert "n-gram branch, train" not in _lines_by_label(accuracy)
    assert accuracy.get_xlim() == loss.get_xlim() == (0.5, 7.5)


def test_plot_history_of_one_epoch_has_whole_epoch_ticks():
    ax = plot_history({"loss": [0.5]}, "loss")
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks == [1]


def test_plot_history_accepts_keras_acc_alias():
    history = {"loss": [1.0, 0.5], "acc": [0.4, 0.9], "val_acc": [0.5, 0.8]}

    figure = plot_history(history)

    lines = _lines_by_label(figure.axes[1])
    assert figure.axes[1].get_title() == "accuracy"
    np.testing.assert_array_equal(lines["train"].get_ydata(), [0.4, 0.9])
    np.testing.assert_array_equal(lines["validation"].get_ydata(), [0.5, 0.8])


def test_plot_history_default_is_the_loss_alone_without_an_accuracy():
    # A regressor's history: Keras logs the loss and nothing else.
    history = {"loss": [1.0, 0.5, 0.4], "val_loss": [0.9, 0.6, 0.7]}

    ax = plot_history(FittedModel(history, best_epoch=1))

    assert ax.get_title() == "loss"
    assert len(ax.figure.axes) == 1
    lines = _lines_by_label(ax)
    np.testing.assert_array_equal(lines["train"].get_ydata(), history["loss"])
    np.testing.assert_array_equal(lines["validation"].get_ydata(), history["val_loss"])
    np.testing.assert_array_equal(_best_epoch_lines(ax)[0].get_xdata(), [2, 2])


def test_plot_history_default_plots_binary_accuracy_next_to_the_loss():
    # A multi-label classifier's history.
    history = {
        "loss": [0.7, 0.4],
        "binary_accuracy": [0.8, 0.9],
        "val_loss": [0.6, 0.5],
        "val_binary_accuracy": [0.85, 0.88],
    }

    figure = plot_history(history)

    assert [ax.get_title() for ax in figure.axes] == ["loss", "binary_accuracy"]
    lines = _lines_by_label(figure.axes[1])
    np.testing.assert_array_equal(lines["train"].get_ydata(), [0.8, 0.9])
    np.testing.assert_array_equal(lines["validation"].get_ydata(), [0.85, 0.88])


def test_plot_history_default_prefers_accuracy_and_fits_the_given_axes():
    history = {**HISTORY, "binary_accuracy": [0.5, 0.6, 0.7, 0.8]}
    loss_only = {"loss": HISTORY["loss"]}

    figure = plot_history(history)
    given = _axes()

    assert [ax.get_title() for ax in figure.axes] == ["loss", "accuracy"]
    assert plot_history(loss_only, ax=given) is given
    with pytest.raises(ValueError, match="Got 2 Axes for 1 metrics"):
        plot_history(loss_only, ax=Figure().subplots(2))


def test_plot_history_explicit_accuracy_still_requires_it():
    with pytest.raises(ValueError, match=r"'accuracy' is not in the history.*'loss'"):
        plot_history({"loss": [1.0, 0.5]}, ("loss", "accuracy"))


def test_plot_history_without_validation_draws_only_the_train_curve():
    ax = plot_history({"loss": [1.0, 0.5, 0.25]}, "loss")

    assert list(_lines_by_label(ax)) == ["train"]


def test_plot_history_honours_ax():
    ax = _axes()
    assert plot_history(HISTORY, "loss", ax=ax) is ax

    figure = Figure()
    axes = figure.subplots(2)
    assert plot_history(HISTORY, ax=axes) is figure
    assert [ax.get_title() for ax in axes] == ["loss", "accuracy"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"metrics": "f1"}, r"'f1' is not in the history.*\['loss', 'accuracy'\]"),
        ({"best_epoch": 4}, r"best_epoch=4 is not an epoch.*\[0, 3\]"),
        ({"ax": [Figure().add_subplot()]}, "Got 1 Axes for 2 metrics"),
    ],
)
def test_plot_history_errors_name_the_fix(kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_history(HISTORY, **kwargs)


def test_plot_history_unfitted_estimator():
    with pytest.raises(NotFittedError, match="LogisticRegression has no history_"):
        plot_history(LogisticRegression())


# plot_confusion_matrix


@pytest.mark.parametrize("normalize", [None, "true", "pred", "all"])
def test_plot_confusion_matrix_cells_equal_sklearn(normalize):
    expected = confusion_matrix(Y_TRUE, Y_PRED, normalize=normalize)

    ax = plot_confusion_matrix(Y_TRUE, Y_PRED, normalize=normalize)

    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    np.testing.assert_allclose(np.asarray(mesh.get_array()).ravel(), expected.ravel())
    fmt = "{:d}" if normalize is None else "{:.2f}"
    assert [t.get_text() for t in ax.texts] == [fmt.format(v) for v in expected.ravel()]
    names = ["eggs", "ham", "spam"]
    assert [t.get_text() for t in ax.get_xticklabels()] == names
    assert [t.get_text() for t in ax.get_yticklabels()] == names
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted label", "true label")


@pytest.mark.parametrize(
    ("normalize", "words"),
    [
        (None, ["counts"]),
        ("true", ["normalized over true labels", "row"]),
        ("pred", ["normalized over predicted labels", "column"]),
        ("all", ["normalized over all samples"]),
    ],
)
def test_plot_confusion_matrix_title_says_what_is_shown(normalize, words):
    title = plot_confusion_matrix(Y_TRUE, Y_PRED, normalize=normalize).get_title()

    assert title.startswith("Confusion matrix")
    assert all(word in title for word in words)


def test_plot_confusion_matrix_labels_choose_and_order_classes():
    ax = plot_confusion_matrix(Y_TRUE, Y_PRED, labels=["spam", "ham"], ax=_axes())

    expected = confusion_matrix(Y_TRUE, Y_PRED, labels=["spam", "ham"])
    assert [t.get_text() for t in ax.texts] == [str(v) for v in expected.ravel()]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["spam", "ham"]


def test_plot_confusion_matrix_honours_ax_and_rejects_bad_normalize():
    ax = _axes()
    assert plot_confusion_matrix(Y_TRUE, Y_PRED, ax=ax) is ax
    with pytest.raises(ValueError, match="normalize"):
        plot_confusion_matrix(Y_TRUE, Y_PRED, normalize="rows")


# plot_classification_report


def test_plot_classification_report_bars_equal_sklearn():
    report = classification_report(Y_TRUE, Y_PRED, output_dict=True)

    ax = plot_classification_report(Y_TRUE, Y_PRED)

    classes = ["eggs", "ham", "spam"]
    assert len(ax.containers) == 3
    for bars, metric in zip(
        ax.containers, ("precision", "recall", "f1-score"), strict=True
    ):
        assert bars.get_label() == metric
        heights = [bar.get_height() for bar in bars]
        np.testing.assert_allclose(heights, [report[c][metric] for c in classes])
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["eggs\n(n=2)", "ham\n(n=3)", "spam\n(n=4)"]
    assert ax.get_title().endswith(f"accuracy {report['accuracy']:.3f}")


def test_plot_classification_report_target_names_and_ax():
    y_true, y_pred = [0, 0, 1, 1, 1], [0, 1, 1, 1, 0]
    ax = _axes()

    assert (
        plot_classification_report(
            y_true, y_pred, labels=[1, 0], target_names=["spam", "ham"], ax=ax
        )
        is ax
    )
    report = classification_report(y_true, y_pred, output_dict=True)
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["spam\n(n=3)", "ham\n(n=2)"]
    np.testing.assert_allclose(
        [bar.get_height() for bar in ax.containers[1]],
        [report["1"]["recall"], report["0"]["recall"]],
    )


# plot_search_results


def _errorbars(ax):
    """(x, y, lower, upper) of every error-bar line, keyed by its label."""
    drawn = {}
    for container in ax.containers:
        data_line, _, (bars,) = container.lines
        segments = np.asarray(bars.get_segments())
        drawn[container.get_label()] = (
            # errorbar keeps x as an object array (for units); compare as floats.
            np.asarray(data_line.get_xdata(), dtype=float),
            np.asarray(data_line.get_ydata(), dtype=float),
            segments[:, 0, 1],
            segments[:, 1, 1],
        )
    return drawn


def _best_marker(ax):
    (star,) = [line for line in ax.get_lines() if line.get_marker() == "*"]
    return star.get_xdata()[0], star.get_ydata()[0]


@pytest.mark.parametrize("param", ["C", "param_C"])
def test_plot_search_results_points_are_mean_and_std(c_search, param):
    results = c_search.cv_results_
    mean, std = results["mean_test_score"], results["std_test_score"]

    ax = plot_search_results(c_search, param)

    ((x, y, lower, upper),) = _errorbars(ax).values()
    np.testing.assert_allclose(x, [0.001, 0.01, 0.1, 1.0, 10.0])
    np.testing.assert_allclose(y, mean)
    np.testing.assert_allclose(lower, mean - std)
    np.testing.assert_allclose(upper, mean + std)
    assert ax.get_xscale() == "log"
    assert ax.get_xlabel() == "C"
    best = c_search.best_index_
    assert _best_marker(ax) == pytest.approx((results["param_C"][best], mean[best]))


def test_plot_search_results_one_line_per_other_parameter(two_param_search):
    results = two_param_search.cv_results_

    lines = _errorbars(plot_search_results(two_param_search, "C"))

    assert set(lines) == {"fit_intercept=True", "fit_intercept=False"}
    for value in (True, False):
        mask = results["param_fit_intercept"] == value
        x, y, _, _ = lines[f"fit_intercept={value}"]
        np.testing.assert_allclose(x, [0.01, 1.0, 100.0])
        np.testing.assert_allclose(y, results["mean_test_score"][mask])


def test_plot_search_results_categorical_parameter(two_param_search):
    results = two_param_search.cv_results_

    ax = plot_search_results(two_param_search, "fit_intercept", ax=_axes())

    assert ax.get_xscale() == "linear"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["True", "False"]
    x, y, _, _ = _errorbars(ax)["C=1.0"]
    np.testing.assert_array_equal(x, [0, 1])
    mask = results["param_C"] == 1.0
    np.testing.assert_allclose(y, results["mean_test_score"][mask])


def test_plot_search_results_hue_maximises_out_other_parameters(xy):
    grid = {
        "C": [0.01, 1.0],
        "fit_intercept": [True, False],
        "class_weight": [None, "balanced"],
    }
    search = GridSearchCV(LogisticRegression(), grid, cv=3).fit(*xy)
    results = search.cv_results_
    rank = results["rank_test_score"]

    lines = _errorbars(plot_search_results(search, "C", hue="param_fit_intercept"))

    assert set(lines) == {"fit_intercept=True", "fit_intercept=False"}
    _, y, _, _ = lines["fit_intercept=True"]
    for point, c in zip(y, (0.01, 1.0), strict=True):
        with_intercept = results["param_fit_intercept"].astype(bool)
        (rows,) = np.nonzero((results["param_C"] == c) & with_intercept)
        best_row = rows[np.argmin(rank[rows])]
        assert point == results["mean_test_score"][best_row]


def test_plot_search_results_multimetric_uses_refit_unless_named(xy):
    search = GridSearchCV(
        LogisticRegression(),
        {"C": [0.01, 1.0, 100.0]},
        scoring=["accuracy", "f1"],
        refit="f1",
        cv=3,
    ).fit(*xy)
    results = search.cv_results_

    by_refit = plot_search_results(search, "C")
    named = plot_search_results(search, "C", score_name="accuracy")

    ((_, y_refit, _, _),) = _errorbars(by_refit).values()
    ((_, y_named, _, _),) = _errorbars(named).values()
    np.testing.assert_allclose(y_refit, results["mean_test_f1"])
    np.testing.assert_allclose(y_named, results["mean_test_accuracy"])
    assert by_refit.get_ylabel() == "mean test f1"
    assert named.get_title() == "Mean test accuracy ± std over 3 CV folds"

    search.set_params(refit=False).fit(*xy)
    with pytest.raises(ValueError, match=r"several metrics.*pass score_name="):
        plot_search_results(search, "C")
    with pytest.raises(ValueError, match=r"score_name='roc'.*\['accuracy', 'f1'\]"):
        plot_search_results(search, "C", score_name="roc")


def test_plot_search_results_errors(c_search):
    with pytest.raises(NotFittedError):
        plot_search_results(GridSearchCV(LogisticRegression(), {"C": [1.0]}), "C")
    with pytest.raises(ValueError, match=r"param='alpha' is not a searched.*\['C'\]"):
        plot_search_results(c_search, "alpha")
    with pytest.raises(ValueError, match=r"hue='penalty' is not a searched"):
        plot_search_results(c_search, "C", hue="penalty")


# global state


@pytest.mark.parametrize(
    "draw",
    [
        lambda search: plot_history(HISTORY),
        lambda search: plot_confusion_matrix(Y_TRUE, Y_PRED),
        lambda search: plot_classification_report(Y_TRUE, Y_PRED),
        lambda search: plot_search_results(search, "C"),
    ],
    ids=["history", "confusion_matrix", "classification_report", "search_results"],
)
def test_plotting_leaves_pyplot_and_rcparams_alone(draw, c_search):
    import matplotlib.pyplot as plt

    figures, rc = plt.get_fignums(), _raw_rcparams()

    drawn = draw(c_search)

    assert plt.get_fignums() == figures
    assert _raw_rcparams() == rc
    # The figure renders without pyplot, as a user saving it would.
    figure = drawn if isinstance(drawn, Figure) else drawn.figure
    png = io.BytesIO()
    figure.savefig(png, format="png")
    assert png.getvalue().startswith(b"\x89PNG")


def test_import_sklstm_chooses_no_backend_and_keeps_rcparams():
    code = (
        "import matplotlib\n"
        "rc = dict.copy(matplotlib.rcParams)\n"
        "import sklstm, sklstm.plotting\n"
        "assert dict.copy(matplotlib.rcParams) == rc, 'rcParams or backend changed'\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_plot_search_results_ticks_are_the_values_tried(xy):
    grid = {"C": [0.001, 0.003, 0.01]}
    search = GridSearchCV(LogisticRegression(), grid, cv=3).fit(*xy)
    ax = plot_search_results(search, "C")
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.001", "0.003", "0.01"]
    assert ax.get_xticklabels(minor=True) == []
