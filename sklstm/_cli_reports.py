"""What ``sklstm train`` and ``sklstm evaluate`` print and write about a model.

One report per task: the scores are printed, returned for ``metrics.json``,
and drawn where a figure helps. scikit-learn and matplotlib are imported inside
the functions, so that ``sklstm --help`` stays quick.
"""

import json
import math
import warnings

import click

from sklstm._cli_outputs import written


def save_figure(result, path):
    from matplotlib.figure import Figure

    figure = result if isinstance(result, Figure) else result.figure
    with written(path) as temporary:
        figure.savefig(temporary, bbox_inches="tight")
    figure.clear()


def write_json(data, path):
    with written(path) as temporary:
        temporary.write_text(json.dumps(data, indent=2, default=_json_default) + "\n")


def _json_default(value):
    # NumPy scalars and labels from the report.
    return value.item() if hasattr(value, "item") else str(value)


def _per_class_figure(y_true, y_pred, folder, target_names=None):
    from sklearn.exceptions import UndefinedMetricWarning

    from sklstm import plot_classification_report

    with warnings.catch_warnings():
        # A class never predicted has no precision; the report shows it as 0.
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        save_figure(
            plot_classification_report(y_true, y_pred, target_names=target_names),
            folder / "classification_report.png",
        )


def classification(y_true, y_pred, proba, classes, folder):
    """One label per text: the classification report, log loss and two figures."""
    from sklearn import metrics

    from sklstm import plot_confusion_matrix

    click.echo(metrics.classification_report(y_true, y_pred, zero_division=0))
    scores = {
        "task": "classification",
        "n_samples": len(y_true),
        "accuracy": metrics.accuracy_score(y_true, y_pred),
        "macro_f1": metrics.f1_score(y_true, y_pred, average="macro", zero_division=0),
        "report": metrics.classification_report(
            y_true, y_pred, output_dict=True, zero_division=0
        ),
    }
    if set(y_true) <= set(classes):
        scores["log_loss"] = metrics.log_loss(y_true, proba, labels=classes)
    save_figure(plot_confusion_matrix(y_true, y_pred), folder / "confusion_matrix.png")
    _per_class_figure(y_true, y_pred, folder)
    return scores


def multilabel(true_lists, predicted, labels, folder):
    """Several labels per text: per-label report, micro/macro/samples F1.

    ``true_lists`` holds each text's label names, ``predicted`` the model's
    indicator matrix over ``labels``. Labels of the data that the model does
    not know are reported too, as labels it never predicts.
    """
    import numpy as np
    from sklearn import metrics
    from sklearn.preprocessing import MultiLabelBinarizer

    unknown = sorted(set().union(*true_lists) - set(labels))
    names = [*labels, *unknown]
    y_true = MultiLabelBinarizer(classes=names).fit_transform(true_lists)
    y_pred = np.hstack([predicted, np.zeros((len(y_true), len(unknown)))])
    y_pred = y_pred.astype(y_true.dtype)
    if unknown:
        click.echo(
            "Labels the model was not trained on (it never predicts them): "
            + ", ".join(unknown)
        )
    report = dict(target_names=names, zero_division=0)
    click.echo(metrics.classification_report(y_true, y_pred, **report))
    scores = {
        "task": "multilabel",
        "n_samples": len(y_true),
        "subset_accuracy": metrics.accuracy_score(y_true, y_pred),
        "hamming_loss": metrics.hamming_loss(y_true, y_pred),
        "report": metrics.classification_report(
            y_true, y_pred, output_dict=True, **report
        ),
        "unknown_labels": unknown,
    }
    for average in ("micro", "macro", "samples"):
        scores[f"{average}_f1"] = metrics.f1_score(
            y_true, y_pred, average=average, zero_division=0
        )
    _per_class_figure(y_true, y_pred, folder, target_names=names)
    return scores


def _finite(value):
    """A float for metrics.json, None where the score is undefined (JSON has no NaN)."""
    value = float(value)
    return value if math.isfinite(value) else None


def _pearson_r(y_true, y_pred):
    import numpy as np

    if len(y_true) < 2 or np.std(y_true) == 0 or np.std(y_pred) == 0:
        return None
    return _finite(np.corrcoef(y_true, y_pred)[0, 1])


def regression(y_true, y_pred, targets):
    """Numbers per text: R², RMSE, MAE and Pearson's r of each target, as a table.

    ``y_true`` and ``y_pred`` have one column per name in ``targets``.
    """
    from sklearn import metrics
    from sklearn.exceptions import UndefinedMetricWarning

    per_target = {}
    with warnings.catch_warnings():
        # R² of fewer than two texts is undefined; it is written as null.
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        for j, name in enumerate(targets):
            true, pred = y_true[:, j], y_pred[:, j]
            per_target[name] = {
                "r2": _finite(metrics.r2_score(true, pred)),
                "rmse": _finite(metrics.root_mean_squared_error(true, pred)),
                "mae": _finite(metrics.mean_absolute_error(true, pred)),
                "pearson_r": _pearson_r(true, pred),
            }
    width = max(6, *map(len, targets))
    columns = ("r2", "rmse", "mae", "pearson_r")
    click.echo(f"{'target':<{width}}" + "".join(f"{c:>11}" for c in columns))
    for name, scores in per_target.items():
        cells = ["n/a" if v is None else f"{v:.4f}" for v in scores.values()]
        click.echo(f"{name:<{width}}" + "".join(f"{c:>11}" for c in cells))
    click.echo(f"\n{len(y_true)} texts")
    return {"task": "regression", "n_samples": len(y_true), "targets": per_target}
