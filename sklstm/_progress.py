"""Progress of a fit at ``verbose=1``: a line per stage and per epoch, and often.

Keras' progress bar showed only the epochs it was handed, wrote terminal
escape codes into log files, and said nothing while the n-gram document
frequencies were computed or the branches mixed. Here every stage of
:mod:`sklstm._training` says when it starts, and each epoch of a trained
stage ends with a line of its epoch number, its losses, its time and an
estimate of the time left (an upper bound: early stopping may end sooner).

On a terminal the current line is rewritten in place (a carriage return, no
escape codes) a few times a second. Elsewhere, a log file or a pipe, plain
lines only: one per epoch, and within a long epoch one every
:data:`LOG_INTERVAL` seconds. A single step can take longer than that (the
first batch of each width compiles the network; a loaded machine is slow), so
while a fit reports, a watchdog thread writes what is still running whenever
nothing was written for :data:`LOG_INTERVAL` seconds: a log never goes quiet
for long, and a slow step is told from a hang.
"""

import contextvars
import sys
import threading
import time
from contextlib import contextmanager

import keras

# Seconds between the in-epoch lines written to a file or a pipe, and of
# silence before the watchdog says what is still running.
LOG_INTERVAL = 5.0
# Seconds between the rewrites of a terminal's line.
TERMINAL_INTERVAL = 0.25
_REPORTER = contextvars.ContextVar("sklstm_progress", default=None)


def _duration(seconds):
    """Seconds as ``"<s> s"``, ``"<m>:<ss>"`` or ``"<h>:<mm>:<ss>"``."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}:{seconds:02d}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}"


def _losses(logs):
    shown = [name for name in ("loss", "val_loss") if name in logs]
    return ", ".join(f"{name} {float(logs[name]):.4f}" for name in shown)


def _is_terminal(stream):
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Reporter:
    """Where a fit's progress goes: whole lines, or one rewritten on a terminal.

    ``activity`` is what runs now, which the watchdog repeats, with the time
    it has run, when nothing was written for ``interval`` seconds.
    """

    def __init__(self, stream=None, interval=LOG_INTERVAL):
        self.stream = stream or sys.stdout
        self.terminal = _is_terminal(self.stream)
        self.interval = interval
        self._lock = threading.Lock()
        self._last = self._since = time.monotonic()
        self._activity = None
        self._open_line = False

    def line(self, text, activity=None):
        """Write ``text`` as a line of its own (ending a rewritten one)."""
        with self._lock:
            prefix = "\r" if self._open_line else ""
            self._write(prefix + text.ljust(_WIDTH if prefix else 0) + "\n")
            self._open_line = False
        self.running(activity)

    def rewrite(self, text, activity=None):
        """On a terminal, replace the current line; elsewhere write a line."""
        if not self.terminal:
            self.line(text, activity)
            return
        with self._lock:
            self._write("\r" + text.ljust(_WIDTH))
            self._open_line = True
        self.running(activity)

    def running(self, activity):
        """Tell the watchdog what runs now (None: the same as before)."""
        with self._lock:
            if activity is not None and activity != self._activity:
                self._activity, self._since = activity, time.monotonic()

    def _write(self, text):
        # Under the lock: a flushed write marks the time of the last output.
        self.stream.write(text)
        self.stream.flush()
        self._last = time.monotonic()

    def watch(self, stop):
        """The watchdog's loop, until ``stop`` is set."""
        while not stop.wait(min(1.0, self.interval / 2)):
            now = time.monotonic()
            if self._activity and now - self._last >= self.interval:
                text = f"{self._activity} ({_duration(now - self._since)})"
                self.rewrite(text)


# Wide enough to cover a longer line that a rewrite replaces.
_WIDTH = 100


@contextmanager
def reporting(enabled, stream=None, interval=LOG_INTERVAL):
    """Report progress (``say``, :class:`EpochProgress`) with a watchdog meanwhile."""
    if not enabled or _REPORTER.get() is not None:
        yield
        return
    reporter = Reporter(stream, interval)
    token = _REPORTER.set(reporter)
    stop = threading.Event()
    watchdog = threading.Thread(target=reporter.watch, args=(stop,), daemon=True)
    watchdog.start()
    try:
        yield
    finally:
        stop.set()
        watchdog.join()
        _REPORTER.reset(token)


def _reporter(stream=None):
    if stream is not None:
        return Reporter(stream)
    return _REPORTER.get() or Reporter()


def say(text, activity=None):
    """One line of progress; ``activity``: what the watchdog says runs meanwhile.

    By default the line's own words, e.g. "Weighing the branches: still running".
    """
    _reporter().line(text, activity or f"{text.rstrip('.')}: still running")


class EpochProgress(keras.callbacks.Callback):
    """The epoch lines of one stage of a fit.

    Parameters
    ----------
    stage : str
        What trains, e.g. ``"network"``; it starts each line.
    epochs : int
        The last epoch this stage may run (counting from 1).
    steps : int
        Batches per epoch.
    stream : file-like, default=None
        Where the lines go; ``sys.stdout`` when None.
    """

    def __init__(self, stage, epochs, steps, stream=None):
        super().__init__()
        self.stage = stage
        self.epochs = epochs
        self.steps = steps
        self.reporter = _reporter(stream)
        terminal = self.reporter.terminal
        self._interval = TERMINAL_INTERVAL if terminal else LOG_INTERVAL

    def on_train_begin(self, logs=None):
        self._epoch_times = []

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch + 1
        self._epoch_start = self._last_line = time.monotonic()
        self.reporter.running(f"{self._head()}: batch 1/{self.steps} running")

    def on_train_batch_end(self, batch, logs=None):
        done = batch + 1
        # What the watchdog would say runs, should the next step be slow.
        running = (
            f"batch {done + 1}/{self.steps}" if done < self.steps else "validation"
        )
        self.reporter.running(f"{self._head()}: {running} running")
        now = time.monotonic()
        if now - self._last_line < self._interval:
            return
        self._last_line = now
        left = (now - self._epoch_start) / done * (self.steps - done)
        text = (
            f"{self._head()}: batch {done}/{self.steps}, {_losses(logs or {})}, "
            f"{_duration(left)} left in this epoch"
        )
        self.reporter.rewrite(text)

    def on_epoch_end(self, epoch, logs=None):
        elapsed = time.monotonic() - self._epoch_start
        self._epoch_times.append(elapsed)
        mean = sum(self._epoch_times) / len(self._epoch_times)
        left = mean * (self.epochs - self._epoch)
        text = f"{self._head()}: {_losses(logs or {})} ({_duration(elapsed)}"
        text += f"; at most {_duration(left)} left)" if left else ")"
        self.reporter.line(text, activity=f"  {self.stage}: between epochs")

    def _head(self):
        return f"  {self.stage} epoch {self._epoch}/{self.epochs}"
