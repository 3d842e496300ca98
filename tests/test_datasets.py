"""Tests for sklstm.datasets: the data home, the download path and the loaders.

Downloads are served from a loopback HTTP server inside the test, so no test
needs the network. The real-data tests read the data home named by
SKLSTM_DATA and skip without it.
"""

import csv
import gzip
import hashlib
import http.server
import io
import random
import socket
import tarfile
import threading
import zipfile
from collections import Counter
from dataclasses import replace
from functools import partial
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from sklearn.preprocessing import MultiLabelBinarizer

from sklstm.datasets import (
    _ag_news,
    _base,
    _emobank,
    _goemotions,
    _imdb,
    _sms_spam,
    _twenty_newsgroups,
    get_data_home,
    load_20newsgroups,
    load_ag_news,
    load_emobank,
    load_goemotions,
    load_imdb,
    load_sms_spam,
)
from tests.conftest import dataset_file

# A tab inside a message, quotes and commas for the CSV, texts pandas would
# read as NaN by default, an empty text and a non-ASCII quote.
SMS_LINES = [
    ("ham", "Ok lar... Joking wif u oni..."),
    ("spam", 'FREE entry\tto "WIN", txt now'),
    ("ham", "NA"),
    ("ham", "null"),
    ("ham", ""),
    ("spam", "I\u2018m going to try for 2 months"),
]
SMS_COUNTS = {"ham": 4, "spam": 2}

# Members in no particular order, ids that sort differently as text and as
# numbers, and the archive's other files, which the conversion leaves out.
IMDB_MEMBERS = {
    "aclImdb/README": "Large Movie Review Dataset v1.0",
    "aclImdb/train/labeledBow.feat": "0:9 1:1",
    "aclImdb/train/unsup/0_0.txt": "unlabelled",
    "aclImdb/test/pos/10_9.txt": "test positive 10",
    "aclImdb/test/pos/2_7.txt": "test positive 2",
    "aclImdb/test/neg/0_1.txt": "test negative 0",
    "aclImdb/train/pos/0_10.txt": "train positive 0",
    "aclImdb/train/neg/1_3.txt": 'Bad.<br /><br />Really, "bad"; don\'t.',
    "aclImdb/train/neg/0_4.txt": "train negative 0",
}
IMDB_ROWS = [
    ("train negative 0", "negative", "train"),
    ('Bad.<br /><br />Really, "bad"; don\'t.', "negative", "train"),
    ("train positive 0", "positive", "train"),
    ("test negative 0", "negative", "test"),
    ("test positive 2", "positive", "test"),
    ("test positive 10", "positive", "test"),
]
IMDB_COUNTS = {
    ("train", "negative"): 2,
    ("train", "positive"): 1,
    ("test", "negative"): 1,
    ("test", "positive"): 2,
}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        """Keep the request log out of the test output."""


@pytest.fixture
def server(tmp_path):
    """Files under ``server.root`` served on 127.0.0.1, paths logged."""
    root = tmp_path / "www"
    root.mkdir()
    requested = []

    class Handler(_QuietHandler):
        def do_GET(self):
            requested.append(self.path)
            super().do_GET()

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(Handler, directory=root)
    )
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{httpd.server_port}/"
    yield SimpleNamespace(root=root, url=url, requested=requested)
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def closed_url():
    """A loopback URL on which nothing listens: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/archive"


@pytest.fixture
def home(tmp_path):
    """An empty data home."""
    path = tmp_path / "data_home"
    path.mkdir()
    return path


def serve(server, name, payload):
    """Publish ``payload`` as ``name`` on the server; return its URL."""
    (server.root / name).write_bytes(payload)
    return server.url + name


def point_at(monkeypatch, module, url, *, index=0, **changes):
    """Make ``module``'s loader download its file number ``index`` from ``url``."""
    files = list(module._DATA_FILES)
    # Without its bundled copy, so that the loader downloads.
    files[index] = replace(files[index], url=url, **{"bundled": None, **changes})
    monkeypatch.setattr(module, "_DATA_FILES", tuple(files))


def sha256(payload):
    return hashlib.sha256(payload).hexdigest()


def sms_zip(lines):
    """The UCI layout: ``SMSSpamCollection`` with ``label<TAB>text`` lines."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("readme", "SMS Spam Collection v.1\n")
        body = "".join(f"{label}\t{text}\n" for label, text in lines)
        bundle.writestr("SMSSpamCollection", body.encode("utf-8"))
    return buffer.getvalue()


def tar_gz(members):
    """A tar.gz of ``{name: str or bytes}``, members in the given order."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as tar:
        for name, content in members.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def gz_text(path):
    return gzip.decompress(path.read_bytes()).decode("utf-8")


def write_csv_gz(frame, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)


def test_get_data_home_prefers_argument_then_environment_then_home(
    monkeypatch, tmp_path
):
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.delenv("SKLSTM_DATA", raising=False)
    assert get_data_home() == tmp_path / "user" / "sklstm_data"
    monkeypatch.setenv("SKLSTM_DATA", "")
    assert get_data_home() == tmp_path / "user" / "sklstm_data"
    monkeypatch.setenv("SKLSTM_DATA", str(tmp_path / "env"))
    assert get_data_home() == tmp_path / "env"
    assert get_data_home(tmp_path / "arg") == tmp_path / "arg"
    assert get_data_home("~/arg") == tmp_path / "user" / "arg"
    assert not (tmp_path / "env").exists(), "get_data_home must not create it"


def test_loaders_read_the_data_home_named_by_the_environment(monkeypatch, home):
    frame = pd.DataFrame({"text": ["NA", "", "hello"], "label": ["ham", "spam", "ham"]})
    write_csv_gz(frame, home / "sms_spam" / "sms_spam.csv.gz")
    monkeypatch.setenv("SKLSTM_DATA", str(home))
    sms = load_sms_spam(download_if_missing=False)
    assert sms.data == ["NA", "", "hello"], "texts like NA must not become NaN"
    assert sms.target.tolist() == ["ham", "spam", "ham"]


