"""The fused optimizer kernels (csrc/optim/) against their NumPy twins
(engine/backend/reference/optim.py).

Both sides start from the same parameter and state and take several consecutive steps with
fresh gradients, so the momentum / moment buffers evolve; after every step the parameter and
every buffer must agree to rounding.
"""
import numpy as np
import pytest
from hypothesis import assume, given
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


def _decayed_gradient(rng, w, weight_decay):
    """A fresh gradient g for w whose g' = g + weight_decay·w is not near 0.

    On the first Adagrad / RMSprop step the update is about g' / |g'| = ±1 (s and v start
    from g'² alone), so a g' within rounding of 0 would take its sign from how g' was rounded
    (the C kernel may fuse wd·w + g into one FMA, NumPy does not) and the two backends could
    differ by a whole step.  Such values are nudged away; everything else is random.
    """
    g = rng.standard_normal(w.size).astype(w.dtype)
    g[np.abs(g + weight_decay * w) < 1e-3] += 0.01
    return g


@pytest.mark.parametrize("dtype", DTYPES)
@given(n=sizes, seed=st.integers(0, 2**31 - 1),
       lr=st.sampled_from([1e-3, 0.1, 1.0]), lr_decay=st.sampled_from([0.0, 0.01, 0.5]),
       weight_decay=st.sampled_from([0.0, 1e-2, 0.5]), eps=st.sampled_from([1e-10, 1e-3]),
       initial_sum=st.sampled_from([0.0, 0.1]))
def test_adagrad_step_matches_reference(dtype, n, seed, lr, lr_decay, weight_decay, eps,
                                        initial_sum):
    rng = np.random.default_rng(seed)
    (w0,) = _arrays(rng, n, dtype, 1)
    w_ref, w_nat = w0.copy(), w0.copy()
    s_ref, s_nat = np.full_like(w0, initial_sum), np.full_like(w0, initial_sum)
    for t in range(1, 5):
        g = _decayed_gradient(rng, w_ref, weight_decay)
        g_before = g.copy()
        clr = lr / (1 + (t - 1) * lr_decay)        # as Adagrad._update computes it
        reference.adagrad_step(w_ref, g, s_ref, clr, eps, weight_decay)
        native.adagrad_step(w_nat, g, s_nat, clr, eps, weight_decay)
        np.testing.assert_array_equal(g, g_before)          # the gradient is only read
        _close(w_nat, w_ref, dtype)
        _close(s_nat, s_ref, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@given(n=sizes, seed=st.integers(0, 2**31 - 1),
       lr=st.sampled_from([1e-3, 0.01, 0.1]), alpha=st.sampled_from([0.99, 0.9, 0.5]),
       eps=st.sampled_from([1e-8, 1e-3]), weight_decay=st.sampled_from([0.0, 1e-2, 0.5]),
       momentum=st.sampled_from([0.0, 0.5, 0.9]), centered=st.booleans())
def test_rmsprop_step_matches_reference(dtype, n, seed, lr, alpha, eps, weight_decay, momentum,
                                        centered):
    # RMSprop moves w by up to lr/√(1 − α) per step (1.0 for lr = 0.1, α = 0.99), and weight
    # decay feeds w back into g' = g + wd·w, where it can cancel g.  With lr = 0.1 and
    # wd = 0.5 that loop amplifies a one-ulp difference in w step after step (the float64
    # answer lies between the two float32 ones), so no tolerance would tell a bug from
    # rounding; every other pair here stays within a third of RTOL.
    assume(lr * weight_decay <= 0.01)
    rng = np.random.default_rng(seed)
    (w0,) = _arrays(rng, n, dtype, 1)
    zeros = np.zeros_like(w0)
    # w, square_avg, grad_avg (None unless centered), momentum_buffer (None unless momentum)
    ref = [w0.copy(), zeros.copy(), zeros.copy() if centered else None,
           zeros.copy() if momentum else None]
    nat = [None if a is None else a.copy() for a in ref]
    for _ in range(4):
        g = _decayed_gradient(rng, ref[0], weight_decay)
        g_before = g.copy()
        kw = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum)
        reference.rmsprop_step(ref[0], g, *ref[1:], **kw)
        native.rmsprop_step(nat[0], g, *nat[1:], **kw)
        np.testing.assert_array_equal(g, g_before)
        for got, want in zip(nat, ref):
            if want is not None:
                _close(got, want, dtype)

@pytest.mark.parametrize("dtype", DTYPES)
@given(n=sizes, seed=st.integers(0, 2**31 - 1), lr=st.sampled_from([1e-2, 0.1, 1.0]),
       rho=st.sampled_from([0.9, 0.5, 0.0]), eps=st.sampled_from([1e-6, 1e-3]),
       weight_decay=st.sampled_from([0.0, 1e-2]))
