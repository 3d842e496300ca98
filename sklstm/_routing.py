"""Routed parameters: scikeras' user-facing syntax, in sklstm's own small code.

A parameter named ``<prefix>__<name>`` goes to what its prefix names:

- ``optimizer__beta_1=0.95``: an argument of the optimizer class;
- ``callbacks__patience=3``: an argument of every callback class in
  ``callbacks``; ``callbacks__<index or key>__patience`` of one of them;
- ``compile__run_eagerly=True``: an argument of ``keras.Model.compile``;
- ``model__units=32``: an argument of the user's model builder (``model=``).

This is the contract scikeras users know (its ``route_params`` and
``unflatten_params``), without importing scikeras, whose ``__init__`` replaces
``keras.Model.__reduce__`` and other Keras hooks for the whole process.
``tests/test_routing.py`` checks that both resolve the same parameters to the
same objects.
"""

import difflib
import inspect
from collections.abc import Mapping
from numbers import Real

import keras
import numpy as np
from sklearn.utils._param_validation import InvalidParameterError

from sklstm._classifier_input import plain

ROUTING_PREFIXES = ("model", "compile", "optimizer", "callbacks")

# The kinds of parameter a routed name can set.
_NAMED = (
    inspect.Parameter.POSITIONAL_OR_KEYWORD,
    inspect.Parameter.KEYWORD_ONLY,
)


def is_routed(name):
    """Whether ``name`` is ``<prefix>__...`` for one of :data:`ROUTING_PREFIXES`."""
    return any(name.startswith(prefix + "__") for prefix in ROUTING_PREFIXES)


class UnknownParameterError(InvalidParameterError):
    """A keyword argument that no parameter and no routing prefix reads.

    Python raises a ``TypeError`` for an unexpected keyword and scikit-learn's
    ``set_params`` a ``ValueError``; like scikit-learn's own
    ``InvalidParameterError``, this is both, so either ``except`` catches it.
    """


# scikit-learn's check_do_not_raise_errors_in_init_or_set_params passes every
# name in the class's signature, **kwargs' own name included, to __init__ and
# set_params and requires that neither raises: that one name is left to fit.
INTROSPECTED_NAME = "kwargs"


def did_you_mean(name, candidates):
    """`` Did you mean 'x'?`` for the candidate closest to ``name``, or ``""``.

    Examples
    --------
    >>> from sklstm._routing import did_you_mean
    >>> did_you_mean("epoch", ["epochs", "batch_size"])
    " Did you mean 'epochs'?"
    """
    close = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


def check_parameter_names(estimator_name, names, declared, *, exempt=()):
    """Reject keyword arguments that are neither declared nor routed.

    ``__init__`` and ``set_params`` call this, as Python itself rejects an
    unknown keyword: ``LSTMTextClassifier(epoch=3)`` must not train 20 epochs.
    Whether a routed name's destination reads it depends on other parameters
    (the optimizer, the callbacks), so ``fit`` checks that, before any work.

    Parameters
    ----------
    estimator_name : str
        The estimator's class name, for the message.
    names : iterable of str
        The keyword arguments given.
    declared : iterable of str
        The estimator's own parameter names.
    exempt : iterable of str, default=()
        Names to let through (see :data:`INTROSPECTED_NAME`).

    Raises
    ------
    UnknownParameterError
        Naming the first unknown keyword and the closest valid name.
    """
    declared = set(declared)
    for name in sorted(names):
        if name in declared or name in exempt or is_routed(name):
            continue
        suggestion = did_you_mean(name, declared)
        raise UnknownParameterError(
            f"{estimator_name} got an unexpected keyword argument {name!r}."
            + (suggestion or f" Its parameters are {sorted(declared)}.")
            + " Routed parameters start with "
            + ", ".join(f"'{prefix}__'" for prefix in ROUTING_PREFIXES)
            + "."
        )


def _is_number(value):
    return isinstance(value, Real) and not isinstance(value, (bool, np.bool_))


def check_routed_value(name, value, default):
    """A routed value must be of its destination's kind: a number, or a bool.

    The kind is read from the destination's default, as Keras' classes declare
    no types: a numeric default takes a finite real number (or, as Keras
    allows, a callable or a tensor), a boolean default a bool. ``learning_rate``
    must also be positive, as the estimator's own parameter must. Other
    defaults (None, strings) say nothing, and their values are left to the
    destination.

    Parameters
    ----------
    name : str
        The routed name as the user gave it (``optimizer__beta_1``).
    value : object
        Its value.
    default : object
        The destination parameter's default.

    Raises
    ------
    InvalidParameterError
        Naming the parameter, the value and the kind expected.
    """
    if isinstance(default, (bool, np.bool_)):
        if not isinstance(value, (bool, np.bool_)):
            raise InvalidParameterError(
                f"{name} must be a bool (its default is {default}); got "
                f"{plain(value)!r}."
            )
        return
    tensor = hasattr(value, "dtype") and not isinstance(value, np.generic)
    if not _is_number(default) or callable(value) or tensor:
        return
    if not _is_number(value) or not np.isfinite(value):
        raise InvalidParameterError(
            f"{name} must be a finite real number (its default is {default!r}); "
            f"got {plain(value)!r}."
        )
    if name.endswith("learning_rate") and value <= 0:
        raise InvalidParameterError(f"{name} must be positive; got {plain(value)!r}.")


