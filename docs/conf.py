"""Sphinx configuration of the sklstm documentation.

Build it from the repository root with::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The example gallery is rendered from ``../examples`` without running the
examples: the test suite already runs them in their reduced mode. Set
``SKLSTM_DOCS_RUN_GALLERY=1`` to run them and show their output and figures
(combine with ``SKLSTM_EXAMPLE_FAST=1`` for a quick check).
"""

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "sphinxext"))

import sklstm  # noqa: E402

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
# Off unless asked for: the tests already run every example in reduced mode.
# sphinx-gallery declares this setting as a string ("True" or "False").
run_gallery = os.environ.get("SKLSTM_DOCS_RUN_GALLERY") == "1"
plot_gallery = str(run_gallery)
if run_gallery:
    # The examples save their figures where sklstm_docs' scraper collects them.
    os.environ["SKLSTM_OUTPUT"] = str(DOCS / "_build" / "gallery_figures")

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
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