def test_shuffle_is_seeded_and_keeps_texts_with_their_labels(home):
    texts = [f"message {i}" for i in range(50)]
    labels = ["spam" if i % 3 else "ham" for i in range(50)]
    write_csv_gz(
        pd.DataFrame({"text": texts, "label": labels}),
        home / "sms_spam" / "sms_spam.csv.gz",
    )
    first = load_sms_spam(data_home=home, shuffle=True, random_state=0)
    again = load_sms_spam(data_home=home, shuffle=True, random_state=0)
    assert first.data == again.data
    assert first.data != texts
    assert sorted(zip(first.data, first.target, strict=True)) == sorted(
        zip(texts, labels, strict=True)
    )
    frame = load_sms_spam(data_home=home, shuffle=True, random_state=0, as_frame=True)
    assert frame.data.tolist() == first.data
    assert frame.frame.index.tolist() == list(range(50))


@pytest.mark.parametrize(
    "load, subset, message",
    [
        (load_sms_spam, "train", "has no official train/test split"),
        (load_sms_spam, "test", "subset must be 'all'"),
        (load_imdb, "validation", "one of 'train', 'test', 'all' for IMDB"),
        (load_20newsgroups, "dev", "one of 'train', 'test', 'all'"),
        (load_ag_news, "TRAIN", "one of 'train', 'test', 'all'"),
        (load_goemotions, "validation", "'train', 'dev', 'test', 'all' for GoEmo"),
        (load_emobank, "TEST", "one of 'train', 'dev', 'test', 'all' for EmoBank"),
    ],
)
def test_unknown_subset_is_rejected_before_any_file_is_read(
    load, subset, message, home
):
    with pytest.raises(ValueError, match=message):
        load(data_home=home, subset=subset)
    assert list(home.iterdir()) == []


def test_sms_spam_without_data_home_reads_the_bundled_copy(
    monkeypatch, home, closed_url
):
    # Any download attempt would fail on this URL.
    monkeypatch.setattr(
        _sms_spam,
        "_DATA_FILES",
        tuple(replace(f, url=closed_url) for f in _sms_spam._DATA_FILES),
    )
    monkeypatch.setenv("SKLSTM_DATA", str(home))
    sms = load_sms_spam()
    assert len(sms.data) == 5574
    assert Counter(sms.target) == {"ham": 4827, "spam": 747}
    assert sms.data[0].startswith("Go until jurong point, crazy..")
    assert "CC BY 4.0" in sms.DESCR and "Almeida" in sms.DESCR
    assert list(home.iterdir()) == [], "the bundled copy is read, not copied"


def test_sms_spam_in_the_data_home_wins_over_the_bundled_copy(home):
    frame = pd.DataFrame({"text": ["mine", "too"], "label": ["ham", "spam"]})
    write_csv_gz(frame, home / "sms_spam" / "sms_spam.csv.gz")
    assert load_sms_spam(data_home=home).data == ["mine", "too"]


def test_sms_download_is_converted_verified_and_cached(server, monkeypatch, home):
    archive = sms_zip(SMS_LINES)
    url = serve(server, "sms+spam+collection.zip", archive)
    point_at(
        monkeypatch, _sms_spam, url, sha256=sha256(archive), class_counts=SMS_COUNTS
    )

    sms = load_sms_spam(data_home=home)

    assert sms.data == [text for _, text in SMS_LINES]
    assert isinstance(sms.target, np.ndarray)
    assert sms.target.tolist() == [label for label, _ in SMS_LINES]
    assert sms.target_names == ["ham", "spam"]
    assert sms.frame is None
    assert "SMS Spam Collection" in sms.DESCR
    folder = home / "sms_spam"
    assert [path.name for path in folder.iterdir()] == ["sms_spam.csv.gz"]
    assert gz_text(folder / "sms_spam.csv.gz").startswith(
        'text,label\nOk lar... Joking wif u oni...,ham\n"FREE entry\tto ""WIN"", '
    )
    load_sms_spam(data_home=home)
    assert server.requested == ["/sms+spam+collection.zip"], "second call re-fetched"


def test_imdb_download_orders_rows_by_split_label_and_numeric_id(
    server, monkeypatch, home
):
    url = serve(server, "aclImdb_v1.tar.gz", tar_gz(IMDB_MEMBERS))
    point_at(monkeypatch, _imdb, url, sha256=None, class_counts=IMDB_COUNTS)

    imdb = load_imdb(data_home=home, as_frame=True)

    assert list(imdb.frame.itertuples(index=False, name=None)) == IMDB_ROWS
    assert imdb.target_names == ["negative", "positive"]
    X_test, y_test = load_imdb(data_home=home, subset="test", return_X_y=True)
    assert X_test == [text for text, _, split in IMDB_ROWS if split == "test"]
    assert y_test.tolist() == ["negative", "positive", "positive"]


def test_20newsgroups_download_decodes_latin1_and_keeps_carriage_returns(
    server, monkeypatch, home
):
    members = {
        "20news-bydate-train/sci.space/61000": b"From: a\r\nSpace \xff\n",
        "20news-bydate-test/sci.space/60000": b"From: b\n",
        "20news-bydate-train/alt.atheism/51060": b"From: c\nNa\xefve\n",
    }
    counts = {
        ("train", "alt.atheism"): 1,
        ("train", "sci.space"): 1,
        ("test", "sci.space"): 1,
    }
    url = serve(server, "20news-bydate.tar.gz", tar_gz(members))
    point_at(monkeypatch, _twenty_newsgroups, url, sha256=None, class_counts=counts)

    news = load_20newsgroups(data_home=home)

    assert news.data == [
        "From: c\nNa\u00efve\n",
        "From: a\r\nSpace \u00ff\n",
        "From: b\n",
    ]
    assert news.target.tolist() == ["alt.atheism", "sci.space", "sci.space"]


