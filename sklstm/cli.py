"""The ``sklstm`` command line: train, evaluate, predict and search from a shell.

The verbs are thin: they read a table, call the public API and print. Models
are skops files (see :mod:`sklstm._persistence`), so a model file received from
elsewhere can be opened without running code from it. Any estimator parameter
is an option (``--lstm-units 64``); bad input ends with one line on stderr and
exit status 1.
"""

import os

# Before anything imports TensorFlow: its C++ start-up lines would otherwise
# fill the terminal. Plots are written to files, never shown.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import ast  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402

import click  # noqa: E402

from sklstm import __version__  # noqa: E402

_FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
}
_COMPRESSIONS = {".gz", ".bz2", ".xz", ".zip", ".zst"}
_STEPS = ("lstmtextclassifier", "kerastokenizertransformer")


# ----------------------------------------------------------------- reading data


def _table_format(path):
    """The format named by the file's extension, compression suffixes aside."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    while suffixes and suffixes[-1] in _COMPRESSIONS:
        suffixes.pop()
    if not suffixes or suffixes[-1] not in _FORMATS:
        raise click.ClickException(
            f"{path}: unknown data format. Use a .csv, .tsv, .jsonl or "
            ".parquet file (optionally compressed, e.g. .csv.gz)."
        )
    return _FORMATS[suffixes[-1]]


def _read_table(path, encoding):
    """The file as a DataFrame; texts such as "NA" stay text."""
    import pandas as pd

    kind = _table_format(path)
    try:
        if kind == "parquet":
            frame = pd.read_parquet(path)
        elif kind == "jsonl":
            frame = pd.read_json(path, lines=True, encoding=encoding, dtype=False)
        else:
            sep = "\t" if kind == "tsv" else ","
            frame = pd.read_csv(path, sep=sep, encoding=encoding, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise click.ClickException(f"{path} is empty.") from None
    except UnicodeDecodeError as exc:
        raise click.ClickException(
            f"{path} is not valid {encoding} ({exc.reason} at byte {exc.start}). "
            "Re-save it as UTF-8, or name its encoding with --encoding."
        ) from None
    except ValueError as exc:
        # pandas' ParserError, malformed JSON, pyarrow's ArrowInvalid.
        reason = " ".join(str(exc).split())
        raise click.ClickException(f"{path} is not valid {kind}: {reason}") from None
    if frame.empty:
        raise click.ClickException(f"{path} has no rows.")
    return frame


def _column(frame, name, path, option):
    """One column as a list, every row filled."""
    if name not in frame.columns:
        existing = ", ".join(map(str, frame.columns))
        raise click.ClickException(
            f"{path} has no column {name!r}; its columns are: {existing}. "
            f"Name the right one with {option}."
        )
    values = frame[name].tolist()
    for row, value in enumerate(values, start=1):
        if value is None or value == "" or value != value:
            raise click.ClickException(
                f"{path}: column {name!r} is empty at row {row} (counting "
                "rows after the header from 1). Fill or remove that row."
            )
    return values


def _labelled_data(path, text_column, label_column, encoding):
    import numpy as np

    frame = _read_table(path, encoding)
    texts = _column(frame, text_column, path, "--text-column")
    labels = _column(frame, label_column, path, "--label-column")
    return [str(text) for text in texts], np.asarray(labels)


def _texts(path, text_column, encoding):
    """Texts of a table, or one text per line of stdin when ``path`` is '-'."""
    if path != "-":
        texts = _column(_read_table(path, encoding), text_column, path, "--text-column")
        return [str(text) for text in texts]
    try:
        texts = sys.stdin.buffer.read().decode(encoding).splitlines()
    except UnicodeDecodeError as exc:
        raise click.ClickException(
            f"stdin is not valid {encoding} ({exc.reason} at byte {exc.start}). "
            "Name its encoding with --encoding."
        ) from None
    if not texts:
        raise click.ClickException("stdin is empty: give one text per line.")
    return texts


# ------------------------------------------------------------------ parameters


def _parse_value(text):
    """An option's value: JSON or a Python literal, else the string itself."""
    for parse in (json.loads, ast.literal_eval):
        try:
            return parse(text)
        except (ValueError, SyntaxError):
            continue
    return text


