"""Misuse of the tokenizer, the classifier and the pipeline: a table of cases.

Each bad input must get a clear error from sklstm (or from the scikit-learn
validation it calls), never one from inside Keras, TensorFlow, JAX or numpy,
and never a numpy repr such as ``np.str_('pos')``; each unusual but valid
input must give a correct result. The families: texts, ids, labels, sample
and class weights, parameters (misspelt, of the wrong type, too large for
the memory), routed parameters, and the lifecycle (warm starts, diverging
training, callbacks that stop it). A property test then drives the whole
pipeline with arbitrary unicode texts and labels.

The table runs on the backend Keras starts with: CI runs this module again
under ``KERAS_BACKEND=jax``.
"""

import functools
import re
import traceback
import warnings
from pathlib import Path

import hypothesis.strategies as st
import keras
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from scipy import sparse
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline

from sklstm import KerasTokenizerTransformer, LSTMTextClassifier, LSTMTextRegressor
from tests.conftest import ONE_EPOCH as TINY

TEXTS = ["good film", "bad film", "great plot", "awful plot"] * 5
LABELS = ["pos", "neg"] * 10
IDS = np.random.default_rng(0).integers(2, 30, (40, 6))
Y = np.array(["a", "b"])[np.arange(40) % 2]
SW_ROWS = np.arange(40)
EARLY_STOP = keras.callbacks.EarlyStopping

# Where a clear error may come from: sklstm, or the scikit-learn validation
# (parameters, arrays, labels, fitted state) that sklstm calls on purpose.
CLEAR_ORIGINS = ("sklstm", "sklearn")
# A numpy scalar's repr, np.str_('pos') or np.int64(3), is no message.
NUMPY_REPR = re.compile(r"np\.\w+\(")


def _with_id(value, dtype=None):
    """``IDS`` with ``value`` for every id 5, in ``dtype`` if given.

    The array is cast first: NumPy < 2 would otherwise promote ``2**64 - 1``
    and the int64 ids to float64, and the cast back would not hold it.
    """
    if dtype is None:
        return np.where(IDS == 5, value, IDS)
    X = IDS.astype(dtype)
    X[IDS == 5] = value
    return X


def _origin(error):
    """The package whose code raised ``error``: its innermost frame's file."""
    filename = Path(traceback.extract_tb(error.__traceback__)[-1].filename)
    parts = filename.parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1]
    return "sklstm" if "sklstm" in parts else filename.name


@pytest.fixture(scope="module")
def fitted():
    """A fitted tokenizer, classifier and pipeline, by name."""
    return {
        "tokenizer": KerasTokenizerTransformer().fit(TEXTS),
        "classifier": LSTMTextClassifier(**TINY).fit(IDS, Y),
        "pipeline": make_pipeline(
            KerasTokenizerTransformer(), LSTMTextClassifier(**TINY)
        ).fit(TEXTS, LABELS),
    }


def tok(**params):
    return lambda fitted: KerasTokenizerTransformer(**params)


def clf(**params):
    return lambda fitted: LSTMTextClassifier(**{**TINY, **params})


def pipe(**params):
    return lambda fitted: make_pipeline(
        KerasTokenizerTransformer(), LSTMTextClassifier(**{**TINY, **params})
    )


def fitted_one(name):
    return lambda fitted: fitted[name]


def build(cls=LSTMTextClassifier, **params):
    """``cls(**params)`` as the step ``"__call__"``: a constructor's own error."""
    return lambda fitted: functools.partial(cls, **params)


def refit(changed, **params):
    """A fitted warm-started classifier whose parameters then change."""
    return lambda fitted: (
        clf(warm_start=True, **params)(fitted).fit(IDS, Y).set_params(**changed)
    )


def set_params(**params):
    """The bound ``set_params`` of a new classifier, called with ``params``."""
    return lambda fitted: functools.partial(clf()(fitted).set_params, **params)


def case(name, estimator, step, args, error, fragment):
    return pytest.param(estimator, step, args, error, fragment, id=name)


