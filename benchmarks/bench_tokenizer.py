"""Time KerasTokenizerTransformer against CountVectorizer and Keras on IMDB.

Times ``fit_transform`` on the 50,000 IMDB reviews for three tokenizers, best
of three runs each, in one process:

- ``KerasTokenizerTransformer()`` with its defaults;
- ``CountVectorizer()``, the scikit-learn baseline for text input;
- Keras' legacy ``Tokenizer`` (``fit_on_texts`` + ``texts_to_sequences``) and
  ``keras.utils.pad_sequences``, with the same settings as ours.

It checks that ours and Keras' outputs are identical, writes the timings and
the machine to ``benchmarks/results/tokenizer.json`` and prints the ratios
(baseline time / our time; above 1 means ours is faster).

Run it with sklstm installed (``pip install -e .``), or from the repository
root as ``PYTHONPATH=. python benchmarks/bench_tokenizer.py``. The data home
is ``$SKLSTM_DATA``, or ``../shared/data`` next to the repository.
"""

import json
import os
import platform
import time
from pathlib import Path

import keras
import numpy as np
import pandas as pd
import sklearn
from keras.src.legacy.preprocessing.text import Tokenizer
from sklearn.feature_extraction.text import CountVectorizer

from sklstm import KerasTokenizerTransformer, __version__

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "tokenizer.json"
REPEATS = 3


def imdb_texts():
    """The 50,000 IMDB reviews, train and test, as a list of str."""
    data_home = Path(os.environ.get("SKLSTM_DATA") or REPO.parent / "shared" / "data")
    path = data_home / "imdb" / "imdb.csv.gz"
    if not path.is_file():
        raise SystemExit(f"{path} not found: set SKLSTM_DATA to the data home.")
    return pd.read_csv(path, keep_default_na=False)["text"].tolist()


def keras_fit_transform(texts, params):
    """Keras' legacy pipeline with the settings of our transformer."""
    tokenizer = Tokenizer(
        num_words=params["num_words"],
        filters=params["filters"],
        lower=params["lower"],
        split=params["split"],
        char_level=params["char_level"],
        oov_token=params["oov_token"],
    )
    tokenizer.fit_on_texts(texts)
    return keras.utils.pad_sequences(
        tokenizer.texts_to_sequences(texts),
        maxlen=params["maxlen"],
        padding=params["padding"],
        truncating=params["truncating"],
        dtype=params["dtype"],
        value=0,
    )


def best_time(function, texts):
    """Shortest wall time of REPEATS calls, and the last call's output."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        output = function(texts)
        times.append(time.perf_counter() - start)
    return min(times), times, output


def machine():
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "keras": keras.__version__,
        "sklstm": __version__,
    }


def main():
    texts = imdb_texts()
    params = KerasTokenizerTransformer().get_params()
    candidates = {
        "sklstm": lambda X: KerasTokenizerTransformer().fit_transform(X),
        "countvectorizer": lambda X: CountVectorizer().fit_transform(X),
        "keras_legacy": lambda X: keras_fit_transform(X, params),
    }
    timings, outputs = {}, {}
    for name, function in candidates.items():
        best, runs, outputs[name] = best_time(function, texts)
        runs = [round(seconds, 4) for seconds in runs]
        timings[name] = {"best_s": round(best, 4), "runs_s": runs}
        print(f"{name:>16}: best {best:7.3f} s of {REPEATS}")
    ours = timings["sklstm"]["best_s"]
    ratios = {
        f"{name}_over_sklstm": round(timings[name]["best_s"] / ours, 3)
        for name in ("countvectorizer", "keras_legacy")
    }
    identical = bool(np.array_equal(outputs["sklstm"], outputs["keras_legacy"]))
    for name, ratio in ratios.items():
        print(f"{name}: {ratio:.2f}")
    print(f"sklstm output identical to Keras: {identical}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "dataset": {"name": "imdb", "n_texts": len(texts)},
        "params": params,
        "repeats": REPEATS,
        "timings": timings,
        "ratios": ratios,
        "identical_to_keras": identical,
        "output_shape": list(outputs["sklstm"].shape),
        "machine": machine(),
    }
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
