"""What sklstm's classifier and regressor share: one text network, fitted one way.

:class:`BaseTextNetwork` holds the parameters, the input checks, the model
building and ``fit``/``partial_fit``/prediction for every task. What differs
between one label, several labels and numbers per text is a task object (see
:mod:`sklstm._tasks`), which a subclass chooses in ``_make_task``; the core
never asks which task it trains.
"""

from numbers import Integral, Real

import keras
import numpy as np
from scipy import sparse
from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

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
    check_sample_weight,
    check_token_values,
    reject_text,
    training_weights,
)
from sklstm._inference import predict_on_batch
from sklstm._ngram_stage import ngram_branch
from sklstm._persistence import keras_model_from_bytes, keras_model_to_bytes
from sklstm._resources import check_fit_memory
from sklstm._routing import INTROSPECTED_NAME, check_parameter_names
from sklstm._runtime import in_fit_runtime, release_unreachable_models
from sklstm._training import JOINT_FIT, NETWORK_ONLY, STAGED_FIT, TrainingLoopMixin
from sklstm._wrapper import KerasWrapper
from sklstm.model import CELLS, POOLING_MODES, build_model, build_text_network
from sklstm.vectors import WordVectors, embedding_matrix, vocabulary_ids

# The parameters of the default network, which a user's ``model`` replaces.
NETWORK_PARAMETERS = (
    "embedding_dim",
    "cell",
    "lstm_units",
    "bidirectional",
    "dropout",
    "recurrent_dropout",
    "pooling",
    "lstm_maxlen",
)

# Parameters the fitted network is built from, whatever ``model`` is; the
# default network's own count only when ``model`` is None.
BUILD_PARAMETERS = ("vocab_size", "ngram_order", "ngram_buckets")


def _draw_seed(random_state):
    if isinstance(random_state, Integral):
        return int(random_state)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(np.iinfo(np.int32).max))
    # Fresh entropy from the OS, leaving numpy's global generator untouched.
    return int(np.random.SeedSequence().generate_state(1)[0])


