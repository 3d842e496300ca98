"""Texts to padded id arrays once a vocabulary is fitted: NumPy and str only.

The core of :class:`~sklstm.tokenizer.KerasTokenizerTransformer`: the legacy
Keras ``Tokenizer``'s text cleaning and splitting, the token -> id lookup, and
``pad_sequences``' padding and truncation. It imports nothing but NumPy and the
standard library, so that code which only encodes texts with a fitted
vocabulary (a serving process, say) gets the transformer's ids exactly without
scikit-learn, pandas or Keras.

A lookup is a dict from tokens, as the analyzer yields them (bytes on its fast
path), to the ids transform emits; :func:`make_lookup` builds one.
"""

from collections import defaultdict
from itertools import chain, count, repeat

import numpy as np

KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'

# Ids stay far below 2**31, and half-size arrays save memory traffic.
ID_DTYPE = np.int32

# Marks the end of each text in the token stream; no token can equal it. The
# lookups map it to _END so that one flat array of ids can be cut per text.
_END_TOKEN = None
_END = -1


def _yields_bytes(filters, split, char_level):
    """Whether the analyzer takes its fast path, with tokens as bytes."""
    return not char_level and len(split) == 1 and (filters + split).isascii()


def _char_analyzer(lower):
    """Keras' char_level split: every character is a token; no filters."""
    # A str already iterates over its characters, so the text is its tokens.
    return str.lower if lower else str


def _word_analyzer(filters, lower, split):
    """Keras' text_to_word_sequence, as a function of one text.

    Filter characters become ``split``, the text is split on ``split``, and
    empty strings are dropped.

    With an ASCII separator and ASCII filters the tokens are UTF-8 bytes:
    ``bytes.translate`` is about ten times faster than ``str.translate``, and
    an ASCII byte never occurs inside the encoding of another character, so
    the bytes split exactly where the text would. :func:`decode` turns them
    back into str.
    """
    if _yields_bytes(filters, split, char_level=False):
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


def make_analyzer(filters, lower, split, char_level):
    """The function from one text to its tokens, as the legacy Tokenizer splits.

    ``char_level`` ignores ``filters`` and ``split``; otherwise ``split`` must
    not be empty.
    """
    if char_level:
        return _char_analyzer(lower)
    if not split:
        # Keras' str.split fails on an empty separator; say so in our words.
        raise ValueError(
            "split='' is not allowed: str.split needs a non-empty separator. "
            "Use split=' ', or char_level=True for one token per character."
        )
    return _word_analyzer(filters, lower, split)


def decode(keys):
    """The tokens as str, whichever form the analyzer produced them in."""
    if keys and isinstance(keys[0], bytes):
        return [key.decode("utf-8", "surrogatepass") for key in keys]
    return keys


def as_keys(tokens, filters, split, char_level):
    """Str tokens in the form the analyzer of these settings yields them."""
    if _yields_bytes(filters, split, char_level):
        return [token.encode("utf-8", "surrogatepass") for token in tokens]
    return list(tokens)


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


def number_tokens(texts, analyze):
    """Number the distinct tokens of ``texts`` in first-seen order.

    Returns
    -------
    keys : list
        The distinct tokens as the analyzer yields them; token ``i`` is
        ``keys[i]``.
    flat : ndarray of int32
        The number of every token of every text, texts one after the other.
    lengths : ndarray of int
        How many tokens each text has.
    """
    first_seen = defaultdict(count().__next__, {_END_TOKEN: _END})
    # The default factory numbers new tokens in C as the stream fills it.
    stream = map(first_seen.__getitem__, _token_stream(texts, analyze))
    flat, lengths = _cut(np.fromiter(stream, ID_DTYPE))
    return list(first_seen)[1:], flat, lengths


def make_lookup(keys, ids):
    """The token -> id dict that :func:`encode` reads, from matching iterables."""
    lookup = dict(zip(keys, ids, strict=False))
    lookup[_END_TOKEN] = _END
    return lookup


def pack_texts(texts):
    """Strings as two arrays: their UTF-8 bytes end to end, and their lengths.

    A model file stores an array as its raw bytes, but a list of strings as
    one JSON node per string in a skops file (some 200 bytes a word), which
    made the tokenizer most of a model file.
    """
    encoded = [text.encode("utf-8", "surrogatepass") for text in texts]
    lengths = np.fromiter(map(len, encoded), np.int64, len(encoded))
    return np.frombuffer(b"".join(encoded), np.uint8), lengths


def unpack_texts(data, lengths):
    """The strings that :func:`pack_texts` packed."""
    blob = data.tobytes()
    ends = np.cumsum(lengths).tolist()
    starts = [0, *ends[:-1]]
    return [
        blob[start:end].decode("utf-8", "surrogatepass")
        for start, end in zip(starts, ends, strict=True)
    ]


def pack_counts(mapping):
    """A dict of str to int as arrays: packed keys (:func:`pack_texts`), values."""
    values = np.fromiter(mapping.values(), np.int64, len(mapping))
    return (*pack_texts(mapping), values)


def unpack_counts(data, lengths, values):
    """The dict that :func:`pack_counts` packed, in its order."""
    return dict(zip(unpack_texts(data, lengths), values.tolist(), strict=True))


def lookup_items(lookup):
    """A lookup as plain data: packed str tokens, their ids, whether keys are bytes.

    :func:`lookup_from_items` rebuilds the lookup; the items hold no bytes and
    no None, which safe formats such as skops cannot store as dict keys.
    """
    lookup = dict(lookup)
    del lookup[_END_TOKEN]
    keys = list(lookup)
    as_bytes = bool(keys) and isinstance(keys[0], bytes)
    ids = np.fromiter(lookup.values(), ID_DTYPE, len(lookup))
    return (*pack_texts(decode(keys)), ids, as_bytes)


def lookup_from_items(*items):
    """The lookup that :func:`lookup_items` took apart.

    Model files written before the tokens were packed hold them as a list.
    """
    *tokens, ids, as_bytes = items
    tokens = tokens[0] if len(tokens) == 1 else unpack_texts(*tokens)
    if as_bytes:
        tokens = [token.encode("utf-8", "surrogatepass") for token in tokens]
    return make_lookup(tokens, ids.tolist())


def encode(texts, analyze, lookup):
    """The ids of every token of ``texts``, 0 for an unknown one, and their counts."""
    stream = _token_stream(texts, analyze)
    return _cut(np.fromiter(map(lookup.get, stream, repeat(0)), ID_DTYPE))


def restrict(flat, lengths, num_words, oov_index):
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


def pad(flat, lengths, width, padding, truncating, dtype):
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


def texts_to_ids(
    texts,
    analyze,
    lookup,
    *,
    id_limit,
    oov_index,
    width,
    padding,
    truncating,
    dtype,
):
    """The padded id array of ``texts``: what the fitted transformer returns.

    Parameters
    ----------
    texts : list of str
        Texts to encode.
    analyze : callable
        The analyzer, from :func:`make_analyzer`.
    lookup : dict
        Token -> id, from :func:`make_lookup`.
    id_limit : int or None
        Ids at or past it count as unknown tokens; None keeps every id.
    oov_index : int or None
        Id that unknown tokens become, or None to drop them.
    width, padding, truncating, dtype
        The layout of the output, as :func:`pad` takes it.

    Returns
    -------
    ndarray of shape (len(texts), width)
    """
    flat, lengths = restrict(*encode(texts, analyze, lookup), id_limit, oov_index)
    return pad(flat, lengths, width, padding, truncating, dtype)
