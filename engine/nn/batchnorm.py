"""``BatchNorm1d`` / ``BatchNorm2d``: normalise each channel with batch statistics.

The forward and backward equations are in one place: ``engine.ops.normalization.BatchNorm``.
This module keeps the running statistics (buffers ``running_mean``, ``running_var``,
``num_batches_tracked``) that evaluation mode uses instead of the batch's.
"""
import numpy as np

from .. import dtypes
from ..backend import backend_of
from ..ops.normalization import BatchNorm as _BatchNormFn
from ..tensor import Tensor, _wrap
from ..validate import boolean, fits_in_memory, positive_int, positive_real, probability
from .module import Module
from .parameter import Parameter


def batch_norm(x, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """PyTorch's ``F.batch_norm``: training uses (and, if given, updates) batch statistics;
    otherwise the running ones.  running_mean/var are NumPy arrays updated in place:
    r ← (1 − momentum)·r + momentum·batch value (the variance unbiased)."""
    training = boolean(training, "training")
    momentum = probability(momentum, "momentum")
    eps = positive_real(eps, "eps")
    c = x.shape[1] if x.ndim >= 2 else 0
    xp_dtype = x.dtype
    xp = backend_of(x.data if isinstance(x, Tensor) else x).xp   # on x's device
    gamma = weight if weight is not None else _wrap(xp.ones(c, dtype=xp_dtype))
    beta = bias if bias is not None else _wrap(xp.zeros(c, dtype=xp_dtype))
    if not training and (running_mean is None or running_var is None):
        raise ValueError("batch_norm with training=False needs running_mean and running_var")
    fn = _BatchNormFn(training, eps, running_mean, running_var)
    y = fn(x, gamma, beta)
    if training and running_mean is not None:
        running_mean *= 1 - momentum
        running_mean += momentum * fn.batch_mean
        running_var *= 1 - momentum
        running_var += momentum * fn.batch_var
    return y


class _BatchNorm(Module):
    expected_ndim = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, dtype=None):
        super().__init__()
        num_features = positive_int(num_features, "num_features")
        if momentum is not None:
            momentum = probability(momentum, "momentum (or None)")
        self.num_features = int(num_features)
        self.eps, self.momentum = positive_real(eps, "eps"), momentum
        self.affine = boolean(affine, "affine")
        self.track_running_stats = boolean(track_running_stats, "track_running_stats")
        dtype = dtypes.get_default_dtype() if dtype is None else dtypes.as_float_dtype(dtype)
        fits_in_memory((4, self.num_features), dtype, f"{type(self).__name__}'s parameters")
        if affine:
            self.weight = Parameter(np.ones(self.num_features, dtype=dtype))
            self.bias = Parameter(np.zeros(self.num_features, dtype=dtype))
        else:
            self.weight = self.bias = None
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(self.num_features, dtype=dtype))
            self.register_buffer("running_var", np.ones(self.num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", np.zeros((), dtype=np.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self):
        if self.track_running_stats:
            self.running_mean[...] = 0
            self.running_var[...] = 1
            self.num_batches_tracked[...] = 0

    def forward(self, x):
        if x.ndim not in self.expected_ndim or x.shape[1] != self.num_features:
            raise ValueError(f"{type(self).__name__}({self.num_features}) expects input of "
                             f"{' or '.join(f'{n}-D' for n in self.expected_ndim)} with "
                             f"{self.num_features} channels on axis 1, got shape {x.shape}")
        # Batch statistics in training mode, or always when no running statistics are kept.
        use_batch = self.training or not self.track_running_stats
        update = self.training and self.track_running_stats
        momentum = 0.0 if self.momentum is None else self.momentum
        if update:
            self.num_batches_tracked += 1
            if self.momentum is None:  # cumulative moving average
                momentum = 1.0 / float(self.num_batches_tracked)
        return batch_norm(x, self.running_mean if update or not use_batch else None,
                          self.running_var if update or not use_batch else None,
                          self.weight, self.bias, use_batch, momentum, self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs, per channel C."""
    expected_ndim = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) inputs, per channel C."""
    expected_ndim = (4,)


