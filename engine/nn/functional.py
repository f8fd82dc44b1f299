"""``engine.nn.functional`` (imported as ``F``): layers as plain functions of tensors.

Each function builds the matching ``Function`` from ``engine.ops`` and applies it, so the
forward and backward equations are found in one place: the class named in each docstring.
"""
from .. import ops
from ..ops import activation as act


def _axis(axis, dim):
    # PyTorch spells it ``dim``; NumPy and the slides' code spell it ``axis``. Accept both.
    return axis if dim is None else dim


def linear(x, weight, bias=None):
    """Dense layer: y = x·Wᵀ + b, with x (N, in), W (out, in), b (out,) → y (N, out)."""
    y = ops.matmul(x, ops.transpose(weight))
    return y if bias is None else y + bias


def relu(x):
    """y = max(0, x). See ``engine.ops.activation.ReLU``."""
    return act.ReLU()(x)


def leaky_relu(x, negative_slope=0.01):
    """y = x if x > 0 else negative_slope·x. See ``LeakyReLU``."""
    return act.LeakyReLU(negative_slope)(x)


def prelu(x, weight):
    """y = x if x > 0 else a_c·x with learnable slopes ``weight`` (C,) or (1,). See ``PReLU``."""
    return act.PReLU()(x, weight)


def elu(x, alpha=1.0):
    """y = x if x > 0 else α·(eˣ − 1). See ``ELU``."""
    return act.ELU(alpha)(x)


def sigmoid(x):
    """y = 1 / (1 + e^(−x)). See ``Sigmoid``."""
    return act.Sigmoid()(x)


def tanh(x):
    """y = tanh(x). See ``Tanh``."""
    return act.Tanh()(x)


def softplus(x):
    """y = log(1 + eˣ). See ``Softplus``."""
    return act.Softplus()(x)


def heaviside(x, value_at_zero=1.0):
    """The step: 1 if x > 0, 0 if x < 0, ``value_at_zero`` at 0; zero gradient. See ``Heaviside``."""
    return act.Heaviside(value_at_zero)(x)


def softmax(x, axis=-1, *, dim=None):
    """y_i = e^(x_i) / Σ_j e^(x_j) along ``axis`` (or ``dim``). See ``Softmax``."""
    return act.Softmax(_axis(axis, dim))(x)


def log_softmax(x, axis=-1, *, dim=None):
    """y_i = x_i − log Σ_j e^(x_j) along ``axis`` (or ``dim``). See ``LogSoftmax``."""
    return act.LogSoftmax(_axis(axis, dim))(x)


# ---------------------------------------------------------------------------------------
# pylayer branch: losses, dropout, batch norm, embedding (Functions in engine/ops/loss.py,
# engine/ops/normalization.py, engine/ops/embedding.py).
from ..ops import loss as _loss  # noqa: E402
from .batchnorm import batch_norm  # noqa: E402,F401
from .dropout import dropout  # noqa: E402,F401
from .embedding import embedding  # noqa: E402,F401


def mse_loss(input, target, reduction="mean"):
    """Mean squared error: mean of (y − t)². See ``engine.ops.loss.MSELoss``."""
    return _loss.MSELoss(reduction)(input, target)


def l1_loss(input, target, reduction="mean"):
    """Mean absolute error: mean of |y − t|. See ``L1Loss``."""
    return _loss.L1Loss(reduction)(input, target)


def hinge_loss(input, target, reduction="mean"):
    """mean of max(0, 1 − t·y) for targets t ∈ {−1, +1}. See ``HingeLoss``."""
    return _loss.HingeLoss(reduction)(input, target)


def cross_entropy(input, target, weight=None, reduction="mean", label_smoothing=0.0):
    """Softmax cross-entropy from logits (N, C) and integer class labels (N,); optional class
    ``weight`` (C,) and ``label_smoothing``. See ``engine.ops.loss.CrossEntropy``."""
    if weight is not None and hasattr(weight, "grad_fn"):
        weight = weight.numpy()
    return _loss.CrossEntropy(target, weight, label_smoothing, reduction)(input)


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
