"""Frozen pretrained token vectors with learned ones beside them."""

import keras
import numpy as np
from keras import ops


@keras.saving.register_keras_serializable(package="sklstm")
class FrozenAndLearnedEmbedding(keras.layers.Layer):
    """Frozen pretrained token vectors, with learned ones concatenated beside them.

    Each token id reads two vectors: its row of a frozen pretrained matrix, and
    a vector learned in training, which only the ids seen in ``fit`` have (the
    others share one learned row). The pretrained half brings what a large
    corpus knows of every word, including those the training texts lack; the
    learned half what the task needs of its own words, which frozen vectors
    cannot learn (text-speak, names, jargon; a word whose pretrained neighbours
    are wrong for the task). These are Kim (2014)'s "static" and "non-static"
    channels, with the non-static one trained from scratch, so that its table
    holds only the training vocabulary instead of a trainable copy of every
    pretrained word.

    The weights start at zero: set ``pretrained`` and ``learned_index`` after
    building, as :func:`sklstm.model.build_text_network` does. Id 0 is
    padding and is masked.

    Parameters
    ----------
    input_dim : int
        Rows of the pretrained matrix: the largest token id plus one.
    pretrained_dim : int
        Size of the pretrained vectors.
    learned_dim : int
        Size of the learned vectors.
    learned_rows : int
        Rows of the learned table: the ids that have a learned vector, plus
        row 0, which the others share.
    seed : int, default=None
        Seed of the learned table's initializer.
    **kwargs : dict
        Passed to :class:`keras.layers.Layer`.

    Examples
    --------
    >>> import numpy as np
    >>> import keras
    >>> from sklstm.layers import FrozenAndLearnedEmbedding
    >>> layer = FrozenAndLearnedEmbedding(4, 2, 3, learned_rows=2, seed=0)
    >>> layer.build((None, None))
    >>> _ = layer.pretrained.assign(np.arange(8, dtype="float32").reshape(4, 2))
    >>> _ = layer.learned_index.assign([0, 0, 1, 0])  # only id 2 was seen
    >>> vectors = keras.ops.convert_to_numpy(layer(np.array([[2, 3, 0]])))
    >>> vectors.shape
    (1, 3, 5)
    >>> vectors[0, :, :2].tolist()
    [[4.0, 5.0], [6.0, 7.0], [0.0, 1.0]]
    """

    def __init__(
        self, input_dim, pretrained_dim, learned_dim, learned_rows, seed=None, **kwargs
    ):
        super().__init__(**kwargs)
        self.input_dim = int(input_dim)
        self.pretrained_dim = int(pretrained_dim)
        self.learned_dim = int(learned_dim)
        self.learned_rows = int(learned_rows)
        self.seed = seed
        self.supports_masking = True

    def build(self, input_shape):
        self.pretrained = self.add_weight(
            shape=(self.input_dim, self.pretrained_dim),
            initializer="zeros",
            trainable=False,
            name="pretrained",
        )
        self.learned_index = self.add_weight(
            shape=(self.input_dim,),
            initializer="zeros",
            dtype="int32",
            trainable=False,
            name="learned_index",
        )
        self.learned = self.add_weight(
            shape=(self.learned_rows, self.learned_dim),
            initializer=keras.initializers.RandomUniform(-0.05, 0.05, seed=self.seed),
            name="learned",
        )

    def call(self, inputs):
        ids = ops.cast(inputs, "int32")
        pretrained = ops.take(self.pretrained, ids, axis=0)
        learned = ops.take(self.learned, ops.take(self.learned_index, ids), axis=0)
        return ops.concatenate([pretrained, learned], axis=-1)

    def compute_mask(self, inputs, mask=None):
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.pretrained_dim + self.learned_dim)

    def get_config(self):
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "pretrained_dim": self.pretrained_dim,
            "learned_dim": self.learned_dim,
            "learned_rows": self.learned_rows,
            "seed": self.seed,
        }


def learned_index(vocab_size, learned_ids):
    """Row of the learned table for each id: 1, 2, ... for ``learned_ids``, else 0.

    Parameters
    ----------
    vocab_size : int
        Number of ids.
    learned_ids : array-like of int
        The ids that get a learned vector of their own; 0 (padding) and ids
        at or above ``vocab_size`` are left out.

    Returns
    -------
    index : ndarray of shape (vocab_size,), dtype int32
        The row of each id in :class:`FrozenAndLearnedEmbedding`'s table.

    Examples
    --------
    >>> from sklstm.layers import learned_index
    >>> learned_index(5, [3, 1, 3]).tolist()
    [0, 1, 0, 2, 0]
    """
    ids = np.unique(np.asarray(learned_ids, dtype=np.int64))
    ids = ids[(ids > 0) & (ids < vocab_size)]
    index = np.zeros(vocab_size, dtype=np.int32)
    index[ids] = np.arange(1, len(ids) + 1, dtype=np.int32)
    return index
