"""Hyper-parameter search results: mean CV score against one parameter."""

import numbers

import numpy as np
from sklearn.utils.validation import check_is_fitted

from sklstm.plotting._axes import new_axes


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
        # Learning rates such as 1e-3, 3e-3, 1e-2 crowd one end of a linear axis.
        if low > 0 and high / low >= 10:
            ax.set_xscale("log")
        # A tick at each value tried, as written, and no others to collide with.
        ticks = sorted(set(map(float, values)))
        ax.set_xticks(ticks, [f"{tick:g}" for tick in ticks])
        ax.minorticks_off()
        return {repr(value): float(value) for value in values}
    categories = {repr(value): str(value) for value in values}
    ax.set_xticks(range(len(categories)), list(categories.values()))
    return {key: float(position) for position, key in enumerate(categories)}


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
        axis, logarithmic when they span a factor of 10 or more,
        with a tick at each value tried; other values
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
    ax = new_axes((6, 4)) if ax is None else ax
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
