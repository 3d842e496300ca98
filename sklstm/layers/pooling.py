"""Pooling over the real (unmasked) time steps of a sequence."""

import keras
from keras import ops


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
    >>> from sklstm.layers import MaskedGlobalPooling1D
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