def parameter_defaults(function):
    """The defaults of ``function``'s keyword parameters, following ``**kwargs``.

    For a class, its ``__init__`` and those of the bases it passes
    ``**kwargs`` on to, as :func:`init_parameter_names` reads them.
    """
    functions = [function]
    if inspect.isclass(function):
        functions = []
        for klass in inspect.getmro(function):
            if "__init__" not in vars(klass) or klass is object:
                continue
            functions.append(klass.__init__)
            parameters = inspect.signature(klass.__init__).parameters.values()
            if not any(p.kind is p.VAR_KEYWORD for p in parameters):
                break
    defaults = {}
    for func in reversed(functions):
        for p in inspect.signature(func).parameters.values():
            if p.kind in _NAMED and p.default is not p.empty:
                defaults[p.name] = p.default
    return defaults


def routed_params(params, prefix):
    """The parameters routed to ``prefix``, with the prefix removed.

    Examples
    --------
    >>> from sklstm._routing import routed_params
    >>> routed_params({"optimizer__beta_1": 0.9, "epochs": 3}, "optimizer")
    {'beta_1': 0.9}
    """
    start = prefix + "__"
    return {
        name[len(start) :]: value
        for name, value in params.items()
        if name.startswith(start)
    }


def _own_params(params):
    return {name: value for name, value in params.items() if "__" not in name}


def build_routed(items, params):
    """Build the classes in ``items`` with their routed ``params``.

    A class is called with the parameters that name no further destination
    (and those given to every item of its list or dict); a list or dict builds
    each item with the parameters routed to its index or key, plus the shared
    ones; anything else is returned as it is, and must then receive no
    parameter.

    Parameters
    ----------
    items : class, instance, list or dict of them
        What to build.
    params : dict
        Parameters routed to ``items``, prefix removed (``patience``,
        ``0__patience``).

    Returns
    -------
    built : object, list or dict
        The same structure with every class replaced by an instance.

    Examples
    --------
    >>> import keras
    >>> from sklstm._routing import build_routed
    >>> stop, = build_routed([keras.callbacks.EarlyStopping], {"patience": 4})
    >>> stop.patience
    4
    """
    if inspect.isclass(items):
        return items(**_own_params(params))
    if isinstance(items, (list, tuple, Mapping)):
        pairs = items.items() if isinstance(items, Mapping) else enumerate(items)
        built = {
            key: build_routed(
                item, {**_own_params(params), **routed_params(params, str(key))}
            )
            for key, item in pairs
        }
        return built if isinstance(items, Mapping) else type(items)(built.values())
    if _own_params(params):
        raise TypeError(
            f"{items!r} is not a class, so it takes no parameters; it was given "
            f"{sorted(_own_params(params))}. Pass the class instead, or set the "
            "arguments when you create it."
        )
    return items


def resolve_optimizer(optimizer):
    """An optimizer name as its Keras class; classes and instances as they are.

    ``"lazy_adam"`` names sklstm's own :class:`~sklstm.optimizers.LazyAdam`.

    Examples
    --------
    >>> from sklstm._routing import resolve_optimizer
    >>> resolve_optimizer("adam").__name__
    'Adam'
    """
    if not isinstance(optimizer, str):
        return optimizer
    if optimizer.lower() in ("lazy_adam", "lazyadam"):
        from sklstm.optimizers import LazyAdam

        return LazyAdam
    try:
        # keras.optimizers.get builds an instance; its class is what we route to.
        return type(keras.optimizers.get(optimizer))
    except ValueError as exc:
        raise ValueError(
            f"optimizer={optimizer!r} is not a Keras optimizer; give a name such "
            "as 'lazy_adam', 'adam', 'sgd' or 'rmsprop', or a "
            "keras.optimizers.Optimizer class or instance."
        ) from exc


def as_callback_list(callbacks):
    """``callbacks`` (one, a list or a dict of built callbacks) as a list."""
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


def function_parameter_names(function, *, exclude=()):
    """Keyword parameters of ``function``, less ``exclude``."""
    parameters = inspect.signature(function).parameters.values()
    return {p.name for p in parameters if p.kind in _NAMED} - set(exclude)


def callback_classes(callbacks):
    """The classes in ``callbacks``, by index or key (None: ``callbacks`` itself)."""
    if inspect.isclass(callbacks):
        return {None: callbacks}
    if isinstance(callbacks, Mapping):
        items = callbacks.items()
    elif isinstance(callbacks, (list, tuple)):
        items = enumerate(callbacks)
    else:
        return {}
    return {str(key): cb for key, cb in items if inspect.isclass(cb)}


def callback_parameter_names(callbacks):
    """The ``callbacks__`` names that routing delivers to ``callbacks``.

    A callback class takes its own parameters (``callbacks__patience``); in a
    list or dict, ``callbacks__<index or key>__<name>`` goes to one class and a
    plain ``callbacks__<name>`` to every class, so it must suit them all.
    Callback instances take none: they were built already.
    """
    if inspect.isclass(callbacks):
        return init_parameter_names(callbacks)
    classes = callback_classes(callbacks)
    per_class = {key: init_parameter_names(cb) for key, cb in classes.items()}
    shared = set.intersection(*per_class.values()) if per_class else set()
    return shared | {f"{key}__{n}" for key, names in per_class.items() for n in names}


def routed_name(rest, prefix, callbacks):
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
