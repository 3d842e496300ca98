"""The training loop of :class:`~sklstm.LSTMTextClassifier`, as small steps.

As in skorch, each step is a method a subclass can override:
``_train`` (encode targets, split off validation data) → ``_fit_loop`` (epochs
and callbacks) → ``_run_epoch`` → ``_train_step``, with ``_evaluate`` for the
validation data and ``_record_epoch`` for ``history_``. The loop calls
``train_on_batch`` itself, rather than ``model.fit``, so that every batch can
be cut to its own width (see :mod:`sklstm._batching`).

A ``KeyboardInterrupt`` (Ctrl+C in a notebook) ends training the way early
stopping does, as in skorch: the epochs completed so far stay in ``history_``,
callbacks see the end of training (early stopping restores the best weights
so far), ``interrupted_`` is set and a warning says so. The estimator stays
usable; fit again to train to the end.
"""

import warnings

import keras
import numpy as np
from scikeras._utils import route_params
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit

from sklstm._batching import (
    PREDICT_BATCH_SIZE,
    add_weighted_logs,
    evaluate_in_batches,
    expected_retracing,
    sequence_lengths,
    training_batches,
    trim_padding,
)
from sklstm._ngram_stage import (
    fit_mixture,
    fit_ngram_branch,
    ngram_branch,
    set_mixture,
)
from sklstm._wrapper import as_callback_list

FIT_SETTINGS = ("batch_size", "epochs", "verbose", "callbacks")


def _validation_split(y, fraction, rng):
    """Stratified, shuffled train/validation indices, never Keras' tail slice.

    Falls back to an unstratified shuffled split when some class is too rare to
    appear on both sides.
    """
    n_val = min(max(1, round(fraction * len(y))), len(y) - 1)
    seed = int(rng.integers(np.iinfo(np.int32).max))
    try:
        splitter = StratifiedShuffleSplit(1, test_size=n_val, random_state=seed)
        train, val = next(splitter.split(np.zeros(len(y)), y))
    except ValueError:
        splitter = ShuffleSplit(1, test_size=n_val, random_state=seed)
        train, val = next(splitter.split(y))
    return np.sort(train), np.sort(val)


def _warn_about_training_data(X, y, validation):
    """Fits that run but cannot learn much deserve a word."""
    if not X.any():
        warnings.warn(
            "Every training text is empty (all token ids are 0): the model "
            "can only learn the class frequencies and will predict the same "
            "probabilities for every text. Check the tokenizer's input.",
            UserWarning,
            stacklevel=4,
        )
    if validation is not None and len(y) < len(validation[1]):
        warnings.warn(
            f"validation_fraction leaves {len(y)} samples to train on and "
            f"holds out {len(validation[1])}: lower validation_fraction or set "
            "early_stopping=False to train on all samples.",
            UserWarning,
            stacklevel=4,
        )


def _ngram_summary(history):
    line = f"n-gram branch trained alone: {len(history['loss'])} epoch(s)"
    if history.get("val_loss"):
        line += f", best val_loss {min(history['val_loss']):.4f}"
    return line + "; now the LSTM."


