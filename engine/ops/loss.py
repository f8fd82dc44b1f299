"""Loss functions as differentiable operations, each forward beside its backward.

Every loss computes per-element (or per-sample) values ℓ and then reduces them:
``reduction="mean"`` (the default) averages, ``"sum"`` adds up, ``"none"`` returns ℓ itself.
The backward of the reduction is folded into each loss: for "mean" the upstream gradient is
divided by the number of terms averaged, for "none" it is used elementwise.

Targets that are class labels (cross-entropy) are integer arrays given to ``__init__``: they
are data, not something we differentiate.  Float targets (MSE, L1, hinge, BCE) are inputs and
receive a gradient too when they require one, as in PyTorch.
"""
import numpy as np

from ..autograd import Function
from ..backend import backend_of
from ..devices import DeviceMismatch
from ..tensor import Tensor, to_numpy
from ..validate import is_int, non_negative_real, one_of, probability

REDUCTIONS = ("mean", "sum", "none")


def check_reduction(reduction):
    return one_of(reduction, "reduction", REDUCTIONS)


def check_weights(weight, name, vector=True):
    """Class weights (a 1-D array, ``vector``) or ``pos_weight`` (any shape that broadcasts):
    real, finite and >= 0, or None.  Checked when the loss is built; the shape against the
    input's at the forward pass."""
    if weight is None:
        return None
    if isinstance(weight, (str, bytes, bool)):
        raise TypeError(f"{name} must be an array of numbers, got {weight!r}")
    try:
        values = np.asarray(to_numpy(weight) if isinstance(weight, Tensor) else weight)
    except Exception:           # an object NumPy cannot read as an array (e.g. a CuPy array
        return weight           # on the GPU: it is checked there at the forward pass)
    if values.dtype.kind not in "iuf" or values.dtype == np.bool_:
        raise TypeError(f"{name} must be real numbers, got dtype {values.dtype}")
    if vector and values.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array (one weight per class), got shape "
                         f"{values.shape}")
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ValueError(f"{name} must be finite and >= 0, got {values!r}")
    return weight


def _reduce(loss, reduction, count=None):
    """ℓ (an array) → the reduced loss; count = the denominator of "mean" (default ℓ.size)."""
    if reduction == "none":
        return loss
    total = loss.sum()
    if reduction == "sum":
        return total
    return total / (loss.size if count is None else count)


def _upstream(gy, reduction, count):
    """∂L/∂ℓ for each term: gy itself ("none"), or the scalar gy (÷ count for "mean")."""
    if reduction == "none":
        return gy
    return gy / count if reduction == "mean" else gy


def check_same_shape(name, y, t):
    if y.shape != t.shape:
        raise ValueError(f"{name}: target shape {t.shape} must equal the input shape {y.shape}")


class MSELoss(Function):
    """ℓ_i = (y_i − t_i)²;  ∂ℓ_i/∂y_i = 2(y_i − t_i),  ∂ℓ_i/∂t_i = −2(y_i − t_i)."""

    def __init__(self, reduction="mean"):
        self.reduction = check_reduction(reduction)

    def forward(self, y, t):
        check_same_shape("mse_loss", y, t)
        self.diff = y - t
        return _reduce(self.diff * self.diff, self.reduction)

    def backward(self, gy):
        g = _upstream(gy, self.reduction, self.diff.size) * 2 * self.diff
        return g, (-g if self.needs_input_grad[1] else None)


class L1Loss(Function):
    """ℓ_i = |y_i − t_i|;  ∂ℓ_i/∂y_i = sign(y_i − t_i) (0 at a tie),  ∂ℓ_i/∂t_i = −sign(y_i − t_i)."""

    def __init__(self, reduction="mean"):
        self.reduction = check_reduction(reduction)

    def forward(self, y, t):
        check_same_shape("l1_loss", y, t)
        self.sign = backend_of(y).xp.sign(y - t)
        return _reduce(abs(y - t), self.reduction)

    def backward(self, gy):
        g = _upstream(gy, self.reduction, self.sign.size) * self.sign
        return g, (-g if self.needs_input_grad[1] else None)


class SmoothL1Loss(Function):
    """Huber-like loss with threshold β, d_i = y_i − t_i:

        ℓ_i = ½ d_i² / β   if |d_i| < β,   else |d_i| − ½β          (β = 0: the L1 loss)
        ∂ℓ_i/∂y_i = d_i / β   if |d_i| < β,   else sign(d_i);    ∂ℓ_i/∂t_i = −∂ℓ_i/∂y_i
    """

    def __init__(self, reduction="mean", beta=1.0):
        self.reduction = check_reduction(reduction)
        self.beta = non_negative_real(beta, "smooth_l1_loss: beta")

    def forward(self, y, t):
        check_same_shape("smooth_l1_loss", y, t)
        xp = backend_of(y).xp
        d = y - t
        ad = xp.abs(d)
        beta = self.beta
        self.small = ad < beta
        if beta:
            loss = xp.where(self.small, 0.5 * d * d / beta, ad - 0.5 * beta)
            self.slope = xp.where(self.small, d / beta, xp.sign(d))
        else:
            loss, self.slope = ad, xp.sign(d)
        return _reduce(loss.astype(y.dtype, copy=False), self.reduction)

    def backward(self, gy):
        g = _upstream(gy, self.reduction, self.slope.size) * self.slope
        return g, (-g if self.needs_input_grad[1] else None)


