"""The training loop: interruption by KeyboardInterrupt, warnings on poor data."""

import keras
import numpy as np
import pytest

from sklstm import LSTMTextClassifier
from tests.conftest import TINY
from tests.conftest import make_ids as _make_ids

# Each test sets its own epochs.
NETWORK = {
    **{name: value for name, value in TINY.items() if name != "epochs"},
    "batch_size": 8,
}


def make_ids():
    """48 unpadded rows of width 6: six batches of eight."""
    return _make_ids(n_samples=48, width=6, padded=False)


class InterruptAt(keras.callbacks.Callback):
    """Raises KeyboardInterrupt, as Ctrl+C would, at one batch of one epoch."""

    def __init__(self, epoch, batch):
        super().__init__()
        self.at = (epoch, batch)
        self.epoch = None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            raise KeyboardInterrupt


def test_interrupt_keeps_the_completed_epochs_and_a_usable_model():
    X, y = make_ids()
    clf = LSTMTextClassifier(
        **NETWORK,
        epochs=5,
        early_stopping=False,
        ngram_first=False,  # callbacks run in every stage: one stage here
        callbacks=[InterruptAt(2, 1)],
    )
    with pytest.warns(UserWarning, match="interrupted .* after 2 complete"):
        clf.fit(X, y)
    assert clf.interrupted_
    assert len(clf.history_["loss"]) == 2
    proba = clf.predict_proba(X)
    assert np.all(np.isfinite(proba)) and np.allclose(proba.sum(axis=1), 1)


class RecordWeights(keras.callbacks.Callback):
    """The model's weights at the end of every epoch."""

    def __init__(self):
        super().__init__()
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append([w.copy() for w in self.model.get_weights()])


@pytest.mark.slow
def test_interrupt_with_early_stopping_restores_the_best_epoch():
    X, y = make_ids()
    record = RecordWeights()
    # Two batches of the fourth epoch run before the interrupt, so the weights
    # at the interrupt are no epoch's: only a restore brings the best back.
    # Joint training: with ngram_first the branch weights are set after the
    # epochs, so the kept weights would differ from every epoch's in those.
    clf = LSTMTextClassifier(
        **NETWORK,
        ngram_first=False,
        epochs=10,
        early_stopping=True,
        n_iter_no_change=10,
        callbacks=[record, InterruptAt(3, 2)],
    )
    with pytest.warns(UserWarning, match="interrupted"):
        clf.fit(X, y)
    assert clf.interrupted_ and len(clf.history_["val_loss"]) == 3
    assert clf.best_epoch_ == int(np.argmin(clf.history_["val_loss"]))
    for kept, best in zip(
        clf.model_.get_weights(), record.weights[clf.best_epoch_], strict=True
    ):
        np.testing.assert_array_equal(kept, best)


@pytest.mark.slow
def test_a_later_complete_fit_clears_the_mark():
    X, y = make_ids()
    clf = LSTMTextClassifier(
        **NETWORK, epochs=2, early_stopping=False, callbacks=[InterruptAt(1, 0)]
    )
    with pytest.warns(UserWarning, match="interrupted"):
        clf.fit(X, y)
    clf.set_params(callbacks=None).fit(X, y)
    assert not clf.interrupted_ and len(clf.history_["loss"]) == 2


def test_interrupt_before_any_epoch_leaves_no_best_epoch():
    X, y = make_ids()
    clf = LSTMTextClassifier(
        **NETWORK, epochs=3, early_stopping=True, callbacks=[InterruptAt(0, 0)]
    )
    with pytest.warns(UserWarning, match="after 0 complete"):
        clf.fit(X, y)
    assert clf.interrupted_ and clf.best_epoch_ is None and clf.history_ == {}
    assert clf.predict(X).shape == (len(X),)


@pytest.mark.slow
def test_interrupt_while_the_ngram_branch_trains_alone():
    X, y = make_ids()
    # Callbacks run in every stage: this one interrupts the n-gram stage's
    # second epoch, before the network has trained.
    clf = LSTMTextClassifier(
        **NETWORK, epochs=5, early_stopping=True, callbacks=[InterruptAt(1, 0)]
    )
    with pytest.warns(UserWarning, match="after 1 complete"):
        clf.fit(X, y)
    assert clf.interrupted_ and clf.history_ == {}
    assert len(clf.ngram_history_["loss"]) == 1
    bag = clf.model_.get_layer("ngram_scores")
    assert not bag.trainable
    # The first epoch's table is kept, and only the linear branch predicts.
    assert np.any(keras.ops.convert_to_numpy(bag.table) != 0)
    mixture = clf.model_.get_layer("scores").branch_weights
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(mixture), [0.0, 1.0])
    assert clf.predict(X).shape == (len(X),)
    # A warm-started refit resumes: the n-gram stage, then the network.
    table = keras.ops.convert_to_numpy(bag.table).copy()
    clf.set_params(warm_start=True, callbacks=None).fit(X, y)
    assert not clf.interrupted_ and len(clf.history_["loss"]) >= 1
    assert len(clf.ngram_history_["loss"]) >= 1 and not bag.trainable
    assert np.any(keras.ops.convert_to_numpy(bag.table) != table)


def test_a_callback_stops_every_stage():
    X, y = make_ids()

    class StopAfter(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch >= 1:
                self.model.stop_training = True

    # epochs far beyond what the test could run: the callback must end both.
    clf = LSTMTextClassifier(
        **NETWORK, epochs=10**9, early_stopping=False, callbacks=[StopAfter()]
    ).fit(X, y)
    assert len(clf.ngram_history_["loss"]) == 2
    assert len(clf.history_["loss"]) == 2


def test_verbose_fit_reports_the_stages(capsys):
    X, y = make_ids()
    LSTMTextClassifier(**NETWORK, epochs=1, verbose=1).fit(X, y)
    out = capsys.readouterr().out
    assert "Counting the n-grams' document frequencies" in out
    assert "Training the n-gram branch alone" in out
    assert "n-gram branch epoch 1/1: loss " in out and "val_loss " in out
    assert "Training the network beside the frozen n-gram branch" in out
    assert "network epoch 1/1: loss " in out
    assert "Weighing the two branches" in out
    # Not a terminal: plain lines, no escape codes nor carriage returns.
    assert "\x1b" not in out and "\r" not in out
