"""The grid of ``sklstm search``: read, checked before any fit, run on Dask."""

from contextlib import contextmanager

import click

from sklstm._cli_params import pipeline_parameter, read_json_option


@contextmanager
def search_backend(scheduler):
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


def read_grid(grid_file, estimator):
    """The grid of --grid, names as pipeline parameters, its shape checked."""
    grid = read_json_option(grid_file, "--grid")
    grids = [grid] if isinstance(grid, dict) else grid
    shape = (
        isinstance(grids, list)
        and grids
        and all(isinstance(g, dict) and g for g in grids)
        and all(isinstance(v, list) and v for g in grids for v in g.values())
    )
    if not shape:
        raise click.BadParameter(
            f"{grid_file} must hold a JSON object of parameter names and "
            'non-empty lists of values, e.g. {"lstm_units": [32, 64]}, or a '
            "list of such objects.",
            param_hint="--grid",
        )
    try:
        return [
            {pipeline_parameter(k, estimator): v for k, v in g.items()} for g in grids
        ]
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--grid") from None


def check_candidates(pipeline, grids):
    """Validate every candidate's parameters now, rather than in the failed fits."""
    from sklearn.base import clone
    from sklearn.model_selection import ParameterGrid

    for candidate in ParameterGrid(grids):
        trial = clone(pipeline).set_params(**candidate)
        try:
            for _, step in trial.steps:
                step._validate_params()
        except (ValueError, TypeError) as exc:
            shown = ", ".join(
                f"{k.split('__', 1)[1]}={v!r}" for k, v in candidate.items()
            )
            raise click.BadParameter(
                f"the candidate {shown} is invalid: {' '.join(str(exc).split())}",
                param_hint="--grid",
            ) from None
