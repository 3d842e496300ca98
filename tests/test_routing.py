"""Tests of sklstm._routing: scikeras' routed-parameter contract, without scikeras."""

import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

from sklstm import LSTMTextClassifier, LSTMTextRegressor
from sklstm._routing import build_routed, resolve_optimizer, routed_params
from sklstm.optimizers import LazyAdam


def run_python(code):
    """Run ``code`` in a fresh interpreter; its stdout."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_routed_params_strip_their_prefix_and_keep_deeper_routes():
    params = {
        "optimizer__beta_1": 0.5,
        "callbacks__0__patience": 2,
        "callbacks__patience": 1,
        "epochs": 3,
    }
    assert routed_params(params, "optimizer") == {"beta_1": 0.5}
    assert routed_params(params, "callbacks") == {"0__patience": 2, "patience": 1}
    assert routed_params(params, "model") == {}


def test_build_routed_builds_classes_in_lists_and_dicts():
    stop, log = build_routed(
        [keras.callbacks.EarlyStopping, keras.callbacks.CSVLogger],
        {"0__patience": 7, "1__filename": "log.csv"},
    )
    assert stop.patience == 7 and log.filename == "log.csv"
    built = build_routed(
        {"stop": keras.callbacks.EarlyStopping}, {"patience": 3, "stop__min_delta": 1}
    )
    assert built["stop"].patience == 3 and built["stop"].min_delta == 1
    instance = keras.callbacks.EarlyStopping()
    assert build_routed([instance], {}) == [instance]
    with pytest.raises(TypeError, match="not a class"):
        build_routed(instance, {"patience": 1})


def test_optimizer_names_resolve_to_keras_classes():
    assert resolve_optimizer("adam") is keras.optimizers.Adam
    assert resolve_optimizer("RMSprop") is keras.optimizers.RMSprop
    assert resolve_optimizer("lazy_adam") is LazyAdam
    with pytest.raises(ValueError, match="not a Keras optimizer"):
        resolve_optimizer("nope")


@pytest.mark.parametrize("estimator", [LSTMTextClassifier, LSTMTextRegressor])
@pytest.mark.parametrize(
    "typo, closest",
    [
        ("epoch", "epochs"),
        ("lstm_unit", "lstm_units"),
        ("validation_split", "validation_fraction"),
        ("fit__batch_size", "batch_size"),
    ],
)
def test_a_misspelt_keyword_is_a_type_error_naming_the_closest_name(
    estimator, typo, closest
):
    with pytest.raises(TypeError, match=f"'{typo}'. Did you mean '{closest}'"):
        estimator(**{typo: 3})
    # Both conventions hold: Python's TypeError, scikit-learn's ValueError.
    with pytest.raises(ValueError, match=f"Did you mean '{closest}'"):
        estimator().set_params(**{typo: 3})


def test_the_name_of_kwargs_waits_for_fit():
    """scikit-learn's checks pass ``kwargs=`` to __init__ and set_params."""
    model = LSTMTextClassifier(kwargs=1).set_params(kwargs=2)
    with pytest.raises(TypeError, match="'kwargs'"):
        model.fit(np.arange(1, 41).reshape(20, 2), np.arange(20) % 2)


@pytest.mark.slow
def test_routed_parameters_reach_the_optimizer_and_callbacks():
    rng = np.random.default_rng(0)
    X = rng.integers(1, 20, size=(40, 6))
    y = np.arange(40) % 2
    clf = LSTMTextClassifier(
        embedding_dim=4,
        lstm_units=2,
        epochs=1,
        ngram_order=None,
        optimizer="sgd",
        optimizer__momentum=0.5,
        learning_rate=0.05,
        callbacks=[keras.callbacks.EarlyStopping],
        callbacks__patience=9,
        random_state=0,
    ).fit(X, y)
    optimizer = clf.model_.optimizer
    assert isinstance(optimizer, keras.optimizers.SGD)
    assert optimizer.momentum == 0.5
    assert float(keras.ops.convert_to_numpy(optimizer.learning_rate)) == pytest.approx(
        0.05
    )
    assert clf._routed_callbacks()[0].patience == 9


