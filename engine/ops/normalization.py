"""Batch normalisation as one differentiable operation (forward and backward together)."""
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
