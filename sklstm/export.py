"""Export a fitted pipeline to a folder that serves without TensorFlow.

:func:`export_pipeline` writes the network as an ONNX graph, the tokenizer's
settings and vocabulary as JSON, and metadata (task, classes, vocabulary size,
OOV id, versions, checksums), then loads the folder with
:func:`sklstm.serving.load` and checks its answers against the pipeline's
before it keeps the folder. Converting the network needs the ``export`` extra
(``pip install 'sklstm[export]'``: tf2onnx, onnx, onnxruntime) and Keras'
TensorFlow backend; a pipeline fitted on JAX is converted in a TensorFlow
subprocess, since a saved Keras model loads on either backend.
"""

import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import warnings
from contextlib import contextmanager
from importlib import metadata as package_metadata
from numbers import Real
from pathlib import Path

import keras
import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from sklstm import __version__, _tokenize
from sklstm._base import BaseTextNetwork
from sklstm._classifier_input import OOV_ID
from sklstm._persistence import keras_model_to_bytes
from sklstm.serving import load
from sklstm.serving._folder import (
    CHECKED_FILES,
    FORMAT_VERSION,
    METADATA_FILE,
    MODEL_FILE,
    TOKENIZER_FILE,
    sha256,
    write_json,
)
from sklstm.tokenizer import KerasTokenizerTransformer

# Texts every self-check includes: nothing at all, nothing but filtered
# characters, words no vocabulary holds, other scripts and a lone surrogate.
_EDGE_TEXTS = (
    "",
    "   ",
    "!!! ??? ...",
    "zzqx unseenword qwxz",
    "Caf\u00e9 \u6771\u4eac \U0001f642 na\u00efve",
    "broken \ud800 surrogate",
)

# The libraries whose versions the metadata records, when installed.
_LIBRARIES = ("keras", "tensorflow", "jax", "tf2onnx", "onnx", "onnxruntime", "numpy")


def _check_pipeline(pipeline):
    """The fitted tokenizer and estimator of a two-step sklstm pipeline."""
    steps = getattr(pipeline, "steps", None)
    if not isinstance(pipeline, Pipeline) or len(steps) != 2:
        raise TypeError(
            "export_pipeline takes a fitted scikit-learn Pipeline of two steps, a "
            "KerasTokenizerTransformer and an LSTMTextClassifier or "
            f"LSTMTextRegressor; got {type(pipeline).__name__}"
            + (f" of {len(steps)} steps." if steps is not None else ".")
        )
    tokenizer, estimator = (step for _, step in steps)
    if not isinstance(tokenizer, KerasTokenizerTransformer) or not isinstance(
        estimator, BaseTextNetwork
    ):
        raise TypeError(
            "export_pipeline exports a KerasTokenizerTransformer followed by an "
            "LSTMTextClassifier or LSTMTextRegressor; the pipeline's steps are "
            f"{type(tokenizer).__name__} and {type(estimator).__name__}."
        )
    check_is_fitted(tokenizer)
    check_is_fitted(estimator)
    return tokenizer, estimator


def _tokenizer_record(tokenizer):
    """The tokenizer's settings and token -> id table, as the predictor reads them."""
    *packed_tokens, ids, as_bytes = _tokenize.lookup_items(tokenizer._lookup_)
    # JSON holds the tokens as a list of strings; model files pack them.
    tokens = _tokenize.unpack_texts(*packed_tokens)
    layout = tokenizer._layout()
    return {
        "filters": tokenizer.filters,
        "lower": tokenizer.lower,
        "split": tokenizer.split,
        "char_level": tokenizer.char_level,
        "id_limit": tokenizer._id_limit(),
        "oov_index": tokenizer._oov_index(),
        "width": layout["width"],
        "padding": layout["padding"],
        "truncating": layout["truncating"],
        "tokens": tokens,
        "ids": ids.tolist(),
        "tokens_as_bytes": as_bytes,
    }