class HingeLoss(Function):
    """ℓ_i = max(0, 1 − t_i·y_i) with t_i ∈ {−1, +1} (the SVM / perceptron-margin loss);

    ∂ℓ_i/∂y_i = −t_i where t_i·y_i < 1, else 0;   ∂ℓ_i/∂t_i = −y_i where t_i·y_i < 1, else 0.
    """

    def __init__(self, reduction="mean"):
        self.reduction = check_reduction(reduction)

    def forward(self, y, t):
        check_same_shape("hinge_loss", y, t)
        xp = backend_of(y).xp
        if not xp.all((t == 1) | (t == -1)):
            raise ValueError("hinge_loss: targets must be -1 or +1 "
                             f"(got values {xp.unique(t)[:5].tolist()}...)")
        self.y, self.t = y, t
        margin = 1 - t * y
        self.active = margin > 0
        return _reduce(xp.maximum(margin, 0), self.reduction)

    def backward(self, gy):
        up = _upstream(gy, self.reduction, self.y.size) * self.active
        gt = -up * self.y if self.needs_input_grad[1] else None
        return -up * self.t, gt


def check_class_targets(name, target, n, n_classes, xp=np):
    """Integer class labels of shape (n,) in [0, n_classes), as an array of module ``xp`` (the
    logits' array module: labels for GPU logits must be on the GPU too, never copied there)."""
    target = _labels_on(name, target, xp)
    if target.dtype.kind not in "iu":
        if target.dtype.kind == "f" and target.size and xp.all(target == xp.round(target)):
            raise TypeError(f"{name}: targets must be integer class labels (an int array), got "
                            f"dtype {target.dtype}; convert with .astype(np.int64)")
        raise TypeError(f"{name}: targets must be integer class labels, got dtype {target.dtype}")
    if target.shape != (n,):
        raise ValueError(f"{name}: targets must have shape ({n},) (one label per row of the "
                         f"input), got {target.shape}")
    if target.size and (target.min() < 0 or target.max() >= n_classes):
        raise ValueError(f"{name}: class labels must lie in [0, {n_classes}), got values from "
                         f"{target.min()} to {target.max()}")
    return target.astype(np.intp, copy=False)


def _labels_on(name, target, xp):
    """The labels as an array of ``xp``; a DeviceMismatch when they live on another device."""
    if xp is np:
        return to_numpy(target)
    data = target.data if isinstance(target, Tensor) else target
    if not isinstance(data, xp.ndarray):
        raise DeviceMismatch(f"{name}: the logits are on the GPU but the targets are not (got "
                             f"{type(data).__name__}); move them with .to('cuda') or pass "
                             f"device='cuda' to the data loader")
    return data


