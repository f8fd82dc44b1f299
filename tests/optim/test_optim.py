"""Optimizers against hand-derived updates, schedulers' rate sequences, state_dict round trips."""
import math

import numpy as np
import pytest

import engine
from engine import optim
from engine.nn import Parameter
from engine.optim import lr_scheduler


def make_param(values=(1.0, -2.0, 0.5)):
    return Parameter(np.array(values, dtype=np.float64))


def run_steps(opt, p, grads):
    history = []
    for g in grads:
        p.grad = np.array(g, dtype=np.float64)
        opt.step()
        history.append(p.numpy().copy())
    return history


GRADS = [(0.5, -1.0, 2.0), (0.1, 0.3, -0.2), (-0.4, 0.2, 0.6)]


def test_sgd_plain_and_weight_decay():
    p = make_param()
    w = p.numpy().copy()
    hist = run_steps(optim.SGD([p], lr=0.1, weight_decay=0.01), p, GRADS)
    for g, got in zip(GRADS, hist):
        w = w - 0.1 * (np.array(g) + 0.01 * w)
        np.testing.assert_allclose(got, w, rtol=1e-12)


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_by_hand(nesterov):
    p = make_param()
    w, buf = p.numpy().copy(), None
    hist = run_steps(optim.SGD([p], lr=0.1, momentum=0.9, nesterov=nesterov), p, GRADS)
    for g, got in zip(GRADS, hist):
        g = np.array(g)
        buf = g.copy() if buf is None else 0.9 * buf + g
        d = g + 0.9 * buf if nesterov else buf
        w = w - 0.1 * d
        np.testing.assert_allclose(got, w, rtol=1e-12)


def test_sgd_dampening():
    p = make_param()
    w, buf = p.numpy().copy(), None
    hist = run_steps(optim.SGD([p], lr=0.1, momentum=0.5, dampening=0.3), p, GRADS)
    for g, got in zip(GRADS, hist):
        g = np.array(g)
        buf = g.copy() if buf is None else 0.5 * buf + 0.7 * g
        w = w - 0.1 * buf
        np.testing.assert_allclose(got, w, rtol=1e-12)


def test_adam_by_hand():
    p = make_param()
    w, m, v = p.numpy().copy(), 0, 0
    hist = run_steps(optim.Adam([p], lr=0.01, betas=(0.8, 0.9), eps=1e-6), p, GRADS)
    for t, (g, got) in enumerate(zip(GRADS, hist), start=1):
        g = np.array(g)
        m = 0.8 * m + 0.2 * g
        v = 0.9 * v + 0.1 * g * g
        w = w - 0.01 * (m / (1 - 0.8 ** t)) / (np.sqrt(v / (1 - 0.9 ** t)) + 1e-6)
        np.testing.assert_allclose(got, w, rtol=1e-10)


def test_adamw_decays_weights_directly():
    p = make_param()
    w, m, v = p.numpy().copy(), 0, 0
    hist = run_steps(optim.AdamW([p], lr=0.01, weight_decay=0.1), p, GRADS)
    for t, (g, got) in enumerate(zip(GRADS, hist), start=1):
        g = np.array(g)
        w = w * (1 - 0.01 * 0.1)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w = w - 0.01 / (1 - 0.9 ** t) * m / (np.sqrt(v) / math.sqrt(1 - 0.999 ** t) + 1e-8)
        np.testing.assert_allclose(got, w, rtol=1e-10)


def test_adagrad_by_hand():
    p = make_param()
    w, s = p.numpy().copy(), 0
    hist = run_steps(optim.Adagrad([p], lr=0.1, lr_decay=0.5), p, GRADS)
    for t, (g, got) in enumerate(zip(GRADS, hist), start=1):
        g = np.array(g)
        s = s + g * g
        w = w - 0.1 / (1 + (t - 1) * 0.5) * g / (np.sqrt(s) + 1e-10)
        np.testing.assert_allclose(got, w, rtol=1e-10)


@pytest.mark.parametrize("centered", [False, True])
def test_rmsprop_by_hand(centered):
    p = make_param()
    w, v, a, b = p.numpy().copy(), 0, 0, 0
    hist = run_steps(optim.RMSprop([p], lr=0.01, alpha=0.9, momentum=0.5, centered=centered), p, GRADS)
    for g, got in zip(GRADS, hist):
        g = np.array(g)
        v = 0.9 * v + 0.1 * g * g
        if centered:
            a = 0.9 * a + 0.1 * g
            d = np.sqrt(v - a * a) + 1e-8
        else:
            d = np.sqrt(v) + 1e-8
        b = 0.5 * b + g / d
        w = w - 0.01 * b
        np.testing.assert_allclose(got, w, rtol=1e-10)


def test_step_is_in_place_and_skips_params_without_grad():
    p, q = make_param(), make_param((3.0,))
    data = p.data
    opt = optim.SGD([p, q], lr=0.1, momentum=0.9)
    p.grad = np.ones(3)
    opt.step()
    assert p.data is data
    np.testing.assert_array_equal(q.numpy(), [3.0])
    opt.zero_grad()
    assert p.grad is None
    p.grad = np.ones(3)
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(p.grad.numpy(), 0)


def test_param_groups_have_own_hyperparameters():
    p, q = make_param(), make_param()
    opt = optim.SGD([{"params": [p]}, {"params": [q], "lr": 1.0}], lr=0.1)
    p.grad = np.ones(3)
    q.grad = np.ones(3)
    opt.step()
    np.testing.assert_allclose(p.numpy(), [0.9, -2.1, 0.4])
    np.testing.assert_allclose(q.numpy(), [0.0, -3.0, -0.5])