def _versions():
    versions = {"sklstm": __version__, "python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = package_metadata.version(name)
        except package_metadata.PackageNotFoundError:
            pass
    return versions


def _estimator_record(estimator):
    record = estimator._task.serving_record()
    try:
        json.dumps(record)
    except TypeError as exc:
        raise ValueError(
            "The estimator's classes cannot be written as JSON, which the export "
            f"stores them in ({exc}); fit it with str, int or bool labels."
        ) from exc
    return {
        **record,
        "n_outputs": int(estimator.n_outputs_),
        "vocab_size": int(estimator.vocab_size_),
        "oov_id": OOV_ID,
    }


def _sample_texts(tokenizer, n_texts, seed=0):
    """Texts for the self-check: the edge cases, and texts of the vocabulary.

    Their lengths run past the tokenizer's width, so that truncation and the
    network's window over long texts are checked too; about one word in ten
    is unknown to the vocabulary.
    """
    words = [w for i, w in sorted(tokenizer.index_word_.items()) if i > 1]
    words = words[: tokenizer.num_words or len(words)] or ["word"]
    rng = np.random.default_rng(seed)
    joiner = "" if tokenizer.char_level else tokenizer.split
    texts = list(_EDGE_TEXTS)
    for length in rng.integers(1, 2 * tokenizer.sequence_length_ + 2, n_texts):
        chosen = rng.choice(len(words), length)
        tokens = [words[i] if i % 10 else "qzxunknown" for i in chosen]
        texts.append(joiner.join(tokens))
    return texts


def _convert_saved_model(keras_path, onnx_path):
    """Convert a ``.keras`` file to ONNX on the TensorFlow backend (subprocess)."""
    import sklstm.layers  # noqa: F401  (registers sklstm's layers for loading)
    from sklstm._persistence import keras_model_from_bytes

    model = keras_model_from_bytes(Path(keras_path).read_bytes())
    _convert(model, onnx_path)


@contextmanager
def _quiet_converter():
    """Keep tf2onnx's progress notes and Keras' NumPy-2 patch warning off stderr.

    tf2onnx reports, as warnings, the variable assignments it removes from
    every LSTM when it freezes the graph: expected, and checked by the
    export's own comparison anyway.
    """
    logger = logging.getLogger("tf2onnx")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            yield
    finally:
        logger.setLevel(level)


def _convert(model, onnx_path, opset=None):
    # An explicit signature: an unpickled model has never been called, and
    # Keras cannot infer one then. Both axes stay dynamic.
    signature = [keras.InputSpec(shape=(None, None), dtype="int32")]
    with _quiet_converter():
        model.export(
            str(onnx_path),
            format="onnx",
            input_signature=signature,
            opset_version=opset,
            verbose=False,
        )


def _convert_in_tensorflow(model, onnx_path, opset):
    """Convert on the TensorFlow backend, in this process or a subprocess."""
    if keras.backend.backend() == "tensorflow":
        _convert(model, onnx_path, opset)
        return
    # JAX's ONNX path fails on these networks; TensorFlow reads the saved model.
    keras_path = Path(onnx_path).with_suffix(".keras")
    keras_path.write_bytes(keras_model_to_bytes(model))
    code = (
        "import sys; from sklstm.export import _convert_saved_model; "
        "_convert_saved_model(sys.argv[1], sys.argv[2])"
    )
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        [sys.executable, "-c", code, str(keras_path), str(onnx_path)],
        env=env,
        capture_output=True,
        text=True,
    )
    keras_path.unlink()
    if done.returncode:
        raise RuntimeError(
            "Converting the network to ONNX in a TensorFlow subprocess failed "
            f"(the export needs tensorflow and tf2onnx installed):\n{done.stderr}"
        )


def _largest_difference(pipeline, predictor, texts, scale):
    """The largest difference between the pipeline's answers and the export's.

    Probabilities for a classifier; for a regressor, predictions in units of
    the standardised targets (the network's own outputs).
    """
    method = "predict_proba" if hasattr(pipeline, "predict_proba") else "predict"
    expected = np.asarray(getattr(pipeline, method)(texts), dtype=np.float64)
    got = np.asarray(getattr(predictor, method)(texts), dtype=np.float64)
    return float(np.max(np.abs(expected - got) / scale))


def _check_arguments(path, tolerance, n_check_texts, sample_texts, overwrite):
    path = Path(path)
    if path.exists() and not (overwrite and path.is_dir()):
        raise FileExistsError(
            f"{path} already exists; choose a new folder, or pass overwrite=True "
            "(--overwrite) to replace an earlier export."
        )
    if not isinstance(tolerance, Real) or not 0 <= tolerance < 1:
        raise ValueError(f"tolerance must be a number in [0, 1), got {tolerance!r}.")
    if not isinstance(n_check_texts, int) or n_check_texts < 0:
        raise ValueError(f"n_check_texts must be an int >= 0, got {n_check_texts!r}.")
    if sample_texts is not None and (
        isinstance(sample_texts, str)
        or not all(isinstance(t, str) for t in sample_texts)
    ):
        raise TypeError("sample_texts must be a list of str, or None.")
    return path


