"""Settings shared by the tests and the doctests."""

import os

# Keep TensorFlow's C++ start-up chatter out of the test output.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
