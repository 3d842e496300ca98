"""sklstm: scikit-learn compatible LSTM text models built on Keras 3.

One label, several labels or numbers per text. The package is organised one
module per concept:

- :mod:`sklstm.tokenizer` turns raw text into padded integer sequences;
- :mod:`sklstm.classifier` is the scikit-learn classifier (one label or
  several per text), :mod:`sklstm.regressor` the regressor (numbers per
  text); what they share is ``sklstm._base``, what differs per task
  ``sklstm._tasks``, the fit's stages and epoch loop ``sklstm._training``;
- :mod:`sklstm.model` builds the Keras model they train, from the layers in
  :mod:`sklstm.layers`;
- :mod:`sklstm.optimizers` holds the optimizer it trains with by default;
- :mod:`sklstm.plotting` draws training curves and evaluation figures;
- :mod:`sklstm.vectors` holds pretrained word vectors for both;
- :mod:`sklstm.datasets` loads the public benchmark datasets from a data home;
- :mod:`sklstm.export` writes a fitted pipeline to a folder (ONNX graph and
  JSON) that :mod:`sklstm.serving` serves with NumPy and onnxruntime alone;
- :mod:`sklstm.startup` starts Keras without its backend's C++ start-up
  lines, for scripts that ask for it;
- :mod:`sklstm.utils.estimator_checks` lets users test estimators like ours.

The public names below are imported on first use (PEP 562), so that
``import sklstm``, the tokenizer, the datasets and the plotting functions do not
pay for importing Keras and its backend: only the estimators, the layers and
the model do.
"""

import importlib

__version__ = "0.1.0"

# Public name -> module that defines it.
_LAZY_NAMES = {
    "export_pipeline": "sklstm.export",
    "KerasTokenizerTransformer": "sklstm.tokenizer",
    "LazyAdam": "sklstm.optimizers",
    "LSTMTextClassifier": "sklstm.classifier",
    "LSTMTextRegressor": "sklstm.regressor",
    "optimizer_state_kept": "sklstm._persistence",
    "plot_classification_report": "sklstm.plotting",
    "plot_confusion_matrix": "sklstm.plotting",
    "plot_history": "sklstm.plotting",
    "plot_search_results": "sklstm.plotting",
    "start_keras_quietly": "sklstm.startup",
    "WordVectors": "sklstm.vectors",
}

__all__ = ["__version__", *sorted(_LAZY_NAMES)]


def __getattr__(name):
    if name not in _LAZY_NAMES:
        raise AttributeError(f"module 'sklstm' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY_NAMES[name]), name)
    # Cached in the module, so this runs once per name.
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY_NAMES))