def export_pipeline(
    pipeline,
    path,
    *,
    sample_texts=None,
    n_check_texts=200,
    tolerance=1e-5,
    opset=None,
    overwrite=False,
):
    """Write a fitted pipeline to a folder that serves without TensorFlow.

    The folder holds ``model.onnx`` (the network), ``tokenizer.json`` (the
    tokenizer's settings and vocabulary) and ``metadata.json`` (task, classes,
    vocabulary size, OOV id, library versions, the self-check's result and
    the SHA-256 of the other two files). :func:`sklstm.serving.load` reads it
    with NumPy and onnxruntime alone.

    Before the folder is kept, the export loads it and compares its answers
    with the pipeline's on the check texts: probabilities (``predict_proba``)
    for a classifier, predictions for a regressor, in units of the
    standardised targets. Above ``tolerance`` it removes what it wrote and
    raises.

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        A fitted pipeline of a :class:`~sklstm.KerasTokenizerTransformer` and
        an :class:`~sklstm.LSTMTextClassifier` (one label per text or several)
        or an :class:`~sklstm.LSTMTextRegressor`, fitted on any backend.
    path : str or path-like
        The folder to write; it must not exist unless ``overwrite``.
    sample_texts : list of str, default=None
        Texts to check the export on, besides the generated ones: typically
        a few real inputs.
    n_check_texts : int, default=200
        How many texts the export generates from the vocabulary to check on,
        besides a few edge cases (empty, unknown words, other scripts).
    tolerance : float, default=1e-5
        The largest absolute difference the check accepts.
    opset : int, default=None
        The ONNX opset; None takes the converter's default.
    overwrite : bool, default=False
        Replace an existing folder at ``path``.

    Returns
    -------
    metadata : dict
        What ``metadata.json`` holds.

    Raises
    ------
    ValueError
        If the export's answers differ from the pipeline's by more than
        ``tolerance``; nothing is left at ``path`` then.

    Examples
    --------
    >>> from sklstm.export import export_pipeline
    >>> export_pipeline(pipe, "exported_model")  # doctest: +SKIP
    >>> from sklstm.serving import load
    >>> load("exported_model").predict(["free entry to win a prize"])  # doctest: +SKIP
    """
    path = _check_arguments(path, tolerance, n_check_texts, sample_texts, overwrite)
    tokenizer, estimator = _check_pipeline(pipeline)
    record = _estimator_record(estimator)
    texts = _sample_texts(tokenizer, n_check_texts) + list(sample_texts or ())
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside its destination and renamed: a failed export leaves nothing.
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}-", dir=path.parent))
    try:
        metadata = _write_folder(staging, tokenizer, estimator, record, opset)
        scale = np.asarray(record.get("target_scale", 1.0))
        difference = _largest_difference(pipeline, load(staging), texts, scale)
        if not difference <= tolerance:
            raise ValueError(
                f"The exported model's answers differ from the pipeline's by up to "
                f"{difference:.3g} on {len(texts)} check texts, above tolerance="
                f"{tolerance:g}; the export was not kept. Report this with the "
                "versions of keras, tensorflow and tf2onnx."
            )
        metadata["self_check"] = {
            "texts": len(texts),
            "max_abs_difference": difference,
            "tolerance": tolerance,
        }
        write_json(staging / METADATA_FILE, metadata)
        if path.exists():
            shutil.rmtree(path)
        staging.rename(path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return metadata


def _write_folder(folder, tokenizer, estimator, record, opset):
    """Write the three files; return the metadata (without the self-check)."""
    _convert_in_tensorflow(estimator.model_, folder / MODEL_FILE, opset)
    write_json(folder / TOKENIZER_FILE, _tokenizer_record(tokenizer))
    metadata = {
        "format_version": FORMAT_VERSION,
        **record,
        "sequence_length": int(tokenizer.sequence_length_),
        "versions": _versions(),
        "sha256": {name: sha256(folder / name) for name in CHECKED_FILES},
    }
    write_json(folder / METADATA_FILE, metadata)
    return metadata
