"""Tables of ``bench_targets.py``'s results, for ``summary.rst``.

Reads ``benchmarks/results/targets_goemotions.json`` (several labels per text)
and ``targets_emobank.json`` (numbers per text); seeds of one configuration
(``default``, ``default_seed1``, ...) are averaged, and the number of seeds is
said in the row.
"""

from benchmarks._common import RESULTS, list_table, read_json, run_name, seed_runs

MULTILABEL_NAMES = {
    "default": "sklstm, defaults",
    "tfidf": "TF-IDF(1,2) + OneVsRest LogisticRegression(C=10)",
}
REGRESSION_NAMES = {
    "default": "sklstm, defaults, valence alone",
    "default3": "sklstm, defaults, one 3-output fit",
    "tfidf": "TF-IDF(1,2) + Ridge per dimension (alpha by dev r)",
}
DIMENSIONS = ("valence", "arousal", "dominance")


def _mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _multilabel_lines():
    configs = read_json(RESULTS / "targets_goemotions.json").get("configs", {})
    rows = []
    for config in MULTILABEL_NAMES:
        runs = seed_runs(configs, config)
        if not runs:
            continue

        def mean(rule, metric, runs=runs):
            return _mean([run[rule][metric] for run in runs])

        rows.append(
            (
                run_name(MULTILABEL_NAMES, config, runs),
                f"{mean('predict', 'micro_f1'):.4f}",
                f"{mean('predict', 'macro_f1'):.4f}",
                f"{mean('predict', 'samples_f1'):.4f}",
                f"{mean('predict', 'subset_accuracy'):.4f}",
                f"{mean('top_label_if_none', 'micro_f1'):.4f}",
                f"{mean('top_label_if_none', 'macro_f1'):.4f}",
                f"{_mean([run['fit_seconds'] for run in runs]):.0f}",
            )
        )
    if not rows:
        return []
    header = (
        "Model",
        "micro-F1",
        "macro-F1",
        "samples-F1",
        "subset accuracy",
        "micro-F1, top label if none",
        "macro-F1, top label if none",
        "Fit (s)",
    )
    return [
        "GoEmotions (several labels per text; 28 labels; test split; ``predict``,",
        "then the rule that gives a text with no label at 0.5 its most probable one):",
        "",
        *list_table([header, *rows]),
        "",
    ]


def _regression_lines():
    configs = read_json(RESULTS / "targets_emobank.json").get("configs", {})
    rows = []
    for config in REGRESSION_NAMES:
        runs = seed_runs(configs, config)
        if not runs:
            continue
        cells = []
        for dimension in DIMENSIONS:
            r = _mean([run["test"].get(dimension, {}).get("pearson_r") for run in runs])
            cells.append("" if r is None else f"{r:.4f}")
        fit = _mean([run["fit_seconds"] for run in runs])
        rows.append((run_name(REGRESSION_NAMES, config, runs), *cells, f"{fit:.0f}"))
    if not rows:
        return []
    header = ("Model", "valence r", "arousal r", "dominance r", "Fit (s)")
    return [
        "EmoBank (numbers per text; test split; Pearson r):",
        "",
        *list_table([header, *rows]),
        "",
    ]


def target_lines():
    """The reST lines of both tables (empty when neither has results)."""
    return [*_multilabel_lines(), *_regression_lines()]
