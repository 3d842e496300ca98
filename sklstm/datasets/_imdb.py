"""The IMDB Large Movie Review Dataset v1.0 (Maas et al., 2011)."""

import re

from sklstm.datasets._base import _DataFile, _load, _read_split_folders

__all__ = ["load_imdb"]

# The labelled reviews, ``<id>_<rating>.txt``; ``unsup/`` and the ``.feat``
# files in the same archive are left out.
_REVIEW = re.compile(
    r"aclImdb/(?P<split>train|test)/(?P<label>neg|pos)/(?P<id>\d+)_\d+\.txt"
)
_LABEL_NAMES = {"neg": "negative", "pos": "positive"}

_DESCR = """\
IMDB Large Movie Review Dataset v1.0
====================================

50,000 highly polar English movie reviews from IMDB, labelled ``negative``
(rating <= 4 of 10) or ``positive`` (rating >= 7), with the official split:
25,000 train and 25,000 test reviews, 12,500 per class in each. No movie has
reviews in both splits. The text is kept as published, ``<br />`` tags
included; there are 418 duplicate texts.

Source: https://ai.stanford.edu/~amaas/data/sentiment/ (``aclImdb_v1.tar.gz``).
Rows are train then test; within each, negative then positive; then by the
review's file id. The unlabelled ``unsup`` reviews are not included.

Cite: A. L. Maas, R. E. Daly, P. T. Pham, D. Huang, A. Y. Ng, C. Potts.
Learning Word Vectors for Sentiment Analysis. ACL-HLT 2011.
"""


def _convert(archive):
    """The labelled reviews of ``aclImdb_v1.tar.gz``, in the data home's order."""
    return _read_split_folders(
        archive, _REVIEW, encoding="utf-8", label_names=_LABEL_NAMES
    )


_DATA_FILES = (
    _DataFile(
        path="imdb/imdb.csv.gz",
        title="IMDB",
        splits=("train", "test"),
        url="https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
        archive_name="aclImdb_v1.tar.gz",
        sha256="c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe",
        convert=_convert,
        class_counts={
            (split, label): 12_500
            for split in ("train", "test")
            for label in ("negative", "positive")
        },
    ),
)


def load_imdb(
    *,
    data_home=None,
    subset="all",
    download_if_missing=True,
    return_X_y=False,
    as_frame=False,
    shuffle=False,
    random_state=None,
):
    """Load the IMDB movie reviews: 50,000 reviews, negative or positive.

    ========== ==============================================
    Classes    2 (``negative``, ``positive``), balanced
    Samples    50,000: 25,000 train, 25,000 test
    Features   text (str), 231 words on average
    Split      official train/test, 12,500 per class in each
    ========== ==============================================

    The data is read from ``<data_home>/imdb/imdb.csv.gz``. When that file is
    missing, Stanford's ``aclImdb_v1.tar.gz`` (84 MB) is downloaded, checked
    against its published checksum and class counts, and converted.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The data home; see :func:`get_data_home` for the default.
    subset : {"train", "test", "all"}, default="all"
        The official split to load, or both (train rows first).
    download_if_missing : bool, default=True
        If False, raise FileNotFoundError instead of downloading a missing
        file.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` and ``target`` are pandas Series and ``frame`` is a
        DataFrame with columns ``text``, ``label`` and ``split``.
    shuffle : bool, default=False
        Whether to shuffle the rows. Unshuffled, each split lists all
        negative reviews before the positive ones, so shuffle (or stratify)
        before taking a slice.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffle. Pass an int for the same order on every call.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : list of str or pandas.Series
            The reviews.
        target : ndarray of str or pandas.Series
            The labels, ``"negative"`` or ``"positive"``.
        target_names : list of str
            ``["negative", "positive"]``.
        frame : pandas.DataFrame or None
            Reviews, labels and splits together when ``as_frame=True``, else
            None.
        DESCR : str
            A description of the dataset and its source.

    (data, target) : tuple if ``return_X_y`` is True
        The texts and their labels, as ``data`` and ``target`` above.

    Raises
    ------
    ValueError
        If ``subset`` is not ``"train"``, ``"test"`` or ``"all"``.
    FileNotFoundError
        If the file is missing and ``download_if_missing=False``.
    OSError
        If the download fails or does not match the published data. The
        message says where to put the file by hand.

    See Also
    --------
    load_sms_spam : A smaller binary text dataset.

    Examples
    --------
    >>> from sklstm.datasets import load_imdb
    >>> X_train, y_train = load_imdb(subset="train", return_X_y=True)  # doctest: +SKIP
    >>> len(X_train), sorted(set(y_train))  # doctest: +SKIP
    (25000, ['negative', 'positive'])
    >>> X_train[0][:31]  # doctest: +SKIP
    'Story of a man who has unnatura'
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
    )
