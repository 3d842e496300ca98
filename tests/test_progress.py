"""Tests of the progress lines of a fit (``sklstm._progress``)."""

import io
import time

import pytest

from sklstm import _progress
from sklstm._progress import EpochProgress, reporting, say


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(_progress.time, "monotonic", clock)
    return clock


class Terminal(io.StringIO):
    def isatty(self):
        return True


def run_epochs(progress, clock, epochs, steps, seconds_per_step):
    progress.on_train_begin()
    for epoch in range(epochs):
        progress.on_epoch_begin(epoch)
        for step in range(steps):
            clock.now += seconds_per_step
            progress.on_train_batch_end(step, {"loss": 1.0 / (step + 1)})
        progress.on_epoch_end(epoch, {"loss": 0.5, "val_loss": 0.25})


def test_a_log_gets_plain_lines_and_never_goes_quiet_for_long(clock):
    stream = io.StringIO()
    progress = EpochProgress("network", epochs=3, steps=10, stream=stream)
    run_epochs(progress, clock, epochs=2, steps=10, seconds_per_step=2.0)
    lines = stream.getvalue().splitlines()
    # 20 s per epoch: a line after 6, 12 and 18 s, one at its end.
    assert (
        lines[0]
        == "  network epoch 1/3: batch 3/10, loss 0.3333, 14 s left in this epoch"
    )
    assert (
        lines[3]
        == "  network epoch 1/3: loss 0.5000, val_loss 0.2500 (20 s; at most 40 s left)"
    )
    assert lines[-1].startswith(
        "  network epoch 2/3: loss 0.5000, val_loss 0.2500 (20 s; at most 20 s left)"
    )
    assert len(lines) == 8
    assert "\x1b" not in stream.getvalue() and "\r" not in stream.getvalue()


def test_a_terminal_line_is_rewritten_in_place(clock):
    stream = Terminal()
    progress = EpochProgress("n-gram branch", epochs=1, steps=4, stream=stream)
    run_epochs(progress, clock, epochs=1, steps=4, seconds_per_step=1.0)
    text = stream.getvalue()
    assert text.count("\n") == 1 and text.count("\r") == 5
    assert text.rstrip().endswith(
        "n-gram branch epoch 1/1: loss 0.5000, val_loss 0.2500 (4 s)"
    )
    assert "\x1b" not in text


@pytest.mark.parametrize(
    "seconds, shown", [(42, "42 s"), (185, "3:05"), (3725, "1:02:05")]
)
def test_durations_read_as_a_clock(seconds, shown):
    assert _progress._duration(seconds) == shown


def test_the_watchdog_speaks_when_a_step_is_slow():
    stream = io.StringIO()
    with reporting(True, stream, interval=0.1):
        say("Counting the n-grams.")
        time.sleep(0.5)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "Counting the n-grams."
    assert lines[1].startswith("Counting the n-grams: still running (")
    assert 3 <= len(lines) <= 7
