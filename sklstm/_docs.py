"""The docstring entries every sklstm estimator shares, written once.

Each estimator's class docstring says ``%(shared_parameters)s``,
``%(shared_late_parameters)s`` and ``%(shared_attributes)s`` where these go,
and :func:`fill_shared_docs` puts them in, so that the classifier and the
regressor document their common parameters in the same words without a
pasted copy.
"""

# The numpydoc entries of the parameters every sklstm estimator has, in the
# order of its signature; each class docstring includes them where it says
# %(shared_parameters)s, so they are written once.
SHARED_PARAMETERS_DOC = """\
    embedding_dim : int, default=128
        Size of the token vectors learned from the training texts. Beside
        frozen ``embeddings``, the network learns vectors of this size for the
        ids seen in ``fit`` and reads both (see
        :class:`~sklstm.layers.FrozenAndLearnedEmbedding`); 0 learns none there.
        Ignored with trainable ``embeddings``.
    cell : {"lstm", "gru"}, default="lstm"
        The recurrent layer: an LSTM, or a GRU (fewer weights, often as good).
    lstm_units : int or tuple of int, default=64
        Units of the recurrent layer; a tuple stacks one layer per entry.
    bidirectional : bool, default=True
        Read the text in both directions.
    dropout : float, default=0.5
        Dropout on the recurrent layers' inputs and before the output layer;
        it keeps the network from overfitting long texts in its first epochs.
    recurrent_dropout : float, default=0.0
        Dropout on the recurrent state. Any value above 0 disables the fused
        cuDNN kernel on a GPU, which makes training there several times slower.
    pooling : {"last", "max", "mean"}, default="max"
        How the recurrent outputs become one vector per text: the final state,
        or the max or mean over the real (unmasked) tokens.
    lstm_maxlen : int or None, default=200
        Most token positions of each text the embedding and recurrent layers
        read: all of a text that has no more, else its first
        ``lstm_maxlen // 2`` tokens and its last ``lstm_maxlen - lstm_maxlen
        // 2`` (see :class:`~sklstm.layers.HeadTailTokens`). The n-gram branch
        reads every position. The recurrent layers' time grows with the width
        they read; None reads every position.
    model : callable or None, default=None
        Your own network instead of the default one:
        ``model(meta, **model_params)`` returns a ``keras.Model`` from integer
        token ids of shape (batch, time) to one score per output, shape
        (batch, ``meta["n_outputs_"]``), before any activation. ``meta`` holds
        the fitted attributes known so far (``vocab_size_``, ``n_outputs_``,
        ``classes_`` for a classifier...) and ``seed``, an int for its
        initializers; ``model__name=value`` parameters are passed as keyword
        arguments. sklstm adds the n-gram branch (unless ``ngram_order`` is
        None), the task's output activation and loss, and compiles it. The
        default network's parameters (``embedding_dim``, ``cell``,
        ``lstm_units``, ``bidirectional``, ``dropout``, ``recurrent_dropout``,
        ``pooling``, ``lstm_maxlen``, ``embeddings``) then do nothing. See
        :ref:`custom_networks`.
    vocab_size : "auto" or int, default="auto"
        Rows of the embedding matrix. "auto" takes the largest id seen in
        ``fit`` plus one. Ids at or above it met at predict time (a rare word
        that only a test fold has) are read as the out-of-vocabulary id 1.
    embeddings : WordVectors or array-like of shape (vocab_size, dim), default=None
        Pretrained token vectors: a matrix with row ``i`` for token id ``i``,
        or a :class:`~sklstm.WordVectors` given as the tokenizer's
        ``vocabulary`` too, whose words then start from their vectors and the
        training texts' other words from random ones. See :ref:`word_vectors`.
    trainable_embeddings : bool or "auto", default="auto"
        Whether training updates the embedding matrix. "auto" freezes a
        :class:`~sklstm.WordVectors` and trains anything else.
    ngram_order : int or None, default=2
        Add a linear branch over the text's word 1- to ``ngram_order``-grams (a
        linear model on a hashed TF-IDF bag of n-grams, with idf weights from
        the training texts), whose scores add to the network's. None leaves it
        out.
    ngram_buckets : int, default=2**20
        Hash buckets of the linear branch's n-grams of 2 tokens and more; the
        branch holds ``(vocab_size_ + ngram_buckets) * n_outputs_`` weights.
    ngram_first : bool, default=True
        In ``fit`` of a new network, train the n-gram branch alone first (early
        stopped like the network) and freeze it, so that the network learns
        what the linear model gets wrong; then weigh the two branches on the
        validation split. ``partial_fit`` and ``warm_start`` refits train the
        network as it is.
    optimizer : str, keras.optimizers.Optimizer class or instance, default="adam"
        Keras optimizer; set its other arguments with ``optimizer__name=value``.
        The n-gram stage uses :class:`~sklstm.optimizers.LazyAdam` in place of
        Adam, with the same arguments.
    learning_rate : float, default=1e-3
        Learning rate of an optimizer given by name or class (an instance
        keeps its own), in every stage.
    batch_size : int, default=32
        Texts per gradient step.
    epochs : int, default=20
        Most passes over the training data, per training stage.
    early_stopping : bool, default=True
        Hold out ``validation_fraction`` of the training data (shuffled, and
        stratified where the task allows) and stop each stage when the
        validation loss has not improved for ``n_iter_no_change`` epochs,
        restoring the weights of the best epoch.
    validation_fraction : float, default=0.1
        Share of the training data held out when ``early_stopping`` is True.
    n_iter_no_change : int, default=2
        Epochs without improvement of the validation loss before stopping.
"""

