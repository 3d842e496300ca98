"""Tests for sklstm.tokenizer: Keras parity, input checks, scikit-learn API.

The reference is Keras' legacy ``Tokenizer`` + ``keras.utils.pad_sequences``.
Where Keras still ships the legacy module the tests compare against it live;
a pinned fixture of its outputs (tests/fixtures/tokenizer_parity.json) keeps
parity checked if it goes. Regenerate the fixture with
``python -m tests.test_tokenizer`` from the repository root.
"""

import ast
import itertools
import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sklearn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.fixes import parse_version

from sklstm._text_input import check_texts
from sklstm.tokenizer import KerasTokenizerTransformer
from tests.conftest import dataset_file

try:
    from keras.src.legacy.preprocessing.text import Tokenizer as KerasTokenizer
    from keras.utils import pad_sequences
except ImportError:
    KerasTokenizer = None

needs_keras = pytest.mark.skipif(
    KerasTokenizer is None, reason="Keras' legacy Tokenizer is not importable"
)

FIXTURE = Path(__file__).parent / "fixtures" / "tokenizer_parity.json"
PACKAGE = Path(__file__).parents[1] / "sklstm"

TEXTS = ["The cat sat.", "The dog sat on the mat!", "A bird"]


# --- the Keras reference -----------------------------------------------------


def keras_tokenizer(texts, *, num_words, filters, lower, split, char_level, oov_token):
    """Keras' legacy Tokenizer fitted on ``texts``."""
    tokenizer = KerasTokenizer(
        num_words=num_words,
        filters=filters,
        lower=lower,
        split=split,
        char_level=char_level,
        oov_token=oov_token,
    )
    tokenizer.fit_on_texts(texts)
    return tokenizer


def keras_pad(sequences, *, maxlen, padding, truncating, dtype):
    return pad_sequences(
        sequences,
        maxlen=maxlen,
        padding=padding,
        truncating=truncating,
        dtype=dtype,
        value=0,
    )


def keras_reference(train, test, params):
    """What Keras returns for ``params`` (our parameters, our defaults)."""
    p = KerasTokenizerTransformer(**params).get_params()
    pad = {k: p.pop(k) for k in ("padding", "truncating", "dtype")}
    # Keras' Tokenizer has no fixed vocabulary; tests/test_vectors.py covers it.
    del p["vocabulary"]
    maxlen = p.pop("maxlen")
    tokenizer = keras_tokenizer(train, **p)
    fitted = keras_pad(tokenizer.texts_to_sequences(train), maxlen=maxlen, **pad)
    width = fitted.shape[1]
    encoded = keras_pad(tokenizer.texts_to_sequences(test), maxlen=width, **pad)
    return {
        "fit_transform": fitted.tolist(),
        "transform": encoded.tolist(),
        "vocabulary": tokenizer.word_index,
        "dtype": str(fitted.dtype),
    }


# --- the pinned fixture --------------------------------------------------------

FIXTURE_TRAIN = [
    "The cat sat on the mat. The cat was happy!",
    "Dogs, cats & birds: all\tanimals\nhere.",
    "UPPER lower MiXeD case; don't stop",
    "",
    "...!!!",
    "Café naïve résumé ÉCOLE straße",
    "ΟΔΟΣ σοφία İstanbul",
    "non\u00a0breaking space and\rcarriage return",
    "emoji 🙂 and lone \udc80 surrogate",
    "tie1 tie2 tie3 tie1 tie2 tie3",
    "numbers 42 3.14 42 a-b a_b",
    "the <OOV> token, and <OOV> again",
]
FIXTURE_TEST = [
    "The unseen dog sat on a mat",
    "",
    "Completely new words here, cat!",
    "café ÉCOLE 🙂 42 <OOV>",
]
FIXTURE_CASES = [
    {"maxlen": 8},
    {
        "num_words": 5,
        "oov_token": None,
        "maxlen": None,
        "padding": "pre",
        "truncating": "pre",
    },
    {"num_words": 5, "maxlen": 6, "padding": "pre", "truncating": "post"},
    {"char_level": True, "num_words": 10, "maxlen": 12, "truncating": "pre"},
    {"char_level": True, "lower": False, "oov_token": None, "maxlen": None},
    {"lower": False, "filters": "", "maxlen": 10},
    {"split": "--", "filters": " .", "maxlen": None},
    {"split": "·", "filters": '!"«», .', "maxlen": 10},
    {"split": ",", "filters": " ", "oov_token": None, "maxlen": 6},
    {"num_words": 1, "maxlen": 4},
    {"num_words": 2, "oov_token": None, "maxlen": 3},
    {"maxlen": 5, "dtype": "int16"},
    {"maxlen": 5, "dtype": "float32", "padding": "pre"},
]