def test_adadelta_step_matches_reference(dtype, n, seed, lr, rho, eps, weight_decay):
    rng = np.random.default_rng(seed)
    (w0,) = _arrays(rng, n, dtype, 1)
    ref = [w0.copy(), np.zeros_like(w0), np.zeros_like(w0)]   # w, square_avg, acc_delta
    nat = [a.copy() for a in ref]
    for _ in range(4):
        g = _decayed_gradient(rng, ref[0], weight_decay)
        g_before = g.copy()
        kw = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay)
        reference.adadelta_step(*ref[:1], g, *ref[1:], **kw)
        native.adadelta_step(*nat[:1], g, *nat[1:], **kw)
        np.testing.assert_array_equal(g, g_before)
        for got, want in zip(nat, ref):
            _close(got, want, dtype)


def test_adadelta_step_by_hand():
    """ρ = 0.5, eps = 0: v = 0.5·[2, 0] + 0.5·g² = [3, 2] ... chosen so the roots are whole."""
    for k in (reference, native):
        # g' = g + 0.5·w = [2, 2];  v = 0.5·[4, 4] + 0.5·[4, 4] = [4, 4];
        # Δ = √u/√v · g' = [√16/2·2, √4/2·2] = [4, 2];  u = 0.5·[16, 4] + 0.5·Δ² = [16, 4]
        w = np.array([2.0, -2.0]); g = np.array([1.0, 3.0])
        v = np.array([4.0, 4.0]); u = np.array([16.0, 4.0])
        k.adadelta_step(w, g, v, u, lr=0.5, rho=0.5, eps=0.0, weight_decay=0.5)
        np.testing.assert_allclose(v, [4.0, 4.0])
        np.testing.assert_allclose(u, [16.0, 4.0])
        np.testing.assert_allclose(w, [2.0 - 0.5 * 4, -2.0 - 0.5 * 2])


def test_sgd_step_by_hand():
    """One momentum step with numbers small enough to check on paper (both backends)."""
    for k in (reference, native):
        w = np.array([1.0, -2.0]); g = np.array([0.5, 1.0]); b = np.array([0.2, -0.2])
        k.sgd_step(w, g, b, lr=0.1, momentum=0.9, dampening=0.0, nesterov=False,
                   weight_decay=0.0, first_step=False)
        np.testing.assert_allclose(b, [0.9 * 0.2 + 0.5, -0.9 * 0.2 + 1.0])
        np.testing.assert_allclose(w, [1.0 - 0.1 * 0.68, -2.0 - 0.1 * 0.82])



def test_adagrad_step_by_hand():
    """g' = g + 0.5·w = [1, 1];  s = [3, 0] + g'² = [4, 1];  w −= 0.1·g'/√s (eps = 0)."""
    for k in (reference, native):
        w = np.array([1.0, -2.0]); g = np.array([0.5, 2.0]); s = np.array([3.0, 0.0])
        k.adagrad_step(w, g, s, clr=0.1, eps=0.0, weight_decay=0.5)
        np.testing.assert_allclose(s, [4.0, 1.0])
        np.testing.assert_allclose(w, [1.0 - 0.1 * 1 / 2, -2.0 - 0.1 * 1 / 1])


