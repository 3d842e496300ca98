"""Raw text to padded integer sequences, exactly as Keras' legacy Tokenizer does.

:class:`KerasTokenizerTransformer` reproduces ``Tokenizer.fit_on_texts`` and
``texts_to_sequences`` from Keras 1/2 (``keras.preprocessing.text``) followed by
``keras.utils.pad_sequences``, as a scikit-learn transformer. It does not import
Keras: the legacy module is private and deprecated, and tokenizing runs in every
fit of every cross-validation fold, so it is re-implemented here with string
methods and NumPy, several times faster than the original.
"""

from collections import defaultdict
from itertools import chain, count, repeat
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted

from sklstm._text_input import check_texts
from sklstm.vectors import (
    FIRST_VOCABULARY_ID,
    WordVectors,
    check_vocabulary_words,
    vocabulary_ids,
)

_KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'

# Marks the end of each text in the token stream; no token can equal it. The
# vocabularies map it to _END so that one flat array of ids can be cut per text.
_END_TOKEN = None
_END = -1
# Ids stay far below 2**31, and half-size arrays save memory traffic.
_ID = np.int32


def _char_analyzer(lower):
    """Keras' char_level split: every character is a token; no filters."""
    # A str already iterates over its characters, so the text is its tokens.
    return str.lower if lower else str


def _yields_bytes(filters, split):
    """Whether the word analyzer takes its fast path, with tokens as bytes."""
    return len(split) == 1 and (filters + split).isascii()


def _word_analyzer(filters, lower, split):
    """Keras' text_to_word_sequence, as a function of one text.

    Filter characters become ``split``, the text is split on ``split``, and
    empty strings are dropped.

    With an ASCII separator and ASCII filters the tokens are UTF-8 bytes:
    ``bytes.translate`` is about ten times faster than ``str.translate``, and
    an ASCII byte never occurs inside the encoding of another character, so
    the bytes split exactly where the text would. :func:`_decode` turns them
    back into str.
    """
    if _yields_bytes(filters, split):
        table = bytes.maketrans(filters.encode(), split.encode() * len(filters))
        separator = split.encode()

        def analyze(text):
            if lower:
                text = text.lower()
            encoded = text.encode("utf-8", "surrogatepass")
            return filter(None, encoded.translate(table).split(separator))

        return analyze
    table = str.maketrans(dict.fromkeys(filters, split))

    def analyze(text):
        if lower:
            text = text.lower()
        return filter(None, text.translate(table).split(split))

    return analyze


def _decode(keys):
    """The tokens as str, whichever form the analyzer produced them in."""
    if keys and isinstance(keys[0], bytes):
        return [key.decode("utf-8", "surrogatepass") for key in keys]
    return keys


def _token_stream(texts, analyze):
    """The tokens of every text in order, each text followed by _END_TOKEN."""
    per_text = zip(map(analyze, texts), repeat((_END_TOKEN,)))
    return chain.from_iterable(chain.from_iterable(per_text))


def _cut(flat):
    """Split an id stream at the _END marks: the token ids, and each text's count.

    Streaming into one array keeps every step in C: no per-text lists, which
    would also keep Python's cyclic garbage collector busy.
    """
    is_end = flat == _END
    lengths = np.diff(np.flatnonzero(is_end), prepend=-1) - 1
    return flat[~is_end], lengths


def _frequency_order(counts):
    """Token indices by descending count; ties keep first-seen order.

    Keras sorts ``word_counts`` (in first-seen order) with Python's stable
    sort, so a stable argsort of the negated counts gives the same order.
    """
    return np.argsort(-counts, kind="stable")


def _restrict(flat, lengths, num_words, oov_index):
    """Apply Keras' rules to unknown tokens (id 0) and ids past ``num_words``.

    Such a token becomes ``oov_index`` when there is an OOV token, and is
    dropped, shortening its text, when there is none.
    """
    rejected = flat == 0
    if num_words is not None:
        rejected |= flat >= num_words
    if oov_index is not None:
        flat[rejected] = oov_index
        return flat, lengths
    rejected_before = np.searchsorted(np.flatnonzero(rejected), np.cumsum(lengths))
    return flat[~rejected], lengths - np.diff(rejected_before, prepend=0)