def _extra_options(args):
    """``--name value`` and ``--name=value`` pairs as {"name": value}."""
    params = {}
    args = list(args)
    while args:
        option = args.pop(0)
        if not option.startswith("--") or len(option) == 2:
            raise click.ClickException(f"unexpected argument {option!r}.")
        name, has_value, value = option[2:].partition("=")
        if not has_value:
            if not args or args[0].startswith("--"):
                raise click.ClickException(f"option {option} needs a value.")
            value = args.pop(0)
        params[name.replace("-", "_")] = _parse_value(value)
    return params


def _pipeline_name(pipeline, name):
    """The pipeline parameter that ``name`` means: a step's parameter, prefixed."""
    known = pipeline.get_params()
    if name.split("__")[0] in _STEPS:
        return name
    owners = [step for step in _STEPS if f"{step}__{name}" in known]
    if not owners and "__" in name:
        # Routed classifier parameters (optimizer__beta_1) are open-ended.
        owners = [_STEPS[0]]
    if not owners:
        raise click.ClickException(
            f"unknown parameter --{name.replace('_', '-')}. Parameters are "
            "those of LSTMTextClassifier and KerasTokenizerTransformer, e.g. "
            "--lstm-units 64 or --maxlen 200."
        )
    return f"{owners[0]}__{name}"


def _load_params(params_file, extra_args):
    """Parameters from --params (a JSON object) updated by the extra options."""
    params = {}
    if params_file is not None:
        params = json.loads(Path(params_file).read_text())
        if not isinstance(params, dict):
            raise click.ClickException(
                f"{params_file} must hold a JSON object of parameter names and values."
            )
    params.update(_extra_options(extra_args))
    return params


def _load_vectors(path):
    try:
        from sklstm.vectors import WordVectors
    except ImportError:
        raise click.ClickException(
            "--vectors needs sklstm.vectors.WordVectors, which this version "
            "of sklstm does not have."
        ) from None
    return WordVectors.load(path)


def _make_pipeline(params, random_state, vectors_path):
    from sklearn.pipeline import make_pipeline

    from sklstm import KerasTokenizerTransformer, LSTMTextClassifier

    pipeline = make_pipeline(
        KerasTokenizerTransformer(),
        # The Keras progress bar shows each epoch, unless --verbose 0.
        LSTMTextClassifier(random_state=random_state, verbose=1),
    )
    if vectors_path is not None:
        vectors = _load_vectors(vectors_path)
        params = {"vocabulary": vectors, "embeddings": vectors, **params}
    pipeline.set_params(**{_pipeline_name(pipeline, k): v for k, v in params.items()})
    return pipeline


# --------------------------------------------------------------------- reports


def _save_figure(result, path):
    from matplotlib.figure import Figure

    figure = result if isinstance(result, Figure) else result.figure
    figure.savefig(path, bbox_inches="tight")
    figure.clear()


def _report(y_true, y_pred, proba, classes, folder):
    """Print the classification report; write metrics.json and the figures."""
    from sklearn import metrics
    from sklearn.exceptions import UndefinedMetricWarning

    from sklstm import plot_classification_report, plot_confusion_matrix

    click.echo(metrics.classification_report(y_true, y_pred, zero_division=0))
    scores = {
        "n_samples": len(y_true),
        "accuracy": metrics.accuracy_score(y_true, y_pred),
        "macro_f1": metrics.f1_score(y_true, y_pred, average="macro", zero_division=0),
        "report": metrics.classification_report(
            y_true, y_pred, output_dict=True, zero_division=0
        ),
    }
    if set(y_true) <= set(classes):
        scores["log_loss"] = metrics.log_loss(y_true, proba, labels=classes)
    _save_figure(plot_confusion_matrix(y_true, y_pred), folder / "confusion_matrix.png")
    with warnings.catch_warnings():
        # A class never predicted has no precision; the report shows it as 0.
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        _save_figure(
            plot_classification_report(y_true, y_pred),
            folder / "classification_report.png",
        )
    return scores


def _write_json(data, path):
    path.write_text(json.dumps(data, indent=2, default=_json_default) + "\n")
    click.echo(f"Wrote {path}")


def _json_default(value):
    # NumPy scalars and labels from the report.
    return value.item() if hasattr(value, "item") else str(value)


def _load_model(path):
    from sklstm._persistence import load_model_file

    model = load_model_file(path)
    if not hasattr(model, "predict_proba"):
        raise click.ClickException(
            f"{path} holds a {type(model).__name__}, not a model with predict_proba."
        )
    return model


