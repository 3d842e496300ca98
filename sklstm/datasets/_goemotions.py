"""GoEmotions, emotions in Reddit comments (Demszky et al., 2020): multi-label."""

import csv
from collections import Counter
from pathlib import Path

import pandas as pd

from sklstm.datasets._base import _DataFile, _load, _Source

__all__ = ["load_goemotions"]

_SOURCE_URL = (
    "https://raw.githubusercontent.com/google-research/google-research/master/"
    "goemotions/data/{}"
)
_SPLITS = ("train", "dev", "test")

# Published rows per emotion, (train, dev, test), in the order of
# emotions.txt: label id 0 is admiration, 27 is neutral.
_LABEL_COUNTS = {
    "admiration": (4_130, 488, 504),
    "amusement": (2_328, 303, 264),
    "anger": (1_567, 195, 198),
    "annoyance": (2_470, 303, 320),
    "approval": (2_939, 397, 351),
    "caring": (1_087, 153, 135),
    "confusion": (1_368, 152, 153),
    "curiosity": (2_191, 248, 284),
    "desire": (641, 77, 83),
    "disappointment": (1_269, 163, 151),
    "disapproval": (2_022, 292, 267),
    "disgust": (793, 97, 123),
    "embarrassment": (303, 35, 37),
    "excitement": (853, 96, 103),
    "fear": (596, 90, 78),
    "gratitude": (2_662, 358, 352),
    "grief": (77, 13, 6),
    "joy": (1_452, 172, 161),
    "love": (2_086, 252, 238),
    "nervousness": (164, 21, 23),
    "optimism": (1_581, 209, 186),
    "pride": (111, 15, 16),
    "realization": (1_110, 127, 145),
    "relief": (153, 18, 11),
    "remorse": (545, 68, 56),
    "sadness": (1_326, 143, 156),
    "surprise": (1_060, 129, 141),
    "neutral": (14_219, 1_766, 1_787),
}
_EMOTIONS = tuple(_LABEL_COUNTS)

_DESCR = """\
GoEmotions
==========

54,263 English Reddit comments, each labelled with one or more of 27
emotions or ``neutral`` (28 labels), with the official split: 43,410 train,
5,426 dev and 5,427 test comments. These are the comments on which at least
two raters agreed; 83.8 % of them have a single label, the others two to
five. Names and religions are masked as ``[NAME]`` and ``[RELIGION]``. The
data carries the biases of Reddit and of its raters, and some of its texts
are offensive.

Source: ``goemotions/data/`` of https://github.com/google-research/google-research:
``train.tsv``, ``dev.tsv``, ``test.tsv`` (text, label ids, comment id) and
``emotions.txt`` (the label names, in id order). The TSVs are read with
Python's csv module, which undoes their CSV quoting; each row's label ids
become the emotion names, in id order, joined with ``;``. The text is
otherwise unchanged; the comment ids are dropped. Rows are train, dev, test,
each in the order of its file; 269 rows repeat a text and are kept.

Cite: D. Demszky, D. Movshovitz-Attias, J. Ko, A. Cowen, G. Nemade, S. Ravi.
GoEmotions: A Dataset of Fine-Grained Emotions. ACL 2020.

Licence: Creative Commons Attribution 4.0 International (CC BY 4.0), which
the google-research repository's README gives for all its datasets.
"""


def _label_names(field, emotions):
    """The names of a comma-separated list of label ids, in id order."""
    ids = sorted(int(label_id) for label_id in field.split(","))
    if ids[0] < 0 or ids[-1] >= len(emotions):
        raise ValueError(f"label id outside 0-{len(emotions) - 1} in {field!r}")
    return ";".join(emotions[label_id] for label_id in ids)


def _read_split(source, split, emotions):
    """One split's comments from its ``text<TAB>label ids<TAB>comment id`` TSV."""
    with open(source, encoding="utf-8", newline="") as file:
        records = list(csv.reader(file, delimiter="\t"))
    texts, labels = [], []
    for number, record in enumerate(records, start=1):
        if len(record) != 3:
            raise ValueError(f"line {number} of {split}.tsv has not 3 fields")
        try:
            labels.append(_label_names(record[1], emotions))
        except ValueError as exc:
            raise ValueError(f"line {number} of {split}.tsv: {exc}") from exc
        texts.append(record[0])
    return pd.DataFrame({"text": texts, "labels": labels, "split": split})


def _convert(train, dev, test, emotions):
    """The three splits' comments, their label ids named by ``emotions.txt``."""
    names = Path(emotions).read_text(encoding="utf-8").splitlines()
    frames = [
        _read_split(source, split, names)
        for source, split in zip((train, dev, test), _SPLITS, strict=True)
    ]
    return pd.concat(frames, ignore_index=True)


def _label_counts(frame):
    """Rows per (split, emotion): a row counts once for each of its labels."""
    return Counter(
        (split, name)
        for split, names in zip(frame["split"], frame["labels"], strict=True)
        for name in names.split(";")
    )


