"""The ``sklstm`` command line: train, evaluate, predict and search from a shell.

The verbs are thin: they read a table, call the public API and print. Models
are skops files (see :mod:`sklstm._persistence`), so a model file received from
elsewhere can be opened without running code from it. Any estimator parameter
is an option (``--lstm-units 64``); bad input ends with one line on stderr and
exit status 1. Reading tables lives in ``sklstm._cli_io``, the reports in
``sklstm._cli_reports``, and what differs between one label per text, several
and numbers (reading targets, reports, prediction columns, the model file) in
``sklstm._cli_tasks``.
"""

import os

# Before anything imports TensorFlow: its C++ start-up lines would otherwise
# fill the terminal. Plots are written to files, never shown.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import ast  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402

import click  # noqa: E402

from sklstm import __version__  # noqa: E402
from sklstm._cli_io import read_table, read_texts, table_texts  # noqa: E402
from sklstm._cli_reports import save_figure, write_json  # noqa: E402
from sklstm._cli_tasks import (  # noqa: E402
    TASKS,
    ClassificationTask,
    choose_task,
    load_model,
    model_file,
)

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
    # The estimator's step first: it wins where both steps have the name.
    steps = [step for step, _ in reversed(pipeline.steps)]
    if name.split("__")[0] in steps:
        return name
    owners = [step for step in steps if f"{step}__{name}" in known]
    if not owners and "__" in name:
        # Routed estimator parameters (optimizer__beta_1) are open-ended.
        owners = [steps[0]]
    if not owners:
        raise click.ClickException(
            f"unknown parameter --{name.replace('_', '-')}. Parameters are "
            f"those of {type(pipeline[-1]).__name__} and "
            "KerasTokenizerTransformer, e.g. --lstm-units 64 or --maxlen 200."
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


def _make_pipeline(params, random_state, vectors_path, estimator):
    """The tokenizer and ``estimator`` (a class name in sklstm), parameters set."""
    from sklearn.pipeline import make_pipeline

    import sklstm

    pipeline = make_pipeline(
        sklstm.KerasTokenizerTransformer(),
        # The Keras progress bar shows each epoch, unless --verbose 0.
        getattr(sklstm, estimator)(random_state=random_state, verbose=1),
    )
    if vectors_path is not None:
        vectors = _load_vectors(vectors_path)
        params = {"vocabulary": vectors, "embeddings": vectors, **params}
    pipeline.set_params(**{_pipeline_name(pipeline, k): v for k, v in params.items()})
    return pipeline


@contextmanager
def _one_line_errors():
    """Errors of the library's input checks end the command with their message."""
    try:
        yield
    except (ValueError, TypeError, OSError) as exc:
        raise click.ClickException(" ".join(str(exc).split())) from None


# ------------------------------------------------------------------------ verbs

_EXTRA = {"ignore_unknown_options": True, "allow_extra_args": True}


_TEXT_COLUMN = click.option("--text-column", default="text", show_default=True)
_ENCODING = click.option("--encoding", default="utf-8", show_default=True)


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
    """Train, evaluate and apply sklstm's LSTM text models.

    One label per text, several labels per text, or numbers (regression).
    """
    _import_keras_quietly()


@main.command(context_settings=_EXTRA)
@click.argument("data", type=click.Path(exists=True, dir_okay=False))
@_TEXT_COLUMN
@click.option(
    "--label-column",
    "label_columns",
    multiple=True,
    default=("label",),
    show_default=True,
    help="Column of the labels, or of a regression target: repeat the option "
    "for several targets (--label-column valence --label-column arousal).",
)
@click.option(
    "--task",
    type=click.Choice(TASKS),
    default="auto",
    show_default=True,
    help="What the label column holds. auto: multilabel with --label-separator "
    "or a column of lists; regression with several --label-column, or a column "
    "of numbers not all whole (2.5); else classification.",
)
@click.option(
    "--label-separator",
    metavar="SEP",
    help="Text between the labels of a cell, e.g. ';': several labels per "
    "text (an empty cell is a text without labels).",
)
@_ENCODING
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
    ctx, data, text_column, label_columns, task, label_separator, encoding,
    output, test_data, test_size, params_file, random_state, vectors,
):  # fmt: skip
    """Fit a tokenizer + LSTM pipeline on DATA and write it as a skops file.

    One label per text, several (--label-separator) or numbers (--task
    regression). Any estimator parameter is an option: --lstm-units 64,
    --epochs 5, --maxlen 200. Held-out data (--test, or --test-size of DATA)
    gets a report; metrics.json and the figures go next to the model.
    """
    import skops.io
    from sklearn.model_selection import train_test_split

    from sklstm import plot_history

    frame = read_table(data, encoding)
    texts = table_texts(frame, text_column, data)
    target = choose_task(task, label_columns, label_separator, frame, data)
    truth = target.read(frame, data)
    with _one_line_errors():
        pipeline = _make_pipeline(
            _load_params(params_file, ctx.args), random_state, vectors,
            target.estimator,
        )  # fmt: skip
        held_out = None
        if test_data is not None:
            test_frame = read_table(test_data, encoding)
            held_out = (
                table_texts(test_frame, text_column, test_data),
                target.read(test_frame, test_data),
            )
        elif test_size > 0:
            texts, test_texts, truth, test_truth = train_test_split(
                texts, truth, test_size=test_size, random_state=random_state,
                stratify=target.strata(truth),
            )  # fmt: skip
            held_out = test_texts, test_truth
        target.fit(truth)
        click.echo(f"Training on {len(texts)} texts from {data} ({target.name})")
        pipeline.fit(texts, target.encode(truth))
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    skops.io.dump(model_file(target, pipeline), output)
    click.echo(f"Wrote {output}")
    folder = output.parent
    estimator = pipeline[-1]
    save_figure(plot_history(estimator), folder / "history.png")
    scores = {"history": estimator.history_, "best_epoch": estimator.best_epoch_}
    if held_out is not None:
        test_texts, test_truth = held_out
        with _one_line_errors():
            scores["test"] = target.report(test_truth, pipeline, test_texts, folder)
    write_json(scores, folder / "metrics.json")


