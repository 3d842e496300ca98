"""EmoBank, dimensional emotion ratings of sentences (Buechel and Hahn, 2017)."""

import csv
from collections import Counter

import pandas as pd

from sklstm.datasets._base import _DataFile, _load

__all__ = ["load_emobank"]

_SOURCE_HEADER = ["id", "split", "V", "A", "D", "text"]
# The source's V, A and D columns, in that order.
_DIMENSIONS = ("valence", "arousal", "dominance")

_DESCR = """\
EmoBank
=======

10,062 English sentences, each rated for the three dimensions of emotion on
a 1 to 5 scale: valence (negative to positive), arousal (calm to excited)
and dominance (controlled to in control). Each value is the mean of the
reader and writer perspectives' ratings, weighted by their number of raters
and rounded to 2 decimals; they run from 1.2 to 4.6. The official split,
stratified by genre, has 8,062 train, 1,000 dev and 1,000 test sentences.
The sentences come from the MASC corpus (fiction, letters, blogs,
newspapers, essays, travel guides) and the SemEval-2007 news headlines; 156
rows repeat an earlier text (such as "Sincerely,") with their own ratings,
and one sentence is the word "None".

Source: ``corpus/emobank.csv`` of https://github.com/JULIELab/EmoBank, read
with Python's csv module. The ``id`` column is dropped and the others are
reordered; text, values and split are unchanged. Rows are in the source's
order, by sentence id, with the splits interleaved.

Cite: S. Buechel, U. Hahn. EmoBank: Studying the Impact of Annotation
Perspective and Representation Format on Dimensional Emotion Analysis.
EACL 2017. And: S. Buechel, U. Hahn. Readers vs. Writers vs. Texts: Coping
with Different Perspectives of Text Understanding in Emotion Annotation.
LAW 2017.

Licence: Creative Commons Attribution-ShareAlike 4.0 International
(CC BY-SA 4.0), https://creativecommons.org/licenses/by-sa/4.0/.
"""


def _convert(source):
    """The sentences of ``emobank.csv``: ``id,split,V,A,D,text`` rows."""
    with open(source, encoding="utf-8", newline="") as file:
        header, *records = csv.reader(file)
    if header != _SOURCE_HEADER:
        raise ValueError(f"the header is {header}, not {_SOURCE_HEADER}")
    for number, record in enumerate(records, start=1):
        if len(record) != len(_SOURCE_HEADER):
            raise ValueError(f"row {number} has not {len(_SOURCE_HEADER)} fields")
        for value in record[2:5]:
            float(value)
    frame = pd.DataFrame(records, columns=_SOURCE_HEADER)
    frame = frame.rename(columns=dict(zip("VAD", _DIMENSIONS, strict=True)))
    return frame[["text", *_DIMENSIONS, "split"]]


def _split_counts(frame):
    """Rows per split."""
    return Counter(frame["split"])


def _dimensions_target(frame):
    """The three ratings as float64, valence, arousal, dominance."""
    frame = frame.astype(dict.fromkeys(_DIMENSIONS, "float64"))
    return frame, frame[list(_DIMENSIONS)], {"target_names": list(_DIMENSIONS)}


_DATA_FILES = (
    _DataFile(
        path="emobank/emobank.csv.gz",
        title="EmoBank",
        splits=("train", "dev", "test"),
        url=(
            "https://raw.githubusercontent.com/JULIELab/EmoBank/master/"
            "corpus/emobank.csv"
        ),
        archive_name="emobank.csv",
        sha256="1ade4a4a453e880c0f39d0536d2b355e8a716e0cf88236c64cdb4d438cf9605b",
        convert=_convert,
        class_counts={"train": 8_062, "dev": 1_000, "test": 1_000},
        targets=_DIMENSIONS,
        count=_split_counts,
    ),
)


def load_emobank(
    *,
    data_home=None,
    subset="all",
    download_if_missing=True,
    return_X_y=False,
    as_frame=False,
    shuffle=False,
    random_state=None,
):
    """Load EmoBank: 10,062 sentences rated for valence, arousal and dominance.

    ========== ==========================================================
    Targets    3 on a 1-5 scale: ``valence``, ``arousal``, ``dominance``
    Samples    10,062: 8,062 train, 1,000 dev, 1,000 test
    Features   text (str), a sentence, 15 words on average
    Split      official train/dev/test, stratified by genre
    ========== ==========================================================

    The data is read from ``<data_home>/emobank/emobank.csv.gz``. When that
    file is missing, ``corpus/emobank.csv`` (1.3 MB) is downloaded from the
    JULIELab/EmoBank GitHub repository, checked against its published
    checksum and split sizes, and converted.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The data home; see :func:`get_data_home` for the default.
    subset : {"train", "dev", "test", "all"}, default="all"
        The official split to load, or all three (in source order, the
        splits interleaved).
    download_if_missing : bool, default=True
        If False, raise FileNotFoundError instead of downloading a missing
        file.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` is a pandas Series, ``target`` a DataFrame with
        columns ``valence``, ``arousal`` and ``dominance``, and ``frame`` a
        DataFrame with columns ``text``, ``valence``, ``arousal``,
        ``dominance`` and ``split``.
    shuffle : bool, default=False
        Whether to shuffle the rows; by default they are in source order.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffle. Pass an int for the same order on every call.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : list of str or pandas.Series
            The sentences. One of them is the word ``"None"``, kept as text.
        target : ndarray of float64 of shape (n_samples, 3) or pandas.DataFrame
            Each sentence's valence, arousal and dominance, in that order.
        target_names : list of str
            ``["valence", "arousal", "dominance"]``.
        frame : pandas.DataFrame or None
            Sentences, ratings and splits together when ``as_frame=True``,
            else None.
        DESCR : str
            A description of the dataset and its source.

    (data, target) : tuple if ``return_X_y`` is True
        The texts and their ratings, as ``data`` and ``target`` above.

    Raises
    ------
    ValueError
        If ``subset`` is not ``"train"``, ``"dev"``, ``"test"`` or ``"all"``.
    FileNotFoundError
        If the file is missing and ``download_if_missing=False``.
    OSError
        If the download fails or does not match the published data. The
        message says where to put the file by hand.

    See Also
    --------
    load_goemotions : Emotion as 28 categories, for multi-label classification.

    Examples
    --------
    >>> from sklstm.datasets import load_emobank
    >>> X, y = load_emobank(subset="train", return_X_y=True)  # doctest: +SKIP
    >>> len(X), y.shape, y.dtype  # doctest: +SKIP
    (8062, (8062, 3), dtype('float64'))
    >>> X[0], y[0].tolist()  # doctest: +SKIP
    ('Remember what she said in my last letter? "', [3.0, 3.0, 3.2])
    """
    return _load(
        _DATA_FILES,
        descr=_DESCR,
        subset=subset,
        data_home=data_home,
        download_if_missing=download_if_missing,
        return_X_y=return_X_y,
        as_frame=as_frame,
        shuffle=shuffle,
        random_state=random_state,
        target=_dimensions_target,
    )