def build_fixture():
    """The fixture's content, computed with the live Keras legacy Tokenizer."""
    import keras

    return {
        "keras_version": keras.__version__,
        "train": FIXTURE_TRAIN,
        "test": FIXTURE_TEST,
        "cases": [
            {"params": params, **keras_reference(FIXTURE_TRAIN, FIXTURE_TEST, params)}
            for params in FIXTURE_CASES
        ],
    }


def load_fixture():
    with open(FIXTURE, encoding="utf-8") as file:
        return json.load(file)


def assert_matches(result, expected):
    """Our output equals a Keras reference (values, dtype and vocabulary)."""
    tokenizer, fitted, encoded = result
    assert fitted.dtype == np.dtype(expected["dtype"])
    np.testing.assert_array_equal(fitted, np.asarray(expected["fit_transform"]))
    np.testing.assert_array_equal(encoded, np.asarray(expected["transform"]))
    assert tokenizer.vocabulary_ == expected["vocabulary"]


def run_ours(train, test, params):
    tokenizer = KerasTokenizerTransformer(**params)
    fitted = tokenizer.fit_transform(train)
    return tokenizer, fitted, tokenizer.transform(test)


@pytest.mark.parametrize("index", range(len(FIXTURE_CASES)))
def test_matches_pinned_keras_fixture(index):
    fixture = load_fixture()
    case = fixture["cases"][index]
    assert case["params"] == FIXTURE_CASES[index]
    result = run_ours(fixture["train"], fixture["test"], case["params"])
    assert_matches(result, case)


@needs_keras
def test_pinned_fixture_is_what_live_keras_returns():
    fixture = load_fixture()
    assert fixture["train"] == FIXTURE_TRAIN
    assert fixture["test"] == FIXTURE_TEST
    live = build_fixture()
    for pinned, current in zip(fixture["cases"], live["cases"], strict=True):
        assert pinned == json.loads(json.dumps(current))


# --- parity on real text -------------------------------------------------------


@pytest.fixture(scope="module")
def sms_split(data_home):
    """SMS Spam texts: the first 4,000 to fit, the other 1,574 to transform."""
    frame = pd.read_csv(dataset_file(data_home, "sms_spam"), keep_default_na=False)
    texts = frame["text"].tolist()
    return texts[:4000], texts[4000:]


@pytest.fixture(scope="module")
def keras_sms_sequences(sms_split):
    """Keras' unpadded sequences per tokenizer setting, computed once each."""
    train, test = sms_split
    cache = {}

    def sequences(num_words, oov_token, char_level):
        key = (num_words, oov_token, char_level)
        if key not in cache:
            tokenizer = keras_tokenizer(
                train,
                num_words=num_words,
                filters=KerasTokenizerTransformer().filters,
                lower=True,
                split=" ",
                char_level=char_level,
                oov_token=oov_token,
            )
            cache[key] = (
                tokenizer,
                tokenizer.texts_to_sequences(train),
                tokenizer.texts_to_sequences(test),
            )
        return cache[key]

    return sequences


