"""Evaluation of predictions: the confusion matrix and per-class scores."""

import numpy as np
from sklearn.metrics import classification_report, confusion_matrix
from sklearn.utils.multiclass import unique_labels

from sklstm.plotting._axes import new_axes

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
        ax = new_axes((side + 1.5, side))
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
        ax = new_axes((max(6.0, 0.75 * len(classes) + 3), 4.5))
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
