"""The scikit-learn side of a Keras estimator: scikeras' parameter routing.

sklstm first subclassed scikeras' ``BaseWrapper``. That cannot pass
scikit-learn >= 1.6's ``check_estimator_tags_renamed``: the check walks the MRO
and fails on any class that defines ``_more_tags`` without
``__sklearn_tags__``, which ``BaseWrapper`` itself does, and no subclass can
change that. So this base class keeps scikeras' user-facing contract and reuses
scikeras' own routing functions, without its class:

- routed parameters: ``optimizer__name``, ``model__name``, ``callbacks__...``
  are accepted by ``__init__``/``set_params``, kept by ``get_params`` and
  ``clone``, and delivered where their prefix says;
- the model builder receives ``meta`` (the fitted attributes known so far, such
  as ``n_classes_`` and ``vocab_size_``) and ``compile_kwargs``;
- ``callbacks`` takes scikeras' forms: a callback, a list or dict of them, or
  classes to be built with routed ``callbacks__...`` parameters.
"""

from collections.abc import Mapping

import keras
from scikeras._utils import route_params, unflatten_params
from sklearn.base import BaseEstimator

ROUTING_PREFIXES = ("model", "fit", "compile", "predict", "optimizer", "callbacks")


def _is_routed(name):
    return any(name.startswith(prefix + "__") for prefix in ROUTING_PREFIXES)


def as_callback_list(callbacks):
    if isinstance(callbacks, Mapping):
        callbacks = list(callbacks.values())
    elif isinstance(callbacks, keras.callbacks.Callback):
        callbacks = [callbacks]
    if not isinstance(callbacks, list) or not all(
        isinstance(cb, keras.callbacks.Callback) for cb in callbacks
    ):
        raise TypeError(
            "callbacks must be a keras.callbacks.Callback, or a list or dict of "
            f"them (classes are built with callbacks__... parameters); got "
            f"{callbacks!r}."
        )
    return callbacks


class KerasWrapper(BaseEstimator):
    """Parameter routing and model building shared by sklstm's Keras estimators.

    Subclasses implement ``_keras_build_fn(meta, compile_kwargs, **model_params)``
    and ``_get_compile_kwargs()``, and store the routed keyword arguments of
    ``__init__`` as they are in ``self._routed_params`` (a private attribute, so
    that scikit-learn's ``check_no_attributes_set_in_init`` holds).
    """

    def get_params(self, deep=True):
        """Parameters of this estimator, routed ones (``optimizer__beta_1``) included.

        Parameters
        ----------
        deep : bool, default=True
            Also return the parameters of contained estimators.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        return {**super().get_params(deep=deep), **self._routed_params}

    def set_params(self, **params):
        """Set parameters, routed ones (``optimizer__beta_1``) included.

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : estimator instance
            Estimator instance.
        """
        routed = {k: v for k, v in params.items() if _is_routed(k)}
        self._routed_params.update(routed)
        return super().set_params(
            **{k: v for k, v in params.items() if k not in routed}
        )

    @property
    def initialized_(self):
        """Whether a Keras model has been built (by ``fit`` or ``partial_fit``)."""
        return hasattr(self, "model_")

    def _get_metadata(self):
        """Fitted attributes so far, handed to the model builder as ``meta``."""
        return {
            name: value
            for name, value in vars(self).items()
            if name.endswith("_") and not name.startswith("_") and name[-2] != "_"
        }

    def _build_keras_model(self):
        model_params = route_params(
            self.get_params(), destination="model", pass_filter=set(), strict=True
        )
        return self._keras_build_fn(
            meta=self._get_metadata(),
            compile_kwargs=self._get_compile_kwargs(),
            **model_params,
        )

    def _routed_callbacks(self):
        params = self.get_params()
        if params.get("callbacks") is None:
            return []
        callback_params = route_params(
            params, destination="callbacks", pass_filter=set()
        )
        return as_callback_list(
            unflatten_params(items=params["callbacks"], params=callback_params)
        )
