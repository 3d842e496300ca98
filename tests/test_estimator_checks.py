"""scikit-learn's estimator checks on every sklstm estimator.

The classifier is tagged multi-label, so scikit-learn also runs its
multi-label checks on it (indicator-matrix targets, the output formats of
predict and predict_proba).

.ci/run runs this module on the latest scikit-learn and again on 1.6.1, the
oldest supported release.
"""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklstm import KerasTokenizerTransformer, LSTMTextClassifier, LSTMTextRegressor
from sklstm.utils.estimator_checks import (
    expected_failed_checks,
    parametrize_with_text_checks,
)

# Small networks, few epochs and eager execution (no graph tracing, which costs
# more than training on these tiny arrays) keep the ~50 checks per instance
# fast; the checks test the API, not the accuracy.
FAST = dict(embedding_dim=8, epochs=3, random_state=0, compile__run_eagerly=True)
CLASSIFIERS = [
    LSTMTextClassifier(**FAST, lstm_units=4),
    LSTMTextClassifier(
        **FAST,
        lstm_units=(4, 4),
        bidirectional=True,
        class_weight="balanced",
        early_stopping=True,
        pooling="mean",
    ),
]
# One regressor (a GRU, with the ridge n-gram branch) keeps CI's two runs of this
# module short; the classifiers above cover the shared core's other paths.
REGRESSORS = [LSTMTextRegressor(**FAST, lstm_units=4, cell="gru")]


@pytest.mark.slow
@parametrize_with_checks(
    CLASSIFIERS + REGRESSORS, expected_failed_checks=expected_failed_checks
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


@parametrize_with_text_checks(
    [
        KerasTokenizerTransformer(),
        KerasTokenizerTransformer(maxlen=None, oov_token=None),
    ]
)
def test_text_transformer_checks(estimator, check):
    check(estimator)
