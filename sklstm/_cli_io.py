"""The tables the ``sklstm`` command reads: files of texts and labels, and stdin.

pandas is imported inside the functions, so that ``sklstm --help`` stays quick.
"""

import bz2
import codecs
import gzip
import lzma
import sys
from pathlib import Path

import click

_FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
}
_COMPRESSIONS = {".gz", ".bz2", ".xz", ".zip", ".zst"}
_OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


def check_encoding(ctx, param, value):
    """A click callback: the name of an encoding Python knows, refused otherwise."""
    try:
        codecs.lookup(value)
    except LookupError:
        raise click.BadParameter(
            f"unknown encoding {value!r}; use a name Python knows, e.g. utf-8, "
            "latin-1, cp1252 or utf-16."
        ) from None
    return value


def _decoding_error(path, encoding, error):
    """The decoding error with its offset in the whole (decompressed) file.

    pandas decodes a file in chunks, so its error's offset counts from the
    start of a chunk; decoding the file again gives the offset a user can
    look up.
    """
    opener = _OPENERS.get(Path(path).suffix.lower(), open)
    try:
        with opener(path, "rb") as stream:
            stream.read().decode(encoding)
    except UnicodeDecodeError as whole:
        return whole
    except OSError:
        pass
    return error


def _table_format(path):
    """The format named by the file's extension, compression suffixes aside."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    while suffixes and suffixes[-1] in _COMPRESSIONS:
        suffixes.pop()
    if not suffixes or suffixes[-1] not in _FORMATS:
        raise click.ClickException(
            f"{path}: unknown data format. Use a .csv, .tsv, .jsonl or "
            ".parquet file (optionally compressed, e.g. .csv.gz)."
        )
    return _FORMATS[suffixes[-1]]


def read_table(path, encoding):
    """The file as a DataFrame; texts such as "NA" stay text."""
    import pandas as pd

    kind = _table_format(path)
    try:
        if kind == "parquet":
            frame = pd.read_parquet(path)
        elif kind == "jsonl":
            frame = pd.read_json(path, lines=True, encoding=encoding, dtype=False)
        else:
            sep = "\t" if kind == "tsv" else ","
            frame = pd.read_csv(path, sep=sep, encoding=encoding, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise click.ClickException(f"{path} is empty.") from None
    except UnicodeDecodeError as exc:
        exc = _decoding_error(path, encoding, exc)
        raise click.ClickException(
            f"{path} is not valid {encoding} ({exc.reason} at byte {exc.start:,}"
            f"{_line_of(exc)}). Re-save it as UTF-8, or name its encoding "
            "with --encoding."
        ) from None
    except ValueError as exc:
        # pandas' ParserError, malformed JSON, pyarrow's ArrowInvalid.
        reason = " ".join(str(exc).split())
        raise click.ClickException(f"{path} is not valid {kind}: {reason}") from None
    if frame.empty:
        raise click.ClickException(f"{path} has no rows.")
    return frame


def _line_of(error):
    """ ", line N" of a decoding error's bad byte, counting lines from 1."""
    line = bytes(error.object[: error.start]).count(b"\n") + 1
    return f", line {line:,}"


def is_empty(value):
    """Whether a cell holds nothing: "", None, NaN or pandas' NA (a list is a value)."""
    import pandas as pd
    from pandas.api.types import is_scalar

    if isinstance(value, str):
        return value == ""
    return is_scalar(value) and bool(pd.isna(value))


def column(frame, name, path, option, *, empty_ok=False):
    """One column as a list, every row filled unless ``empty_ok``."""
    if name not in frame.columns:
        existing = ", ".join(map(str, frame.columns))
        raise click.ClickException(
            f"{path} has no column {name!r}; its columns are: {existing}. "
            f"Name the right one with {option}."
        )
    values = frame[name].tolist()
    for row, value in enumerate(values, start=1):
        if is_empty(value) and not empty_ok:
            raise click.ClickException(
                f"{path}: column {name!r} is empty at row {row} (counting "
                "rows after the header from 1). Fill or remove that row."
            )
    return values


def table_texts(frame, name, path):
    return [str(text) for text in column(frame, name, path, "--text-column")]


def read_texts(path, text_column, encoding):
    """Texts of a table, or one text per line of stdin when ``path`` is '-'."""
    if path != "-":
        return table_texts(read_table(path, encoding), text_column, path)
    try:
        lines = sys.stdin.buffer.read().decode(encoding).splitlines()
    except UnicodeDecodeError as exc:
        raise click.ClickException(
            f"stdin is not valid {encoding} ({exc.reason} at byte {exc.start:,}"
            f"{_line_of(exc)}). "
            "Name its encoding with --encoding."
        ) from None
    if not lines:
        raise click.ClickException("stdin is empty: give one text per line.")
    return lines
