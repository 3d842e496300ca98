"""Putting a backward recurrent layer's outputs back in text order."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="sklstm")
class ReverseTime(keras.layers.Layer):
    """Reverse the order of the time steps, keeping the mask as it is.

    A backward LSTM (``go_backwards=True``) with ``return_sequences=True``
    returns its outputs last step first, under the unreversed input mask; this
    layer puts them back in text order, as :class:`keras.layers.Bidirectional`
    does.

    Parameters
    ----------
    **kwargs : dict
        Passed to :class:`keras.layers.Layer`.

    Examples
    --------
    >>> import numpy as np
    >>> import keras
    >>> from sklstm.layers import ReverseTime
    >>> x = np.array([[[1.0], [2.0], [3.0]]], dtype="float32")
    >>> keras.ops.convert_to_numpy(ReverseTime()(x))[0, :, 0].tolist()
    [3.0, 2.0, 1.0]
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return ops.flip(inputs, axis=1)
