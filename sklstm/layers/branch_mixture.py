"""Weighing the scores of the network's two branches."""

import keras


@keras.saving.register_keras_serializable(package="sklstm")
class BranchMixture(keras.layers.Layer):
    """Class scores of two branches, each times its own (non-trainable) weight.

    ``weights[0] * first + weights[1] * second``: with the weights ``(1, 0)`` the
    network is its first branch alone; :func:`sklstm._ngram_stage.fit_mixture`
    sets them after training.

    Parameters
    ----------
    **kwargs : dict
        Passed to :class:`keras.layers.Layer`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm.layers import BranchMixture
    >>> mixture = BranchMixture()
    >>> a, b = np.ones((1, 2), "float32"), np.full((1, 2), 2.0, "float32")
    >>> mixture.build([a.shape, b.shape])
    >>> _ = mixture.branch_weights.assign([0.5, 1.0])
    >>> keras.ops.convert_to_numpy(mixture([a, b]))
    array([[2.5, 2.5]], dtype=float32)
    """

    def build(self, input_shape):
        self.branch_weights = self.add_weight(
            shape=(2,), initializer="ones", trainable=False, name="branch_weights"
        )

    def call(self, inputs):
        first, second = inputs
        return self.branch_weights[0] * first + self.branch_weights[1] * second

    def compute_output_shape(self, input_shape):
        return input_shape[0]
