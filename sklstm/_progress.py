"""Progress of a fit at ``verbose=1``: a line per stage and per epoch, and often.

Keras' progress bar showed only the epochs it was handed, wrote terminal
escape codes into log files, and said nothing while the n-gram document
frequencies were computed or the branches mixed. Here every stage of
:mod:`sklstm._training` says when it starts, and each epoch of a trained
stage ends with a line of its epoch number, its losses, its time and an
estimate of the time left (an upper bound: early stopping may end sooner).

On a terminal the current epoch's line is rewritten in place (a carriage
return, no escape codes) a few times a second. Elsewhere, a log file or a
pipe, plain lines only: one per epoch, and within a long epoch one every
:data:`LOG_INTERVAL` seconds, so that a log never goes quiet for long.
"""

import sys
import time

import keras

# Seconds between the in-epoch lines written to a file or a pipe.
LOG_INTERVAL = 5.0
# Seconds between the rewrites of a terminal's line.
TERMINAL_INTERVAL = 0.25


def _duration(seconds):
    """``"42 s"``, ``"3:05"`` (minutes) or ``"1:02:05"`` (hours)."""
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


def say(text, stream=None):
    """One line of progress, flushed at once (a log may be read as it grows)."""
    stream = stream or sys.stdout
    stream.write(text + "\n")
    stream.flush()


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
        self.stream = stream or sys.stdout
        self.terminal = _is_terminal(self.stream)
        self._interval = TERMINAL_INTERVAL if self.terminal else LOG_INTERVAL

    def on_train_begin(self, logs=None):
        self._epoch_times = []

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch + 1
        self._epoch_start = self._last_line = time.monotonic()

    def on_train_batch_end(self, batch, logs=None):
        now = time.monotonic()
        if now - self._last_line < self._interval:
            return
        self._last_line = now
        done = batch + 1
        left = (now - self._epoch_start) / done * (self.steps - done)
        text = (
            f"{self._head()}: batch {done}/{self.steps}, {_losses(logs or {})}, "
            f"{_duration(left)} left in this epoch"
        )
        if self.terminal:
            self.stream.write("\r" + text.ljust(self._width()))
            self.stream.flush()
        else:
            say(text, self.stream)

    def on_epoch_end(self, epoch, logs=None):
        elapsed = time.monotonic() - self._epoch_start
        self._epoch_times.append(elapsed)
        mean = sum(self._epoch_times) / len(self._epoch_times)
        left = mean * (self.epochs - self._epoch)
        text = f"{self._head()}: {_losses(logs or {})} ({_duration(elapsed)}"
        text += f"; at most {_duration(left)} left)" if left else ")"
        if self.terminal:
            text = "\r" + text.ljust(self._width())
        say(text, self.stream)

    def _head(self):
        return f"  {self.stage} epoch {self._epoch}/{self.epochs}"

    @staticmethod
    def _width():
        # Wide enough to cover the longer in-epoch line it replaces.
        return 100
