"""Training that diverges: a non-finite loss or weight ends the fit with an error.

Once a loss or a gradient overflows float32, the optimizer writes NaN into
the weights, and every prediction after that is NaN; Keras trains on
without a word (its ``TerminateOnNaN`` only stops, leaving the NaN weights).
The epoch loop (see :mod:`sklstm._training`) checks each batch's loss, and
after each epoch the weights it trains, and raises :class:`TrainingDivergedError`
naming the likely cause; the estimator then forgets the broken network, so it
is unfitted rather than fitted to NaN.

Each batch's loss is already a number on the host, so its check is free; a
weight can turn NaN in the update after the last loss of an epoch, hence the
check of the weights, one reduction per variable and epoch.
"""

import math

import keras
import numpy as np


class TrainingDivergedError(ValueError):
    """The loss or the weights stopped being finite numbers during ``fit``."""


def _learning_rate(model):
    """The optimizer's current learning rate, or None where it has none."""
    try:
        return float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
    except (AttributeError, TypeError, ValueError):
        return None


def diverged(model, what, *, stage, epoch, weights):
    """The error for ``what`` ("the loss became nan") in ``stage``, ``epoch``.

    Parameters
    ----------
    model : keras.Model
        The model being trained, whose optimizer's learning rate is reported.
    what : str
        What stopped being finite.
    stage : str
        The stage of the fit (``"network"``, ``"ngram"``).
    epoch : int
        The epoch, from 0.
    weights : ndarray of shape (n_samples,)
        The sample weights the loss was multiplied by.

    Returns
    -------
    error : TrainingDivergedError
    """
    learning_rate = _learning_rate(model)
    rate = "" if learning_rate is None else f" (here {learning_rate:.3g})"
    largest = float(np.max(weights))
    # fit divides the weights by their mean: only uneven ones can be to blame.
    weight_cause = (
        f" Huge sample_weight or class_weight values (the largest is {largest:.3g}) "
        "do the same: make them less extreme."
        if largest > 1
        else ""
    )
    return TrainingDivergedError(
        f"Training diverged: {what} in epoch {epoch + 1} of the {stage} stage, "
        "so the model would predict NaN. The likely cause is a learning rate "
        f"too large for this model{rate}: lower learning_rate (or "
        f"optimizer__learning_rate); the default is 1e-3.{weight_cause} The "
        "estimator is left unfitted; fit again after the change."
    )


def check_loss(model, logs, **context):
    """Raise :class:`TrainingDivergedError` when a batch's loss is not finite."""
    loss = float(logs["loss"])
    if not math.isfinite(loss):
        raise diverged(model, f"the loss became {loss}", **context)


def check_weights(model, **context):
    """Raise :class:`TrainingDivergedError` when a trained weight is not finite."""
    for variable in model.trainable_variables:
        if not bool(keras.ops.all(keras.ops.isfinite(variable))):
            raise diverged(
                model, f"the weights of {variable.path} became NaN", **context
            )