class BaseTextNetwork(TrainingLoopMixin, KerasWrapper):
    """The estimator core: parameters, checks, model building, fit and predict.

    Subclasses define ``__init__`` (storing every parameter through
    ``_store_params``), ``_make_task(y)`` and the public prediction methods.
    """

    _parameter_constraints = {
        "embedding_dim": [Interval(Integral, 0, None, closed="left")],
        "cell": [StrOptions(set(CELLS))],
        "lstm_units": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "recurrent_dropout": [Interval(Real, 0, 1, closed="left")],
        "pooling": [StrOptions(set(POOLING_MODES))],
        "lstm_maxlen": [Interval(Integral, 1, None, closed="left"), None],
        "model": [callable, None],
        "vocab_size": [
            StrOptions({"auto"}),
            Interval(Integral, 2, None, closed="left"),
        ],
        "embeddings": [WordVectors, "array-like", None],
        "trainable_embeddings": ["boolean", StrOptions({"auto"})],
        "ngram_order": [Interval(Integral, 1, None, closed="left"), None],
        "ngram_buckets": [Interval(Integral, 1, None, closed="left")],
        "ngram_first": ["boolean"],
        "optimizer": [str, type, keras.optimizers.Optimizer],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [list, dict, keras.callbacks.Callback, type, None],
        "warm_start": ["boolean"],
        "n_threads": [Interval(Integral, 1, None, closed="left"), None],
    }

    def _store_params(self, params):
        """``__init__``'s body: store every parameter verbatim, routed ones apart.

        A keyword that is neither a parameter nor routed is a ``TypeError``
        here, as Python raises for any unknown keyword; values are checked in
        ``fit``, as scikit-learn requires.
        """
        routed = params.pop("kwargs")
        params.pop("self")
        check_parameter_names(
            type(self).__name__,
            routed,
            self._get_param_names(),
            exempt=(INTROSPECTED_NAME,),
        )
        for name, value in params.items():
            setattr(self, name, value)
        self._routed_params = routed

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.positive_only = True
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        tags.non_deterministic = self.random_state is None
        return tags

    # ------------------------------------------------------------ validation

    def _check_X(self, X, *, reset):
        """A dense numeric id matrix; the ids' values are checked separately."""
        name = type(self).__name__
        if sparse.issparse(X):
            raise TypeError(
                f"Sparse input is not supported: {name} expects a dense array of "
                "token ids such as KerasTokenizerTransformer produces."
            )
        reject_text(X, name)
        return validate_data(self, X, reset=reset, dtype="numeric")

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

    def _sample_weights(self, X, y, sample_weight):
        """The per-sample loss weights; the caller's array is never modified."""
        return check_sample_weight(sample_weight, X)

    # ---------------------------------------------------------- model building

    def _trainable_embeddings(self):
        if self.trainable_embeddings == "auto":
            return not isinstance(self.embeddings, WordVectors)
        return self.trainable_embeddings

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

    def _resolve_vocab_size(self, X):
        if isinstance(self.embeddings, WordVectors):
            largest_id = vocabulary_ids(len(self.embeddings))[-1]
            return max(int(X.max(initial=0)), largest_id) + 1
        if self.embeddings is not None:
            return int(np.shape(self.embeddings)[0])
        if self.vocab_size == "auto":
            return auto_vocab_size(X)
        return int(self.vocab_size)

    def _metadata(self):
        """Fitted attributes so far, handed to the model builder as ``meta``."""
        meta = {
            name: value
            for name, value in vars(self).items()
            if name.endswith("_") and not name.startswith("_") and name[-2] != "_"
        }
        return {**meta, "seed": self._seed}

    def _build_network(self, X):
        """The user's network (``model``), or the default one from the parameters."""
        if self.model is not None:
            return self.model(self._metadata(), **self._routed("model"))
        embeddings = self.embeddings
        if isinstance(embeddings, WordVectors):
            embeddings = embedding_matrix(embeddings, self.vocab_size_, self._seed)
        return build_text_network(
            **{name: getattr(self, name) for name in NETWORK_PARAMETERS},
            vocab_size=self.vocab_size_,
            n_outputs=self.n_outputs_,
            embeddings=embeddings,
            trainable_embeddings=self._trainable_embeddings(),
            # Beside frozen vectors, only the training texts' ids get learned ones.
            learned_ids=np.unique(X) if self.embeddings is not None else None,
            seed=self._seed,
        )

    def _initialize(self, X, y, classes=None):
        """Fit the task, set the fitted attributes and build a new model."""
        self._task = self._make_task(y).fit(y, classes)
        self.n_outputs_ = self._task.n_outputs
        self._set_task_attributes()
        check_embeddings(self.embeddings)
        self._check_embedding_dim()
        self.vocab_size_ = self._resolve_vocab_size(X)
        check_fit_memory(
            self,
            n_samples=len(X),
            width=X.shape[1],
            vocab_size=self.vocab_size_,
            n_outputs=self.n_outputs_,
        )
        release_unreachable_models()
        # Our layers carry their own seeds; no process-wide determinism switch.
        self._seed = _draw_seed(self.random_state)
        model = build_model(
            self._build_network(X),
            vocab_size=self.vocab_size_,
            n_outputs=self.n_outputs_,
            activation=self._task.activation,
            ngram_order=self._ngram_order(X),
            ngram_buckets=self.ngram_buckets,
        )
        self._compile(model)
        self.model_ = model
        self._built_with = self._architecture()
        self.history_ = {}
        self.ngram_history_ = {}
        self.best_epoch_ = None

    def _compile(self, model):
        """Compile ``model`` with a new optimizer, remembering the settings used."""
        compile_kwargs = {"metrics": list(self._task.metrics), **self._compile_kwargs()}
        model.compile(
            optimizer=self._build_optimizer(), loss=self._task.loss, **compile_kwargs
        )
        self._compiled_with = self._training_settings()

    def _training_settings(self):
        """The optimizer and compile settings, as text (which any file stores)."""
        return repr(
            (
                self.optimizer,
                self.learning_rate,
                sorted(self._routed("optimizer").items()),
                sorted(self._compile_kwargs().items()),
            )
        )

    def _architecture(self):
        """The parameters the network is built from, as plain values.

        Pretrained ``embeddings`` and a ``model`` builder count by whether
        they are given (an array compares badly, a builder not at all).
        """
        names = BUILD_PARAMETERS + (
            NETWORK_PARAMETERS + ("trainable_embeddings",) if self.model is None else ()
        )
        return {
            **{name: getattr(self, name) for name in names},
            "model": "None" if self.model is None else "a builder",
            "embeddings": "None" if self.embeddings is None else "given",
        }

    def _check_architecture(self):
        """A warm start trains the fitted network: its shape must not have changed.

        Raises
        ------
        ValueError
            Naming the first parameter whose value differs from the one the
            fitted network was built with.
        """
        built_with = getattr(self, "_built_with", None)
        if built_with is None:
            return
        for name, value in self._architecture().items():
            if name in built_with and built_with[name] != value:
                raise ValueError(
                    f"warm_start=True continues training the fitted network, but "
                    f"{name} is now {value!r} and the network was built with "
                    f"{built_with[name]!r}. Fit with warm_start=False to build a "
                    f"new network with the new value, or set {name} back."
                )

    def _ngram_order(self, X):
        """``ngram_order``, at most the width of ``X``: no longer n-gram exists.

        The model is the same (an order beyond the width adds no feature),
        but its graph holds one hashing step per order, and ``10**9`` of those
        would never finish building.
        """
        if self.ngram_order is None:
            return None
        return min(self.ngram_order, max(X.shape[1], 1))

    def _set_task_attributes(self):
        """Hook: copy what a subclass exposes of its task (e.g. ``classes_``)."""

    def _first_stages(self):
        """The stages of a new network's fit (see :mod:`sklstm._training`)."""
        if ngram_branch(self.model_) is None:
            return NETWORK_ONLY
        return STAGED_FIT if self.ngram_first else JOINT_FIT

    def _resumed_stages(self):
        """A warm-started fit's stages: the network's, or what an interrupt cut.

        A fit interrupted in the n-gram stage never trained the network, so
        the next warm-started fit resumes the staged fit where it stopped.
        """
        if self.interrupted_ and not self.history_ and self.ngram_history_:
            return STAGED_FIT[STAGED_FIT.index("ngram") :]
        return NETWORK_ONLY

    # ---------------------------------------------------------------- training

    def _check_y_given(self, y):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target "
                "y is None."
            )

    def _check_fit_targets(
        self, X, y, sample_weight, *, reset, task, whole=True, relative=False
    ):
        """Checked ``X``, ``y`` and sample weights.

        ``whole`` data (``fit``, a first ``partial_fit``) must hold what a
        model needs, e.g. two classes; a later ``partial_fit`` batch need not.
        ``relative`` weights are divided by their mean, as ``fit`` does (see
        :func:`~sklstm._classifier_input.training_weights`).
        """
        self._check_routed_params()
        X = self._check_X(X, reset=reset)
        y = task.check_targets(y)
        if len(X) != len(y):
            raise ValueError(
                f"X has {len(X)} samples but y has {len(y)}; they must match."
            )
        weights = training_weights(
            self._sample_weights(X, y, sample_weight), relative=relative
        )
        # Problems with the targets are reported before problems with the ids.
        if whole:
            task.check_weighted_targets(y, weights)
        check_token_values(X, type(self).__name__)
        return X, y, weights

    @_fit_context(prefer_skip_nested_validation=True)
    @in_fit_runtime
    def fit(self, X, y, sample_weight=None):
        """Build a new network (unless ``warm_start``) and train it on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_tokens)
            Token ids, 0 for padding.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets: class labels, a label indicator matrix (classifier), or
            one or several numbers per text (regressor).
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample in the loss. Only their ratios matter: they
            are divided by their mean (after any ``class_weight``), so their
            scale neither changes the learning rate's effect nor overflows
            the float32 loss.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        new_model = not (self.warm_start and self.__sklearn_is_fitted__())
        # At once: checking large data and building the network take seconds.
        self._announce(f"{type(self).__name__}: checking the data and the network.")
        self._check_y_given(y)
        task = self._make_task(y) if new_model else self._task
        X, y, weights = self._check_fit_targets(
            X, y, sample_weight, reset=new_model, task=task, relative=True
        )
        if new_model:
            self._initialize(X, y)
        else:
            self._check_architecture()
            if getattr(self, "_compiled_with", None) != self._training_settings():
                # As MLPClassifier's warm-started fit, a new optimizer: its
                # learning rate and arguments are the parameters' new ones.
                self._compile(self.model_)
        stages = self._first_stages() if new_model else self._resumed_stages()
        self._train_on(X, y, weights, stages=stages, epochs=self.epochs)
        return self

    @in_fit_runtime
    def _partial_fit(self, X, y, classes, sample_weight):
        first_call = not self.__sklearn_is_fitted__()
        if first_call:
            self._validate_params()
        self._check_y_given(y)
        task = self._make_task(y) if first_call else self._task
        X, y, weights = self._check_fit_targets(
            X, y, sample_weight, reset=first_call, task=task, whole=first_call
        )
        if first_call:
            self._initialize(X, y, classes=classes)
        elif classes is not None:
            self._task.check_classes(classes)
        has_bag = ngram_branch(self.model_) is not None
        stages = JOINT_FIT if first_call and has_bag else NETWORK_ONLY
        self._train_on(X, y, weights, stages=stages, epochs=1, validate=False)
        return self

    def _train_on(self, X, y, weights, *, stages, epochs, validate=None):
        targets = self._task.encode(y)
        X = self._check_vocabulary(X.astype("int32"), fitting=True)
        validate = self.early_stopping if validate is None else validate
        self._train(
            X, targets, weights, stages=stages, epochs=epochs, validate=validate
        )

    # -------------------------------------------------------------- prediction

    @in_fit_runtime
    def _predict_outputs(self, X):
        """The model's outputs (probabilities or standardised numbers), float32."""
        check_is_fitted(self)
        X = self._check_X(X, reset=False)
        check_token_values(X, type(self).__name__)
        X = self._check_vocabulary(X, fitting=False).astype("int32")
        outputs = np.empty((len(X), self.n_outputs_), dtype=np.float32)
        with expected_retracing():
            for index in inference_batches(sequence_lengths(X), PREDICT_BATCH_SIZE):
                outputs[index] = predict_on_batch(self.model_, trim_padding(X[index]))
        return outputs

    # ------------------------------------------------------------- persistence

    def __getstate__(self):
        # The Keras model travels as a .keras archive, which every backend
        # can read back; nothing depends on anyone's pickling patches.
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