class TrainingLoopMixin:
    """Epochs of ``train_on_batch`` steps with Keras callbacks and early stopping.

    The estimator provides ``model_``, ``history_``, ``best_epoch_``, ``_seed``,
    ``_encode_targets`` and ``_check_vocabulary``, and the parameters
    ``batch_size``, ``epochs``, ``verbose``, ``validation_fraction``,
    ``n_iter_no_change``, ``ngram_first`` and ``learning_rate``.
    """

    def _train(self, X, y, weights, epochs, *, validate):
        targets = self._encode_targets(y)
        X = self._check_vocabulary(X.astype("int32"), fitting=True)
        rng = np.random.default_rng([self._seed, len(self.history_.get("loss", []))])
        validation = None
        if validate:
            train_idx, val_idx = _validation_split(
                targets, self.validation_fraction, rng
            )
            validation = (X[val_idx], targets[val_idx], weights[val_idx])
            X, targets, weights = X[train_idx], targets[train_idx], weights[train_idx]
        _warn_about_training_data(X, targets, validation)
        train = (X, targets, weights)
        with expected_retracing():
            try:
                staged = not self.history_ and self._fit_ngram_branch_first(
                    train, validation, epochs, rng
                )
            except KeyboardInterrupt:
                # The LSTM has not trained: predict with the linear branch.
                set_mixture(self.model_, lstm=0.0, ngram=1.0)
                self._on_interrupt()
                return
            self._fit_loop(train, validation, epochs, rng)
            if staged:
                self._mix_branches(validation)

    def _mix_branches(self, validation):
        """Weigh the separately trained branches, on the validation split if any."""
        if validation is None:
            set_mixture(self.model_, lstm=1.0, ngram=1.0)
        else:
            fit_mixture(self.model_, validation, PREDICT_BATCH_SIZE)

    def _fit_ngram_branch_first(self, train, validation, epochs, rng):
        """Adapt a fresh network's n-gram branch and, in ``fit``, train it first.

        Returns whether the branch was trained alone (``ngram_first`` and a
        ``fit``, where ``epochs`` is None); ``partial_fit`` trains it with the
        network. See :mod:`sklstm._ngram_stage`.
        """
        self.ngram_history_ = {}
        bag = ngram_branch(self.model_)
        if bag is None:
            return False
        bag.adapt(train[0])
        if not (self.ngram_first and epochs is None):
            return False
        settings = self._fit_settings()
        self.ngram_history_ = fit_ngram_branch(
            bag,
            train,
            validation,
            batch_size=settings["batch_size"],
            epochs=settings["epochs"],
            patience=self.n_iter_no_change,
            learning_rate=self.learning_rate,
            rng=rng,
            compile_options={
                name: value
                for name, value in self._get_compile_kwargs().items()
                if name in ("run_eagerly", "jit_compile")
            },
        )
        if settings["verbose"]:
            print(_ngram_summary(self.ngram_history_))
        set_mixture(self.model_, lstm=1.0, ngram=0.0)
        return True

    def _routed_parameter_names(self):
        return {**super()._routed_parameter_names(), "fit": set(FIT_SETTINGS)}

    def _fit_settings(self):
        """``batch_size``, ``epochs``, ``verbose`` and callbacks, after ``fit__``."""
        params = self.get_params()
        # Names other than FIT_SETTINGS were rejected by _check_routed_params.
        settings = route_params(params, "fit", pass_filter=set(), strict=True)
        callbacks = self._routed_callbacks()
        if settings.get("callbacks") is not None:
            callbacks += as_callback_list(settings["callbacks"])
        settings["callbacks"] = callbacks
        settings.setdefault("batch_size", self.batch_size)
        settings.setdefault("epochs", self.epochs)
        settings.setdefault("verbose", self.verbose)
        return settings

    def _early_stopping_callback(self, validation):
        if validation is None:
            return None
        return keras.callbacks.EarlyStopping(
            monitor="val_loss",
            patience=self.n_iter_no_change,
            restore_best_weights=True,
        )

    def _make_callbacks(self, settings, early_stopping, n_steps, epochs):
        callbacks = list(settings["callbacks"])
        if early_stopping is not None:
            callbacks.append(early_stopping)
        return keras.callbacks.CallbackList(
            callbacks,
            add_history=False,
            add_progbar=bool(settings["verbose"]),
            model=self.model_,
            verbose=int(settings["verbose"]),
            epochs=epochs,
            steps=n_steps,
        )

    def _fit_loop(self, train, validation, epochs, rng):
        """Run ``epochs`` epochs, Keras callbacks included, then record history."""
        settings = self._fit_settings()
        epochs = settings["epochs"] if epochs is None else epochs
        initial_epoch = len(self.history_.get("loss", []))
        lengths = sequence_lengths(train[0])
        n_steps = -(-len(lengths) // settings["batch_size"])
        early_stopping = self._early_stopping_callback(validation)
        callbacks = self._make_callbacks(
            settings, early_stopping, n_steps, initial_epoch + epochs
        )
        self.model_.stop_training = False
        self.interrupted_ = False
        callbacks.on_train_begin()
        epoch_range = range(initial_epoch, initial_epoch + epochs)
        try:
            for epoch in epoch_range:
                if not self._run_single_epoch(
                    epoch, train, validation, lengths, settings, callbacks, rng
                ):
                    break
        except KeyboardInterrupt:
            self._on_interrupt()
        callbacks.on_train_end()
        if early_stopping is not None and early_stopping.best_weights is not None:
            self.best_epoch_ = early_stopping.best_epoch

    def _run_single_epoch(
        self, epoch, train, validation, lengths, settings, callbacks, rng
    ):
        """Train and validate one epoch; False when training should stop."""
        callbacks.on_epoch_begin(epoch)
        batches = training_batches(lengths, settings["batch_size"], rng)
        logs = self._run_epoch(train, batches, callbacks)
        if validation is not None:
            logs.update(self._evaluate(validation))
        callbacks.on_epoch_end(epoch, logs)
        self._record_epoch(logs)
        return not self.model_.stop_training

    def _on_interrupt(self):
        self.interrupted_ = True
        n_epochs = len(self.history_.get("loss", []))
        warnings.warn(
            f"Training was interrupted (KeyboardInterrupt) after {n_epochs} "
            "complete epoch(s); history_ holds those, and with early stopping "
            "the best weights so far are kept. interrupted_ is True; fit again "
            "to train to the end.",
            UserWarning,
            stacklevel=4,
        )

    def _run_epoch(self, data, batches, callbacks):
        totals, n_seen = {}, 0
        for step, index in enumerate(batches):
            callbacks.on_train_batch_begin(step)
            logs = self._train_step(*(part[index] for part in data))
            n_seen += len(index)
            add_weighted_logs(totals, logs, len(index))
            callbacks.on_train_batch_end(
                step, {k: v / n_seen for k, v in totals.items()}
            )
        return {name: total / n_seen for name, total in totals.items()}

    def _train_step(self, X, y, weights):
        return self.model_.train_on_batch(
            trim_padding(X), y, sample_weight=weights, return_dict=True
        )

    def _evaluate(self, data):
        logs = evaluate_in_batches(self.model_, data, PREDICT_BATCH_SIZE)
        return {f"val_{name}": value for name, value in logs.items()}

    def _record_epoch(self, logs):
        for name, value in logs.items():
            self.history_.setdefault(name, []).append(float(value))
