"""LSTMTextClassifier: a Keras LSTM that behaves like a scikit-learn classifier."""

from numbers import Integral, Real

import keras
import numpy as np
from scikeras._utils import (
    route_params,
    unflatten_params,
)
from scipy import sparse
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.preprocessing import LabelEncoder
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.validation import (
    check_is_fitted,
    validate_data,
)

from sklstm._batching import (
    PREDICT_BATCH_SIZE,
    expected_retracing,
    inference_batches,
    sequence_lengths,
    trim_padding,
)
from sklstm._classifier_input import (
    OOV_ID,
    auto_vocab_size,
    check_embeddings,
    check_labels,
    check_sample_weight,
    check_token_values,
    check_two_classes,
    reject_text,
)
from sklstm._inference import predict_on_batch
from sklstm._persistence import keras_model_from_bytes, keras_model_to_bytes
from sklstm._runtime import in_fit_runtime, release_unreachable_models
from sklstm._training import TrainingLoopMixin
from sklstm._wrapper import KerasWrapper, resolve_optimizer
from sklstm.model import POOLING_MODES, build_lstm_model
from sklstm.vectors import WordVectors, embedding_matrix, vocabulary_ids


class LSTMTextClassifier(ClassifierMixin, TrainingLoopMixin, KerasWrapper):
    """Text classifier: embedding, LSTM layers and a linear n-gram branch, softmax.

    It takes the integer token ids that :class:`~sklstm.KerasTokenizerTransformer`
    produces (0 is padding and is masked) and any labels scikit-learn accepts.
    It keeps scikeras' conventions, routed parameters (``optimizer__...``,
    ``callbacks``, ``fit__...``, ``model__...``) and a model builder that receives
    ``meta``, and fixes what scikeras' ``KerasClassifier`` gets wrong on
    scikit-learn >= 1.6: it is a classifier for ``is_classifier``, uses the
    scikit-learn tags API and ``validate_data``, and seeds its layers instead of
    switching process-wide TensorFlow determinism on.

    Parameters
    ----------
    embedding_dim : int, default=128
        Size of the token vectors learned from the training texts. Beside
        frozen ``embeddings``, the network learns vectors of this size for the
        ids seen in ``fit`` and reads both (see
        :class:`~sklstm.model.FrozenAndLearnedEmbedding`); 0 learns none there.
        Ignored with trainable ``embeddings``.
    lstm_units : int or tuple of int, default=64
        Units of the LSTM layer; a tuple stacks one layer per entry.
    bidirectional : bool, default=True
        Read the text in both directions.
    dropout : float, default=0.5
        Dropout on the LSTM inputs and before the output layer. The default
        keeps the LSTM from overfitting long texts within its first epochs:
        on IMDB, 0.5 scored 90.9 % (mean of 3 seeds) against 90.5 % for 0.2.
    recurrent_dropout : float, default=0.0
        Dropout on the recurrent state. Any value above 0 disables the fused
        cuDNN kernel on a GPU, which makes training there several times slower.
    pooling : {"last", "max", "mean"}, default="max"
        How the LSTM outputs become one vector per text: the final state, or the
        max or mean over the real (unmasked) tokens.
    vocab_size : "auto" or int, default="auto"
        Rows of the embedding matrix. "auto" takes the largest id seen in ``fit``
        plus one. Ids at or above it met at predict time (a rare word that only a
        test fold has) are read as the out-of-vocabulary id 1.
    embeddings : WordVectors or array-like of shape (vocab_size, dim), default=None
        Pretrained token vectors: a matrix with row ``i`` for token id ``i``,
        or a :class:`~sklstm.WordVectors` given as the tokenizer's
        ``vocabulary`` too, whose words then start from their vectors and the
        training texts' other words from random ones (``vocab_size_`` follows
        the data). See :ref:`word_vectors`.
    trainable_embeddings : bool or "auto", default="auto"
        Whether training updates the embedding matrix. "auto" freezes a
        :class:`~sklstm.WordVectors` and trains anything else: on AG News,
        frozen GloVe vectors scored as well as fine-tuned ones (90.2 % and
        90.1 %, one fold) and trained 3.6 times faster.
    ngram_order : int or None, default=2
        Add a linear branch over the text's word 1- to ``ngram_order``-grams (a
        logistic regression on a hashed TF-IDF bag of n-grams, with idf
        weights from the training texts), whose class scores add to the
        LSTM's. On long texts (IMDB,
        20 Newsgroups) it adds about 2 points of accuracy to the LSTM alone;
        None leaves it out and gives a pure LSTM.
    ngram_buckets : int, default=2**20
        Hash buckets of the linear branch's n-grams of 2 tokens and more; the
        branch holds ``(vocab_size_ + ngram_buckets) * n_classes_`` weights.
    ngram_first : bool, default=True
        In ``fit`` of a new network, train the n-gram branch alone first (early
        stopped like the network) and freeze it, so that the LSTM learns what
        the linear model gets wrong. Trained jointly from the start, the LSTM
        fits the training texts before the linear branch converges, which cost
        0.8 points on AG News. ``partial_fit`` and ``warm_start`` refits train
        the network as it is.
    lstm_maxlen : int or None, default=200
        Most token positions of each text the embedding and LSTM read: all of
        a text that has no more, else its first ``lstm_maxlen // 2`` tokens and
        its last ``lstm_maxlen - lstm_maxlen // 2`` (see
        :class:`~sklstm.model.HeadTailTokens`). The n-gram branch reads every
        position the tokenizer gives. The LSTM's time grows with the width it
        reads: with this window the 20 Newsgroups fit takes about 315 s
        instead of 395 s when the LSTM reads all 400 positions the tokenizer
        keeps (separate runs on one machine), at the same accuracy there and
        on IMDB (see the benchmarks). None reads them all.
    optimizer : str, keras.optimizers.Optimizer class or instance, default="adam"
        Keras optimizer; set its other arguments with ``optimizer__name=value``.
    learning_rate : float, default=1e-3
        Learning rate of the optimizer (not used for an optimizer instance).
    batch_size : int, default=32
        Texts per gradient step.
    epochs : int, default=20
        Most passes over the training data.
    early_stopping : bool, default=True
        Hold out ``validation_fraction`` of the training data (stratified,
        shuffled) and stop when the validation loss has not improved for
        ``n_iter_no_change`` epochs, restoring the weights of the best epoch.
    validation_fraction : float, default=0.1
        Share of the training data held out when ``early_stopping`` is True.
    n_iter_no_change : int, default=2
        Epochs without improvement of the validation loss before stopping.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplied into ``sample_weight``.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout, the validation split and the
        batch order. An int gives identical models on repeated fits.
    verbose : int, default=0
        0 is silent; 1 shows Keras' progress bar and per-epoch metrics.
    callbacks : list of keras.callbacks.Callback, default=None
        Extra Keras callbacks for training (scikeras routing applies).
    warm_start : bool, default=False
        Continue training the fitted network on the next ``fit`` call.
    n_threads : int or None, default=None
        Most CPU threads one fit or predict uses. None takes the process's
        share: the Dask worker's thread count in a Dask worker,
        ``OMP_NUM_THREADS`` in a joblib worker (where joblib sets it), else
        every core. TensorFlow and XLA size their pools once per process, on
        its first fit; later values only bound BLAS.
    **kwargs : dict
        Routed parameters in scikeras' syntax, e.g. ``optimizer__weight_decay``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, in the order of the ``predict_proba`` columns.
    n_classes_ : int
        Number of classes.
    model_ : keras.Model
        The trained network.
    history_ : dict of str to list of float
        Per-epoch training metrics (``loss``, ``accuracy``) and, with early
        stopping, their ``val_`` counterparts.
    best_epoch_ : int or None
        Index in ``history_`` of the epoch whose weights were kept by early
        stopping; None without early stopping.
    ngram_history_ : dict of str to list of float
        Per-epoch ``loss`` (and ``val_loss``) of the n-gram branch trained
        alone (see ``ngram_first``); empty when it was not.
    vocab_size_ : int
        Rows of the embedding matrix.
    interrupted_ : bool
        Whether the last ``fit`` or ``partial_fit`` was ended early by a
        ``KeyboardInterrupt`` (see Notes).
    n_features_in_ : int
        Width of the id matrix seen in ``fit``; ``predict`` needs the same.

    See Also
    --------
    KerasTokenizerTransformer : Turns raw text into the ids this model reads.

    Notes
    -----
    ``predict`` needs id matrices of the width seen in ``fit`` and rejects any
    other width with scikit-learn's usual message, rather than silently cutting
    or padding texts: in a pipeline the tokenizer's ``sequence_length_`` keeps
    the width fixed.

    A ``KeyboardInterrupt`` during training (Ctrl+C) does not propagate: it
    ends training as early stopping would, keeps the completed epochs in
    ``history_`` (and, with early stopping, the best weights so far), sets
    ``interrupted_`` and warns. The estimator stays usable.

    Token ids are checked before they are cast to the model's int32: at
    ``predict``, whole numbers beyond the embedding, however large, read as
    the out-of-vocabulary id 1; negative or fractional values are rejected.
    ``vocab_size="auto"`` builds at most 2**22 rows and rejects larger ids.

    Batches group texts of similar length and drop the columns that are padding
    in every row of the batch. The model masks padding, so this changes no
    result, only the time spent on padding.

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
    """

    _parameter_constraints = {
        "embedding_dim": [Interval(Integral, 0, None, closed="left")],
        "lstm_units": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "recurrent_dropout": [Interval(Real, 0, 1, closed="left")],
        "pooling": [StrOptions(set(POOLING_MODES))],
        "vocab_size": [
            StrOptions({"auto"}),
            Interval(Integral, 2, None, closed="left"),
        ],
        "embeddings": [WordVectors, "array-like", None],
        "trainable_embeddings": ["boolean", StrOptions({"auto"})],
        "ngram_order": [Interval(Integral, 1, None, closed="left"), None],
        "ngram_buckets": [Interval(Integral, 1, None, closed="left")],
        "ngram_first": ["boolean"],
        "lstm_maxlen": [Interval(Integral, 1, None, closed="left"), None],
        "optimizer": [str, type, keras.optimizers.Optimizer],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [list, dict, keras.callbacks.Callback, None],
        "warm_start": ["boolean"],
        "n_threads": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(
        self,
        *,
        embedding_dim=128,
        lstm_units=64,
        bidirectional=True,
        dropout=0.5,
        recurrent_dropout=0.0,
        pooling="max",
        vocab_size="auto",
        embeddings=None,
        trainable_embeddings="auto",
        ngram_order=2,
        ngram_buckets=2**20,
        ngram_first=True,
        lstm_maxlen=200,
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
        self.embedding_dim = embedding_dim
        self.lstm_units = lstm_units
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.pooling = pooling
        self.vocab_size = vocab_size
        self.embeddings = embeddings
        self.trainable_embeddings = trainable_embeddings
        self.ngram_order = ngram_order
        self.ngram_buckets = ngram_buckets
        self.ngram_first = ngram_first
        self.lstm_maxlen = lstm_maxlen
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.epochs = epochs
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.class_weight = class_weight
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.warm_start = warm_start
        self.n_threads = n_threads
        self._routed_params = kwargs

    # ------------------------------------------------------------------ tags

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.positive_only = True
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        # A sequence model on a handful of synthetic integer "tokens" with the
        # few epochs a test affords does not reach the accuracy a linear model
        # does on scikit-learn's toy blobs.
        tags.classifier_tags.poor_score = True
        tags.non_deterministic = self.random_state is None
        return tags

    # ------------------------------------------------------------ validation

    def _check_X_y(self, X, y=None, reset=False):
        if sparse.issparse(X):
            raise TypeError(
                "Sparse input is not supported: LSTMTextClassifier expects a "
                "dense array of token ids such as KerasTokenizerTransformer "
                "produces."
            )
        reject_text(X)
        X = validate_data(self, X, reset=reset, dtype="numeric")
        if y is not None:
            y = check_labels(y)
        if y is not None and len(X) != len(y):
            raise ValueError(
                f"X has {len(X)} samples but y has {len(y)}; they must match."
            )
        return X, y

    def _check_vocabulary(self, X, *, fitting):
        """Map ids beyond the embedding matrix to the OOV id (or reject at fit)."""
        too_large = X >= self.vocab_size_
        if not too_large.any():
            return X
        if fitting and (self.vocab_size != "auto" or self.embeddings is not None):
            raise ValueError(
                f"X contains token id {X.max()} but the embedding matrix has "
                f"{self.vocab_size_} rows (vocab_size={self.vocab_size!r}, "
                f"embeddings {'given' if self.embeddings is not None else 'None'}); "
                "raise vocab_size, use vocab_size='auto', or lower the tokenizer's "
                "num_words."
            )
        return np.where(too_large, OOV_ID, X).astype(X.dtype)

    # ---------------------------------------------------------- model building

    def _keras_build_fn(self, meta, compile_kwargs, **model_params):
        """Build and compile the network from ``meta`` and ``model__`` parameters."""
        model = build_lstm_model(
            **model_params,
            vocab_size=meta["vocab_size_"],
            n_classes=meta["n_classes_"],
            embedding_dim=self.embedding_dim,
            lstm_units=self.lstm_units,
            bidirectional=self.bidirectional,
            dropout=self.dropout,
            recurrent_dropout=self.recurrent_dropout,
            pooling=self.pooling,
            embeddings=self._embedding_matrix(meta["vocab_size_"]),
            trainable_embeddings=self._trainable_embeddings(),
            learned_ids=self._learned_ids,
            ngram_order=self.ngram_order,
            ngram_buckets=self.ngram_buckets,
            lstm_maxlen=self.lstm_maxlen,
            seed=self._seed,
        )
        model.compile(**compile_kwargs)
        return model

    def _get_compile_kwargs(self):
        params = self.get_params()
        optimizer = resolve_optimizer(self.optimizer)
        optimizer_params = route_params(
            params, destination="optimizer", pass_filter=set(), strict=True
        )
        if isinstance(optimizer, type):
            optimizer_params.setdefault("learning_rate", self.learning_rate)
        return {
            "optimizer": unflatten_params(items=optimizer, params=optimizer_params),
            "loss": "sparse_categorical_crossentropy",
            "metrics": ["accuracy"],
            # e.g. compile__run_eagerly=True, compile__jit_compile=True
            **route_params(params, "compile", pass_filter=set(), strict=True),
        }

    def _check_embedding_dim(self):
        if self.embedding_dim == 0 and (
            self.embeddings is None or self._trainable_embeddings()
        ):
            raise ValueError(
                "embedding_dim=0 learns no token vectors, which only works beside "
                "frozen pretrained embeddings; got embeddings="
                f"{'None' if self.embeddings is None else 'trainable ones'}. Set "
                "embedding_dim to at least 1."
            )

    def _trainable_embeddings(self):
        if self.trainable_embeddings == "auto":
            return not isinstance(self.embeddings, WordVectors)
        return self.trainable_embeddings

    def _embedding_matrix(self, vocab_size):
        if isinstance(self.embeddings, WordVectors):
            return embedding_matrix(self.embeddings, vocab_size, self._seed)
        return self.embeddings

    def _resolve_vocab_size(self, X):
        if isinstance(self.embeddings, WordVectors):
            largest_id = vocabulary_ids(len(self.embeddings))[-1]
            return max(int(X.max(initial=0)), largest_id) + 1
        if self.embeddings is not None:
            return int(np.shape(self.embeddings)[0])
        if self.vocab_size == "auto":
            return auto_vocab_size(X)
        return int(self.vocab_size)

    def _initialize(self, X, y, classes=None):
        """Set the fitted attributes and build a new network for ``(X, y)``."""
        self._label_encoder = LabelEncoder().fit(y if classes is None else classes)
        self.classes_ = self._label_encoder.classes_
        self.n_classes_ = len(self.classes_)
        check_two_classes(self.classes_, "y has")
        check_embeddings(self.embeddings)
        self._check_embedding_dim()
        self.vocab_size_ = self._resolve_vocab_size(X)
        release_unreachable_models()
        # scikeras wraps model building in a process-wide determinism switch;
        # our layers carry their own seeds instead.
        self._seed = self._draw_seed()
        # Beside frozen vectors, only the ids of the training texts get learned
        # ones; the builder reads them here and the estimator keeps none.
        self._learned_ids = np.unique(X) if self.embeddings is not None else None
        try:
            self.model_ = self._build_keras_model()
        finally:
            del self._learned_ids
        self.history_ = {}
        self.best_epoch_ = None

    def _draw_seed(self):
        if isinstance(self.random_state, Integral):
            return int(self.random_state)
        if isinstance(self.random_state, np.random.RandomState):
            return int(self.random_state.randint(np.iinfo(np.int32).max))
        # Fresh entropy from the OS, leaving numpy's global generator untouched.
        return int(np.random.SeedSequence().generate_state(1)[0])

    # ---------------------------------------------------------------- training

    @_fit_context(prefer_skip_nested_validation=True)
    @in_fit_runtime
    def fit(self, X, y, sample_weight=None):
        """Build a new network (unless ``warm_start``) and train it on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_tokens)
            Token ids, 0 for padding.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample in the loss.

        Returns
        -------
        self : LSTMTextClassifier
            The fitted classifier.
        """
        if y is None:
            raise ValueError(
                "LSTMTextClassifier requires y to be passed, but the target y is None."
            )
        self._check_routed_params()
        new_model = not (self.warm_start and self.initialized_)
        X, y = self._check_X_y(X, y, reset=new_model)
        # Problems with the labels are reported before problems with the ids.
        check_two_classes(np.unique(y), "y has")
        weights = self._sample_weights(X, y, sample_weight)
        check_two_classes(np.unique(y[weights > 0]), "Non-zero sample weights cover")
        check_token_values(X)
        if new_model:
            self._initialize(X, y)
        self._train(X, y, weights, epochs=None, validate=self.early_stopping)
        return self

    @in_fit_runtime
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for exactly one epoch, keeping the weights of earlier calls.

        Early stopping does not apply: every call trains on all of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_tokens)
            Token ids, 0 for padding.
        y : array-like of shape (n_samples,)
            Class labels.
        classes : array-like of shape (n_classes,), default=None
            Every class that any call will see; required on the first call
            unless ``y`` already holds them all.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample in the loss.

        Returns
        -------
        self : LSTMTextClassifier
            The updated classifier.
        """
        first_call = not self.initialized_
        if first_call:
            self._validate_params()
        self._check_routed_params()
        X, y = self._check_X_y(X, y, reset=first_call)
        weights = self._sample_weights(X, y, sample_weight)
        check_token_values(X)
        if first_call:
            self._initialize(X, y, classes=classes)
        elif classes is not None and not np.array_equal(
            np.unique(classes), self.classes_
        ):
            raise ValueError(
                f"classes={list(classes)} differs from the classes of the first "
                f"partial_fit call, {self.classes_.tolist()}."
            )
        self._train(X, y, weights, epochs=1, validate=False)
        return self

    def _encode_targets(self, y):
        unseen = np.setdiff1d(np.unique(y), self.classes_)
        if unseen.size:
            raise ValueError(
                f"y contains labels {unseen.tolist()} that are not among the "
                f"classes {self.classes_.tolist()} this classifier was fitted with."
            )
        return self._label_encoder.transform(y).astype("int32")

    def _sample_weights(self, X, y, sample_weight):
        """The per-sample loss weights; the caller's array is never modified."""
        weights = check_sample_weight(sample_weight, X)
        if self.class_weight is not None:
            weights *= compute_sample_weight(self.class_weight, y).astype(np.float32)
        return weights

    # -------------------------------------------------------------- prediction

    @in_fit_runtime
    def _predict_raw(self, X):
        check_is_fitted(self, "model_")
        X, _ = self._check_X_y(X)
        check_token_values(X)
        X = self._check_vocabulary(X, fitting=False).astype("int32")
        proba = np.empty((len(X), self.n_classes_), dtype=np.float32)
        with expected_retracing():
            for index in inference_batches(sequence_lengths(X), PREDICT_BATCH_SIZE):
                proba[index] = predict_on_batch(self.model_, trim_padding(X[index]))
        return proba

    def predict_proba(self, X):
        """Probability of each class, columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_tokens)
            Token ids, with the width seen in ``fit``.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities; each row sums to 1 in float64 precision.
        """
        # The network's float32 softmax sums to 1 only within ~1e-7, which
        # log_loss warns about; renormalising in float64 keeps every argmax.
        proba = self._predict_raw(X).astype(np.float64)
        return proba / proba.sum(axis=1, keepdims=True)

    def predict(self, X):
        """Most probable class label of each text.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_tokens)
            Token ids, with the width seen in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels, values from ``classes_``.
        """
        proba = self._predict_raw(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def score(self, X, y, sample_weight=None):
        """Mean accuracy on ``(X, y)``, as every scikit-learn classifier.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_tokens)
            Token ids.
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Accuracy of ``predict(X)``.
        """
        return ClassifierMixin.score(self, X, y, sample_weight=sample_weight)

    # ------------------------------------------------------------- persistence

    def __getstate__(self):
        # The Keras model travels as a .keras archive, which every backend
        # can read back; nothing depends on scikeras' pickling patches.
        state = dict(super().__getstate__())
        if "model_" in state:
            state["model_"] = keras_model_to_bytes(state["model_"])
        return state

    def __setstate__(self, state):
        if isinstance(state.get("model_"), bytes):
            state["model_"] = keras_model_from_bytes(state["model_"])
        super().__setstate__(state)

    def __sklearn_is_fitted__(self):
        return hasattr(self, "model_")
