"""LSTMTextRegressor: a Keras text network as a scikit-learn regressor."""

from sklearn.base import RegressorMixin

from sklstm._base import BaseTextNetwork
from sklstm._docs import fill_shared_docs
from sklstm._tasks import RegressionTask


@fill_shared_docs
class LSTMTextRegressor(RegressorMixin, BaseTextNetwork):
    """Text regressor, one number or several per text: a recurrent network and n-grams.

    The network of :class:`~sklstm.LSTMTextClassifier` with a linear output,
    one per target, trained on the mean squared error; the n-gram branch is a
    ridge regression on the TF-IDF bag of n-grams, solved in closed form with
    its penalty chosen on the validation split (see Notes). It
    takes the integer token ids that :class:`~sklstm.KerasTokenizerTransformer`
    produces and targets of shape (n_samples,) or (n_samples, n_targets).

    Each target is standardised inside ``fit`` (its mean subtracted, divided
    by its standard deviation), and ``predict`` restores its scale, as
    :class:`~sklearn.compose.TransformedTargetRegressor` with a
    :class:`~sklearn.preprocessing.StandardScaler` would: the loss then weighs
    targets of different units alike, and the learning rate suits any unit.

    Parameters
    ----------
    %(shared_parameters)s
    %(shared_late_parameters)s

    Attributes
    ----------
    %(shared_attributes)s

    See Also
    --------
    KerasTokenizerTransformer : Turns raw text into the ids this model reads.
    LSTMTextClassifier : The same network for labels.

    Notes
    -----
    ``predict`` needs id matrices of the width seen in ``fit`` and rejects any
    other width with scikit-learn's usual message, rather than silently cutting
    or padding texts: in a pipeline the tokenizer's ``sequence_length_`` keeps
    the width fixed.

    Token ids are checked before they are cast to the model's int32: at
    ``predict``, whole numbers beyond the embedding, however large, read as
    the out-of-vocabulary id 1; negative or fractional values are rejected.
    ``vocab_size="auto"`` builds at most 2**22 rows and rejects larger ids.

    ``history_`` logs the loss on the standardised targets: 1.0 is the error
    of always predicting the training mean.

    The n-gram branch has no epochs: it is solved as a ridge regression for
    each ``alpha`` in ``0.1, 0.3, 1, 3, 10`` (1 without early stopping), and
    the one with the lowest validation error is kept (``ngram_history_``
    holds each ``alpha`` with its ``loss`` and ``val_loss``). Trained by Adam
    and early-stopped instead, the same linear model moves rare n-grams as
    fast as common ones and generalises worse.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklstm import KerasTokenizerTransformer, LSTMTextRegressor
    >>> texts = ["good movie", "great film", "bad movie", "awful film"] * 5
    >>> ratings = [4.0, 5.0, 2.0, 1.0] * 5
    >>> pipe = make_pipeline(
    ...     KerasTokenizerTransformer(),
    ...     LSTMTextRegressor(lstm_units=4, embedding_dim=8, epochs=2,
    ...                       early_stopping=False, random_state=0),
    ... )
    >>> pipe.fit(texts, ratings).predict(["good film"]).shape
    (1,)
    """

    def __init__(
        self,
        *,
        embedding_dim=128,
        cell="lstm",
        lstm_units=64,
        bidirectional=True,
        dropout=0.5,
        recurrent_dropout=0.0,
        pooling="max",
        lstm_maxlen=200,
        model=None,
        vocab_size="auto",
        embeddings=None,
        trainable_embeddings="auto",
        ngram_order=2,
        ngram_buckets=2**20,
        ngram_first=True,
        optimizer="adam",
        learning_rate=1e-3,
        batch_size=32,
        epochs=20,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=2,
        random_state=None,
        verbose=0,
        callbacks=None,
        warm_start=False,
        n_threads=None,
        **kwargs,
    ):
        self._store_params(locals())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        # See LSTMTextClassifier: a few epochs on toy data.
        tags.regressor_tags.poor_score = True
        return tags

    def _make_task(self, y):
        return RegressionTask()

    def partial_fit(self, X, y, sample_weight=None):
        """Train for exactly one epoch, keeping the weights of earlier calls.

        Early stopping does not apply: every call trains on all of ``X``. The
        targets are standardised with the mean and scale of the first call.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_tokens)
            Token ids, 0 for padding.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample in the loss, used as given (not divided by
            their mean, as ``fit`` does), so that calls keep their weights
            relative to each other; weights above 1e15 are refused.

        Returns
        -------
        self : LSTMTextRegressor
            The updated regressor.
        """
        return self._partial_fit(X, y, None, sample_weight)

    def predict(self, X):
        """Predicted targets of each text, in the units of ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_tokens)
            Token ids, with the width seen in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predictions, of the shape of the ``y`` given to ``fit``.
        """
        outputs = self._predict_outputs(X)
        return self._task.decide(outputs)
