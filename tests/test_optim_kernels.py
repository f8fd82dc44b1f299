"""The fused optimizer kernels (csrc/optim.c) against their NumPy twins in reference.py.

Both sides start from the same parameter and state and take several consecutive steps with
fresh gradients, so the momentum / moment buffers evolve; after every step the parameter and
every buffer must agree to rounding.
"""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.backend import reference

native = pytest.importorskip("engine.backend.native")

DTYPES = [np.float32, np.float64]
RTOL = {np.float32: 2e-5, np.float64: 1e-12}
sizes = st.sampled_from([0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 64, 100, 1000, 40000])


def _arrays(rng, n, dtype, count):
    return [rng.standard_normal(n).astype(dtype) for _ in range(count)]


def _close(got, want, dtype):
    np.testing.assert_allclose(got, want, rtol=RTOL[dtype], atol=RTOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@given(n=sizes, seed=st.integers(0, 2**31 - 1),
       momentum=st.sampled_from([0.0, 0.5, 0.9]), dampening=st.sampled_from([0.0, 0.3]),
       nesterov=st.booleans(), weight_decay=st.sampled_from([0.0, 1e-2, 0.5]),
       lr=st.sampled_from([1e-3, 0.1, 1.0]))
def test_sgd_step_matches_reference(dtype, n, seed, momentum, dampening, nesterov,
                                    weight_decay, lr):
    if nesterov and (momentum == 0 or dampening != 0):
        nesterov = False                      # the optimizer refuses that combination
    rng = np.random.default_rng(seed)
    (w0,) = _arrays(rng, n, dtype, 1)
    w_ref, w_nat = w0.copy(), w0.copy()
    b_ref = np.empty_like(w0) if momentum else None
    b_nat = np.empty_like(w0) if momentum else None
    for step in range(4):
        (g,) = _arrays(rng, n, dtype, 1)
        g_before = g.copy()
        args = (lr, momentum, dampening, nesterov, weight_decay, step == 0)
        reference.sgd_step(w_ref, g, b_ref, *args)
        native.sgd_step(w_nat, g, b_nat, *args)
        np.testing.assert_array_equal(g, g_before)          # the gradient is only read
        _close(w_nat, w_ref, dtype)
        if momentum:
            _close(b_nat, b_ref, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@given(n=sizes, seed=st.integers(0, 2**31 - 1),
       betas=st.sampled_from([(0.9, 0.999), (0.5, 0.9), (0.0, 0.0)]),
       weight_decay=st.sampled_from([0.0, 1e-2, 0.3]), decoupled=st.booleans(),
       amsgrad=st.booleans(), eps=st.sampled_from([1e-8, 1e-3]),
       lr=st.sampled_from([1e-3, 0.1]))
def test_adam_step_matches_reference(dtype, n, seed, betas, weight_decay, decoupled, amsgrad,
                                     eps, lr):
    rng = np.random.default_rng(seed)
    beta1, beta2 = betas
    (w0,) = _arrays(rng, n, dtype, 1)
    ref = [w0.copy(), np.zeros_like(w0), np.zeros_like(w0)]
    nat = [w0.copy(), np.zeros_like(w0), np.zeros_like(w0)]
    vmax_ref = np.zeros_like(w0) if amsgrad else None
    vmax_nat = np.zeros_like(w0) if amsgrad else None
    for t in range(1, 5):
        (g,) = _arrays(rng, n, dtype, 1)
        g_before = g.copy()
        kw = dict(lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay,
                  decoupled=decoupled, bias_correction1=1 - beta1 ** t,
                  bias_correction2=1 - beta2 ** t)
        reference.adam_step(ref[0], g, ref[1], ref[2], vmax_ref, **kw)
        native.adam_step(nat[0], g, nat[1], nat[2], vmax_nat, **kw)
        np.testing.assert_array_equal(g, g_before)
        for got, want in zip(nat, ref):
            _close(got, want, dtype)
        if amsgrad:
            _close(vmax_nat, vmax_ref, dtype)
            assert np.all(vmax_nat >= nat[2])


def test_sgd_step_by_hand():
    """One momentum step with numbers small enough to check on paper (both backends)."""
    for k in (reference, native):
        w = np.array([1.0, -2.0]); g = np.array([0.5, 1.0]); b = np.array([0.2, -0.2])
        k.sgd_step(w, g, b, lr=0.1, momentum=0.9, dampening=0.0, nesterov=False,
                   weight_decay=0.0, first_step=False)
        np.testing.assert_allclose(b, [0.9 * 0.2 + 0.5, -0.9 * 0.2 + 1.0])
        np.testing.assert_allclose(w, [1.0 - 0.1 * 0.68, -2.0 - 0.1 * 0.82])


def test_native_refuses_bad_buffers():
    w = np.zeros(4)
    g = np.zeros(4)
    with pytest.raises(ValueError, match="momentum buffer"):
        native.sgd_step(w, g, np.zeros(3), 0.1, momentum=0.9)
    with pytest.raises(ValueError, match="exp_avg"):
        native.adam_step(w, g, np.zeros(4, np.float32), np.zeros(4), None, 0.1, 0.9, 0.99, 1e-8)
    with pytest.raises(TypeError, match="dtype"):
        native.adam_step(w, g.astype(np.float32), np.zeros(4), np.zeros(4), None, 0.1, 0.9,
                         0.99, 1e-8)
    with pytest.raises(ValueError, match="in place"):
        native.sgd_step(np.zeros((4, 2))[:, 0], g, None, 0.1)
    with pytest.raises(ValueError, match="bias corrections"):
        native.adam_step(w, g, np.zeros(4), np.zeros(4), None, 0.1, 0.9, 0.99, 1e-8,
                         bias_correction1=0.0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_isa_matches_reference(isa, dtype):
    """The generic, AVX2 and AVX-512 builds of both kernels, several sizes and settings."""
    from engine import _C
    assert _C.kernel_isa("optim") == isa
    rng = np.random.default_rng(7)
    for n in (0, 1, 5, 16, 33, 1000, 40000):
        for momentum, nesterov, wd in ((0.0, False, 0.0), (0.9, True, 0.1), (0.9, False, 0.0)):
            w_ref = rng.standard_normal(n).astype(dtype)
            w_nat, b_ref, b_nat = w_ref.copy(), np.empty_like(w_ref), np.empty_like(w_ref)
            for step in range(3):
                g = rng.standard_normal(n).astype(dtype)
                args = (0.1, momentum, 0.0, nesterov, wd, step == 0)
                reference.sgd_step(w_ref, g, b_ref if momentum else None, *args)
                native.sgd_step(w_nat, g, b_nat if momentum else None, *args)
                _close(w_nat, w_ref, dtype)
        for decoupled, amsgrad in ((False, False), (True, True)):
            w_ref = rng.standard_normal(n).astype(dtype)
            ref = [w_ref, np.zeros_like(w_ref), np.zeros_like(w_ref), np.zeros_like(w_ref)]
            nat = [a.copy() for a in ref]
            for t in range(1, 4):
                g = rng.standard_normal(n).astype(dtype)
                kw = dict(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.1,
                          decoupled=decoupled, bias_correction1=1 - 0.9 ** t,
                          bias_correction2=1 - 0.999 ** t)
                reference.adam_step(ref[0], g, ref[1], ref[2], ref[3] if amsgrad else None, **kw)
                native.adam_step(nat[0], g, nat[1], nat[2], nat[3] if amsgrad else None, **kw)
                for got, want in zip(nat, ref):
                    _close(got, want, dtype)