@pytest.mark.slow
def test_sklstm_routes_like_scikeras():
    """The contract, checked against scikeras itself, in its own interpreter.

    scikeras stays a test dependency only: importing it patches Keras for the
    whole process, which this test's interpreter may suffer.
    """
    out = run_python(
        """
        import keras
        from scikeras._utils import (
            get_optimizer_class, route_params, unflatten_params,
        )
        from sklstm._routing import build_routed, resolve_optimizer, routed_params

        params = {
            "optimizer__beta_1": 0.8, "optimizer__epsilon": 1e-6,
            "callbacks__patience": 4, "callbacks__1__min_lr": 0.001,
            "callbacks__stop__min_delta": 0.5, "epochs": 3,
        }
        for prefix in ("optimizer", "callbacks"):
            theirs = route_params(params, prefix, pass_filter=set())
            assert routed_params(params, prefix) == theirs, prefix
        for name in ("adam", "sgd", "rmsprop", "adamw", "nadam"):
            assert resolve_optimizer(name) is get_optimizer_class(name), name
        opt = routed_params(params, "optimizer")
        a = build_routed(keras.optimizers.Adam, opt)
        b = unflatten_params(keras.optimizers.Adam, opt)
        config_a, config_b = a.get_config(), b.get_config()
        # Keras numbers the names of optimizers built in one process.
        config_a.pop("name"), config_b.pop("name")
        assert type(a) is type(b) and config_a == config_b, (config_a, config_b)
        cb = routed_params(params, "callbacks")
        items = [keras.callbacks.EarlyStopping, keras.callbacks.ReduceLROnPlateau]
        cb_list = {k: v for k, v in cb.items() if not k.startswith("stop")}
        for ours, theirs in zip(
            build_routed(items, cb_list), unflatten_params(items, cb_list)
        ):
            assert type(ours) is type(theirs)
            assert ours.__dict__.get("patience") == theirs.__dict__.get("patience")
            assert ours.__dict__.get("min_lr") == theirs.__dict__.get("min_lr")
        stop = {"stop": keras.callbacks.EarlyStopping}
        cb_dict = {k: v for k, v in cb.items() if not k.startswith("1")}
        ours = build_routed(stop, cb_dict)["stop"]
        theirs = unflatten_params(stop, cb_dict)["stop"]
        assert (ours.patience, ours.min_delta) == (theirs.patience, theirs.min_delta)
        print("same")
        """
    )
    assert out.strip() == "same"


@pytest.mark.slow
def test_import_and_fit_leave_keras_as_it_is():
    out = run_python(
        """
        import sys
        import keras
        hooks = {
            "Model.__reduce__": keras.Model.__reduce__,
            "Model.__deepcopy__": getattr(keras.Model, "__deepcopy__", None),
            "Loss.__reduce__": keras.losses.Loss.__reduce__,
            "Metric.__reduce__": keras.metrics.Metric.__reduce__,
            "Optimizer.__reduce__": keras.optimizers.Optimizer.__reduce__,
        }
        import numpy as np
        import sklstm
        from sklstm import LSTMTextClassifier, LSTMTextRegressor
        X = np.random.default_rng(0).integers(1, 30, size=(40, 8))
        y = np.arange(40) % 2
        LSTMTextClassifier(lstm_units=2, embedding_dim=4, epochs=1).fit(X, y)
        LSTMTextRegressor(lstm_units=2, embedding_dim=4, epochs=1).fit(X, y * 1.0)
        now = {
            "Model.__reduce__": keras.Model.__reduce__,
            "Model.__deepcopy__": getattr(keras.Model, "__deepcopy__", None),
            "Loss.__reduce__": keras.losses.Loss.__reduce__,
            "Metric.__reduce__": keras.metrics.Metric.__reduce__,
            "Optimizer.__reduce__": keras.optimizers.Optimizer.__reduce__,
        }
        changed = [name for name in hooks if hooks[name] is not now[name]]
        print("changed:", changed, "scikeras:", "scikeras" in sys.modules)
        """
    )
    assert out.strip().splitlines()[-1] == "changed: [] scikeras: False"
