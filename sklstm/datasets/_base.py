"""The data home and what every dataset loader shares.

A data home holds one gzip CSV per dataset (``<name>/<name>.csv.gz``, UTF-8,
header ``text,label`` plus ``split`` where the dataset has an official split;
a multi-label or regression dataset has its own target columns in place of
``label``). When a file is missing, the loader downloads the original
distribution files, converts them into that layout, checks the result against
the published figures and only then moves it into place, so a data home never
holds a partial file.
"""

import csv
import gzip
import hashlib
import http.client
import io
import logging
import os
import shutil
import tarfile
import uuid
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

import pandas as pd
from sklearn.utils import Bunch, check_random_state

__all__ = ["get_data_home"]

DATA_HOME_ENV = "SKLSTM_DATA"
_DEFAULT_DATA_HOME = "~/sklstm_data"

# Seconds without a byte from the server before a download gives up.
_TIMEOUT_S = 60
_CHUNK_BYTES = 1 << 20

# What reading a truncated or foreign file raises, from the archive formats
# down to the text decoding and the converters' own checks.
_CORRUPT_FILE_ERRORS = (
    OSError,
    EOFError,
    ValueError,
    KeyError,
    csv.Error,
    tarfile.TarError,
    zipfile.BadZipFile,
    zlib.error,
)
# What a failed download raises: no route, refused, timed out, HTTP error,
# or a connection dropped half way.
_DOWNLOAD_ERRORS = (URLError, TimeoutError, ConnectionError, http.client.HTTPException)

_SPLIT_ORDER = {"train": 0, "test": 1}

# The small datasets that ship with the package, as scikit-learn's do.
_BUNDLED_DATA = Path(__file__).resolve().parent / "data"

_logger = logging.getLogger(__name__)


def _class_counts(frame):
    """Rows per label, or per (split, label) when the frame has a split."""
    if "split" in frame:
        return Counter(zip(frame["split"], frame["label"], strict=True))
    return Counter(frame["label"])


@dataclass(frozen=True)
class _Source:
    """A further distribution file, for a data file converted from several.

    The parameters are those of :class:`_DataFile` of the same names.
    """

    url: str
    archive_name: str
    sha256: str | None


@dataclass(frozen=True)
class _DataFile:
    """One CSV of the data home and the public files it is converted from.

    Parameters
    ----------
    path : str
        Location inside the data home, with ``/`` separators.
    title : str
        The dataset's name in messages.
    splits : tuple of str
        Values of the file's ``split`` column; empty when it has none.
    url : str
        Where the original distribution file is downloaded from (the first
        one, when there are several).
    archive_name : str
        The name under which a copy of that file, saved by hand next to
        ``path``, is converted instead of downloading it.
    sha256 : str or None
        Checksum of the distribution file; None skips the check.
    convert : callable
        Maps the paths of the distribution files, one argument per source in
        the order of :attr:`sources`, to the DataFrame written at ``path``.
    class_counts : mapping
        Published counts, as ``count`` counts the converted data; it must
        match them exactly.
    bundled : str or None, default=None
        Name of a copy of the converted file shipped in ``sklstm/datasets/data/``,
        read when the data home has neither the file nor the archive, instead
        of downloading; None when the package ships no copy.
    more_sources : tuple of _Source, default=()
        The other distribution files, for a dataset published as several.
    targets : tuple of str, default=("label",)
        The file's columns between ``text`` and ``split``.
    count : callable, default=_class_counts
        Counts the converted DataFrame for the check against
        ``class_counts``: by default rows per label, or per
        ``(split, label)`` when the file has a split column.
    """

    path: str
    title: str
    splits: tuple[str, ...]
    url: str
    archive_name: str
    sha256: str | None
    convert: Callable[[Path], pd.DataFrame]
    class_counts: Mapping[Hashable, int]
    bundled: str | None = None
    more_sources: tuple[_Source, ...] = ()
    targets: tuple[str, ...] = ("label",)
    count: Callable[[pd.DataFrame], Mapping[Hashable, int]] = _class_counts

    @property
    def columns(self):
        split = ("split",) if self.splits else ()
        return ("text", *self.targets, *split)

    @property
    def sources(self):
        """Every distribution file the data file is converted from."""
        first = _Source(self.url, self.archive_name, self.sha256)
        return (first, *self.more_sources)


