"""``engine.nn.functional`` (imported as ``F``): layers as plain functions of tensors.

Each function builds the matching ``Function`` from ``engine.ops`` and applies it, so the
forward and backward equations are found in one place: the class named in each docstring.
The activations (``relu``, ``softmax``, ...) are defined beside their Functions in
``engine/ops/activation.py`` and re-exported here.
"""
import numbers

import numpy as np

from .. import ops
from ..backend._checks import expand
from ..ops import conv as _conv
from ..ops.index import one_hot  # noqa: F401  (class labels → one-hot vectors)
from ..ops import linalg
from ..ops import loss as _loss
from ..ops import pool as _pool
from ..ops import upsample as _upsample
from ..ops.activation import *  # noqa: F401,F403  (relu, softmax, ...: see its __all__)
from .batchnorm import batch_norm  # noqa: F401  (the layer modules define these three)
from .dropout import dropout, dropout2d  # noqa: F401
from .embedding import embedding  # noqa: F401
from .normalization import layer_norm  # noqa: F401


def linear(x, weight, bias=None):
    """Dense layer: y = x·Wᵀ + b, with x (N, in), W (out, in), b (out,) → y (N, out)."""
    return linalg.linear(x, weight, bias)   # fused Function: engine/ops/linalg.py Linear


# ---------------------------------------------------------------------------------------
# losses (Functions in engine/ops/loss.py); dropout, batch norm and embedding are imported
# above from the modules that define their layers.


def mse_loss(input, target, reduction="mean"):
    """Mean squared error: mean of (y − t)². See ``engine.ops.loss.MSELoss``."""
    return _loss.MSELoss(reduction)(input, target)


def l1_loss(input, target, reduction="mean"):
    """Mean absolute error: mean of |y − t|. See ``L1Loss``."""
    return _loss.L1Loss(reduction)(input, target)


