"""Optimizer updates in NumPy: PyTorch's rules, in place on w and the state buffers.

Several NumPy passes per step, all into existing arrays (``out=``, ``*=``): ``tmp`` is a work
array shaped like w (allocated here when not given). The gradient g is never written.
The compiled twin (``engine/backend/native/optim.py``) does each update in one fused pass.
"""
import math

import numpy as np

__all__ = ["sgd_step", "adam_step", "adagrad_step", "rmsprop_step", "adadelta_step"]


def sgd_step(w, g, buf, lr, momentum=0.0, dampening=0.0, nesterov=False, weight_decay=0.0,
             first_step=False, tmp=None):
    """SGD: w ← w − lr·d, where

        g ← g + weight_decay·w
        b ← g                                  on the first step (``first_step``)
        b ← momentum·b + (1 − dampening)·g     afterwards
        d ← g + momentum·b   (nesterov)   or   d ← b   (momentum > 0)   or   d ← g

    ``buf`` (b) is the momentum buffer, None when momentum = 0.
    """
    tmp = np.empty_like(w) if tmp is None else tmp
    if weight_decay:
        np.multiply(w, weight_decay, out=tmp)
        g = np.add(tmp, g, out=tmp)
    if momentum:
        if first_step:
            buf[...] = g
        else:
            buf *= momentum
            if dampening:
                buf += (1 - dampening) * g
            else:
                buf += g
        if nesterov:
            g = np.add(g, momentum * buf, out=tmp)
        else:
            g = buf
    w -= np.multiply(g, lr, out=tmp)


def adam_step(w, g, m, v, vmax, lr, beta1, beta2, eps, weight_decay=0.0, decoupled=False,
              bias_correction1=1.0, bias_correction2=1.0, tmp=None):
    """Adam / AdamW, with the bias corrections bc1 = 1 − β₁ᵗ, bc2 = 1 − β₂ᵗ (t from 1):

        decoupled (AdamW):  w ← w·(1 − lr·weight_decay)
        else (Adam):        g ← g + weight_decay·w
        m ← β₁·m + (1 − β₁)·g,    v ← β₂·v + (1 − β₂)·g²
        amsgrad (vmax not None):  v̂ ← max(v̂, v), and v̂ replaces v below
        w ← w − lr/bc1 · m / (√v / √bc2 + eps)
    """
    tmp = np.empty_like(w) if tmp is None else tmp
    if weight_decay:
        if decoupled:
            w *= 1 - lr * weight_decay
        else:
            g = g + weight_decay * w
    m *= beta1
    np.multiply(g, 1 - beta1, out=tmp)
    m += tmp
    v *= beta2
    np.multiply(g, g, out=tmp)
    tmp *= 1 - beta2
    v += tmp
    if vmax is not None:
        v = np.maximum(vmax, v, out=vmax)
    np.sqrt(v, out=tmp)
    tmp /= math.sqrt(bias_correction2)
    tmp += eps
    np.divide(m, tmp, out=tmp)
    tmp *= lr / bias_correction1
    w -= tmp


def adagrad_step(w, g, state_sum, clr, eps, weight_decay=0.0, tmp=None):
    """Adagrad, with the step's decayed rate clr = lr / (1 + (t − 1)·lr_decay) (t from 1):

        g ← g + weight_decay·w
        s ← s + g²                      (``state_sum``: the sum of squared gradients)
        w ← w − clr · g / (√s + eps)
    """
    tmp = np.empty_like(w) if tmp is None else tmp
    if weight_decay:
        g = g + weight_decay * w
    state_sum += np.multiply(g, g, out=tmp)
    np.sqrt(state_sum, out=tmp)
    tmp += eps
    np.divide(g, tmp, out=tmp)
    tmp *= clr
    w -= tmp


def rmsprop_step(w, g, square_avg, grad_avg, momentum_buffer, lr, alpha, eps, weight_decay=0.0,
                 momentum=0.0, tmp=None):
    """RMSprop:

        g ← g + weight_decay·w
        v ← α·v + (1 − α)·g²                                    (``square_avg``)
        centered:  a ← α·a + (1 − α)·g,   d ← √max(v − a², 0) + eps   (else d ← √v + eps)
        momentum > 0:  b ← momentum·b + g / d,   w ← w − lr·b      (else w ← w − lr·g / d)

    ``grad_avg`` (a) is None unless centered; ``momentum_buffer`` (b) is None unless
    momentum > 0.
    """
    tmp = np.empty_like(w) if tmp is None else tmp
    if weight_decay:
        g = g + weight_decay * w
    v = square_avg
    v *= alpha
    np.multiply(g, g, out=tmp)
    tmp *= 1 - alpha
    v += tmp
    if grad_avg is not None:
        a = grad_avg
        a *= alpha
        a += (1 - alpha) * g
        np.multiply(a, a, out=tmp)
        np.subtract(v, tmp, out=tmp)
        np.maximum(tmp, 0, out=tmp)       # v − a² ≥ 0 but for rounding (NaN stays NaN)
        np.sqrt(tmp, out=tmp)
    else:
        np.sqrt(v, out=tmp)
    tmp += eps
    np.divide(g, tmp, out=tmp)            # g / d
    if momentum:
        b = momentum_buffer
        b *= momentum
        b += tmp
        np.multiply(b, lr, out=tmp)
    else:
        tmp *= lr
    w -= tmp


def adadelta_step(w, g, square_avg, acc_delta, lr, rho, eps, weight_decay=0.0, tmp=None):
    """Adadelta (Zeiler; PyTorch's rule):

        g ← g + weight_decay·w
        v ← ρ·v + (1 − ρ)·g²                      (``square_avg``)
        Δ ← √(u + eps) / √(v + eps) · g            (u: ``acc_delta``, the running mean of Δ²)
        u ← ρ·u + (1 − ρ)·Δ²
        w ← w − lr·Δ
    """
    tmp = np.empty_like(w) if tmp is None else tmp
    if weight_decay:
        g = g + weight_decay * w
    v, u = square_avg, acc_delta
    v *= rho
    np.multiply(g, g, out=tmp)
    tmp *= 1 - rho
    v += tmp
    delta = np.sqrt(u + eps)                  # √(u + eps)
    np.add(v, eps, out=tmp)
    np.sqrt(tmp, out=tmp)                     # √(v + eps)
    delta /= tmp
    delta *= g                                # Δ
    u *= rho
    np.multiply(delta, delta, out=tmp)
    tmp *= 1 - rho
    u += tmp
    delta *= lr
    w -= delta
