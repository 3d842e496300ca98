"""``python -m sklstm.serving FOLDER``: ``sklstm serve`` for a serving-only image.

The ``sklstm`` command needs the training stack (Keras, scikit-learn, pandas);
this entry point needs only what the HTTP service does (numpy, onnxruntime,
starlette, uvicorn), beside sklstm installed with ``--no-deps``.
"""

import argparse
import sys

from sklstm.serving._app import MAX_BODY_BYTES, MAX_TEXTS, run


def _positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m sklstm.serving",
        description="Serve an exported sklstm folder over HTTP.",
    )
    parser.add_argument("folder")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--threads", type=_positive, default=None)
    parser.add_argument("--max-texts", type=_positive, default=MAX_TEXTS)
    parser.add_argument("--max-body-bytes", type=_positive, default=MAX_BODY_BYTES)
    args = parser.parse_args(argv)
    try:
        run(
            args.folder, host=args.host, port=args.port, n_threads=args.threads,
            max_texts=args.max_texts, max_body_bytes=args.max_body_bytes,
        )  # fmt: skip
    except (ValueError, OSError) as exc:
        sys.exit(f"error: {' '.join(str(exc).split())}")


if __name__ == "__main__":
    main()
