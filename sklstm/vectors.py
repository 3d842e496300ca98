"""Pretrained word vectors, and the token ids they take in a pipeline.

:class:`WordVectors` is an immutable table of words and their vectors, read
from the GloVe, word2vec or fastText ``.vec`` text formats. Passed as
``KerasTokenizerTransformer(vocabulary=vectors)`` and
``LSTMTextClassifier(embeddings=vectors)``, it fixes the token ids on both
sides by one convention, :func:`vocabulary_ids`: the vectors' words keep the
same ids in every fold of a cross-validation, so the classifier can build its
embedding matrix without seeing the tokenizer.

This module does not import Keras.
"""

import gzip
import itertools
from pathlib import Path

import numpy as np

__all__ = ["WordVectors"]

# Id 0 is padding and id 1 the out-of-vocabulary token, in the tokenizer and
# in the classifier alike; a fixed vocabulary's words come after them.
FIRST_VOCABULARY_ID = 2

_GZIP_MAGIC = b"\x1f\x8b"


def vocabulary_ids(n_words):
    """Token ids of the words of a fixed vocabulary, in its order.

    Parameters
    ----------
    n_words : int
        Number of words in the vocabulary.

    Returns
    -------
    ids : range
        ``FIRST_VOCABULARY_ID`` (2) to ``n_words + 1``: word ``i`` has id
        ``i + 2``, after padding (0) and the out-of-vocabulary id (1). Words
        of the training texts that the vocabulary lacks take the ids after
        these.

    Examples
    --------
    >>> from sklstm.vectors import vocabulary_ids
    >>> list(vocabulary_ids(3))
    [2, 3, 4]
    """
    return range(FIRST_VOCABULARY_ID, FIRST_VOCABULARY_ID + n_words)


