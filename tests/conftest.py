"""Fixtures shared by the test modules."""

import os
from pathlib import Path

import pytest

DATA_HOME_HELP = (
    "Set SKLSTM_DATA to a folder laid out like the project's shared data home "
    "(<name>/<name>.csv.gz), or run the dataset's loader (for example "
    "sklstm.datasets.load_imdb()) once with network access to download it to "
    "~/sklstm_data."
)


@pytest.fixture(scope="session")
def data_home():
    """The data home named by SKLSTM_DATA; skips the test when it is missing."""
    path = os.environ.get("SKLSTM_DATA")
    if not path or not Path(path).is_dir():
        pytest.skip(f"real-data test skipped: no data home. {DATA_HOME_HELP}")
    return Path(path)


def dataset_file(data_home, name, stem=None):
    """Path of ``<name>/<stem>.csv.gz`` in the data home, or skip the test.

    ``stem`` defaults to ``name``; AG News has one file per split.
    """
    path = Path(data_home) / name / f"{stem or name}.csv.gz"
    if not path.is_file():
        pytest.skip(f"real-data test skipped: {path} is missing. {DATA_HOME_HELP}")
    return path


@pytest.fixture(scope="session")
def dask_client():
    """A client of a two-process local Dask cluster, one thread per worker.

    Started once per session: each worker imports Keras on its first task.
    """
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            env={"TF_CPP_MIN_LOG_LEVEL": "2"},
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client