@needs_keras
@pytest.mark.realdata
@pytest.mark.parametrize("maxlen", [None, 50])
@pytest.mark.parametrize(
    "padding, truncating", list(itertools.product(["pre", "post"], repeat=2))
)
@pytest.mark.parametrize("char_level", [False, True])
@pytest.mark.parametrize("oov_token", [None, "<OOV>"])
@pytest.mark.parametrize("num_words", [None, 1000])
def test_matches_keras_on_sms_spam(
    sms_split,
    keras_sms_sequences,
    num_words,
    oov_token,
    char_level,
    padding,
    truncating,
    maxlen,
):
    train, test = sms_split
    _, train_seq, test_seq = keras_sms_sequences(num_words, oov_token, char_level)
    tokenizer, fitted, encoded = run_ours(
        train,
        test,
        dict(
            num_words=num_words,
            oov_token=oov_token,
            char_level=char_level,
            padding=padding,
            truncating=truncating,
            maxlen=maxlen,
        ),
    )
    pad = dict(padding=padding, truncating=truncating, dtype="int32")
    np.testing.assert_array_equal(fitted, keras_pad(train_seq, maxlen=maxlen, **pad))
    width = tokenizer.sequence_length_
    np.testing.assert_array_equal(encoded, keras_pad(test_seq, maxlen=width, **pad))


@needs_keras
@pytest.mark.realdata
@pytest.mark.parametrize("char_level", [False, True])
@pytest.mark.parametrize("oov_token", [None, "<OOV>"])
@pytest.mark.parametrize("num_words", [None, 1000])
def test_fitted_attributes_match_keras_on_sms_spam(
    sms_split, keras_sms_sequences, num_words, oov_token, char_level
):
    train, _ = sms_split
    keras_fitted, _, _ = keras_sms_sequences(num_words, oov_token, char_level)
    ours = KerasTokenizerTransformer(
        num_words=num_words, oov_token=oov_token, char_level=char_level
    ).fit(train)
    assert ours.vocabulary_ == keras_fitted.word_index
    assert ours.index_word_ == keras_fitted.index_word
    assert list(ours.word_counts_.items()) == list(keras_fitted.word_counts.items())
    assert ours.document_count_ == keras_fitted.document_count == 4000


# --- properties over arbitrary text -------------------------------------------