# fmt: off
# fmt: off
MISUSE = [
    # --- tokenizer: texts
    case("tok-fit-None", tok(), "fit", (None,), TypeError, "NoneType"),
    case("tok-fit-single-str", tok(), "fit", ("a text",), ValueError, "single string"),
    case("tok-fit-None-entry", tok(), "fit", (["a", None],), ValueError, "Entry 1"),
    case("tok-fit-NaN-entry", tok(), "fit", (["a", np.nan],), ValueError, "missing"),
    case("tok-fit-bytes", tok(), "fit", (["a", b"b"],), TypeError, "bytes"),
    case("tok-fit-numbers", tok(), "fit", ([1, 2],), TypeError, "type int"),
    case("tok-fit-nested", tok(), "fit", ([["a"], "b"],), TypeError, "type list"),
    case("tok-fit-2d-array", tok(), "fit",
         (np.array([["a", "b"]] * 2),), ValueError, "shape (2, 2)"),
    case("tok-fit-2-col-frame", tok(), "fit",
         (pd.DataFrame({"a": ["x"], "b": ["y"]}),), ValueError, "2 columns"),
    case("tok-fit-dict", tok(), "fit", ({"a": 1},), TypeError, "type dict"),
    case("tok-fit-set", tok(), "fit", ({"a", "b"},), TypeError, "type set"),
    case("tok-fit-int", tok(), "fit", (5,), TypeError, "type int"),
    case("tok-fit-empty", tok(), "fit", ([],), ValueError, "empty"),
    case("tok-transform-unfitted", tok(), "transform",
         (["a"],), NotFittedError, "not fitted"),
    case("tok-transform-None", fitted_one("tokenizer"), "transform",
         (None,), TypeError, "NoneType"),
    case("tok-transform-str", fitted_one("tokenizer"), "transform",
         ("good",), ValueError, "single string"),
    case("tok-transform-NaN", fitted_one("tokenizer"), "transform",
         (["good", float("nan")],), ValueError, "Entry 1"),
    # --- tokenizer: parameters
    case("tok-num_words-0", tok(num_words=0), "fit", (TEXTS,), ValueError, "num_words"),
    case("tok-maxlen-neg", tok(maxlen=-1), "fit", (TEXTS,), ValueError, "maxlen"),
    case("tok-padding", tok(padding="middle"), "fit", (TEXTS,), ValueError, "padding"),
    case("tok-maxlen-huge", tok(maxlen=10**12), "fit_transform",
         (TEXTS,), ValueError, "Lower maxlen"),
    case("tok-dtype-str", tok(dtype="str"), "fit",
         (TEXTS,), ValueError, "cannot hold token ids"),
    case(
        "tok-dtype-too-narrow",
        tok(dtype="int8"),
        "fit",
        ([" ".join(f"w{i}" for i in range(300))],),
        ValueError,
        "cannot hold token id",
    ),
    # --- classifier: X
    case(
        "clf-fit-strings",
        clf(),
        "fit",
        (np.array([["a"]] * 4), [0, 1, 0, 1]),
        ValueError,
        "KerasTokenizerTransformer",
    ),
    case("clf-fit-1d", clf(), "fit", (IDS[:, 0], Y), ValueError, "2D array"),
    case("clf-fit-3d", clf(), "fit", (IDS[:, :, None], Y), ValueError, "dim 3"),
    case("clf-fit-sparse", clf(), "fit",
         (sparse.csr_matrix(IDS), Y), TypeError, "Sparse"),
    case("clf-fit-NaN", clf(), "fit", (_with_id(np.nan), Y), ValueError, "NaN"),
    case("clf-fit-inf", clf(), "fit", (_with_id(np.inf), Y), ValueError, "infinity"),
    case("clf-fit-negative", clf(), "fit", (-IDS, Y), ValueError, "non-negative"),
    case("clf-fit-fractional", clf(), "fit", (IDS + 0.5, Y), ValueError, "non-integer"),
    case("clf-fit-bool", clf(), "fit", (IDS > 5, Y), TypeError, "booleans"),
    case("clf-fit-complex", clf(), "fit", (IDS + 1j, Y), ValueError, "Complex"),
    case("clf-fit-no-rows", clf(), "fit",
         (np.zeros((0, 6)), []), ValueError, "0 sample"),
    # --- classifier: ids beyond int32 or the embedding
    case("clf-fit-id-2**31-1", clf(), "fit",
         (_with_id(2**31 - 1), Y), ValueError, "vocab_size"),
    case("clf-fit-id-2**31", clf(), "fit",
         (_with_id(2**31), Y), ValueError, "2,147,483,649 rows"),
    case("clf-fit-id-2**32+5", clf(), "fit",
         (_with_id(2**32 + 5), Y), ValueError, "4294967301"),
    case("clf-fit-id-1e12", clf(), "fit",
         (_with_id(1e12), Y), ValueError, "vocab_size"),
    case("clf-fit-id-uint64-max", clf(), "fit",
         (_with_id(2**64 - 1, np.uint64), Y), ValueError, "vocab_size"),
    case("clf-fit-id-beyond-vocab_size", clf(vocab_size=10), "fit",
         (IDS, Y), ValueError, "10 rows"),
    # --- classifier: y
    case("clf-fit-y-None", clf(), "fit", (IDS, None), ValueError, "requires y"),
    case("clf-fit-y-short", clf(), "fit", (IDS, Y[:-1]), ValueError, "must match"),
    case("clf-fit-y-NaN", clf(), "fit",
         (IDS, np.where(SW_ROWS == 3, np.nan, 1.0)), ValueError, "position 3"),
    case("clf-fit-y-None-label", clf(), "fit",
         (IDS, np.array([None, *Y[1:]], dtype=object)), ValueError, "missing label"),
    case("clf-fit-y-continuous", clf(), "fit",
         (IDS, SW_ROWS / 7), ValueError, "continuous"),
    case("clf-fit-y-2d", clf(), "fit", (IDS, np.c_[Y, Y]), ValueError,
         "indicator matrix of 0 and 1"),
    case("clf-fit-one-class", clf(), "fit",
         (IDS, ["a"] * 40), ValueError, "at least 2 classes"),
    case("clf-partial_fit-unseen-label", fitted_one("classifier"), "partial_fit",
         (IDS, np.array(["zz"] * 40)), ValueError, "not among the classes"),
    # --- classifier: sample weights
    case("clf-sw-negative", clf(), "fit",
         (IDS, Y, np.where(SW_ROWS % 2, -1.0, 1.0)), ValueError, "Negative"),
    case("clf-sw-all-minus-1", clf(), "fit",
         (IDS, Y, -np.ones(40)), ValueError, "Negative"),
    case("clf-sw-NaN", clf(), "fit",
         (IDS, Y, np.where(SW_ROWS == 1, np.nan, 1.0)), ValueError, "NaN"),
    case("clf-sw-inf", clf(), "fit",
         (IDS, Y, np.where(SW_ROWS == 1, np.inf, 1.0)), ValueError, "infinity"),
    case("clf-sw-all-zero", clf(), "fit",
         (IDS, Y, np.zeros(40)), ValueError, "non-zero"),
    case(
        "clf-sw-one-class",
        clf(),
        "fit",
        (IDS, Y, (SW_ROWS % 2).astype(float)),
        ValueError,
        "Non-zero sample weights cover 1 class",
    ),
    case("clf-sw-short", clf(), "fit", (IDS, Y, np.ones(3)), ValueError, "(3,)"),
    case("clf-sw-strings", clf(), "fit", (IDS, Y, ["a"] * 40), ValueError, "float"),
    case("clf-sw-2d", clf(), "fit", (IDS, Y, np.ones((40, 2))), ValueError, "1D"),
    # --- classifier: embeddings
    case("clf-emb-1d", clf(embeddings=np.ones(30)), "fit",
         (IDS, Y), ValueError, "got shape (30,)"),
    case("clf-emb-3d", clf(embeddings=np.ones((30, 4, 2))), "fit",
         (IDS, Y), ValueError, "got shape (30, 4, 2)"),
    case("clf-emb-strings", clf(embeddings=np.full((30, 4), "x")), "fit",
         (IDS, Y), TypeError, "dtype <U1"),
    case("clf-emb-objects", clf(embeddings=np.array([[None, 1.0]] * 30)), "fit",
         (IDS, Y), TypeError, "dtype object"),
    case("clf-emb-NaN", clf(embeddings=np.full((30, 4), np.nan)), "fit",
         (IDS, Y), ValueError, "NaN"),
    case("clf-emb-inf", clf(embeddings=np.full((30, 4), np.inf)), "fit",
         (IDS, Y), ValueError, "infinity"),
    case("clf-emb-one-row", clf(embeddings=np.ones((1, 4))), "fit",
         (IDS, Y), ValueError, "too small"),
    case("clf-emb-no-column", clf(embeddings=np.ones((30, 0))), "fit",
         (IDS, Y), ValueError, "too small"),
    case("clf-emb-ragged", clf(embeddings=[[1.0, 2.0], [1.0]]), "fit",
         (IDS, Y), ValueError, "unequal length"),
    case("clf-emb-fewer-rows-than-ids", clf(embeddings=np.ones((10, 4))), "fit",
         (IDS, Y), ValueError, "10 rows"),
    # --- classifier: routed parameters
    case("route-callbacks-without-classes", clf(callbacks__anything=1), "fit",
         (IDS, Y), ValueError, "callbacks__ accepts none"),
    case(
        "route-callbacks-misspelt",
        clf(callbacks={"stop": EARLY_STOP}, callbacks__stop__patiense=1),
        "fit",
        (IDS, Y),
        ValueError,
        "stop__patience",
    ),
    case(
        "route-callbacks-bad-index",
        clf(callbacks=[EARLY_STOP], callbacks__3__patience=1),
        "fit",
        (IDS, Y),
        ValueError,
        "0__patience",
    ),
    case("route-optimizer", clf(optimizer__anything=1), "fit",
         (IDS, Y), ValueError, "'beta_1'"),
    case(
        "route-optimizer-instance",
        clf(optimizer=keras.optimizers.Adam(), optimizer__beta_1=0.5),
        "fit",
        (IDS, Y),
        ValueError,
        "optimizer instance",
    ),
    case("route-model", clf(model__anything=1), "fit",
         (IDS, Y), ValueError, "model__ accepts none"),
    case("route-compile", clf(compile__anything=1), "fit",
         (IDS, Y), ValueError, "'run_eagerly'"),
    case("route-partial_fit", clf(compile__batch=1), "partial_fit",
         (IDS, Y), ValueError, "compile__"),
    # --- classifier: parameters
    case("param-optimizer-name", clf(optimizer="nope"), "fit",
         (IDS, Y), ValueError, "not a Keras optimizer"),
    case("param-lstm_units-0", clf(lstm_units=0), "fit",
         (IDS, Y), ValueError, "lstm_units"),
    case("param-lstm_units-tuple-0", clf(lstm_units=(4, 0)), "fit",
         (IDS, Y), ValueError, "lstm_units"),
    case("param-lstm_units-empty", clf(lstm_units=()), "fit",
         (IDS, Y), ValueError, "lstm_units"),
    case("param-dropout-1", clf(dropout=1.0), "fit", (IDS, Y), ValueError, "dropout"),
    case("param-pooling", clf(pooling="min"), "fit", (IDS, Y), ValueError, "pooling"),
    case("param-vocab_size-1", clf(vocab_size=1), "fit",
         (IDS, Y), ValueError, "vocab_size"),
    case("param-epochs-0", clf(epochs=0), "fit", (IDS, Y), ValueError, "epochs"),
    case("param-learning_rate-0", clf(learning_rate=0), "fit",
         (IDS, Y), ValueError, "learning_rate"),
    case("param-validation_fraction-1", clf(validation_fraction=1.0), "fit",
         (IDS, Y), ValueError, "validation_fraction"),
    case("param-class_weight-unknown", clf(class_weight={"zz": 1}), "fit",
         (IDS, Y), ValueError, "class_weight"),
    case("param-callbacks-not-callbacks", clf(callbacks=[1]), "fit",
         (IDS, Y), TypeError, "keras.callbacks.Callback"),
    # --- classifier: misspelt keywords, in the constructor and set_params
    case("param-typo-epoch", build(epoch=3), "__call__", (), TypeError,
         "'epoch'. Did you mean 'epochs'?"),
    case("param-typo-validation_split", build(validation_split=0.5), "__call__",
         (), TypeError, "Did you mean 'validation_fraction'?"),
    case("param-typo-lstm_unit", build(lstm_unit=64), "__call__", (), TypeError,
         "Did you mean 'lstm_units'?"),
    case("param-typo-fit__batch_size", build(fit__batch_size=8), "__call__", (),
         TypeError, "Did you mean 'batch_size'?"),
    case("param-typo-regressor", build(LSTMTextRegressor, epoch=3), "__call__", (),
         TypeError, "Did you mean 'epochs'?"),
    case("param-typo-set_params", set_params(lstm_unit=64), "__call__", (),
         TypeError, "Did you mean 'lstm_units'?"),
    case("param-typo-set_params-ValueError", set_params(epoch=3), "__call__", (),
         ValueError, "Did you mean 'epochs'?"),
    # --- classifier: sizes beyond the memory, checked before allocation
    case("param-embedding_dim-huge", clf(embedding_dim=10**9), "fit",
         (IDS, Y), ValueError, "Lower batch_size, lstm_maxlen"),
    case("param-lstm_units-huge", clf(lstm_units=10**6), "fit",
         (IDS, Y), ValueError, "Lower lstm_units"),
    case("param-vocab_size-huge", clf(vocab_size=10**10), "fit",
         (IDS, Y), ValueError, "Lower embedding_dim, or vocab_size"),
    case("param-ngram_buckets-huge", clf(ngram_buckets=2**40), "fit",
         (IDS, Y), ValueError, "Lower ngram_buckets"),
    case("param-batch-activations-huge", clf(lstm_maxlen=None, embedding_dim=10**5),
         "fit", (np.tile(IDS, 50), Y), ValueError, "of memory, more than"),
    case("param-n_threads-huge", clf(n_threads=10**9), "fit",
         (IDS, Y), ValueError, "n_threads=1000000000"),
    # --- classifier: routed values, checked before any work
    case("route-learning_rate-str", clf(optimizer__learning_rate="x"), "fit",
         (IDS, Y), ValueError, "optimizer__learning_rate must be a finite real"),
    case("route-learning_rate-np-nan", clf(optimizer__learning_rate=np.float64("nan")),
         "fit", (IDS, Y), ValueError, "got nan"),
    case("route-learning_rate-negative", clf(optimizer__learning_rate=-1.0), "fit",
         (IDS, Y), ValueError, "optimizer__learning_rate must be positive"),
    case("route-beta_1-str", clf(optimizer__beta_1="x"), "fit",
         (IDS, Y), TypeError, "optimizer__beta_1"),
    case("route-optimizer-misspelt", clf(optimizer__beta1=0.5), "fit",
         (IDS, Y), TypeError, "Did you mean 'optimizer__beta_1'?"),
    case("route-optimizer-refuses", clf(optimizer__clipnorm=1.0,
                                        optimizer__global_clipnorm=1.0), "fit",
         (IDS, Y), ValueError, "could not be built with the routed parameters"),
    case("route-callback-class-value", clf(callbacks=[EARLY_STOP],
                                           callbacks__patience="x"), "fit",
         (IDS, Y), ValueError, "callbacks__patience must be a finite real"),
    case("route-callback-class-needs-args",
         clf(callbacks=[keras.callbacks.ModelCheckpoint]), "fit",
         (IDS, Y), ValueError, "callbacks__<index or key>__<name>"),
    case("route-callback-single-class-misspelt",
         clf(callbacks=EARLY_STOP, callbacks__patiense=2), "fit",
         (IDS, Y), ValueError, "Did you mean 'callbacks__patience'?"),
    case("route-compile-bool", clf(compile__run_eagerly="yes"), "fit",
         (IDS, Y), ValueError, "compile__run_eagerly must be a bool"),
    # --- classifier: class weights
    case("cw-negative", clf(class_weight={"a": -1, "b": 1}), "fit",
         (IDS, Y), ValueError, "class_weight['a'] is -1"),
    case("cw-NaN", clf(class_weight={"a": np.nan, "b": 1}), "fit",
         (IDS, Y), ValueError, "class_weight['a'] is nan"),
    case("cw-inf", clf(class_weight={"a": np.inf}), "fit",
         (IDS, Y), ValueError, "class_weight['a'] is inf"),
    case("cw-str", clf(class_weight={"a": "x"}), "fit",
         (IDS, Y), ValueError, "class_weight['a']"),
    case("cw-zero-leaves-one-class", clf(class_weight={"a": 0}), "fit",
         (IDS, Y), ValueError, "leaves ['b'] as the only class"),
    case("cw-np-str-keys", clf(class_weight={np.str_("a"): 0.0}), "fit",
         (IDS, Y), ValueError, "class_weight={'a': 0.0}"),
    case("cw-list-single-label", clf(class_weight=[{"a": 1}]), "fit",
         (IDS, Y), ValueError, "lists of dicts are for multi-label"),
    case("cw-multilabel-dict", clf(class_weight={0: 1}), "fit",
         (IDS, np.c_[SW_ROWS % 2, SW_ROWS % 3 == 0]), ValueError,
         "list of 2 dicts"),
    # --- classifier: sample weights, more
    case("clf-sw-dict", clf(), "fit", (IDS, Y, {0: 1.0}), TypeError, "class_weight"),
    case("clf-partial_fit-sw-huge", clf(), "partial_fit",
         (IDS, Y, None, np.full(40, 1e16)), ValueError, "Scale them down"),
    # --- classifier: missing labels in pandas' own types
    case("clf-fit-y-pd.NA-string", clf(), "fit",
         (IDS, pd.Series(["a", pd.NA] * 20, dtype="string")), ValueError,
         "missing label"),
    case("clf-fit-y-pd.NA-object", clf(), "fit",
         (IDS, np.array(["a", pd.NA] * 20, dtype=object)), ValueError,
         "at position 1"),
    case("clf-fit-y-pd.NA-Int64", clf(), "fit",
         (IDS, pd.Series([1, pd.NA] * 20, dtype="Int64")), ValueError,
         "missing label"),
    case("clf-fit-Y-pd.NA-multilabel", clf(), "fit",
         (IDS, np.array([[1, pd.NA]] * 40, dtype=object)), ValueError, "in row 0"),
    case("reg-fit-y-pd.NA-object",
         lambda fitted: LSTMTextRegressor(**TINY), "fit",
         (IDS, np.array([1.0, pd.NA] * 20, dtype=object)), ValueError, "in row 1"),
    case("reg-fit-y-pd.NA-Float64",
         lambda fitted: LSTMTextRegressor(**TINY), "fit",
         (IDS, pd.Series([1.0, pd.NA] * 20, dtype="Float64")), ValueError,
         "missing value"),
    # --- lifecycle: warm starts after the network's shape changed
    case("warm-lstm_units", refit({"lstm_units": 3}), "fit",
         (IDS, Y), ValueError, "lstm_units is now 3"),
    case("warm-embedding_dim", refit({"embedding_dim": 5}), "fit",
         (IDS, Y), ValueError, "warm_start=False"),
    case("warm-ngram_order", refit({"ngram_order": 3}), "fit",
         (IDS, Y), ValueError, "ngram_order is now 3"),
    case("warm-ngram_order-None", refit({"ngram_order": None}), "fit",
         (IDS, Y), ValueError, "ngram_order is now None"),
    # --- lifecycle: training that diverges is an error, never NaN output
    case("diverge-learning_rate", clf(learning_rate=1e38), "fit",
         (IDS, Y), ValueError, "Training diverged"),
    case("diverge-learning_rate-regressor",
         lambda fitted: LSTMTextRegressor(**{**TINY, "learning_rate": 1e30}),
         "fit", (IDS, SW_ROWS * 1.0), ValueError, "learning rate too large"),
    # --- classifier: predict
    case("clf-predict-unfitted", clf(), "predict",
         (IDS,), NotFittedError, "not fitted"),
    case("clf-predict-width", fitted_one("classifier"), "predict",
         (IDS[:, :3],), ValueError, "expecting 6 features"),
    case("clf-predict-strings", fitted_one("classifier"), "predict",
         (np.array([["a"] * 6]),), ValueError, "KerasTokenizerTransformer"),
    case("clf-predict-negative", fitted_one("classifier"), "predict",
         (-IDS,), ValueError, "non-negative"),
    case("clf-predict-NaN", fitted_one("classifier"), "predict_proba",
         (_with_id(np.nan),), ValueError, "NaN"),
    case("clf-predict-fractional", fitted_one("classifier"), "predict",
         (IDS + 0.5,), ValueError, "non-integer"),
    case("clf-predict-1d", fitted_one("classifier"), "predict",
         (IDS[0],), ValueError, "2D array"),
    case("clf-predict-no-rows", fitted_one("classifier"), "predict",
         (np.zeros((0, 6), int),), ValueError, "0 sample"),
    # --- pipeline
    case("pipe-fit-None", pipe(), "fit", (None, LABELS), TypeError, "NoneType"),
    case("pipe-fit-NaN-text", pipe(), "fit",
         ([*TEXTS[:-1], np.nan], LABELS), ValueError, "Entry 19"),
    case("pipe-fit-one-class", pipe(), "fit",
         (TEXTS, ["p"] * 20), ValueError, "at least 2 classes"),
    case("pipe-fit-labels-short", pipe(), "fit",
         (TEXTS, LABELS[:-1]), ValueError, "must match"),
    case("pipe-fit-bad-route", pipe(callbacks__x=1), "fit",
         (TEXTS, LABELS), ValueError, "callbacks__"),
    case("pipe-predict-None", fitted_one("pipeline"), "predict",
         (None,), TypeError, "NoneType"),
    case("pipe-predict-str", fitted_one("pipeline"), "predict",
         ("good film",), ValueError, "single string"),
    case("pipe-predict-nested", fitted_one("pipeline"), "predict",
         ([["good"]],), TypeError, "type list"),
    case("pipe-predict-bytes", fitted_one("pipeline"), "predict",
         ([b"good"],), TypeError, "bytes"),
    case("pipe-predict-numbers", fitted_one("pipeline"), "predict",
         ([1, 2],), TypeError, "type int"),
    case("pipe-predict-empty-list", fitted_one("pipeline"), "predict",
         ([],), ValueError, "empty"),
]
# fmt: on
# fmt: on