def test_rmsprop_step_by_hand():
    """Two steps with numbers that give whole square roots (α = 0.5, eps = 0), both backends."""
    for k in (reference, native):
        # centered, momentum 0.9:  v = 0.5·[6, 9] + 0.5·g² = [5, 5],  a = 0.5·[0, 3] + 0.5·g
        # = [1, 2],  d = √(v − a²) = [2, 1],  b = 0.9·[1, −1] + g/d = [1.9, 0.1],  w −= 0.1·b
        w = np.array([1.0, -2.0]); g = np.array([2.0, 1.0])
        v = np.array([6.0, 9.0]); a = np.array([0.0, 3.0]); b = np.array([1.0, -1.0])
        k.rmsprop_step(w, g, v, a, b, lr=0.1, alpha=0.5, eps=0.0, momentum=0.9)
        np.testing.assert_allclose(v, [5.0, 5.0])
        np.testing.assert_allclose(a, [1.0, 2.0])
        np.testing.assert_allclose(b, [1.9, 0.1])
        np.testing.assert_allclose(w, [1.0 - 0.19, -2.0 - 0.01])
        # plain, weight decay 0.5:  g' = [1.5, 2] + 0.5·[1, −2] = [2, 1],  v = 0.5·[4, 1]
        # + 0.5·g'² = [4, 1],  d = √v = [2, 1],  w −= 0.1·g'/d.  Without momentum the buffer
        # passed plays no part and stays as it was.
        w = np.array([1.0, -2.0]); g = np.array([1.5, 2.0])
        v = np.array([4.0, 1.0]); unused = np.array([7.0, 7.0])
        k.rmsprop_step(w, g, v, None, unused, lr=0.1, alpha=0.5, eps=0.0, weight_decay=0.5)
        np.testing.assert_allclose(v, [4.0, 1.0])
        np.testing.assert_allclose(w, [1.0 - 0.1, -2.0 - 0.1])
        np.testing.assert_array_equal(unused, [7.0, 7.0])

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
    with pytest.raises(ValueError, match="state_sum"):
        native.adagrad_step(w, g, np.zeros(3), 0.1, 1e-10)
    with pytest.raises(ValueError, match="state_sum"):
        native.adagrad_step(w, g, np.zeros(4, np.float32), 0.1, 1e-10)
    with pytest.raises(TypeError, match="dtype"):
        native.adagrad_step(w, g.astype(np.float32), np.zeros(4), 0.1, 1e-10)
    with pytest.raises(ValueError, match="square_avg"):
        native.rmsprop_step(w, g, np.zeros((4, 2))[:, 0], None, None, 0.1, 0.9, 1e-8)
    with pytest.raises(ValueError, match="grad_avg"):
        native.rmsprop_step(w, g, np.zeros(4), np.zeros(5), None, 0.1, 0.9, 1e-8)
    with pytest.raises(ValueError, match="momentum_buffer"):
        native.rmsprop_step(w, g, np.zeros(4), None, None, 0.1, 0.9, 1e-8, momentum=0.9)
    with pytest.raises(ValueError, match="in place"):
        native.rmsprop_step(np.zeros((4, 2))[:, 0], g, np.zeros(4), None, None, 0.1, 0.9, 1e-8)
    with pytest.raises(ValueError, match="acc_delta"):
        native.adadelta_step(w, g, np.zeros(4), np.zeros(3), 1.0, 0.9, 1e-6)
    with pytest.raises(ValueError, match="in place"):
        native.adadelta_step(np.zeros((4, 2))[:, 0], g, np.zeros(4), np.zeros(4), 1.0, 0.9, 1e-6)
    # The Cython layer checks sizes and the momentum buffer itself, for direct callers.
    from engine import _C
    with pytest.raises(ValueError, match="momentum > 0 needs a momentum buffer"):
        _C.rmsprop_step(w, g, np.zeros(4), None, None, 0.1, 0.9, 1e-8, 0.0, 0.9)
    with pytest.raises(ValueError, match="'momentum_buffer' has 3 elements"):
        _C.rmsprop_step(w, g, np.zeros(4), None, np.zeros(3), 0.1, 0.9, 1e-8, 0.0, 0.9)
    with pytest.raises(ValueError, match="'state_sum' has 5 elements"):
        _C.adagrad_step(w, g, np.zeros(5), 0.1, 1e-10, 0.0)
    with pytest.raises(ValueError, match="'acc_delta' has 5 elements"):
        _C.adadelta_step(w, g, np.zeros(4), np.zeros(5), 1.0, 0.9, 1e-6, 0.0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_isa_matches_reference(isa, dtype):
    """The generic, AVX2 and AVX-512 builds of every kernel, several sizes and settings."""
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

        for wd, lr_decay in ((0.0, 0.0), (0.1, 0.5)):
            w_ref = rng.standard_normal(n).astype(dtype)
            s_ref = np.full_like(w_ref, 0.1)
            w_nat, s_nat = w_ref.copy(), s_ref.copy()
            for t in range(1, 4):
                g = _decayed_gradient(rng, w_ref, wd)
                clr = 0.1 / (1 + (t - 1) * lr_decay)
                reference.adagrad_step(w_ref, g, s_ref, clr, 1e-10, wd)
                native.adagrad_step(w_nat, g, s_nat, clr, 1e-10, wd)
                _close(w_nat, w_ref, dtype)
                _close(s_nat, s_ref, dtype)
        # every combination of the two optional buffers: each is its own loop in C
        for centered, momentum in ((False, 0.0), (True, 0.0), (False, 0.9), (True, 0.9)):
            w_ref = rng.standard_normal(n).astype(dtype)
            ref = [w_ref, np.zeros_like(w_ref), np.zeros_like(w_ref) if centered else None,
                   np.zeros_like(w_ref) if momentum else None]
            nat = [None if a is None else a.copy() for a in ref]
            for _ in range(3):
                g = _decayed_gradient(rng, ref[0], 0.1)
                kw = dict(lr=0.01, alpha=0.9, eps=1e-8, weight_decay=0.1, momentum=momentum)
                reference.rmsprop_step(ref[0], g, *ref[1:], **kw)
                native.rmsprop_step(nat[0], g, *nat[1:], **kw)
                for got, want in zip(nat, ref):
                    if want is not None:
                        _close(got, want, dtype)
        for wd in (0.0, 0.1):
            w_ref = rng.standard_normal(n).astype(dtype)
            ref = [w_ref, np.zeros_like(w_ref), np.zeros_like(w_ref)]
            nat = [a.copy() for a in ref]
            for _ in range(3):
                g = _decayed_gradient(rng, ref[0], wd)
                kw = dict(lr=1.0, rho=0.9, eps=1e-6, weight_decay=wd)
                reference.adadelta_step(ref[0], g, *ref[1:], **kw)
                native.adadelta_step(nat[0], g, *nat[1:], **kw)
                for got, want in zip(nat, ref):
                    _close(got, want, dtype)
