"""The pyplot-free Axes that a figure draws on when the caller passes none."""

from matplotlib.figure import Figure


def new_axes(figsize):
    """A single Axes on a new pyplot-free Figure."""
    return Figure(figsize=figsize, layout="constrained").add_subplot()
