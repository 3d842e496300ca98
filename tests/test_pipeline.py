"""The tokenizer and the classifier together, as users put them in pipelines."""

import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.metrics import classification_report
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline

from sklstm import KerasTokenizerTransformer, LSTMTextClassifier
from tests.conftest import TINY, dataset_file

WORDS = {
    "sports": "match goal team score league coach player season win",
    "politics": "vote election party senate law minister policy debate bill",
    "science": "atom cell energy experiment theory physics lab data gene",
}


def make_texts(n_per_class=30, seed=0):
    rng = np.random.default_rng(seed)
    filler = "the a of and to in is it".split()
    texts, labels = [], []
    for label, words in WORDS.items():
        vocab = words.split()
        for _ in range(n_per_class):
            n_words = rng.integers(3, 12)
            chosen = rng.choice(vocab + filler, size=n_words)
            texts.append(" ".join(chosen).capitalize() + ".")
            labels.append(label)
    return texts, np.array(labels)


@pytest.fixture(scope="module")
def corpus():
    return make_texts()


@pytest.fixture(scope="module")
def fitted_pipe(corpus):
    texts, labels = corpus
    return make_pipeline(KerasTokenizerTransformer(), LSTMTextClassifier(**TINY)).fit(
        texts, labels
    )


@pytest.mark.slow
@pytest.mark.parametrize("container", [list, np.array, pd.Series])
def test_pipeline_fits_raw_text(corpus, container):
    texts, labels = corpus
    pipe = make_pipeline(KerasTokenizerTransformer(), LSTMTextClassifier(**TINY))
    pipe.fit(container(texts), labels)
    predictions = pipe.predict(container(texts[:5]))
    assert set(predictions) <= set(labels)
    assert pipe.predict_proba(texts).shape == (len(texts), 3)


def test_single_text_prediction(fitted_pipe):
    assert fitted_pipe.predict(["goal for the team"]).shape == (1,)
    assert fitted_pipe.predict_proba(["a never seen word"]).sum() == pytest.approx(1)


def test_classification_report_with_string_labels(fitted_pipe, corpus):
    texts, labels = corpus
    report = classification_report(
        labels, fitted_pipe.predict(texts), output_dict=True, zero_division=0
    )
    assert set(WORDS) <= set(report)


@pytest.mark.slow
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_grid_search_over_units_and_learning_rate(corpus, n_jobs):
    texts, labels = corpus
    pipe = make_pipeline(KerasTokenizerTransformer(), LSTMTextClassifier(**TINY))
    grid = {
        "lstmtextclassifier__lstm_units": [2, 4],
        "lstmtextclassifier__learning_rate": [1e-3, 1e-2],
    }
    search = GridSearchCV(pipe, grid, cv=3, n_jobs=n_jobs).fit(texts, labels)
    assert len(search.cv_results_["params"]) == 4
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert search.best_estimator_.predict(texts[:3]).shape == (3,)


def test_pickle_and_joblib_round_trips(fitted_pipe, corpus, tmp_path):
    texts, _ = corpus
    expected = fitted_pipe.predict_proba(texts)
    restored = pickle.loads(pickle.dumps(fitted_pipe))
    np.testing.assert_array_equal(restored.predict_proba(texts), expected)
    joblib.dump(fitted_pipe, tmp_path / "pipe.joblib")
    loaded = joblib.load(tmp_path / "pipe.joblib")
    np.testing.assert_array_equal(loaded.predict_proba(texts), expected)


def test_clone_keeps_every_parameter(fitted_pipe):
    cloned = clone(fitted_pipe)
    assert cloned.get_params().keys() == fitted_pipe.get_params().keys()
    for name, value in fitted_pipe.get_params(deep=True).items():
        if name not in {"memory", "steps"} and "__" in name:
            assert repr(cloned.get_params()[name]) == repr(value), name


def test_sms_spam_beats_the_majority_class(data_home):
    frame = pd.read_csv(dataset_file(data_home, "sms_spam"), keep_default_na=False)
    X_train, X_test, y_train, y_test = train_test_split(
        frame.text,
        frame.label,
        train_size=2000,
        test_size=1000,
        stratify=frame.label,
        random_state=0,
    )
    pipe = make_pipeline(
        KerasTokenizerTransformer(num_words=5000, maxlen=50),
        LSTMTextClassifier(embedding_dim=32, lstm_units=16, epochs=3, random_state=0),
    ).fit(X_train, y_train)
    majority = (y_test == "ham").mean()
    assert pipe.score(X_test, y_test) > majority + 0.05
