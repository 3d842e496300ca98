"""The fit of sklstm's estimators: named stages over one epoch loop.

A fit is a sequence of stages, each chosen by the caller, never by a flag
left on the estimator:

0. ``"idf"``: the n-gram branch's document frequencies, from the training
   texts;
1. ``"ngram"``: the linear n-gram branch alone (see :mod:`sklstm._ngram_stage`),
   then frozen;
2. ``"network"``: the whole model, the frozen branch included;
3. ``"mixture"``: the weights of the two branches, on the validation split.

``fit`` of a new network with ``ngram_first`` runs them all, without it the
first and the network stage; ``partial_fit`` after the first call and a
warm-started ``fit`` run the network stage alone. Stages 1 and 2 share
one model-agnostic epoch loop, a chain of small overridable steps as in skorch:
``_fit_loop`` (epochs, callbacks, early stopping) → ``_run_single_epoch`` →
``_run_epoch`` → ``_train_step``, with ``_evaluate`` for the validation data.
So Keras callbacks (a user's, early stopping, the progress bar), a callback's
``model.stop_training``, Ctrl+C and a diverging loss (see
:mod:`sklstm._divergence`) behave the same in every stage. The loop
calls ``train_on_batch`` itself, rather than ``model.fit``, so that every batch
can be cut to its own width (see :mod:`sklstm._batching`).

A ``KeyboardInterrupt`` (Ctrl+C in a notebook) ends training the way early
stopping does, as in skorch: the epochs completed so far stay in the history,
callbacks see the end of training (early stopping restores the best weights
so far), ``interrupted_`` is set and a warning says so. Interrupted in the
n-gram stage, the model predicts with the linear branch alone. The estimator
stays usable; fit again to train to the end.
"""

import warnings
from dataclasses import dataclass

import keras
import numpy as np

from sklstm._batching import (
    PREDICT_BATCH_SIZE,
    add_weighted_logs,
    evaluate_in_batches,
    expected_retracing,
    sequence_lengths,
    training_batches,
    trim_padding,
)
from sklstm._divergence import TrainingDivergedError, check_loss, check_weights
from sklstm._ngram_stage import (
    fit_mixture,
    ngram_branch,
    ngram_model,
    set_mixture,
)
from sklstm._progress import EpochProgress, reporting, say
from sklstm._routing import resolve_optimizer
from sklstm.optimizers import LazyAdam

# The stages of a fit, in the order they run: ``"idf"`` sets the n-gram
# branch's document frequencies from the training texts.
STAGED_FIT = ("idf", "ngram", "network", "mixture")
JOINT_FIT = ("idf", "network")
NETWORK_ONLY = ("network",)


@dataclass
class LoopResult:
    """How one stage's epoch loop ended."""

    best_epoch: int | None
    interrupted: bool


def _warn_about_training_data(X, n_val):
    """Fits that run but cannot learn much deserve a word."""
    if not X.any():
        warnings.warn(
            "Every training text is empty (all token ids are 0): the model "
            "can only learn the target frequencies and will predict the same "
            "output for every text. Check the tokenizer's input.",
            UserWarning,
            stacklevel=5,
        )
    if n_val and len(X) < n_val:
        warnings.warn(
            f"validation_fraction leaves {len(X)} samples to train on and "
            f"holds out {n_val}: lower validation_fraction or set "
            "early_stopping=False to train on all samples.",
            UserWarning,
            stacklevel=5,
        )


