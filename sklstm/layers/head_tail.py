"""A window of each text's first and last tokens, for the recurrent layers."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="sklstm")
class HeadTailTokens(keras.layers.Layer):
    """A window of at most ``maxlen`` real tokens: the start and the end of each row.

    Lets the LSTM read a window of a long text while the n-gram branch reads
    all of it: the LSTM's cost grows with the width it reads, the bag's hardly.
    The window is the first ``head`` real tokens of each row and its last
    ``maxlen - head``, written from position 0 on and padded with 0 at the
    end; a row with at most ``maxlen`` real tokens keeps all of them. Either
    padding side of the input works (the real tokens run from the row's first
    non-zero id to its last). Both ends, because texts disagree on which one
    matters: a review tends to give its verdict at the end, a newsgroup post its
    subject at the start (see the benchmarks; Sun et al. 2019 found head plus
    tail the best truncation for BERT on IMDB).

    Parameters
    ----------
    maxlen : int
        Most positions kept; inputs no wider pass unchanged.
    head : int, default=None
        Real tokens kept from the start of each long row, the rest from its
        end. None keeps ``maxlen // 2``; ``maxlen`` keeps the first ``maxlen``
        positions only; 0 the last ``maxlen`` real tokens only.
    **kwargs : dict
        Passed to :class:`keras.layers.Layer`.

    Examples
    --------
    >>> import numpy as np
    >>> import keras
    >>> from sklstm.layers import HeadTailTokens
    >>> ids = np.array([[5, 6, 7, 8, 9, 0], [5, 6, 7, 0, 0, 0]], dtype="int32")
    >>> keras.ops.convert_to_numpy(HeadTailTokens(4)(ids)).tolist()
    [[5, 6, 8, 9], [5, 6, 7, 0]]
    """

    def __init__(self, maxlen, head=None, **kwargs):
        super().__init__(**kwargs)
        if maxlen < 1:
            raise ValueError(f"maxlen must be at least 1, got {maxlen!r}.")
        head = maxlen // 2 if head is None else head
        if not 0 <= head <= maxlen:
            raise ValueError(
                f"head must be between 0 and maxlen={maxlen!r}, got {head!r}."
            )
        self.maxlen = int(maxlen)
        self.head = int(head)

    def call(self, inputs):
        width = ops.shape(inputs)[1]
        if isinstance(width, int) and width <= self.maxlen:
            return inputs
        real = ops.cast(ops.not_equal(inputs, 0), "int32")
        start = ops.argmax(real, axis=1)
        end = width - ops.argmax(ops.flip(real, axis=1), axis=1)
        lengths = ops.expand_dims(ops.cast(end - start, "int32"), 1)
        # Column j of the window reads real token j of the head, or token
        # tail_start + (j - head) of the tail; the two never overlap.
        tail_start = ops.maximum(lengths - (self.maxlen - self.head), self.head)
        # A Python int where the width is static: JAX's arange needs one.
        n_columns = (
            self.maxlen if isinstance(width, int) else ops.minimum(width, self.maxlen)
        )
        column = ops.expand_dims(ops.arange(n_columns), 0)
        offset = ops.where(column < self.head, column, tail_start + column - self.head)
        inside = offset < lengths
        start = ops.expand_dims(ops.cast(start, "int32"), 1)
        position = ops.minimum(start + offset, width - 1)
        return ops.where(inside, ops.take_along_axis(inputs, position, axis=1), 0)

    def compute_output_shape(self, input_shape):
        width = input_shape[1]
        return (input_shape[0], None if width is None else min(width, self.maxlen))

    def get_config(self):
        return {**super().get_config(), "maxlen": self.maxlen, "head": self.head}
