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
label for several. It is early-stopped on the same validation split, by the
same epoch loop as the network (see :mod:`sklstm._training`), and then
frozen: the network learns what the linear model gets wrong, and every
later step is cheaper, since the gradient of the branch's table (up to
``2**20`` rows per output) is never computed. Adam is replaced by
:class:`~sklstm.optimizers.LazyAdam` for this stage, which moves only the
rows a batch uses. For numbers per text the branch is a ridge regression,
solved in closed form by :func:`fit_ridge_branch` instead.

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


# Ridge penalties tried when the n-gram branch of a regressor is solved in
# closed form, the one with the lowest validation error kept.
RIDGE_ALPHAS = (0.1, 0.3, 1.0, 3.0, 10.0)


def ngram_feature_matrix(bag, X, batch_size=256):
    """The TF-IDF bag of ``X``'s n-grams, as the branch weighs them, sparse.

    Row ``i`` holds, at each of text ``i``'s distinct features (token ids and
    hashed n-gram buckets), the feature's idf weight over the row's L2 norm:
    exactly what :class:`~sklstm.layers.HashedNgramBag` multiplies its table
    by (see its ``weighted_features``), less its constant output scale.
    """
    from scipy import sparse

    rows, columns, values = [], [], []
    for start in range(0, len(X), batch_size):
        features, weights, norm = (
            keras.ops.convert_to_numpy(part)
            for part in bag.weighted_features(
                trim_padding(X[start : start + batch_size])
            )
        )
        row, position = np.nonzero(weights)
        rows.append(row + start)
        columns.append(features[row, position])
        values.append(weights[row, position] / norm[row])
    shape = (len(X), bag.idf.shape[0])
    return sparse.csr_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(columns))),
        shape=shape,
    )


def fit_ridge_branch(bag, train, validation, loss):
    """Solve the n-gram branch of a regressor as ridge regression, in closed form.

    A least-squares linear model on a bag of a few hundred thousand sparse
    features is a ridge regression: solved exactly, with its penalty chosen on
    the validation split, it generalises better than the same model trained by
    Adam and early-stopped, which moves rare n-grams as fast as common ones.

    Parameters
    ----------
    bag : HashedNgramBag
        The branch, its idf weights adapted to the training texts.
    train, validation : tuple of (ids, targets, weights)
        Training data and the validation split (None: ``alpha=1``).
    loss : callable
        ``loss(scores, targets, weights)``, the validation error to minimise.

    Returns
    -------
    history : dict of str to list of float
        ``alpha``, and the ``loss`` and (with validation data) ``val_loss`` of
        each alpha tried.
    """
    from sklearn.linear_model import Ridge

    def error(ridge, features, data):
        scores = ridge.predict(features).reshape(len(data[1]), -1)
        return float(loss(scores, data[1], data[2]))

    features = ngram_feature_matrix(bag, train[0])
    alphas = RIDGE_ALPHAS if validation is not None else (1.0,)
    ridges = [
        Ridge(alpha=alpha, fit_intercept=False, solver="sparse_cg").fit(
            features, train[1], sample_weight=train[2]
        )
        for alpha in alphas
    ]
    history = {
        "alpha": list(alphas),
        "loss": [error(ridge, features, train) for ridge in ridges],
    }
    best = ridges[0]
    if validation is not None:
        val_features = ngram_feature_matrix(bag, validation[0])
        history["val_loss"] = [
            error(ridge, val_features, validation) for ridge in ridges
        ]
        best = ridges[int(np.argmin(history["val_loss"]))]
    table = np.asarray(best.coef_, dtype="float32").reshape(-1, features.shape[1]).T
    bag.table.assign(table / bag.output_scale)
    return history


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