@pytest.mark.parametrize("estimator, step, args, error, fragment", MISUSE)
def test_misuse_gets_a_clear_error(fitted, estimator, step, args, error, fragment):
    with pytest.raises(error) as info:
        getattr(estimator(fitted), step)(*args)
    assert fragment in str(info.value)
    assert _origin(info.value) in CLEAR_ORIGINS
    assert not NUMPY_REPR.search(str(info.value)), str(info.value)


@pytest.mark.parametrize(
    "huge", [2**31, 2**32 + 5, 1e12, 1e300], ids=["2**31", "2**32+5", "1e12", "1e300"]
)
def test_ids_beyond_the_embedding_read_as_oov_at_predict(fitted, huge):
    model = fitted["classifier"]
    expected = model.predict_proba(np.where(IDS == 5, 1, IDS))
    np.testing.assert_array_equal(model.predict_proba(_with_id(huge)), expected)


@pytest.mark.parametrize(
    "texts",
    [[""], ["😀 \x00 \u200b"], ["ünïcödé ß"], ["x " * 5000]],
    ids=["empty", "control-and-emoji", "accents", "very-long"],
)
def test_unusual_but_valid_texts_predict(fitted, texts):
    proba = fitted["pipeline"].predict_proba(texts)
    assert proba.shape == (1, 2) and np.allclose(proba.sum(axis=1), 1)