@contextmanager
def _one_line_errors():
    """Errors of the library's input checks end the command with their message."""
    try:
        yield
    except (ValueError, TypeError, OSError) as exc:
        raise click.ClickException(" ".join(str(exc).split())) from None


# ------------------------------------------------------------------------ verbs

_EXTRA = {"ignore_unknown_options": True, "allow_extra_args": True}


def _data_options(function):
    options = [
        click.option("--text-column", default="text", show_default=True),
        click.option("--label-column", default="label", show_default=True),
        click.option("--encoding", default="utf-8", show_default=True),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@contextmanager
def _stderr_silenced():
    """Send what is written to file descriptor 2 to the null device meanwhile."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "wb") as null:
        os.dup2(null.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _import_keras_quietly():
    """Import Keras (and TensorFlow) without TensorFlow's C++ start-up lines.

    TF_CPP_MIN_LOG_LEVEL silences TensorFlow's later log lines, but not those
    that absl prints while TensorFlow loads, before its logging is set up.
    """
    if "keras" in sys.modules:
        return
    with _stderr_silenced():
        import keras  # noqa: F401


@click.group()
@click.version_option(__version__, prog_name="sklstm")
def main():
    """Train, evaluate and apply sklstm's LSTM text classifier."""
    _import_keras_quietly()


@main.command(context_settings=_EXTRA)
@click.argument("data", type=click.Path(exists=True, dir_okay=False))
@_data_options
@click.option("-o", "--output", default="model.skops", show_default=True)
@click.option("--test", "test_data", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--test-size",
    default=0.2,
    show_default=True,
    type=click.FloatRange(0, 1, max_open=True),
)
@click.option("--params", "params_file", type=click.Path(exists=True))
@click.option("--random-state", type=int)
@click.option("--vectors", type=click.Path(exists=True))
@click.pass_context
def train(
    ctx, data, text_column, label_column, encoding, output, test_data, test_size,
    params_file, random_state, vectors,
):  # fmt: skip
    """Fit a tokenizer + classifier pipeline on DATA and write it as a skops file.

    Any estimator parameter is an option: --lstm-units 64, --epochs 5,
    --maxlen 200. Held-out data (--test, or --test-size of DATA) gets a
    classification report; metrics.json and the figures go next to the model.
    """
    import skops.io
    from sklearn.model_selection import train_test_split

    from sklstm import plot_history

    texts, labels = _labelled_data(data, text_column, label_column, encoding)
    with _one_line_errors():
        pipeline = _make_pipeline(
            _load_params(params_file, ctx.args), random_state, vectors
        )
        held_out = None
        if test_data is not None:
            held_out = _labelled_data(test_data, text_column, label_column, encoding)
        elif test_size > 0:
            texts, test_texts, labels, test_labels = train_test_split(
                texts, labels, test_size=test_size, random_state=random_state,
                stratify=labels,
            )  # fmt: skip
            held_out = test_texts, test_labels
        click.echo(f"Training on {len(texts)} texts from {data}")
        pipeline.fit(texts, labels)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    skops.io.dump(pipeline, output)
    click.echo(f"Wrote {output}")
    folder = output.parent
    classifier = pipeline[-1]
    _save_figure(plot_history(classifier), folder / "history.png")
    scores = {"history": classifier.history_, "best_epoch": classifier.best_epoch_}
    if held_out is not None:
        proba = pipeline.predict_proba(held_out[0])
        predicted = classifier.classes_[proba.argmax(axis=1)]
        scores["test"] = _report(
            held_out[1], predicted, proba, classifier.classes_, folder
        )
    _write_json(scores, folder / "metrics.json")


@main.command()
@click.argument("model", type=click.Path(exists=True, dir_okay=False))
@click.argument("data", type=click.Path(exists=True, dir_okay=False))
@_data_options
@click.option("--output-dir", default=".", show_default=True, type=click.Path())
def evaluate(model, data, text_column, label_column, encoding, output_dir):
    """Report how MODEL does on the labelled texts of DATA.

    Prints the classification report and writes metrics.json and the
    confusion matrix and per-class figures to --output-dir.
    """
    with _one_line_errors():
        pipeline = _load_model(model)
    texts, labels = _labelled_data(data, text_column, label_column, encoding)
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with _one_line_errors():
        proba = pipeline.predict_proba(texts)
    classes = pipeline.classes_
    scores = _report(labels, classes[proba.argmax(axis=1)], proba, classes, folder)
    _write_json(scores, folder / "metrics.json")


@main.command()
@click.argument("model", type=click.Path(exists=True, dir_okay=False))
@click.argument("data", type=click.Path(allow_dash=True, dir_okay=False))
@click.option("--text-column", default="text", show_default=True)
@click.option("--encoding", default="utf-8", show_default=True)
@click.option("-o", "--output", default="-", show_default=True, type=click.Path())
def predict(model, data, text_column, encoding, output):
    """Label the texts of DATA ('-': one text per line of stdin) with MODEL.

    Writes a CSV with the predicted label and one probability column per
    class (proba_<class>), to --output or stdout.
    """
    import pandas as pd

    if data != "-" and not Path(data).is_file():
        raise click.ClickException(f"{data} does not exist.")
    with _one_line_errors():
        pipeline = _load_model(model)
    texts = _texts(data, text_column, encoding)
    with _one_line_errors():
        proba = pipeline.predict_proba(texts)
    classes = pipeline.classes_
    table = pd.DataFrame(proba, columns=[f"proba_{c}" for c in classes])
    table.insert(0, "label", classes[proba.argmax(axis=1)])
    # repr-precision floats: the file holds exactly predict_proba's numbers.
    table.to_csv(sys.stdout if output == "-" else output, index=False)


@contextmanager
def _search_backend(scheduler):
    """Run joblib's work on the Dask cluster at ``scheduler``, if one is named."""
    if scheduler is None:
        yield
        return
    import joblib

    try:
        from dask.distributed import Client
    except ImportError:
        raise click.ClickException(
            "--scheduler needs dask.distributed: pip install 'sklstm[dask]'."
        ) from None
    # n_jobs=-1: as many folds at once as the cluster has worker threads.
    with Client(scheduler), joblib.parallel_config(backend="dask", n_jobs=-1):
        yield


@main.command(context_settings=_EXTRA)
@click.argument("data", type=click.Path(exists=True, dir_okay=False))
@_data_options
@click.option("--grid", "grid_file", required=True, type=click.Path(exists=True))
@click.option("--cv", default=5, show_default=True, type=int)
@click.option("--n-jobs", type=int)
@click.option("--scheduler", help="Address of a dask.distributed scheduler.")
@click.option("--scoring", default=None)
@click.option("-o", "--output", default="search.skops", show_default=True)
@click.option("--params", "params_file", type=click.Path(exists=True))
@click.option("--random-state", type=int)
@click.pass_context
def search(
    ctx, data, text_column, label_column, encoding, grid_file, cv, n_jobs,
    scheduler, scoring, output, params_file, random_state,
):  # fmt: skip
    """Grid-search parameters on DATA with cross-validation.

    --grid is a JSON object (or list of objects) of parameter names and value
    lists, e.g. {"lstm_units": [32, 64]}. The best pipeline, refit on all of
    DATA, is written to --output and the table of results to cv_results.csv
    beside it.
    """
    import pandas as pd
    import skops.io
    from sklearn.model_selection import GridSearchCV

    texts, labels = _labelled_data(data, text_column, label_column, encoding)
    with _one_line_errors():
        pipeline = _make_pipeline(
            _load_params(params_file, ctx.args), random_state, None
        )
        pipeline.set_params(lstmtextclassifier__verbose=0)
        grid = json.loads(Path(grid_file).read_text())
        grids = [grid] if isinstance(grid, dict) else grid
        grids = [{_pipeline_name(pipeline, k): v for k, v in g.items()} for g in grids]
        searcher = GridSearchCV(
            pipeline, grids, cv=cv, n_jobs=n_jobs, scoring=scoring, verbose=1
        )
        with _search_backend(scheduler):
            searcher.fit(texts, labels)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    skops.io.dump(searcher.best_estimator_, output)
    results = pd.DataFrame(searcher.cv_results_).drop(columns="params")
    results.to_csv(output.parent / "cv_results.csv", index=False)
    click.echo(f"Best score {searcher.best_score_:.4f} with {searcher.best_params_}")
    click.echo(f"Wrote {output} and {output.parent / 'cv_results.csv'}")