def _legacy_reduction(name, size_average, reduce):
    if size_average is not None or reduce is not None:
        raise TypeError(f"{name}: size_average and reduce are PyTorch's deprecated spellings; "
                        f"use reduction='mean' | 'sum' | 'none'")


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """½d²/β where |d| < β, else |d| − ½β, with d = y − t (PyTorch's signature). See
    ``engine.ops.loss.SmoothL1Loss``."""
    _legacy_reduction("smooth_l1_loss", size_average, reduce)
    return _loss.SmoothL1Loss(reduction, beta)(input, target)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log-likelihood −w_t·x_t from log-probabilities (N, C) (e.g. ``log_softmax``)
    and integer labels (N,) (PyTorch's signature). See ``engine.ops.loss.NLLLoss``."""
    _legacy_reduction("nll_loss", size_average, reduce)
    return _loss.NLLLoss(target, weight, ignore_index, reduction)(input)


def hinge_loss(input, target, reduction="mean"):
    """mean of max(0, 1 − t·y) for targets t ∈ {−1, +1}. See ``HingeLoss``."""
    return _loss.HingeLoss(reduction)(input, target)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    """Softmax cross-entropy from logits (N, C) and integer class labels (N,); optional class
    ``weight`` (C,) and ``label_smoothing`` (PyTorch's signature). Rows whose label is
    ``ignore_index`` count for nothing (not even in the mean's denominator). See
    ``engine.ops.loss.CrossEntropy``."""
    if isinstance(size_average, str):      # the old engine order: (input, target, weight, reduction)
        size_average, reduction = None, size_average
    _legacy_reduction("cross_entropy", size_average, reduce)
    if weight is not None and hasattr(weight, "grad_fn"):
        weight = weight.numpy()
    labels = target.data if hasattr(target, "grad_fn") else np.asarray(target)
    if not isinstance(ignore_index, numbers.Integral) or isinstance(ignore_index, bool):
        raise TypeError(f"cross_entropy: ignore_index must be an int, got {ignore_index!r}")
    ignored = labels == ignore_index if labels.dtype.kind in "iu" else None
    if ignored is None or not ignored.any():
        return _loss.CrossEntropy(target, weight, label_smoothing, reduction)(input)
    kept = ~ignored
    losses = _loss.CrossEntropy(labels[kept], weight, label_smoothing, reduction)(input[kept])
    if reduction != "none":
        return losses
    # per-row losses back in place, 0 for the ignored rows (a differentiable gather)
    position = np.where(kept, np.cumsum(kept) - 1, kept.sum())
    return ops.concatenate([losses, losses.new_zeros((1,))])[position]


def binary_cross_entropy(input, target, reduction="mean"):
    """−[t·log p + (1 − t)·log(1 − p)] from probabilities p. See ``BinaryCrossEntropy``."""
    return _loss.BinaryCrossEntropy(reduction)(input, target)


def binary_cross_entropy_with_logits(input, target, pos_weight=None, reduction="mean"):
    """BCE of sigmoid(z), computed stably from logits z. See ``BinaryCrossEntropyWithLogits``."""
    if pos_weight is not None and hasattr(pos_weight, "grad_fn"):
        pos_weight = pos_weight.numpy()
    return _loss.BinaryCrossEntropyWithLogits(pos_weight, reduction)(input, target)


def kl_div_normal(mu, logvar, reduction="mean"):
    """KL(N(μ, σ²) ‖ N(0, 1)) = −½ Σ (1 + log σ² − μ² − σ²), for VAEs ("mean": summed over
    the latent axes, averaged over the batch). See ``engine.ops.loss.KLDivNormal``."""
    return _loss.KLDivNormal(reduction)(mu, logvar)


# ---------------------------------------------------------------------------------------
# convolution and pooling (Functions in engine/ops/conv.py and engine/ops/pool.py)


def _conv_padding(padding, weight, dilation, stride, dims):
    """PyTorch's string paddings: 'valid' = 0; 'same' keeps the size (stride 1 only)."""
    if not isinstance(padding, str):
        return padding
    if padding == "valid":
        return 0
    if padding != "same":
        raise ValueError(f"padding must be an int, a tuple, 'valid' or 'same', got {padding!r}")
    if any(s != 1 for s in expand(stride, dims, "stride", 1)):
        raise ValueError("padding='same' needs stride 1")
    total = [d * (k - 1) for d, k in zip(expand(dilation, dims, "dilation", 1),
                                         weight.shape[2:])]
    if any(t % 2 for t in total):
        raise ValueError(f"padding='same' with kernel {tuple(weight.shape[2:])} and dilation "
                         f"{dilation} needs uneven padding, which is not supported")
    return tuple(t // 2 for t in total)


def _convnd(x, weight, bias, stride, padding, dilation, groups, dims):
    if x.ndim != dims + 2:
        raise ValueError(f"conv{dims}d expects an input with {dims + 2} axes (N, C, ...), "
                         f"got shape {tuple(x.shape)}")
    padding = _conv_padding(padding, weight, dilation, stride, dims)
    return _conv.conv(x, weight, bias, stride, padding, dilation, groups)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution: x (N, C, L), weight (O, C/groups, k), bias (O,) → (N, O, L_out).

    Y = W·im2col(X) + b;  L_out = ⌊(L + 2p − d·(k − 1) − 1)/s⌋ + 1. See ``ops.conv.ConvNd``.
    """
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution: x (N, C, H, W), weight (O, C/groups, kh, kw), bias (O,) → (N, O, oh, ow).

    Y = W·im2col(X) + b;  o = ⌊(i + 2p − d·(k − 1) − 1)/s⌋ + 1 per axis;
    dW = dY·im2col(X)ᵀ, dX = col2im(Wᵀ·dY). See ``ops.conv.ConvNd``.
    """
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 2)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution: x (N, C, D, H, W), weight (O, C/groups, kd, kh, kw) → (N, O, od, oh, ow).

    Y = W·im2col(X) + b, as conv2d with one more axis. See ``ops.conv.ConvNd``.
    """
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 3)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """Transposed 2-D convolution: x (N, C_in, H, W), weight (C_in, C_out/groups, kh, kw).

    Y = col2im(Wᵀ·X) + b, output o = (i − 1)·s − 2p + d·(k − 1) + output_padding + 1.
    See ``ops.conv.ConvTransposeNd``.
    """
    if input.ndim != 4:
        raise ValueError(f"conv_transpose2d expects an input (N, C, H, W), got shape "
                         f"{tuple(input.shape)}")
    return _conv.conv_transpose(input, weight, bias, stride, padding, output_padding, groups,
                                dilation)


def max_pool1d(input, kernel_size, stride=None, padding=0):
    """Max over windows of the last axis of (N, C, L); stride defaults to kernel_size. See ``MaxPool``."""
    return _pool.max_pool(input, kernel_size, stride, padding, dims=1)


def _plain_window(name, dilation, ceil_mode, return_indices):
    """PyTorch's pooling options beyond kernel, stride and padding: only their defaults."""
    if dilation not in (1, (1,), (1, 1)) or ceil_mode or return_indices:
        raise ValueError(f"{name}: dilation, ceil_mode and return_indices are not supported "
                         f"(got dilation={dilation!r}, ceil_mode={ceil_mode!r}, "
                         f"return_indices={return_indices!r})")


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Max over windows of the last two axes of (N, C, H, W); stride defaults to kernel_size
    (PyTorch's signature; dilation, ceil_mode and return_indices only at their defaults)."""
    _plain_window("max_pool2d", dilation, ceil_mode, return_indices)
    return _pool.max_pool(input, kernel_size, stride, padding, dims=2)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed (oh, ow) whatever the input size. See ``ops.pool.AdaptiveAvgPool``."""
    return _pool.adaptive_avg_pool2d(input, output_size)


def avg_pool1d(input, kernel_size, stride=None, padding=0):
    """Mean over windows of the last axis (padding counted as zeros). See ``AvgPool``."""
    return _pool.avg_pool(input, kernel_size, stride, padding, dims=1)


def avg_pool2d(input, kernel_size, stride=None, padding=0):
    """Mean over windows of the last two axes (padding counted as zeros). See ``AvgPool``."""
    return _pool.avg_pool(input, kernel_size, stride, padding, dims=2)


# ---------------------------------------------------------------------------------------
# resizing (the Function is in engine/ops/upsample.py)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Resize (N, C, L) or (N, C, H, W) to ``size`` or by ``scale_factor``: y = A_h·x·A_wᵀ.
    Modes "nearest", "linear", "bilinear" as in PyTorch. See ``engine.ops.upsample.Resize``."""
    return _upsample.interpolate(input, size, scale_factor, mode, align_corners)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """The older name of ``interpolate``."""
    return interpolate(input, size, scale_factor, mode, align_corners)
