"""What a command's process needs around the library: Keras started quietly,
heartbeats while it waits, and warnings as one line each.

These change the process's stderr and warning display, which is the command's
to own: the library itself changes neither (see :mod:`sklstm._progress`).
"""

import sys
import threading
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

import click

from sklstm.startup import stderr_silenced


def import_keras_quietly():
    """Import Keras (and TensorFlow) without TensorFlow's C++ start-up lines.

    TF_CPP_MIN_LOG_LEVEL silences TensorFlow's later log lines, but not those
    that absl prints while TensorFlow loads, before its logging is set up.
    Called by the verbs once their checks have passed, never before.
    """
    if "keras" in sys.modules:
        return
    # On stderr: predict may be writing its table to stdout.
    click.echo("Starting Keras ...", err=True)
    with (
        stderr_silenced() as real_stderr,
        heartbeat("Still starting Keras", file=real_stderr),
    ):
        import keras  # noqa: F401


@contextmanager
def heartbeat(text, interval=3.0, file=None):
    """A line every ``interval`` seconds meanwhile: a silent wait looks like a hang.

    Shorter than the fit's watchdog (see :mod:`sklstm._progress`), so that
    the silence where one hands over to the other stays shorter than the
    longest pause the command promises between two lines.
    """
    stop = threading.Event()
    start = time.monotonic()

    def beat():
        while not stop.wait(interval):
            click.echo(f"{text} ({time.monotonic() - start:.0f} s) ...", file=file)

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


_SKLSTM = str(Path(__file__).parent)


def show_warning(message, category, filename, lineno, file=None, line=None):
    """A warning as one line, if it is about the user's model or data.

    sklstm's and scikit-learn's warnings say something about the model or the
    data. Those of Keras, TensorFlow and other libraries' internals (deprecations
    inside them) are nothing a user of the command can act on.
    """
    if filename.startswith(_SKLSTM) or "sklearn" in filename:
        click.echo(f"Warning: {' '.join(str(message).split())}", err=True)


@contextmanager
def one_line_warnings():
    """The command's warnings as one line each, for as long as it runs."""
    with warnings.catch_warnings():
        warnings.showwarning = show_warning
        yield
