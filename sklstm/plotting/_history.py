"""Training curves: a fitted estimator's history, one subplot per metric."""

import numbers
from collections.abc import Mapping

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from sklearn.exceptions import NotFittedError

# Keras logs the metric under the name it was compiled with, "accuracy" or "acc".
_METRIC_ALIASES = {"accuracy": "acc", "acc": "accuracy"}

# What metrics=None shows next to the loss, the first of these logged: a
# single-label classifier logs "accuracy" (or "acc"), a multi-label one
# "binary_accuracy", and a regressor none of them.
_ACCURACY_METRICS = ("accuracy", "binary_accuracy")


def _lowest_validation_loss(history):
    """The epoch early stopping keeps: that of the lowest validation loss."""
    if not history.get("val_loss"):
        return None
    return int(np.nanargmin(history["val_loss"]))


def _stage_history(estimator_or_history):
    """The n-gram branch's own epochs, trained before the network's, or {}.

    A regressor's branch is solved in closed form: its history is one entry
    per ridge penalty tried, not per epoch, and is not drawn.
    """
    estimator = getattr(estimator_or_history, "steps", [[None, estimator_or_history]])
    history = getattr(estimator[-1][1], "ngram_history_", None) or {}
    return {} if "alpha" in history else history


def _history_and_best_epoch(estimator_or_history, best_epoch):
    """The history dict to plot and the 0-based epoch to mark (or None)."""
    if isinstance(estimator_or_history, Mapping):
        history = estimator_or_history
        fitted_best_epoch = _lowest_validation_loss(history)
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


def _logged_key(history, metric):
    """The key under which ``history`` logged ``metric``, allowing Keras aliases.

    None when it did not log ``metric``.
    """
    for key in (metric, _METRIC_ALIASES.get(metric)):
        if key in history:
            return key
    return None


def _default_metrics(history):
    """The loss, and the first accuracy-like metric that ``history`` logged."""
    accuracies = [m for m in _ACCURACY_METRICS if _logged_key(history, m)]
    return ["loss", *accuracies[:1]]


def _history_key(history, metric):
    """The key under which ``history`` logged ``metric``; fails when it did not."""
    key = _logged_key(history, metric)
    if key is not None:
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


def _plot_curves(ax, history, key, first_epoch, stage, **style):
    for name, label in ((key, "train"), (f"val_{key}", "validation")):
        if name in history:
            values = history[name]
            epochs = np.arange(first_epoch, first_epoch + len(values))
            ax.plot(epochs, values, marker=".", label=f"{stage}{label}", **style)
    return len(history.get(key, []))


def _plot_metric(ax, history, metric, key, best_epoch, stage_history):
    """Train and validation curves of one metric, with the best epoch marked.

    The n-gram branch's own epochs, when it trained first, come first, dashed;
    the network's epochs follow them, and its best epoch is counted among them.
    """
    offset = len(stage_history.get("loss", []))
    if offset and key in stage_history:
        _plot_curves(ax, stage_history, key, 1, "n-gram branch, ", linestyle="--")
    prefix = "network, " if offset else ""
    last = offset + _plot_curves(ax, history, key, offset + 1, prefix)
    if offset:
        ax.axvline(offset + 0.5, color="0.7", linestyle=":")
    if best_epoch is not None:
        ax.axvline(
            offset + best_epoch + 1,
            color="0.4",
            linestyle="--",
            label=f"best epoch ({best_epoch + 1}{' of the network' if offset else ''})",
        )
    # Whole epochs only, and room around a single one (not ticks at 0.95-1.05).
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    ax.set_xlim(0.5, max(last, 1) + 0.5)
    ax.set(title=metric, xlabel="epoch", ylabel=metric)
    ax.legend()


def plot_history(estimator_or_history, metrics=None, *, best_epoch="auto", ax=None):
    """Plot training curves, one subplot per metric, per epoch.

    Parameters
    ----------
    estimator_or_history : estimator, Pipeline or dict of str to list of float
        A fitted estimator with a ``history_`` attribute (such as
        :class:`~sklstm.classifier.LSTMTextClassifier`), a Pipeline whose last
        step is one, or a history dict as Keras logs it, with a ``val_<metric>``
        key next to each metric evaluated on validation data. An estimator's
        n-gram branch, trained alone first (``ngram_history_``), is drawn
        dashed before the network's epochs.
    metrics : str, sequence of str or None, default=None
        Metrics to plot, one subplot each. The training curve of ``metric`` and,
        when logged, the validation curve ``val_<metric>`` share a subplot.
        ``"accuracy"`` and ``"acc"`` are interchangeable, as Keras logs either.
        None plots ``"loss"`` and, when the history logged one, an accuracy:
        ``"accuracy"`` (a single-label classifier), or else
        ``"binary_accuracy"`` (a multi-label one). A history with no accuracy,
        such as a regressor's, gets the loss alone.
    best_epoch : int, "auto" or None, default="auto"
        0-based index of the epoch to mark with a vertical line, like the
        estimator's ``best_epoch_``. ``"auto"`` marks the estimator's
        ``best_epoch_`` when early stopping restored one, and for a history
        dict the epoch of lowest validation loss (the one early stopping
        keeps), if it logged one; None marks nothing.
    ax : matplotlib Axes or sequence of Axes, default=None
        Axes to draw on, one per metric, in the order of ``metrics`` (with
        ``metrics=None``: two when the history logged an accuracy, else one).
        None makes a new figure with a row of subplots.

    Returns
    -------
    matplotlib.axes.Axes or matplotlib.figure.Figure
        The Axes when one metric is plotted (as ``metrics=None`` does for a
        loss-only history), otherwise the Figure holding the Axes (that of the
        first Axes when ``ax`` was given).

    Raises
    ------
    ValueError
        If a metric to plot was not logged (``metrics=None`` only needs
        ``"loss"``; the message lists the metrics that were), if
        ``best_epoch`` is outside the history or if ``ax`` holds a different
        number of Axes than there are metrics to plot.
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
    ['train', 'validation', 'best epoch (2)']
    >>> plot_history({"loss": [0.9, 0.6], "val_loss": [0.8, 0.7]}).get_title()
    'loss'
    """
    history, best_epoch = _history_and_best_epoch(estimator_or_history, best_epoch)
    stage_history = _stage_history(estimator_or_history)
    if metrics is None:
        metrics = _default_metrics(history)
    elif isinstance(metrics, str):
        metrics = [metrics]
    else:
        metrics = list(metrics)
    keys = [_history_key(history, metric) for metric in metrics]
    _check_best_epoch(best_epoch, len(history[keys[0]]))
    axes = _history_axes(ax, len(metrics))
    for metric_ax, metric, key in zip(axes, metrics, keys, strict=True):
        _plot_metric(metric_ax, history, metric, key, best_epoch, stage_history)
    return axes[0] if len(axes) == 1 else axes[0].figure
