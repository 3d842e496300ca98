"""LSTMTextClassifier: a Keras text network as a scikit-learn classifier."""

from sklearn.base import ClassifierMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_sample_weight

from sklstm._base import BaseTextNetwork
from sklstm._classifier_input import check_class_weight
from sklstm._docs import fill_shared_docs
from sklstm._tasks import classification_task


@fill_shared_docs
class LSTMTextClassifier(ClassifierMixin, BaseTextNetwork):
    """Text classifier, one label or several per text: a recurrent network and n-grams.

    It takes the integer token ids that :class:`~sklstm.KerasTokenizerTransformer`
    produces (0 is padding and is masked) and the targets scikit-learn's
    classifiers take:

    - class labels, one per text (any type): a softmax over the classes and
      cross-entropy; ``predict`` gives the most probable class;
    - a label indicator matrix of shape (n_samples, n_labels), as
      ``MultiLabelBinarizer().fit_transform(label_lists)`` gives, for several
      labels per text: one sigmoid per label and binary cross-entropy;
      ``predict`` gives the labels whose probability is at least 0.5, as
      ``MLPClassifier`` does. Lists of label names are not taken directly
      (scikit-learn calls them a legacy format): binarize them first.

    The default network is an embedding, a bidirectional LSTM (or GRU) and
    max pooling, plus a linear branch over word n-grams; ``model`` replaces the
    network with your own (see :ref:`custom_networks`). Routed parameters keep
    scikeras' syntax (``optimizer__...``, ``callbacks__...``,
    ``compile__...``, and ``model__...`` for a ``model`` builder) without
    importing scikeras.

    Parameters
    ----------
    %(shared_parameters)s
    class_weight : dict, list of dict, "balanced" or None, default=None
        Weights of the classes, multiplied into ``sample_weight``; for
        multi-label targets, one per label column, as
        :func:`~sklearn.utils.class_weight.compute_sample_weight` takes them.
    %(shared_late_parameters)s

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, in the order of the ``predict_proba`` columns; for
        multi-label targets the column indices ``0 .. n_labels - 1``.
    n_classes_ : int
        Number of classes (of labels, for multi-label targets).
    %(shared_attributes)s

    See Also
    --------
    KerasTokenizerTransformer : Turns raw text into the ids this model reads.
    LSTMTextRegressor : The same network for numbers per text.

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

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklstm import KerasTokenizerTransformer, LSTMTextClassifier
    >>> texts = ["good movie", "great film", "bad movie", "awful film"] * 5
    >>> labels = ["pos", "pos", "neg", "neg"] * 5
    >>> pipe = make_pipeline(
    ...     KerasTokenizerTransformer(),
    ...     LSTMTextClassifier(lstm_units=4, embedding_dim=8, epochs=2,
    ...                        early_stopping=False, random_state=0),
    ... )
    >>> pipe.fit(texts, labels).predict(["good film"]).shape
    (1,)

    Several labels per text:

    >>> from sklearn.preprocessing import MultiLabelBinarizer
    >>> tags = [["film"], ["film", "good"], ["bad"], ["bad", "film"]] * 5
    >>> binarizer = MultiLabelBinarizer()
    >>> pipe.fit(texts, binarizer.fit_transform(tags)).predict(["good film"]).shape
    (1, 3)
    """

    _parameter_constraints = {
        **BaseTextNetwork._parameter_constraints,
        "class_weight": [dict, list, StrOptions({"balanced"}), None],
    }

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
        class_weight=None,
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
        tags.classifier_tags.multi_label = True
        # A sequence model on a handful of synthetic integer "tokens" with the
        # few epochs a test affords does not reach the accuracy a linear model
        # does on scikit-learn's toy blobs.
        tags.classifier_tags.poor_score = True
        return tags

    def _make_task(self, y):
        return classification_task(y)

    def _set_task_attributes(self):
        self.classes_ = self._task.classes_
        self.n_classes_ = len(self.classes_)

    def _sample_weights(self, X, y, sample_weight):
        weights = super()._sample_weights(X, y, sample_weight)
        check_class_weight(self.class_weight, y)
        if self.class_weight is not None:
            weights *= compute_sample_weight(self.class_weight, y).astype(weights.dtype)
        return weights

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for exactly one epoch, keeping the weights of earlier calls.

        Early stopping does not apply: every call trains on all of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_tokens)
            Token ids, 0 for padding.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a label indicator matrix.
        classes : array-like of shape (n_classes,), default=None
            Every class that any call will see; required on the first call
            unless ``y`` already holds them all. Not needed for multi-label
            targets, whose columns are the labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample in the loss, used as given (not divided by
            their mean, as ``fit`` does), so that calls keep their weights
            relative to each other; weights above 1e15 are refused.

        Returns
        -------
        self : LSTMTextClassifier
            The updated classifier.
        """
        return self._partial_fit(X, y, classes, sample_weight)

    def predict_proba(self, X):
        """Probability of each class (or label), columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_tokens)
            Token ids, with the width seen in ``fit``.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            For one label per text, class probabilities; each row sums to 1 in
            float64 precision. For several, each label's own probability.
        """
        outputs = self._predict_outputs(X)
        return self._task.probabilities(outputs)

    def predict(self, X):
        """Most probable class of each text, or its labels (probability >= 0.5).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_tokens)
            Token ids, with the width seen in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Labels from ``classes_``, or a label indicator matrix.
        """
        outputs = self._predict_outputs(X)
        return self._task.decide(outputs)
