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

import inspect
from collections.abc import Mapping

import keras

ROUTING_PREFIXES = ("model", "compile", "optimizer", "callbacks")

# The kinds of parameter a routed name can set.
_NAMED = (
    inspect.Parameter.POSITIONAL_OR_KEYWORD,
    inspect.Parameter.KEYWORD_ONLY,
)


def is_routed(name):
    """Whether ``name`` is ``<prefix>__...`` for one of :data:`ROUTING_PREFIXES`."""
    return any(name.startswith(prefix + "__") for prefix in ROUTING_PREFIXES)


def check_routed_kwargs(estimator_name, kwargs):
    """Reject keyword arguments of ``__init__`` that no routing prefix claims.

    ``__init__`` stores its ``**kwargs`` as they are (scikit-learn's
    ``check_do_not_raise_errors_in_init_or_set_params`` requires that it
    raises nothing); ``fit`` calls this before any work.

    Parameters
    ----------
    estimator_name : str
        The estimator's class name, for the message.
    kwargs : dict
        The ``**kwargs`` of ``__init__``.

    Raises
    ------
    TypeError
        For a name with no routing prefix, as Python raises for any unknown
        keyword: ``LSTMTextClassifier(epoch=3)`` must not train 20 epochs.
    """
    unknown = sorted(name for name in kwargs if not is_routed(name))
    if unknown:
        raise TypeError(
            f"{estimator_name}.__init__() got unexpected keyword argument(s) "
            f"{unknown}. Check the spelling against the parameters in its "
            "docstring; routed parameters start with "
            + ", ".join(f"'{prefix}__'" for prefix in ROUTING_PREFIXES)
            + "."
        )


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


def callback_parameter_names(callbacks):
    """The ``callbacks__`` names that routing delivers to ``callbacks``.

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
