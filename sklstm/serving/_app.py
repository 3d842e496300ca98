"""The HTTP service of ``sklstm serve``: a thin Starlette app over a Predictor.

Each request is parsed and checked here, answered by the predictor, and
written back as JSON; a bad request gets a 4xx JSON error ``{"error": ...}``
that names the problem, and the service carries on. Predictions run in
Starlette's thread pool, so that the event loop keeps accepting requests
while onnxruntime computes.
"""

import json
from importlib import resources

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

# Defaults of ``sklstm serve``'s limits.
MAX_TEXTS = 256
MAX_BODY_BYTES = 1_000_000


class _BadRequest(Exception):
    """A request the service refuses: the HTTP status and what is wrong."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


async def _read_body(request, limit):
    """The request body, refused when empty or longer than ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _BadRequest(413, f"The body has {declared} bytes; at most {limit}.")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _BadRequest(413, f"The body is over {limit} bytes; at most {limit}.")
    if not body.strip():
        raise _BadRequest(400, 'The body is empty; send JSON: {"texts": [...]}.')
    return bytes(body)


def _parse_texts(body, max_texts):
    """The list of texts of a body ``{"texts": [...]}``, every problem named."""
    try:
        document = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise _BadRequest(
            400, f"The body is not valid UTF-8 (byte {exc.start}); send UTF-8 JSON."
        ) from None
    except json.JSONDecodeError as exc:
        raise _BadRequest(400, f"The body is not valid JSON: {exc}.") from None
    if not isinstance(document, dict) or set(document) != {"texts"}:
        found = (
            f"an object with keys {sorted(document)}"
            if isinstance(document, dict)
            else f"a JSON {type(document).__name__}"
        )
        raise _BadRequest(
            422, f'Expected an object with one key, {{"texts": [...]}}; got {found}.'
        )
    texts = document["texts"]
    if not isinstance(texts, list):
        raise _BadRequest(
            422, f'"texts" must be a list of strings; got a {type(texts).__name__}.'
        )
    if not texts:
        raise _BadRequest(422, '"texts" is empty; send at least one text.')
    if len(texts) > max_texts:
        raise _BadRequest(
            413, f'"texts" has {len(texts)} entries; at most {max_texts} per request.'
        )
    for position, text in enumerate(texts):
        if not isinstance(text, str):
            raise _BadRequest(
                422,
                f'"texts"[{position}] is of type {type(text).__name__}, not a string.',
            )
    return texts


def _class_answers(predictor, texts):
    """Each text's label and its probability per class (one label per text)."""
    names = [str(c) for c in predictor.classes_.tolist()]
    labels, proba = predictor.predict_with_proba(texts)
    labels = labels.tolist()
    return [
        {"label": label, "probabilities": dict(zip(names, row, strict=True))}
        for label, row in zip(labels, proba.tolist(), strict=True)
    ]


def _multilabel_answers(predictor, texts):
    """Each text's labels (probability >= 0.5) and every label's probability."""
    names = [str(c) for c in predictor.classes_.tolist()]
    rows, proba = predictor.predict_with_proba(texts)
    return [
        {
            "labels": [name for name, on in zip(names, row, strict=True) if on],
            "probabilities": dict(zip(names, p, strict=True)),
        }
        for row, p in zip(rows.tolist(), proba.tolist(), strict=True)
    ]


def _regression_answers(predictor, texts):
    return [{"prediction": value} for value in predictor.predict(texts).tolist()]


_ANSWERS = {
    "single_label": _class_answers,
    "multi_label": _multilabel_answers,
    "regression": _regression_answers,
}


def create_app(predictor, *, max_texts=MAX_TEXTS, max_body_bytes=MAX_BODY_BYTES):
    """The ASGI app serving ``predictor``.

    Parameters
    ----------
    predictor : sklstm.serving.Predictor
        What answers ``POST /predict``.
    max_texts : int, default=256
        Most texts per request.
    max_body_bytes : int, default=1_000_000
        Longest request body.

    Returns
    -------
    app : starlette.applications.Starlette
        Routes: ``GET /`` (a page to try the model), ``GET /health``,
        ``GET /metadata`` and ``POST /predict`` with ``{"texts": [...]}``.
    """
    answer = _ANSWERS[predictor.task]
    page = resources.files("sklstm.serving").joinpath("page.html").read_text("utf-8")

    async def predict(request):
        body = await _read_body(request, max_body_bytes)
        texts = _parse_texts(body, max_texts)
        return JSONResponse(
            {"predictions": await run_in_threadpool(answer, predictor, texts)}
        )

    async def health(request):
        return JSONResponse({"status": "ok"})

    async def metadata(request):
        return JSONResponse(predictor.metadata)

    async def index(request):
        return HTMLResponse(page)

    async def refused(request, exc):
        return JSONResponse({"error": exc.message}, status_code=exc.status)

    async def http_error(request, exc):
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code)

    return Starlette(
        routes=[
            Route("/", index, methods=["GET"]),
            Route("/health", health, methods=["GET"]),
            Route("/metadata", metadata, methods=["GET"]),
            Route("/predict", predict, methods=["POST"]),
        ],
        exception_handlers={_BadRequest: refused, HTTPException: http_error},
    )


def run(folder, *, host, port, n_threads=None, max_texts=MAX_TEXTS,
        max_body_bytes=MAX_BODY_BYTES):  # fmt: skip
    """Load the exported ``folder`` and serve it with uvicorn until stopped.

    What ``sklstm serve`` and ``python -m sklstm.serving`` run.
    """
    import uvicorn

    from sklstm.serving import load

    predictor = load(folder, n_threads=n_threads)
    app = create_app(predictor, max_texts=max_texts, max_body_bytes=max_body_bytes)
    print(f"Serving {folder} on http://{host}:{port}/ (Ctrl+C stops)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
