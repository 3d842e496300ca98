"""sklstm: a scikit-learn compatible LSTM text classifier built on Keras 3.

The package is organised one module per concept:

- :mod:`sklstm.tokenizer` turns raw text into padded integer sequences;
- :mod:`sklstm.classifier` is the scikit-learn classifier around a Keras LSTM;
- :mod:`sklstm.model` builds the Keras model the classifier trains;
- :mod:`sklstm.plotting` draws training curves and evaluation figures;
- :mod:`sklstm.vectors` holds pretrained word vectors for both;
- :mod:`sklstm.datasets` loads the public benchmark datasets from a data home;
- :mod:`sklstm.utils.estimator_checks` lets users test estimators like ours.
"""

__version__ = "0.1.0"

from sklstm.classifier import LSTMTextClassifier
from sklstm.plotting import (
    plot_classification_report,
    plot_confusion_matrix,
    plot_history,
    plot_search_results,
)
from sklstm.tokenizer import KerasTokenizerTransformer
from sklstm.vectors import WordVectors

__all__ = [
    "KerasTokenizerTransformer",
    "LSTMTextClassifier",
    "WordVectors",
    "__version__",
    "plot_classification_report",
    "plot_confusion_matrix",
    "plot_history",
    "plot_search_results",
]
