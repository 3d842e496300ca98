"""The exported folder: its files, its format version and their checksums.

:mod:`sklstm.export` writes the folder and :mod:`sklstm.serving` reads it; both
take the names from here. Standard library only.
"""

import hashlib
import json

# Bumped whenever a reader of an older version could misread the folder.
FORMAT_VERSION = 1

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
METADATA_FILE = "metadata.json"

# The files whose SHA-256 the metadata records and the loader verifies.
CHECKED_FILES = (MODEL_FILE, TOKENIZER_FILE)


def sha256(path):
    """The hex SHA-256 digest of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_json(path, data):
    """Write ``data`` as JSON; non-ASCII characters (lone surrogates too) escaped."""
    path.write_text(json.dumps(data, indent=1, ensure_ascii=True) + "\n", "ascii")


def read_json(path):
    """The JSON object in the file at ``path``."""
    with open(path, encoding="ascii") as file:
        return json.load(file)
