"""What the ``sklstm`` command does differently per target: one object per task.

As :mod:`sklstm._tasks` does for the estimators, a task object holds what the
verbs do differently for one label per text, several labels per text and
numbers per text: how the target columns are read, the estimator, whether the
held-out split is stratified, the report, the prediction columns and what the
model file records. The verbs never ask which task they run.

Model files: for one label per text, the fitted pipeline itself, as ``sklstm``
has always written it. For several labels or numbers, a dict of the pipeline
and what the other verbs need, in plain Python types that skops trusts by
default, so that no new type has to be trusted::

    {"pipeline": <Pipeline>, "task": "multilabel", "columns": ["labels"],
     "labels": ["anger", "joy"], "label_separator": ";"}
    {"pipeline": <Pipeline>, "task": "regression", "columns": ["valence", "arousal"]}
"""

import json
import math
import numbers
from pathlib import Path

import click

from sklstm import _cli_reports
from sklstm._cli_io import column, is_empty

TASKS = ("auto", "classification", "multilabel", "regression")
# LSTMTextClassifier's documented decision rule for several labels per text.
_THRESHOLD = 0.5
_SEPARATOR_MISUSE = (
    "--label-separator splits a cell into several labels; {what}: drop it, "
    "or use --task multilabel."
)


def _is_list(value):
    """A cell holding a list: JSON lines' arrays, Parquet's list columns."""
    return isinstance(value, (list, tuple)) or getattr(value, "ndim", 0) == 1


