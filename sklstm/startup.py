"""Start Keras and its backend without their C++ start-up lines.

TensorFlow writes a few lines to the process's stderr while it loads ("Could
not find cuda drivers", "failed call to cuInit", a CPU-instructions notice).
They are not Python warnings or logging records, so neither :mod:`warnings`
nor :mod:`logging` filters reach them, and ``TF_CPP_MIN_LOG_LEVEL`` stops only
those written after TensorFlow's logging has started.

Silencing them changes the whole process (its environment and, for a few
seconds, its stderr file descriptor), which belongs to the application. So
the library never does it by itself: a script, a notebook or a service calls
:func:`start_keras_quietly` once at its top, as ``sklstm``'s command line and
the gallery's examples do.
"""

import importlib
import os
import sys
from contextlib import contextmanager

__all__ = ["start_keras_quietly"]


@contextmanager
def stderr_silenced():
    """Send what is written to file descriptor 2 to the null device meanwhile.

    Works below Python, so that C++ libraries' lines are caught too. Yields a
    text stream to the real stderr, for the caller's own lines meanwhile.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "wb") as null:
        os.dup2(null.fileno(), 2)
    try:
        with os.fdopen(os.dup(saved), "w") as real_stderr:
            yield real_stderr
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def start_keras_quietly(log_level=3):
    """Import Keras and its backend without the backend's start-up lines.

    Sets ``TF_CPP_MIN_LOG_LEVEL`` to ``log_level`` unless the environment
    already sets it (also for processes started from this one), then imports
    Keras with the process's stderr sent to the null device. Call it once, at
    the top of a script, before anything imports Keras: if Keras is already
    imported, the lines have been written and this returns at once.

    sklstm itself never calls it; see :mod:`sklstm.startup` for why.

    Parameters
    ----------
    log_level : {0, 1, 2, 3}, default=3
        TensorFlow's C++ log threshold for the rest of the process: 1 hides
        its information lines, 2 also its warnings, 3 also its error lines
        (which on a machine without a GPU include "failed call to cuInit").
        Errors that stop a computation still raise Python exceptions.

    Returns
    -------
    keras : module
        The imported :mod:`keras` package.

    Raises
    ------
    ValueError
        If ``log_level`` is not 0, 1, 2 or 3.

    Examples
    --------
    >>> from sklstm import start_keras_quietly
    >>> keras = start_keras_quietly()
    >>> keras.__name__
    'keras'
    """
    if isinstance(log_level, bool) or log_level not in (0, 1, 2, 3):
        raise ValueError(f"log_level must be 0, 1, 2 or 3, got {log_level!r}.")
    if "keras" in sys.modules:
        return sys.modules["keras"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", str(log_level))
    # An import error (a broken install) still raises, with its traceback.
    with stderr_silenced():
        return importlib.import_module("keras")
