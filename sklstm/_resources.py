"""Memory and threads a fit will need, checked before anything is allocated.

A type-valid but huge parameter (``embedding_dim=10**6``, ``ngram_buckets``
of ``2**30``, 500 classes beside the default ``2**20`` buckets) would
otherwise end in TensorFlow's ``ResourceExhaustedError``, a ``MemoryError``
or the operating system killing the process, after the work has started.
So ``fit`` estimates, from the parameters and the data, the memory the model
needs to train, and refuses a model that needs more than is reasonable:

- **reasonable** is half of the memory available when ``fit`` starts
  (:data:`MEMORY_SHARE`): the process also needs room for the data, the
  backend's runtime and its compiled functions, and a search runs several
  fits side by side. A fixed number would refuse fits that a large machine
  holds easily, or let through fits that a small one cannot;
- **the estimate** counts 4-byte floats: each trained weight five times (the
  weight, its gradient, Adam's two moments and the update's temporaries, as
  measured), each frozen one once, and the
  activations of one batch twice (the forward values and their gradients);
  Keras' temporary buffers come on top, so the estimate errs low, and
  nothing reasonable is refused.

:func:`check_n_threads` bounds ``n_threads`` as well: a thread pool of a
billion threads cannot be made.
"""

import os

import numpy as np

from sklstm._batching import PREDICT_BATCH_SIZE
from sklstm.vectors import WordVectors

# Bytes of a float32 weight or activation.
BYTES_PER_FLOAT = 4
# A trained weight, its gradient, Adam's two moments and the update's
# temporaries: a fit of 50 classes beside 2**20 n-gram buckets grew the
# process by 5.2 floats per weight of its n-gram table.
COPIES_PER_TRAINED_WEIGHT = 5
# Share of the memory available when fit starts that one fit may plan for.
MEMORY_SHARE = 0.5
# Most threads per CPU core that n_threads may ask for: beyond a few per
# core, threads only wait for each other, and each reserves a stack.
THREADS_PER_CORE = 4


def available_memory():
    """Bytes of memory available to a new allocation now, or None where unknown.

    Linux's ``MemAvailable`` (free memory plus the caches it can drop), else
    psutil's figure where psutil is installed.
    """
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        import psutil
    except ImportError:
        return None
    return psutil.virtual_memory().available


def _gib(n_bytes):
    return f"{n_bytes / 2**30:,.1f} GiB"


def _recurrent_weights(cell, input_dim, units):
    """Weights of one LSTM or GRU layer (one direction)."""
    gates = 4 if cell == "lstm" else 3
    # Keras' GRU (reset_after=True) has a second bias per gate.
    biases = gates * units * (1 if cell == "lstm" else 2)
    return gates * units * (input_dim + units) + biases


def _units(lstm_units):
    return (lstm_units,) if isinstance(lstm_units, int) else tuple(lstm_units)


def ngram_features(width, ngram_order):
    """Features of a text ``width`` tokens wide: its tokens and n-grams."""
    return sum(width - n + 1 for n in range(1, min(ngram_order, width) + 1))


def estimate_fit_memory(estimator, *, n_samples, width, vocab_size, n_outputs):
    """The memory parts of training ``estimator``'s model, in bytes.

    Parameters
    ----------
    estimator : BaseTextNetwork
        Its parameters (``embedding_dim``, ``lstm_units``, ``ngram_buckets``,
        ``batch_size``...). The default network is counted only when
        ``model`` is None; a user's network is not known before it is built.
    n_samples : int
        Training texts: no batch is larger.
    width : int
        Token ids per text (columns of ``X``).
    vocab_size : int
        Rows of the embedding matrix (``vocab_size_``).
    n_outputs : int
        Scores per text (classes, labels or targets).

    Returns
    -------
    parts : list of (str, int, str)
        What takes memory, its bytes, and the parameters that change it.
    """
    parts = []
    per_text = 0
    if estimator.model is None:
        embedding, dim = _embedding_floats(estimator, vocab_size)
        steps = min(width, estimator.lstm_maxlen or width)
        directions = 2 if estimator.bidirectional else 1
        recurrent, input_dim = 0, dim
        for units in _units(estimator.lstm_units):
            recurrent += directions * _recurrent_weights(
                estimator.cell, input_dim, units
            )
            # Each step keeps its gates, its state and its output per direction.
            per_text += steps * directions * 7 * units
            input_dim = directions * units
        recurrent += (input_dim + 1) * n_outputs
        per_text += steps * dim
        parts += [
            (
                "the embedding matrix",
                embedding,
                "embedding_dim, or vocab_size (the tokenizer's num_words)",
            ),
            (
                "the recurrent layers",
                recurrent * COPIES_PER_TRAINED_WEIGHT,
                "lstm_units",
            ),
        ]
    if estimator.ngram_order is not None:
        rows = vocab_size + (
            estimator.ngram_buckets if estimator.ngram_order > 1 else 0
        )
        parts.append(
            (
                f"the n-gram table ({rows:,} rows x {n_outputs:,} outputs)",
                rows * (n_outputs * COPIES_PER_TRAINED_WEIGHT + 1),
                "ngram_buckets (2**18 suits many classes), or ngram_order=None",
            )
        )
        features = ngram_features(width, estimator.ngram_order)
        # Each feature's id, its sorted copy and masks, and its row of scores.
        per_text += features * (6 + n_outputs)
    # A training batch keeps its activations and their gradients; a
    # prediction batch (of any later data) only the activations.
    batch = max(2 * min(estimator.batch_size, n_samples), PREDICT_BATCH_SIZE)
    parts.append(
        (
            f"the activations of a batch (batch_size={estimator.batch_size}, "
            f"and {PREDICT_BATCH_SIZE} texts to predict)",
            batch * per_text,
            "batch_size, lstm_maxlen (or the tokenizer's maxlen), lstm_units "
            "or embedding_dim",
        )
    )
    return [(what, n * BYTES_PER_FLOAT, change) for what, n, change in parts]


