"""Figures for training curves, hyper-parameter searches and evaluation.

Every function draws on the Axes passed as ``ax=`` or, when ``ax`` is None, on a
new :class:`matplotlib.figure.Figure` made without :mod:`matplotlib.pyplot`.
Such figures are not registered with pyplot, so they never pile up in
``plt.get_fignums()``, are not shown by ``plt.show()`` and need no
``plt.close()``; save one with ``ax.figure.savefig(path)`` or display
``ax.figure`` in a notebook. Nothing here changes matplotlib's global state:
no backend is chosen, no style is applied and ``rcParams`` are left alone.
"""

import numbers
from collections.abc import Mapping

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from sklearn.exceptions import NotFittedError
from sklearn.metrics import classification_report, confusion_matrix
from sklearn.utils.multiclass import unique_labels
from sklearn.utils.validation import check_is_fitted

__all__ = [
    "plot_classification_report",
    "plot_confusion_matrix",
    "plot_history",
    "plot_search_results",
]

# Keras logs the metric under the name it was compiled with, "accuracy" or "acc".
_METRIC_ALIASES = {"accuracy": "acc", "acc": "accuracy"}

# Two lines: a one-line title overflows a figure sized for a few classes.
_CONFUSION_TITLES = {
    None: "Confusion matrix (counts)",
    "true": "Confusion matrix normalized over true labels\n(each row sums to 1)",
    "pred": "Confusion matrix normalized over predicted labels\n"
    "(each column sums to 1)",
    "all": "Confusion matrix normalized over all samples\n(all cells sum to 1)",
}

_REPORT_METRICS = ("precision", "recall", "f1-score")
_REPORT_SUMMARIES = {
    "accuracy",
    "macro avg",
    "micro avg",
    "weighted avg",
    "samples avg",
}


def _new_axes(figsize):
    """A single Axes on a new pyplot-free Figure."""
    return Figure(figsize=figsize, layout="constrained").add_subplot()


def _history_and_best_epoch(estimator_or_history, best_epoch):
    """The history dict to plot and the 0-based epoch to mark (or None)."""
    if isinstance(estimator_or_history, Mapping):
        history, fitted_best_epoch = estimator_or_history, None
    else:
        estimator = estimator_or_history
        if hasattr(estimator, "steps"):
            estimator = estimator.steps[-1][1]
        if not hasattr(estimator, "history_"):
            raise NotFittedError(
                f"{type(estimator).__name__} has no history_ to plot. Pass a fitted "
                "estimator (call fit first), a Pipeline ending in one, or a history "
                "dict mapping metric names to per-epoch values."
            )
        history = estimator.history_
        fitted_best_epoch = getattr(estimator, "best_epoch_", None)
    if isinstance(best_epoch, str) and best_epoch == "auto":
        best_epoch = fitted_best_epoch
    return history, best_epoch


def _check_best_epoch(best_epoch, n_epochs):
    """Reject a best epoch that is not a 0-based index into the history."""
    if best_epoch is None:
        return
    if not isinstance(best_epoch, numbers.Integral) or not 0 <= best_epoch < n_epochs:
        raise ValueError(
            f"best_epoch={best_epoch!r} is not an epoch of this {n_epochs}-epoch "
            f"history; pass a 0-based index in [0, {n_epochs - 1}], 'auto' or None."
        )


def _history_key(history, metric):
    """The key under which ``history`` logged ``metric``, allowing Keras aliases."""
    for key in (metric, _METRIC_ALIASES.get(metric)):
        if key in history:
            return key
    logged = [key for key in history if not key.startswith("val_")]
    raise ValueError(
        f"Metric {metric!r} is not in the history, which logged {logged}; "
        "pass metrics= a subset of those."
    )


def _history_axes(ax, n_metrics):
    """One Axes per metric: the caller's, or a new row of subplots."""
    if ax is None:
        figure = Figure(figsize=(5 * n_metrics, 4), layout="constrained")
        return list(figure.subplots(1, n_metrics, squeeze=False)[0])
    axes = [ax] if isinstance(ax, Axes) else list(ax)
    if len(axes) != n_metrics:
        raise ValueError(
            f"Got {len(axes)} Axes for {n_metrics} metrics; pass one Axes per metric "
            "in ax=, or ax=None to make a new figure."
        )
    return axes


def _plot_metric(ax, history, metric, key, best_epoch):
    """Train and validation curves of one metric, with the best epoch marked."""
    for name, label in ((key, "train"), (f"val_{key}", "validation")):
        if name in history:
            values = history[name]
            ax.plot(np.arange(1, len(values) + 1), values, marker=".", label=label)
    if best_epoch is not None:
        ax.axvline(
            best_epoch + 1,
            color="0.4",
            linestyle="--",
            label=f"best epoch ({best_epoch + 1})",
        )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set(title=metric, xlabel="epoch", ylabel=metric)
    ax.legend()