class NLLLoss(Function):
    """Negative log-likelihood from log-probabilities x (N, C) or (N, C, d₁, ...) and integer
    labels t (N,) or (N, d₁, ...) (usually after ``log_softmax``):

        ℓ_i = −w_{t_i} · x_{i, t_i}        (0 where t_i = ignore_index)
        ∂ℓ_i/∂x_ic = −w_{t_i} · 1[c = t_i]
    with class weights w (default 1); "mean" divides by Σ_i w_{t_i} over the labels not
    ignored (PyTorch's weighted mean).  Extra axes d₁, ... are positions, each with its label.
    """

    def __init__(self, target, weight=None, ignore_index=-100, reduction="mean"):
        self.target, self.weight = target, check_weights(weight, "nll_loss: weight")
        if not is_int(ignore_index):
            raise TypeError(f"nll_loss: ignore_index must be an int, got {ignore_index!r}")
        self.ignore_index = int(ignore_index)
        self.reduction = check_reduction(reduction)

    def forward(self, x):
        if x.ndim < 2:
            raise ValueError(f"nll_loss: input must have shape (N, C) or (N, C, d1, ...), "
                             f"got {x.shape}")
        xp = backend_of(x).xp
        c = x.shape[1]
        t = to_numpy(self.target)
        want = (x.shape[0],) + x.shape[2:]
        if t.dtype.kind not in "iu":
            raise TypeError(f"nll_loss: targets must be integer class labels (int64), got dtype "
                            f"{t.dtype}")
        if t.shape != want:
            raise ValueError(f"nll_loss: targets must have shape {want} for an input of shape "
                             f"{x.shape}, got {t.shape}")
        t = t.astype(np.intp).reshape(-1)
        keep = t != self.ignore_index
        bad = keep & ((t < 0) | (t >= c))
        if bad.any():
            raise ValueError(f"nll_loss: class labels must lie in [0, {c}) (or be ignore_index "
                             f"{self.ignore_index}), got {t[bad][0]}")
        t = xp.asarray(xp.where(xp.asarray(keep), xp.asarray(t), 0))
        w = xp.ones(c, dtype=x.dtype) if self.weight is None else \
            xp.asarray(to_numpy(self.weight), dtype=x.dtype)
        if w.shape != (c,):
            raise ValueError(f"nll_loss: weight must have shape ({c},), got {w.shape}")
        self.x_shape, self.t = x.shape, t
        self.w_t = w[t] * xp.asarray(keep, dtype=x.dtype)          # 0 where ignored
        rows = xp.moveaxis(x, 1, -1).reshape(-1, c)                 # one row per position
        loss = -rows[xp.arange(t.size), t] * self.w_t
        self.count = self.w_t.sum()
        return _reduce(loss.reshape(want), self.reduction, self.count)

    def backward(self, gy):
        xp = backend_of(self.w_t).xp
        n, c = self.x_shape[0], self.x_shape[1]
        up = _upstream(gy, self.reduction, self.count)
        up = up.reshape(-1) if self.reduction == "none" else up
        rows = xp.zeros((self.t.size, c), dtype=self.w_t.dtype)
        rows[xp.arange(self.t.size), self.t] = -self.w_t * up
        moved = (n,) + self.x_shape[2:] + (c,)
        return xp.moveaxis(rows.reshape(moved), -1, 1)


class CrossEntropy(Function):
    """Softmax + negative log-likelihood, fused and stable, from logits z (N, C) and labels t (N,).

    Forward (the backend's log-softmax kernel, which subtracts the max so e^z never overflows):
        log p_ic = z_ic − m_i − log Σ_j e^(z_ij − m_i),   m_i = max_j z_ij
        ℓ_i = −w_{t_i} · [(1 − ε) log p_{i,t_i} + (ε/C) Σ_c log p_ic]
    with class weights w (default 1) and label smoothing ε (default 0); "mean" divides by
    Σ_i w_{t_i} (PyTorch's weighted mean).
    With ε = 0 the sum simplifies to ℓ_i = −w_{t_i} log p_{i,t_i}.

    Backward (the classic "softmax minus one-hot"):
        ∂ℓ_i/∂z_ic = w_{t_i} · (p_ic − q_ic),   q_ic = (1 − ε)·1[c = t_i] + ε/C.
    (PyTorch weights the smoothing term per class, w_c, rather than w_{t_i}; with weights and
    smoothing together the two differ — we document and use w_{t_i}.)
    """

    def __init__(self, target, weight=None, label_smoothing=0.0, reduction="mean"):
        self.target = target
        self.weight = check_weights(weight, "cross_entropy: weight")
        self.label_smoothing = probability(label_smoothing, "label_smoothing")
        self.reduction = check_reduction(reduction)

    def forward(self, z):
        if z.ndim != 2:
            raise ValueError(f"cross_entropy: logits must have shape (N, C), got {z.shape}")
        B = self.B = backend_of(z)
        n, c = z.shape
        t = self.target = check_class_targets("cross_entropy", self.target, n, c, B.xp)
        log_p = self.log_p = B.log_softmax(z, 1)
        rows = B.xp.arange(n)
        eps = self.label_smoothing
        loss = -log_p[rows, t]
        if eps:
            loss = (1 - eps) * loss - (eps / c) * log_p.sum(axis=1)
        if self.weight is not None:
            w = B.xp.asarray(self.weight, dtype=z.dtype)
            if w.shape != (c,):
                raise ValueError(f"cross_entropy: weight must have shape ({c},), got {w.shape}")
            self.w_t = w[t]
            loss = loss * self.w_t
            self.count = self.w_t.sum()
        else:
            self.w_t = None
            self.count = n
        return _reduce(loss, self.reduction, self.count)

    def backward(self, gy):
        xp = self.B.xp
        n, c = self.log_p.shape
        g = xp.exp(self.log_p)                      # p
        eps = self.label_smoothing
        if eps:
            g -= eps / c
        g[xp.arange(n), self.target] -= 1 - eps     # p − q
        scale = _upstream(gy, self.reduction, self.count)
        if self.w_t is not None:
            scale = scale * self.w_t
        if xp.ndim(scale):
            scale = scale[:, None]
        g *= scale
        return g