def test_scoring_unseen_labels_counts_them_wrong(fitted):
    assert fitted["pipeline"].score(TEXTS, ["zz"] * 20) == 0.0


def test_all_empty_training_texts_warn():
    with pytest.warns(UserWarning, match="Every training text is empty"):
        pipe()(None).fit([""] * 20, LABELS)


def test_validation_fraction_leaving_few_samples_warns():
    estimator = clf(early_stopping=True, validation_fraction=0.9)(None)
    with pytest.warns(UserWarning, match="lower validation_fraction"):
        estimator.fit(IDS, Y)


# Few examples of a tiny, eagerly run model: each one is a full fit.
@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(st.text(max_size=30), min_size=1, max_size=10),
    label_pool=st.lists(
        st.one_of(st.text(max_size=3), st.integers(-3, 3)), min_size=1, max_size=3
    ),
    data=st.data(),
)
def test_pipeline_on_arbitrary_unicode(texts, label_pool, data):
    labels = data.draw(
        st.lists(st.sampled_from(label_pool), min_size=len(texts), max_size=len(texts))
    )
    model = pipe()(None)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            model.fit(texts, labels)
    except (ValueError, TypeError) as error:
        assert _origin(error) in CLEAR_ORIGINS, traceback.format_exc()
        return
    proba = model.predict_proba(texts)
    assert np.all(np.isfinite(proba))
    assert set(model.predict(texts)) <= set(model.classes_)


