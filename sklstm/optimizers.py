"""Adam with lazy updates of sparsely used rows.

A text network has two large tables that a batch only touches a few rows of:
the token embeddings and the n-gram branch's table (see
:class:`~sklstm.model.HashedNgramBag`), about a million rows. Keras' Adam updates
every row of both, and its moment estimates, on every step, a large share of a
step's time with many classes and long texts.
:class:`LazyAdam` updates only the rows a batch used, as
``tfa.optimizers.LazyAdam`` (TensorFlow Addons, Keras 2) did. Select it with
``LSTMTextClassifier(optimizer="lazy_adam")``.
"""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="sklstm")
class LazyAdam(keras.optimizers.Adam):
    """Adam that updates only the rows of a table a batch looked up.

    For a variable read with a lookup (an ``Embedding`` table, the n-gram
    table), the gradient says which rows the batch used. Plain Adam still
    decays the moment estimates of every other row and moves them by their
    momentum; LazyAdam leaves those rows, and their moments, as they are, and
    applies Adam's update, with the same bias correction, to the rows used.
    The cost of a step then grows with the rows used, not with the table.
    Every other variable (LSTM kernels, dense layers) gets plain Adam. A row
    looked up several times in a batch gets its summed gradient, whose square
    feeds the second moment (Keras' Adam squares each lookup's share instead).

    The n-gram stage of a fit uses it in place of Adam. As the whole fit's
    optimizer it fitted faster than Adam in the runs made so far, at an
    accuracy a few tenths of a point higher or lower depending on the dataset
    (see the changelog); measure it on your data.

    The backend decides what a lookup's gradient is: TensorFlow gives the rows
    used (``IndexedSlices``), so updates are lazy; JAX and PyTorch give a dense
    array, and this optimizer is then exactly :class:`keras.optimizers.Adam`.

    Parameters
    ----------
    learning_rate : float, default=0.001
        Step size.
    beta_1 : float, default=0.9
        Decay rate of the first moment estimates.
    beta_2 : float, default=0.999
        Decay rate of the second moment estimates.
    epsilon : float, default=1e-7
        Added to the square root of the second moment, for stability.
    **kwargs : dict
        Other arguments of :class:`keras.optimizers.Adam` (``clipnorm``,
        ``weight_decay``, ...). ``amsgrad=True`` makes every update dense.

    Examples
    --------
    >>> from sklstm import LSTMTextClassifier
    >>> from sklstm.optimizers import LazyAdam
    >>> LSTMTextClassifier(optimizer=LazyAdam, optimizer__beta_2=0.99)
    LSTMTextClassifier(optimizer=<class 'sklstm.optimizers.LazyAdam'>,
                       optimizer__beta_2=0.99)
    >>> LSTMTextClassifier(optimizer="lazy_adam")  # the same, by name
    LSTMTextClassifier(optimizer='lazy_adam')
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        name="lazy_adam",
        **kwargs,
    ):
        super().__init__(
            learning_rate=learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            name=name,
            **kwargs,
        )

    def update_step(self, gradient, variable, learning_rate):
        """Adam's step, on the rows used when the gradient names them."""
        rows_used = getattr(gradient, "indices", None)
        if rows_used is None or self.amsgrad:
            return super().update_step(gradient, variable, learning_rate)
        rows, gradient_rows = _summed_rows(gradient, variable.dtype)
        index = self._get_variable_index(variable)
        m, v = self._momentums[index], self._velocities[index]
        m_rows = _moving_average(ops.take(m, rows, axis=0), gradient_rows, self.beta_1)
        v_rows = _moving_average(
            ops.take(v, rows, axis=0), ops.square(gradient_rows), self.beta_2
        )
        step = ops.divide(
            ops.multiply(m_rows, self._bias_corrected_rate(learning_rate, variable)),
            ops.add(ops.sqrt(v_rows), self.epsilon),
        )
        # The gradient's own sparse type carries the rows back into the
        # variables in place (a scatter), with no backend import here.
        as_rows = _sparse_rows_like(gradient, rows)
        self.assign(m, as_rows(m_rows))
        self.assign(v, as_rows(v_rows))
        self.assign_sub(variable, as_rows(step))

    def _bias_corrected_rate(self, learning_rate, variable):
        dtype = variable.dtype
        step = ops.cast(self.iterations + 1, dtype)
        beta_1_power = ops.power(ops.cast(self.beta_1, dtype), step)
        beta_2_power = ops.power(ops.cast(self.beta_2, dtype), step)
        rate = ops.cast(learning_rate, dtype)
        return rate * ops.sqrt(1 - beta_2_power) / (1 - beta_1_power)


def _summed_rows(gradient, dtype):
    """The distinct rows a sparse gradient names, each with its summed gradient.

    A row looked up several times in a batch appears once per lookup; Adam's
    moments need the row's total gradient.
    """
    rows, position = ops.unique(gradient.indices, sorted=False, return_inverse=True)
    values = ops.cast(gradient.values, dtype)
    return rows, ops.segment_sum(values, position, num_segments=ops.shape(rows)[0])


def _moving_average(average, value, decay):
    return ops.add(ops.multiply(average, decay), ops.multiply(value, 1 - decay))


def _sparse_rows_like(gradient, rows):
    sparse_type, shape = type(gradient), gradient.dense_shape
    return lambda values: sparse_type(values, rows, shape)
