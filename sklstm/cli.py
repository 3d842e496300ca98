"""The ``sklstm`` command line: train, evaluate, predict and search from a shell.

The verbs are thin: they read a table, call the public API and print. Models
are skops files (see :mod:`sklstm._persistence`), so a model file received from
elsewhere can be opened without running code from it. Any estimator parameter
is an option (``--lstm-units 64``). Reading tables lives in ``sklstm._cli_io``,
the parameters known without Keras in ``sklstm._cli_params``, where files are
written in ``sklstm._cli_outputs``, the reports in ``sklstm._cli_reports``,
what differs between one label per text, several and numbers in
``sklstm._cli_tasks``, the process's quiet start of Keras, heartbeats and
one-line warnings in ``sklstm._cli_runtime``, the search grid's checks in
``sklstm._cli_search``, and the ``export`` and ``serve`` verbs in
``sklstm._cli_serving``.

Keras (and its backend) takes seconds to import, so it is imported only once a
verb has checked everything it can without it: ``--help``, the files, the
columns, the options and every output path answer at once.

Exit statuses: 0 done; 1 the data or the model is wrong (one line on stderr
says what); 2 the command line is wrong (an unknown option, a missing file, an
output path that cannot be written or exists without ``--force``); 130
interrupted (Ctrl+C): nothing was replaced, and an interrupted training saves
the model so far beside the requested file, marked as interrupted.
"""

import os

# Before anything imports TensorFlow: its C++ start-up lines would otherwise
# fill the terminal. Plots are written to files, never shown. This process is
# the command's own, so setting them here changes no one else's logging.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")

import sys  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402

import click  # noqa: E402

from sklstm import __version__  # noqa: E402
from sklstm._cli_io import (  # noqa: E402
    check_encoding,
    column,
    read_table,
    read_texts,
    table_texts,
)
from sklstm._cli_outputs import (  # noqa: E402
    check_output,
    check_outputs,
    save_interrupted,
    save_model,
    written,
)
from sklstm._cli_params import (  # noqa: E402
    TOKENIZER,
    make_pipeline_from_options,
    parameter_rows,
    pipeline_params,
    step_name,
)
from sklstm._cli_reports import save_figure, write_json  # noqa: E402
from sklstm._cli_runtime import (  # noqa: E402
    heartbeat,
    import_keras_quietly,
    one_line_warnings,
)
from sklstm._cli_search import check_candidates, read_grid, search_backend  # noqa: E402
from sklstm._cli_tasks import (  # noqa: E402
    TASKS,
    ClassificationTask,
    choose_task,
    load_model,
    model_file,
    needs_keras,
)

INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl+C
_DIGITS = 6  # significant digits of the numbers predict writes

# ---------------------------------------------------------------------- checks


@contextmanager
def _one_line_errors():
    """Errors of the library's input checks end the command with their message."""
    try:
        yield
    except (ValueError, TypeError, OSError) as exc:
        raise click.ClickException(" ".join(str(exc).split())) from None


def _check_columns_differ(text_column, label_columns):
    if text_column in label_columns:
        raise click.UsageError(
            f"--text-column and --label-column both name {text_column!r}: the "
            "model would read its own labels. Name the column of the texts and "
            "that of the labels."
        )


class _Commands(click.Group):
    """The verbs: warnings as one line, Ctrl+C as exit status 130."""

    def invoke(self, ctx):
        with one_line_warnings():
            try:
                return super().invoke(ctx)
            except KeyboardInterrupt:
                click.echo("Interrupted (Ctrl+C): no file was replaced.", err=True)
                ctx.exit(INTERRUPTED)


