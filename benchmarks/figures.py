"""Benchmark figures for the docs, read from ``benchmarks/results/``; and their check.

A figure a user reads (an accuracy, a time, a speed-up, a latency) is written
in a docs page as the ``bench`` role, which the docs build replaces by the
value in the results files::

    :bench:`accuracy_imdb:configs.default*.accuracy`   ->  90.92 %
    :bench:`latency:single_text.pipe_predict_one_text.p50_ms`  ->  1.85 ms

The name is ``<results file stem>:<dotted path>``; ``<config>*`` in a path
means the mean over the config and its seeds (``default``, ``default_seed1``,
...), as the summary tables average them. The last key says the unit
(:func:`format_figure`).

:func:`check` is the other half, run in CI (``python -m benchmarks.figures``)
and by the docs build: it fails on every benchmark figure typed by hand into
the README, a docs page or a module of ``sklstm`` (a number followed by ``%``,
``s``, ``ms``, ``x``, ``times faster``, ``texts/s``, ...), because a typed copy
goes stale when the benchmarks are re-run, and on every ``bench`` role whose
name the results do not hold. Only two kinds of figure pass: the roles, and
the few typed figures in :data:`NOT_BENCHMARKS`, which are facts about a data
set or a target rather than measurements, each with its reason. A number
that merely happens to equal some value in the results is not accepted:
that would let most two-digit figures through.
"""

import re
import sys
from pathlib import Path

from benchmarks._common import REPO, RESULTS, read_json

# The pages and modules a user reads; docs/_build, the generated API stubs and
# the gallery's output are built from these.
SOURCES = ("README.md", "docs/*.rst", "sklstm/**/*.py")

# Typed figures that are not benchmark measurements, by file: facts about a
# data set and stated targets.
NOT_BENCHMARKS = {
    "sklstm/datasets/_sms_spam.py": ("86.6 %", "13.4 %"),
    "sklstm/datasets/_goemotions.py": ("83.8 %",),
    # The fast test tier's budget, a target of the project rather than a result.
    "README.md": ("3 minutes",),
    "docs/changes.rst": ("3 minutes",),
    # An example text containing a percentage.
    "sklstm/utils/estimator_checks.py": ("3%",),
}

# A number, then a unit of a measurement (``8 x 200`` is a product, not a
# speed-up).
_NUMBER = r"(?<![\w.])\d[\d,]*(?:\.\d+)?"
_UNIT = (
    r"(?:%|ms\b|s\b|seconds?\b|minutes?\b|(?:x\b|×)(?!\s*\d)|texts/s\b"
    r"|times (?:faster|slower|longer|shorter)\b|points?\b)"
)
FIGURE = re.compile(rf"{_NUMBER}\s?{_UNIT}")
ROLE = re.compile(r":bench:`([^`]+)`")

_PERCENT_KEYS = ("accuracy", "f1", "agreement", "score")


def _lookup_path(data, keys):
    value = data
    for key in keys:
        if isinstance(value, list):
            value = value[int(key)]
        else:
            value = value[key]
    return value


def figure_value(name, results=RESULTS):
    """The number (or label) a figure's name points to in the results files.

    Raises
    ------
    KeyError
        When the results files do not hold it, with the name in the message.
    """
    stem, _, path = name.partition(":")
    data = read_json(Path(results) / f"{stem}.json")
    keys = path.split(".") if path else []
    try:
        starred = next((i for i, key in enumerate(keys) if key.endswith("*")), None)
        if starred is None:
            value = _lookup_path(data, keys)
        else:
            parent = _lookup_path(data, keys[:starred])
            base = keys[starred][:-1]
            runs = [
                _lookup_path(run, keys[starred + 1 :])
                for key, run in parent.items()
                if key == base or key.startswith(f"{base}_seed")
            ]
            value = sum(runs) / len(runs)
    except (KeyError, IndexError, ValueError, TypeError, ZeroDivisionError):
        raise KeyError(f"benchmarks/results holds no figure {name!r}") from None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise KeyError(f"benchmark figure {name!r} is not a number: {value!r}")
    return value


def format_figure(name, value):
    """The figure as the docs print it; the last key of ``name`` gives the unit."""
    key = name.rsplit(".", 1)[-1].rstrip("*")
    if isinstance(value, str):
        return value
    if any(word in key for word in _PERCENT_KEYS):
        return f"{100 * value:.2f} %"
    if key.endswith("_ms"):
        return f"{value:.2f} ms"
    if key.endswith("per_s") or key.endswith("per_second"):
        return f"{value:,.0f}"
    if key.endswith("_s") or key in ("seconds", "fit_seconds"):
        return f"{value:,.0f} s" if value >= 100 else f"{value:.1f} s"
    if "ratio" in key or "speed" in key or key.endswith("_over_sklstm"):
        return f"{value:.2f}x"
    if key.endswith("_mb"):
        return f"{value:,.0f} MiB"
    return f"{value:,}" if isinstance(value, int) else f"{value:.4g}"


def figure(name, results=RESULTS):
    """The text of the figure ``name``, e.g. ``'90.92 %'``; see the module doc."""
    return format_figure(name, figure_value(name, results))


def problems(text, allowed=(), results=RESULTS):
    """What is wrong with the figures of one text: a list of messages.

    A figure typed by hand is wrong unless ``allowed`` lists it; a ``bench``
    role is wrong when the results do not hold its name.
    """
    found = []
    for line_no, line in enumerate(text.splitlines(), 1):
        for match in ROLE.finditer(line):
            try:
                figure(match.group(1), results)
            except KeyError as error:
                found.append(f"line {line_no}: {error.args[0]}")
        typed = ROLE.sub("", line)
        for match in FIGURE.finditer(typed):
            if match.group(0) not in allowed:
                found.append(
                    f"line {line_no}: {match.group(0)!r} is typed by hand; "
                    "write it as :bench:`<results file>:<path>` (docs pages) or "
                    "without a number"
                )
    return found


def check(repo=REPO, results=RESULTS, sources=SOURCES):
    """``path: problem`` lines for every file of ``sources`` under ``repo``."""
    repo = Path(repo)
    report = []
    for pattern in sources:
        for path in sorted(repo.glob(pattern)):
            relative = path.relative_to(repo).as_posix()
            text = path.read_text(encoding="utf-8")
            allowed = NOT_BENCHMARKS.get(relative, ())
            report += [f"{relative}: {p}" for p in problems(text, allowed, results)]
    return report


def main():
    report = check()
    for line in report:
        print(line, file=sys.stderr)
    if report:
        print(
            f"{len(report)} benchmark figure(s) not from the results.", file=sys.stderr
        )
        return 1
    print("Every benchmark figure in the README, docs and docstrings is generated.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
