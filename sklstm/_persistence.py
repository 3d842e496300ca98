"""Model files: the Keras network as bytes, and safe loading with skops.

A fitted :class:`~sklstm.LSTMTextClassifier` keeps its network as a ``.keras``
archive (bytes) in its state, so pickle, joblib and skops all store the same
thing. Reading the archive back never runs code from the file: Keras' safe mode
is forced on, whatever the process-wide setting. The skops side trusts only
sklstm's own types, named in :data:`SKLSTM_TYPES`.

The archive holds what prediction needs, compressed:

- the optimizer's state (Adam's two moments per weight, twice the network's
  size) is left out unless :func:`optimizer_state_kept` asks for it, for a
  model that will train on (``warm_start``, ``partial_fit``); without it,
  training on starts the optimizer afresh, as a new ``fit`` would;
- the n-gram branch's table has a row per hashed n-gram bucket (``2**20``), of
  which training touches only those of the training texts' n-grams: the rest
  stay exactly zero (their initial value) and their document frequencies the
  constant of an unseen n-gram, which zlib compresses to almost nothing. The
  archive is restored byte for byte, so predictions are identical.
"""

import contextvars
import json
import tempfile
import warnings
import zipfile
import zlib
from contextlib import contextmanager
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


_KEEP_OPTIMIZER = contextvars.ContextVar("sklstm_keep_optimizer", default=False)
# Refuse to inflate a network beyond this: a crafted file must not fill memory.
MAX_NETWORK_BYTES = 16 << 30
# A .keras archive is a zip file; older model files hold it uncompressed.
_ZIP_MAGIC = b"PK"


@contextmanager
def optimizer_state_kept():
    """Keep the optimizer's state in the models saved within the block.

    By default a saved model holds what prediction needs; its optimizer's
    state (Adam's moments) is left out, which makes the file about a third of
    the size. Keep it for a model that will go on training with the same
    moments (``warm_start=True`` or ``partial_fit`` after loading).

    Examples
    --------
    >>> import pickle
    >>> from sklstm import LSTMTextClassifier, optimizer_state_kept
    >>> X, y = [[1, 2, 3], [3, 2, 0], [4, 5, 0], [5, 4, 6]] * 4, [0, 0, 1, 1] * 4
    >>> clf = LSTMTextClassifier(embedding_dim=4, lstm_units=2, epochs=1,
    ...                          ngram_buckets=16, random_state=0).fit(X, y)
    >>> lean = pickle.dumps(clf)
    >>> with optimizer_state_kept():
    ...     full = pickle.dumps(clf)
    >>> len(lean) < len(full)
    True
    """
    token = _KEEP_OPTIMIZER.set(True)
    try:
        yield
    finally:
        _KEEP_OPTIMIZER.reset(token)


def _save_archive(model, path, include_optimizer):
    if include_optimizer or getattr(model, "optimizer", None) is None:
        model.save(path)
        return
    # Keras saves what the model's attributes reach; its compile settings stay,
    # so the loaded model is compiled with a fresh optimizer.
    optimizer = model.optimizer
    model.optimizer = None
    try:
        model.save(path)
    finally:
        model.optimizer = optimizer


def keras_model_to_bytes(model, include_optimizer=None):
    """The network as a compressed ``.keras`` archive, readable on any backend.

    ``include_optimizer`` None follows :func:`optimizer_state_kept`.
    """
    if include_optimizer is None:
        include_optimizer = _KEEP_OPTIMIZER.get()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        _save_archive(model, path, include_optimizer)
        return zlib.compress(path.read_bytes())


def _inflate(data):
    """The archive's bytes, whether stored compressed or (older files) not."""
    if data[: len(_ZIP_MAGIC)] == _ZIP_MAGIC:
        return data
    inflater = zlib.decompressobj()
    try:
        archive = inflater.decompress(data, MAX_NETWORK_BYTES)
    except zlib.error as exc:
        raise ValueError(
            f"The Keras network in this model file is damaged: {exc}."
        ) from exc
    if inflater.unconsumed_tail:
        raise ValueError(
            "The Keras network in this model file inflates beyond "
            f"{MAX_NETWORK_BYTES:,} bytes; sklstm refuses it."
        )
    return archive


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
        path.write_bytes(_inflate(data))
        try:
            with SafeModeScope(True), warnings.catch_warnings():
                # A file saved without the optimizer's state: it starts afresh.
                warnings.filterwarnings(
                    "ignore", "Skipping variable loading for optimizer"
                )
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
