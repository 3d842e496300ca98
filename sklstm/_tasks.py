"""What one label, several labels and numbers per text differ in: one object each.

The estimator core (:mod:`sklstm._base`) never asks which task it trains; it
asks its task object, which holds everything that differs:

========================  ================  =================  ==================
                          single label      multi-label        regression
========================  ================  =================  ==================
targets given             labels, 1-D       0/1 indicator      numbers, 1-D or
                                            matrix             2-D
encoded as                class index       float 0/1          standardised
output activation         softmax           sigmoid            none (linear)
loss                      sparse cat. CE    binary CE          mean squared error
validation split          stratified by     stratified by      shuffled
                          class             rarest label
decision rule             argmax            proba >= 0.5       scores, restored
========================  ================  =================  ==================

A task is fitted once, in the first ``fit`` or ``partial_fit`` of a new
network, and kept (privately) by the estimator, as scikit-learn's
``MLPClassifier`` keeps its label binarizer.
"""

import numpy as np
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.validation import check_array

from sklstm._classifier_input import (
    check_labels,
    check_two_classes,
    reject_missing_objects,
)
from sklstm._ngram_stage import fit_ridge_branch
from sklstm._outputs import (
    MULTILABEL_THRESHOLD,
    labels_at_threshold,
    most_probable,
    normalized_probabilities,
    restored_targets,
)


def _shuffled_split(n_samples, n_val, seed, strata=None):
    """Sorted train/validation indices, stratified by ``strata`` where possible."""
    try:
        if strata is None:
            raise ValueError("no strata")
        splitter = StratifiedShuffleSplit(1, test_size=n_val, random_state=seed)
        train, val = next(splitter.split(np.zeros(n_samples), strata))
    except ValueError:
        # Some stratum is too rare to appear on both sides.
        splitter = ShuffleSplit(1, test_size=n_val, random_state=seed)
        train, val = next(splitter.split(np.zeros(n_samples)))
    return np.sort(train), np.sort(val)


def _n_validation(n_samples, fraction):
    if n_samples < 2:
        raise ValueError(
            "early_stopping holds out validation_fraction of the training data, "
            f"which needs at least 2 samples; got n_samples={n_samples}. Give "
            "more samples or set early_stopping=False."
        )
    return min(max(1, round(fraction * n_samples)), n_samples - 1)


def _softmax_log_loss(scores, targets, weights):
    scores = scores - scores.max(axis=1, keepdims=True)
    log_proba = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    return np.average(-log_proba[np.arange(len(targets)), targets], weights=weights)


def _sigmoid_log_loss(scores, targets, weights):
    # log(1 + exp(-|s|)) + max(s, 0) - s * y, stable for any score.
    losses = np.logaddexp(0.0, scores) - scores * targets
    return np.average(losses.mean(axis=1), weights=weights)


def _squared_error(scores, targets, weights):
    return np.average(((scores - targets) ** 2).mean(axis=1), weights=weights)


