"""The linear n-gram branch, fitted first and alone; the mixture of the branches.

Trained jointly from the first step, the recurrent network fits the training
texts within two or three epochs, long before the linear branch has
converged; once the training loss is near zero the branch stops learning, and
early stopping then keeps an under-trained linear model beside an over-fitted
network (on AG News the joint network scored below the staged one; see the
benchmarks page).

So a fresh network's ``fit`` first trains the branch alone, as a linear model
on the TF-IDF bag of n-grams (:class:`~sklstm.layers.HashedNgramBag` with
inverse document frequencies from the training texts) under the task's own
activation and loss: a logistic regression for one label per text, one per
label for several, a least-squares model for numbers. It is early-stopped on
the same validation split, by the same epoch loop as the network (see
:mod:`sklstm._training`), and then frozen: the network learns what the linear
model gets wrong, and every later step is cheaper, since the gradient of the
branch's table (up to ``2**20`` rows per output) is never computed. Adam is
replaced by :class:`~sklstm.optimizers.LazyAdam` for this stage, which moves
only the rows a batch uses.

Each branch is early-stopped on its own, so their sum is not necessarily the
best mix: :func:`fit_mixture` picks the two branches' weights on the
validation split.
"""

import keras
import numpy as np

from sklstm._batching import inference_batches, sequence_lengths, trim_padding
from sklstm.model import MIXTURE_LAYER, NGRAM_LAYER


def ngram_branch(model):
    """The model's :class:`~sklstm.model.HashedNgramBag` layer, or None."""
    try:
        return model.get_layer(NGRAM_LAYER)
    except ValueError:
        return None


def ngram_model(model, activation):
    """The n-gram branch alone, under the task's output ``activation``.

    It shares the branch's layer (and so its table) with ``model``: training it
    trains the branch in place.
    """
    bag = model.get_layer(NGRAM_LAYER)
    outputs = keras.layers.Activation(activation)(bag.output)
    return keras.Model(bag.input, outputs, name="ngram_model")


# Weights tried for each branch when mixing them on the validation split.
MIXTURE_GRID = np.linspace(0.0, 2.0, 9)


def set_mixture(model, *, network, ngram):
    """Weigh the network's and the n-gram branch's scores."""
    model.get_layer(MIXTURE_LAYER).branch_weights.assign(
        np.array([network, ngram], dtype="float32")
    )


def fit_mixture(model, validation, batch_size, loss):
    """Set the branch weights with the lowest validation loss.

    Every pair of weights from :data:`MIXTURE_GRID` is scored on the
    validation texts' branch scores, computed once; weights of 0 give either
    branch alone.

    Parameters
    ----------
    model : keras.Model
        The model, with its :class:`~sklstm.layers.BranchMixture` layer.
    validation : tuple of (ids, targets, weights)
        The validation split, targets encoded.
    batch_size : int
        Texts per prediction batch.
    loss : callable
        ``loss(scores, targets, weights)``: the task's loss of scores before
        the output activation, in numpy.

    Returns
    -------
    weights : tuple of (float, float)
        The network's and the n-gram branch's weight.
    """
    X, y, sample_weight = validation
    mixture = model.get_layer(MIXTURE_LAYER)
    branches = keras.Model(model.input, mixture.input)
    network_scores = np.zeros((len(y), mixture.output.shape[-1]))
    ngram_scores = np.zeros_like(network_scores)
    for index in inference_batches(sequence_lengths(X), batch_size):
        network, ngram = branches(trim_padding(X[index]), training=False)
        network_scores[index] = keras.ops.convert_to_numpy(network)
        ngram_scores[index] = keras.ops.convert_to_numpy(ngram)
    best, best_loss = (1.0, 1.0), np.inf
    for a in MIXTURE_GRID:
        for b in MIXTURE_GRID:
            value = loss(a * network_scores + b * ngram_scores, y, sample_weight)
            if value < best_loss:
                best, best_loss = (float(a), float(b)), value
    set_mixture(model, network=best[0], ngram=best[1])
    return best
