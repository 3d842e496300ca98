"""Figures for training curves, hyper-parameter searches and evaluation.

Every function draws on the Axes passed as ``ax=`` or, when ``ax`` is None, on a
new :class:`matplotlib.figure.Figure` made without :mod:`matplotlib.pyplot`.
Such figures are not registered with pyplot, so they never pile up in
``plt.get_fignums()``, are not shown by ``plt.show()`` and need no
``plt.close()``; save one with ``ax.figure.savefig(path)`` or display
``ax.figure`` in a notebook. Nothing here changes matplotlib's global state:
no backend is chosen, no style is applied and ``rcParams`` are left alone.

One private module per kind of figure: training curves (``_history``),
hyper-parameter search results (``_search``) and the evaluation of predictions
(``_evaluation``).
"""

from sklstm.plotting._evaluation import (
    plot_classification_report,
    plot_confusion_matrix,
)
from sklstm.plotting._history import plot_history
from sklstm.plotting._search import plot_search_results

__all__ = [
    "plot_classification_report",
    "plot_confusion_matrix",
    "plot_history",
    "plot_search_results",
]