def _number(value):
    """The cell as a finite float, or None where it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if not isinstance(value, numbers.Real) or not math.isfinite(value):
        return None
    return float(value)


def _one_column(columns, what):
    if len(columns) != 1:
        raise click.ClickException(
            f"{what} reads one label column, not {len(columns)} "
            f"({', '.join(columns)}); several --label-column options are the "
            "targets of a regression (--task regression)."
        )
    return columns[0]


def _names(values):
    """Python values (``tolist()``'s) for a message, never NumPy's np.str_('x')."""
    shown = ", ".join(map(repr, values[:5]))
    return shown + (" ..." if len(values) > 5 else "")


def _matching_labels(truth, classes, path):
    """``truth`` in the type of the model's ``classes``.

    A CSV file gives numbers where the model may have learnt the same labels
    as strings (or the other way round): each label is matched to the class
    it spells. Labels that match no class at all are an error, rather than a
    report where nothing is ever right.
    """
    import numpy as np

    known, labels = classes.tolist(), truth.tolist()
    if set(known) & set(labels):
        return truth
    spelled = {str(c): c for c in known}
    if all(str(label) in spelled for label in labels):
        return np.asarray([spelled[str(label)] for label in labels])
    found = sorted(set(labels), key=str)
    raise click.ClickException(
        f"{path}: none of its labels is a class of the model. The model's "
        f"classes are {_names(known)} ({type(known[0]).__name__}); the labels "
        f"found are {_names(found)} ({type(found[0]).__name__}). Check "
        "--label-column."
    )


class ClassificationTask:
    """One label per text; the model file is the pipeline itself."""

    name = "classification"
    estimator = "LSTMTextClassifier"
    report_files = ("confusion_matrix.png", "classification_report.png")

    def __init__(self, columns, separator=None):
        if separator is not None:
            raise click.ClickException(
                _SEPARATOR_MISUSE.format(
                    what="a classification reads one label per cell"
                )
            )
        self.columns = [_one_column(columns, "One label per text")]

    def override(self, columns=(), separator=None):
        return ClassificationTask(columns or self.columns, separator)

    def read(self, frame, path):
        import numpy as np

        return np.asarray(column(frame, self.columns[0], path, "--label-column"))

    def fit(self, truth):
        found = sorted(set(truth.tolist()), key=str)
        if len(found) < 2:
            raise click.ClickException(
                "A classifier needs texts of at least two different labels; "
                f"the training data has one: {_names(found)}. Check "
                "--label-column, or use --task regression for numbers."
            )
        return self

    def encode(self, truth):
        return truth

    def strata(self, truth):
        return truth

    def report(self, truth, pipeline, texts, folder, path="the data"):
        classes = pipeline.classes_
        truth = _matching_labels(truth, classes, path)
        proba = pipeline.predict_proba(texts)
        predicted = classes[proba.argmax(axis=1)]
        return _cli_reports.classification(truth, predicted, proba, classes, folder)

    def predictions(self, pipeline, texts):
        import pandas as pd

        proba = pipeline.predict_proba(texts)
        classes = pipeline.classes_
        table = pd.DataFrame(proba, columns=[f"proba_{c}" for c in classes])
        table.insert(0, "label", classes[proba.argmax(axis=1)])
        return table

    def record(self):
        return None


class MultiLabelTask:
    """Several labels per text: a cell of labels joined by a separator, or a list.

    An empty cell means no label. ``labels`` are the names of the indicator
    matrix's columns, sorted, as ``MultiLabelBinarizer`` sorts them.
    """

    name = "multilabel"
    estimator = "LSTMTextClassifier"
    report_files = ("classification_report.png",)

    def __init__(self, columns, separator=None, labels=None):
        self.columns = [_one_column(columns, "--task multilabel")]
        self.separator = separator
        self.labels = labels

    @classmethod
    def from_record(cls, record):
        return cls(record["columns"], record["label_separator"], record["labels"])

    def override(self, columns=(), separator=None):
        return MultiLabelTask(
            columns or self.columns, separator or self.separator, self.labels
        )

    def read(self, frame, path):
        name = self.columns[0]
        values = column(frame, name, path, "--label-column", empty_ok=True)
        return [
            self._labels_of(value, path, name, row)
            for row, value in enumerate(values, start=1)
        ]

    def _labels_of(self, value, path, name, row):
        if is_empty(value):
            return []
        if _is_list(value):
            items = list(value)
        elif self.separator is None:
            raise click.ClickException(
                f"{path}: column {name!r} holds {value!r} at row {row}, not a "
                "list of labels. Name the separator between its labels with "
                "--label-separator, e.g. --label-separator ';'."
            )
        else:
            items = str(value).split(self.separator)
        return sorted({str(item).strip() for item in items} - {""})

    def fit(self, truth):
        self.labels = sorted(set().union(*truth))
        if len(self.labels) < 2:
            raise click.ClickException(
                f"Several labels per text needs at least two different labels; "
                f"the training data has {self.labels or 'none'}."
            )
        return self

    def encode(self, truth):
        from sklearn.preprocessing import MultiLabelBinarizer

        return MultiLabelBinarizer(classes=self.labels).fit_transform(truth)

    def strata(self, truth):
        return None

    def report(self, truth, pipeline, texts, folder, path=None):
        chosen = (pipeline.predict_proba(texts) >= _THRESHOLD).astype(int)
        return _cli_reports.multilabel(truth, chosen, self.labels, folder)

    def predictions(self, pipeline, texts):
        import pandas as pd

        proba = pipeline.predict_proba(texts)
        joined = [
            (self.separator or ";").join(
                label
                for label, p in zip(self.labels, row, strict=True)
                if p >= _THRESHOLD
            )
            for row in proba
        ]
        table = pd.DataFrame(proba, columns=[f"proba_{label}" for label in self.labels])
        table.insert(0, "labels", joined)
        return table

    def record(self):
        return {
            "task": self.name,
            "columns": self.columns,
            "labels": list(self.labels),
            "label_separator": self.separator,
        }


class RegressionTask:
    """Numbers per text, one target per column; ``names`` as the model has them."""

    name = "regression"
    estimator = "LSTMTextRegressor"
    report_files = ()

    def __init__(self, columns, separator=None, names=None):
        if separator is not None:
            raise click.ClickException(
                _SEPARATOR_MISUSE.format(what="a regression reads numbers")
            )
        self.columns = list(columns)
        self.names = list(names or columns)
        if len(self.columns) != len(self.names):
            raise click.ClickException(
                f"The model predicts {len(self.names)} targets "
                f"({', '.join(self.names)}); give one --label-column for each, "
                "in that order."
            )

    @classmethod
    def from_record(cls, record):
        return cls(record["columns"])

    def override(self, columns=(), separator=None):
        return RegressionTask(columns or self.columns, separator, self.names)

    def read(self, frame, path):
        import numpy as np

        return np.column_stack([self._numbers(frame, c, path) for c in self.columns])

    @staticmethod
    def _numbers(frame, name, path):
        values = column(frame, name, path, "--label-column")
        parsed = [_number(value) for value in values]
        if None in parsed:
            row = parsed.index(None)
            raise click.ClickException(
                f"{path}: column {name!r} holds {values[row]!r} at row {row + 1}, "
                "not a number. Regression needs a finite number in every row "
                "of each --label-column."
            )
        return parsed

    def fit(self, truth):
        return self

    def encode(self, truth):
        return truth[:, 0] if truth.shape[1] == 1 else truth

    def strata(self, truth):
        return None

    def _predict(self, pipeline, texts):
        return pipeline.predict(texts).reshape(len(texts), -1)

    def report(self, truth, pipeline, texts, folder, path=None):
        predicted = self._predict(pipeline, texts)
        return _cli_reports.regression(truth, predicted, self.names)

    def predictions(self, pipeline, texts):
        import pandas as pd

        one = len(self.names) == 1
        names = ["prediction"] if one else [f"pred_{n}" for n in self.names]
        return pd.DataFrame(self._predict(pipeline, texts), columns=names)

    def record(self):
        return {"task": self.name, "columns": self.names}


_TASK_CLASSES = {
    "classification": ClassificationTask,
    "multilabel": MultiLabelTask,
    "regression": RegressionTask,
}


def _detect(columns, separator, frame, path):
    """``--task auto``: the task the options and the label column make unambiguous."""
    if separator is not None:
        return "multilabel"
    if len(columns) > 1:
        return "regression"
    values = column(frame, columns[0], path, "--label-column", empty_ok=True)
    if any(_is_list(value) for value in values):
        return "multilabel"
    # Numbers, not strings of digits: a CSV column the reader parsed as numbers.
    numeric = all(
        isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values
    )
    if numeric and any(_number(v) is not None and v != int(v) for v in values):
        return "regression"
    return "classification"


def choose_task(task, columns, separator, frame, path):
    """The task object of ``sklstm train``'s options and, for ``auto``, its data."""
    if separator == "":
        raise click.ClickException(
            "--label-separator is empty; give the text between labels, e.g. ';'."
        )
    if task == "auto":
        task = _detect(columns, separator, frame, path)
    return _TASK_CLASSES[task](list(columns), separator)


def model_file(task, pipeline):
    """What ``sklstm train`` writes: the pipeline, with the task's record if any."""
    record = task.record()
    return pipeline if record is None else {"pipeline": pipeline, **record}


# Written by 'sklstm export' beside the exported folder's own files: the task
# record of the model file (columns, labels, separator), which the export of a
# bare pipeline does not know.
EXPORTED_TASK_FILE = "cli_task.json"


def write_exported_task(task, folder):
    """Keep the model file's task record in the folder 'sklstm export' wrote."""
    record = task.record()
    if record is not None:
        (Path(folder) / EXPORTED_TASK_FILE).write_text(json.dumps(record))


def _load_exported(folder):
    """An exported folder as the model: its predictor and task, without Keras."""
    from sklstm.serving import load

    try:
        predictor = load(folder)
    except (ValueError, OSError) as exc:
        raise click.ClickException(" ".join(str(exc).split())) from None
    record_file = Path(folder) / EXPORTED_TASK_FILE
    if record_file.is_file():
        record = json.loads(record_file.read_text())
        return predictor, _TASK_CLASSES[record["task"]].from_record(record)
    if predictor.task == "single_label":
        return predictor, ClassificationTask(["label"])
    raise click.ClickException(
        f"{folder} is an export of a {predictor.task.replace('_', '-')} pipeline "
        "without the columns it was trained on; export the model file of "
        "'sklstm train' with 'sklstm export' instead."
    )


def needs_keras(path):
    """Whether loading the model at ``path`` needs Keras (a file) or not (a folder)."""
    return not Path(path).is_dir()


def load_model(path):
    """The model (a pipeline, or an exported folder's predictor) and its task."""
    if not needs_keras(path):
        return _load_exported(path)
    from sklstm._persistence import load_model_file

    model = load_model_file(path)
    if not isinstance(model, dict):
        if not hasattr(model, "predict_proba"):
            raise click.ClickException(
                f"{path} holds a {type(model).__name__}, not a model with "
                "predict_proba."
            )
        return model, ClassificationTask(["label"])
    try:
        task = _TASK_CLASSES[model["task"]].from_record(model)
        return model["pipeline"], task
    except (KeyError, TypeError, AttributeError):
        raise click.ClickException(
            f"{path} holds a dict that is not a model record of 'sklstm train' "
            "(pipeline, task, columns)."
        ) from None
