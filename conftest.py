"""Settings shared by the tests and the doctests."""

import importlib.util
import os

import pytest

# Keep TensorFlow's C++ start-up chatter out of the test output.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# Modules that import an optional extra at their top. Their doctests are
# collected (``--doctest-modules``) only where the extra is installed, so that
# a run without it (CI's oldest-versions stage installs sklstm alone) is not
# stopped by an ImportError at collection; the README's test line installs
# ``.[test]``, which holds every extra, so there nothing is left out.
_NEEDS_EXTRA = {
    "sklstm/serving/_app.py": "starlette",
}
collect_ignore = [
    path
    for path, module in _NEEDS_EXTRA.items()
    if importlib.util.find_spec(module) is None
]


def pytest_collection_modifyitems(items):
    """Mark ``slow`` the docstring examples that fit a network.

    Each builds and traces a Keras model for a few seconds, and the tests of
    the same estimators run in the fast tier already; the examples themselves
    still run in the slow tier, so CI checks every one.
    """
    for item in items:
        if isinstance(item, pytest.DoctestItem) and _fits_a_network(item.dtest):
            item.add_marker(pytest.mark.slow)


def _fits_a_network(doctest):
    sources = "".join(example.source for example in doctest.examples)
    return "LSTMText" in sources and ".fit(" in sources
