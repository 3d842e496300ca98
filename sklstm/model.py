"""The Keras network behind :class:`~sklstm.LSTMTextClassifier`.

The builder only uses ``keras`` and ``keras.ops``, so the same code runs on every
Keras 3 backend (TensorFlow by default, JAX too). Every random initializer and
dropout layer gets an explicit seed: a seeded model is reproducible without
touching any process-wide random state.
"""

from numbers import Integral

import keras
import numpy as np
from keras import ops

POOLING_MODES = ("last", "max", "mean")


@keras.saving.register_keras_serializable(package="sklstm")
class MaskedGlobalPooling1D(keras.layers.Layer):
    """Max or mean over the time steps that the mask marks as real tokens.

    Keras' ``GlobalMaxPooling1D`` ignores the padding mask, so padded steps would
    take part in the maximum; this layer leaves them out.

    Parameters
    ----------
    mode : {"max", "mean"}, default="max"
        How to pool the unmasked steps.
    **kwargs : dict
        Passed to :class:`keras.layers.Layer`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.model import MaskedGlobalPooling1D
    >>> x = np.array([[[1.0], [5.0], [9.0]]], dtype="float32")
    >>> mask = np.array([[True, True, False]])
    >>> float(MaskedGlobalPooling1D("max")(x, mask=mask)[0, 0])
    5.0
    >>> float(MaskedGlobalPooling1D("mean")(x, mask=mask)[0, 0])
    3.0
    """

    def __init__(self, mode="max", **kwargs):
        super().__init__(**kwargs)
        if mode not in ("max", "mean"):
            raise ValueError(f"mode must be 'max' or 'mean', got {mode!r}.")
        self.mode = mode
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            mask = ops.ones(ops.shape(inputs)[:2], dtype="bool")
        weights = ops.expand_dims(ops.cast(mask, inputs.dtype), axis=-1)
        n_real = ops.sum(weights, axis=1)
        if self.mode == "mean":
            return ops.sum(inputs * weights, axis=1) / ops.maximum(n_real, 1.0)
        lowest = ops.full_like(inputs, -1e9)
        pooled = ops.max(ops.where(weights > 0, inputs, lowest), axis=1)
        # A text with no real token (an empty document) pools to zeros.
        return ops.where(n_real > 0, pooled, ops.zeros_like(pooled))

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}


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


def _lstm(units, *, return_sequences, dropout, recurrent_dropout, seed, backwards):
    kernel_seed, recurrent_seed, dropout_seed = _seeds(seed, 3)
    return keras.layers.LSTM(
        units,
        return_sequences=return_sequences,
        dropout=dropout,
        recurrent_dropout=recurrent_dropout,
        go_backwards=backwards,
        kernel_initializer=keras.initializers.GlorotUniform(seed=kernel_seed),
        recurrent_initializer=keras.initializers.Orthogonal(seed=recurrent_seed),
        seed=dropout_seed,
    )


def _recurrent_block(x, units, *, bidirectional, return_sequences, seed, **lstm_kw):
    forward_seed, backward_seed = _seeds(seed, 2)
    forward = _lstm(
        units,
        return_sequences=return_sequences,
        seed=forward_seed,
        backwards=False,
        **lstm_kw,
    )
    if not bidirectional:
        return forward(x)
    # An explicit backward layer, so the two directions start from different
    # weights instead of a copy of the forward initialisation.
    backward = _lstm(
        units,
        return_sequences=return_sequences,
        seed=backward_seed,
        backwards=True,
        **lstm_kw,
    )
    return keras.layers.Bidirectional(forward, backward_layer=backward)(x)


def _embedding(vocab_size, embedding_dim, embeddings, trainable, seed):
    if embeddings is None:
        initializer = keras.initializers.RandomUniform(-0.05, 0.05, seed=seed)
    else:
        embeddings = np.asarray(embeddings, dtype="float32")
        vocab_size, embedding_dim = embeddings.shape
        initializer = keras.initializers.Constant(embeddings)
    return keras.layers.Embedding(
        vocab_size,
        embedding_dim,
        embeddings_initializer=initializer,
        mask_zero=True,
        trainable=trainable,
    )


def build_lstm_model(
    *,
    vocab_size,
    n_classes,
    embedding_dim=128,
    lstm_units=64,
    bidirectional=True,
    dropout=0.2,
    recurrent_dropout=0.0,
    pooling="max",
    embeddings=None,
    trainable_embeddings=True,
    seed=None,
):
    """Build the (uncompiled) Embedding → LSTM → pooling → softmax network.

    Parameters
    ----------
    vocab_size : int
        Number of rows of the embedding matrix; id 0 is padding and is masked.
    n_classes : int
        Number of output units (softmax over the classes, also for two classes).
    embedding_dim : int, default=128
        Size of the token vectors; ignored when ``embeddings`` is given.
    lstm_units : int or tuple of int, default=64
        Units of the LSTM layer, or of each stacked layer, first to last.
    bidirectional : bool, default=True
        Wrap each LSTM layer in :class:`keras.layers.Bidirectional`.
    dropout : float, default=0.2
        Dropout on the inputs of every LSTM layer and before the output layer.
    recurrent_dropout : float, default=0.0
        Dropout on the recurrent state. Any value above 0 rules out the fused
        cuDNN kernel on a GPU.
    pooling : {"last", "max", "mean"}, default="max"
        How the last LSTM layer's outputs become one vector: its final state, or
        the max or mean over the real (unmasked) tokens.
    embeddings : array-like of shape (vocab_size, embedding_dim), default=None
        Pretrained token vectors; row ``i`` is the vector of token id ``i``.
    trainable_embeddings : bool, default=True
        Whether training updates the embedding matrix.
    seed : int, default=None
        Seed of every initializer and dropout layer; None draws a fresh one.

    Returns
    -------
    model : keras.Model
        Input: integer ids of shape (batch, time); output: class probabilities
        of shape (batch, n_classes).

    Examples
    --------
    >>> from sklstm.model import build_lstm_model
    >>> model = build_lstm_model(vocab_size=100, n_classes=3, lstm_units=8, seed=0)
    >>> model.output_shape
    (None, 3)
    """
    if pooling not in POOLING_MODES:
        raise ValueError(f"pooling must be one of {POOLING_MODES}, got {pooling!r}.")
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    units = _unit_tuple(lstm_units)
    embedding_seed, output_seed, dropout_seed, *layer_seeds = _seeds(
        seed, 3 + len(units)
    )

    inputs = keras.Input(shape=(None,), dtype="int32", name="token_ids")
    x = _embedding(
        vocab_size, embedding_dim, embeddings, trainable_embeddings, embedding_seed
    )(inputs)
    for depth, (layer_units, layer_seed) in enumerate(
        zip(units, layer_seeds, strict=True)
    ):
        is_last = depth == len(units) - 1
        x = _recurrent_block(
            x,
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
    outputs = keras.layers.Dense(
        n_classes,
        activation="softmax",
        kernel_initializer=keras.initializers.GlorotUniform(seed=output_seed),
        name="class_probabilities",
    )(x)
    return keras.Model(inputs, outputs, name="lstm_text_classifier")
