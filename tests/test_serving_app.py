"""Tests of the HTTP service of ``sklstm serve``: ASGI client, real server, browser."""

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from tests._exported import PROBE_TEXTS, exported_folder

pytest.importorskip("onnxruntime")
pytest.importorskip("starlette")
pytest.importorskip("httpx2")

from starlette.testclient import TestClient  # noqa: E402

from sklstm.serving import load  # noqa: E402
from sklstm.serving._app import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return exported_folder(tmp_path_factory)


@pytest.fixture(scope="module")
def predictor(folder):
    return load(folder, n_threads=1)


@pytest.fixture(scope="module")
def client(predictor):
    with TestClient(create_app(predictor, max_texts=4, max_body_bytes=2000)) as client:
        yield client


def test_predict_answers_labels_and_probabilities(client, predictor):
    texts = PROBE_TEXTS[:4]
    response = client.post("/predict", json={"texts": texts})
    assert response.status_code == 200
    answers = response.json()["predictions"]
    proba = predictor.predict_proba(texts)
    assert [a["label"] for a in answers] == predictor.predict(texts).tolist()
    for answer, row in zip(answers, proba, strict=True):
        assert list(answer["probabilities"]) == predictor.classes_.tolist()
        np.testing.assert_allclose(list(answer["probabilities"].values()), row)


def test_health_metadata_and_page(client, predictor):
    assert client.get("/health").json() == {"status": "ok"}
    metadata = client.get("/metadata").json()
    assert metadata["classes"] == predictor.classes_.tolist()
    assert metadata["task"] == "single_label"
    page = client.get("/")
    assert page.headers["content-type"].startswith("text/html")
    assert 'id="text"' in page.text and 'id="predict"' in page.text


BAD_REQUESTS = [
    (b"", 400, "body is empty"),
    (b"   ", 400, "body is empty"),
    (b'{"texts": ["a"', 400, "not valid JSON"),
    (b"not json", 400, "not valid JSON"),
    (b'{"texts": ["caf\xe9"]}', 400, "not valid UTF-8"),
    (b'{"texts": "a text"}', 422, '"texts" must be a list of strings; got a str'),
    (b'{"texts": [1, "a"]}', 422, r'"texts"\[0\] is of type int'),
    (b'{"texts": ["a", null]}', 422, r'"texts"\[1\] is of type NoneType'),
    (b'{"texts": []}', 422, '"texts" is empty'),
    (b'["a", "b"]', 422, "got a JSON list"),
    (b'{"text": ["a"]}', 422, r"keys \['text'\]"),
    (b'{"texts": ["a"], "extra": 1}', 422, "keys"),
    (b'{"texts": ["a", "b", "c", "d", "e"]}', 413, "5 entries; at most 4"),
    (b'{"texts": ["' + b"a" * 3000 + b'"]}', 413, "at most 2000"),
]


@pytest.mark.parametrize("body, status, message", BAD_REQUESTS)
def test_bad_requests_get_a_json_error_naming_the_problem(
    client, body, status, message
):
    response = client.post("/predict", content=body)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert re.search(message, response.json()["error"])
    assert client.get("/health").status_code == 200


def test_an_oversized_chunked_body_is_refused(client):
    def chunks():
        for _ in range(5):
            yield b"x" * 1000

    response = client.post("/predict", content=chunks())
    assert response.status_code == 413


def test_unknown_paths_and_methods_answer_json(client):
    assert client.get("/nowhere").json() == {"error": "Not Found"}
    assert client.get("/predict").status_code == 405
    assert "error" in client.get("/predict").json()


# ----------------------------------------------------------- a real server


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(url, body=None):
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@contextlib.contextmanager
def _running(command):
    """The HTTP service that ``command`` starts, in a subprocess; its base URL."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", *command, "--port", str(port), "--threads", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            try:
                _request(f"{url}/health")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    pytest.fail(f"{command} did not start:\n{process.stdout.read()}")
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def server(folder):
    """``sklstm serve`` in a subprocess; its base URL."""
    with _running(["sklstm", "serve", str(folder)]) as url:
        yield url


@pytest.mark.slow
def test_real_server_answers_and_survives_bad_requests(server, predictor):
    status, body = _request(
        f"{server}/predict", json.dumps({"texts": ["good"]}).encode()
    )
    assert status == 200
    assert body["predictions"][0]["label"] == predictor.predict(["good"])[0]
    for bad, expected_status, _ in BAD_REQUESTS[:-2]:
        status, answer = _request(f"{server}/predict", bad)
        assert status == expected_status and "error" in answer
    assert _request(f"{server}/health") == (200, {"status": "ok"})


@pytest.mark.slow
def test_python_m_sklstm_serving_serves(folder, predictor):
    """The entry point of a serving-only image, without the sklstm command."""
    with _running(["sklstm.serving", str(folder)]) as url:
        status, body = _request(f"{url}/predict", b'{"texts": ["good", ""]}')
    assert status == 200
    labels = [answer["label"] for answer in body["predictions"]]
    assert labels == predictor.predict(["good", ""]).tolist()


def test_serve_names_a_folder_that_is_no_export(tmp_path):
    from click.testing import CliRunner

    from sklstm.cli import main

    result = CliRunner().invoke(main, ["serve", str(tmp_path)])
    assert result.exit_code == 1
    assert "lacks metadata.json, model.onnx, tokenizer.json" in result.output


def _chromium():
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not (browser and driver):
        message = (
            "chromium and chromedriver are not installed (Debian: apt-get "
            "install -y chromium chromium-driver)."
        )
        # .ci/run installs them and sets this, so that there a skip is a failure.
        if os.environ.get("SKLSTM_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(f"browser test skipped: {message}")
    return browser, driver


@pytest.mark.slow
def test_page_shows_each_class_probability_in_a_browser(server, predictor, tmp_path):
    browser, driver = _chromium()
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):  # fmt: skip
        options.add_argument(flag)
    session = webdriver.Chrome(
        options=options, service=webdriver.ChromeService(executable_path=driver)
    )
    try:
        session.get(server + "/")
        session.find_element(By.ID, "text").send_keys("a great film, good acting")
        session.find_element(By.ID, "predict").click()
        WebDriverWait(session, 30).until(
            expected_conditions.presence_of_element_located((By.ID, "label"))
        )
        rows = session.find_elements(By.CSS_SELECTOR, "tr.class-row")
        shown = {
            row.get_attribute("data-name"): float(
                row.find_elements(By.TAG_NAME, "td")[1].text
            )
            for row in rows
        }
        label = session.find_element(By.ID, "label").text
    finally:
        session.quit()
    proba = predictor.predict_proba(["a great film, good acting"])[0]
    assert list(shown) == predictor.classes_.tolist()
    np.testing.assert_allclose(list(shown.values()), proba, atol=1e-4)
    assert label == f"Label: {predictor.predict(['a great film, good acting'])[0]}"