def test_ag_news_downloads_only_the_split_it_needs(
    server, monkeypatch, home, closed_url
):
    rows = [
        ("3", "Wall St. Bears Claw Back", "Reuters - Short-sellers, #36;46."),
        ("4", "Spam", "Line one\\line two"),
        ("1", "Talks", ""),
    ]
    source = io.StringIO()
    csv.writer(source, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    url = serve(server, "test.csv", source.getvalue().encode("utf-8"))
    counts = {("test", "Business"): 1, ("test", "Sci/Tech"): 1, ("test", "World"): 1}
    point_at(monkeypatch, _ag_news, closed_url, index=0)
    point_at(monkeypatch, _ag_news, url, index=1, sha256=None, class_counts=counts)

    news = load_ag_news(data_home=home, subset="test")

    assert news.data == [
        "Wall St. Bears Claw Back. Reuters - Short-sellers, #36;46.",
        "Spam. Line one\\line two",
        "Talks. ",
    ]
    assert news.target.tolist() == ["Business", "Sci/Tech", "World"]
    assert [path.name for path in (home / "ag_news").iterdir()] == [
        "ag_news_test.csv.gz"
    ]
    with pytest.raises(OSError, match="Could not download AG News data"):
        load_ag_news(data_home=home)


def test_failed_download_says_where_to_put_the_file(monkeypatch, home, closed_url):
    point_at(monkeypatch, _sms_spam, closed_url)
    folder = home / "sms_spam"
    with pytest.raises(OSError) as raised:
        load_sms_spam(data_home=home)
    message = str(raised.value)
    assert "Could not download SMS Spam Collection data" in message
    assert str(folder / "sms_spam.csv.gz") in message
    assert str(folder / "sms+spam+collection.zip") in message
    assert closed_url in message
    assert list(folder.iterdir()) == [], "a failed download left a file behind"


def test_download_that_times_out_fails_with_the_same_guidance(monkeypatch, home):
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/archive"
        point_at(monkeypatch, _imdb, url)
        monkeypatch.setattr(_base, "_TIMEOUT_S", 0.2)
        with pytest.raises(OSError, match="Could not download IMDB data") as raised:
            load_imdb(data_home=home)
    assert str(home / "imdb" / "imdb.csv.gz") in str(raised.value)
    assert list((home / "imdb").iterdir()) == []


def test_download_if_missing_false_raises_file_not_found(server, monkeypatch, home):
    url = serve(server, "aclImdb_v1.tar.gz", tar_gz(IMDB_MEMBERS))
    point_at(monkeypatch, _imdb, url)
    with pytest.raises(FileNotFoundError) as raised:
        load_imdb(data_home=home, download_if_missing=False)
    message = str(raised.value)
    assert "No IMDB data in" in message
    assert str(home / "imdb" / "imdb.csv.gz") in message
    assert str(home / "imdb" / "aclImdb_v1.tar.gz") in message
    assert url in message
    assert server.requested == []


def test_archive_saved_by_hand_is_converted_without_network(
    monkeypatch, home, closed_url
):
    archive = sms_zip(SMS_LINES)
    folder = home / "sms_spam"
    folder.mkdir()
    (folder / "sms+spam+collection.zip").write_bytes(archive)
    point_at(
        monkeypatch,
        _sms_spam,
        closed_url,
        sha256=sha256(archive),
        class_counts=SMS_COUNTS,
    )

    sms = load_sms_spam(data_home=home, download_if_missing=False)

    assert sms.data == [text for _, text in SMS_LINES]
    assert sorted(path.name for path in folder.iterdir()) == [
        "sms+spam+collection.zip",
        "sms_spam.csv.gz",
    ], "the user's archive is kept"


@pytest.mark.parametrize(
    "payload, changes, message",
    [
        (b"<html>Not found</html>", {}, "could not be read as SMS Spam Collection"),
        (
            sms_zip(SMS_LINES)[:-40],
            {},
            "could not be read as SMS Spam Collection",
        ),
        (
            sms_zip(SMS_LINES),
            {"sha256": "0" * 64},
            "not the published 0000",
        ),
        (
            sms_zip(SMS_LINES[:-1]),
            {},
            r"expected the counts \{'ham': 4, 'spam': 2\}, found",
        ),
        (
            sms_zip([("ham", "a"), ("spam", "b")]),
            {"class_counts": {"ham": 1}},
            "does not hold the published",
        ),
    ],
    ids=["not-a-zip", "truncated", "checksum", "counts", "extra-class"],
)
def test_download_failing_verification_leaves_no_file(
    payload, changes, message, server, monkeypatch, home
):
    url = serve(server, "sms+spam+collection.zip", payload)
    changes = {"sha256": None, "class_counts": SMS_COUNTS, **changes}
    point_at(monkeypatch, _sms_spam, url, **changes)
    with pytest.raises(OSError, match=message) as raised:
        load_sms_spam(data_home=home)
    assert "Nothing was written to" in str(raised.value)
    assert f"The file downloaded from {url}" in str(raised.value)
    assert list((home / "sms_spam").iterdir()) == []


def test_line_without_tab_is_reported(server, monkeypatch, home):
    body = b"ham\tfine\nspam no tab here\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("SMSSpamCollection", body)
    url = serve(server, "sms.zip", buffer.getvalue())
    point_at(monkeypatch, _sms_spam, url, sha256=None)
    with pytest.raises(OSError, match="line 2 of SMSSpamCollection has no tab"):
        load_sms_spam(data_home=home)


# GoEmotions and EmoBank: a data file converted from several sources, and
# targets other than one label per text.

# The 28 GoEmotions labels in the order of emotions.txt, label id 0 to 27.
GOEMOTIONS_NAMES = [
    "admiration", "amusement", "anger", "annoyance", "approval", "caring",
    "confusion", "curiosity", "desire", "disappointment", "disapproval",
    "disgust", "embarrassment", "excitement", "fear", "gratitude", "grief",
    "joy", "love", "nervousness", "optimism", "pride", "realization", "relief",
    "remorse", "sadness", "surprise", "neutral",
]  # fmt: skip
# The sources' own CSV quoting (a text with quotes and a trailing space),
# several label ids, and a text pandas would read as NaN by default.
GOEMOTIONS_SOURCES = {
    "train.tsv": (
        b"My favourite food is anything I didn't have to cook myself.\t27\teebbqej\n"
        b'"Three words, no subtlety. ""Dude. Stop."" "\t3\ted00q6i\n'
        b"[NAME] is great, love it\t0,17,18\teezlygj\n"
    ),
    "dev.tsv": b"Is this in New Orleans??\t27\tedgurhb\nNA\t16\tee84bjg\n",
    "test.tsv": "I\u2019m really sorry :(\t25\teecwqtt\n".encode(),
    "emotions.txt": "\n".join(GOEMOTIONS_NAMES).encode(),
}
GOEMOTIONS_ROWS = [
    (
        "My favourite food is anything I didn't have to cook myself.",
        ("neutral",),
        "train",
    ),
    ('Three words, no subtlety. "Dude. Stop." ', ("annoyance",), "train"),
    ("[NAME] is great, love it", ("admiration", "joy", "love"), "train"),
    ("Is this in New Orleans??", ("neutral",), "dev"),
    ("NA", ("grief",), "dev"),
    ("I\u2019m really sorry :(", ("sadness",), "test"),
]
GOEMOTIONS_COUNTS = Counter(
    (split, name) for _, names, split in GOEMOTIONS_ROWS for name in names
)
EMOBANK_SOURCE = (
    b"id,split,V,A,D,text\n"
    b'110CYL068_1036_1079,train,3.0,3.0,3.2,"Remember what she said in my '
    b'last letter? """\n'
    b"110CYL068_1079_1110,test,2.8,3.1,2.8,If I wasn't working here.\n"
    b"easy_money_13624_13628,dev,2.78,2.89,2.78,None\n"
    b'wwf12_932_1053,train,1.2,4.0,3.0,"""Fuck you"", she said, NA"\n'
)
EMOBANK_ROWS = [
    ('Remember what she said in my last letter? "', 3.0, 3.0, 3.2, "train"),
    ("If I wasn't working here.", 2.8, 3.1, 2.8, "test"),
    ("None", 2.78, 2.89, 2.78, "dev"),
    ('"Fuck you", she said, NA', 1.2, 4.0, 3.0, "train"),
]
EMOBANK_COUNTS = {"train": 2, "dev": 1, "test": 1}
SOURCES = {**GOEMOTIONS_SOURCES, "emobank.csv": EMOBANK_SOURCE}


def point_sources(monkeypatch, module, urls, sha256s, **changes):
    """Make ``module``'s loader fetch each source from ``urls[name]``.

    Each is checked against ``sha256s[name]``; ``name`` is the source's
    ``archive_name``.
    """
    (data_file,) = module._DATA_FILES
    first, *more = (
        replace(
            source,
            url=urls[source.archive_name],
            sha256=sha256s[source.archive_name],
        )
        for source in data_file.sources
    )
    data_file = replace(
        data_file,
        url=first.url,
        sha256=first.sha256,
        more_sources=tuple(more),
        **changes,
    )
    monkeypatch.setattr(module, "_DATA_FILES", (data_file,))


def serve_sources(server, monkeypatch, module, payloads, *, sha256s=(), **changes):
    """Serve ``payloads``, ``{name: bytes}``, as the sources of ``module``.

    Each source is checked against its payload's SHA-256, or against
    ``sha256s[name]`` where given. Returns the URLs, ``{name: url}``.
    """
    urls = {name: serve(server, name, payload) for name, payload in payloads.items()}
    checksums = {name: sha256(payload) for name, payload in payloads.items()}
    point_sources(monkeypatch, module, urls, checksums | dict(sha256s), **changes)
    return urls


def indicator(label_tuples):
    matrix = np.zeros((len(label_tuples), 28), dtype=int)
    for row, names in enumerate(label_tuples):
        matrix[row, [GOEMOTIONS_NAMES.index(name) for name in names]] = 1
    return matrix


def test_goemotions_download_gives_an_indicator_matrix_and_label_tuples(
    server, monkeypatch, home
):
    serve_sources(
        server,
        monkeypatch,
        _goemotions,
        GOEMOTIONS_SOURCES,
        class_counts=GOEMOTIONS_COUNTS,
    )

    emotions = load_goemotions(data_home=home, subset="all")

    assert emotions.data == [text for text, _, _ in GOEMOTIONS_ROWS]
    assert emotions.labels == [names for _, names, _ in GOEMOTIONS_ROWS]
    assert emotions.target_names == GOEMOTIONS_NAMES
    assert isinstance(emotions.target, np.ndarray)
    assert emotions.target.dtype.kind == "i"
    np.testing.assert_array_equal(emotions.target, indicator(emotions.labels))
    assert emotions.frame is None
    assert "GoEmotions" in emotions.DESCR and "CC BY 4.0" in emotions.DESCR
    folder = home / "goemotions"
    assert [path.name for path in folder.iterdir()] == ["goemotions.csv.gz"]
    assert gz_text(folder / "goemotions.csv.gz").startswith(
        "text,labels,split\n"
        "My favourite food is anything I didn't have to cook myself.,neutral,train\n"
        '"Three words, no subtlety. ""Dude. Stop."" ",annoyance,train\n'
        '"[NAME] is great, love it",admiration;joy;love,train\n'
    )
    assert sorted(server.requested) == [
        "/dev.tsv",
        "/emotions.txt",
        "/test.tsv",
        "/train.tsv",
    ]

    X_dev, y_dev = load_goemotions(data_home=home, subset="dev", return_X_y=True)

    assert X_dev == ["Is this in New Orleans??", "NA"]
    np.testing.assert_array_equal(y_dev, indicator([("neutral",), ("grief",)]))
    assert len(server.requested) == 4, "second call re-fetched"
    assert load_goemotions(data_home=home, subset="train").data == [
        text for text, _, split in GOEMOTIONS_ROWS if split == "train"
    ]
    assert (
        load_goemotions(data_home=home).data
        == load_goemotions(data_home=home, subset="all").data
    ), "the default subset is all, as for the other loaders"


def test_goemotions_as_frame_has_one_target_column_per_emotion(
    server, monkeypatch, home
):
    serve_sources(
        server,
        monkeypatch,
        _goemotions,
        GOEMOTIONS_SOURCES,
        class_counts=GOEMOTIONS_COUNTS,
    )

    emotions = load_goemotions(data_home=home, subset="all", as_frame=True)

    assert list(emotions.frame.columns) == ["text", "labels", "split"]
    assert emotions.frame["labels"].iloc[2] == "admiration;joy;love"
    assert emotions.data.equals(emotions.frame["text"])
    assert list(emotions.target.columns) == GOEMOTIONS_NAMES
    np.testing.assert_array_equal(
        emotions.target.to_numpy(), indicator(emotions.labels)
    )
    shuffled = load_goemotions(
        data_home=home, subset="all", shuffle=True, random_state=0
    )
    assert sorted(zip(shuffled.data, shuffled.labels, strict=True)) == sorted(
        (text, names) for text, names, _ in GOEMOTIONS_ROWS
    )
    np.testing.assert_array_equal(shuffled.target, indicator(shuffled.labels))


def test_goemotions_labels_work_with_multilabel_binarizer(home):
    frame = pd.DataFrame(
        {
            "text": ["a", "b"],
            "labels": ["anger;neutral", "pride"],
            "split": ["train", "train"],
        }
    )
    write_csv_gz(frame, home / "goemotions" / "goemotions.csv.gz")
    emotions = load_goemotions(data_home=home, download_if_missing=False)
    binarizer = MultiLabelBinarizer(classes=emotions.target_names)
    np.testing.assert_array_equal(
        binarizer.fit_transform(emotions.labels), emotions.target
    )


def test_goemotions_file_with_an_unknown_label_is_rejected(home):
    frame = pd.DataFrame({"text": ["a"], "labels": ["joy;happy"], "split": ["test"]})
    write_csv_gz(frame, home / "goemotions" / "goemotions.csv.gz")
    with pytest.raises(ValueError, match=r"holds \['happy'\], which are not GoEmo"):
        load_goemotions(data_home=home, subset="test")


def test_emobank_download_gives_three_float_targets(server, monkeypatch, home):
    serve_sources(
        server,
        monkeypatch,
        _emobank,
        {"emobank.csv": EMOBANK_SOURCE},
        class_counts=EMOBANK_COUNTS,
    )

    bank = load_emobank(data_home=home, subset="all")

    assert bank.data == [row[0] for row in EMOBANK_ROWS]
    assert "None" in bank.data, "the sentence 'None' must not become NaN"
    assert bank.target.dtype == np.float64
    np.testing.assert_array_equal(bank.target, [row[1:4] for row in EMOBANK_ROWS])
    assert bank.target_names == ["valence", "arousal", "dominance"]
    assert bank.frame is None
    assert "CC BY-SA 4.0" in bank.DESCR
    folder = home / "emobank"
    assert [path.name for path in folder.iterdir()] == ["emobank.csv.gz"]
    assert gz_text(folder / "emobank.csv.gz").startswith(
        "text,valence,arousal,dominance,split\n"
        '"Remember what she said in my last letter? """,3.0,3.0,3.2,train\n'
    ), "the values are copied as written in the source"

    X, y = load_emobank(data_home=home, subset="train", return_X_y=True)
    assert load_emobank(data_home=home).data == (
        load_emobank(data_home=home, subset="all").data
    ), "the default subset is all, as for the other loaders"

    assert X == [EMOBANK_ROWS[0][0], EMOBANK_ROWS[3][0]]
    np.testing.assert_array_equal(y, [[3.0, 3.0, 3.2], [1.2, 4.0, 3.0]])
    frame = load_emobank(data_home=home, subset="dev", as_frame=True)
    assert list(frame.frame.columns) == [
        "text",
        "valence",
        "arousal",
        "dominance",
        "split",
    ]
    assert frame.frame.iloc[0].tolist() == ["None", 2.78, 2.89, 2.78, "dev"]
    assert list(frame.target.columns) == bank.target_names
    assert (frame.target.dtypes == np.float64).all()
    assert server.requested == ["/emobank.csv"]


@pytest.mark.parametrize(
    "module, load, name",
    [
        (_goemotions, load_goemotions, "dev.tsv"),
        (_emobank, load_emobank, "emobank.csv"),
    ],
)
def test_source_with_the_wrong_checksum_leaves_no_file(
    module, load, name, server, monkeypatch, home
):
    urls = serve_sources(server, monkeypatch, module, SOURCES, sha256s={name: "0" * 64})
    with pytest.raises(OSError, match="not the published 0000") as raised:
        load(data_home=home)
    message = str(raised.value)
    assert (
        f"The file downloaded from {urls[name]} has SHA-256 {sha256(SOURCES[name])}"
        in message
    )
    assert "Nothing was written to" in message
    folder = home / module._DATA_FILES[0].path.split("/")[0]
    assert list(folder.iterdir()) == [], "a download was left behind"


@pytest.mark.parametrize(
    "module, load, payloads, message",
    [
        (
            _goemotions,
            load_goemotions,
            {"test.tsv": b"fine\t27\tid1\nno label ids\n"},
            "line 2 of test.tsv has not 3 fields",
        ),
        (
            _goemotions,
            load_goemotions,
            {"dev.tsv": b"fine\t27\tid1\nout of range\t3,28\tid2\n"},
            r"line 2 of dev.tsv: label id outside 0-27 in '3,28'",
        ),
        (
            _goemotions,
            load_goemotions,
            {"emotions.txt": "\n".join(sorted(GOEMOTIONS_NAMES)).encode()},
            "does not hold the published GoEmotions data: expected the counts",
        ),
        (
            _emobank,
            load_emobank,
            {"emobank.csv": b"id,text,V,A,D,split\n"},
            "could not be read as EmoBank data .the header is",
        ),
        (
            _emobank,
            load_emobank,
            {"emobank.csv": b"id,split,V,A,D,text\nx,train,3.0,high,3.0,Hi\n"},
            "could not be read as EmoBank data .could not convert",
        ),
    ],
    ids=[
        "goemotions-fields",
        "goemotions-label-id",
        "goemotions-names",
        "emobank-header",
        "emobank-value",
    ],
)
def test_unreadable_sources_are_reported(
    module, load, payloads, message, server, monkeypatch, home
):
    counts = GOEMOTIONS_COUNTS if module is _goemotions else EMOBANK_COUNTS
    serve_sources(server, monkeypatch, module, SOURCES | payloads, class_counts=counts)
    with pytest.raises(OSError, match=message) as raised:
        load(data_home=home)
    assert "Nothing was written to" in str(raised.value)
    folder = home / module._DATA_FILES[0].path.split("/")[0]
    assert list(folder.iterdir()) == []


def test_goemotions_names_all_four_sources_when_one_download_fails(
    server, monkeypatch, home
):
    urls = serve_sources(server, monkeypatch, _goemotions, GOEMOTIONS_SOURCES)
    (server.root / "test.tsv").unlink()
    folder = home / "goemotions"
    with pytest.raises(OSError) as raised:
        load_goemotions(data_home=home)
    message = str(raised.value)
    assert f"Could not download GoEmotions data from {urls['test.tsv']}" in message
    for name, url in urls.items():
        assert f"{url} to {folder / name}" in message
    assert "columns text,labels,split" in message
    assert list(folder.iterdir()) == [], "the files downloaded before were kept"


def test_goemotions_sources_saved_by_hand_are_converted_without_network(
    monkeypatch, home, closed_url
):
    point_sources(
        monkeypatch,
        _goemotions,
        dict.fromkeys(GOEMOTIONS_SOURCES, closed_url),
        {name: sha256(payload) for name, payload in GOEMOTIONS_SOURCES.items()},
        class_counts=GOEMOTIONS_COUNTS,
    )
    folder = home / "goemotions"
    folder.mkdir()
    for name in ("train.tsv", "dev.tsv", "emotions.txt"):
        (folder / name).write_bytes(GOEMOTIONS_SOURCES[name])
    with pytest.raises(FileNotFoundError, match="No GoEmotions data in"):
        load_goemotions(data_home=home, download_if_missing=False)

    (folder / "test.tsv").write_bytes(GOEMOTIONS_SOURCES["test.tsv"])
    emotions = load_goemotions(data_home=home, subset="test", download_if_missing=False)

    assert emotions.data == ["I\u2019m really sorry :("]
    assert (folder / "goemotions.csv.gz").is_file()
    assert len(list(folder.iterdir())) == 5, "the user's files are kept"


# Real data: the files of the data home named by SKLSTM_DATA.


@pytest.fixture(scope="module")
def imdb_frame(data_home):
    """The whole IMDB frame, loaded once for the module (about a second)."""
    dataset_file(data_home, "imdb")
    return load_imdb(data_home=data_home, as_frame=True, download_if_missing=False)


@pytest.mark.realdata
def test_sms_spam_has_the_published_counts(data_home):
    dataset_file(data_home, "sms_spam")
    sms = load_sms_spam(data_home=data_home, download_if_missing=False)
    assert len(sms.data) == 5574
    assert all(isinstance(text, str) and text for text in sms.data)
    assert Counter(sms.target) == {
        "ham": 4827,
        "spam": 747,
    }
    assert sms.target_names == ["ham", "spam"]
    assert sms.frame is None
    assert sms.data[0].startswith("Go until jurong point, crazy..")


@pytest.mark.realdata
def test_sms_spam_return_X_y_and_as_frame(data_home):
    dataset_file(data_home, "sms_spam")
    X, y = load_sms_spam(data_home=data_home, return_X_y=True)
    assert isinstance(X, list) and isinstance(y, np.ndarray)
    assert len(X) == len(y) == 5574
    X_frame, y_frame = load_sms_spam(
        data_home=data_home, return_X_y=True, as_frame=True
    )
    assert isinstance(X_frame, pd.Series) and isinstance(y_frame, pd.Series)
    assert X_frame.tolist() == X
    bunch = load_sms_spam(data_home=data_home, as_frame=True)
    assert list(bunch.frame.columns) == ["text", "label"]
    assert not bunch.frame.isna().any().any()
    assert bunch.data.equals(bunch.frame["text"])


@pytest.mark.realdata
def test_imdb_has_balanced_official_splits(imdb_frame):
    frame = imdb_frame.frame
    assert list(frame.columns) == ["text", "label", "split"]
    assert frame.groupby(["split", "label"]).size().to_dict() == {
        ("test", "negative"): 12500,
        ("test", "positive"): 12500,
        ("train", "negative"): 12500,
        ("train", "positive"): 12500,
    }
    assert frame["split"].iloc[0] == "train" and frame["split"].iloc[-1] == "test"
    assert not frame.isna().any().any()
    assert frame["text"].str.len().min() > 0
    assert imdb_frame.target_names == ["negative", "positive"]
    assert frame["text"].iloc[0].startswith("Story of a man who has unnatural")


@pytest.mark.realdata
def test_imdb_subset_selects_one_split(data_home, imdb_frame):
    X_test, y_test = load_imdb(data_home=data_home, subset="test", return_X_y=True)
    test_rows = imdb_frame.frame[imdb_frame.frame["split"] == "test"]
    assert X_test == test_rows["text"].tolist()
    assert y_test.tolist() == test_rows["label"].tolist()
    assert X_test[12500].startswith("I went and saw this movie last night")


@pytest.mark.realdata
def test_20newsgroups_has_the_bydate_split(data_home):
    dataset_file(data_home, "20newsgroups")
    news = load_20newsgroups(data_home=data_home, as_frame=True)
    assert news.frame["split"].value_counts().to_dict() == {
        "train": 11314,
        "test": 7532,
    }
    assert len(news.target_names) == 20
    assert news.data.iloc[0].startswith("From: mathew <mathew@mantis.co.uk>")


@pytest.mark.realdata
def test_ag_news_test_split_is_balanced(data_home):
    if not (data_home / "ag_news" / "ag_news_test.csv.gz").is_file():
        pytest.skip(f"real-data test skipped: no AG News test file in {data_home}")
    X, y = load_ag_news(data_home=data_home, subset="test", return_X_y=True)
    assert len(X) == 7600
    assert Counter(y) == {
        name: 1900 for name in ("Business", "Sci/Tech", "Sports", "World")
    }
    assert X[0].startswith("Fears for T N pension after talks. Unions")
    if not (data_home / "ag_news" / "ag_news_train.csv.gz").is_file():
        with pytest.raises(FileNotFoundError, match="ag_news_train.csv.gz"):
            load_ag_news(data_home=data_home, download_if_missing=False)


# The conversion reproduces the data home: each original distribution file is
# rebuilt from the real data, served, converted and compared with the file.


def assert_conversion_reproduces(data_home, home, name, filename=""):
    filename = filename or f"{name}.csv.gz"
    expected = gzip.decompress((data_home / name / filename).read_bytes())
    assert gzip.decompress((home / name / filename).read_bytes()) == expected


@pytest.mark.realdata
def test_sms_conversion_reproduces_the_data_home(data_home, server, monkeypatch, home):
    frame = pd.read_csv(dataset_file(data_home, "sms_spam"), keep_default_na=False)
    lines = [(label, text) for text, label in frame.itertuples(index=False)]
    source = "".join(f"{label}\t{text}\n" for label, text in lines)
    # The published checksum of SMSSpamCollection: this is the original file.
    assert sha256(source.encode("utf-8")) == (
        "7d039a24a6083ed9ef0f806ebad56bbb976e3aeb8de05669173bfdc4996c239d"
    )
    url = serve(server, "sms.zip", sms_zip(lines))
    point_at(monkeypatch, _sms_spam, url, sha256=None)
    load_sms_spam(data_home=home)
    assert_conversion_reproduces(data_home, home, "sms_spam")


@pytest.mark.realdata
def test_ag_news_conversion_reproduces_the_data_home(
    data_home, server, monkeypatch, home
):
    path = data_home / "ag_news" / "ag_news_test.csv.gz"
    if not path.is_file():
        pytest.skip(f"real-data test skipped: {path} is missing")
    frame = pd.read_csv(path, keep_default_na=False)
    classes = {name: str(index) for index, name in enumerate(_ag_news._CLASS_NAMES, 1)}
    source = io.StringIO()
    writer = csv.writer(source, quoting=csv.QUOTE_ALL, lineterminator="\n")
    for text, label in zip(frame["text"], frame["label"], strict=True):
        writer.writerow([classes[label], *text.split(". ", 1)])
    url = serve(server, "test.csv", source.getvalue().encode("utf-8"))
    point_at(monkeypatch, _ag_news, url, index=1, sha256=None)
    load_ag_news(data_home=home, subset="test")
    assert_conversion_reproduces(data_home, home, "ag_news", "ag_news_test.csv.gz")


def split_folder_archive(frame, member_name, encoding):
    """A tar.gz with one file per row, in shuffled order, ids counted per folder."""
    members, ids = [], {}
    for text, label, split in frame.itertuples(index=False):
        doc_id = ids[split, label] = ids.get((split, label), -1) + 1
        members.append((member_name(split, label, doc_id), text.encode(encoding)))
    random.Random(0).shuffle(members)
    return tar_gz(dict(members))


@pytest.mark.realdata
@pytest.mark.slow
def test_imdb_conversion_reproduces_the_data_home(data_home, server, monkeypatch, home):
    frame = pd.read_csv(dataset_file(data_home, "imdb"), keep_default_na=False)
    archive = split_folder_archive(
        frame,
        lambda split, label, i: f"aclImdb/{split}/{label[:3]}/{i}_{i % 10 + 1}.txt",
        "utf-8",
    )
    url = serve(server, "aclImdb_v1.tar.gz", archive)
    point_at(monkeypatch, _imdb, url, sha256=None)
    load_imdb(data_home=home)
    assert_conversion_reproduces(data_home, home, "imdb")


@pytest.mark.realdata
@pytest.mark.slow
def test_20newsgroups_conversion_reproduces_the_data_home(
    data_home, server, monkeypatch, home
):
    frame = pd.read_csv(dataset_file(data_home, "20newsgroups"), keep_default_na=False)
    archive = split_folder_archive(
        frame,
        lambda split, label, i: f"20news-bydate-{split}/{label}/{50000 + i}",
        "latin-1",
    )
    url = serve(server, "20news-bydate.tar.gz", archive)
    point_at(monkeypatch, _twenty_newsgroups, url, sha256=None)
    load_20newsgroups(data_home=home)
    assert_conversion_reproduces(data_home, home, "20newsgroups")


@pytest.mark.realdata
def test_goemotions_has_the_official_split_and_label_counts(data_home):
    dataset_file(data_home, "goemotions")
    emotions = load_goemotions(
        data_home=data_home, subset="all", as_frame=True, download_if_missing=False
    )
    frame = emotions.frame
    assert frame["split"].value_counts().to_dict() == {
        "train": 43410,
        "dev": 5426,
        "test": 5427,
    }
    assert emotions.target_names == GOEMOTIONS_NAMES
    train = emotions.target[frame["split"] == "train"]
    per_label = train.sum().to_dict()
    assert len(per_label) == 28
    assert per_label["neutral"] == 14219
    assert per_label["admiration"] == 4130
    assert per_label["grief"] == 77
    assert train.sum(axis=1).value_counts().to_dict() == {
        1: 36308,
        2: 6541,
        3: 532,
        4: 28,
        5: 1,
    }
    assert [";".join(names) for names in emotions.labels] == frame["labels"].tolist()
    assert not frame.isna().any().any()
    assert frame.iloc[0].tolist() == [
        "My favourite food is anything I didn't have to cook myself.",
        "neutral",
        "train",
    ]
    dev = frame[frame["split"] == "dev"]
    assert dev["text"].iloc[0] == (
        "Is this in New Orleans?? I really feel like this is New Orleans."
    )


@pytest.mark.realdata
def test_goemotions_subset_gives_an_indicator_matrix(data_home):
    dataset_file(data_home, "goemotions")
    X, y = load_goemotions(data_home=data_home, subset="train", return_X_y=True)
    assert isinstance(X, list) and len(X) == 43410
    assert y.shape == (43410, 28) and y.dtype.kind == "i"
    assert set(np.unique(y)) == {0, 1}
    assert y.sum(axis=1).min() == 1, "every comment has at least one label"
    test = load_goemotions(data_home=data_home, subset="test")
    assert len(test.data) == len(test.labels) == test.target.shape[0] == 5427
    assert test.target[:, GOEMOTIONS_NAMES.index("grief")].sum() == 6
    binarizer = MultiLabelBinarizer(classes=test.target_names)
    np.testing.assert_array_equal(binarizer.fit_transform(test.labels), test.target)


@pytest.mark.realdata
def test_emobank_has_the_official_split_and_keeps_the_none_sentence(data_home):
    dataset_file(data_home, "emobank")
    bank = load_emobank(
        data_home=data_home, subset="all", as_frame=True, download_if_missing=False
    )
    frame = bank.frame
    assert frame["split"].value_counts().to_dict() == {
        "train": 8062,
        "dev": 1000,
        "test": 1000,
    }
    assert not frame.isna().any().any()
    assert (bank.target.dtypes == np.float64).all()
    assert bank.target["valence"].min() == 1.2 and bank.target["valence"].max() == 4.6
    none = frame[frame["text"] == "None"]
    assert none["split"].tolist() == ["dev"]
    assert frame.iloc[0].tolist() == [
        'Remember what she said in my last letter? "',
        3.0,
        3.0,
        3.2,
        "train",
    ]
    X, y = load_emobank(data_home=data_home, subset="train", return_X_y=True)
    assert len(X) == 8062 and y.shape == (8062, 3) and y.dtype == np.float64
    assert y[0].tolist() == [3.0, 3.0, 3.2]
    X_dev, _ = load_emobank(data_home=data_home, subset="dev", return_X_y=True)
    assert len(X_dev) == 1000 and "None" in X_dev


@pytest.mark.realdata
def test_goemotions_conversion_reproduces_the_data_home(
    data_home, server, monkeypatch, home
):
    frame = pd.read_csv(dataset_file(data_home, "goemotions"), keep_default_na=False)
    emotions_txt = "\n".join(GOEMOTIONS_NAMES).encode()
    # The published checksum of emotions.txt: this is the original file.
    assert sha256(emotions_txt) == (
        "45c3ef86782d2a4d7fedcd6d8c111aa0d0e94720689bd164fac94fefb4495a89"
    )
    payloads = {"emotions.txt": emotions_txt}
    for split in ("train", "dev", "test"):
        rows = frame[frame["split"] == split]
        source = io.StringIO()
        writer = csv.writer(source, delimiter="\t", lineterminator="\n")
        for number, (text, names) in enumerate(
            zip(rows["text"], rows["labels"], strict=True)
        ):
            ids = [GOEMOTIONS_NAMES.index(name) for name in names.split(";")]
            writer.writerow([text, ",".join(map(str, ids)), f"id{number}"])
        payloads[f"{split}.tsv"] = source.getvalue().encode("utf-8")
    # The comment ids are not in the data home, so the rebuilt TSVs differ
    # from the published ones there, and only there.
    serve_sources(
        server,
        monkeypatch,
        _goemotions,
        payloads,
        sha256s={f"{split}.tsv": None for split in ("train", "dev", "test")},
    )
    load_goemotions(data_home=home)
    assert_conversion_reproduces(data_home, home, "goemotions")


@pytest.mark.realdata
def test_emobank_conversion_reproduces_the_data_home(
    data_home, server, monkeypatch, home
):
    frame = pd.read_csv(
        dataset_file(data_home, "emobank"), dtype=str, keep_default_na=False
    )
    source = io.StringIO()
    writer = csv.writer(source, lineterminator="\n")
    writer.writerow(["id", "split", "V", "A", "D", "text"])
    for number, (text, v, a, d, split) in enumerate(frame.itertuples(index=False)):
        writer.writerow([f"id{number}", split, v, a, d, text])
    payload = source.getvalue().encode("utf-8")
    serve_sources(
        server,
        monkeypatch,
        _emobank,
        {"emobank.csv": payload},
        sha256s={"emobank.csv": None},
    )
    load_emobank(data_home=home)
    assert_conversion_reproduces(data_home, home, "emobank")
