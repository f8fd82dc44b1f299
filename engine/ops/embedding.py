"""Embedding lookup and dropout: operations whose backward routes gradients by position."""
import numpy as np

from ..autograd import Function
from .. import random as _random


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
        gw = np.zeros(self.weight_shape, dtype=gy.dtype)
        np.add.at(gw, self.indices.reshape(-1), gy.reshape(-1, self.weight_shape[1]))
        return gw


class Dropout(Function):
    """Inverted dropout: y = x·mask / (1 − p), mask_i ~ Bernoulli(1 − p) (drawn in forward).

    ∂L/∂x = ∂L/∂y · mask / (1 − p).  Scaling at training time keeps E[y] = x, so evaluation
    needs no rescaling (the layer is the identity in eval mode).  ``mask`` may be given (tests).
    """

    def __init__(self, p=0.5, mask=None):
        if not 0.0 <= p < 1.0:
            raise ValueError(f"dropout probability must be in [0, 1), got {p}")
        self.p = float(p)
        self.mask = mask

    def forward(self, x):
        if self.mask is None:
            keep = _random.get_generator().random(x.shape) >= self.p
            self.mask = keep.astype(x.dtype) * x.dtype.type(1.0 / (1.0 - self.p))
        else:
            self.mask = np.asarray(self.mask, dtype=x.dtype) / (1.0 - self.p)
        return x * self.mask

    def backward(self, gy):
        return gy * self.mask
