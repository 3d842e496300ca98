"""The SMS Spam Collection v.1 (Almeida, Gómez Hidalgo and Yamakami, 2011)."""

import zipfile

import pandas as pd

from sklstm.datasets._base import _DataFile, _load

__all__ = ["load_sms_spam"]

_MEMBER = "SMSSpamCollection"

_DESCR = """\
SMS Spam Collection v.1
=======================

5,574 English SMS messages labelled ``ham`` (4,827, 86.6 %) or ``spam``
(747, 13.4 %). There is no official train/test split. The collection holds
403 duplicate messages; they are kept.

Source: UCI Machine Learning Repository, dataset 228,
https://archive.ics.uci.edu/dataset/228/sms+spam+collection (CC BY 4.0).
Each line ``label<TAB>text`` of ``SMSSpamCollection`` is split at its first
tab; the text is unchanged.

Cite: T. A. Almeida, J. M. Gómez Hidalgo, A. Yamakami. Contributions to the
Study of SMS Spam Filtering: New Collection and Results. ACM DocEng 2011.

Licence: Creative Commons Attribution 4.0 International (CC BY 4.0),
https://creativecommons.org/licenses/by/4.0/, copyright T. A. Almeida and
J. M. Gómez Hidalgo. sklstm ships an unmodified copy of the converted file
(``sklstm/datasets/data/sms_spam.csv.gz``, 209 KB), read when the data home
holds none, so that this loader works offline.
"""


def _convert(archive):
    """Messages and labels from the UCI zip's ``SMSSpamCollection``."""
    with zipfile.ZipFile(archive) as bundle:
        lines = bundle.read(_MEMBER).decode("utf-8").split("\n")
    if lines[-1] == "":
        lines.pop()
    records = [line.split("\t", 1) for line in lines]
    for number, record in enumerate(records, start=1):
        if len(record) != 2:
            raise ValueError(f"line {number} of {_MEMBER} has no tab")
    return pd.DataFrame(
        {"text": [text for _, text in records], "label": [lab for lab, _ in records]}
    )


_DATA_FILES = (
    _DataFile(
        path="sms_spam/sms_spam.csv.gz",
        title="SMS Spam Collection",
        splits=(),
        url="https://archive.ics.uci.edu/static/public/228/sms+spam+collection.zip",
        archive_name="sms+spam+collection.zip",
        sha256="1587ea43e58e82b14ff1f5425c88e17f8496bfcdb67a583dbff9eefaf9963ce3",
        convert=_convert,
        class_counts={"ham": 4827, "spam": 747},
        bundled="sms_spam.csv.gz",
    ),
)


def load_sms_spam(
    *,
    data_home=None,
    subset="all",
    download_if_missing=True,
    return_X_y=False,
    as_frame=False,
    shuffle=False,
    random_state=None,
):
    """Load the SMS Spam Collection: 5,574 SMS messages, ham or spam.

    ========== =================================
    Classes    2 (``ham`` 4,827, ``spam`` 747)
    Samples    5,574
    Features   text (str)
    Split      none
    ========== =================================

    The data is read from ``<data_home>/sms_spam/sms_spam.csv.gz`` when that
    file exists (or is converted from the UCI zip saved by hand beside it).
    Otherwise the copy that ships with sklstm is read: no download is needed.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The data home; see :func:`get_data_home` for the default.
    subset : {"all"}, default="all"
        The dataset has no official train/test split, so only ``"all"`` is
        accepted.
    download_if_missing : bool, default=True
        Kept for the same signature as the other loaders: the bundled copy
        makes a download unnecessary.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` and ``target`` are pandas Series and ``frame`` is a
        DataFrame with columns ``text`` and ``label``.
    shuffle : bool, default=False
        Whether to shuffle the rows; by default they are in source order.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffle. Pass an int for the same order on every call.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : list of str or pandas.Series
            The messages.
        target : ndarray of str or pandas.Series
            The labels, ``"ham"`` or ``"spam"``.
        target_names : list of str
            ``["ham", "spam"]``.
        frame : pandas.DataFrame or None
            Messages and labels together when ``as_frame=True``, else None.
        DESCR : str
            A description of the dataset and its source.

    (data, target) : tuple if ``return_X_y`` is True
        The texts and their labels, as ``data`` and ``target`` above.

    Raises
    ------
    ValueError
        If ``subset`` is not ``"all"``.
    OSError
        If a UCI zip saved in the data home does not match the published
        data. The message says where to put the file by hand.

    See Also
    --------
    load_imdb : A larger binary sentiment dataset with an official split.

    Examples
    --------
    >>> from sklstm.datasets import load_sms_spam
    >>> sms = load_sms_spam()
    >>> len(sms.data), sms.target_names
    (5574, ['ham', 'spam'])
    >>> X, y = load_sms_spam(return_X_y=True)
    >>> int((y == "spam").sum())
    747
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
