"""The Keras networks sklstm trains: the default text network and the full model.

Two builders, each a function of keras and ``keras.ops`` only, so that the same
code runs on every Keras 3 backend (TensorFlow by default, JAX too):

- :func:`build_text_network`, the default network: embedding, recurrent
  layers (LSTM or GRU) and pooling, from token ids to one score per output.
  A user's own network (the estimators' ``model`` parameter) takes its place;
- :func:`build_model`, what an estimator trains: that network, the linear
  n-gram branch beside it (:class:`~sklstm.layers.HashedNgramBag`), their
  mixture (:class:`~sklstm.layers.BranchMixture`) and the task's output
  activation (softmax, sigmoid or none).

Every random initializer and dropout layer gets an explicit seed: a seeded
model is reproducible without touching any process-wide random state.
"""

from numbers import Integral

import keras
import numpy as np

from sklstm.layers import (
    BranchMixture,
    FrozenAndLearnedEmbedding,
    HashedNgramBag,
    HeadTailTokens,
    MaskedGlobalPooling1D,
    ReverseTime,
    learned_index,
)

POOLING_MODES = ("last", "max", "mean")

# The recurrent layer each ``cell`` names.
CELLS = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}

# Name of the HashedNgramBag layer in the model that build_model builds.
NGRAM_LAYER = "ngram_scores"
# Name of the BranchMixture layer that adds the network's and the n-gram scores.
MIXTURE_LAYER = "scores"
# Name of the nested network (the default one or the user's).
NETWORK_LAYER = "network"


def _unit_tuple(lstm_units):
    """``lstm_units`` as a tuple, one entry per stacked layer, validated."""
    units = (lstm_units,) if isinstance(lstm_units, Integral) else tuple(lstm_units)
    if not units or not all(isinstance(u, Integral) and u >= 1 for u in units):
        raise ValueError(
            "lstm_units must be a positive int or a non-empty tuple of positive "
            f"ints (one per stacked layer), got {lstm_units!r}."
        )
    return units


def _seeds(seed, n):
    """``n`` independent integer seeds derived from ``seed``."""
    sequence = np.random.SeedSequence(seed)
    return [int(s) for s in sequence.generate_state(n)]


def _recurrent_layer(
    cell, units, *, return_sequences, dropout, recurrent_dropout, seed, backwards
):
    kernel_seed, recurrent_seed, dropout_seed = _seeds(seed, 3)
    return CELLS[cell](
        units,
        return_sequences=return_sequences,
        dropout=dropout,
        recurrent_dropout=recurrent_dropout,
        go_backwards=backwards,
        kernel_initializer=keras.initializers.GlorotUniform(seed=kernel_seed),
        recurrent_initializer=keras.initializers.Orthogonal(seed=recurrent_seed),
        seed=dropout_seed,
    )


def _recurrent_block(
    x, cell, units, *, bidirectional, return_sequences, seed, **layer_kw
):
    forward_seed, backward_seed = _seeds(seed, 2)
    forward = _recurrent_layer(
        cell,
        units,
        return_sequences=return_sequences,
        seed=forward_seed,
        backwards=False,
        **layer_kw,
    )
    if not bidirectional:
        return forward(x)
    # Its own seed, so the two directions start from different weights.
    backward = _recurrent_layer(
        cell,
        units,
        return_sequences=return_sequences,
        seed=backward_seed,
        backwards=True,
        **layer_kw,
    )
    # Two layers and a concatenation, as keras.layers.Bidirectional computes,
    # without it: its constructor serialises the layer, and Keras' serialiser
    # imports TensorFlow whatever the backend, which a JAX fit should not pay.
    forward_outputs, backward_outputs = forward(x), backward(x)
    if return_sequences:
        # go_backwards returns the steps last to first; the mask is not reversed.
        backward_outputs = ReverseTime()(backward_outputs)
    return keras.layers.Concatenate()([forward_outputs, backward_outputs])


