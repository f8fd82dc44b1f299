"""Embedding lookup: the backward routes gradients back to the rows that were picked."""
import numpy as np

from ..autograd import Function
from ..backend import backend_of


class Embedding(Function):
    """y = W[idx]: row idx of the table W (num_embeddings, dim) for each index (any shape).

    ∂L/∂W = zeros with each ∂L/∂y row *added* to row idx; an index that occurs k times
    collects k gradients (np.add.at; a plain ``gW[idx] = gy`` would keep only the last).
    """

    def __init__(self, indices):
        idx = np.asarray(indices)
        if idx.dtype.kind not in "iu":
            raise TypeError(f"embedding indices must be integers, got dtype {idx.dtype}")
        self.indices = idx

    def forward(self, weight):
        if weight.ndim != 2:
            raise ValueError(f"embedding weight must be (num_embeddings, dim), got {weight.shape}")
        n = weight.shape[0]
        if self.indices.size and (self.indices.min() < 0 or self.indices.max() >= n):
            raise ValueError(f"embedding indices must lie in [0, {n}), got values from "
                             f"{self.indices.min()} to {self.indices.max()}")
        self.weight_shape = weight.shape
        return weight[self.indices]

    def backward(self, gy):
        xp = backend_of(gy).xp
        gw = xp.zeros(self.weight_shape, dtype=gy.dtype)
        xp.add.at(gw, self.indices.reshape(-1), gy.reshape(-1, self.weight_shape[1]))
        return gw
