"""Model files: the Keras network as bytes, and safe loading with skops.

A fitted :class:`~sklstm.LSTMTextClassifier` keeps its network as a ``.keras``
archive (bytes) in its state, so pickle, joblib and skops all store the same
thing. Reading the archive back never runs code from the file: Keras' safe mode
is forced on, whatever the process-wide setting. The skops side trusts only
sklstm's own types, named in :data:`SKLSTM_TYPES`.
"""

import json
import tempfile
import zipfile
from pathlib import Path

import keras

# The types sklstm adds to a skops file; scikit-learn, NumPy and the standard
# library types a pipeline holds are trusted by skops' defaults.
SKLSTM_TYPES = (
    "sklstm._tasks.MultiLabelTask",
    "sklstm._tasks.RegressionTask",
    "sklstm._tasks.SingleLabelTask",
    "sklstm.classifier.LSTMTextClassifier",
    "sklstm.regressor.LSTMTextRegressor",
    "sklstm.tokenizer.KerasTokenizerTransformer",
    "sklstm.vectors.WordVectors",
)


def _first_cause(exc):
    """The first sentence of the innermost error: Keras wraps the one that says why."""
    while exc.__cause__ or exc.__context__:
        exc = exc.__cause__ or exc.__context__
    message = str(exc).strip() or type(exc).__name__
    return message.split(". ")[0].rstrip(".") + "."


def keras_model_to_bytes(model):
    """The network as the bytes of a ``.keras`` archive, readable on any backend."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return path.read_bytes()


def keras_model_from_bytes(data):
    """Rebuild a network from :func:`keras_model_to_bytes`' output, in safe mode.

    ``load_model(safe_mode=True)`` alone is not enough: after
    ``keras.config.enable_unsafe_deserialization()`` the process-wide switch
    wins over the argument. Keras has no public way to force safe mode back on,
    hence its private scope.
    """
    from keras.src.saving.serialization_lib import SafeModeScope

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        path.write_bytes(data)
        try:
            with SafeModeScope(True):
                return keras.saving.load_model(path, safe_mode=True)
        except (TypeError, ValueError, zipfile.BadZipFile) as exc:
            raise ValueError(
                "The Keras network in this model file was refused: "
                f"{_first_cause(exc)} sklstm reads networks in Keras' safe "
                "mode only, so a file that needs code of its own (a Lambda "
                "layer, an unregistered class) cannot be loaded. Retrain the "
                "model, or open the file only if you trust where it comes from."
            ) from exc


def load_model_file(path):
    """Load a skops model file, trusting only sklstm's own types.

    Parameters
    ----------
    path : str or path-like
        A file written by ``skops.io.dump``.

    Returns
    -------
    model : object
        The stored estimator.

    Raises
    ------
    ValueError
        When the file is not a skops file, or holds types that are neither
        skops' defaults nor sklstm's.
    """
    import skops.io
    from skops.io.exceptions import UntrustedTypesFoundException

    try:
        return skops.io.load(path, trusted=list(SKLSTM_TYPES))
    except UntrustedTypesFoundException as exc:
        raise ValueError(
            f"{path} holds types that sklstm does not trust: {exc}. Load it "
            "with skops.io.load(path, trusted=[...]) after checking them with "
            "skops.io.get_untrusted_types, if you trust the file."
        ) from exc
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as exc:
        raise ValueError(
            f"{path} is not a model file: sklstm reads the skops files that "
            "'sklstm train' and skops.io.dump write."
        ) from exc
