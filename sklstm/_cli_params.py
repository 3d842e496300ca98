"""The estimator parameters that ``sklstm`` takes as options, known without Keras.

``sklstm train --help`` lists every parameter of the tokenizer and of the
estimator with its default, and an unknown ``--option`` is refused before any
work starts. Importing the estimators would import Keras and its backend,
which takes seconds, so the parameters are read from the classes' source
instead: the keyword arguments of their ``__init__``, parsed with :mod:`ast`.
What ``__init__`` declares is what ``get_params`` returns (scikit-learn reads
the same signature), so the list cannot drift from the code; a test compares
it with :func:`inspect.signature` of the imported classes.
"""

import ast
import functools
import importlib
import json
from importlib.util import find_spec
from pathlib import Path

import click

# The pipeline's steps, in order: name (as make_pipeline names them) and module.
TOKENIZER = "KerasTokenizerTransformer"
_MODULES = {
    TOKENIZER: "sklstm.tokenizer",
    "LSTMTextClassifier": "sklstm.classifier",
    "LSTMTextRegressor": "sklstm.regressor",
}
# Defaults the command line changes: it shows progress, and --random-state is
# an option of its own.
_COMMAND_DEFAULTS = {"verbose": "1"}
_OWN_OPTIONS = {"random_state"}


def _init_node(class_name):
    source = Path(find_spec(_MODULES[class_name]).origin).read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    return item
    raise LookupError(f"{class_name}.__init__ not found in {_MODULES[class_name]}")


def _shown(default):
    """A default as the source writes it; a module constant by its value.

    ``_tokenize.KERAS_FILTERS`` is a constant of a light sibling module
    (sklstm's modules that do not import Keras), so its value can be shown.
    """
    if isinstance(default, ast.Attribute) and isinstance(default.value, ast.Name):
        module = importlib.import_module(f"sklstm.{default.value.id}")
        return repr(getattr(module, default.attr))
    return ast.unparse(default)


@functools.cache
def parameter_defaults(class_name):
    """``{name: default}`` of the class's ``__init__``, defaults as in the source.

    Only keyword arguments count; ``**kwargs`` (the routed parameters such as
    ``optimizer__beta_1``) is not a parameter of its own.
    """
    args = _init_node(class_name).args
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + args.defaults
    pairs = list(zip(positional, defaults, strict=True))[1:]  # self
    pairs += list(zip(args.kwonlyargs, args.kw_defaults, strict=True))
    return {
        arg.arg: None if default is None else _shown(default) for arg, default in pairs
    }


def step_name(class_name):
    """The step name :func:`~sklearn.pipeline.make_pipeline` gives a class."""
    return class_name.lower()


def pipeline_parameter(name, estimator):
    """The pipeline parameter that the option ``--name`` sets.

    The estimator's own parameters win where both steps have the name; a name
    with ``__`` is a step's (``kerastokenizertransformer__maxlen``) or a routed
    parameter of the estimator (``optimizer__beta_1``).

    Raises
    ------
    ValueError
        When neither the tokenizer nor ``estimator`` has the parameter.
    """
    steps = [estimator, TOKENIZER]
    prefix = name.split("__")[0]
    if prefix in map(step_name, steps):
        return name
    for step in steps:
        if name in parameter_defaults(step):
            return f"{step_name(step)}__{name}"
    if "__" in name:
        return f"{step_name(estimator)}__{name}"
    raise ValueError(
        f"unknown parameter --{name.replace('_', '-')}. Parameters are those "
        f"of {estimator} and {TOKENIZER}, listed by 'sklstm train --help', "
        "e.g. --lstm-units 64 or --maxlen 200."
    )


def parameter_rows(class_name):
    """``(--option, default)`` rows of the parameters of one step, for ``--help``."""
    return [
        (f"--{name.replace('_', '-')}", _COMMAND_DEFAULTS.get(name, str(default)))
        for name, default in parameter_defaults(class_name).items()
        if name not in _OWN_OPTIONS
    ]


# --------------------------------------------- options on the command line


def parse_value(text):
    """An option's value: JSON or a Python literal, else the string itself."""
    for parse in (json.loads, ast.literal_eval):
        try:
            return parse(text)
        except (ValueError, SyntaxError):
            continue
    return text


def extra_options(args):
    """``--name value`` and ``--name=value`` pairs as {"name": value}."""
    params = {}
    args = list(args)
    while args:
        option = args.pop(0)
        if not option.startswith("--") or len(option) == 2:
            raise click.UsageError(f"unexpected argument {option!r}.")
        name, has_value, value = option[2:].partition("=")
        if not has_value:
            if not args or args[0].startswith("--"):
                raise click.UsageError(f"option {option} needs a value.")
            value = args.pop(0)
        params[name.replace("-", "_")] = parse_value(value)
    return params


def read_json_option(path, option):
    """The JSON value in the file that ``option`` names; a usage error if not JSON."""
    try:
        return json.loads(Path(path).read_text())
    except (ValueError, UnicodeDecodeError) as exc:
        raise click.BadParameter(
            f"{path} is not JSON: {exc}", param_hint=option
        ) from None


def pipeline_params(params_file, extra_args, estimator):
    """Pipeline parameters from --params (a JSON object) and the extra options.

    The names are checked against the classes' signatures, without Keras.
    """
    params = {}
    if params_file is not None:
        params = read_json_option(params_file, "--params")
        if not isinstance(params, dict):
            raise click.BadParameter(
                f"{params_file} must hold a JSON object of parameter names and values.",
                param_hint="--params",
            )
    params.update(extra_options(extra_args))
    try:
        return {pipeline_parameter(k, estimator): v for k, v in params.items()}
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def load_vectors(path):
    try:
        from sklstm.vectors import WordVectors
    except ImportError:
        raise click.ClickException(
            "--vectors needs sklstm.vectors.WordVectors, which this version "
            "of sklstm does not have."
        ) from None
    return WordVectors.load(path)


def make_pipeline_from_options(params, random_state, vectors_path, estimator):
    """The tokenizer and ``estimator`` (a class name in sklstm), parameters set.

    ``params`` are pipeline parameters (``lstmtextclassifier__epochs``).
    """
    from sklearn.pipeline import make_pipeline

    import sklstm

    pipeline = make_pipeline(
        getattr(sklstm, TOKENIZER)(),
        # Progress lines for every stage of training, unless --verbose 0.
        getattr(sklstm, estimator)(random_state=random_state, verbose=1),
    )
    if vectors_path is not None:
        vectors = load_vectors(vectors_path)
        step = step_name(estimator)
        params = {
            f"{step}__vocabulary": vectors,
            f"{step}__embeddings": vectors,
            **params,
        }
    pipeline.set_params(**params)
    return pipeline
