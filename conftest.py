"""Settings shared by the tests and the doctests."""

import importlib.util
import os

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
