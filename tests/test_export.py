"""Tests of sklstm.export: the folder, its self-check, and what it refuses."""

import json
import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MultiLabelBinarizer

from sklstm import KerasTokenizerTransformer, LSTMTextClassifier, LSTMTextRegressor
from sklstm.serving import load
from tests._exported import (
    LABELS,
    PROBE_TEXTS,
    TEXTS,
    exported_folder,
    fitted_pipeline,
)

pytest.importorskip("tf2onnx")
pytest.importorskip("onnxruntime")

from sklstm.export import export_pipeline  # noqa: E402


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return exported_folder(tmp_path_factory)


def test_folder_holds_the_graph_vocabulary_and_metadata(folder):
    pipeline = fitted_pipeline()
    estimator = pipeline[-1]
    metadata = json.loads((folder / "metadata.json").read_text())
    assert sorted(p.name for p in folder.iterdir()) == [
        "metadata.json",
        "model.onnx",
        "tokenizer.json",
    ]
    assert metadata["task"] == "single_label"
    assert metadata["classes"] == estimator.classes_.tolist()
    assert metadata["vocab_size"] == estimator.vocab_size_
    assert metadata["oov_id"] == 1
    assert {"sklstm", "keras", "tf2onnx", "onnxruntime", "numpy"} <= set(
        metadata["versions"]
    )
    assert metadata["self_check"]["max_abs_difference"] <= 1e-5
    # The generated check texts plus the probes passed as sample_texts.
    assert metadata["self_check"]["texts"] > len(PROBE_TEXTS) + 100
    tokenizer = json.loads((folder / "tokenizer.json").read_text())
    assert tokenizer["width"] == pipeline[0].sequence_length_
    assert tokenizer["oov_index"] == 1


def test_exported_ids_and_probabilities_match_the_pipeline(folder):
    pipeline = fitted_pipeline()
    predictor = load(folder)
    texts = PROBE_TEXTS + TEXTS[:6]
    np.testing.assert_array_equal(
        predictor.token_ids(texts), pipeline[0].transform(texts)
    )
    np.testing.assert_allclose(
        predictor.predict_proba(texts), pipeline.predict_proba(texts), atol=1e-5, rtol=0
    )
    np.testing.assert_array_equal(predictor.predict(texts), pipeline.predict(texts))


def test_an_export_that_disagrees_is_refused_and_removed(folder, tmp_path, monkeypatch):
    pipeline = fitted_pipeline()
    true_proba = type(pipeline).predict_proba
    # The network converted once already: only the comparison is under test.
    monkeypatch.setattr(
        "sklstm.export._convert_in_tensorflow",
        lambda model, path, opset: shutil.copy(folder / "model.onnx", path),
    )

    def shifted(self, X, **params):
        return true_proba(self, X, **params) + 1e-3

    monkeypatch.setattr(type(pipeline), "predict_proba", shifted)
    with pytest.raises(ValueError, match="differ from the pipeline's by up to 0.001"):
        export_pipeline(pipeline, tmp_path / "model")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_kept_unless_overwrite(tmp_path):
    (tmp_path / "model").mkdir()
    with pytest.raises(FileExistsError, match="overwrite=True"):
        export_pipeline(fitted_pipeline(), tmp_path / "model")


@pytest.mark.parametrize(
    "pipeline, error, match",
    [
        (LSTMTextClassifier(), TypeError, "Pipeline of two steps"),
        (
            make_pipeline(KerasTokenizerTransformer(), KerasTokenizerTransformer()),
            TypeError,
            "steps are KerasTokenizerTransformer and KerasTokenizerTransformer",
        ),
        (
            make_pipeline(KerasTokenizerTransformer(), LSTMTextClassifier()),
            NotFittedError,
            "not fitted",
        ),
    ],
)
def test_what_is_not_a_fitted_sklstm_pipeline_is_refused(
    tmp_path, pipeline, error, match
):
    with pytest.raises(error, match=match):
        export_pipeline(pipeline, tmp_path / "model")
    assert not (tmp_path / "model").exists()


@pytest.mark.parametrize("tolerance", [-1, 1.5, "1e-5"])
def test_bad_tolerance_is_refused(tmp_path, tolerance):
    with pytest.raises(ValueError, match="tolerance must be"):
        export_pipeline(fitted_pipeline(), tmp_path / "m", tolerance=tolerance)


def _small(estimator_class, **params):
    return make_pipeline(
        KerasTokenizerTransformer(maxlen=16),
        estimator_class(
            lstm_units=4,
            embedding_dim=8,
            ngram_buckets=64,
            epochs=1,
            early_stopping=False,
            random_state=0,
            **params,
        ),
    )


@pytest.mark.slow
def test_multilabel_export_matches(tmp_path):
    tags = [["film"], ["film", "good"], ["bad"], ["bad", "film"], [], ["meh"]] * 6
    Y = MultiLabelBinarizer().fit_transform(tags)
    pipeline = _small(LSTMTextClassifier).fit(TEXTS, Y)
    metadata = export_pipeline(pipeline, tmp_path / "m")
    predictor = load(tmp_path / "m")
    assert metadata["task"] == "multi_label"
    np.testing.assert_array_equal(predictor.classes_, pipeline.classes_)
    np.testing.assert_allclose(
        predictor.predict_proba(PROBE_TEXTS), pipeline.predict_proba(PROBE_TEXTS),
        atol=1e-5, rtol=0,
    )  # fmt: skip
    np.testing.assert_array_equal(
        predictor.predict(PROBE_TEXTS), pipeline.predict(PROBE_TEXTS)
    )


