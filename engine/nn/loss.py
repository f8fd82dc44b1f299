"""Loss layers: Modules wrapping the loss functions of ``engine.nn.functional``.

``loss_fn = CrossEntropyLoss(); loss = loss_fn(logits, labels)``.  Every loss takes
``reduction="mean" | "sum" | "none"``.  The equations are in ``engine/ops/loss.py``.
"""
from ..ops.loss import check_reduction, check_weights
from ..validate import is_int, non_negative_real, probability
from . import functional as F
from .module import Module


class _Loss(Module):
    def __init__(self, reduction="mean"):
        super().__init__()
        self.reduction = check_reduction(reduction)

    def extra_repr(self):
        return f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Mean squared error: mean of (y − t)² (regression)."""

    def forward(self, input, target):
        return F.mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    """Mean absolute error: mean of |y − t|."""

    def forward(self, input, target):
        return F.l1_loss(input, target, self.reduction)


class SmoothL1Loss(_Loss):
    """½d²/β where |d| < β, else |d| − ½β (d = y − t): quadratic near 0, linear beyond β."""

    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0):
        F._legacy_reduction("SmoothL1Loss", size_average, reduce)
        super().__init__(reduction)
        self.beta = non_negative_real(beta, "beta")

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class NLLLoss(_Loss):
    """Negative log-likelihood from log-probabilities (after ``LogSoftmax``) and integer labels."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean"):
        F._legacy_reduction("NLLLoss", size_average, reduce)
        super().__init__(reduction)
        if not is_int(ignore_index):
            raise TypeError(f"ignore_index must be an int, got {ignore_index!r}")
        self.weight = check_weights(weight, "weight")
        self.ignore_index = int(ignore_index)

    def forward(self, input, target):
        return F.nll_loss(input, target, self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class HingeLoss(_Loss):
    """mean of max(0, 1 − t·y), targets t ∈ {−1, +1} (SVM-style margin loss)."""

    def forward(self, input, target):
        return F.hinge_loss(input, target, self.reduction)


class CrossEntropyLoss(_Loss):
    """Softmax + negative log-likelihood from logits (N, C) and integer labels (N,)."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean", label_smoothing=0.0):
        if isinstance(size_average, str):   # the old engine order: (weight, reduction, ...)
            size_average, reduction = None, size_average
        F._legacy_reduction("CrossEntropyLoss", size_average, reduce)
        super().__init__(reduction)
        self.weight = check_weights(weight, "weight")
        self.label_smoothing = probability(label_smoothing, "label_smoothing")
        if not is_int(ignore_index):
            raise TypeError(f"ignore_index must be an int, got {ignore_index!r}")
        self.ignore_index = int(ignore_index)

    def forward(self, input, target):
        return F.cross_entropy(input, target, self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class BCELoss(_Loss):
    """Binary cross-entropy from probabilities (after a sigmoid)."""

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy from logits (sigmoid included, numerically stable); ``pos_weight``
    multiplies the positive term (class imbalance)."""

    def __init__(self, pos_weight=None, reduction="mean"):
        super().__init__(reduction)
        self.pos_weight = check_weights(pos_weight, "pos_weight", vector=False)

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.pos_weight, self.reduction)


class KLDivNormal(_Loss):
    """KL(N(μ, σ²) ‖ N(0, 1)) of a VAE's encoder: ``KLDivNormal()(mu, logvar)``."""

    def forward(self, mu, logvar):
        return F.kl_div_normal(mu, logvar, self.reduction)
