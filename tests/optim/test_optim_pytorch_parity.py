"""Adadelta, MultiStepLR, LambdaLR and OneCycleLR against PyTorch when installed (and by hand),
and the documented way to write an optimizer (the example in engine/optim/optimizer.py runs)."""
import doctest
import math

import numpy as np
import pytest

import engine
from engine import optim
from engine.nn import Parameter
from engine.optim import lr_scheduler

DTYPES = [np.float32, np.float64]


@pytest.fixture(params=["reference", "native"])
def backend(request):
    if request.param == "native":
        pytest.importorskip("engine.backend.native")
    with engine.using_backend(request.param):
        yield request.param


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("settings", [dict(), dict(lr=0.5, rho=0.5, eps=1e-4, weight_decay=0.1)])
def test_adadelta_matches_torch(backend, dtype, settings):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((5, 7)).astype(dtype)
    p = Parameter(w0.copy())
    tp = torch.tensor(w0.copy(), requires_grad=True)
    ours, theirs = optim.Adadelta([p], **settings), torch.optim.Adadelta([tp], **settings)
    for _ in range(6):
        g = rng.standard_normal(w0.shape).astype(dtype)
        p.grad, tp.grad = g.copy(), torch.tensor(g.copy())
        ours.step()
        theirs.step()
        tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(p.numpy(), tp.detach().numpy(), **tol)
        for key in ("square_avg", "acc_delta"):
            np.testing.assert_allclose(ours.state[p][key], theirs.state[tp][key].numpy(), **tol)


def test_adadelta_first_step_by_hand(backend):
    """ρ = 0.5, eps = 1e-6: v = ½g², Δ = √eps/√(v + eps)·g, u = ½Δ², w −= lr·Δ."""
    p = Parameter(np.array([1.0, -1.0]))
    opt = optim.Adadelta([p], lr=2.0, rho=0.5)
    p.grad = np.array([0.2, -0.4])
    opt.step()
    g = np.array([0.2, -0.4])
    v = 0.5 * g ** 2
    delta = np.sqrt(1e-6) / np.sqrt(v + 1e-6) * g
    np.testing.assert_allclose(opt.state[p]["square_avg"], v)
    np.testing.assert_allclose(opt.state[p]["acc_delta"], 0.5 * delta ** 2)
    np.testing.assert_allclose(p.numpy(), [1.0, -1.0] - 2.0 * delta)
    with pytest.raises(ValueError, match="rho"):
        optim.Adadelta([p], rho=1.5)


def test_adadelta_state_dict_round_trip(tmp_path):
    p = Parameter(np.array([1.0, 2.0]))
    opt = optim.Adadelta([p])
    p.grad = np.array([0.1, -0.2])
    opt.step()
    engine.save(opt.state_dict(), tmp_path / "opt.npz")
    q = Parameter(p.numpy().copy())
    again = optim.Adadelta([q])
    again.load_state_dict(engine.load(tmp_path / "opt.npz"))
    p.grad = q.grad = np.array([0.3, 0.3])
    opt.step()
    again.step()
    np.testing.assert_allclose(q.numpy(), p.numpy())


def _trajectory(make, steps, lib, n_params=1, opt_name="SGD", **opt_kw):
    """Learning rates (and momenta) after each of ``steps`` scheduler steps."""
    if lib == "engine":
        params = [Parameter(np.zeros(1)) for _ in range(n_params)]
        opt = getattr(optim, opt_name)([{"params": [p]} for p in params], lr=0.1, **opt_kw)
        sched = make(lr_scheduler, opt)
    else:
        import torch
        params = [torch.zeros(1, requires_grad=True) for _ in range(n_params)]
        opt = getattr(torch.optim, opt_name)([{"params": [p]} for p in params], lr=0.1, **opt_kw)
        sched = make(torch.optim.lr_scheduler, opt)
    out = []
    for _ in range(steps):
        opt.step()
        sched.step()
        out.append([(g["lr"], g.get("momentum", g.get("betas", (None,))[0]))
                    for g in opt.param_groups])
    return out


SCHEDULES = {
    "multistep": (lambda m, o: m.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3), 12, {}),
    "lambda": (lambda m, o: m.LambdaLR(o, lambda t: 1 / (1 + t)), 8, {}),
    "lambda_per_group": (lambda m, o: m.LambdaLR(o, [lambda t: 0.9 ** t, lambda t: t + 1]), 6,
                         dict(n_params=2)),
    "onecycle_cos": (lambda m, o: m.OneCycleLR(o, max_lr=1.0, total_steps=20), 19,
                     dict(opt_name="SGD", momentum=0.9)),
    "onecycle_linear_3phase": (lambda m, o: m.OneCycleLR(
        o, max_lr=[0.5, 2.0], epochs=3, steps_per_epoch=5, pct_start=0.25,
        anneal_strategy="linear", three_phase=True, div_factor=10, final_div_factor=100),
        14, dict(n_params=2, opt_name="Adam")),
    "onecycle_no_momentum": (lambda m, o: m.OneCycleLR(o, max_lr=0.3, total_steps=10,
                                                       cycle_momentum=False), 9,
                             dict(opt_name="Adadelta")),
}


@pytest.mark.parametrize("name", SCHEDULES)
def test_schedules_match_torch(name):
    pytest.importorskip("torch")
    make, steps, kw = SCHEDULES[name]
    ours = _trajectory(make, steps, "engine", **kw)
    theirs = _trajectory(make, steps, "torch", **kw)
    np.testing.assert_allclose(np.array(ours, dtype=float), np.array(theirs, dtype=float),
                               rtol=1e-12, atol=1e-15)


def test_schedules_by_hand():
    p = Parameter(np.zeros(1))
    opt = optim.SGD([p], lr=1.0)
    sched = lr_scheduler.MultiStepLR(opt, milestones=[1, 3], gamma=0.5)
    rates = [opt.param_groups[0]["lr"]]
    for _ in range(4):
        sched.step()
        rates.append(opt.param_groups[0]["lr"])
    assert rates == [1.0, 0.5, 0.5, 0.25, 0.25]
    opt = optim.SGD([Parameter(np.zeros(1))], lr=2.0, momentum=0.9)
    one = lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10, div_factor=4)
    assert opt.param_groups[0]["lr"] == 0.25 and opt.param_groups[0]["momentum"] == 0.95
    for _ in range(2):        # the peak: pct_start·T − 1 = 2 steps in
        one.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(1.0)
    assert opt.param_groups[0]["momentum"] == pytest.approx(0.85)
    for _ in range(7):
        one.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(0.25 / 1e4)
    with pytest.raises(ValueError, match="total_steps"):
        for _ in range(3):
            one.step()
    with pytest.raises(ValueError, match="cycle_momentum"):
        lr_scheduler.OneCycleLR(optim.Adadelta([Parameter(np.zeros(1))]), 1.0, total_steps=5)
    with pytest.raises(ValueError, match="lr_lambda"):
        lr_scheduler.LambdaLR(opt, [math.cos, math.sin])


def test_lambda_lr_state_dict_saves_without_functions(tmp_path):
    opt = optim.SGD([Parameter(np.zeros(1))], lr=1.0)
    sched = lr_scheduler.LambdaLR(opt, lambda t: 0.5 ** t)
    sched.step()
    engine.save(sched.state_dict(), tmp_path / "s.npz")
    assert "lr_lambdas" not in sched.state_dict()


def test_writing_your_own_optimizer_example_runs():
    from engine.optim import optimizer
    result = doctest.testmod(optimizer, raise_on_error=False)
    assert result.attempted >= 5 and result.failed == 0
