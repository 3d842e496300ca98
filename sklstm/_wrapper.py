"""The scikit-learn side of a Keras estimator: routed parameters and their checks.

:class:`KerasWrapper` keeps scikeras' user-facing contract without its class
(which cannot pass scikit-learn >= 1.6's tag checks) and without importing
scikeras at all (see :mod:`sklstm._routing`):

- routed parameters (``optimizer__name``, ``callbacks__...``, ``compile__...``,
  ``model__...``) are accepted by ``__init__``/``set_params``, kept by
  ``get_params`` and ``clone``, and delivered where their prefix says;
- a keyword that is neither a parameter nor routed is a ``TypeError`` in
  ``__init__`` and ``set_params``, naming the closest valid name;
- a routed name that nothing would read, or a routed value of the wrong kind,
  is rejected before training, with the names its prefix accepts;
- ``callbacks`` takes scikeras' forms: a callback, a list or dict of them, or
  classes to be built with routed ``callbacks__...`` parameters.
"""

import inspect

import keras
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import InvalidParameterError

from sklstm._routing import (
    INTROSPECTED_NAME,
    ROUTING_PREFIXES,
    UnknownParameterError,
    as_callback_list,
    build_routed,
    callback_classes,
    callback_parameter_names,
    check_parameter_names,
    check_routed_value,
    did_you_mean,
    function_parameter_names,
    init_parameter_names,
    is_routed,
    parameter_defaults,
    resolve_optimizer,
    routed_name,
    routed_params,
)

# Why a prefix accepts no parameter at all, and where the setting belongs.
_NOTHING_ROUTED = {
    "model": "model__ parameters go to the model builder given as model=, and "
    "none is given; the default network's settings are the estimator's own "
    "parameters (e.g. embedding_dim, lstm_units).",
    "compile": "nothing is compiled.",
    "optimizer": "an optimizer instance was given; pass its arguments when "
    "creating it, or give the optimizer's name or class instead.",
    "callbacks": "they build the callback classes given in callbacks, and "
    "callbacks holds no class; pass instances or classes in callbacks.",
}


class KerasWrapper(BaseEstimator):
    """Parameter routing shared by sklstm's Keras estimators.

    Subclasses store the routed keyword arguments of ``__init__`` in
    ``self._routed_params`` (a private attribute, so that scikit-learn's
    ``check_no_attributes_set_in_init`` holds) and have the parameters
    ``optimizer``, ``learning_rate``, ``callbacks`` and ``model``.
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
        check_parameter_names(
            type(self).__name__,
            params,
            self._get_param_names(),
            exempt=(INTROSPECTED_NAME,),
        )
        routed = {
            k: v for k, v in params.items() if is_routed(k) or k == INTROSPECTED_NAME
        }
        self._routed_params.update(routed)
        return super().set_params(
            **{k: v for k, v in params.items() if k not in routed}
        )

    def _routed_parameter_names(self):
        """The names each routing prefix accepts.

        ``model__`` names are the keyword parameters of the ``model`` builder
        beyond ``meta``; ``optimizer__`` names those of the optimizer class;
        ``compile__`` those of ``keras.Model.compile`` that sklstm leaves open.
        """
        optimizer = resolve_optimizer(self.optimizer)
        return {
            "model": set()
            if self.model is None
            else function_parameter_names(self.model, exclude=("meta",)),
            "compile": function_parameter_names(
                keras.Model.compile, exclude=("self", "optimizer", "loss")
            ),
            "optimizer": init_parameter_names(optimizer)
            if inspect.isclass(optimizer)
            else set(),
            "callbacks": callback_parameter_names(self.callbacks),
        }

    def _check_routed_params(self):
        """Reject, before building anything, routed parameters nothing would read.

        Names first (a misspelt one gets the closest accepted name), then the
        values: each must be of the kind its destination's default is, and the
        optimizer and callback classes must accept them.
        """
        check_parameter_names(
            type(self).__name__, self._routed_params, self._get_param_names()
        )
        accepted = self._routed_parameter_names()
        for prefix in ROUTING_PREFIXES:
            start = prefix + "__"
            unknown = sorted(
                name
                for name in self._routed_params
                if name.startswith(start)
                and routed_name(name[len(start) :], prefix, self.callbacks)
                not in accepted[prefix]
            )
            if unknown:
                takes = sorted(accepted[prefix])
                raise UnknownParameterError(
                    f"Unknown {start} parameter(s) {unknown}."
                    + did_you_mean(unknown[0], [start + name for name in takes])
                    + f" {start} "
                    + (f"accepts {takes}." if takes else "accepts none here: ")
                    + ("" if takes else _NOTHING_ROUTED[prefix])
                )
        self._check_routed_values()

    def _check_routed_values(self):
        optimizer = resolve_optimizer(self.optimizer)
        if inspect.isclass(optimizer):
            self._check_value_kinds("optimizer", parameter_defaults(optimizer))
        self._check_value_kinds("compile", parameter_defaults(keras.Model.compile))
        for key, callback in callback_classes(self.callbacks).items():
            self._check_value_kinds("callbacks", parameter_defaults(callback), key)
        if self._routed("optimizer"):
            self._try_building("optimizer", self._build_optimizer)
        self._try_building(
            "callbacks",
            lambda: build_routed(self.callbacks, self._routed("callbacks")),
        )

    def _check_value_kinds(self, prefix, defaults, key=None):
        """Check the routed values that reach parameters with ``defaults``.

        ``key`` is a callback's index or key in ``callbacks``: it takes
        ``callbacks__<key>__<name>`` besides the plain ``callbacks__<name>``.
        """
        for name, value in self._routed(prefix).items():
            parts = name.split("__")
            if len(parts) == 2 and key is not None and parts[0] == key:
                parts = parts[1:]
            if len(parts) == 1 and parts[0] in defaults:
                check_routed_value(f"{prefix}__{name}", value, defaults[parts[0]])

    def _try_building(self, prefix, build):
        """Run ``build``; what Keras raises there, as an error naming the routing."""
        try:
            return build()
        except (TypeError, ValueError) as exc:
            given = {
                name: value
                for name, value in self._routed_params.items()
                if name.startswith(prefix + "__")
            }
            where = f"{prefix}__<name>=value"
            if prefix == "callbacks":
                where += " (or callbacks__<index or key>__<name>=value)"
            raise InvalidParameterError(
                f"{prefix}={getattr(self, prefix)!r} could not be built with the "
                f"routed parameters {given}: {str(exc).rstrip('.')}. Give each "
                f"argument it needs as {where}."
            ) from exc

    def _routed(self, prefix):
        return routed_params(self._routed_params, prefix)

    def _build_optimizer(self, optimizer=None):
        """A new optimizer: ``optimizer`` (default: the parameter) with its routing.

        An instance is copied through its config, so that two models never
        share one optimizer's state.
        """
        optimizer = resolve_optimizer(
            self.optimizer if optimizer is None else optimizer
        )
        if not inspect.isclass(optimizer):
            return type(optimizer).from_config(optimizer.get_config())
        params = {"learning_rate": self.learning_rate, **self._routed("optimizer")}
        return build_routed(optimizer, params)

    def _compile_kwargs(self):
        """The routed ``compile__`` arguments (``run_eagerly``, ``jit_compile``...)."""
        return self._routed("compile")

    def _routed_callbacks(self):
        if self.callbacks is None:
            return []
        return as_callback_list(build_routed(self.callbacks, self._routed("callbacks")))
