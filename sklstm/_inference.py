"""Prediction that reads a Keras model's weights and never writes them.

Keras' ``predict_on_batch`` is not safe to call from several threads on the
JAX backend. Its compiled predict function takes the model's weights as an
argument *donated* to XLA (``jax.jit(..., donate_argnums=0)``) and hands back
new arrays that ``jax_state_sync`` assigns to the variables. Donation deletes
the buffers the variables hold while a call runs, so a second thread reading
them gets "Array has been deleted" or "Buffer has been deleted or donated", and
a call that fails between donation and write-back leaves the variables pointing
at deleted buffers: the model stays broken until refitted.

The fix is a stateless forward pass: :meth:`keras.Layer.stateless_call` on the
current weight values, which it reads and never donates or assigns. On JAX it
is compiled once per model with ``jax.jit`` (no donation); the TensorFlow and
other backends' ``predict_on_batch`` read their variables without replacing
them, and keep their own compiled graph.
"""

import keras

_ATTRIBUTE = "_sklstm_stateless_predict"


def _compiled_stateless_forward(model):
    import jax

    def forward(trainable, non_trainable, X):
        outputs, _ = model.stateless_call(trainable, non_trainable, X, training=False)
        return outputs

    compiled = jax.jit(forward)

    def predict(X):
        return compiled(
            [v.value for v in model.trainable_variables],
            [v.value for v in model.non_trainable_variables],
            X,
        )

    return predict


def _predict_function(model):
    """The model's thread-safe batch predict function, built on first use."""
    if keras.backend.backend() != "jax":
        return model.predict_on_batch
    predict = getattr(model, _ATTRIBUTE, None)
    if predict is None:
        # Stored on the model so that it lives and dies with it; two threads
        # racing here build two equivalent functions, and either may stay.
        predict = _compiled_stateless_forward(model)
        setattr(model, _ATTRIBUTE, predict)
    return predict


def predict_on_batch(model, X):
    """Class probabilities of one batch, as a numpy array, from any thread.

    Parameters
    ----------
    model : keras.Model
        A built model.
    X : ndarray
        One batch of inputs.

    Returns
    -------
    outputs : ndarray
        The model's outputs for ``X``.

    Examples
    --------
    >>> import keras, numpy as np
    >>> from sklstm._inference import predict_on_batch
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    >>> predict_on_batch(model, np.zeros((4, 3), "float32")).shape
    (4, 2)
    """
    return keras.ops.convert_to_numpy(_predict_function(model)(X))