def embedding_matrix(vectors, n_rows, seed):
    """The embedding matrix for ids laid out by :func:`vocabulary_ids`.

    Parameters
    ----------
    vectors : WordVectors
        Their rows go to the ids of their words.
    n_rows : int
        Rows of the matrix, at least ``len(vectors) + 2``; rows past the
        vectors serve the training texts' own words.
    seed : int
        Seeds the rows that have no vector.

    Returns
    -------
    matrix : ndarray of shape (n_rows, vectors.dim)
        Row 0 (padding) is zero; the OOV row and the rows of words without
        a vector are drawn from a normal distribution with the vectors' mean
        and standard deviation, so that they start on the same scale.

    Examples
    --------
    >>> from sklstm import WordVectors
    >>> from sklstm.vectors import embedding_matrix
    >>> vectors = WordVectors(["cat", "dog"], [[1.0, 0.0], [0.0, 1.0]])
    >>> embedding_matrix(vectors, 5, seed=0)[2:4].tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    table = vectors.vectors
    rng = np.random.default_rng(seed)
    matrix = rng.normal(table.mean(), table.std(), (n_rows, vectors.dim))
    matrix = matrix.astype(np.float32)
    matrix[0] = 0.0
    ids = vocabulary_ids(len(vectors))
    matrix[ids.start : ids.stop] = table
    return matrix


def check_vocabulary_words(words):
    """The words of a fixed vocabulary as a tuple of str, checked.

    Parameters
    ----------
    words : WordVectors, list or tuple of str
        The vocabulary; a :class:`WordVectors` gives its ``words``.

    Returns
    -------
    words : tuple of str
        Non-empty, distinct words, in the given order.

    Examples
    --------
    >>> from sklstm.vectors import check_vocabulary_words
    >>> check_vocabulary_words(["cat", "dog"])
    ('cat', 'dog')
    """
    if isinstance(words, WordVectors):
        return words.words
    words = tuple(words)
    _check_words(words)
    return words


def _check_words(words):
    if not words:
        raise ValueError("The vocabulary is empty: give at least one word.")
    for position, word in enumerate(words):
        if not isinstance(word, str) or not word:
            raise ValueError(
                f"Every vocabulary word must be a non-empty str; entry {position} "
                f"is {word!r}."
            )
    if len(set(words)) < len(words):
        seen = set()
        repeated = next(word for word in words if word in seen or seen.add(word))
        raise ValueError(
            f"The word {repeated!r} occurs twice in the vocabulary; each word "
            "needs exactly one id (and one vector)."
        )


def _open_text(path):
    """A text stream over ``path``, gunzipped when it starts like a gzip file."""
    with open(path, "rb") as file:
        zipped = file.read(2) == _GZIP_MAGIC
    if zipped:
        return gzip.open(path, "rt", encoding="utf-8", newline="\n")
    return open(path, encoding="utf-8", newline="\n")


def _header(line):
    """``(n_words, dim)`` when ``line`` is a word2vec header "N DIM", else None."""
    fields = line.split()
    if len(fields) == 2 and all(field.isdigit() for field in fields):
        return int(fields[0]), int(fields[1])
    return None


def _ends_in_number(word):
    """Whether a word with spaces ends in a number: then the line is too long."""
    if " " not in word:
        return False
    try:
        float(word.rsplit(" ", 1)[1])
    except ValueError:
        return False
    return True


def _parse_lines(lines, path, first_number, dim):
    """Words, their values as text, and their line numbers; checks each shape.

    ``dim`` is None until the first vector line fixes it. Words may contain
    spaces (a few fastText entries do), so each line is split from the right.
    Blank lines are skipped.
    """
    words, values, numbers = [], [], []
    for number, line in enumerate(lines, start=first_number):
        line = line.rstrip("\r\n").rstrip(" ")
        if not line:
            continue
        if dim is None:
            dim = len(line.split(" ")) - 1
        fields = line.rsplit(" ", dim)
        if len(fields) != dim + 1 or not fields[0] or _ends_in_number(fields[0]):
            raise ValueError(
                f"{path}, line {number}: expected a word and {dim} numbers "
                f"separated by spaces, found {len(line.split(' ')) - 1} fields "
                "after the first. The file is truncated or not a word-vectors file."
            )
        words.append(fields[0])
        values.append(fields[1:])
        numbers.append(number)
    return words, values, numbers, dim


def _to_matrix(values, numbers, path, dim):
    try:
        return np.array(values, dtype=np.float32).reshape(-1, dim)
    except ValueError:
        for number, row in zip(numbers, values, strict=True):
            try:
                np.array(row, dtype=np.float32)
            except ValueError as exc:
                raise ValueError(
                    f"{path}, line {number}: a value is not a number ({exc})."
                ) from None
        raise


class WordVectors:
    """An immutable table of pretrained word vectors.

    Row ``i`` of ``vectors`` is the vector of ``words[i]``. Give the same
    object to :class:`~sklstm.KerasTokenizerTransformer` (``vocabulary=``)
    and :class:`~sklstm.LSTMTextClassifier` (``embeddings=``): the words keep
    fixed ids in every fit, and the network starts from their vectors.

    Copying returns the object itself: it cannot change, and
    :func:`sklearn.base.clone` (which a grid search calls for every candidate
    and fold) then shares the matrix instead of copying it.

    Parameters
    ----------
    words : sequence of str
        Distinct, non-empty words.
    vectors : array-like of shape (n_words, dim)
        Their vectors; stored as a read-only float32 array (copied unless it
        already is one).

    Attributes
    ----------
    words : tuple of str
        The words, in file order (for GloVe and fastText, most frequent
        first).
    vectors : ndarray of shape (n_words, dim)
        Read-only float32 vectors.
    dim : int
        Size of each vector.

    See Also
    --------
    sklstm.datasets.load_glove : GloVe 6B vectors from the data home.

    Examples
    --------
    >>> from sklstm import WordVectors
    >>> vectors = WordVectors(["cat", "dog"], [[0.1, 0.2], [0.3, 0.4]])
    >>> vectors
    WordVectors(2 words, dim=2)
    >>> vectors["dog"].tolist()
    [0.30000001192092896, 0.4000000059604645]
    >>> "cow" in vectors
    False
    """

    def __init__(self, words, vectors):
        words = tuple(words)
        _check_words(words)
        try:
            matrix = np.asarray(vectors, dtype=np.float32)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"vectors must be a numeric matrix: {exc}") from exc
        if matrix.ndim != 2 or matrix.shape[0] != len(words):
            raise ValueError(
                f"vectors must have shape (n_words, dim) = ({len(words)}, dim), "
                f"got {matrix.shape}."
            )
        # A NaN row would turn every prediction of a text holding the word NaN.
        not_finite = np.flatnonzero(~np.isfinite(matrix).all(axis=1))
        if not_finite.size:
            raise ValueError(
                f"vectors contains NaN or infinity, first for the word "
                f"{words[not_finite[0]]!r}; replace or drop those vectors."
            )
        if matrix.flags.writeable:
            matrix = matrix.copy()
            matrix.flags.writeable = False
        self._words = words
        self._vectors = matrix
        self._index = None

    @property
    def words(self):
        """The words, a tuple of str."""
        return self._words

    @property
    def vectors(self):
        """The vectors, a read-only float32 array of shape (n_words, dim)."""
        return self._vectors

    @property
    def dim(self):
        """Size of each vector."""
        return self._vectors.shape[1]

    def index(self):
        """The row of every word, as a dict (built once, then shared).

        Returns
        -------
        index : dict of str to int
            ``words[i]`` maps to ``i``. Do not modify it.
        """
        if self._index is None:
            self._index = dict(zip(self._words, range(len(self._words)), strict=True))
        return self._index

    def __len__(self):
        return len(self._words)

    def __contains__(self, word):
        return word in self.index()

    def __getitem__(self, word):
        return self._vectors[self.index()[word]]

    def __repr__(self):
        return f"WordVectors({len(self)} words, dim={self.dim})"

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __getstate__(self):
        # The index is rebuilt on demand; pickling it would double the size.
        return {"_words": self._words, "_vectors": self._vectors, "_index": None}

    def __setstate__(self, state):
        self.__dict__.update(state)
        # A pickle holds a writeable copy; restore the read-only guarantee.
        self._vectors.flags.writeable = False

    @classmethod
    def load(cls, path):
        """Read a GloVe, word2vec or fastText ``.vec`` text file.

        Each line is a word and its numbers, separated by single spaces. A
        first line of two integers (``"N DIM"``, as in word2vec and fastText
        files) is read as a header and checked against the rest. Gzipped
        files are recognised by their content, whatever their name.

        Parameters
        ----------
        path : str or path-like
            The file, UTF-8 text, optionally gzipped.

        Returns
        -------
        vectors : WordVectors
            The words in file order and their vectors.

        Raises
        ------
        ValueError
            If a line has the wrong number of fields or a value that is not
            a number (the message names the line), a word repeats, or the
            header's counts do not match the file.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from sklstm import WordVectors
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "tiny.vec"
        >>> _ = path.write_text("2 3\\ncat 1 0 0\\ndog 0 1 0\\n", encoding="utf-8")
        >>> WordVectors.load(path)
        WordVectors(2 words, dim=3)
        """
        path = Path(path)
        with _open_text(path) as lines:
            first = next(lines, "")
            header = _header(first)
            if header is None:
                lines = itertools.chain([first], lines)
                dim = None
            else:
                dim = header[1]
            words, values, numbers, dim = _parse_lines(
                lines, path, 1 if header is None else 2, dim
            )
        if not words:
            raise ValueError(f"{path} holds no word vectors.")
        if header is not None and len(words) != header[0]:
            raise ValueError(
                f"{path}: the header announces {header[0]} words but the file "
                f"holds {len(words)}; it is truncated or the header is wrong."
            )
        return cls(words, _to_matrix(values, numbers, path, dim))
