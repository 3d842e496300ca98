"""Turn the results files into ``summary.rst`` (for the docs) and a figure.

Reads ``benchmarks/results/accuracy_<dataset>.json`` for every dataset that
has one, ``latency.json`` when present, and the multi-label and regression
results of ``bench_targets.py`` (see ``summary_targets.py``); writes
``benchmarks/results/summary.rst`` and ``benchmarks/results/accuracy.png``.
``bench_accuracy.py`` calls it after every configuration; run it by hand with
``PYTHONPATH=. python benchmarks/summary.py``.
"""

from benchmarks._common import RESULTS, list_table, read_json, run_name, seed_runs
from benchmarks.summary_targets import target_lines

DATASETS = {
    "sms_spam": "SMS Spam",
    "imdb": "IMDB",
    "20newsgroups": "20 Newsgroups (posts)",
    "20newsgroups_subjects": "20 Newsgroups (subject lines)",
    "ag_news": "AG News (5-fold CV)",
}
CONFIG_NAMES = {
    "default": "sklstm, defaults",
    "vectors": "sklstm, GloVe 50-d vectors",
    "tuned": "sklstm, tuned",
    "tfidf": "TF-IDF + LogisticRegression",
    "keras": "same network, plain Keras",
}
COLUMNS = (
    "Dataset",
    "Model",
    "Accuracy",
    "Macro-F1",
    "Fit (s)",
    "Epochs",
    "Predict (texts/s)",
    "Peak RSS (MiB)",
)


def _reports():
    reports = {}
    for name in DATASETS:
        report = read_json(RESULTS / f"accuracy_{name}.json")
        if report.get("configs"):
            reports[name] = report
    return reports


def _row(dataset, config, runs):
    result = runs[0]
    name = run_name(CONFIG_NAMES, config, runs)
    accuracy = sum(run["accuracy"] for run in runs) / len(runs)
    f1_macro = sum(run["f1_macro"] for run in runs) / len(runs)
    return (
        DATASETS[dataset],
        name,
        f"{100 * accuracy:.2f} %",
        f"{100 * f1_macro:.2f} %",
        f"{result['fit_s']:.0f}",
        str(result.get("epochs_run", "")),
        f"{result['predict_texts_per_s']:,.0f}",
        f"{result['peak_rss_mb']:,.0f}",
    )


def _machine_line(reports, latency):
    sample = next(iter(reports.values()), latency)
    info = next(iter(sample.get("configs", {}).values()), sample).get("machine")
    if not info:
        return []
    return [
        f"Machine: {info['cpu_count']} x {info['cpu_model']}, Python "
        f"{info['python']}, Keras {info['keras']} ({info['keras_backend']} "
        f"backend {info.get('tensorflow', '')}), scikit-learn "
        f"{info['scikit-learn']}. The machine was shared with other jobs "
        "(the load average at the end of each run is in the JSON files), so "
        "timings are indicative.",
        "",
    ]


def _overhead_lines(reports):
    lines = []
    for name, report in reports.items():
        ratio = report.get("fit_time_ratio_sklstm_over_keras")
        if ratio is not None:
            lines.append(
                f"- {DATASETS[name]}: sklstm / plain Keras network fit time = "
                f"{ratio:.2f} (same epochs)."
            )
    return [*lines, ""] if lines else []


def _tuned_lines(reports):
    lines = []
    for name, report in reports.items():
        tuned = report["configs"].get("tuned")
        if tuned is not None:
            params = tuned["params"]
            lines.append(
                f"- {DATASETS[name]}, tuned: tokenizer {params['tokenizer']}, "
                f"classifier {params['classifier']}, network "
                f"``{params['architecture']}``."
            )
    return [*lines, ""] if lines else []


def _latency_lines(latency):
    if not latency:
        return []
    single = latency["single_text"]
    batch = latency["batch_of_1000"]
    pipe = single["pipe_predict_one_text"]
    keras_row = single["model_predict_one_row"]
    return [
        "Single-text latency (SMS Spam, default pipeline): ``pipe.predict([text])`` "
        f"p50 {pipe['p50_ms']:.2f} ms, p95 {pipe['p95_ms']:.2f} ms; "
        f"``model_.predict`` on the padded row p50 {keras_row['p50_ms']:.2f} ms. "
        f"Batch of 1,000 texts: ``pipe.predict`` "
        f"{batch['pipe_predict']['texts_per_s']:,.0f} texts/s, ``model_.predict`` "
        f"on the padded array {batch['model_predict_padded']['texts_per_s']:,.0f} "
        "texts/s.",
        "",
    ]


def _figure(reports):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.4))
    configs = [
        c for c in CONFIG_NAMES if any(c in r["configs"] for r in reports.values())
    ]
    width = 0.8 / max(len(configs), 1)
    for k, config in enumerate(configs):
        positions, accuracy, fit = [], [], []
        for i, report in enumerate(reports.values()):
            if config in report["configs"]:
                positions.append(i + k * width)
                accuracy.append(100 * report["configs"][config]["accuracy"])
                fit.append(report["configs"][config]["fit_s"])
        axes[0].bar(positions, accuracy, width, label=CONFIG_NAMES[config])
        axes[1].bar(positions, fit, width, label=CONFIG_NAMES[config])
    centers = [i + 0.4 - width / 2 for i in range(len(reports))]
    for ax, label in zip(axes, ("Test accuracy (%)", "Fit time (s)"), strict=True):
        ax.set_xticks(
            centers, [DATASETS[name].replace(" (", "\n(") for name in reports]
        )
        ax.set_ylabel(label)
    low = min(
        100 * c["accuracy"] for r in reports.values() for c in r["configs"].values()
    )
    # The models differ by a few points, which an axis from 0 would hide; the
    # title says where the axis starts instead.
    bottom = max(0, 5 * int((low - 5) // 5))
    axes[0].set_ylim(bottom, 100)
    axes[0].set_title(
        f"Test accuracy (higher is better)\naxis starts at {bottom} %, not 0",
        fontsize=10,
    )
    axes[1].set_yscale("log")
    axes[1].set_title("Fit time on the CPU (lower is better)\nlog scale", fontsize=10)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=8)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.savefig(RESULTS / "accuracy.png", dpi=120)
    plt.close(fig)


def write_summary():
    """Regenerate ``summary.rst`` and ``accuracy.png`` from the results files."""
    reports = _reports()
    latency = read_json(RESULTS / "latency.json")
    rows = [
        _row(name, config, seed_runs(report["configs"], config))
        for name, report in reports.items()
        for config in CONFIG_NAMES
        if config in report["configs"]
    ]
    lines = [
        ".. Generated by benchmarks/summary.py from benchmarks/results/*.json;",
        "   do not edit by hand.",
        "",
        *_machine_line(reports, latency),
        *list_table([COLUMNS, *rows]),
        "",
        *_tuned_lines(reports),
        *_overhead_lines(reports),
        *_latency_lines(latency),
        *target_lines(),
    ]
    (RESULTS / "summary.rst").write_text("\n".join(lines), encoding="utf-8")
    if reports:
        _figure(reports)


if __name__ == "__main__":
    write_summary()
