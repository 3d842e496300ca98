"""What the benchmark scripts share: data home, machine description, results.

The scripts are run by hand (never in CI), from the repository root, as
``PYTHONPATH=. python benchmarks/<script>.py``. The data home is
``$SKLSTM_DATA`` (default ``/work/shared/data``).
"""

import json
import os
import platform
import resource
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
DEFAULT_DATA_HOME = "/work/shared/data"


def data_home():
    """The data home: ``$SKLSTM_DATA``, else the shared default."""
    return os.environ.get("SKLSTM_DATA") or DEFAULT_DATA_HOME


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine():
    """CPU, load and library versions, so a figure can be read in context."""
    import keras
    import numpy as np
    import sklearn

    import sklstm

    info = {
        "platform": platform.platform(),
        "cpu_model": _cpu_model(),
        "cpu_count": os.cpu_count(),
        # Other jobs share this machine; the load says how much they took.
        "load_average_1_5_15": [round(v, 2) for v in os.getloadavg()],
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "sklstm": sklstm.__version__,
    }
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        info["tensorflow"] = tf.__version__
    return info


def peak_rss_mb():
    """Peak resident memory of this process so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (2**20 if sys.platform == "darwin" else 2**10)


def read_json(path):
    """The JSON object in ``path``, or an empty dict when there is none yet."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def write_json(path, report):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def list_table(rows):
    """A reST ``list-table`` of ``rows``, the first being the header."""
    lines = [".. list-table::", "   :header-rows: 1", ""]
    for row in rows:
        lines.append(f"   * - {row[0]}")
        lines.extend(f"     - {cell}" for cell in row[1:])
    return lines


def seed_runs(configs, config):
    """The results of ``config`` for every seed: ``config``, ``config_seed<s>``."""
    return [
        result
        for key, result in configs.items()
        if key == config or key.startswith(f"{config}_seed")
    ]


def run_name(names, config, runs):
    """A table's name for ``config``, saying how many seeds its figures average."""
    name = names.get(config, config)
    return f"{name} (mean of {len(runs)} seeds)" if len(runs) > 1 else name
