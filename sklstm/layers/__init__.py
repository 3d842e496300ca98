"""The Keras layers sklstm's networks are made of, one module each.

Every layer uses ``keras.ops`` only, so it runs on every Keras 3 backend, and
is registered for serialisation under the package name ``"sklstm"``: a saved
network loads back without custom objects.

- :class:`MaskedGlobalPooling1D` (:mod:`~sklstm.layers.pooling`): max or mean
  over the real tokens;
- :class:`ReverseTime` (:mod:`~sklstm.layers.reverse_time`): a backward
  layer's outputs in text order;
- :class:`HashedNgramBag` (:mod:`~sklstm.layers.ngram_bag`): the linear
  branch over a TF-IDF bag of hashed n-grams;
- :class:`BranchMixture` (:mod:`~sklstm.layers.branch_mixture`): weighs the
  two branches' scores;
- :class:`HeadTailTokens` (:mod:`~sklstm.layers.head_tail`): the window of a
  long text the recurrent layers read;
- :class:`FrozenAndLearnedEmbedding` and :func:`learned_index`
  (:mod:`~sklstm.layers.frozen_and_learned`): frozen pretrained vectors with
  learned ones beside them.
"""

from sklstm.layers.branch_mixture import BranchMixture
from sklstm.layers.frozen_and_learned import FrozenAndLearnedEmbedding, learned_index
from sklstm.layers.head_tail import HeadTailTokens
from sklstm.layers.ngram_bag import HashedNgramBag
from sklstm.layers.pooling import MaskedGlobalPooling1D
from sklstm.layers.reverse_time import ReverseTime

__all__ = [
    "BranchMixture",
    "FrozenAndLearnedEmbedding",
    "HashedNgramBag",
    "HeadTailTokens",
    "MaskedGlobalPooling1D",
    "ReverseTime",
    "learned_index",
]
