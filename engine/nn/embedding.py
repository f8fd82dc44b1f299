"""``Embedding``: a learnt lookup table from integer ids to vectors."""
import numpy as np

from .. import dtypes
from ..ops.embedding import Embedding as _EmbeddingFn
from ..tensor import Tensor
from ..validate import fits_in_memory, positive_int
from . import init
from .module import Module
from .parameter import Parameter


def embedding(indices, weight):
    """Rows of ``weight`` picked by ``indices``: an integer Tensor or array of any shape (see
    ops.embedding.Embedding, which refuses float indices and indices outside the table)."""
    if isinstance(indices, Tensor):
        indices = indices.data
    return _EmbeddingFn(indices)(weight)


class Embedding(Module):
    """y = W[idx] with W ``weight`` (num_embeddings, embedding_dim) ~ N(0, 1) (as PyTorch);
    idx: an int array of any shape → y: idx.shape + (embedding_dim,)."""

    def __init__(self, num_embeddings, embedding_dim, dtype=None):
        super().__init__()
        self.num_embeddings = positive_int(num_embeddings, "num_embeddings")
        self.embedding_dim = positive_int(embedding_dim, "embedding_dim")
        dtype = dtypes.get_default_dtype() if dtype is None else dtypes.as_float_dtype(dtype)
        fits_in_memory((self.num_embeddings, self.embedding_dim), dtype, "Embedding weight")
        self.weight = Parameter(np.empty((self.num_embeddings, self.embedding_dim), dtype=dtype))
        init.normal_(self.weight)

    def forward(self, indices):
        return embedding(indices, self.weight)

    def extra_repr(self):
        return f"{self.num_embeddings}, {self.embedding_dim}"
