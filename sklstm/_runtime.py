"""The process a fit runs in: its thread budget, fork safety and memory.

A search runs many fits, in joblib's loky workers or on Dask workers, each its
own process. Three things about such a process matter to a fit:

- threads: TensorFlow and XLA size their pools for the whole machine, so n
  workers would oversubscribe the cores n times. ``limited_threads`` bounds a
  fit to the process's share: an explicit ``n_threads``, else the Dask
  worker's thread count, else, in a child process, ``OMP_NUM_THREADS``
  (which loky sets in its workers to ``cpu_count() // n_jobs``, or to
  ``inner_max_num_threads``). A main process is left unbounded even when it
  has ``OMP_NUM_THREADS``: starting a Dask ``LocalCluster`` sets it to 1 in
  the process that starts it.
  BLAS is bounded for the fit only (threadpoolctl); TensorFlow's and XLA's
  pools can only be sized before their runtime starts, once per process.
- fork: a process forked after its parent started TensorFlow or XLA hangs on
  its first computation; ``check_not_forked`` turns that hang into an error.
- memory: a Keras model is a web of reference cycles holding native memory
  (traced functions, compiled executables) that Python's garbage collector,
  which counts objects rather than bytes, frees late or never in a loop of
  fits. ``release_unreachable_models`` collects them before a new model is
  built; it frees only what nothing references, so models in use elsewhere in
  the process keep working.
"""

import contextlib
import functools
import gc
import multiprocessing
import os
import sys
import warnings

import keras
from threadpoolctl import threadpool_limits

from sklstm._resources import check_n_threads

_forked_after_start = False
_backend_pool_threads = None


def _backend_started():
    """Whether this process's Keras backend has started its native runtime."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        context = sys.modules.get("tensorflow.python.eager.context")
        return bool(context and context.context()._initialized)
    if backend == "jax":
        xla_bridge = sys.modules.get("jax._src.xla_bridge")
        return bool(xla_bridge and xla_bridge._backends)
    return False


def _remember_fork():
    global _forked_after_start
    _forked_after_start = _backend_started()


os.register_at_fork(after_in_child=_remember_fork)


def check_not_forked():
    """Raise instead of hanging in a process forked from a started runtime.

    Raises
    ------
    RuntimeError
        When this process was forked after its parent had started TensorFlow
        or XLA, as joblib's ``"multiprocessing"`` backend does.
    """
    if _forked_after_start:
        raise RuntimeError(
            "This process was forked from one whose "
            f"{keras.backend.backend()} runtime had already started (joblib's "
            '"multiprocessing" backend does this); training here would hang. '
            'Use joblib\'s default "loky" backend or the "dask" backend, which '
            "start fresh processes."
        )


def _dask_worker_threads():
    distributed = sys.modules.get("distributed")
    if distributed is None:
        return None
    try:
        return distributed.get_worker().state.nthreads
    except ValueError:
        return None


def thread_budget(n_threads=None):
    """Threads one fit may use: ``n_threads``, else the process's share.

    Parameters
    ----------
    n_threads : int or None, default=None
        An explicit budget; None looks for the one the process was given.

    Returns
    -------
    n_threads : int or None
        ``n_threads``, else the Dask worker's thread count when running in a
        Dask worker, else ``OMP_NUM_THREADS`` in a child process such as
        joblib's loky workers, else None: no bound, the libraries use every
        core.

    Examples
    --------
    >>> from sklstm._runtime import thread_budget
    >>> thread_budget(2)
    2
    """
    if n_threads is not None:
        check_n_threads(n_threads)
        return n_threads
    worker_threads = _dask_worker_threads()
    if worker_threads:
        return worker_threads
    if multiprocessing.parent_process() is None:
        return None
    value = os.environ.get("OMP_NUM_THREADS", "")
    return int(value) if value.isdigit() and int(value) > 0 else None


def _size_tensorflow_pools(n_threads):
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(n_threads)
    tf.config.threading.set_inter_op_parallelism_threads(n_threads)


def _size_xla_pools(n_threads):
    # XLA reads its flags when JAX creates its CPU client, at the first
    # computation; the flag only reaches this process's client.
    flags = os.environ.get("XLA_FLAGS", "")
    multi_thread = "true" if n_threads > 1 else "false"
    os.environ["XLA_FLAGS"] = (
        f"{flags} --xla_cpu_multi_thread_eigen={multi_thread} "
        f"intra_op_parallelism_threads={n_threads}"
    ).strip()


_POOL_SIZERS = {"tensorflow": _size_tensorflow_pools, "jax": _size_xla_pools}


def _size_backend_pools(n_threads):
    """Size the backend's pools once, before its runtime starts; else warn."""
    global _backend_pool_threads
    if _backend_pool_threads is None and not _backend_started():
        sizer = _POOL_SIZERS.get(keras.backend.backend())
        if sizer is not None:
            sizer(n_threads)
        _backend_pool_threads = n_threads
    elif _backend_pool_threads != n_threads:
        warnings.warn(
            f"n_threads={n_threads} bounds BLAS only: {keras.backend.backend()} "
            "sized its thread pools when it started in this process and cannot "
            "resize them. Set n_threads before the process's first fit, or run "
            "the fits in worker processes (joblib's loky or Dask), whose budget "
            "is applied on their first fit.",
            RuntimeWarning,
            stacklevel=4,
        )


@contextlib.contextmanager
def limited_threads(n_threads=None):
    """Run the block within the thread budget of :func:`thread_budget`.

    BLAS is bounded for the block only. TensorFlow's or XLA's pools are sized
    on the first call in a process whose runtime has not started yet, and keep
    that size for the life of the process.

    Parameters
    ----------
    n_threads : int or None, default=None
        The budget; None takes the process's share (see :func:`thread_budget`).

    Yields
    ------
    n_threads : int or None
        The budget applied, None when the block runs unbounded.

    Examples
    --------
    >>> from sklstm._runtime import limited_threads
    >>> with limited_threads(None) as n:
    ...     pass
    """
    budget = thread_budget(n_threads)
    if budget is None:
        yield None
        return
    _size_backend_pools(budget)
    with threadpool_limits(limits=budget):
        yield budget


def release_unreachable_models():
    """Free the native memory of models that nothing references any more.

    Only unreachable objects are collected, so models the user or another
    estimator still holds are untouched. On TensorFlow the eager kernel cache,
    which a new model would otherwise add its kernels to, is emptied too: the
    kernels of live models are rebuilt on their next call.
    """
    gc.collect()
    if keras.backend.backend() == "tensorflow" and _backend_started():
        sys.modules["tensorflow.python.eager.context"].context().clear_kernel_cache()


def in_fit_runtime(method):
    """Run an estimator method unforked and within its ``n_threads`` budget.

    Parameters
    ----------
    method : callable
        A method of an estimator with an ``n_threads`` parameter.

    Returns
    -------
    wrapped : callable
        The method, checked by :func:`check_not_forked` and run inside
        :func:`limited_threads`.
    """

    @functools.wraps(method)
    def run(estimator, *args, **kwargs):
        check_not_forked()
        with limited_threads(estimator.n_threads):
            return method(estimator, *args, **kwargs)

    return run
