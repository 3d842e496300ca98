"""Sphinx helpers for the sklstm documentation.

- The ``benchmark-results`` directive shows whatever the benchmark scripts left
  in ``benchmarks/results/`` when the docs are built (their ``.rst``
  summaries and figures, or else tables of their ``.json`` and ``.csv``
  files), so the docs never hold a copy of the numbers that could go stale.
- The ``bench`` role writes one figure of the results files into a sentence
  (``:bench:`accuracy_imdb:configs.default*.accuracy```, see
  ``benchmarks/figures.py``); at the start of a build,
  :func:`check_typed_figures` warns about every benchmark figure typed by
  hand into the README, a page or a docstring, so ``sphinx -W`` fails on one.
- :func:`saved_figure_scraper` lets sphinx-gallery show the PNG files an
  example saves; sklstm's plotting functions make figures that pyplot does not
  manage, which sphinx-gallery's matplotlib scraper cannot see.
- :func:`init_signature` gives Keras layers their real signature in autodoc,
  and :func:`skip_scikit_learn_member` leaves out the methods inherited from
  scikit-learn, which scikit-learn documents.
"""

import csv
import inspect
import json
import os
import shutil
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from docutils.statemachine import StringList
from sphinx.util import logging
from sphinx.util.nodes import nested_parse_with_titles
from sphinx_gallery.scrapers import figure_rst

from benchmarks._common import RESULTS
from benchmarks.figures import check, figure

logger = logging.getLogger(__name__)

# The examples save their figures here while the gallery runs (see conf.py).
GALLERY_OUTPUT_ENV = "SKLSTM_OUTPUT"


def saved_figure_scraper(block, block_vars, gallery_conf):
    """Move the PNGs saved by a gallery code block into the gallery's images."""
    folder = os.environ.get(GALLERY_OUTPUT_ENV)
    if not folder or not Path(folder).is_dir():
        return ""
    images = []
    for png in sorted(Path(folder).glob("*.png"), key=os.path.getmtime):
        target = next(block_vars["image_path_iterator"])
        shutil.move(png, target)
        images.append(target)
    return figure_rst(images, gallery_conf["src_dir"])