def test_bad_arguments():
    with pytest.raises(ValueError):
        optim.SGD([make_param()], lr=-1)
    with pytest.raises(ValueError):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError):
        optim.SGD(make_param(), lr=0.1)
    with pytest.raises(ValueError):
        optim.SGD([make_param()], lr=0.1, nesterov=True)
    with pytest.raises(ValueError):
        optim.Adam([make_param()], betas=(1.5, 0.9))


@pytest.mark.parametrize("make", [
    lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
    lambda ps: optim.Adam(ps, lr=0.01, amsgrad=True),
    lambda ps: optim.RMSprop(ps, lr=0.01, momentum=0.5, centered=True),
    lambda ps: optim.Adagrad(ps, lr=0.1),
])
def test_optimizer_state_dict_resume_is_exact(make, tmp_path):
    """Run 4 steps; versus 2 steps, save, load into a fresh optimizer, 2 more steps."""
    p1 = make_param()
    o1 = make([p1])
    run_steps(o1, p1, GRADS[:2])
    engine.save({"opt": o1, "w": p1.numpy()}, tmp_path / "ck.npz")
    run_steps(o1, p1, GRADS[1:3])

    ck = engine.load(tmp_path / "ck.npz")
    p2 = Parameter(ck["w"])
    o2 = make([p2])
    o2.load_state_dict(ck["opt"])
    run_steps(o2, p2, GRADS[1:3])
    np.testing.assert_array_equal(p1.numpy(), p2.numpy())


# ------------------------------------------------------------------ schedulers
def lrs(sched, n):
    out = []
    for _ in range(n):
        out.append(sched.get_last_lr()[0])
        sched.optimizer.step()
        sched.step()
    return out


def sgd(lr=1.0):
    return optim.SGD([make_param()], lr=lr)


def test_step_lr():
    np.testing.assert_allclose(lrs(lr_scheduler.StepLR(sgd(), 2, 0.5), 6),
                               [1, 1, 0.5, 0.5, 0.25, 0.25])


def test_exponential_lr():
    np.testing.assert_allclose(lrs(lr_scheduler.ExponentialLR(sgd(2.0), 0.5), 4), [2, 1, 0.5, 0.25])


def test_cosine_annealing_lr():
    got = lrs(lr_scheduler.CosineAnnealingLR(sgd(), T_max=4, eta_min=0.1), 5)
    want = [0.1 + 0.9 * (1 + math.cos(math.pi * t / 4)) / 2 for t in range(5)]
    np.testing.assert_allclose(got, want)
    assert got[-1] == pytest.approx(0.1)


def test_reduce_lr_on_plateau():
    opt = sgd()
    sched = lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1, cooldown=1)
    seen = []
    for metric in [1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.5]:
        sched.step(metric)
        seen.append(opt.param_groups[0]["lr"])
    # bad epochs: 0.95 (1), 0.95 (2 > patience: halve, cooldown 1), cooldown, 1, 2 -> halve.
    assert seen == [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25]


def test_scheduler_state_dict_round_trip(tmp_path):
    s1 = lr_scheduler.StepLR(sgd(), 2, 0.5)
    lrs(s1, 3)
    engine.save({"s": s1}, tmp_path / "s.npz")
    s2 = lr_scheduler.StepLR(sgd(), 2, 0.5)
    s2.load_state_dict(engine.load(tmp_path / "s.npz")["s"])
    assert s2.last_epoch == s1.last_epoch and s2.get_last_lr() == s1.get_last_lr()


def test_penalties():
    p, q = make_param(), make_param((-3.0,))
    l2 = optim.l2_penalty([p, q])
    l1 = optim.l1_penalty([p, q])
    assert l2.item() == pytest.approx(1 + 4 + 0.25 + 9)
    assert l1.item() == pytest.approx(1 + 2 + 0.5 + 3)
    (l2 + l1).backward()
    np.testing.assert_allclose(p.grad.numpy(), 2 * p.numpy() + np.sign(p.numpy()))


# --- optim part: every test above runs on both backends (NumPy passes and the fused C kernels)
_BACKENDS = ["reference"] + (["native"] if engine.backend.native_available() else [])


@pytest.fixture(autouse=True, params=_BACKENDS)
def _each_backend(request):
    with engine.backend.using_backend(request.param):
        yield


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_centered_rmsprop_with_a_tiny_alpha_stays_finite_on_both_backends(dtype):
    """v − a² is a variance (≥ 0) but can round below 0 when alpha is tiny: the square root
    sees max(v − a², 0) on every backend, so no NaN appears (the steps themselves are huge and
    decided by rounding, g / eps, so the two backends' values are not compared)."""
    rng = np.random.default_rng(3)
    start, grads = rng.standard_normal(64).astype(dtype), rng.standard_normal((5, 64)).astype(dtype)
    results = []
    for backend in ("native", "reference"):
        with engine.using_backend(backend):
            p = engine.nn.Parameter(engine.tensor(start.copy()))
            opt = engine.optim.RMSprop([p], lr=1e-3, alpha=1e-9, centered=True)
            for g in grads:
                p.grad = engine.tensor(g)
                opt.step()
            results.append(p.data.copy())
    assert np.isfinite(results[0]).all() and np.isfinite(results[1]).all()