@pytest.mark.parametrize(
    "weights",
    [
        {"sample_weight": np.full(40, 1e30)},
        {"sample_weight": np.where(SW_ROWS == 0, 1e30, 1.0)},
        {"class_weight": {"a": 1e38, "b": 1e38}},
    ],
    ids=["sw-all-1e30", "sw-one-1e30", "cw-1e38"],
)
def test_huge_weights_train_to_finite_probabilities(weights):
    """fit divides the weights by their mean: only their ratios matter."""
    model = clf(class_weight=weights.get("class_weight"))(None)
    model.fit(IDS, Y, sample_weight=weights.get("sample_weight"))
    assert np.all(np.isfinite(model.predict_proba(IDS)))


def test_a_diverged_fit_leaves_the_estimator_unfitted():
    model = clf(learning_rate=1e38)(None)
    with pytest.raises(ValueError, match="The estimator is left unfitted"):
        model.fit(IDS, Y)
    with pytest.raises(NotFittedError):
        model.predict_proba(IDS)


class StopAfter(keras.callbacks.Callback):
    """Sets ``stop_training`` at the end of epoch ``n`` of every stage."""

    def __init__(self, n):
        super().__init__()
        self.n = n

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 >= self.n:
            self.model.stop_training = True


@pytest.mark.parametrize("ngram_first", [True, False])
def test_a_callback_stops_every_stage_of_an_endless_fit(ngram_first):
    model = clf(epochs=10**9, ngram_first=ngram_first, callbacks=[StopAfter(3)])(None)
    model.fit(IDS, Y)
    assert len(model.history_["loss"]) == 3
    assert len(model.ngram_history_.get("loss", [])) == (3 if ngram_first else 0)


def test_an_ngram_order_beyond_the_texts_is_the_longest_one():
    """No n-gram is longer than a row: the same model, built in finite time."""
    huge = clf(ngram_order=10**9)(None).fit(IDS, Y)
    longest = clf(ngram_order=IDS.shape[1])(None).fit(IDS, Y)
    np.testing.assert_allclose(huge.predict_proba(IDS), longest.predict_proba(IDS))


def test_a_warm_start_trains_with_the_new_learning_rate():
    model = clf(warm_start=True)(None).fit(IDS, Y)
    optimizer = model.model_.optimizer
    model.fit(IDS, Y)
    assert model.model_.optimizer is optimizer
    model.set_params(learning_rate=0.05).fit(IDS, Y)
    learning_rate = keras.ops.convert_to_numpy(model.model_.optimizer.learning_rate)
    assert model.model_.optimizer is not optimizer
    assert float(learning_rate) == pytest.approx(0.05)