def _flatten(value, prefix=""):
    """``(dotted.key, value)`` pairs of a nested mapping's leaves."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list) and not all(isinstance(v, dict) for v in value):
        yield prefix, ", ".join(str(v) for v in value)
    else:
        yield prefix, value


def _records(data):
    """Header and rows of the table that shows a JSON file's content.

    A list of flat records (or a ``summary`` entry holding one) gives a row per
    record; anything else (or a ``summary`` mapping) gives key/value rows.
    """
    if isinstance(data, dict) and "summary" in data:
        data = data["summary"]
    if isinstance(data, list) and data and all(isinstance(r, dict) for r in data):
        header = list(dict.fromkeys(key for record in data for key in record))
        return header, [[record.get(key, "") for key in header] for record in data]
    return ["quantity", "value"], [list(pair) for pair in _flatten(data)]


def _table(title, header, rows):
    """A docutils table node; cells are plain text, so nothing needs escaping."""
    table = nodes.table(classes=["colwidths-auto"])
    table += nodes.title(text=title)
    group = nodes.tgroup(cols=len(header))
    table += group
    for column in zip(header, *rows, strict=True):
        width = min(max(len(str(value)) for value in column), 40)
        group += nodes.colspec(colwidth=max(width, 1))
    for part, part_rows in ((nodes.thead(), [header]), (nodes.tbody(), rows)):
        for values in part_rows:
            row = nodes.row()
            for value in values:
                entry = nodes.entry()
                entry += nodes.paragraph(text=str(value))
                row += entry
            part += row
        group += part
    return table


def _data_table(path):
    """The table of one ``.json`` or ``.csv`` result file."""
    if path.suffix == ".json":
        header, rows = _records(json.loads(path.read_text(encoding="utf-8")))
    else:
        with open(path, newline="", encoding="utf-8") as file:
            header, *rows = list(csv.reader(file))
    return _table(path.name, header, rows)


class BenchmarkResults(Directive):
    """Show the result files in a folder, given relative to this document.

    The ``.rst`` files there are the summaries the benchmark scripts write:
    they are included as they are, followed by every ``.png`` as a figure and
    a note naming the raw ``.json`` and ``.csv`` files. Without a summary,
    each ``.json`` or ``.csv`` file becomes a table instead.
    """

    required_arguments = 1

    def run(self):
        env = self.state.document.settings.env
        here = Path(env.doc2path(env.docname)).parent
        folder = (here / self.arguments[0]).resolve()
        env.note_dependency(str(folder))
        files = sorted(folder.iterdir()) if folder.is_dir() else []
        for path in files:
            env.note_dependency(str(path))
        summaries = [p for p in files if p.suffix == ".rst"]
        images = [p for p in files if p.suffix == ".png"]
        data = [p for p in files if p.suffix in (".json", ".csv")]
        shown_as = os.path.relpath(folder, Path(env.srcdir).parent)
        if not (summaries or data):
            return [nodes.paragraph(text=f"No benchmark results in {shown_as} yet.")]
        result = [self._include(path) for path in summaries]
        result += [_figure(path, here) for path in images]
        if summaries:
            names = ", ".join(path.name for path in data)
            result.append(nodes.paragraph(text=f"Raw results in {shown_as}: {names}."))
        else:
            result += [_data_table(path) for path in data]
        return result

    def _include(self, path):
        """The parsed content of an ``.rst`` file, section titles allowed."""
        lines = path.read_text(encoding="utf-8").splitlines()
        container = nodes.container()
        nested_parse_with_titles(
            self.state, StringList(lines, source=str(path)), container
        )
        return container


def _figure(path, here):
    figure = nodes.figure()
    figure += nodes.image(uri=os.path.relpath(path, here).replace(os.sep, "/"))
    figure += nodes.caption(text=path.name)
    return figure


def bench_role(name, rawtext, text, lineno, inliner, options=None, content=()):
    """``:bench:`<results file stem>:<dotted path>``` -> the figure's text."""
    try:
        value = figure(text.strip())
    except KeyError as error:
        message = inliner.reporter.error(error.args[0], line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    env = inliner.document.settings.env
    stem = text.strip().partition(":")[0]
    env.note_dependency(str(RESULTS / f"{stem}.json"))
    return [nodes.Text(value)], []


def check_typed_figures(app):
    """Warn about each benchmark figure typed by hand (``benchmarks/figures.py``)."""
    for problem in check():
        logger.warning("benchmark figure not from the results: %s", problem)


def init_signature(app, what, name, obj, options, signature, return_annotation):
    """Show a Keras layer's ``__init__`` signature instead of ``(*args, **kwargs)``.

    Keras layers define ``__new__(cls, *args, **kwargs)``, which autodoc prefers.
    """
    if what == "class" and signature == "(*args, **kwargs)" and "__init__" in vars(obj):
        parameters = list(inspect.signature(obj.__init__).parameters.values())
        return str(inspect.Signature(parameters[1:])), return_annotation
    return None


def skip_scikit_learn_member(app, what, name, obj, skip, options):
    """Leave the methods sklstm's estimators inherit from scikit-learn out.

    scikit-learn documents them (``set_output``, the ``set_*_request``
    methods of metadata routing), and their docstrings refer to labels that
    only exist in scikit-learn's documentation.
    """
    module = getattr(obj, "__module__", None) or ""
    if what == "class" and module.startswith("sklearn."):
        return True
    return None


def setup(app):
    app.add_directive("benchmark-results", BenchmarkResults)
    app.add_role("bench", bench_role)
    app.connect("builder-inited", check_typed_figures)
    app.connect("autodoc-process-signature", init_signature)
    app.connect("autodoc-skip-member", skip_scikit_learn_member)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