def get_data_home(data_home=None):
    """Return the folder the dataset loaders read from and download into.

    The folder is, in order of precedence: ``data_home`` when given, the
    ``SKLSTM_DATA`` environment variable when set and not empty, else
    ``~/sklstm_data``. A leading ``~`` is expanded to the user's home. The
    folder is not created here; a loader creates it when it first downloads.

    Parameters
    ----------
    data_home : str or path-like, default=None
        An explicit data home, which takes precedence over the environment.

    Returns
    -------
    pathlib.Path
        The data home. Each dataset lives in ``<data_home>/<name>/``.

    See Also
    --------
    load_sms_spam : A loader that reads, or downloads into, the data home.

    Examples
    --------
    >>> from sklstm.datasets import get_data_home
    >>> get_data_home("/srv/sklstm_data").name
    'sklstm_data'
    >>> get_data_home("~/data") == get_data_home("~/data").expanduser()
    True
    """
    if data_home is None:
        data_home = os.environ.get(DATA_HOME_ENV) or _DEFAULT_DATA_HOME
    return Path(data_home).expanduser()


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _temporary_path(path):
    """A fresh hidden name beside ``path``, so a rename onto it is atomic."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")


def _fetch(url, directory):
    """Download ``url`` into a new temporary file in ``directory``.

    Returns the file's path; the caller deletes it. Nothing is left behind
    when the download fails.
    """
    directory.mkdir(parents=True, exist_ok=True)
    path = _temporary_path(directory / "download")
    _logger.info("Downloading %s to %s", url, directory)
    try:
        with urlopen(url, timeout=_TIMEOUT_S) as response, open(path, "xb") as file:
            shutil.copyfileobj(response, file, _CHUNK_BYTES)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _write_csv_gz(frame, path):
    """Write ``frame`` as a gzip CSV at ``path`` through a temporary file.

    The gzip header carries no name and no time, so the same data always
    gives the same bytes.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    part = _temporary_path(path)
    try:
        with (
            open(part, "xb") as raw,
            gzip.GzipFile("", "wb", compresslevel=9, fileobj=raw, mtime=0) as zipped,
            io.TextIOWrapper(zipped, encoding="utf-8", newline="") as text,
        ):
            frame.to_csv(text, index=False, lineterminator="\n")
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def _read_csv_gz(path):
    """The CSV as strings; ``keep_default_na=False`` keeps texts like "NA"."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _how_to_get(data_file, path):
    """The two ways to fill a missing data file by hand, as a sentence."""
    columns = ",".join(data_file.columns)
    downloads = ", ".join(
        f"{source.url} to {path.parent / source.archive_name}"
        for source in data_file.sources
    )
    them = "it" if len(data_file.sources) == 1 else "them"
    return (
        f"Put the converted file at {path} (a gzip CSV in UTF-8 with columns "
        f"{columns}), or download {downloads}: the next call converts {them}. "
        f"To read another data home, pass data_home= or set {DATA_HOME_ENV}."
    )


def _origins(files, urls):
    """How messages name each distribution file, and all of them at once.

    ``urls`` are where ``files`` were downloaded from; None when they were
    saved by hand.
    """
    if urls is None:
        each = [str(file) for file in files]
        together = f"The files {', '.join(each)}"
    else:
        each = [f"The file downloaded from {url}" for url in urls]
        together = f"The files downloaded from {', '.join(urls)}"
    return each, each[0] if len(each) == 1 else together


def _verified_frame(data_file, files, urls):
    """Convert the distribution files and check them; raise OSError if off."""
    origins, origin = _origins(files, urls)
    for source, file, file_origin in zip(
        data_file.sources, files, origins, strict=True
    ):
        if source.sha256 is None:
            continue
        checksum = _sha256(file)
        if checksum != source.sha256:
            raise OSError(
                f"{file_origin} has SHA-256 {checksum}, not the published "
                f"{source.sha256}: it is corrupt or not the original file."
            )
    try:
        frame = data_file.convert(*files)
    except _CORRUPT_FILE_ERRORS as exc:
        raise OSError(
            f"{origin} could not be read as {data_file.title} data ({exc})."
        ) from exc
    counts = dict(data_file.count(frame))
    if counts != dict(data_file.class_counts):
        raise OSError(
            f"{origin} does not hold the published {data_file.title} data: "
            f"expected the counts {dict(data_file.class_counts)}, found {counts}."
        )
    return frame


def _convert_into_place(data_file, files, path, urls=None):
    """Write the verified conversion of the distribution ``files`` at ``path``.

    ``urls`` are where the files were downloaded from, for the messages.
    """
    try:
        frame = _verified_frame(data_file, files, urls)
    except OSError as exc:
        raise OSError(
            f"{exc} Nothing was written to {path}. {_how_to_get(data_file, path)}"
        ) from exc
    _write_csv_gz(frame, path)


def _download(data_file, source, path):
    """Fetch one distribution file into ``path``'s folder; OSError if it fails."""
    try:
        return _fetch(source.url, path.parent)
    except _DOWNLOAD_ERRORS as exc:
        raise OSError(
            f"Could not download {data_file.title} data from {source.url} "
            f"({exc}). {_how_to_get(data_file, path)}"
        ) from exc