def _truncate(flat, lengths, width, truncating):
    """Keep at most ``width`` ids of each text: its first ("post") or last ("pre")."""
    kept = np.minimum(lengths, width)
    starts = np.cumsum(lengths) - lengths
    if truncating == "pre":
        starts += lengths - kept
    # +1 where a text's kept run starts and -1 where it stops: the running sum
    # marks the ids to keep, using one byte per id.
    marks = np.zeros(flat.size + 1, np.int8)
    np.add.at(marks, starts, 1)
    np.add.at(marks, starts + kept, -1)
    return flat[np.cumsum(marks[:-1], dtype=np.int8).view(bool)], kept


def _pad(flat, lengths, width, padding, truncating, dtype):
    """Lay the sequences out in an (n_texts, width) array, as pad_sequences does."""
    if lengths.max() > width:
        flat, lengths = _truncate(flat, lengths, width, truncating)
    columns = np.arange(width)
    if padding == "post":
        slots = columns < lengths[:, np.newaxis]
    else:
        slots = columns >= (width - lengths)[:, np.newaxis]
    padded = np.zeros((lengths.size, width), dtype=dtype)
    # Boolean assignment fills row by row, which is the order of ``flat``.
    padded[slots] = flat
    return padded


def _check_split(split):
    """Keras' str.split fails on an empty separator; say so in our words."""
    if not split:
        raise ValueError(
            "split='' is not allowed: str.split needs a non-empty separator. "
            "Use split=' ', or char_level=True for one token per character."
        )


def _check_dtype(dtype):
    """The output dtype as a NumPy dtype, checked to be numeric."""
    try:
        dtype = np.dtype(dtype)
    except TypeError as exc:
        raise ValueError(
            f"dtype={dtype!r} is not a NumPy dtype. Use an integer dtype such "
            "as 'int32'."
        ) from exc
    if dtype.kind not in "iuf":
        raise ValueError(
            f"dtype={str(dtype)!r} cannot hold token ids. Use an integer dtype "
            "such as 'int32'."
        )
    return dtype


def _check_capacity(dtype, largest_id):
    """Fail at fit, not at transform, when an id would not fit in ``dtype``."""
    if dtype.kind == "f":
        # Beyond 2**(nmant + 1) a float no longer represents every integer.
        limit = 2 ** (np.finfo(dtype).nmant + 1)
    else:
        limit = np.iinfo(dtype).max
    if largest_id > limit:
        raise ValueError(
            f"dtype={str(dtype)!r} cannot hold token id {largest_id}. Use a "
            "wider dtype such as 'int32', or lower num_words."
        )


