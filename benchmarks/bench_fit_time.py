"""Fit time of the default pipeline on 20 Newsgroups against an older commit.

Each side fits ``make_pipeline(KerasTokenizerTransformer(),
LSTMTextClassifier(random_state=0))`` on the official training split and
scores the official test split, in a fresh Python process: the working tree's
``sklstm``, and that of ``--baseline`` (a git revision, checked out into a
temporary worktree). The fits run one after the other, never at once, in the
order ``--order`` gives: on a shared machine only a ratio measured in one run
means anything, and running it again in the other order shows the drift.

Each run is appended to ``benchmarks/results/fit_time_20newsgroups.json``.
Run from the repository root, on a machine with nothing else to do:
``PYTHONPATH=. python benchmarks/bench_fit_time.py --baseline 2b38019``.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from benchmarks._common import (  # noqa: E402
    REPO,
    RESULTS,
    data_home,
    machine,
    read_json,
    write_json,
)

RESULT_FILE = RESULTS / "fit_time_20newsgroups.json"


def fit_once():
    """Fit and score the default pipeline with whichever sklstm is importable."""
    import numpy as np
    from sklearn.pipeline import make_pipeline

    import sklstm
    from sklstm import KerasTokenizerTransformer, LSTMTextClassifier
    from sklstm.datasets import load_20newsgroups

    train, test = (load_20newsgroups(subset=subset) for subset in ("train", "test"))
    pipe = make_pipeline(
        KerasTokenizerTransformer(), LSTMTextClassifier(random_state=0)
    )
    start = time.perf_counter()
    pipe.fit(np.asarray(train.data, dtype=object), np.asarray(train.target))
    fit_s = time.perf_counter() - start
    predicted = pipe.predict(np.asarray(test.data, dtype=object))
    classifier = pipe[-1]
    return {
        "sklstm_path": str(Path(sklstm.__file__).parent),
        "fit_s": round(fit_s, 1),
        "accuracy": round(float(np.mean(predicted == np.asarray(test.target))), 4),
        "lstm_epochs": len(classifier.history_["loss"]),
        "ngram_epochs": len(getattr(classifier, "ngram_history_", {}).get("loss", [])),
        "load_average_1_5_15": [round(v, 2) for v in os.getloadavg()],
    }


def run_side(code_dir):
    """:func:`fit_once` in a fresh process that imports sklstm from ``code_dir``."""
    env = {**os.environ, "PYTHONPATH": str(code_dir), "SKLSTM_DATA": data_home()}
    done = subprocess.run(
        [sys.executable, __file__, "--worker"],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def git(*args):
    return subprocess.run(
        ["git", *args], cwd=REPO, check=True, stdout=subprocess.PIPE, text=True
    ).stdout.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="2b38019", help="git revision")
    parser.add_argument("--order", choices=["baseline-first", "current-first"])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(fit_once()), flush=True)
        return
    order = args.order or "baseline-first"
    with tempfile.TemporaryDirectory() as scratch:
        worktree = Path(scratch) / "baseline"
        git("worktree", "add", "--detach", str(worktree), args.baseline)
        try:
            sides = {"baseline": worktree, "current": REPO}
            names = list(sides) if order == "baseline-first" else list(sides)[::-1]
            results = {name: run_side(sides[name]) for name in names}
        finally:
            git("worktree", "remove", "--force", str(worktree))
    run = {
        "baseline": git("rev-parse", "--short", args.baseline),
        "current": git("rev-parse", "--short", "HEAD")
        + ("+dirty" if git("status", "--porcelain", "--", "sklstm") else ""),
        "order": order,
        **results,
        "speed_up": round(
            results["baseline"]["fit_s"] / results["current"]["fit_s"], 2
        ),
        "machine": machine(),
    }
    report = read_json(RESULT_FILE)
    report.setdefault("runs", []).append(run)
    write_json(RESULT_FILE, report)
    print(json.dumps({k: run[k] for k in ("order", "speed_up")}))


if __name__ == "__main__":
    main()