def _indicator_target(frame):
    """The 0/1 indicator matrix of the 28 emotions, and each row's names."""
    indicator = frame["labels"].str.get_dummies(sep=";")
    unknown = sorted(set(indicator.columns).difference(_EMOTIONS))
    if unknown:
        raise ValueError(
            f"The labels column holds {unknown}, which are not GoEmotions "
            f"labels; expected names from {list(_EMOTIONS)} joined with ';'."
        )
    indicator = indicator.reindex(columns=list(_EMOTIONS), fill_value=0)
    labels = [tuple(names.split(";")) if names else () for names in frame["labels"]]
    return frame, indicator, {"target_names": list(_EMOTIONS), "labels": labels}


def _source(name, sha256):
    return _Source(_SOURCE_URL.format(name), name, sha256)


_DATA_FILES = (
    _DataFile(
        path="goemotions/goemotions.csv.gz",
        title="GoEmotions",
        splits=_SPLITS,
        url=_SOURCE_URL.format("train.tsv"),
        archive_name="train.tsv",
        sha256="1c254a142be5c00e80d819b9ae1bbd36d94b2eeb8f4b1271846508d57e57d9c5",
        more_sources=(
            _source(
                "dev.tsv",
                "575489c079c9de1097062a01738f998590d6b7ead66dd1c9fd1d2ba01fd8bc62",
            ),
            _source(
                "test.tsv",
                "0587b2dd8b27b97352adbfc3fb083d46005c8946657fdc2b1ca8b1cc7f1f8be4",
            ),
            _source(
                "emotions.txt",
                "45c3ef86782d2a4d7fedcd6d8c111aa0d0e94720689bd164fac94fefb4495a89",
            ),
        ),
        convert=_convert,
        class_counts={
            (split, name): counts[column]
            for name, counts in _LABEL_COUNTS.items()
            for column, split in enumerate(_SPLITS)
        },
        targets=("labels",),
        count=_label_counts,
    ),
)


def load_goemotions(
    *,
    data_home=None,
    subset="all",
    download_if_missing=True,
    return_X_y=False,
    as_frame=False,
    shuffle=False,
    random_state=None,
):
    """Load GoEmotions: 54,263 Reddit comments, each with one or more emotions.

    ========== ======================================================
    Labels     28 (27 emotions and ``neutral``), multi-label
    Samples    54,263: 43,410 train, 5,426 dev, 5,427 test
    Features   text (str), a Reddit comment, 13 words on average
    Split      official train/dev/test
    ========== ======================================================

    The data is read from ``<data_home>/goemotions/goemotions.csv.gz``, whose
    ``labels`` column holds each comment's emotion names joined with ``;``.
    When that file is missing, the four files of ``goemotions/data/`` in
    google-research's GitHub repository (4.4 MB) are downloaded, checked
    against their published checksums and per-label counts, and converted.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The data home; see :func:`get_data_home` for the default.
    subset : {"train", "dev", "test", "all"}, default="all"
        The official split to load, or all three (train, dev, then test).
    download_if_missing : bool, default=True
        If False, raise FileNotFoundError instead of downloading a missing
        file.
    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        If True, ``data`` is a pandas Series, ``target`` a DataFrame with one
        column per emotion, and ``frame`` a DataFrame with columns ``text``,
        ``labels`` and ``split``, as in the file.
    shuffle : bool, default=False
        Whether to shuffle the rows; by default they are in source order.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffle. Pass an int for the same order on every call.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : list of str or pandas.Series
            The comments.
        target : ndarray of int of shape (n_samples, 28) or pandas.DataFrame
            The label indicator matrix: ``target[i, j]`` is 1 when comment
            ``i`` has emotion ``target_names[j]``, else 0. Every row has at
            least one 1.
        target_names : list of str
            The 28 labels in the official order, ``"admiration"`` (label id
            0) to ``"neutral"`` (27).
        labels : list of tuple of str
            Each comment's emotion names, such as ``("admiration", "joy")``,
            for :class:`~sklearn.preprocessing.MultiLabelBinarizer`.
        frame : pandas.DataFrame or None
            Comments, labels and splits together when ``as_frame=True``,
            else None.
        DESCR : str
            A description of the dataset and its source.

    (data, target) : tuple if ``return_X_y`` is True
        The texts and their indicator matrix, as ``data`` and ``target``
        above.

    Raises
    ------
    ValueError
        If ``subset`` is not ``"train"``, ``"dev"``, ``"test"`` or ``"all"``.
    FileNotFoundError
        If the file is missing and ``download_if_missing=False``.
    OSError
        If a download fails or does not match the published data. The
        message says where to put the files by hand.

    See Also
    --------
    load_emobank : Emotion as three continuous dimensions, for regression.

    Examples
    --------
    >>> from sklstm.datasets import load_goemotions
    >>> emotions = load_goemotions(subset="train")  # doctest: +SKIP
    >>> emotions.target.shape, emotions.target_names[:3]  # doctest: +SKIP
    ((43410, 28), ['admiration', 'amusement', 'anger'])
    >>> emotions.data[0], emotions.labels[0]  # doctest: +SKIP
    ("My favourite food is anything I didn't have to cook myself.", ('neutral',))
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
        target=_indicator_target,
    )