class KerasTokenizerTransformer(TransformerMixin, BaseEstimator):
    """Turn raw texts into padded sequences of integer token ids.

    The output equals Keras' legacy ``Tokenizer`` (``fit_on_texts`` then
    ``texts_to_sequences``) followed by ``keras.utils.pad_sequences`` with
    ``value=0``, given the same settings, so models trained on Keras-tokenized
    data can be moved into scikit-learn pipelines unchanged. Keras itself is
    not needed. Ids are 1-based and ranked by frequency in the training texts
    (ties in first-seen order); 0 is padding.

    Parameters
    ----------
    num_words : int or None, default=20000
        Keep only ids below ``num_words``: the ``num_words - 1`` most frequent
        tokens, or ``num_words - 2`` of them plus the OOV token. Other tokens
        become the OOV id, or are dropped when ``oov_token`` is None. None
        keeps every token. Keras' default is None.
    filters : str, default='!"#$%&()*+,-./:;<=>?@[\\\\]^_`{|}~\\t\\n'
        Characters replaced by ``split`` before splitting, so they never occur
        in a token. Keras' default. Ignored when ``char_level=True``.
    lower : bool, default=True
        Lowercase the texts (``str.lower``) before anything else.
    split : str, default=" "
        Separator between tokens (``str.split`` on exactly this string, not
        on any whitespace). Must not be empty. Ignored when
        ``char_level=True``.
    char_level : bool, default=False
        Make every character a token, spaces and punctuation included.
    oov_token : str or None, default="<OOV>"
        Token for words missing from the vocabulary, or beyond ``num_words``;
        it takes id 1. None drops such words. Keras' default is None.
    maxlen : int or None, default=400
        Width of the output. Longer sequences are truncated, shorter ones
        padded with 0. None uses the length of the longest training sequence,
        fixed at fit (at least 1), and truncates longer texts at transform.
        ``pad_sequences``' default is None.
    padding : {"pre", "post"}, default="post"
        Pad at the start or at the end of each row. ``pad_sequences``' default
        is "pre"; "post" keeps the text at the start of the row, which cuDNN's
        fast LSTM kernel requires when padding is masked.
    truncating : {"pre", "post"}, default="pre"
        Drop the tokens past ``maxlen`` at the start or at the end of a long
        text; "pre", as in ``pad_sequences``, keeps the end, where reviews
        tend to give their verdict (1.1 points of accuracy on IMDB, no change
        on 20 Newsgroups in the benchmarks). Use "post" when the start of a
        text says most.
    dtype : str or numpy dtype, default="int32"
        Integer (or floating) dtype of the output. Fitting fails when it
        cannot hold the largest id.
    vocabulary : WordVectors, list of str or None, default=None
        Fix the ids of these words, as ``CountVectorizer(vocabulary=...)``
        does: word ``i`` gets id ``i + 2`` in every fit (0 is padding, 1 the
        OOV id, even when ``oov_token`` is None), so that
        ``LSTMTextClassifier(embeddings=vectors)`` finds each word's vector at
        its id. Words of the training texts that the vocabulary lacks
        (names, slang, jargon) are not lost: they get the ids after it, most
        frequent first, and ``num_words`` then caps how many of them get one
        (None: all of them). Words should be as the tokenizer yields them
        (lowercase with ``lower=True``, no filter characters).

    Attributes
    ----------
    vocabulary_ : dict of str to int
        Id of every token seen during fit, and of the OOV token; Keras'
        ``word_index``. It includes tokens whose id is ``num_words`` or more;
        transform does not emit those ids.
    index_word_ : dict of int to str
        The reverse mapping, Keras' ``index_word``.
    word_counts_ : dict of str to int
        How often each token occurs in the training texts, in first-seen
        order; Keras' ``word_counts``.
    document_count_ : int
        Number of training texts.
    sequence_length_ : int
        Width of the output: ``maxlen``, or the length resolved at fit when
        ``maxlen`` is None.

    See Also
    --------
    sklearn.feature_extraction.text.CountVectorizer : Bag-of-words counts
        instead of ordered sequences.
    sklstm.LSTMTextClassifier : The classifier these sequences feed.
    keras.layers.TextVectorization : Keras 3's in-graph replacement, with
        different tokenization and id order.

    Notes
    -----
    Differences from the Keras legacy ``Tokenizer`` and ``pad_sequences``:

    - the defaults of ``num_words``, ``oov_token``, ``maxlen`` and ``padding``
      differ, as described above;
    - a fit starts afresh: Keras' ``fit_on_texts`` accumulates counts over
      calls;
    - entries must be ``str``: there is no ``analyzer`` and no
      pre-tokenized (list) input, and ``word_docs``/``index_docs`` are not
      computed, as they only serve ``texts_to_matrix``;
    - with ``maxlen=None``, when no training text yields a token the width
      is 1 (a column of padding), where ``pad_sequences`` would return zero
      columns.

    Tokenizing follows Keras exactly, quirks included: the text is
    lowercased, every filter character becomes ``split``, the text is split
    on ``split`` and empty strings are dropped. Tokens therefore keep
    characters that are neither filtered nor the separator, such as ``'`` or
    a non-breaking space.

    Examples
    --------
    >>> from sklstm import KerasTokenizerTransformer
    >>> texts = ["The cat sat.", "The dog sat on the mat!", "A bird"]
    >>> tokenizer = KerasTokenizerTransformer(maxlen=5)
    >>> tokenizer.fit_transform(texts)
    array([[2, 4, 3, 0, 0],
           [5, 3, 6, 2, 7],
           [8, 9, 0, 0, 0]], dtype=int32)
    >>> tokenizer.transform(["The cow sat"])
    array([[2, 1, 3, 0, 0]], dtype=int32)
    >>> tokenizer.inverse_transform([[2, 1, 3, 0, 0]])
    [['the', '<OOV>', 'sat']]
    """

    _parameter_constraints: dict = {
        "num_words": [Interval(Integral, 1, None, closed="left"), None],
        "filters": [str],
        "lower": ["boolean"],
        "split": [str],
        "char_level": ["boolean"],
        "oov_token": [str, None],
        "maxlen": [Interval(Integral, 1, None, closed="left"), None],
        "padding": [StrOptions({"pre", "post"})],
        "truncating": [StrOptions({"pre", "post"})],
        "dtype": [str, type, np.dtype],
        "vocabulary": [WordVectors, list, tuple, None],
    }

    def __init__(
        self,
        *,
        num_words=20000,
        filters=_KERAS_FILTERS,
        lower=True,
        split=" ",
        char_level=False,
        oov_token="<OOV>",
        maxlen=400,
        padding="post",
        truncating="pre",
        dtype="int32",
        vocabulary=None,
    ):
        self.num_words = num_words
        self.filters = filters
        self.lower = lower
        self.split = split
        self.char_level = char_level
        self.oov_token = oov_token
        self.maxlen = maxlen
        self.padding = padding
        self.truncating = truncating
        self.dtype = dtype
        self.vocabulary = vocabulary

    def _analyzer(self):
        if self.char_level:
            return _char_analyzer(self.lower)
        _check_split(self.split)
        return _word_analyzer(self.filters, self.lower, self.split)

    def _first_id(self):
        """Id of the most frequent token: 1, or 2 after the OOV token."""
        return 1 if self.oov_token is None else 2

    def _oov_index(self):
        """Id of the OOV token, or None; Keras looks it up in the vocabulary."""
        return None if self.oov_token is None else self.vocabulary_[self.oov_token]

    def _largest_id(self):
        """The largest id transform can emit."""
        largest = len(self.word_counts_) + self._first_id() - 1
        if self.num_words is not None:
            largest = min(largest, self.num_words - 1)
        return max(largest, self._oov_index() or 0)

    def _learn_vocabulary(self, tokens, counts, order):
        """Set the vocabulary attributes the way ``fit_on_texts`` builds them."""
        ranked = [tokens[i] for i in order]
        if self.oov_token is not None:
            ranked.insert(0, self.oov_token)
        # Built like Keras' word_index, so an OOV token that also occurs in the
        # texts keeps its frequency rank and id 1 stays unused, as in Keras.
        self.vocabulary_ = dict(zip(ranked, count(1)))
        self.index_word_ = {i: token for token, i in self.vocabulary_.items()}
        self.word_counts_ = dict(zip(tokens, counts.tolist(), strict=True))

    def _learn_fixed_vocabulary(self, keys, counts, order):
        """Set the vocabulary attributes, ``vocabulary``'s words at fixed ids.

        The training texts' other words take the ids after them, most
        frequent first, at most ``num_words`` of them. Returns the id of each
        seen key, 0 for a word left without one.
        """
        words = check_vocabulary_words(self.vocabulary)
        fixed = dict(zip(words, vocabulary_ids(len(words)), strict=True))
        tokens = _decode(keys)
        key_ids = np.fromiter((fixed.get(t, 0) for t in tokens), _ID, len(tokens))
        new = order[key_ids[order] == 0]
        if self.num_words is not None:
            new = new[: self.num_words]
        first_new_id = FIRST_VOCABULARY_ID + len(words)
        key_ids[new] = np.arange(first_new_id, first_new_id + new.size)
        new_tokens = [tokens[i] for i in new]
        self.vocabulary_ = {} if self.oov_token is None else {self.oov_token: 1}
        self.vocabulary_.update(fixed)
        self.vocabulary_.update(zip(new_tokens, key_ids[new].tolist(), strict=True))
        self.index_word_ = {i: token for token, i in self.vocabulary_.items()}
        self.word_counts_ = dict(zip(tokens, counts.tolist(), strict=True))
        if _yields_bytes(self.filters, self.split) and not self.char_level:
            fixed = {w.encode("utf-8", "surrogatepass"): i for w, i in fixed.items()}
        self._lookup_ = fixed
        self._lookup_.update(
            zip([keys[i] for i in new], key_ids[new].tolist(), strict=True)
        )
        self._lookup_[_END_TOKEN] = _END
        return key_ids

    def _id_limit(self):
        """Ids at or past this become OOV; a fixed vocabulary has none."""
        return None if self.vocabulary is not None else self.num_words

    def _learn_lookup(self, ranked_keys):
        """Set the token -> id table transform encodes with.

        Its keys are tokens as the analyzer yields them (bytes on the fast
        path), and it holds only the ids transform emits: any other token
        becomes the OOV id or is dropped, exactly like a token never seen.
        """
        first_id = self._first_id()
        emitted = range(first_id, self.num_words or len(ranked_keys) + first_id)
        self._lookup_ = dict(zip(ranked_keys, emitted, strict=False))
        self._lookup_[_END_TOKEN] = _END

    def _fit(self, texts):
        """Fit on validated texts; return their restricted ids and lengths."""
        dtype = _check_dtype(self.dtype)
        first_seen = defaultdict(count().__next__, {_END_TOKEN: _END})
        stream = _token_stream(texts, self._analyzer())
        # The default factory numbers new tokens in C as the stream fills it.
        flat, lengths = _cut(np.fromiter(map(first_seen.__getitem__, stream), _ID))
        keys = list(first_seen)[1:]
        counts = np.bincount(flat, minlength=len(keys))
        order = _frequency_order(counts)
        if self.vocabulary is not None:
            key_ids = self._learn_fixed_vocabulary(keys, counts, order)
            flat, lengths = _restrict(key_ids[flat], lengths, None, self._oov_index())
            _check_capacity(dtype, max(self.index_word_, default=0))
        else:
            self._learn_vocabulary(_decode(keys), counts, order)
            self._learn_lookup([keys[i] for i in order])
            rank = np.empty_like(order)
            rank[order] = np.arange(order.size)
            flat, lengths = _restrict(
                (rank + self._first_id()).astype(_ID)[flat],
                lengths,
                self.num_words,
                self._oov_index(),
            )
            _check_capacity(dtype, self._largest_id())
        self.document_count_ = len(texts)
        if self.maxlen is None:
            self.sequence_length_ = max(int(lengths.max()), 1)
        else:
            self.sequence_length_ = self.maxlen
        return flat, lengths

    def _pad(self, flat, lengths):
        return _pad(
            flat,
            lengths,
            self.sequence_length_,
            self.padding,
            self.truncating,
            self.dtype,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the vocabulary of the training texts.

        Parameters
        ----------
        X : list, tuple, ndarray, pandas Series or one-column DataFrame of str
            Training texts.
        y : None
            Ignored.

        Returns
        -------
        self : KerasTokenizerTransformer
            The fitted transformer.
        """
        self._fit(check_texts(X))
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Learn the vocabulary and return the padded id sequences.

        Equivalent to ``fit(X).transform(X)``, but tokenizes the texts once.

        Parameters
        ----------
        X : list, tuple, ndarray, pandas Series or one-column DataFrame of str
            Training texts.
        y : None
            Ignored.

        Returns
        -------
        X_ids : ndarray of shape (n_texts, ``sequence_length_``)
            Token ids of each text, padded with 0, of type ``dtype``.
        """
        return self._pad(*self._fit(check_texts(X)))

    def transform(self, X):
        """Turn texts into padded id sequences with the fitted vocabulary.

        Parameters
        ----------
        X : list, tuple, ndarray, pandas Series or one-column DataFrame of str
            Texts to encode. Tokens not seen in fit become the OOV id (1), or
            are dropped when ``oov_token`` is None.

        Returns
        -------
        X_ids : ndarray of shape (n_texts, ``sequence_length_``)
            Token ids of each text, padded with 0, of type ``dtype``.
        """
        check_is_fitted(self)
        stream = _token_stream(check_texts(X), self._analyzer())
        flat = np.fromiter(map(self._lookup_.get, stream, repeat(0)), _ID)
        flat, lengths = _restrict(*_cut(flat), self._id_limit(), self._oov_index())
        return self._pad(flat, lengths)

    def inverse_transform(self, X):
        """Turn id sequences back into the tokens they stand for.

        Parameters
        ----------
        X : array-like of shape (n_texts, n_positions)
            Integer ids, as returned by :meth:`transform`.

        Returns
        -------
        tokens : list of list of str
            The tokens of each row, in order. Padding (every 0) is dropped. As
            in Keras' ``sequences_to_texts``, an id that transform would not
            emit (one at or past ``num_words``, or unknown to the vocabulary)
            becomes ``oov_token``, or is dropped when ``oov_token`` is None.
            Lowercasing and filtered characters are not undone, and
            ``" ".join`` (or ``"".join`` for ``char_level``) rebuilds a text.
        """
        check_is_fitted(self)
        ids = check_array(X, dtype="numeric", ensure_min_features=0)
        if ids.dtype.kind not in "iu" and not np.array_equal(ids, np.round(ids)):
            raise ValueError(
                "X must hold integer token ids, as returned by transform; "
                "found non-integer values."
            )
        limit = self._id_limit() or np.inf
        words = {i: w for i, w in self.index_word_.items() if i < limit}
        unknown = self.oov_token
        rows = ids.astype(np.int64).tolist()
        if unknown is None:
            return [[words[i] for i in row if i in words] for row in rows]
        return [[words.get(i, unknown) for i in row if i] for row in rows]

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns, one per position in the sequence.

        Parameters
        ----------
        input_features : None
            Not used, present for API consistency by convention.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``kerastokenizertransformer0`` to
            ``kerastokenizertransformer{sequence_length_ - 1}``: the class
            name lowercased and the position, as scikit-learn names the
            columns of transformers such as PCA.
        """
        check_is_fitted(self)
        prefix = type(self).__name__.lower()
        return np.asarray(
            [f"{prefix}{i}" for i in range(self.sequence_length_)], dtype=object
        )

    def __getstate__(self):
        # skops (safe persistence) stores dicts with str keys only, and the
        # lookup's keys are bytes on the fast path, plus the None end mark.
        # It travels as str tokens and their ids and is rebuilt on load.
        state = super().__getstate__()
        if "_lookup_" not in state:
            return state
        state = dict(state)
        lookup = dict(state.pop("_lookup_"))
        del lookup[_END_TOKEN]
        keys = list(lookup)
        as_bytes = bool(keys) and isinstance(keys[0], bytes)
        ids = np.fromiter(lookup.values(), _ID, len(lookup))
        state["_lookup_items"] = (_decode(keys), ids, as_bytes)
        return state

    def __setstate__(self, state):
        if "_lookup_items" in state:
            state = dict(state)
            tokens, ids, as_bytes = state.pop("_lookup_items")
            if as_bytes:
                tokens = [token.encode("utf-8", "surrogatepass") for token in tokens]
            state["_lookup_"] = dict(zip(tokens, ids.tolist(), strict=True))
            state["_lookup_"][_END_TOKEN] = _END
        super().__setstate__(state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.transformer_tags.preserves_dtype = []
        return tags
