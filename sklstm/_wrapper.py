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

import inspect
from collections.abc import Mapping

import keras
from scikeras._utils import (
    get_optimizer_class,
    route_params,
    try_to_convert_strings_to_classes,
    unflatten_params,
)
from sklearn.base import BaseEstimator

ROUTING_PREFIXES = ("model", "fit", "compile", "predict", "optimizer", "callbacks")


# The kinds of parameter a routed name can set.
_NAMED = (
    inspect.Parameter.POSITIONAL_OR_KEYWORD,
    inspect.Parameter.KEYWORD_ONLY,
)


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


def resolve_optimizer(optimizer):
    """An optimizer name as its Keras class; classes and instances as they are.

    ``"lazy_adam"`` names sklstm's own :class:`~sklstm.optimizers.LazyAdam`.
    """
    if isinstance(optimizer, str) and optimizer.lower() in ("lazy_adam", "lazyadam"):
        from sklstm.optimizers import LazyAdam

        return LazyAdam
    try:
        return try_to_convert_strings_to_classes(optimizer, get_optimizer_class)
    except ValueError as exc:
        raise ValueError(
            f"optimizer={optimizer!r} is not a Keras optimizer; give a name such "
            "as 'lazy_adam', 'adam', 'sgd' or 'rmsprop', or a "
            "keras.optimizers.Optimizer class or instance."
        ) from exc


def init_parameter_names(cls):
    """Keyword parameters of ``cls.__init__``, following ``**kwargs`` up the MRO."""
    names = set()
    for klass in inspect.getmro(cls):
        if "__init__" not in vars(klass) or klass is object:
            continue
        parameters = inspect.signature(klass.__init__).parameters.values()
        names |= {p.name for p in parameters if p.kind in _NAMED and p.name != "self"}
        if not any(p.kind is p.VAR_KEYWORD for p in parameters):
            break
    return names


def callback_parameter_names(callbacks):
    """The ``callbacks__`` names that scikeras' routing delivers to ``callbacks``.

    A callback class takes its own parameters (``callbacks__patience``); in a
    list or dict, ``callbacks__<index or key>__<name>`` goes to one class and a
    plain ``callbacks__<name>`` to every class, so it must suit them all.
    Callback instances take none: they were built already.
    """
    if inspect.isclass(callbacks):
        return init_parameter_names(callbacks)
    if isinstance(callbacks, Mapping):
        items = callbacks.items()
    elif isinstance(callbacks, (list, tuple)):
        items = enumerate(callbacks)
    else:
        return set()
    classes = {str(key): cb for key, cb in items if inspect.isclass(cb)}
    per_class = {key: init_parameter_names(cb) for key, cb in classes.items()}
    shared = set.intersection(*per_class.values()) if per_class else set()
    return shared | {f"{key}__{n}" for key, names in per_class.items() for n in names}


def _routed_name(rest, prefix, callbacks):
    """The part of a routed name that its destination must recognise."""
    depth = 1
    if prefix == "callbacks" and not inspect.isclass(callbacks):
        depth = 2 if rest.split("__")[0] in map(str, _callback_keys(callbacks)) else 1
    return "__".join(rest.split("__")[:depth])


def _callback_keys(callbacks):
    if isinstance(callbacks, Mapping):
        return list(callbacks)
    if isinstance(callbacks, (list, tuple)):
        return list(range(len(callbacks)))
    return []


# Why a prefix accepts no parameter at all, and where the setting belongs.
_NOTHING_ROUTED = {
    "model": "the network's settings are the estimator's own parameters "
    "(e.g. embedding_dim, lstm_units).",
    "compile": "nothing is compiled.",
    "optimizer": "an optimizer instance was given; pass its arguments when "
    "creating it, or give the optimizer's name or class instead.",
    "callbacks": "they build the callback classes given in callbacks, and "
    "callbacks holds no class; pass instances or classes in callbacks.",
    "fit": "training takes no routed parameters.",
    "predict": "prediction takes no routed parameters.",
}


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

    def _routed_parameter_names(self):
        """The names each routing prefix accepts; subclasses add their ``fit__``.

        ``model__`` names are the keyword parameters ``_keras_build_fn`` declares
        beyond ``meta`` and ``compile_kwargs``; ``optimizer__`` names those of the
        optimizer class; ``predict__`` takes none.
        """
        params = self.get_params()
        build = inspect.signature(self._keras_build_fn).parameters.values()
        optimizer = resolve_optimizer(params.get("optimizer"))
        return {
            "model": {p.name for p in build if p.kind in _NAMED}
            - {"meta", "compile_kwargs"},
            "compile": set(inspect.signature(keras.Model.compile).parameters)
            - {"self", "optimizer"},
            "optimizer": init_parameter_names(optimizer)
            if inspect.isclass(optimizer)
            else set(),
            "callbacks": callback_parameter_names(params.get("callbacks")),
            "fit": set(),
            "predict": set(),
        }

    def _check_routed_params(self):
        """Reject, before building anything, routed parameters nothing would read."""
        accepted = self._routed_parameter_names()
        callbacks = self.get_params().get("callbacks")
        for prefix in ROUTING_PREFIXES:
            start = prefix + "__"
            unknown = sorted(
                name
                for name in self._routed_params
                if name.startswith(start)
                and _routed_name(name[len(start) :], prefix, callbacks)
                not in accepted[prefix]
            )
            if unknown:
                takes = sorted(accepted[prefix])
                raise ValueError(
                    f"Unknown {start} parameter(s) {unknown}: {start} "
                    + (f"accepts {takes}." if takes else "accepts none here: ")
                    + ("" if takes else _NOTHING_ROUTED[prefix])
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