class BinaryCrossEntropy(Function):
    """ℓ_i = −[t_i log p_i + (1 − t_i) log(1 − p_i)] from probabilities p ∈ [0, 1];

    each log is clamped at −100 (as PyTorch) so p = 0 or 1 gives a large finite loss.
    ∂ℓ_i/∂p_i = (p_i − t_i) / (p_i (1 − p_i))  (denominator clamped at 1e-12);
    ∂ℓ_i/∂t_i = log(1 − p_i) − log p_i.
    """

    def __init__(self, reduction="mean"):
        self.reduction = check_reduction(reduction)

    def forward(self, p, t):
        check_same_shape("binary_cross_entropy", p, t)
        if p.size and (p.min() < 0 or p.max() > 1):
            raise ValueError("binary_cross_entropy: inputs must be probabilities in [0, 1] "
                             "(for logits use binary_cross_entropy_with_logits)")
        xp = self.xp = backend_of(p).xp
        self.p, self.t = p, t
        with np.errstate(divide="ignore"):
            self.log_p = xp.maximum(xp.log(p), -100)
            self.log_1p = xp.maximum(xp.log1p(-p), -100)
        return _reduce(-(t * self.log_p + (1 - t) * self.log_1p), self.reduction)

    def backward(self, gy):
        up = _upstream(gy, self.reduction, self.p.size)
        p, t = self.p, self.t
        gp = up * (p - t) / self.xp.maximum(p * (1 - p), 1e-12)
        gt = up * (self.log_1p - self.log_p) if self.needs_input_grad[1] else None
        return gp, gt


class BinaryCrossEntropyWithLogits(Function):
    """BCE of σ(z) computed from the logits z without ever forming log σ(z) directly:

        ℓ_i = w_p·t_i·softplus(−z_i) + (1 − t_i)·softplus(z_i),   softplus(x) = log(1 + eˣ)
    (w_p = ``pos_weight``, default 1; softplus and σ are the backend's kernels, and
    softplus(−z) = softplus(z) − z).
        ∂ℓ_i/∂z_i = (1 − t_i)·σ(z_i) − w_p·t_i·(1 − σ(z_i))   (= σ(z_i) − t_i when w_p = 1)
        ∂ℓ_i/∂t_i = w_p·softplus(−z_i) − softplus(z_i)
    """

    def __init__(self, pos_weight=None, reduction="mean"):
        self.pos_weight = check_weights(pos_weight, "pos_weight", vector=False)
        self.reduction = check_reduction(reduction)

    def forward(self, z, t):
        check_same_shape("binary_cross_entropy_with_logits", z, t)
        B = self.B = backend_of(z)
        self.sp_pos = B.softplus(z)                   # softplus(z)
        self.sp_neg = self.sp_pos - z                 # softplus(−z)
        self.z, self.t = z, t
        w = 1 if self.pos_weight is None else B.xp.asarray(self.pos_weight, dtype=z.dtype)
        self.w = w
        return _reduce(w * t * self.sp_neg + (1 - t) * self.sp_pos, self.reduction)

    def backward(self, gy):
        xp = self.B.xp
        up = _upstream(gy, self.reduction, self.z.size)
        s = self.B.sigmoid(self.z)
        gz = up * ((1 - self.t) * s - self.w * self.t * (1 - s))
        gt = up * (self.w * self.sp_neg - self.sp_pos) if self.needs_input_grad[1] else None
        if gt is not None and gt.shape != self.t.shape:
            gt = xp.broadcast_to(gt, self.t.shape)
        return xp.broadcast_to(gz, self.z.shape), gt


class KLDivNormal(Function):
    """KL(N(μ, σ²) ‖ N(0, 1)) of a VAE's encoder, from μ and log σ² (both (N, D)):

        kl_ij = −½ (1 + log σ²_ij − μ²_ij − σ²_ij)
        ∂kl/∂μ = μ,    ∂kl/∂(log σ²) = ½ (σ² − 1)
    Reduction: "mean" sums over the latent axes and averages over the batch (the per-sample KL
    a VAE adds to its reconstruction loss), "sum" adds every term, "none" returns kl_ij.
    """

    def __init__(self, reduction="mean"):
        self.reduction = check_reduction(reduction)

    def forward(self, mu, logvar):
        check_same_shape("kl_div_normal", mu, logvar)
        self.mu = mu
        self.var = backend_of(logvar).xp.exp(logvar)
        kl = -0.5 * (1 + logvar - mu * mu - self.var)
        n = mu.shape[0] if mu.ndim else 1
        return _reduce(kl, self.reduction, n)

    def backward(self, gy):
        n = self.mu.shape[0] if self.mu.ndim else 1
        up = _upstream(gy, self.reduction, n)
        return up * self.mu, up * 0.5 * (self.var - 1)