SHARED_LATE_PARAMETERS_DOC = """\
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout, the validation split and the
        batch order. An int gives identical models on repeated fits.
    verbose : int, default=0
        0 is silent; 1 names each training stage and shows Keras' progress bar
        and per-epoch metrics.
    callbacks : callback, list or dict of callbacks or classes, default=None
        Extra Keras callbacks, run in every training stage; classes are built
        with ``callbacks__name=value`` parameters.
    warm_start : bool, default=False
        When True, the next ``fit`` call continues training the fitted
        network, with the optimizer it was compiled with; otherwise it builds
        a new one. The parameters the network is built from (``vocab_size``,
        ``ngram_order``, ``ngram_buckets``, whether ``model`` and
        ``embeddings`` are given, and for the default network
        ``embedding_dim``, ``cell``, ``lstm_units``, ``bidirectional``,
        ``dropout``, ``recurrent_dropout``, ``pooling``, ``lstm_maxlen`` and
        ``trainable_embeddings``) must keep their values: a warm-started
        ``fit`` after changing one raises a ``ValueError``; fit with
        ``warm_start=False`` to build a new network. After a change to
        ``optimizer``, ``learning_rate`` or a routed ``optimizer__`` or
        ``compile__`` parameter, the network is compiled again with a new
        optimizer, whose moments start afresh. This is scikit-learn's
        ``warm_start`` (see its glossary), as ``MLPClassifier`` has it.
    n_threads : int or None, default=None
        Most CPU threads one fit or predict uses. None takes the process's
        share: the Dask worker's thread count in a Dask worker,
        ``OMP_NUM_THREADS`` in a joblib worker (where joblib sets it), else
        every core.
    **kwargs : dict
        Routed parameters: ``optimizer__...``, ``callbacks__...``,
        ``compile__...`` (e.g. ``compile__run_eagerly=True``) and
        ``model__...``. Any other keyword is a ``TypeError``.
"""


SHARED_ATTRIBUTES_DOC = """\
    n_outputs_ : int
        Outputs of the network: classes, labels or regression targets.
    model_ : keras.Model
        The trained model.
    history_ : dict of str to list of float
        Per-epoch training metrics of the network stage (``loss`` and the
        task's metrics) and, with early stopping, their ``val_`` counterparts.
    best_epoch_ : int or None
        Index in ``history_`` of the epoch whose weights were kept by early
        stopping; None without early stopping.
    ngram_history_ : dict of str to list of float
        Per-epoch ``loss`` (and ``val_loss``) of the n-gram branch trained
        alone (see ``ngram_first``); for a regressor, whose branch is solved
        in closed form, each ridge ``alpha`` tried with its ``loss`` and
        ``val_loss``. Empty when the branch was not trained alone.
    vocab_size_ : int
        Rows of the embedding matrix.
    interrupted_ : bool
        Whether the last ``fit`` or ``partial_fit`` was ended early by a
        ``KeyboardInterrupt``: the completed epochs are kept, with early
        stopping the best weights so far, and a warning says so.
    n_features_in_ : int
        Width of the id matrix seen in ``fit``; ``predict`` needs the same.
"""


def fill_shared_docs(cls):
    """Put the shared parameter and attribute entries into ``cls``'s docstring."""
    for placeholder, text in (
        ("%(shared_parameters)s\n", SHARED_PARAMETERS_DOC),
        ("%(shared_late_parameters)s\n", SHARED_LATE_PARAMETERS_DOC),
        ("%(shared_attributes)s\n", SHARED_ATTRIBUTES_DOC),
    ):
        cls.__doc__ = cls.__doc__.replace("    " + placeholder, text)
    return cls