def _embed(ids, vocab_size, embedding_dim, embeddings, trainable, learned_ids, seed):
    """The token vectors of ``ids``: learned, pretrained, or frozen and learned."""
    if embeddings is None:
        initializer = keras.initializers.RandomUniform(-0.05, 0.05, seed=seed)
        return keras.layers.Embedding(
            vocab_size,
            embedding_dim,
            embeddings_initializer=initializer,
            mask_zero=True,
        )(ids)
    embeddings = np.asarray(embeddings, dtype="float32")
    if trainable or not embedding_dim:
        return keras.layers.Embedding(
            *embeddings.shape,
            embeddings_initializer=keras.initializers.Constant(embeddings),
            mask_zero=True,
            trainable=trainable,
        )(ids)
    vocab_size = embeddings.shape[0]
    index = learned_index(
        vocab_size, np.arange(vocab_size) if learned_ids is None else learned_ids
    )
    layer = FrozenAndLearnedEmbedding(
        vocab_size,
        embeddings.shape[1],
        embedding_dim,
        learned_rows=int(index.max()) + 1,
        seed=seed,
    )
    vectors = layer(ids)
    layer.pretrained.assign(embeddings)
    layer.learned_index.assign(index)
    return vectors


def build_text_network(
    *,
    vocab_size,
    n_outputs,
    embedding_dim=128,
    cell="lstm",
    lstm_units=64,
    bidirectional=True,
    dropout=0.5,
    recurrent_dropout=0.0,
    pooling="max",
    embeddings=None,
    trainable_embeddings=True,
    learned_ids=None,
    lstm_maxlen=None,
    seed=None,
):
    """Build the default network: embedding, recurrent layers, pooling, scores.

    Parameters
    ----------
    vocab_size : int
        Number of rows of the embedding matrix; id 0 is padding and is masked.
    n_outputs : int
        Number of scores per text: classes, labels or regression targets.
    embedding_dim : int, default=128
        Size of the learned token vectors. Beside frozen ``embeddings`` the
        network learns vectors of this size too, for the ``learned_ids``
        (see :class:`~sklstm.layers.FrozenAndLearnedEmbedding`); 0 learns
        none there. Ignored with trainable ``embeddings``.
    cell : {"lstm", "gru"}, default="lstm"
        The recurrent layer: :class:`keras.layers.LSTM` or
        :class:`keras.layers.GRU`.
    lstm_units : int or tuple of int, default=64
        Units of the recurrent layer, or of each stacked layer, first to last.
    bidirectional : bool, default=True
        Run each recurrent layer in both directions and concatenate their
        outputs.
    dropout : float, default=0.5
        Dropout on the inputs of every recurrent layer and before the output
        layer.
    recurrent_dropout : float, default=0.0
        Dropout on the recurrent state. Any value above 0 rules out the fused
        cuDNN kernel on a GPU.
    pooling : {"last", "max", "mean"}, default="max"
        How the last recurrent layer's outputs become one vector: its final
        state, or the max or mean over the real (unmasked) tokens.
    embeddings : array-like of shape (vocab_size, dim), default=None
        Pretrained token vectors; row ``i`` is the vector of token id ``i``.
    trainable_embeddings : bool, default=True
        Whether training updates the embedding matrix.
    learned_ids : array-like of int, default=None
        With frozen ``embeddings`` and ``embedding_dim`` above 0, the token ids
        that get a learned vector of their own, typically those of the
        training texts; the others share one. None gives one to every id.
    lstm_maxlen : int, default=None
        Most token positions of each row the embedding and recurrent layers
        read, half from its start and half from its end (see
        :class:`~sklstm.layers.HeadTailTokens`). None reads every position.
    seed : int, default=None
        Seed of every initializer and dropout layer; None draws a fresh one.

    Returns
    -------
    network : keras.Model
        Input: integer ids of shape (batch, time); output: one score per
        output, before any activation, of shape (batch, n_outputs).

    Examples
    --------
    >>> from sklstm.model import build_text_network
    >>> network = build_text_network(vocab_size=100, n_outputs=3, lstm_units=8,
    ...                              cell="gru", seed=0)
    >>> network.output_shape
    (None, 3)
    """
    if pooling not in POOLING_MODES:
        raise ValueError(f"pooling must be one of {POOLING_MODES}, got {pooling!r}.")
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {sorted(CELLS)}, got {cell!r}.")
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    units = _unit_tuple(lstm_units)
    embedding_seed, output_seed, dropout_seed, *layer_seeds = _seeds(
        seed, 3 + len(units)
    )

    inputs = keras.Input(shape=(None,), dtype="int32", name="token_ids")
    window = inputs if lstm_maxlen is None else HeadTailTokens(lstm_maxlen)(inputs)
    x = _embed(
        window,
        vocab_size,
        embedding_dim,
        embeddings,
        trainable_embeddings,
        learned_ids,
        embedding_seed,
    )
    for depth, (layer_units, layer_seed) in enumerate(
        zip(units, layer_seeds, strict=True)
    ):
        is_last = depth == len(units) - 1
        x = _recurrent_block(
            x,
            cell,
            int(layer_units),
            bidirectional=bidirectional,
            return_sequences=not (is_last and pooling == "last"),
            seed=layer_seed,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
        )
    if pooling != "last":
        x = MaskedGlobalPooling1D(pooling)(x)
    if dropout:
        x = keras.layers.Dropout(dropout, seed=dropout_seed)(x)
    scores = keras.layers.Dense(
        n_outputs,
        kernel_initializer=keras.initializers.GlorotUniform(seed=output_seed),
        name="network_scores",
    )(x)
    return keras.Model(inputs, scores, name=NETWORK_LAYER)