def _embedding_floats(estimator, vocab_size):
    """Floats of the embedding matrices, and the width of a token's vector."""
    if estimator.embeddings is None:
        dim = estimator.embedding_dim
        return vocab_size * dim * COPIES_PER_TRAINED_WEIGHT, dim
    embeddings = estimator.embeddings
    pretrained = (
        embeddings.dim
        if isinstance(embeddings, WordVectors)
        else int(np.shape(embeddings)[1])
    )
    if estimator._trainable_embeddings():
        return vocab_size * pretrained * COPIES_PER_TRAINED_WEIGHT, pretrained
    # Frozen vectors, beside learned ones for (at most) every row.
    learned = estimator.embedding_dim
    floats = vocab_size * (pretrained + learned * COPIES_PER_TRAINED_WEIGHT)
    return floats, pretrained + learned


def check_fit_memory(estimator, *, n_samples, width, vocab_size, n_outputs, limit=None):
    """Refuse a model whose training would need more memory than is reasonable.

    Parameters
    ----------
    estimator : BaseTextNetwork
        The estimator about to build its model.
    n_samples, width, vocab_size, n_outputs : int
        See :func:`estimate_fit_memory`.
    limit : int, default=None
        Bytes allowed; None takes :data:`MEMORY_SHARE` of
        :func:`available_memory` (no check where that is unknown).

    Raises
    ------
    ValueError
        With the estimate, the limit, the largest part and the parameters
        that shrink it.
    """
    parts = estimate_fit_memory(
        estimator,
        n_samples=n_samples,
        width=width,
        vocab_size=vocab_size,
        n_outputs=n_outputs,
    )
    what, n_bytes, change = max(parts, key=lambda part: part[1])
    check_memory(
        sum(n_bytes for _, n_bytes, _ in parts),
        "This model would need",
        f"The largest part is {what}: {_gib(n_bytes)}. Lower {change}.",
        limit=limit,
    )


def check_memory(n_bytes, what, remedy, *, limit=None):
    """Refuse to allocate ``n_bytes`` beyond :data:`MEMORY_SHARE` of what is free.

    Parameters
    ----------
    n_bytes : int
        The bytes the work would take.
    what : str
        The start of the message: ``"This model would need"``.
    remedy : str
        The end of the message: what to change.
    limit : int, default=None
        Bytes allowed; None takes :data:`MEMORY_SHARE` of
        :func:`available_memory` (no check where that is unknown).

    Raises
    ------
    ValueError
        With the bytes asked for, the limit and why, and ``remedy``.
    """
    if limit is None:
        memory = available_memory()
        if memory is None:
            return
        limit = int(MEMORY_SHARE * memory)
    if n_bytes > limit:
        raise ValueError(
            f"{what} at least {_gib(n_bytes)} of memory, more than the "
            f"{_gib(limit)} allowed ({MEMORY_SHARE:.0%} of the memory available "
            f"now: the data, the backend and other fits need the rest). {remedy}"
        )


def check_n_threads(n_threads):
    """Refuse an ``n_threads`` far beyond this machine's cores.

    Raises
    ------
    ValueError
        For more than :data:`THREADS_PER_CORE` threads per core.
    """
    cores = os.cpu_count() or 1
    if n_threads is not None and n_threads > THREADS_PER_CORE * cores:
        raise ValueError(
            f"n_threads={n_threads} is more than {THREADS_PER_CORE} threads per "
            f"core of this machine's {cores}: extra threads only wait for each "
            "other, and each reserves memory for its stack. Set n_threads to at "
            f"most {THREADS_PER_CORE * cores}, or None for the process's share."
        )