class SingleLabelTask:
    """One class per text, out of two or more: softmax and cross-entropy.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted.
    """

    activation = "softmax"
    loss = "sparse_categorical_crossentropy"
    # None: the n-gram branch trains in the epoch loop, as the network does.
    ngram_solver = None
    metrics = ("accuracy",)

    def fit(self, y, classes=None):
        self._encoder = LabelEncoder().fit(y if classes is None else classes)
        self.classes_ = self._encoder.classes_
        check_two_classes(self.classes_, "y has")
        return self

    @property
    def n_outputs(self):
        return len(self.classes_)

    def check_targets(self, y):
        return check_labels(y)

    def check_weighted_targets(self, y, weights):
        check_two_classes(np.unique(y), "y has")
        check_two_classes(np.unique(y[weights > 0]), "Non-zero sample weights cover")

    def check_classes(self, classes):
        """``classes`` of a later ``partial_fit`` call must be the first's."""
        if not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(
                f"classes={np.asarray(classes).tolist()} differs from the "
                f"classes of the first partial_fit call, {self.classes_.tolist()}."
            )

    def encode(self, y):
        unseen = np.setdiff1d(np.unique(y), self.classes_)
        if unseen.size:
            raise ValueError(
                f"y contains labels {unseen.tolist()} that are not among the "
                f"classes {self.classes_.tolist()} this classifier was fitted with."
            )
        return self._encoder.transform(y).astype("int32")

    def validation_split(self, targets, fraction, seed):
        """Stratified by class, unstratified when a class is too rare for that."""
        return _shuffled_split(
            len(targets), _n_validation(len(targets), fraction), seed, targets
        )

    def score_loss(self, scores, targets, weights):
        """The loss of scores before the activation, in numpy (for the mixture)."""
        return _softmax_log_loss(scores, targets, weights)

    def probabilities(self, outputs):
        return normalized_probabilities(outputs)

    def decide(self, outputs):
        return most_probable(outputs, self.classes_)

    def serving_record(self):
        """What :mod:`sklstm.serving` needs to decide as :meth:`decide` does (JSON)."""
        dtype = "object" if self.classes_.dtype.kind == "O" else self.classes_.dtype.str
        return {
            "task": "single_label",
            "classes": self.classes_.tolist(),
            "classes_dtype": dtype,
        }


class MultiLabelTask:
    """Any number of labels per text: one sigmoid output per label.

    Targets are a label indicator matrix, as ``MultiLabelBinarizer`` gives:
    ``Y[i, j]`` is 1 when text ``i`` has label ``j``. Each label is a binary
    cross-entropy, so the n-gram branch is one logistic regression per label.

    Attributes
    ----------
    classes_ : ndarray of shape (n_labels,)
        ``0, 1, ..., n_labels - 1``, the indicator matrix's columns, as
        ``MLPClassifier`` has them.
    """

    activation = "sigmoid"
    loss = "binary_crossentropy"
    ngram_solver = None
    # Keras would read "accuracy" as categorical accuracy for this output.
    metrics = ("binary_accuracy",)
    threshold = MULTILABEL_THRESHOLD

    def fit(self, y, classes=None):
        self.classes_ = np.arange(y.shape[1])
        # A dtype string, which skops stores as plain data (a numpy.dtype it
        # does not trust by default).
        self._dtype = y.dtype.str
        if classes is not None:
            self.check_classes(classes)
        return self

    def check_classes(self, classes):
        if len(classes) != self.n_outputs:
            raise ValueError(
                f"classes has {len(classes)} entries but y has {self.n_outputs} "
                "label columns; for multi-label targets classes lists the columns."
            )

    @property
    def n_outputs(self):
        return len(self.classes_)

    def check_targets(self, y):
        y = reject_missing_objects(y)
        y = check_array(y, ensure_2d=True, dtype=None, ensure_all_finite=True)
        if not np.isin(y, (0, 1)).all():
            raise ValueError(
                "Multi-label y must be a label indicator matrix of 0 and 1 (as "
                "MultiLabelBinarizer().fit_transform(label_lists) gives)."
            )
        return y

    def check_weighted_targets(self, y, weights):
        pass

    def encode(self, y):
        if y.shape[1] != self.n_outputs:
            raise ValueError(
                f"y has {y.shape[1]} label columns but this classifier was fitted "
                f"with {self.n_outputs}."
            )
        return y.astype("float32")

    def validation_split(self, targets, fraction, seed):
        """Stratified by each text's rarest label, so rare labels stay on both sides.

        A text with several labels counts under its rarest one, and texts with
        no label form a stratum of their own; labels with fewer than two texts
        join the texts with no label. Where even that cannot be stratified, the
        split is shuffled.
        """
        counts = targets.sum(axis=0)
        rarity = np.where(targets > 0, counts, np.inf)
        strata = np.where(np.isfinite(rarity.min(axis=1)), rarity.argmin(axis=1), -1)
        members = dict(zip(*np.unique(strata, return_counts=True), strict=True))
        strata = np.array([s if members[s] >= 2 else -1 for s in strata])
        return _shuffled_split(
            len(targets), _n_validation(len(targets), fraction), seed, strata
        )

    def score_loss(self, scores, targets, weights):
        return _sigmoid_log_loss(scores, targets, weights)

    def probabilities(self, outputs):
        return outputs.astype(np.float64)

    def decide(self, outputs):
        return labels_at_threshold(outputs, self._dtype)

    def serving_record(self):
        return {
            "task": "multi_label",
            "classes": self.classes_.tolist(),
            "labels_dtype": self._dtype,
        }


