"""Batch and layer normalisation, each one differentiable operation (forward beside backward)."""
from ..autograd import Function
from ..backend import backend_of


class BatchNorm(Function):
    """Normalise each channel over the batch (and spatial) axes, then scale and shift.

    x: (N, C) or (N, C, L) or (N, C, H, W); γ (weight), β (bias): (C,).  m = the number of
    values per channel (N, or N·L, or N·H·W).  In training (``training=True``):

        μ_c = (1/m) Σ x,   σ²_c = (1/m) Σ (x − μ_c)²       (biased variance)
        x̂ = (x − μ_c) / √(σ²_c + ε),   y = γ_c·x̂ + β_c

    Backward (the batch-norm backward: μ and σ² depend on every x in the channel):

        ∂L/∂β_c = Σ ∂L/∂y,    ∂L/∂γ_c = Σ ∂L/∂y · x̂
        ∂L/∂x   = γ_c / (m·√(σ²_c + ε)) · (m·∂L/∂y − Σ ∂L/∂y − x̂ · Σ ∂L/∂y · x̂)

    In evaluation (``training=False``) μ and σ² are the given running statistics, constants,
    so ∂L/∂x = ∂L/∂y · γ_c / √(σ²_c + ε).
    After a training forward, ``batch_mean`` and ``batch_var`` (unbiased, m/(m−1)·σ², as
    PyTorch uses for the running variance) are left on the instance for the layer.
    """

    def __init__(self, training=True, eps=1e-5, running_mean=None, running_var=None):
        self.training = training
        self.eps = float(eps)
        self.running_mean, self.running_var = running_mean, running_var
        if not training and (running_mean is None or running_var is None):
            raise ValueError("batch_norm in evaluation mode needs running_mean and running_var")

    def forward(self, x, gamma, beta):
        if x.ndim < 2:
            raise ValueError(f"batch_norm: input must be (N, C, ...), got shape {x.shape}")
        c = x.shape[1]
        if c == 0:
            raise ValueError(f"batch_norm: input must have at least one channel, got shape {x.shape}")
        if gamma.shape != (c,) or beta.shape != (c,):
            raise ValueError(f"batch_norm: weight and bias must have shape ({c},), "
                             f"got {gamma.shape} and {beta.shape}")
        self.axes = (0,) + tuple(range(2, x.ndim))
        self.bshape = (1, c) + (1,) * (x.ndim - 2)      # broadcast a (C,) vector over x
        if self.training:
            m = x.size // c
            if m < 2:
                raise ValueError(f"batch_norm in training needs more than 1 value per channel, "
                                 f"got input shape {x.shape}")
            mean = x.mean(axis=self.axes)
            xc = x - mean.reshape(self.bshape)
            var = (xc * xc).mean(axis=self.axes)
            self.batch_mean, self.batch_var = mean, var * (m / (m - 1))
        else:
            mean, var = self.running_mean.astype(x.dtype), self.running_var.astype(x.dtype)
            xc = x - mean.reshape(self.bshape)
        self.inv_std = (1.0 / backend_of(x).xp.sqrt(var + self.eps)).astype(x.dtype)
        self.x_hat = xc * self.inv_std.reshape(self.bshape)
        self.gamma = gamma
        return self.x_hat * gamma.reshape(self.bshape) + beta.reshape(self.bshape)

    def backward(self, gy):
        axes, bshape = self.axes, self.bshape
        need_x, need_g, need_b = self.needs_input_grad
        g_beta = gy.sum(axis=axes)
        g_gamma = (gy * self.x_hat).sum(axis=axes)
        gx = None
        if need_x:
            scale = (self.gamma * self.inv_std).reshape(bshape)
            if self.training:
                m = gy.size // gy.shape[1]
                gx = (scale / m) * (m * gy - g_beta.reshape(bshape)
                                    - self.x_hat * g_gamma.reshape(bshape))
            else:
                gx = gy * scale
        return gx, (g_gamma if need_g else None), (g_beta if need_b else None)


class LayerNorm(Function):
    """Normalise each sample over its last k axes (``normalized_shape``), then scale and shift.

    m = the number of values normalised together (the product of normalized_shape):

        μ = (1/m) Σ x,   σ² = (1/m) Σ (x − μ)²,   x̂ = (x − μ) / √(σ² + ε),   y = γ·x̂ + β

    γ (weight) and β (bias) have shape normalized_shape (or are absent: y = x̂).  Backward,
    with ĝ = ∂L/∂y · γ and the means taken over the same k axes:

        ∂L/∂β = Σ_batch ∂L/∂y,    ∂L/∂γ = Σ_batch ∂L/∂y · x̂
        ∂L/∂x = (ĝ − mean(ĝ) − x̂ · mean(ĝ · x̂)) / √(σ² + ε)
    """

    def __init__(self, normalized_ndim, eps=1e-5):
        self.k = int(normalized_ndim)
        self.eps = float(eps)

    def forward(self, x, gamma=None, beta=None):
        k = self.k
        if x.ndim < k:
            raise ValueError(f"layer_norm: input of shape {x.shape} has fewer than {k} axes")
        shape = x.shape[x.ndim - k:]
        for name, p in (("weight", gamma), ("bias", beta)):
            if p is not None and p.shape != shape:
                raise ValueError(f"layer_norm: {name} must have shape {shape} (the normalized "
                                 f"shape), got {p.shape}")
        xp = backend_of(x).xp
        self.axes = tuple(range(x.ndim - k, x.ndim))
        self.batch_axes = tuple(range(x.ndim - k))
        xc = x - x.mean(axis=self.axes, keepdims=True)
        var = (xc * xc).mean(axis=self.axes, keepdims=True)
        self.inv_std = (1.0 / xp.sqrt(var + self.eps)).astype(x.dtype)
        self.x_hat = xc * self.inv_std
        self.gamma = gamma
        y = self.x_hat if gamma is None else self.x_hat * gamma
        return y if beta is None else y + beta

    def backward(self, gy):
        need_x = self.needs_input_grad[0]
        g_gamma = (gy * self.x_hat).sum(axis=self.batch_axes) if self.gamma is not None else None
        g_beta = gy.sum(axis=self.batch_axes)
        gx = None
        if need_x:
            gh = gy if self.gamma is None else gy * self.gamma
            gx = (gh - gh.mean(axis=self.axes, keepdims=True)
                  - self.x_hat * (gh * self.x_hat).mean(axis=self.axes, keepdims=True)) \
                * self.inv_std
        grads = [gx]
        if len(self.needs_input_grad) > 1:
            grads.append(g_gamma if self.needs_input_grad[1] else None)
        if len(self.needs_input_grad) > 2:
            grads.append(g_beta if self.needs_input_grad[2] else None)
        return tuple(grads) if len(grads) > 1 else gx
