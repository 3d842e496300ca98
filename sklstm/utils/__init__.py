"""Utilities for people who build or test estimators like sklstm's.

- :mod:`sklstm.utils.estimator_checks` checks that an estimator follows
  scikit-learn's conventions, including transformers whose input is raw text.
"""