@main.command()
@click.argument("model", type=click.Path(exists=True, dir_okay=False))
@click.argument("data", type=click.Path(exists=True, dir_okay=False))
@_TEXT_COLUMN
@click.option(
    "--label-column",
    "label_columns",
    multiple=True,
    help="Default: the column(s) the model was trained on where its file "
    "records them (several labels per text, regression), else 'label'.",
)
@click.option(
    "--label-separator",
    metavar="SEP",
    help="Text between the labels of a cell. Default: the model's.",
)
@_ENCODING
@click.option("--output-dir", default=".", show_default=True, type=click.Path())
def evaluate(
    model, data, text_column, label_columns, label_separator, encoding, output_dir
):
    """Report how MODEL does on the labelled texts of DATA.

    Prints the report of the model's task and writes metrics.json to
    --output-dir: per class (with the confusion matrix and per-class
    figures), per label (with the per-label figure), or per regression
    target (R², RMSE, MAE, Pearson's r).
    """
    with _one_line_errors():
        pipeline, target = load_model(model)
    target = target.override(label_columns, label_separator)
    frame = read_table(data, encoding)
    texts = table_texts(frame, text_column, data)
    truth = target.read(frame, data)
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with _one_line_errors():
        scores = target.report(truth, pipeline, texts, folder)
    write_json(scores, folder / "metrics.json")


@main.command()
@click.argument("model", type=click.Path(exists=True, dir_okay=False))
@click.argument("data", type=click.Path(allow_dash=True, dir_okay=False))
@_TEXT_COLUMN
@click.option(
    "--label-separator",
    metavar="SEP",
    help="Joins the predicted labels of a multi-label model. Default: the "
    "model's, else ';'.",
)
@_ENCODING
@click.option("-o", "--output", default="-", show_default=True, type=click.Path())
def predict(model, data, text_column, label_separator, encoding, output):
    """Apply MODEL to the texts of DATA ('-': one text per line of stdin).

    Writes a CSV to --output or stdout: the predicted label and one
    probability column per class (proba_<class>); for several labels per
    text, the predicted labels joined by the separator and proba_<label>
    columns; for regression, prediction (one target) or pred_<target>.
    """
    if data != "-" and not Path(data).is_file():
        raise click.ClickException(f"{data} does not exist.")
    with _one_line_errors():
        pipeline, target = load_model(model)
    target = target.override((), label_separator)
    texts = read_texts(data, text_column, encoding)
    with _one_line_errors():
        table = target.predictions(pipeline, texts)
    # repr-precision floats: the file holds exactly the model's numbers.
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
@_TEXT_COLUMN
@click.option("--label-column", default="label", show_default=True)
@_ENCODING
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

    frame = read_table(data, encoding)
    texts = table_texts(frame, text_column, data)
    labels = ClassificationTask([label_column]).read(frame, data)
    with _one_line_errors():
        pipeline = _make_pipeline(
            _load_params(params_file, ctx.args), random_state, None,
            "LSTMTextClassifier",
        )  # fmt: skip
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


from sklstm._cli_serving import export, serve  # noqa: E402

main.add_command(export)
main.add_command(serve)