texts_strategy = st.lists(
    st.text(alphabet=st.one_of(st.characters(), st.sampled_from(" .,!\t\nAaBbİΣ"))),
    min_size=1,
    max_size=12,
)
params_strategy = st.fixed_dictionaries(
    {
        "num_words": st.one_of(st.none(), st.integers(1, 12)),
        "oov_token": st.sampled_from([None, "<OOV>", "a", " "]),
        "char_level": st.booleans(),
        "lower": st.booleans(),
        "filters": st.sampled_from([KerasTokenizerTransformer().filters, "", "!Σ."]),
        "split": st.sampled_from([" ", "a", ", ", "Σ"]),
        "maxlen": st.one_of(st.none(), st.integers(1, 8)),
        "padding": st.sampled_from(["pre", "post"]),
        "truncating": st.sampled_from(["pre", "post"]),
    }
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(train=texts_strategy, test=texts_strategy, params=params_strategy)
def test_arbitrary_text_gives_valid_ids(train, test, params):
    tokenizer, fitted, encoded = run_ours(train, test, params)
    width = tokenizer.sequence_length_
    assert fitted.shape == (len(train), width)
    assert encoded.shape == (len(test), width)
    assert fitted.dtype == encoded.dtype == np.int32
    if params["maxlen"] is not None:
        assert width == params["maxlen"]
    elif not fitted.any():
        assert width == 1
    known = set(tokenizer.vocabulary_.values()) | {0}
    limit = params["num_words"] or np.inf
    oov_index = tokenizer.vocabulary_.get(params["oov_token"], -1)
    for ids in (fitted, encoded):
        assert set(np.unique(ids).tolist()) <= known
        assert ((ids < limit) | (ids == oov_index)).all()
    if KerasTokenizer is not None and (params["maxlen"] or fitted.any()):
        # Keras gives zero columns when no text has a token; we give one.
        assert_matches(
            (tokenizer, fitted, encoded), keras_reference(train, test, params)
        )


# --- input validation ----------------------------------------------------------


@pytest.mark.parametrize(
    "X",
    [
        TEXTS,
        tuple(TEXTS),
        np.array(TEXTS),
        np.array(TEXTS, dtype=object),
        np.array(TEXTS, dtype=object)[:, np.newaxis],
        pd.Series(TEXTS, index=[10, 20, 30]),
        pd.Series(TEXTS, dtype="string"),
        pd.DataFrame({"text": TEXTS}),
    ],
    ids=["list", "tuple", "array", "objects", "column", "series", "string", "frame"],
)
def test_accepted_inputs_give_the_same_ids(X):
    expected = KerasTokenizerTransformer(maxlen=6).fit_transform(TEXTS)
    tokenizer = KerasTokenizerTransformer(maxlen=6)
    np.testing.assert_array_equal(tokenizer.fit_transform(X), expected)
    np.testing.assert_array_equal(tokenizer.transform(X), expected)


@pytest.mark.parametrize(
    "X, error, message",
    [
        ("one text", ValueError, r"X is a single string.*\[X\]"),
        (["a", "b", "c", None], ValueError, r"Entry 3 of X .* is None.*missing"),
        (["a", np.nan], ValueError, r"Entry 1 of X .* is nan.*fill"),
        (pd.Series(["a", pd.NA], dtype="string"), ValueError, "Entry 1 .* <NA>"),
        (pd.Series(["a", "b", None]), ValueError, r"Entry 2 of X .*Drop or fill"),
        (["a", 7], TypeError, r"Entry 1 of X .* type int \(7\); expected str"),
        ([b"bytes"], TypeError, r"Entry 0 of X .* type bytes.*Decode"),
        ([["pre", "split"]], TypeError, r"Entry 0 of X .* type list"),
        ([], ValueError, "X is empty"),
        (np.array([], dtype=str), ValueError, "X is empty"),
        (pd.Series([], dtype=object), ValueError, "X is empty"),
        (
            pd.DataFrame({"a": ["x"], "b": ["y"]}),
            ValueError,
            r"DataFrame with 2 columns \['a', 'b'\]; expected one text column",
        ),
        (np.array([["x", "y"]]), ValueError, r"shape \(1, 2\); expected a 1-D"),
        (np.array("text"), ValueError, r"shape \(\); expected a 1-D"),
        ({"a": 1}, TypeError, "X is of type dict; expected a list"),
        ((t for t in TEXTS), TypeError, "X is of type generator"),
        (42, TypeError, r"X is of type int.*list\(X\)"),
    ],
)
def test_bad_input_raises_a_clear_error(X, error, message):
    with pytest.raises(error, match=message):
        check_texts(X)
    with pytest.raises(error, match=message):
        KerasTokenizerTransformer().fit(X)


def test_transform_validates_its_input_too():
    tokenizer = KerasTokenizerTransformer().fit(TEXTS)
    with pytest.raises(ValueError, match="Entry 1 of X .* is None"):
        tokenizer.transform(["fine", None])


@pytest.mark.parametrize(
    "params",
    [
        {"num_words": 0},
        {"num_words": 2.5},
        {"maxlen": 0},
        {"padding": "middle"},
        {"truncating": "both"},
        {"oov_token": 1},
        {"lower": "yes"},
        {"filters": None},
        {"dtype": 3},
    ],
    ids=str,
)
def test_invalid_parameters_are_rejected(params):
    with pytest.raises(InvalidParameterError):
        KerasTokenizerTransformer(**params).fit(TEXTS)


WORDS_199 = [" ".join(f"w{i}" for i in range(199))]
WORDS_4096 = [" ".join(f"w{i}" for i in range(4096))]


@pytest.mark.parametrize(
    "params, texts, message",
    [
        ({"split": ""}, TEXTS, "split='' is not allowed"),
        ({"dtype": "not-a-dtype"}, TEXTS, "is not a NumPy dtype"),
        ({"dtype": "bool"}, TEXTS, "cannot hold token ids"),
        ({"dtype": "U5"}, TEXTS, "cannot hold token ids"),
        ({"dtype": "int8"}, WORDS_199, "'int8' cannot hold token id 200"),
        ({"dtype": "int8", "num_words": 100}, WORDS_199, None),
        ({"dtype": "float16"}, WORDS_4096, "'float16' cannot hold token id 4097"),
    ],
    ids=["empty-split", "unknown", "bool", "str", "int8", "int8-limited", "f16"],
)
def test_parameters_that_cannot_work_are_explained(params, texts, message):
    tokenizer = KerasTokenizerTransformer(**params)
    if message is None:
        assert tokenizer.fit_transform(texts).max() == 99
        return
    with pytest.raises(ValueError, match=message):
        tokenizer.fit(texts)


def test_char_level_ignores_an_empty_split():
    ids = KerasTokenizerTransformer(char_level=True, split="", maxlen=3)
    assert ids.fit_transform(["aab"]).tolist() == [[2, 2, 3]]


# --- behaviour ------------------------------------------------------------------


def test_fitted_attributes():
    tokenizer = KerasTokenizerTransformer(maxlen=None).fit(TEXTS)
    assert tokenizer.vocabulary_ == {
        "<OOV>": 1,
        "the": 2,
        "sat": 3,
        "cat": 4,
        "dog": 5,
        "on": 6,
        "mat": 7,
        "a": 8,
        "bird": 9,
    }
    assert tokenizer.index_word_ == {i: w for w, i in tokenizer.vocabulary_.items()}
    assert list(tokenizer.word_counts_.items()) == [
        ("the", 3),
        ("cat", 1),
        ("sat", 2),
        ("dog", 1),
        ("on", 1),
        ("mat", 1),
        ("a", 1),
        ("bird", 1),
    ]
    assert tokenizer.document_count_ == 3
    assert tokenizer.sequence_length_ == 6
    assert not hasattr(tokenizer, "n_features_in_")


def test_unfitted_transformer_says_so():
    tokenizer = KerasTokenizerTransformer()
    for method in (tokenizer.transform, tokenizer.inverse_transform):
        with pytest.raises(NotFittedError):
            method(TEXTS)
    with pytest.raises(NotFittedError):
        tokenizer.get_feature_names_out()


def test_fit_transform_equals_fit_then_transform():
    texts = TEXTS + ["the the the bird sat", "mat"]
    one_pass = KerasTokenizerTransformer(maxlen=None, num_words=5)
    two_passes = clone(one_pass)
    np.testing.assert_array_equal(
        one_pass.fit_transform(texts), two_passes.fit(texts).transform(texts)
    )
    assert one_pass.vocabulary_ == two_passes.vocabulary_


def test_refit_forgets_the_previous_texts():
    tokenizer = KerasTokenizerTransformer().fit(["old words"])
    tokenizer.fit(["new"])
    assert tokenizer.vocabulary_ == {"<OOV>": 1, "new": 2}
    assert tokenizer.document_count_ == 1


def test_unseen_words_become_oov_or_are_dropped():
    seen = ["the cat sat", "the dog"]
    unseen = ["the zebra sat quietly"]
    with_oov = KerasTokenizerTransformer(maxlen=5).fit(seen)
    assert with_oov.transform(unseen).tolist() == [[2, 1, 4, 1, 0]]
    without = KerasTokenizerTransformer(maxlen=5, oov_token=None).fit(seen)
    assert without.transform(unseen).tolist() == [[1, 3, 0, 0, 0]]


def test_num_words_keeps_only_the_most_frequent_words():
    texts = ["a a a b b c", "d"]
    with_oov = KerasTokenizerTransformer(num_words=3, maxlen=6).fit_transform(texts)
    assert with_oov.tolist() == [[2, 2, 2, 1, 1, 1], [1, 0, 0, 0, 0, 0]]
    without = KerasTokenizerTransformer(num_words=3, maxlen=6, oov_token=None)
    assert without.fit_transform(texts).tolist() == [
        [1, 1, 1, 2, 2, 0],
        [0, 0, 0, 0, 0, 0],
    ]
    assert without.vocabulary_ == {"a": 1, "b": 2, "c": 3, "d": 4}


def test_ties_keep_first_seen_order():
    tokenizer = KerasTokenizerTransformer(oov_token=None).fit(["z y x", "x y z w"])
    assert tokenizer.vocabulary_ == {"z": 1, "y": 2, "x": 3, "w": 4}


@pytest.mark.parametrize(
    "padding, truncating, expected",
    [
        ("post", "post", [[1, 2, 3], [4, 0, 0]]),
        ("post", "pre", [[3, 5, 6], [4, 0, 0]]),
        ("pre", "post", [[1, 2, 3], [0, 0, 4]]),
        ("pre", "pre", [[3, 5, 6], [0, 0, 4]]),
    ],
)
def test_padding_and_truncating_sides(padding, truncating, expected):
    tokenizer = KerasTokenizerTransformer(
        maxlen=3, padding=padding, truncating=truncating, oov_token=None
    )
    # Every word occurs once, so ids follow first appearance: one=1 ... five=6.
    tokenizer.fit(["one two three six four five"])
    texts = ["one two three four five", "six"]
    assert tokenizer.transform(texts).tolist() == expected


def test_maxlen_none_fixes_the_width_at_fit():
    tokenizer = KerasTokenizerTransformer(maxlen=None, truncating="pre")
    assert tokenizer.fit_transform(["a b", "a b c"]).shape == (2, 3)
    assert tokenizer.sequence_length_ == 3
    assert tokenizer.transform(["c b a b c a"]).tolist() == [[3, 4, 2]]
    assert tokenizer.transform(["a"]).tolist() == [[2, 0, 0]]


def test_texts_without_tokens_give_padding_rows():
    tokenizer = KerasTokenizerTransformer(maxlen=None)
    ids = tokenizer.fit_transform(["", "?!", "   "])
    assert ids.shape == (3, 1) and not ids.any()
    assert tokenizer.vocabulary_ == {"<OOV>": 1}
    assert tokenizer.transform(["new words"]).tolist() == [[1]]
    mixed = KerasTokenizerTransformer(maxlen=3).fit_transform(["", "word"])
    assert mixed.tolist() == [[0, 0, 0], [2, 0, 0]]


@pytest.mark.parametrize("dtype", ["int64", "uint16", np.int16, "float32"])
def test_dtype_sets_the_output_type(dtype):
    ids = KerasTokenizerTransformer(maxlen=4, dtype=dtype).fit_transform(TEXTS)
    assert ids.dtype == np.dtype(dtype)
    expected = KerasTokenizerTransformer(maxlen=4).fit_transform(TEXTS)
    np.testing.assert_array_equal(ids, expected)


def test_get_feature_names_out_names_each_position():
    tokenizer = KerasTokenizerTransformer(maxlen=3).fit(TEXTS)
    names = tokenizer.get_feature_names_out()
    assert names.dtype == object
    assert names.tolist() == [
        "kerastokenizertransformer0",
        "kerastokenizertransformer1",
        "kerastokenizertransformer2",
    ]


@pytest.mark.skipif(
    parse_version(sklearn.__version__) < parse_version("1.8"),
    reason="scikit-learn < 1.8 gives set_output's frame a new index for a Series",
)
def test_set_output_pandas_keeps_the_index():
    texts = pd.Series(TEXTS, index=["x", "y", "z"])
    tokenizer = KerasTokenizerTransformer(maxlen=3).set_output(transform="pandas")
    frame = tokenizer.fit_transform(texts)
    assert isinstance(frame, pd.DataFrame)
    assert frame.index.tolist() == ["x", "y", "z"]
    assert frame.columns.tolist() == tokenizer.get_feature_names_out().tolist()
    assert (frame.dtypes == np.int32).all()
    # The long second text keeps its end: "on the mat".
    assert frame.values.tolist() == [[2, 4, 3], [6, 2, 7], [8, 9, 0]]
    assert tokenizer.transform(texts).equals(frame)


def test_inverse_transform_returns_tokens_without_padding():
    tokenizer = KerasTokenizerTransformer(maxlen=6).fit(TEXTS)
    ids = tokenizer.transform(["The cow sat on the mat.", ""])
    assert tokenizer.inverse_transform(ids) == [
        ["the", "<OOV>", "sat", "on", "the", "mat"],
        [],
    ]
    assert tokenizer.inverse_transform(
        pd.DataFrame(ids)
    ) == tokenizer.inverse_transform(ids)


def test_inverse_transform_of_ids_transform_never_emits():
    tokenizer = KerasTokenizerTransformer(num_words=4).fit(TEXTS)
    # 5 is "dog", at or past num_words; 99 and -3 are not ids at all.
    assert tokenizer.inverse_transform([[2, 5, 99, -3, 0]]) == [
        ["the", "<OOV>", "<OOV>", "<OOV>"]
    ]
    tokenizer.set_params(oov_token=None).fit(TEXTS)
    assert tokenizer.inverse_transform([[1, 4, 99, 0]]) == [["the"]]


def test_inverse_transform_accepts_integral_floats_only():
    tokenizer = KerasTokenizerTransformer(maxlen=3, dtype="float32").fit(TEXTS)
    assert tokenizer.inverse_transform(tokenizer.transform(["a bird"])) == [
        ["a", "bird"]
    ]
    with pytest.raises(ValueError, match="integer token ids"):
        tokenizer.inverse_transform([[2.5, 0.0]])


def test_inverse_transform_of_characters_joins_back():
    tokenizer = KerasTokenizerTransformer(char_level=True, maxlen=None).fit(TEXTS)
    tokens = tokenizer.inverse_transform(tokenizer.transform(TEXTS))
    assert ["".join(row) for row in tokens] == [text.lower() for text in TEXTS]


def test_pickle_round_trip_keeps_the_fitted_state():
    tokenizer = KerasTokenizerTransformer(maxlen=5, num_words=6).fit(TEXTS)
    restored = pickle.loads(pickle.dumps(tokenizer))
    assert restored.vocabulary_ == tokenizer.vocabulary_
    assert restored.sequence_length_ == tokenizer.sequence_length_
    new = ["the bird sat on a mat", "zebra"]
    np.testing.assert_array_equal(restored.transform(new), tokenizer.transform(new))


def test_clone_gives_an_unfitted_copy_with_the_same_parameters():
    tokenizer = KerasTokenizerTransformer(maxlen=5, oov_token=None).fit(TEXTS)
    copy = clone(tokenizer)
    assert copy.get_params() == tokenizer.get_params()
    assert not hasattr(copy, "vocabulary_")


def test_grid_search_clones_and_refits_the_tokenizer():
    texts = ["good film", "great film", "bad film", "awful film"] * 5
    labels = [1, 1, 0, 0] * 5
    # Ids are categories, not quantities: a tree can isolate each one.
    tree = DecisionTreeClassifier(random_state=0)
    pipeline = make_pipeline(KerasTokenizerTransformer(maxlen=2), tree)
    search = GridSearchCV(
        pipeline, {"kerastokenizertransformer__num_words": [2, 10]}, cv=2
    )
    search.fit(texts, labels)
    assert search.best_params_ == {"kerastokenizertransformer__num_words": 10}
    fitted = search.best_estimator_.named_steps["kerastokenizertransformer"]
    assert fitted.num_words == 10
    assert len(fitted.vocabulary_) == 6
    assert search.predict(["good film", "awful film"]).tolist() == [1, 0]


def test_tags_declare_text_input():
    tags = KerasTokenizerTransformer().__sklearn_tags__()
    assert tags.input_tags.string
    assert not tags.input_tags.two_d_array
    assert tags.transformer_tags.preserves_dtype == []


def test_package_does_not_import_keras_legacy_code():
    for module in ("tokenizer.py", "_tokenize.py", "_text_input.py"):
        tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
        imported = [
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        ] + [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert not [name for name in imported if name.startswith("keras")], module


@pytest.mark.slow
def test_transform_core_imports_only_numpy():
    # A process that only encodes texts (serving, say) should not pay for these.
    heavy = ("sklearn", "scipy", "pandas", "keras", "tensorflow", "jax", "torch")
    code = (
        "import sys, sklstm._tokenize\n"
        f"print([name for name in {heavy!r} if name in sys.modules])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


if __name__ == "__main__":
    FIXTURE.parent.mkdir(exist_ok=True)
    FIXTURE.write_text(
        json.dumps(build_fixture(), ensure_ascii=True, indent=1) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {FIXTURE}")