class TrainingLoopMixin:
    """Stages of ``train_on_batch`` epochs with Keras callbacks and early stopping.

    The estimator provides ``model_``, ``history_``, ``_task``, ``_seed``, the
    routing of :class:`~sklstm._wrapper.KerasWrapper`, and the parameters
    ``batch_size``, ``epochs``, ``verbose``, ``validation_fraction`` and
    ``n_iter_no_change``.
    """

    def _train(self, X, targets, weights, *, stages, epochs, validate):
        """Run ``stages`` on encoded ``targets``; ``epochs`` per trained stage."""
        rng = np.random.default_rng([self._seed, len(self.history_.get("loss", []))])
        train, validation = self._split(X, targets, weights, validate, rng)
        self.interrupted_ = False
        try:
            with reporting(self.verbose):
                self._run_stages(train, validation, stages, epochs, rng)
        except TrainingDivergedError:
            # Its weights are NaN: unfitted beats fitted to predict NaN.
            del self.model_
            raise

    def _run_stages(self, train, validation, stages, epochs, rng):
        self._announce(
            f"{type(self).__name__}: {len(train[0])} texts to train on"
            + (f", {len(validation[0])} to stop early on" if validation else "")
        )
        with expected_retracing():
            if "idf" in stages:
                self._announce("Counting the n-grams' document frequencies.")
                ngram_branch(self.model_).adapt(train[0])
            if "ngram" in stages and self._fit_ngram_stage(
                train, validation, epochs, rng
            ):
                return
            self._fit_network_stage(train, validation, epochs, rng)
            if "mixture" in stages:
                self._fit_mixture_stage(validation)

    def _split(self, X, targets, weights, validate, rng):
        """Training data, and the validation split that early stopping reads."""
        validation = None
        if validate:
            seed = int(rng.integers(np.iinfo(np.int32).max))
            train_idx, val_idx = self._task.validation_split(
                targets, self.validation_fraction, seed
            )
            validation = (X[val_idx], targets[val_idx], weights[val_idx])
            X, targets, weights = X[train_idx], targets[train_idx], weights[train_idx]
        _warn_about_training_data(X, 0 if validation is None else len(validation[0]))
        return (X, targets, weights), validation

    # ----------------------------------------------------------------- stages

    def _fit_ngram_stage(self, train, validation, epochs, rng):
        """Train the n-gram branch alone and freeze it; True when interrupted."""
        bag = ngram_branch(self.model_)
        if self._task.ngram_solver is not None:
            # A closed-form solution has no epochs to run callbacks around.
            self._announce("Training the n-gram branch alone (solved in closed form).")
            self.ngram_history_ = self._task.ngram_solver(
                bag, train, validation, self._task.score_loss
            )
            bag.trainable = False
            set_mixture(self.model_, network=1.0, ngram=0.0)
            return False
        linear = ngram_model(self.model_, self._task.activation)
        linear.compile(
            optimizer=self._build_optimizer(self._ngram_optimizer()),
            loss=self._task.loss,
            **{
                name: value
                for name, value in self._compile_kwargs().items()
                if name in ("run_eagerly", "jit_compile")
            },
        )
        self._announce("Training the n-gram branch alone (the linear model).")
        self.ngram_history_ = {}
        bag.trainable = True
        try:
            result = self._fit_loop(
                linear, train, validation, epochs, rng, self.ngram_history_
            )
        finally:
            bag.trainable = False
        if result.interrupted:
            # The network has not trained: predict with the linear branch.
            set_mixture(self.model_, network=0.0, ngram=1.0)
            return True
        set_mixture(self.model_, network=1.0, ngram=0.0)
        return False

    def _ngram_optimizer(self):
        """LazyAdam for Adam (the table is huge and sparse), else the user's own."""
        optimizer = resolve_optimizer(self.optimizer)
        if isinstance(optimizer, type) and issubclass(optimizer, keras.optimizers.Adam):
            return LazyAdam
        return optimizer

    def _fit_network_stage(self, train, validation, epochs, rng):
        self._announce(
            "Training the network"
            + (" beside the frozen n-gram branch." if self.ngram_history_ else ".")
        )
        result = self._fit_loop(
            self.model_, train, validation, epochs, rng, self.history_
        )
        if result.best_epoch is not None:
            self.best_epoch_ = result.best_epoch

    def _fit_mixture_stage(self, validation):
        """Weigh the separately trained branches, on the validation split if any."""
        if validation is None:
            set_mixture(self.model_, network=1.0, ngram=1.0)
        else:
            self._announce("Weighing the two branches on the validation texts.")
            fit_mixture(
                self.model_, validation, PREDICT_BATCH_SIZE, self._task.score_loss
            )

    def _announce(self, text):
        if self.verbose:
            say(text)

    # -------------------------------------------------------------- the loop

    def _fit_loop(self, model, train, validation, epochs, rng, history):
        """Run up to ``epochs`` epochs of ``model``, callbacks included."""
        initial_epoch = len(history.get("loss", []))
        lengths = sequence_lengths(train[0])
        n_steps = -(-len(lengths) // self.batch_size)
        early_stopping = self._early_stopping_callback(validation)
        callbacks = self._make_callbacks(
            model, early_stopping, n_steps, initial_epoch + epochs
        )
        model.stop_training = False
        interrupted = False
        callbacks.on_train_begin()
        try:
            for epoch in range(initial_epoch, initial_epoch + epochs):
                logs = self._run_single_epoch(
                    model, epoch, train, validation, lengths, callbacks, rng
                )
                for name, value in logs.items():
                    history.setdefault(name, []).append(float(value))
                if model.stop_training:
                    break
        except KeyboardInterrupt:
            interrupted = True
            self._on_interrupt(len(history.get("loss", [])))
        callbacks.on_train_end()
        best = None
        if early_stopping is not None and early_stopping.best_weights is not None:
            best = early_stopping.best_epoch
        return LoopResult(best_epoch=best, interrupted=interrupted)

    def _early_stopping_callback(self, validation):
        if validation is None:
            return None
        return keras.callbacks.EarlyStopping(
            monitor="val_loss",
            patience=self.n_iter_no_change,
            restore_best_weights=True,
        )

    def _make_callbacks(self, model, early_stopping, n_steps, epochs):
        callbacks = self._routed_callbacks()
        if early_stopping is not None:
            callbacks.append(early_stopping)
        if self.verbose:
            # The loop trains the whole model, or the n-gram branch's own.
            stage = "network" if model is self.model_ else "n-gram branch"
            callbacks.append(EpochProgress(stage, epochs, n_steps))
        return keras.callbacks.CallbackList(
            callbacks,
            add_history=False,
            add_progbar=False,
            model=model,
            verbose=int(self.verbose),
            epochs=epochs,
            steps=n_steps,
        )

    def _run_single_epoch(
        self, model, epoch, train, validation, lengths, callbacks, rng
    ):
        """Train and validate one epoch; the epoch's logs."""
        callbacks.on_epoch_begin(epoch)
        batches = training_batches(lengths, self.batch_size, rng)
        logs = self._run_epoch(model, train, batches, callbacks, epoch)
        check_weights(model, **self._divergence_context(model, epoch, train))
        if validation is not None:
            logs.update(self._evaluate(model, validation))
        callbacks.on_epoch_end(epoch, logs)
        return logs

    def _on_interrupt(self, n_epochs):
        self.interrupted_ = True
        warnings.warn(
            f"Training was interrupted (KeyboardInterrupt) after {n_epochs} "
            "complete epoch(s) of this stage; the history holds those, and with "
            "early stopping the best weights so far are kept. interrupted_ is "
            "True; fit again to train to the end.",
            UserWarning,
            stacklevel=6,
        )

    def _divergence_context(self, model, epoch, data):
        """Where a fit diverged, for :mod:`sklstm._divergence`'s message."""
        stage = "network" if model is self.model_ else "n-gram"
        return {"stage": stage, "epoch": epoch, "weights": data[2]}

    def _run_epoch(self, model, data, batches, callbacks, epoch):
        totals, n_seen = {}, 0
        for step, index in enumerate(batches):
            callbacks.on_train_batch_begin(step)
            logs = self._train_step(model, *(part[index] for part in data))
            check_loss(model, logs, **self._divergence_context(model, epoch, data))
            n_seen += len(index)
            add_weighted_logs(totals, logs, len(index))
            callbacks.on_train_batch_end(
                step, {k: v / n_seen for k, v in totals.items()}
            )
        return {name: total / n_seen for name, total in totals.items()}

    def _train_step(self, model, X, y, weights):
        return model.train_on_batch(
            trim_padding(X), y, sample_weight=weights, return_dict=True
        )

    def _evaluate(self, model, data):
        logs = evaluate_in_batches(model, data, PREDICT_BATCH_SIZE)
        return {f"val_{name}": value for name, value in logs.items()}
