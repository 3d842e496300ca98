"""Sphinx configuration of the sklstm documentation.

Build it from the repository root with::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The example gallery runs every example in its reduced mode
(``SKLSTM_EXAMPLE_FAST=1``, the mode the tests use: a few hundred texts, one
epoch, a tiny network), so each page shows the example's printed output and
figures within a few minutes. The IMDB example runs only when the data home
(``SKLSTM_DATA``) holds IMDB; otherwise its page shows the code alone. Add
``-D plot_gallery=0`` to skip running the examples.
"""

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
os.environ["SKLSTM_OUTPUT"] = str(DOCS / "_build" / "gallery_figures")
# The SMS Spam examples read the copy bundled with sklstm; IMDB needs the data
# home, and a docs build must not download 80 MB.
has_imdb = (get_data_home() / "imdb" / "imdb.csv.gz").is_file()

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_" if has_imdb else r"/plot_(?!imdb)",
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
