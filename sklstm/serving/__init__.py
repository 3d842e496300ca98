"""Serve an exported sklstm pipeline with NumPy and onnxruntime alone.

:func:`load` reads the folder that :func:`sklstm.export.export_pipeline` (or
``sklstm export``) writes and returns a :class:`Predictor`. This package
imports neither scikit-learn, pandas, Keras, TensorFlow nor JAX, so a serving
image needs only ``numpy``, ``onnxruntime`` and sklstm installed with
``pip install --no-deps sklstm``. The HTTP service of ``sklstm serve`` lives in
``sklstm.serving._app``, which only that command imports.
"""

from sklstm.serving._predictor import Predictor, load

__all__ = ["Predictor", "load"]
