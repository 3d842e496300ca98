"""The AG News topic classification dataset (Zhang, Zhao and LeCun, 2015)."""

import csv
from functools import partial

import pandas as pd

from sklstm.datasets._base import _DataFile, _load

__all__ = ["load_ag_news"]

# Class indices 1 to 4 of the source files, named as in its classes.txt.
_CLASS_NAMES = ("World", "Sports", "Business", "Sci/Tech")
_SOURCE_URL = (
    "https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/"
    "data/ag_news_csv/{}.csv"
)

_DESCR = """\
AG News
=======

127,600 English news articles in four balanced topics: ``World``,
``Sports``, ``Business`` and ``Sci/Tech``; 30,000 train and 1,900 test
articles per topic. Each text is the title and the description joined by
``". "``. The source's own escapes (``\\`` for a newline, ``#36;`` for
``$``) are kept.

Source: the ``ag_news_csv`` train.csv and test.csv of Zhang et al., as
distributed in https://github.com/mhjabreel/CharCnn_Keras and used by
torchtext. For research and non-commercial use.

Cite: X. Zhang, J. Zhao, Y. LeCun. Character-level Convolutional Networks
for Text Classification. NIPS 2015.
"""


def _convert(source, split):
    """Articles from a headerless ``class index,title,description`` CSV."""
    with open(source, encoding="utf-8", newline="") as file:
        records = list(csv.reader(file))
    texts, labels = [], []
    for number, record in enumerate(records, start=1):
        if len(record) != 3 or record[0] not in {"1", "2", "3", "4"}:
            raise ValueError(f"row {number} is not class index,title,description")
        texts.append(f"{record[1]}. {record[2]}")
        labels.append(_CLASS_NAMES[int(record[0]) - 1])
    return pd.DataFrame({"text": texts, "label": labels, "split": split})


def _data_file(split, sha256, per_class):
    return _DataFile(
        path=f"ag_news/ag_news_{split}.csv.gz",
        title="AG News",
        splits=(split,),
        url=_SOURCE_URL.format(split),
        archive_name=f"{split}.csv",
        sha256=sha256,
        convert=partial(_convert, split=split),
        class_counts={(split, name): per_class for name in _CLASS_NAMES},
    )


_DATA_FILES = (
    _data_file(
        "train",
        "76a0a2d2f92b286371fe4d4044640910a04a803fdd2538e0f3f29a5c6f6b672e",
        30_000,
    ),
    _data_file(
        "test",
        "521465c2428ed7f02f8d6db6ffdd4b5447c1c701962353eb2c40d548c3c85699",
        1_900,
    ),
)


def load_ag_news(
    *,
    data_home=None,
    subset="all",
    download_if_missing=True,
    return_X_y=False,
    as_frame=False,
    shuffle=False,
    random_state=None,
):
    """Load AG News: 127,600 news articles in four topics.

    ========== ===================================================
    Classes    4 (``Business``, ``Sci/Tech``, ``Sports``, ``World``)
    Samples    127,600: 120,000 train, 7,600 test, balanced
    Features   text (str), title and description
    Split      official train/test
    ========== ===================================================

    Each split is its own file, ``<data_home>/ag_news/ag_news_train.csv.gz``
    and ``ag_news_test.csv.gz``, and only the files ``subset`` needs are read.
    A missing file is downloaded from GitHub (29 MB train, 1.8 MB test),
    checked against its published checksum and class counts, and converted.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The data home; see :func:`get_data_home` for the default.
    subset : {"train", "test", "all"}, default="all"
        The official split to load, or both (train rows first). A data home
        that holds only the test file needs ``subset="test"``.
    download_if_missing : bool, default=True
        If False, raise FileNotFoundError instead of downloading a missing
        file.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` and ``target`` are pandas Series and ``frame`` is a
        DataFrame with columns ``text``, ``label`` and ``split``.
    shuffle : bool, default=False
        Whether to shuffle the rows; by default they are in source order.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffle. Pass an int for the same order on every call.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : list of str or pandas.Series
            The articles.
        target : ndarray of str or pandas.Series
            The topics, such as ``"Sports"``.
        target_names : list of str
            ``["Business", "Sci/Tech", "Sports", "World"]``.
        frame : pandas.DataFrame or None
            Articles, labels and splits together when ``as_frame=True``, else
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
        If a needed file is missing and ``download_if_missing=False``.
    OSError
        If the download fails or does not match the published data. The
        message says where to put the file by hand.

    See Also
    --------
    load_20newsgroups : Another topic classification dataset, with 20 topics.

    Examples
    --------
    >>> from sklstm.datasets import load_ag_news
    >>> news = load_ag_news(subset="test")  # doctest: +SKIP
    >>> len(news.data), news.target_names  # doctest: +SKIP
    (7600, ['Business', 'Sci/Tech', 'Sports', 'World'])
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
