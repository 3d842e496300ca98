"""Public text-classification datasets, read from a local data home.

Each loader returns a scikit-learn :class:`~sklearn.utils.Bunch` (or
``(data, target)`` with ``return_X_y=True``) whose ``data`` is a list of raw
texts, ready for :class:`sklstm.tokenizer.KerasTokenizerTransformer`. The
files live in the data home (see :func:`get_data_home`) as
``<name>/<name>.csv.gz``, gzip CSVs with columns ``text,label[,split]`` (AG
News has one file per split; GoEmotions and EmoBank have their own target
columns); a missing file is downloaded from the original distribution,
verified and converted on first use.

- :func:`load_sms_spam`: SMS Spam Collection, 5,574 messages, ham or spam
  (shipped with sklstm, read when the data home has no copy);
- :func:`load_imdb`: IMDB movie reviews, 50,000, negative or positive;
- :func:`load_20newsgroups`: 20 Newsgroups (bydate), 18,846 posts, 20 groups;
- :func:`load_ag_news`: AG News, 127,600 articles, 4 topics;
- :func:`load_goemotions`: GoEmotions, 54,263 Reddit comments, 28 emotions,
  multi-label (``target`` is a 0/1 indicator matrix);
- :func:`load_emobank`: EmoBank, 10,062 sentences rated for valence, arousal
  and dominance, for regression (``target`` has 3 float columns);
- :func:`load_glove`: GloVe 6B word vectors, 400,000 words.
"""

from sklstm.datasets._ag_news import load_ag_news
from sklstm.datasets._base import get_data_home
from sklstm.datasets._emobank import load_emobank
from sklstm.datasets._glove import load_glove
from sklstm.datasets._goemotions import load_goemotions
from sklstm.datasets._imdb import load_imdb
from sklstm.datasets._sms_spam import load_sms_spam
from sklstm.datasets._twenty_newsgroups import load_20newsgroups

__all__ = [
    "get_data_home",
    "load_20newsgroups",
    "load_ag_news",
    "load_emobank",
    "load_glove",
    "load_goemotions",
    "load_imdb",
    "load_sms_spam",
]
