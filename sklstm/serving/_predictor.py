"""The exported pipeline as a predictor: tokenizer core, onnxruntime, NumPy.

Nothing here imports scikit-learn, pandas, Keras, TensorFlow or JAX. The ids
come from :func:`sklstm._tokenize.texts_to_ids`, the function that
:class:`~sklstm.KerasTokenizerTransformer` calls, with the settings the export
wrote; the batches and the padding trimmed from them from
:mod:`sklstm._batching`, as the estimators predict (in smaller batches);
and the answers from :mod:`sklstm._outputs`, as the estimators' tasks give
them.
"""

from pathlib import Path

import numpy as np

from sklstm import _tokenize
from sklstm._batching import inference_batches, sequence_lengths, trim_padding
from sklstm._outputs import (
    labels_at_threshold,
    most_probable,
    normalized_probabilities,
    restored_targets,
)
from sklstm._text_input import check_texts
from sklstm.serving._folder import (
    CHECKED_FILES,
    FORMAT_VERSION,
    METADATA_FILE,
    MODEL_FILE,
    TOKENIZER_FILE,
    read_json,
    sha256,
)

# Texts per batch. The converted LSTMs are ONNX Loops, which step through the
# widest text of a batch: smaller batches of like-length texts trim more
# padding: on SMS Spam, 64 texts per batch gave a far higher throughput than
# the estimators' 256 (bench_serving.py measures the batch throughput).
BATCH_SIZE = 64


class _SingleLabel:
    """One class per text: normalised softmax, most probable class."""

    def __init__(self, metadata):
        self.classes_ = np.asarray(metadata["classes"], dtype=metadata["classes_dtype"])

    def probabilities(self, outputs):
        return normalized_probabilities(outputs)

    def decide(self, outputs):
        return most_probable(outputs, self.classes_)


class _MultiLabel:
    """Several labels per text: each sigmoid output, and the threshold's verdict."""

    def __init__(self, metadata):
        self.classes_ = np.arange(metadata["n_outputs"])
        self._dtype = metadata["labels_dtype"]

    def probabilities(self, outputs):
        return outputs.astype(np.float64)

    def decide(self, outputs):
        return labels_at_threshold(outputs, self._dtype)


class _Regression:
    """Numbers per text: the outputs restored to the targets' units."""

    def __init__(self, metadata):
        self._mean = np.asarray(metadata["target_mean"], dtype=np.float64)
        self._scale = np.asarray(metadata["target_scale"], dtype=np.float64)
        self._one_dimensional = metadata["one_dimensional"]

    def decide(self, outputs):
        return restored_targets(outputs, self._mean, self._scale, self._one_dimensional)


_TASKS = {
    "single_label": _SingleLabel,
    "multi_label": _MultiLabel,
    "regression": _Regression,
}


def _session(path, n_threads):
    """An onnxruntime session on the CPU whose idle threads sleep.

    onnxruntime's threads busy-wait for work by default, which on a machine
    shared with other processes (a web server's, say) halves its throughput.
    """
    try:
        import onnxruntime
    except ImportError:
        raise ImportError(
            "sklstm.serving needs onnxruntime: pip install 'sklstm[serve]' (or "
            "numpy and onnxruntime alone, beside sklstm installed with --no-deps)."
        ) from None
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 0 if n_threads is None else n_threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(
        str(path), options, providers=["CPUExecutionProvider"]
    )


def _check_folder(folder, metadata):
    """Refuse a folder of another format version or with altered files."""
    version = metadata.get("format_version")
    if version != FORMAT_VERSION:
        raise ValueError(
            f"{folder} holds an export of format version {version!r}; this "
            f"sklstm reads version {FORMAT_VERSION}. Export the model again with "
            "this sklstm, or serve it with the sklstm that exported it."
        )
    for name in CHECKED_FILES:
        if sha256(folder / name) != metadata["sha256"][name]:
            raise ValueError(
                f"{folder / name} does not match the checksum in {METADATA_FILE}: "
                "the file was changed or damaged after the export. Export the "
                "model again."
            )


