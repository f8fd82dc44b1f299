"""Optimizers with per-parameter step sizes: Adagrad, RMSprop, Adadelta, Adam, AdamW (PyTorch's
rules).

All five divide the step by a running measure of the gradient's size, so parameters with
large, noisy gradients take smaller steps.  Each optimizer keeps its state and step counter
here and hands the update itself to the backend's kernel (``adagrad_step``, ``rmsprop_step``,
``adadelta_step``, ``adam_step``: NumPy passes in place in the reference backend, one fused C pass in the native
one), which writes w and the state buffers in place.
"""
from ..backend import backend_of
from .optimizer import Optimizer

# Every hyper-parameter is checked by the base class (engine/optim/hyper.py), when the
# optimizer is built and again at each step.


class Adagrad(Optimizer):
    """Sum of squared gradients:  (t = step number from 1)

        g ← ∇w L + weight_decay·w
        s ← s + g²                                   (s starts at initial_accumulator_value)
        w ← w − lr / (1 + (t − 1)·lr_decay) · g / (√s + eps)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0,
                 initial_accumulator_value=0.0, eps=1e-10):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps))

    def _update(self, w, g, state, group, tmp):
        B = backend_of(w)
        if not state:
            state["step"] = 0
            state["sum"] = B.xp.full_like(w, group["initial_accumulator_value"])
        state["step"] += 1
        # The kernel (reference: NumPy passes; native: one fused C pass) updates w and the sum
        # in place; the decayed rate is computed here once per step.
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        B.adagrad_step(w, g, state["sum"], clr, group["eps"],
                       group["weight_decay"], tmp=tmp)


class RMSprop(Optimizer):
    """Running mean of squared gradients:

        g ← ∇w L + weight_decay·w
        v ← α·v + (1 − α)·g²
        centered:  a ← α·a + (1 − α)·g,   d ← √(v − a²) + eps     (else d ← √v + eps)
        momentum > 0:  b ← momentum·b + g / d,   w ← w − lr·b      (else w ← w − lr·g / d)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
                 centered=False):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered))

    def _update(self, w, g, state, group, tmp):
        B = backend_of(w)
        momentum, centered = group["momentum"], group["centered"]
        if not state:
            state["step"] = 0
            state["square_avg"] = B.xp.zeros_like(w)
        state["step"] += 1
        # The gradient average a (centered) and the momentum buffer b start at zero: on the
        # first step, or on a later one if the group's centered / momentum is switched on then.
        a = b = None
        if centered:
            a = state.get("grad_avg")
            if a is None:
                a = state["grad_avg"] = B.xp.zeros_like(w)
        if momentum:
            b = state.get("momentum_buffer")
            if b is None:
                b = state["momentum_buffer"] = B.xp.zeros_like(w)
        # The kernel (reference: NumPy passes; native: one fused C pass) updates w, v and the
        # buffers in use in place.
        B.rmsprop_step(w, g, state["square_avg"], a, b, group["lr"], group["alpha"],
                       group["eps"], group["weight_decay"], momentum, tmp=tmp)


class Adadelta(Optimizer):
    """Adadelta (Zeiler 2012): the step's size comes from running means, lr only scales it.

        g ← ∇w L + weight_decay·w
        v ← ρ·v + (1 − ρ)·g²                              (square_avg)
        Δ ← √(u + eps) / √(v + eps) · g                    (u: acc_delta)
        u ← ρ·u + (1 − ρ)·Δ²
        w ← w − lr·Δ
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay))

    def _update(self, w, g, state, group, tmp):
        B = backend_of(w)
        if not state:
            state["step"] = 0
            state["square_avg"] = B.xp.zeros_like(w)
            state["acc_delta"] = B.xp.zeros_like(w)
        state["step"] += 1
        # The kernel (reference: NumPy passes; native: one fused C pass) updates w, v and u
        # in place.
        B.adadelta_step(w, g, state["square_avg"], state["acc_delta"], group["lr"],
                        group["rho"], group["eps"], group["weight_decay"], tmp=tmp)


class Adam(Optimizer):
    """Adaptive moments (Kingma & Ba), t = step number from 1:

        g ← ∇w L + weight_decay·w          (L2 penalty folded into the gradient)
        m ← β₁·m + (1 − β₁)·g,    v ← β₂·v + (1 − β₂)·g²
        amsgrad:  v̂ ← max(v̂, v), and v̂ replaces v below
        w ← w − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + eps)
    """

    decoupled = False  # AdamW: decay the weights directly instead of through the gradient

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                 amsgrad=False):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad))

    def _update(self, w, g, state, group, tmp):
        B = backend_of(w)
        beta1, beta2 = group["betas"]
        lr, wd = group["lr"], group["weight_decay"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = B.xp.zeros_like(w)
            state["exp_avg_sq"] = B.xp.zeros_like(w)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = B.xp.zeros_like(w)
        state["step"] += 1
        t = state["step"]
        # The kernel (reference: NumPy passes; native: one fused C pass) updates w, m, v
        # (and v̂ for amsgrad) in place; the bias corrections are computed here once.
        vmax = None
        if group["amsgrad"]:
            vmax = state.get("max_exp_avg_sq")
            if vmax is None:
                vmax = state["max_exp_avg_sq"] = B.xp.zeros_like(w)
        B.adam_step(w, g, state["exp_avg"], state["exp_avg_sq"], vmax, lr, beta1, beta2,
                    group["eps"], wd, self.decoupled, bias_correction1=1 - beta1 ** t,
                    bias_correction2=1 - beta2 ** t, tmp=tmp)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): w ← w·(1 − lr·weight_decay)
    before the Adam step, instead of adding weight_decay·w to the gradient.  Default
    weight_decay = 0.01, as PyTorch."""

    decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)