def _check_network(network, n_outputs):
    """A user's network must map a batch of ids to ``n_outputs`` scores."""
    if not isinstance(network, keras.Model):
        raise TypeError(
            "The model builder must return a keras.Model (token ids in, one "
            f"score per output out); it returned {type(network).__name__}."
        )
    shape = tuple(network.output_shape) if hasattr(network, "output_shape") else ()
    if len(shape) != 2 or shape[-1] != n_outputs:
        raise ValueError(
            "The model builder's network must output one score per output, "
            f"shape (batch, {n_outputs}) (meta['n_outputs_']); its output shape "
            f"is {shape}. End it with keras.layers.Dense(meta['n_outputs_']) "
            "and no activation: sklstm adds the task's own."
        )


def build_model(
    network,
    *,
    vocab_size,
    n_outputs,
    activation,
    ngram_order=2,
    ngram_buckets=2**20,
):
    """The model an estimator trains: ``network``, the n-gram branch, activation.

    With ``ngram_order`` set, a :class:`~sklstm.layers.HashedNgramBag` branch
    reads the same ids and its scores add to the network's before the
    activation: a "wide and deep" model, where the linear branch holds the
    n-gram evidence and the network what depends on word order beyond it.

    Parameters
    ----------
    network : keras.Model
        From integer ids of shape (batch, time) to scores of shape
        (batch, n_outputs), before any activation: :func:`build_text_network`
        or a user's own.
    vocab_size : int
        Number of token ids the n-gram branch gives a feature of its own.
    n_outputs : int
        Number of scores per text.
    activation : {"softmax", "sigmoid", "linear"}
        The output activation of the task.
    ngram_order : int or None, default=2
        Longest n-gram of the linear branch; None builds the network alone.
    ngram_buckets : int, default=2**20
        Hash buckets of the linear branch's n-grams of 2 tokens and more.

    Returns
    -------
    model : keras.Model
        Input: integer ids of shape (batch, time); output of shape
        (batch, n_outputs).

    Examples
    --------
    >>> from sklstm.model import build_model, build_text_network
    >>> network = build_text_network(vocab_size=50, n_outputs=2, lstm_units=4,
    ...                              seed=0)
    >>> model = build_model(network, vocab_size=50, n_outputs=2,
    ...                     activation="sigmoid", ngram_buckets=64)
    >>> model.output_shape
    (None, 2)
    """
    _check_network(network, n_outputs)
    # One name for the default network and a user's, to find it by.
    network.name = NETWORK_LAYER
    inputs = keras.Input(shape=(None,), dtype="int32", name="token_ids")
    scores = network(inputs)
    if ngram_order is not None:
        ngram_scores = HashedNgramBag(
            vocab_size, n_outputs, ngram_order, ngram_buckets, name=NGRAM_LAYER
        )(inputs)
        scores = BranchMixture(name=MIXTURE_LAYER)([scores, ngram_scores])
    outputs = keras.layers.Activation(activation, name="outputs")(scores)
    return keras.Model(inputs, outputs, name="sklstm_text_model")