def _read_folder(folder):
    """The metadata and tokenizer settings of an exported folder, checked."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"{folder} is not a folder; sklstm.serving.load reads the folder that "
            "sklstm.export.export_pipeline (or 'sklstm export') writes."
        )
    missing = [n for n in (METADATA_FILE, *CHECKED_FILES) if not (folder / n).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{folder} lacks {', '.join(missing)}: it is not a complete sklstm "
            "export. Export the model again."
        )
    metadata = read_json(folder / METADATA_FILE)
    _check_folder(folder, metadata)
    return metadata, read_json(folder / TOKENIZER_FILE)


class Predictor:
    """An exported sklstm pipeline: raw texts in, predictions out.

    Made by :func:`load`; it needs NumPy and onnxruntime only. Its answers
    are the fitted pipeline's: the export checked them against
    ``predict_proba`` (or ``predict``, for a regressor). All methods may be
    called from several threads at once.

    Parameters
    ----------
    session : onnxruntime.InferenceSession
        The network.
    tokenizer : dict
        The tokenizer's settings and vocabulary, as the export wrote them.
    metadata : dict
        The export's metadata.

    Attributes
    ----------
    metadata : dict
        What the export recorded: ``task``, ``classes``, ``vocab_size``,
        ``oov_id``, the versions of the libraries it ran with, the self-check's
        largest difference, and the files' checksums.
    task : {"single_label", "multi_label", "regression"}
        What the pipeline predicts.
    classes_ : ndarray of shape (n_classes,)
        The class labels, in the order of the ``predict_proba`` columns (label
        column indices for several labels per text). A regressor has none.

    Examples
    --------
    >>> from sklstm.serving import load
    >>> predictor = load("exported_model")  # doctest: +SKIP
    >>> predictor.predict(["free entry to win a prize"])  # doctest: +SKIP
    array(['spam'], dtype=object)
    """

    def __init__(self, session, tokenizer, metadata):
        self._session = session
        self._input_name = session.get_inputs()[0].name
        self.metadata = metadata
        self.task = metadata["task"]
        self._decoder = _TASKS[self.task](metadata)
        self._analyze = _tokenize.make_analyzer(
            tokenizer["filters"],
            tokenizer["lower"],
            tokenizer["split"],
            tokenizer["char_level"],
        )
        self._lookup = _tokenize.lookup_from_items(
            tokenizer["tokens"],
            np.asarray(tokenizer["ids"], dtype=_tokenize.ID_DTYPE),
            tokenizer["tokens_as_bytes"],
        )
        self._encoding = {
            name: tokenizer[name]
            for name in ("id_limit", "oov_index", "width", "padding", "truncating")
        }

    @property
    def classes_(self):
        if not hasattr(self._decoder, "classes_"):
            raise AttributeError("A regressor has no classes_.")
        return self._decoder.classes_

    def token_ids(self, texts):
        """The ids the network reads: the tokenizer's, past the embedding -> OOV.

        Parameters
        ----------
        texts : list of str
            Texts to encode.

        Returns
        -------
        ids : ndarray of int32 of shape (n_texts, width)
        """
        ids = _tokenize.texts_to_ids(
            check_texts(texts, "texts"),
            self._analyze,
            self._lookup,
            dtype=np.int32,
            **self._encoding,
        )
        # The estimator reads ids its embedding has no row for as the OOV id.
        beyond = ids >= self.metadata["vocab_size"]
        return np.where(beyond, self.metadata["oov_id"], ids).astype(np.int32)

    def _outputs(self, texts):
        ids = self.token_ids(texts)
        outputs = np.empty((len(ids), self.metadata["n_outputs"]), dtype=np.float32)
        for index in inference_batches(sequence_lengths(ids), BATCH_SIZE):
            batch = {self._input_name: trim_padding(ids[index])}
            outputs[index] = self._session.run(None, batch)[0]
        return outputs

    def _check_probabilities(self):
        """A classifier's decoder has probabilities; a regressor's has none."""
        if not hasattr(self._decoder, "probabilities"):
            raise AttributeError("A regressor has no predict_proba; use predict.")

    def predict_proba(self, texts):
        """Probability of each class (or label), columns in the order of ``classes_``.

        Parameters
        ----------
        texts : list of str
            Texts to classify.

        Returns
        -------
        proba : ndarray of shape (n_texts, n_classes)
            What the pipeline's ``predict_proba`` gives, within the export's
            tolerance.
        """
        self._check_probabilities()
        return self._decoder.probabilities(self._outputs(texts))

    def predict_with_proba(self, texts):
        """``predict`` and ``predict_proba`` together, from one pass of the network.

        Parameters
        ----------
        texts : list of str
            Texts to classify.

        Returns
        -------
        y_pred : ndarray of shape (n_texts,) or (n_texts, n_labels)
            As :meth:`predict` returns it.
        proba : ndarray of shape (n_texts, n_classes)
            As :meth:`predict_proba` returns it.
        """
        self._check_probabilities()
        outputs = self._outputs(texts)
        return self._decoder.decide(outputs), self._decoder.probabilities(outputs)

    def predict(self, texts):
        """The pipeline's ``predict``: classes, label indicator rows or numbers.

        Parameters
        ----------
        texts : list of str
            Texts to predict for.

        Returns
        -------
        y_pred : ndarray of shape (n_texts,) or (n_texts, n_outputs)
        """
        return self._decoder.decide(self._outputs(texts))


def load(path, *, n_threads=None):
    """Load a folder that :func:`sklstm.export.export_pipeline` wrote.

    Parameters
    ----------
    path : str or path-like
        The exported folder.
    n_threads : int, default=None
        Threads onnxruntime computes one batch with; None lets it use one per
        core. A web server answering several requests at once runs well with
        1 to 2. Idle threads sleep rather than spin either way.

    Returns
    -------
    predictor : Predictor
        With ``predict``, ``predict_proba`` and ``classes_``.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not an exported folder.
    ValueError
        If the folder is of another format version or a file's checksum does
        not match the metadata.
    """
    if n_threads is not None and (not isinstance(n_threads, int) or n_threads < 1):
        raise ValueError(f"n_threads must be None or an int >= 1, got {n_threads!r}.")
    metadata, tokenizer = _read_folder(path)
    session = _session(Path(path) / MODEL_FILE, n_threads)
    return Predictor(session, tokenizer, metadata)
