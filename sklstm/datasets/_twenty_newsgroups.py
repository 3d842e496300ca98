"""The 20 Newsgroups collection, "bydate" version (Lang, 1995; Rennie)."""

import re

from sklstm.datasets._base import _DataFile, _load, _read_split_folders

__all__ = ["load_20newsgroups"]

_MESSAGE = re.compile(
    r"(?:\./)?20news-bydate-(?P<split>train|test)/(?P<label>[^/]+)/(?P<id>\d+)"
)

# Published messages per newsgroup, (train, test).
_GROUP_COUNTS = {
    "alt.atheism": (480, 319),
    "comp.graphics": (584, 389),
    "comp.os.ms-windows.misc": (591, 394),
    "comp.sys.ibm.pc.hardware": (590, 392),
    "comp.sys.mac.hardware": (578, 385),
    "comp.windows.x": (593, 395),
    "misc.forsale": (585, 390),
    "rec.autos": (594, 396),
    "rec.motorcycles": (598, 398),
    "rec.sport.baseball": (597, 397),
    "rec.sport.hockey": (600, 399),
    "sci.crypt": (595, 396),
    "sci.electronics": (591, 393),
    "sci.med": (594, 396),
    "sci.space": (593, 394),
    "soc.religion.christian": (599, 398),
    "talk.politics.guns": (546, 364),
    "talk.politics.mideast": (564, 376),
    "talk.politics.misc": (465, 310),
    "talk.religion.misc": (377, 251),
}

_DESCR = """\
20 Newsgroups, "bydate" version
===============================

18,846 Usenet posts from 1993, labelled with the newsgroup they were posted
to (20 groups, from ``alt.atheism`` to ``talk.religion.misc``), split by
date: 11,314 train and 7,532 test posts. This is the version scikit-learn's
``fetch_20newsgroups`` uses. Each text is the whole post, headers, quotes and
signatures included; remove them yourself if the task needs it.

Source: J. Rennie's ``20news-bydate.tar.gz``
(http://qwone.com/~jason/20Newsgroups/), downloaded from scikit-learn's
mirror. Files are decoded as Latin-1. Rows are train then test; within each,
newsgroups in alphabetical order; then by message number.

Cite: K. Lang. NewsWeeder: Learning to Filter Netnews. ICML 1995.
"""


def _convert(archive):
    """The posts of ``20news-bydate.tar.gz``, in the data home's order."""
    return _read_split_folders(archive, _MESSAGE, encoding="latin-1")


_DATA_FILES = (
    _DataFile(
        path="20newsgroups/20newsgroups.csv.gz",
        title="20 Newsgroups",
        splits=("train", "test"),
        url="https://ndownloader.figshare.com/files/5975967",
        archive_name="20news-bydate.tar.gz",
        sha256="8f1b2514ca22a5ade8fbb9cfa5727df95fa587f4c87b786e15c759fa66d95610",
        convert=_convert,
        class_counts={
            (split, group): counts[column]
            for group, counts in _GROUP_COUNTS.items()
            for column, split in enumerate(("train", "test"))
        },
    ),
)


def load_20newsgroups(
    *,
    data_home=None,
    subset="all",
    download_if_missing=True,
    return_X_y=False,
    as_frame=False,
    shuffle=False,
    random_state=None,
):
    """Load the 20 Newsgroups posts (bydate version): 18,846 posts, 20 groups.

    ========== ===========================================
    Classes    20 newsgroups, 377 to 600 train posts each
    Samples    18,846: 11,314 train, 7,532 test
    Features   text (str), the whole post with headers
    Split      official, by date
    ========== ===========================================

    The data is read from ``<data_home>/20newsgroups/20newsgroups.csv.gz``.
    When that file is missing, ``20news-bydate.tar.gz`` (14 MB) is downloaded
    from scikit-learn's mirror, checked against its published checksum and
    class counts, and converted.

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
        Whether to shuffle the rows. Unshuffled, the posts are grouped by
        newsgroup, so shuffle (or stratify) before taking a slice.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffle. Pass an int for the same order on every call.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : list of str or pandas.Series
            The posts.
        target : ndarray of str or pandas.Series
            The newsgroup names, such as ``"sci.space"``.
        target_names : list of str
            The 20 newsgroup names in alphabetical order.
        frame : pandas.DataFrame or None
            Posts, labels and splits together when ``as_frame=True``, else
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
    sklearn.datasets.fetch_20newsgroups : The same posts with integer targets.

    Examples
    --------
    >>> from sklstm.datasets import load_20newsgroups
    >>> news = load_20newsgroups(subset="test")  # doctest: +SKIP
    >>> len(news.data), len(news.target_names)  # doctest: +SKIP
    (7532, 20)
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