def _score_name(search, score_name):
    """The metric whose ``mean_test_<name>`` is plotted."""
    names = [
        key.removeprefix("mean_test_")
        for key in search.cv_results_
        if key.startswith("mean_test_")
    ]
    if score_name is None:
        if names == ["score"]:
            return "score"
        if isinstance(search.refit, str) and search.refit in names:
            return search.refit
        raise ValueError(
            f"{type(search).__name__} scored several metrics {names} and "
            f"refit={search.refit!r} picks none of them; pass score_name=one of them."
        )
    if score_name not in names:
        raise ValueError(
            f"score_name={score_name!r} was not scored by this search; "
            f"pass one of {names}."
        )
    return score_name


def _param_name(candidate_params, name, argument):
    """``name`` as a searched parameter, with or without the ``param_`` prefix."""
    available = sorted({key for params in candidate_params for key in params})
    for key in (name, name.removeprefix("param_")):
        if key in available:
            return key
    raise ValueError(
        f"{argument}={name!r} is not a searched parameter; pass one of {available}."
    )


def _is_number(value):
    """Whether a parameter value belongs on a numeric axis (booleans do not)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _search_lines(candidate_params, param, hue, rank):
    """Candidate indices to plot: ``{line label: {x value repr: index}}``.

    Without ``hue`` every other varied parameter splits the lines, so each point
    is one candidate. With ``hue`` the remaining parameters are maximised out:
    each point is the best-ranked candidate sharing its ``param`` and ``hue``.
    """
    if hue is None:
        line_keys = sorted(
            key
            for key in {key for params in candidate_params for key in params}
            if key != param
            and len({repr(params.get(key)) for params in candidate_params}) > 1
        )
    else:
        line_keys = [hue]
    lines = {}
    for index, params in enumerate(candidate_params):
        if param not in params:
            continue
        label = ", ".join(f"{key}={params.get(key)}" for key in line_keys)
        points = lines.setdefault(label, {})
        x = repr(params[param])
        if x not in points or rank[index] < rank[points[x]]:
            points[x] = index
    return lines


def _search_x_axis(ax, values):
    """Map parameter values to x positions: numeric, log-numeric or categorical."""
    if all(_is_number(value) for value in values):
        low, high = min(values), max(values)
        if low > 0 and high / low > 100:
            ax.set_xscale("log")
        return {repr(value): float(value) for value in values}
    categories = {repr(value): str(value) for value in values}
    ax.set_xticks(range(len(categories)), list(categories.values()))
    return {key: float(position) for position, key in enumerate(categories)}


def plot_history(
    estimator_or_history, metrics=("loss", "accuracy"), *, best_epoch="auto", ax=None
):
    """Plot training curves, one subplot per metric, per epoch.

    Parameters
    ----------
    estimator_or_history : estimator, Pipeline or dict of str to list of float
        A fitted estimator with a ``history_`` attribute (such as
        :class:`~sklstm.classifier.LSTMTextClassifier`), a Pipeline whose last
        step is one, or a history dict as Keras logs it, with a ``val_<metric>``
        key next to each metric evaluated on validation data.
    metrics : str or sequence of str, default=("loss", "accuracy")
        Metrics to plot, one subplot each. The training curve of ``metric`` and,
        when logged, the validation curve ``val_<metric>`` share a subplot.
        ``"accuracy"`` and ``"acc"`` are interchangeable, as Keras logs either.
    best_epoch : int, "auto" or None, default="auto"
        0-based index of the epoch to mark with a vertical line, like the
        estimator's ``best_epoch_``. ``"auto"`` marks the estimator's
        ``best_epoch_`` when early stopping restored one, and nothing for a
        history dict; None marks nothing. For a dict, mark the epoch of lowest
        validation loss with ``best_epoch=int(np.argmin(history["val_loss"]))``.
    ax : matplotlib Axes or sequence of Axes, default=None
        Axes to draw on, one per metric, in the order of ``metrics``. None makes
        a new figure with a row of subplots.

    Returns
    -------
    matplotlib.axes.Axes or matplotlib.figure.Figure
        The Axes when one metric is plotted, otherwise the Figure holding the
        Axes (that of the first Axes when ``ax`` was given).

    Raises
    ------
    ValueError
        If a metric was not logged (the message lists those that were), if
        ``best_epoch`` is outside the history or if ``ax`` holds a different
        number of Axes than ``metrics``.
    sklearn.exceptions.NotFittedError
        If the estimator has no ``history_`` yet.

    See Also
    --------
    plot_search_results : Compare hyper-parameters after a grid search.

    Examples
    --------
    >>> from sklstm.plotting import plot_history
    >>> history = {"loss": [0.7, 0.5, 0.4], "val_loss": [0.6, 0.5, 0.55],
    ...            "accuracy": [0.5, 0.7, 0.8], "val_accuracy": [0.6, 0.7, 0.65]}
    >>> fig = plot_history(history, best_epoch=1)
    >>> [ax.get_title() for ax in fig.axes]
    ['loss', 'accuracy']
    >>> ax = plot_history(history, "loss")
    >>> [line.get_label() for line in ax.get_lines()]
    ['train', 'validation']
    """
    history, best_epoch = _history_and_best_epoch(estimator_or_history, best_epoch)
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    keys = [_history_key(history, metric) for metric in metrics]
    _check_best_epoch(best_epoch, len(history[keys[0]]))
    axes = _history_axes(ax, len(metrics))
    for metric_ax, metric, key in zip(axes, metrics, keys, strict=True):
        _plot_metric(metric_ax, history, metric, key, best_epoch)
    return axes[0] if len(axes) == 1 else axes[0].figure


def plot_confusion_matrix(
    y_true, y_pred, *, labels=None, normalize=None, ax=None, cmap="Blues"
):
    """Plot the confusion matrix as an annotated heatmap.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels.
    y_pred : array-like of shape (n_samples,)
        Predicted class labels.
    labels : array-like of shape (n_classes,), default=None
        Classes to show, in this order. None shows every class in ``y_true`` or
        ``y_pred``, sorted.
    normalize : {"true", "pred", "all"}, default=None
        As in :func:`sklearn.metrics.confusion_matrix`: divide each cell by its
        row total (true labels), its column total (predicted labels) or the
        grand total. None shows counts.
    ax : matplotlib Axes, default=None
        Axes to draw on. None makes a new figure.
    cmap : str or matplotlib Colormap, default="Blues"
        Colormap of the cells.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on; rows are true labels, columns predicted labels.

    See Also
    --------
    plot_classification_report : Per-class precision, recall and F1.

    Examples
    --------
    >>> from sklstm.plotting import plot_confusion_matrix
    >>> y_true = ["ham", "ham", "spam", "spam", "spam"]
    >>> y_pred = ["ham", "spam", "spam", "spam", "ham"]
    >>> ax = plot_confusion_matrix(y_true, y_pred, normalize="true")
    >>> print(ax.get_title())
    Confusion matrix normalized over true labels
    (each row sums to 1)
    >>> [label.get_text() for label in ax.get_xticklabels()]
    ['ham', 'spam']
    """
    # seaborn imports pyplot; importing it here keeps `import sklstm` free of it.
    import seaborn as sns

    matrix = confusion_matrix(y_true, y_pred, labels=labels, normalize=normalize)
    classes = unique_labels(y_true, y_pred) if labels is None else labels
    if ax is None:
        side = max(5.0, 0.6 * len(classes) + 2)
        ax = _new_axes((side + 1.5, side))
    sns.heatmap(
        matrix,
        annot=True,
        fmt="d" if normalize is None else ".2f",
        cmap=cmap,
        xticklabels=[str(label) for label in classes],
        yticklabels=[str(label) for label in classes],
        square=True,
        ax=ax,
    )
    ax.tick_params(axis="y", labelrotation=0)
    ax.set(
        title=_CONFUSION_TITLES[normalize],
        xlabel="predicted label",
        ylabel="true label",
    )
    return ax


def plot_search_results(search, param, *, hue=None, ax=None, score_name=None):
    """Plot the cross-validated score of a search against one parameter.

    Each point is the mean test score of a candidate over the CV folds, with an
    error bar of one standard deviation; the best-ranked candidate is starred.

    Parameters
    ----------
    search : fitted GridSearchCV, RandomizedSearchCV or similar
        A fitted scikit-learn hyper-parameter search with ``cv_results_``.
    param : str
        Parameter on the x axis, with or without the ``param_`` prefix of
        ``cv_results_`` (``"C"`` or ``"param_C"``). Numeric values get a numeric
        axis, logarithmic when they span more than a factor of 100; other values
        are categories in the order the search tried them.
    hue : str, default=None
        Parameter whose values get one line each. None draws one line per
        combination of the other parameters that vary. With ``hue`` set, the
        parameters other than ``param`` and ``hue`` are maximised out: each
        point is the best-ranked candidate with those two values.
    ax : matplotlib Axes, default=None
        Axes to draw on. None makes a new figure.
    score_name : str, default=None
        Metric to plot, for a search that scored several (``scoring`` a list
        or dict): the ``<name>`` of a ``mean_test_<name>`` key of
        ``cv_results_``. None plots the metric named by ``refit``, or the only
        score of a single-metric search.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If the search is not fitted.
    ValueError
        If ``param``, ``hue`` or ``score_name`` is not in the search results;
        the message lists the available ones.

    See Also
    --------
    plot_history : Training curves of one fitted model.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklstm.plotting import plot_search_results
    >>> X, y = make_classification(n_samples=60, random_state=0)
    >>> search = GridSearchCV(LogisticRegression(), {"C": [0.01, 1.0, 100.0]}, cv=3)
    >>> ax = plot_search_results(search.fit(X, y), "param_C")
    >>> ax.get_xlabel(), ax.get_xscale()
    ('C', 'log')
    """
    check_is_fitted(search, "cv_results_")
    results = search.cv_results_
    candidate_params = results["params"]
    score_name = _score_name(search, score_name)
    param = _param_name(candidate_params, param, "param")
    if hue is not None:
        hue = _param_name(candidate_params, hue, "hue")
    mean = np.asarray(results[f"mean_test_{score_name}"], dtype=float)
    std = np.asarray(results[f"std_test_{score_name}"], dtype=float)
    rank = results[f"rank_test_{score_name}"]
    ax = _new_axes((6, 4)) if ax is None else ax
    shown = [params[param] for params in candidate_params if param in params]
    position = _search_x_axis(ax, shown)
    lines = _search_lines(candidate_params, param, hue, rank)
    for label, points in lines.items():
        xs = sorted(points, key=position.__getitem__)
        indices = [points[x] for x in xs]
        ax.errorbar(
            [position[x] for x in xs],
            mean[indices],
            yerr=std[indices],
            marker="o",
            capsize=3,
            label=label or None,
        )
    best = min((i for p in lines.values() for i in p.values()), key=rank.__getitem__)
    ax.plot(
        position[repr(candidate_params[best][param])],
        mean[best],
        marker="*",
        markersize=16,
        color="black",
        linestyle="none",
        label=f"best: {mean[best]:.3f} ± {std[best]:.3f}",
        zorder=3,
    )
    ax.set(
        title=f"Mean test {score_name} ± std over {search.n_splits_} CV folds",
        xlabel=param,
        ylabel=f"mean test {score_name}",
    )
    ax.legend(fontsize="small")
    return ax


def plot_classification_report(
    y_true, y_pred, *, labels=None, target_names=None, ax=None
):
    """Plot per-class precision, recall and F1 as a grouped bar chart.

    The bars show :func:`sklearn.metrics.classification_report`, each annotated
    with its value; the class tick labels give the support (number of true
    samples) and the title the accuracy.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels.
    y_pred : array-like of shape (n_samples,)
        Predicted class labels.
    labels : array-like of shape (n_classes,), default=None
        Classes to show, in this order. None shows every class in ``y_true`` or
        ``y_pred``, sorted.
    target_names : list of str of shape (n_classes,), default=None
        Display names of the classes, in the order of ``labels``.
    ax : matplotlib Axes, default=None
        Axes to draw on. None makes a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on; its three bar containers hold precision, recall and
        F1, in that order.

    See Also
    --------
    plot_confusion_matrix : Where the errors of each class go.

    Examples
    --------
    >>> from sklstm.plotting import plot_classification_report
    >>> y_true = ["ham", "ham", "spam", "spam", "spam"]
    >>> y_pred = ["ham", "spam", "spam", "spam", "ham"]
    >>> ax = plot_classification_report(y_true, y_pred)
    >>> [round(float(bar.get_height()), 3) for bar in ax.containers[1]]  # recall
    [0.5, 0.667]
    >>> [label.get_text() for label in ax.get_xticklabels()]
    ['ham\\n(n=2)', 'spam\\n(n=3)']
    """
    report = classification_report(
        y_true, y_pred, labels=labels, target_names=target_names, output_dict=True
    )
    classes = [name for name in report if name not in _REPORT_SUMMARIES]
    if ax is None:
        ax = _new_axes((max(6.0, 0.75 * len(classes) + 3), 4.5))
    # Past a handful of classes the labels no longer fit side by side: turn them.
    crowded = len(classes) > 6
    x = np.arange(len(classes))
    width = 0.8 / len(_REPORT_METRICS)
    for offset, metric in enumerate(_REPORT_METRICS):
        heights = [report[name][metric] for name in classes]
        bars = ax.bar(x + (offset - 1) * width, heights, width, label=metric)
        ax.bar_label(
            bars, fmt="%.2f", fontsize="x-small", rotation=90 if crowded else 0
        )
    ax.set_xticks(
        x,
        [f"{name}\n(n={report[name]['support']:.0f})" for name in classes],
        rotation=45 if crowded else 0,
        ha="right" if crowded else "center",
        rotation_mode="anchor",
    )
    accuracy = f", accuracy {report['accuracy']:.3f}" if "accuracy" in report else ""
    ax.set(
        title=f"Per-class precision, recall and F1{accuracy}",
        ylabel="score",
        ylim=(0, 1.15),
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    return ax