class _ParameterHelp(click.Command):
    """A verb whose ``--help`` ends with the estimator parameters it takes.

    ``estimators`` are the classes whose parameters are listed, the tokenizer's
    after them; they are read from the source, so ``--help`` needs no Keras.
    """

    def __init__(self, *args, estimators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.estimators = estimators

    def format_epilog(self, ctx, formatter):
        for estimator in (*self.estimators, TOKENIZER):
            title = f"Parameters of {estimator} (option and default)"
            with formatter.section(title):
                formatter.write_dl(parameter_rows(estimator))
        super().format_epilog(ctx, formatter)


# ------------------------------------------------------------------------ verbs

_EXTRA = {"ignore_unknown_options": True, "allow_extra_args": True}


_TEXT_COLUMN = click.option("--text-column", default="text", show_default=True)
_ENCODING = click.option(
    "--encoding", default="utf-8", show_default=True, callback=check_encoding
)
_FORCE = click.option(
    "--force", is_flag=True, help="Replace files that exist; else the command stops."
)


@click.group(cls=_Commands)
@click.version_option(__version__, prog_name="sklstm")
def main():
    """Train, evaluate and apply sklstm's LSTM text models.

    One label per text, several labels per text, or numbers (regression).

    Exit status: 0 done, 1 bad data or model, 2 bad command line (unknown
    option, missing file, output that exists without --force), 130
    interrupted by Ctrl+C.
    """


def _train_outputs(output, target, reported):
    """Every file ``sklstm train`` writes: the model, then its folder's reports."""
    folder = output.parent
    reports = target.report_files if reported else ()
    return [
        output,
        *(folder / name for name in ("history.png", "metrics.json", *reports)),
    ]


@main.command(
    cls=_ParameterHelp,
    estimators=("LSTMTextClassifier",),
    context_settings=_EXTRA,
)
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
@click.option(
    "-o",
    "--output",
    default="model.skops",
    show_default=True,
    type=click.Path(),
    help="The model file; metrics.json and the figures go to its folder.",
)
@_FORCE
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
@click.option(
    "--keep-optimizer",
    is_flag=True,
    help="Keep the optimizer's state (Adam's moments) in the model file, a "
    "larger file, for training it on with warm_start or partial_fit.",
)
@click.pass_context
def train(
    ctx, data, text_column, label_columns, task, label_separator, encoding,
    output, force, test_data, test_size, params_file, random_state, vectors,
    keep_optimizer,
):  # fmt: skip
    """Fit a tokenizer + LSTM pipeline on DATA and write it as a skops file.

    One label per text, several (--label-separator) or numbers (--task
    regression; LSTMTextRegressor takes the parameters below except
    class_weight). Any parameter is an option: --lstm-units 64, --epochs 5,
    --maxlen 200, --verbose 0 for no progress lines. Held-out data (--test, or
    --test-size of DATA) gets a report; metrics.json and the figures go next
    to the model. best_epoch in metrics.json counts from 1.
    """
    output = Path(output)
    _check_columns_differ(text_column, label_columns)
    check_output(output, force)
    click.echo(f"Reading {data} ...")
    with heartbeat(f"Still reading {data}"):
        frame = read_table(data, encoding)
    texts = table_texts(frame, text_column, data)
    target = choose_task(task, label_columns, label_separator, frame, data)
    truth = target.read(frame, data)
    params = pipeline_params(params_file, ctx.args, target.estimator)
    check_outputs(_train_outputs(output, target, test_data or test_size), force)
    held_out = None
    if test_data is not None:
        test_frame = read_table(test_data, encoding)
        held_out = (
            table_texts(test_frame, text_column, test_data),
            target.read(test_frame, test_data),
        )
    elif test_size > 0:
        from sklearn.model_selection import train_test_split

        with _one_line_errors():
            texts, test_texts, truth, test_truth = train_test_split(
                texts, truth, test_size=test_size, random_state=random_state,
                stratify=target.strata(truth),
            )  # fmt: skip
        held_out = test_texts, test_truth
    target.fit(truth)
    click.echo(f"Training on {len(texts)} texts from {data} ({target.name})")
    import_keras_quietly()
    with _one_line_errors():
        pipeline = make_pipeline_from_options(
            params, random_state, vectors, target.estimator
        )
        click.echo("Tokenizing the texts ...")
        # The steps one by one, as Pipeline.fit runs them, to say so between.
        with heartbeat("Still tokenizing"):
            ids = pipeline[:-1].fit_transform(texts)
        pipeline[-1].fit(ids, target.encode(truth))
    if pipeline[-1].interrupted_:
        save_interrupted(output, target, pipeline, keep_optimizer)
        ctx.exit(INTERRUPTED)
    save_model(model_file(target, pipeline), output, keep_optimizer)
    _write_reports(output.parent, target, pipeline, held_out)


def _write_reports(folder, target, pipeline, held_out):
    """The history figure, and metrics.json with the held-out report."""
    from sklstm import plot_history

    estimator = pipeline[-1]
    save_figure(plot_history(estimator), folder / "history.png")
    best = estimator.best_epoch_
    scores = {
        "history": estimator.history_,
        "ngram_history": estimator.ngram_history_,
        # Counting from 1, as the progress lines and the history figure do.
        "best_epoch": None if best is None else best + 1,
    }
    if held_out is not None:
        test_texts, test_truth = held_out
        click.echo(f"Evaluating on {len(test_texts)} held-out texts ...")
        with _one_line_errors(), heartbeat("Still evaluating"):
            scores["test"] = target.report(
                test_truth, pipeline, test_texts, folder, "--test data"
            )
    write_json(scores, folder / "metrics.json")


@main.command()
@click.argument("model", type=click.Path(exists=True))
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
@click.option(
    "--output-dir",
    default="evaluation",
    show_default=True,
    type=click.Path(),
    help="Folder of metrics.json and the figures; never the files of "
    "'sklstm train' unless --force.",
)
@_FORCE
def evaluate(
    model, data, text_column, label_columns, label_separator, encoding, output_dir,
    force,
):  # fmt: skip
    """Report how MODEL does on the labelled texts of DATA.

    MODEL is a model file of 'sklstm train' or a folder of 'sklstm export';
    a folder needs neither Keras nor TensorFlow.

    Prints the report of the model's task and writes metrics.json to
    --output-dir: per class (with the confusion matrix and per-class
    figures), per label (with the per-label figure), or per regression
    target (R², RMSE, MAE, Pearson's r).
    """
    _check_columns_differ(text_column, label_columns)
    folder = Path(output_dir)
    check_output(folder / "metrics.json", force, "--output-dir")
    if needs_keras(model):
        import_keras_quietly()
    with _one_line_errors():
        pipeline, target = load_model(model)
    target = target.override(label_columns, label_separator)
    _check_columns_differ(text_column, target.columns)
    check_outputs([folder / f for f in target.report_files], force, "--output-dir")
    frame = read_table(data, encoding)
    texts = table_texts(frame, text_column, data)
    truth = target.read(frame, data)
    with _one_line_errors():
        scores = target.report(truth, pipeline, texts, folder, data)
    write_json(scores, folder / "metrics.json")


@main.command()
@click.argument("model", type=click.Path(exists=True))
@click.argument("data", type=click.Path(allow_dash=True, dir_okay=False))
@_TEXT_COLUMN
@click.option(
    "--id-column",
    "id_columns",
    multiple=True,
    help="A column of DATA to copy into the predictions, first; repeat for several.",
)
@click.option(
    "--label-separator",
    metavar="SEP",
    help="Joins the predicted labels of a multi-label model. Default: the "
    "model's, else ';'.",
)
@_ENCODING
@click.option("-o", "--output", default="-", show_default=True, type=click.Path())
@_FORCE
def predict(
    model, data, text_column, id_columns, label_separator, encoding, output, force
):
    """Apply MODEL to the texts of DATA ('-': one text per line of stdin).

    MODEL is a model file of 'sklstm train' or a folder of 'sklstm export';
    a folder needs neither Keras nor TensorFlow.

    Writes a CSV to --output or stdout: the --id-column columns, the predicted
    label and one probability column per class (proba_<class>); for several
    labels per text, the predicted labels joined by the separator and
    proba_<label> columns; for regression, prediction (one target) or
    pred_<target>. Numbers have 6 significant digits.
    """
    if data != "-" and not Path(data).is_file():
        raise click.BadParameter(f"{data} does not exist.", param_hint="DATA")
    if data == "-" and id_columns:
        raise click.UsageError("--id-column needs a table; stdin holds texts only.")
    if output != "-":
        check_output(output, force)
    if data == "-":
        texts, ids = read_texts(data, text_column, encoding), {}
    else:
        frame = read_table(data, encoding)
        texts = table_texts(frame, text_column, data)
        ids = {
            c: column(frame, c, data, "--id-column", empty_ok=True) for c in id_columns
        }
    if needs_keras(model):
        import_keras_quietly()
    with _one_line_errors():
        pipeline, target = load_model(model)
    target = target.override((), label_separator)
    with _one_line_errors():
        table = target.predictions(pipeline, texts)
    for position, (name, values) in enumerate(ids.items()):
        table.insert(position, name, values, allow_duplicates=True)
    csv = {"index": False, "float_format": f"%.{_DIGITS}g"}
    if output == "-":
        table.to_csv(sys.stdout, **csv)
        return
    with written(output) as temporary:
        table.to_csv(temporary, **csv)


@main.command(
    cls=_ParameterHelp,
    estimators=("LSTMTextClassifier",),
    context_settings=_EXTRA,
)
@click.argument("data", type=click.Path(exists=True, dir_okay=False))
@_TEXT_COLUMN
@click.option("--label-column", default="label", show_default=True)
@_ENCODING
@click.option("--grid", "grid_file", required=True, type=click.Path(exists=True))
@click.option("--cv", default=5, show_default=True, type=click.IntRange(2))
@click.option("--n-jobs", type=int)
@click.option("--scheduler", help="Address of a dask.distributed scheduler.")
@click.option("--scoring", default=None)
@click.option("-o", "--output", default="search.skops", show_default=True)
@_FORCE
@click.option("--params", "params_file", type=click.Path(exists=True))
@click.option("--random-state", type=int)
@click.pass_context
def search(
    ctx, data, text_column, label_column, encoding, grid_file, cv, n_jobs,
    scheduler, scoring, output, force, params_file, random_state,
):  # fmt: skip
    """Grid-search parameters on DATA with cross-validation.

    --grid is a JSON object (or list of objects) of parameter names and value
    lists, e.g. {"lstm_units": [32, 64]}; every candidate is checked before
    the first fit. The best pipeline, refit on all of DATA, is written to
    --output and the table of results to cv_results.csv beside it.
    """
    estimator = "LSTMTextClassifier"
    output = Path(output)
    _check_columns_differ(text_column, [label_column])
    check_outputs([output, output.parent / "cv_results.csv"], force)
    params = pipeline_params(params_file, ctx.args, estimator)
    grids = read_grid(grid_file, estimator)
    frame = read_table(data, encoding)
    texts = table_texts(frame, text_column, data)
    labels = ClassificationTask([label_column]).read(frame, data)
    import_keras_quietly()
    from sklearn.model_selection import GridSearchCV

    with _one_line_errors():
        pipeline = make_pipeline_from_options(params, random_state, None, estimator)
        pipeline.set_params(**{f"{step_name(estimator)}__verbose": 0})
        check_candidates(pipeline, grids)
        searcher = GridSearchCV(
            pipeline, grids, cv=cv, n_jobs=n_jobs, scoring=scoring, verbose=1
        )
        with search_backend(scheduler):
            searcher.fit(texts, labels)
    _write_search(output, searcher)


def _write_search(output, searcher):
    import pandas as pd

    save_model(searcher.best_estimator_, output)
    results = pd.DataFrame(searcher.cv_results_).drop(columns="params")
    with written(output.parent / "cv_results.csv") as temporary:
        results.to_csv(temporary, index=False)
    click.echo(f"Best score {searcher.best_score_:.4f} with {searcher.best_params_}")


from sklstm._cli_serving import export, serve  # noqa: E402

main.add_command(export)
main.add_command(serve)
