"""Tests of sklstm.serving: the predictor, its checks, and what it imports."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
import venv
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from tests._exported import PROBE_TEXTS, TEXTS, exported_folder, fitted_pipeline

pytest.importorskip("onnxruntime")

from sklstm.serving import load  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

# What a serving process must not import: the point of the exported folder.
HEAVY = ("tensorflow", "keras", "sklearn", "jax", "pandas", "scipy")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return exported_folder(tmp_path_factory)


@pytest.fixture
def copy(folder, tmp_path):
    """A copy of the exported folder that a test may damage."""
    return Path(shutil.copytree(folder, tmp_path / "model"))


def test_predictor_answers_as_the_pipeline(folder):
    pipeline = fitted_pipeline()
    predictor = load(folder, n_threads=1)
    np.testing.assert_array_equal(predictor.classes_, pipeline.classes_)
    texts = TEXTS + PROBE_TEXTS
    labels, proba = predictor.predict_with_proba(texts)
    np.testing.assert_allclose(proba, pipeline.predict_proba(texts), atol=1e-5)
    np.testing.assert_array_equal(labels, pipeline.predict(texts))
    np.testing.assert_array_equal(predictor.predict(texts), labels)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)


def test_predictor_is_thread_safe(folder):
    predictor = load(folder, n_threads=1)
    batches = [PROBE_TEXTS[i:] + TEXTS[: 3 * i] for i in range(len(PROBE_TEXTS))]
    expected = [predictor.predict_proba(batch) for batch in batches]
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(predictor.predict_proba, batches * 4))
    for answer, reference in zip(got, expected * 4, strict=True):
        np.testing.assert_array_equal(answer, reference)


@pytest.mark.parametrize(
    "texts, error, match",
    [
        ("good film", ValueError, "texts is a single string"),
        (["good", 3], TypeError, "Entry 1 of texts .* is of type int"),
        (["good", None], ValueError, "Entry 1 of texts .* missing value"),
        ([], ValueError, "texts is empty"),
    ],
)
def test_predictor_names_bad_input(folder, texts, error, match):
    with pytest.raises(error, match=match):
        load(folder).predict(texts)


def test_a_changed_file_is_refused(copy):
    tokenizer = json.loads((copy / "tokenizer.json").read_text())
    tokenizer["oov_index"] = 2
    (copy / "tokenizer.json").write_text(json.dumps(tokenizer))
    with pytest.raises(ValueError, match="tokenizer.json does not match the checksum"):
        load(copy)


def test_a_missing_file_is_refused(copy):
    (copy / "model.onnx").unlink()
    with pytest.raises(FileNotFoundError, match="lacks model.onnx"):
        load(copy)
    with pytest.raises(FileNotFoundError, match="is not a folder"):
        load(copy / "nowhere")


def test_another_format_version_is_refused(copy):
    metadata = json.loads((copy / "metadata.json").read_text())
    metadata["format_version"] = 99
    (copy / "metadata.json").write_text(json.dumps(metadata))
    with pytest.raises(ValueError, match="format version 99"):
        load(copy)


@pytest.mark.parametrize("n_threads", [0, 1.5, "2"])
def test_bad_thread_count_is_refused(folder, n_threads):
    with pytest.raises(ValueError, match="n_threads must be"):
        load(folder, n_threads=n_threads)


def _serving_script(folder, texts):
    """A script that loads, predicts, and reports what the process imported."""
    return textwrap.dedent(
        f"""
        import json, sys
        from sklstm.serving import load
        predictor = load({str(folder)!r}, n_threads=1)
        proba = predictor.predict_proba({texts!r}).tolist()
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})
        print(json.dumps({{"proba": proba, "heavy": heavy}}))
        """
    )


def _run(python, script, **kwargs):
    done = subprocess.run(
        [str(python), "-c", script], capture_output=True, text=True, **kwargs
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.slow
def test_serving_imports_neither_keras_nor_sklearn(folder):
    result = _run(sys.executable, _serving_script(folder, PROBE_TEXTS), cwd=ROOT)
    assert result["heavy"] == []
    np.testing.assert_allclose(
        result["proba"], fitted_pipeline().predict_proba(PROBE_TEXTS), atol=1e-5
    )


def _pip(python, *args):
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         *args],
        check=True, timeout=600,
    )  # fmt: skip


@pytest.mark.slow
def test_serving_venv_with_numpy_and_onnxruntime_only(folder, tmp_path):
    """The claim of the docs: numpy + onnxruntime + sklstm --no-deps serves."""
    env_dir = tmp_path / "serving-venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    _pip(python, "numpy", "onnxruntime")
    # A copy of the sources, so that the build leaves nothing in the checkout.
    source = shutil.copytree(
        ROOT, tmp_path / "src", ignore=shutil.ignore_patterns(".*", "docs", "tests")
    )
    _pip(python, "--no-deps", str(source))
    installed = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=json"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    names = {p["name"].lower() for p in json.loads(installed)}
    assert not names & {"tensorflow", "keras", "scikit-learn", "jax", "pandas"}
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = _run(python, _serving_script(folder, PROBE_TEXTS), cwd=tmp_path, env=env)
    assert result["heavy"] == []
    np.testing.assert_allclose(
        result["proba"], fitted_pipeline().predict_proba(PROBE_TEXTS), atol=1e-5
    )
