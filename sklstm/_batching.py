"""Mini-batches of token ids: seeded order, grouped by length, padding trimmed.

Both training and prediction cut their batches here. Trimming the columns that
are padding in every row of a batch is exact (the model masks padding), and
grouping texts of similar length into one batch makes most of the padding
trimmable: on IMDB, where reviews run from 10 to over 2,000 words, it removes most
of the time steps a fixed-width batch would compute.

Every distinct batch shape costs a trace of the train or predict function
(TensorFlow) or a compilation (JAX, whose executables are never freed), so the
trimmed width is padded up to one of a few bucket widths: 16, 32, 64, ...,
capped at the full width. A fit then compiles a bounded number of functions,
whatever the lengths of its texts.
"""

import logging
from contextlib import contextmanager

import numpy as np

# Texts per batch when predicting or evaluating.
PREDICT_BATCH_SIZE = 256

# The narrowest bucket; each next bucket is twice as wide.
MIN_WIDTH = 16

# Training batches are grouped by length within pools of this many batches, so
# that the batch order still varies from epoch to epoch.
POOL_BATCHES = 50


def sequence_lengths(X):
    """Number of real (non-padding) tokens in each row of ``X``."""
    return np.count_nonzero(X, axis=1)


def bucket_width(width, n_columns):
    """The smallest bucket width (16 times a power of two) holding ``width``.

    Never more than ``n_columns``, the full width, which is the last bucket.
    """
    bucket = MIN_WIDTH
    while bucket < width:
        bucket *= 2
    return min(bucket, n_columns)


def trim_padding(X):
    """Drop the columns at either end that are padding (0) in every row.

    The width kept is padded up to :func:`bucket_width` with columns of padding
    from ``X`` itself, and is at least 1, so that a batch of empty texts still
    has a shape the model accepts.
    """
    n_columns = X.shape[1]
    used = np.flatnonzero(X.any(axis=0))
    if used.size == 0:
        return X[:, :1]
    first, stop = int(used[0]), int(used[-1]) + 1
    width = bucket_width(stop - first, n_columns)
    first = min(first, n_columns - width)
    return X[:, first : first + width]


class _RetracingWarningFilter(logging.Filter):
    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


@contextmanager
def expected_retracing():
    """Silence TensorFlow's retracing warning while sklstm runs its batches.

    TensorFlow warns when a function's recent calls often retrace, counting
    across every model built in the process. A grid search builds one model per
    fit, each traced anew, and every bucket width is one more trace: bounded
    and expected, so the warning's advice does not apply. Other messages of the
    ``tensorflow`` logger still pass; the logger is untouched afterwards.
    """
    logger = logging.getLogger("tensorflow")
    retracing_filter = _RetracingWarningFilter()
    logger.addFilter(retracing_filter)
    try:
        yield
    finally:
        logger.removeFilter(retracing_filter)


def training_batches(lengths, batch_size, rng):
    """Index arrays of one epoch's batches, in a random, length-grouped order.

    Parameters
    ----------
    lengths : ndarray of shape (n_samples,)
        Real length of every training text.
    batch_size : int
        Texts per batch; the last batch of a pool may be smaller.
    rng : numpy.random.Generator
        Source of the epoch's order.

    Returns
    -------
    batches : list of ndarray
        Row indices of each batch.
    """
    order = rng.permutation(len(lengths))
    pool_size = batch_size * POOL_BATCHES
    batches = []
    for start in range(0, len(order), pool_size):
        pool = order[start : start + pool_size]
        # A stable sort keeps the random order among texts of equal length.
        pool = pool[np.argsort(lengths[pool], kind="stable")]
        batches.extend(np.array_split(pool, range(batch_size, len(pool), batch_size)))
    return [batches[i] for i in rng.permutation(len(batches))]


def inference_batches(lengths, batch_size):
    """Index arrays of batches for prediction, each holding texts of like length."""
    order = np.argsort(lengths, kind="stable")
    return np.array_split(order, range(batch_size, len(order), batch_size))


def add_weighted_logs(totals, logs, n):
    """Add ``n`` times each of a batch's ``logs`` to the running ``totals``."""
    for name, value in logs.items():
        totals[name] = totals.get(name, 0.0) + value * n


def evaluate_in_batches(model, data, batch_size):
    """Sample-weighted mean of ``model.test_on_batch``'s logs over ``data``.

    Parameters
    ----------
    model : keras.Model
        A compiled model.
    data : tuple of (ids, targets, weights)
        The texts' token ids, encoded targets and sample weights.
    batch_size : int
        Texts per batch; batches group texts of like length.

    Returns
    -------
    logs : dict of str to float
        Each metric's mean over the texts.
    """
    X, y, weights = data
    totals = {}
    for index in inference_batches(sequence_lengths(X), batch_size):
        logs = model.test_on_batch(
            trim_padding(X[index]), y[index], weights[index], return_dict=True
        )
        add_weighted_logs(totals, logs, len(index))
    return {name: total / len(y) for name, total in totals.items()}