class RegressionTask:
    """One or several numbers per text: linear outputs, squared error.

    Each target is standardised inside ``fit`` (mean 0, standard deviation 1,
    as ``TransformedTargetRegressor`` with a ``StandardScaler`` would) and
    restored in ``predict``, so that the network's initial scale and the
    learning rate suit targets of any unit.

    Attributes
    ----------
    mean_ : ndarray of shape (n_targets,)
        Each target's mean in the first fit.
    scale_ : ndarray of shape (n_targets,)
        Each target's standard deviation there (1 where it is constant).
    """

    activation = "linear"
    loss = "mean_squared_error"
    metrics = ()
    # The n-gram branch is a ridge regression, solved in closed form.
    ngram_solver = staticmethod(fit_ridge_branch)

    def check_classes(self, classes):
        pass

    def fit(self, y, classes=None):
        self._one_dimensional = y.ndim == 1
        y = y.reshape(len(y), -1)
        self.mean_ = y.mean(axis=0)
        scale = y.std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        return self

    @property
    def n_outputs(self):
        return len(self.mean_)

    def check_targets(self, y):
        y = check_array(
            reject_missing_objects(y),
            ensure_2d=False,
            dtype="numeric",
            ensure_all_finite=True,
            input_name="y",
        )
        if y.ndim not in (1, 2) or (y.ndim == 2 and y.shape[1] == 0):
            raise ValueError(
                "y must be a 1-D array of targets or a 2-D array with one column "
                f"per target; got shape {y.shape}."
            )
        return y.astype(np.float64)

    def check_weighted_targets(self, y, weights):
        pass

    def encode(self, y):
        y = y.reshape(len(y), -1)
        if y.shape[1] != self.n_outputs:
            raise ValueError(
                f"y has {y.shape[1]} target columns but this regressor was fitted "
                f"with {self.n_outputs}."
            )
        return ((y - self.mean_) / self.scale_).astype("float32")

    def validation_split(self, targets, fraction, seed):
        return _shuffled_split(
            len(targets), _n_validation(len(targets), fraction), seed
        )

    def score_loss(self, scores, targets, weights):
        return _squared_error(scores, targets, weights)

    def probabilities(self, outputs):
        raise AttributeError("A regressor has no class probabilities.")

    def decide(self, outputs):
        return restored_targets(outputs, self.mean_, self.scale_, self._one_dimensional)

    def serving_record(self):
        return {
            "task": "regression",
            "target_mean": self.mean_.tolist(),
            "target_scale": self.scale_.tolist(),
            "one_dimensional": self._one_dimensional,
        }


def classification_task(y):
    """The task of classification targets ``y``: single-label or multi-label.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm._tasks import classification_task
    >>> type(classification_task(np.array(["a", "b"]))).__name__
    'SingleLabelTask'
    >>> type(classification_task(np.array([[0, 1], [1, 1]]))).__name__
    'MultiLabelTask'
    """
    try:
        array = np.asarray(y)
    except ValueError:
        array = None  # numpy refuses rows of unequal length: label lists
    if array is None or _holds_label_lists(array):
        raise ValueError(
            "y holds a list of labels per text, a format scikit-learn does not "
            "take. For several labels per text, pass a label indicator matrix: "
            "MultiLabelBinarizer().fit_transform(label_lists)."
        )
    if array.ndim == 2 and array.shape[1] > 1:
        return MultiLabelTask()
    return SingleLabelTask()


def _holds_label_lists(array):
    """Whether a 1-D object ``array`` holds sequences of labels."""
    return (
        array.ndim == 1
        and array.dtype == object
        and any(isinstance(item, (list, tuple, set, frozenset)) for item in array)
    )
