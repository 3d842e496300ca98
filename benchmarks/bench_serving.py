"""The exported pipeline against the pipeline: agreement, start, speed, size, HTTP.

For SMS Spam (80/20 stratified split, ``random_state=42``, as
``bench_latency.py``) and 20 Newsgroups (its official test split), fits the
default pipeline (``epochs`` below, no early stopping: agreement and speed do
not depend on accuracy), exports it with :func:`sklstm.export.export_pipeline`
and measures, in one run on this machine:

- agreement: the largest absolute difference between ``predict_proba`` and
  the exported predictor's on the whole test split, and how many labels agree;
- cold start, SMS model: a fresh interpreter (``subprocess``) from its start
  to its first prediction, loading the skops file (pipeline) or the exported
  folder (predictor), median of three;
- one-text p50 latency (``predict([text])``, tokenizing included) on 300
  test messages, and batch throughput on 1,000 test texts (best of five
  rounds), the pipeline and the predictor taking turns;
- the size of a virtualenv holding only numpy, onnxruntime and sklstm
  installed ``--no-deps``;
- a localhost load test of ``sklstm serve`` (8 client threads x 500 requests
  of one text each, keep-alive connections), then malformed requests, each
  of which must get a 4xx, and a health check after them.

Results go to ``benchmarks/results/serving.json`` and the table the docs
include to ``benchmarks/results/serving.rst``. Run from the repository root:
``PYTHONPATH=. python benchmarks/bench_serving.py`` (about 15 minutes on
2 cores).
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import venv  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import skops.io  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402

from benchmarks._common import (  # noqa: E402
    REPO,
    RESULTS,
    data_home,
    list_table,
    machine,
    write_json,
)
from benchmarks.bench_latency import percentiles  # noqa: E402
from sklstm import KerasTokenizerTransformer, LSTMTextClassifier  # noqa: E402
from sklstm.datasets import load_20newsgroups, load_sms_spam  # noqa: E402
from sklstm.export import export_pipeline  # noqa: E402
from sklstm.serving import load  # noqa: E402

LATENCY_TEXTS = 300
BATCH_TEXTS = 1000
BATCH_ROUNDS = 5
COLD_STARTS = 3
CLIENTS, REQUESTS_PER_CLIENT = 8, 500

# Bodies a client may get wrong, each of which the service must answer 4xx.
MALFORMED = [
    b"",
    b"{",
    b"not json",
    b'{"texts": "one text"}',
    b'{"texts": [1, 2]}',
    b'{"texts": []}',
    b'["a"]',
    b'{"text": ["a"]}',
    b'{"texts": ["caf\xe9"]}',
    b'{"texts": [' + b'"a",' * 300 + b'"a"]}',
    b'{"texts": ["' + b"a" * 1_100_000 + b'"]}',
]


def sms_spam():
    texts, labels = load_sms_spam(data_home=data_home(), return_X_y=True)
    return train_test_split(
        texts, labels, test_size=0.2, stratify=labels, random_state=42
    )


def twenty_newsgroups():
    train = load_20newsgroups(data_home=data_home(), subset="train", return_X_y=True)
    test = load_20newsgroups(data_home=data_home(), subset="test", return_X_y=True)
    return train[0], test[0], train[1], test[1]


def fit_and_export(split, epochs, folder):
    texts_train, texts_test, y_train, _ = split
    pipe = make_pipeline(
        KerasTokenizerTransformer(),
        LSTMTextClassifier(epochs=epochs, early_stopping=False, random_state=0),
    )
    start = time.perf_counter()
    pipe.fit(list(texts_train), y_train)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    metadata = export_pipeline(pipe, folder, sample_texts=list(texts_test[:50]))
    export_s = time.perf_counter() - start
    return pipe, {
        "epochs": epochs,
        "fit_s": round(fit_s, 1),
        "export_s": round(export_s, 1),
        "self_check": metadata["self_check"],
    }


def agreement(pipe, predictor, texts):
    texts = list(texts)
    expected, got = pipe.predict_proba(texts), predictor.predict_proba(texts)
    labels_expected, labels_got = pipe.predict(texts), predictor.predict(texts)
    return {
        "n_texts": len(texts),
        "max_abs_difference": float(np.abs(expected - got).max()),
        "labels_identical": int((labels_expected == labels_got).sum()),
    }


def _seconds(function, argument):
    start = time.perf_counter()
    function(argument)
    return time.perf_counter() - start


def speed(pipe, predictor, texts):
    """One-text latency and batch throughput, the two models taking turns.

    Turns, call by call (latency) and round by round (throughput), so that
    the load of a shared machine weighs on both alike.
    """
    texts = list(texts)
    models = {"pipeline": pipe.predict, "exported": predictor.predict}
    for predict in models.values():
        for text in texts[:20]:
            predict([text])
    times = {name: [] for name in models}
    for i, text in enumerate(texts[:LATENCY_TEXTS]):
        order = list(models) if i % 2 else list(models)[::-1]
        for name in order:
            times[name].append(_seconds(models[name], [text]) * 1e3)
    batch = texts[:BATCH_TEXTS]
    for predict in models.values():
        predict(batch)  # the pipeline traces its functions for new widths
    rounds = {name: [] for name in models}
    for _ in range(BATCH_ROUNDS):
        for name, predict in models.items():
            rounds[name].append(_seconds(predict, batch))
    return {
        name: {
            "one_text": percentiles(np.array(times[name])),
            "batch": {
                "seconds": round(min(rounds[name]), 4),
                "texts_per_s": round(len(batch) / min(rounds[name]), 1),
                "rounds_texts_per_s": [round(len(batch) / s, 1) for s in rounds[name]],
            },
        }
        for name in models
    }


_PIPELINE_START = """
import skops.io, sys
from sklstm._persistence import SKLSTM_TYPES
pipe = skops.io.load(sys.argv[1], trusted=list(SKLSTM_TYPES))
pipe.predict(["free entry to win a prize"])
print("ready")
"""

_EXPORTED_START = """
import sys
from sklstm.serving import load
load(sys.argv[1]).predict(["free entry to win a prize"])
print("ready")
"""


def cold_start_s(code, path, python=sys.executable):
    """Seconds from starting a fresh interpreter to its first prediction."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "3"}
    times = []
    for _ in range(COLD_STARTS):
        start = time.perf_counter()
        done = subprocess.run(
            [str(python), "-c", code, str(path)],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        times.append(time.perf_counter() - start)
        assert done.stdout.strip().endswith("ready"), done.stderr
    return {"median_s": round(float(np.median(times)), 3), "runs_s": times}


def folder_mb(path):
    files = (p for p in Path(path).rglob("*") if p.is_file() and not p.is_symlink())
    return round(sum(p.stat().st_size for p in files) / 2**20, 1)


def serving_venv(where, folder):
    """Build the numpy + onnxruntime + sklstm --no-deps env; its size, cold start."""
    env_dir = Path(where) / "serving-venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "numpy", "onnxruntime"], check=True)
    source = shutil.copytree(
        REPO, Path(where) / "src", ignore=shutil.ignore_patterns(".*", "docs", "tests")
    )
    subprocess.run([*pip, "--no-deps", "--no-compile", str(source)], check=True)
    packages = json.loads(
        subprocess.run(
            [str(python), "-m", "pip", "list", "--format=json"],
            capture_output=True, text=True, check=True,
        ).stdout
    )  # fmt: skip
    # PYTHONPATH must not lead the venv to the checkout: it is dropped here.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    start = time.perf_counter()
    subprocess.run(
        [str(python), "-c", _EXPORTED_START, str(folder)], env=env, check=True,
        cwd=where, capture_output=True,
    )  # fmt: skip
    return {
        "size_mb": folder_mb(env_dir),
        "packages": sorted(f"{p['name']}=={p['version']}" for p in packages),
        "cold_start_s": round(time.perf_counter() - start, 3),
    }


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _post(connection, body):
    connection.request("POST", "/predict", body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    return response.status, response.read()


def _client(port, texts, latencies, errors):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for text in texts:
        body = json.dumps({"texts": [text]}).encode()
        start = time.perf_counter()
        try:
            status, _ = _post(connection, body)
        except (OSError, http.client.HTTPException) as exc:
            errors.append(repr(exc))
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        latencies.append((time.perf_counter() - start) * 1e3)
        if status != 200:
            errors.append(status)
    connection.close()


def _wait_for(port, process, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stdout.read())
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("sklstm serve did not start")


def load_test(folder, texts):
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-m", "sklstm", "serve", str(folder), "--port", str(port),
         "--threads", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        _wait_for(port, process)
        latencies, errors = [], []
        texts = list(texts)
        clients = [
            threading.Thread(
                target=_client,
                args=(port, texts[i::CLIENTS][:REQUESTS_PER_CLIENT], latencies, errors),
            )
            for i in range(CLIENTS)
        ]
        start = time.perf_counter()
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        elapsed = time.perf_counter() - start
        malformed = _malformed(port)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/health")
        alive = connection.getresponse().status == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
    latencies = np.array(latencies)
    return {
        "clients": CLIENTS,
        "requests": len(latencies) + sum(not isinstance(e, int) for e in errors),
        "errors": len(errors),
        "p50_ms": round(float(np.percentile(latencies, 50)), 2),
        "p99_ms": round(float(np.percentile(latencies, 99)), 2),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        **malformed,
        "alive_after": alive,
    }


def _malformed(port, rounds=2):
    """Send every malformed body ``rounds`` times; count the 4xx answers."""
    statuses = []
    for body in MALFORMED * rounds:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            status, answer = _post(connection, body)
            statuses.append(status if 400 <= status < 500 and b"error" in answer else 0)
        except (OSError, http.client.HTTPException):
            statuses.append(0)
        connection.close()
    return {
        "malformed_sent": len(statuses),
        "malformed_4xx": sum(400 <= s < 500 for s in statuses),
        "malformed_statuses": sorted(set(statuses)),
    }


def ratio(a, b):
    return round(a / b, 3)


def table(report):
    sms = report["datasets"]["sms_spam"]
    news = report["datasets"]["20newsgroups"]
    pipe, exported = sms["speed"]["pipeline"], sms["speed"]["exported"]
    cold = report["cold_start"]
    http_ = report["load_test"]
    venv_ = report["serving_venv"]
    cores = report["machine"]["cpu_count"]
    load = report["machine"]["load_average_1_5_15"][0]
    rows = [
        ["Measure", "Pipeline (TensorFlow)", "Exported (onnxruntime)", "Ratio"],
        [
            "Cold start to first prediction (s)",
            cold["pipeline"]["median_s"],
            cold["exported"]["median_s"],
            ratio(cold["exported"]["median_s"], cold["pipeline"]["median_s"]),
        ],
        [
            "One-text latency, p50 (ms)",
            pipe["one_text"]["p50_ms"],
            exported["one_text"]["p50_ms"],
            ratio(exported["one_text"]["p50_ms"], pipe["one_text"]["p50_ms"]),
        ],
        [
            f"Batch of {BATCH_TEXTS} texts (texts/s)",
            pipe["batch"]["texts_per_s"],
            exported["batch"]["texts_per_s"],
            ratio(exported["batch"]["texts_per_s"], pipe["batch"]["texts_per_s"]),
        ],
    ]
    agreement_rows = [
        ["Test split", "Epochs fitted", "Texts", "Largest difference", "Same labels"]
    ]
    for name, data in (("SMS Spam", sms), ("20 Newsgroups", news)):
        a = data["agreement"]
        agreement_rows.append(
            [
                name,
                data["epochs"],
                a["n_texts"],
                f"{a['max_abs_difference']:.1e}",
                a["labels_identical"],
            ]
        )
    lines = [
        "Serving an exported pipeline",
        "----------------------------",
        "",
        f"Measured by ``benchmarks/bench_serving.py`` on {cores} CPU cores "
        f"(load average {load} at the start), the default pipeline fitted on "
        "SMS Spam.",
        "",
        *list_table(rows),
        "",
        f"The serving-only virtual environment ({', '.join(venv_['packages'])}) "
        f"takes {venv_['size_mb']} MB on disk; from it, the exported model "
        f"answered its first text {venv_['cold_start_s']} s after the process "
        "started.",
        "",
        "Exported against ``predict_proba`` on whole test splits:",
        "",
        *list_table(agreement_rows),
        "",
        f"``sklstm serve`` under {http_['clients']} clients sending "
        f"{http_['requests']} one-text requests: {http_['errors']} errors, "
        f"p50 {http_['p50_ms']} ms, p99 {http_['p99_ms']} ms, "
        f"{http_['requests_per_s']} requests/s; {http_['malformed_4xx']} of "
        f"{http_['malformed_sent']} malformed requests answered 4xx, and the "
        f"service {'answered' if http_['alive_after'] else 'did not answer'} "
        "its health check after them.",
        "",
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sms-epochs", type=int, default=2)
    parser.add_argument("--news-epochs", type=int, default=1)
    parser.add_argument(
        "--table-only",
        action="store_true",
        help="Rewrite serving.rst from serving.json, measuring nothing.",
    )
    args = parser.parse_args()
    if args.table_only:
        report = json.loads((RESULTS / "serving.json").read_text(encoding="utf-8"))
        (RESULTS / "serving.rst").write_text(table(report), encoding="utf-8")
        return
    report = {"machine": machine(), "datasets": {}}
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        for name, split, epochs in (
            ("sms_spam", sms_spam(), args.sms_epochs),
            ("20newsgroups", twenty_newsgroups(), args.news_epochs),
        ):
            folder = work / f"{name}-export"
            pipe, fit = fit_and_export(split, epochs, folder)
            predictor = load(folder)
            entry = {**fit, "agreement": agreement(pipe, predictor, split[1])}
            entry["export_mb"] = folder_mb(folder)
            print(name, entry, flush=True)
            if name == "sms_spam":
                entry["speed"] = speed(pipe, predictor, split[1])
                skops.io.dump(pipe, work / "sms.skops")
                sms_folder = folder
            report["datasets"][name] = entry
        report["cold_start"] = {
            "pipeline": cold_start_s(_PIPELINE_START, work / "sms.skops"),
            "exported": cold_start_s(_EXPORTED_START, sms_folder),
        }
        print(report["cold_start"], flush=True)
        report["serving_venv"] = serving_venv(work, sms_folder)
        print(report["serving_venv"], flush=True)
        texts = sms_spam()[1] * 4
        report["load_test"] = load_test(sms_folder, texts)
        print(report["load_test"], flush=True)
    write_json(RESULTS / "serving.json", report)
    (RESULTS / "serving.rst").write_text(table(report), encoding="utf-8")
    print(table(report))


if __name__ == "__main__":
    main()