def _ensure_data_file(data_file, data_home, download_if_missing):
    """Path of the data file: the data home's, converted first if missing.

    The distribution files are converted from copies saved by hand beside the
    data file when all of them are there. Otherwise a data home without the
    file falls back on the bundled copy, if the package ships one, before
    downloading them all.
    """
    path = data_home.joinpath(*data_file.path.split("/"))
    if path.is_file():
        return path
    saved = [path.parent / source.archive_name for source in data_file.sources]
    if all(file.is_file() for file in saved):
        _convert_into_place(data_file, saved, path)
        return path
    if data_file.bundled is not None:
        return _BUNDLED_DATA / data_file.bundled
    if not download_if_missing:
        raise FileNotFoundError(
            f"No {data_file.title} data in {data_home}: {path} does not exist "
            f"and download_if_missing=False. {_how_to_get(data_file, path)}"
        )
    downloads = []
    try:
        for source in data_file.sources:
            downloads.append(_download(data_file, source, path))
        urls = [source.url for source in data_file.sources]
        _convert_into_place(data_file, downloads, path, urls)
    finally:
        for download in downloads:
            download.unlink()
    return path


def _check_subset(subset, data_files):
    splits = list(dict.fromkeys(split for file in data_files for split in file.splits))
    if subset == "all" or subset in splits:
        return
    title = data_files[0].title
    if not splits:
        raise ValueError(
            f"{title} has no official train/test split, so subset must be "
            f"'all', got {subset!r}. Split it yourself, for example with "
            "sklearn.model_selection.train_test_split(..., stratify=target)."
        )
    options = ", ".join(repr(name) for name in [*splits, "all"])
    raise ValueError(f"subset must be one of {options} for {title}, got {subset!r}.")


def _read_subset(data_files, subset, data_home, download_if_missing):
    """The rows of ``subset``, from only the files that hold them."""
    home = get_data_home(data_home)
    frames = [
        _read_csv_gz(_ensure_data_file(file, home, download_if_missing))
        for file in data_files
        if subset == "all" or subset in file.splits
    ]
    frame = pd.concat(frames, ignore_index=True)
    if subset != "all":
        frame = frame[frame["split"] == subset]
    return frame.reset_index(drop=True)


def _class_target(frame):
    """One label per text: the ``label`` column, its names in sorted order."""
    labels = frame["label"]
    return frame, labels, {"target_names": sorted(labels.unique())}


def _load(
    data_files,
    *,
    descr,
    subset,
    data_home,
    download_if_missing,
    return_X_y,
    as_frame,
    shuffle,
    random_state,
    target=_class_target,
):
    """What every public loader returns, from its data files' description.

    ``target`` maps the frame of the loaded rows, all strings, to the frame
    with its target columns typed, the target as a pandas Series or
    DataFrame, and the Bunch's further fields (``target_names`` and any
    other).
    """
    _check_subset(subset, data_files)
    frame = _read_subset(data_files, subset, data_home, download_if_missing)
    if shuffle:
        order = check_random_state(random_state).permutation(len(frame))
        frame = frame.iloc[order].reset_index(drop=True)
    frame, y, fields = target(frame)
    if as_frame:
        data = frame["text"]
    else:
        data, y, frame = frame["text"].tolist(), y.to_numpy(), None
    if return_X_y:
        return data, y
    return Bunch(data=data, target=y, **fields, frame=frame, DESCR=descr)


def _read_split_folders(archive, member_pattern, *, encoding, label_names=None):
    """The documents of a tar archive laid out as ``<split>/<label>/<id>``.

    ``member_pattern`` picks the documents by their full member name with the
    named groups ``split``, ``label`` and ``id``; other members are skipped.
    Rows come train then test, labels in alphabetical order of their folder,
    then ids by number. ``label_names`` renames folders.
    """
    documents = []
    with tarfile.open(archive) as tar:
        for member in tar:
            match = member_pattern.fullmatch(member.name)
            if match is None or not member.isfile():
                continue
            split, folder, doc_id = match.group("split", "label", "id")
            text = tar.extractfile(member).read().decode(encoding)
            documents.append(((_SPLIT_ORDER[split], folder, int(doc_id)), text))
    documents.sort(key=lambda document: document[0])
    names = {} if label_names is None else label_names
    splits = list(_SPLIT_ORDER)
    return pd.DataFrame(
        {
            "text": [text for _, text in documents],
            "label": [names.get(folder, folder) for (_, folder, _), _ in documents],
            "split": [splits[split] for (split, _, _), _ in documents],
        }
    )