@pytest.mark.slow
@pytest.mark.parametrize("two_targets", [False, True])
def test_regression_export_matches(tmp_path, two_targets):
    rng = np.random.default_rng(0)
    y = rng.normal(50, 10, size=(len(TEXTS), 2) if two_targets else len(TEXTS))
    pipeline = _small(LSTMTextRegressor).fit(TEXTS, y)
    metadata = export_pipeline(pipeline, tmp_path / "m")
    predictor = load(tmp_path / "m")
    assert metadata["task"] == "regression"
    expected = pipeline.predict(PROBE_TEXTS)
    got = predictor.predict(PROBE_TEXTS)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-5 * y.std(axis=0).max(), rtol=0)
    assert not hasattr(predictor, "classes_")
    with pytest.raises(AttributeError, match="no predict_proba"):
        predictor.predict_proba(PROBE_TEXTS)


@pytest.mark.slow
def test_jax_fitted_pipeline_exports(tmp_path):
    """Fitted and exported in a JAX process: the graph converts in a TF subprocess."""
    pytest.importorskip("jax")
    script = textwrap.dedent(
        f"""
        import numpy as np
        from sklearn.pipeline import make_pipeline
        from sklstm import KerasTokenizerTransformer, LSTMTextClassifier
        from sklstm.export import export_pipeline
        from sklstm.serving import load
        from tests._exported import TEXTS, LABELS, PROBE_TEXTS
        import keras
        assert keras.backend.backend() == "jax"
        pipe = make_pipeline(KerasTokenizerTransformer(maxlen=16), LSTMTextClassifier(
            lstm_units=4, embedding_dim=8, ngram_buckets=64, epochs=1,
            early_stopping=False, random_state=0)).fit(TEXTS, LABELS)
        metadata = export_pipeline(pipe, {str(tmp_path / "m")!r})
        proba = load({str(tmp_path / "m")!r}).predict_proba(PROBE_TEXTS)
        print(np.abs(proba - pipe.predict_proba(PROBE_TEXTS)).max())
        """
    )
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert float(done.stdout.split()[-1]) <= 1e-5
    metadata = json.loads((tmp_path / "m" / "metadata.json").read_text())
    assert "jax" in metadata["versions"]


@pytest.mark.slow
def test_cli_exports_a_model_file(tmp_path):
    """'sklstm export' on a skops file: its network has never been called."""
    import skops.io
    from click.testing import CliRunner

    from sklstm.cli import main

    skops.io.dump(fitted_pipeline(), tmp_path / "model.skops")
    runner = CliRunner()
    result = runner.invoke(
        main, ["export", str(tmp_path / "model.skops"), str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    assert "self-check on" in result.output
    np.testing.assert_allclose(
        load(tmp_path / "out").predict_proba(PROBE_TEXTS),
        fitted_pipeline().predict_proba(PROBE_TEXTS),
        atol=1e-5,
    )
    again = runner.invoke(
        main, ["export", str(tmp_path / "model.skops"), str(tmp_path / "out")]
    )
    assert again.exit_code == 1
    assert "already exists" in again.output


def _labelled_table(path):
    import pandas as pd

    pd.DataFrame({"text": TEXTS[:12], "label": LABELS[:12]}).to_csv(path, index=False)
    return path


def test_cli_predicts_and_evaluates_with_an_exported_folder(folder, tmp_path):
    """'sklstm predict' and 'evaluate' take the folder where they take a model file."""
    import pandas as pd
    from click.testing import CliRunner
    from sklearn.metrics import accuracy_score

    from sklstm.cli import main

    data = _labelled_table(tmp_path / "data.csv")
    pipeline = fitted_pipeline()
    runner = CliRunner()
    result = runner.invoke(
        main, ["predict", str(folder), str(data), "-o", str(tmp_path / "p.csv")]
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "p.csv")
    assert list(table["label"]) == list(pipeline.predict(TEXTS[:12]))
    proba_columns = [f"proba_{c}" for c in pipeline.classes_]
    np.testing.assert_allclose(
        table[proba_columns], pipeline.predict_proba(TEXTS[:12]), atol=1e-5
    )
    result = runner.invoke(
        main, ["evaluate", str(folder), str(data), "--output-dir", str(tmp_path / "e")]
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "e" / "metrics.json").read_text())
    expected = accuracy_score(LABELS[:12], pipeline.predict(TEXTS[:12]))
    assert metrics["accuracy"] == pytest.approx(expected)


@pytest.mark.slow
def test_cli_predict_with_an_exported_folder_imports_no_keras(folder, tmp_path):
    data = _labelled_table(tmp_path / "data.csv")
    script = textwrap.dedent(
        f"""
        import sys
        from sklstm.cli import main

        main(["predict", {str(folder)!r}, {str(data)!r}], standalone_mode=False)
        heavy = {{"keras", "tensorflow", "jax"}}
        loaded = sorted(heavy & {{name.split(".")[0] for name in sys.modules}})
        assert not loaded, loaded
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines()[0].startswith("label,proba_")
