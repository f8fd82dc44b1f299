"""Optional oracle: PyTorch (CPU) — layers, losses, optimizers and schedulers give the same numbers."""
import numpy as np
import pytest

import engine
from engine import Tensor, nn, optim
from engine.nn import functional as F
from engine.optim import lr_scheduler

torch = pytest.importorskip("torch")


@pytest.fixture(autouse=True, scope="module")
def _torch_float64():
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


RNG = np.random.default_rng(0)


def both(a, grad=True):
    a = np.asarray(a, dtype=np.float64)
    return Tensor(a.copy(), requires_grad=grad), torch.tensor(a, requires_grad=grad)


def close(ours, theirs, **kw):
    theirs = theirs.detach().numpy() if hasattr(theirs, "detach") else theirs
    np.testing.assert_allclose(np.asarray(ours), theirs, rtol=kw.get("rtol", 1e-8),
                               atol=kw.get("atol", 1e-10))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", ["mse", "l1", "bce", "bce_logits", "ce", "ce_weighted", "ce_smooth"])
def test_losses(name, reduction):
    z, tz = both(RNG.normal(size=(5, 3)))
    if name.startswith("ce"):
        labels = RNG.integers(0, 3, 5)
        kw, tkw = {}, {}
        if name == "ce_weighted":
            w = np.array([0.3, 1.0, 2.5])
            kw, tkw = {"weight": w}, {"weight": torch.tensor(w)}
        if name == "ce_smooth":
            kw = tkw = {"label_smoothing": 0.2}
        ours = F.cross_entropy(z, labels, reduction=reduction, **kw)
        theirs = torch.nn.functional.cross_entropy(tz, torch.tensor(labels), reduction=reduction, **tkw)
    else:
        target = RNG.uniform(0, 1, (5, 3))
        t, tt = both(target)
        if name == "bce":
            p = 1 / (1 + np.exp(-z.numpy()))
            z, tz = both(p)
        fn = {"mse": (F.mse_loss, torch.nn.functional.mse_loss),
              "l1": (F.l1_loss, torch.nn.functional.l1_loss),
              "bce": (F.binary_cross_entropy, torch.nn.functional.binary_cross_entropy),
              "bce_logits": (F.binary_cross_entropy_with_logits,
                             torch.nn.functional.binary_cross_entropy_with_logits)}[name]
        ours, theirs = fn[0](z, t, reduction=reduction), fn[1](tz, tt, reduction=reduction)
    close(ours.numpy(), theirs)
    up = RNG.normal(size=ours.shape)
    ours.backward(up)
    theirs.backward(torch.tensor(up))
    close(z.grad.numpy(), tz.grad)


def test_bce_with_logits_pos_weight():
    z, tz = both(RNG.normal(size=(4, 2)) * 3)
    t = RNG.uniform(0, 1, (4, 2))
    pw = np.array([3.0, 0.5])
    ours = F.binary_cross_entropy_with_logits(z, Tensor(t), pos_weight=pw)
    theirs = torch.nn.functional.binary_cross_entropy_with_logits(
        tz, torch.tensor(t), pos_weight=torch.tensor(pw))
    close(ours.numpy(), theirs)
    ours.backward()
    theirs.backward()
    close(z.grad.numpy(), tz.grad)


def copy_params(ours, theirs):
    sd = {k: v.detach().numpy().copy() for k, v in theirs.state_dict().items()}
    ours.load_state_dict(sd)


@pytest.mark.parametrize("kind", ["LSTM", "RNN"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_recurrent_layers(kind, batch_first):
    theirs = getattr(torch.nn, kind)(3, 4, num_layers=2, batch_first=batch_first)
    ours = getattr(nn, kind)(3, 4, num_layers=2, batch_first=batch_first, dtype=engine.float64)
    copy_params(ours, theirs)
    x, tx = both(RNG.normal(size=(2, 5, 3)))
    out, state = ours(x)
    tout, tstate = theirs(tx)
    close(out.numpy(), tout)
    if kind == "LSTM":
        close(state[0].numpy(), tstate[0])
        close(state[1].numpy(), tstate[1])
        loss, tloss = out.sum() + (state[1] * state[1]).sum(), tout.sum() + (tstate[1] ** 2).sum()
    else:
        close(state.numpy(), tstate)
        loss, tloss = out.sum() + (state * state).sum(), tout.sum() + (tstate ** 2).sum()
    loss.backward()
    tloss.backward()
    close(x.grad.numpy(), tx.grad)
    tparams = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        close(p.grad.numpy(), tparams[name].grad)


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (2, 3, 4, 4)])
def test_batchnorm_train_then_eval(shape):
    cls = "BatchNorm1d" if len(shape) < 4 else "BatchNorm2d"
    theirs = getattr(torch.nn, cls)(3, momentum=0.3)
    ours = getattr(nn, cls)(3, momentum=0.3, dtype=engine.float64)
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(RNG.uniform(0.5, 1.5, 3)))
        theirs.bias.copy_(torch.tensor(RNG.normal(size=3)))
    copy_params(ours, theirs)
    for _ in range(2):
        x, tx = both(RNG.normal(2, 3, size=shape))
        y, ty = ours(x), theirs(tx)
        close(y.numpy(), ty, rtol=1e-7)
        up = RNG.normal(size=shape)
        y.backward(up)
        ty.backward(torch.tensor(up))
        close(x.grad.numpy(), tx.grad, rtol=1e-6, atol=1e-9)
        close(ours.weight.grad.numpy(), theirs.weight.grad, rtol=1e-7)
    close(ours.running_mean, theirs.running_mean)
    close(ours.running_var, theirs.running_var)
    ours.eval()
    theirs.eval()
    x, tx = both(RNG.normal(size=shape))
    close(ours(x).numpy(), theirs(tx), rtol=1e-7)


OPTIMIZERS = [
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.1, momentum=0.8, dampening=0.2)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, weight_decay=0.1)),
    ("Adam", dict(lr=0.01, amsgrad=True)),
    ("AdamW", dict(lr=0.01, weight_decay=0.1)),
]


@pytest.mark.parametrize("name,kw", OPTIMIZERS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(OPTIMIZERS)])
def test_optimizer_trajectories(name, kw):
    w0 = RNG.normal(size=(3, 2))
    p, tp = both(w0)
    ours = getattr(optim, name)([p], **kw)
    theirs = getattr(torch.optim, name)([tp], **kw)
    target = RNG.normal(size=(3, 2))
    for _ in range(5):
        ours.zero_grad()
        theirs.zero_grad()
        ((p - target) * (p - target) * (p - target) * (p - target)).sum().backward()
        ((tp - torch.tensor(target)) ** 4).sum().backward()
        ours.step()
        theirs.step()
        close(p.numpy(), tp, rtol=1e-9)


@pytest.mark.parametrize("make", [
    (lambda o, t: (lr_scheduler.StepLR(o, 3, 0.5), torch.optim.lr_scheduler.StepLR(t, 3, 0.5))),
    (lambda o, t: (lr_scheduler.ExponentialLR(o, 0.9), torch.optim.lr_scheduler.ExponentialLR(t, 0.9))),
    (lambda o, t: (lr_scheduler.CosineAnnealingLR(o, 5, 0.01),
                   torch.optim.lr_scheduler.CosineAnnealingLR(t, 5, 0.01))),
])
def test_schedulers(make):
    p, tp = both(np.ones(2))
    o, t = optim.SGD([p], lr=0.5), torch.optim.SGD([tp], lr=0.5)
    s, ts = make(o, t)
    for _ in range(8):
        np.testing.assert_allclose(s.get_last_lr(), ts.get_last_lr(), rtol=1e-12)
        o.step()
        t.step()
        s.step()
        ts.step()


def test_reduce_on_plateau():
    p, tp = both(np.ones(2))
    o, t = optim.SGD([p], lr=1.0), torch.optim.SGD([tp], lr=1.0)
    s = lr_scheduler.ReduceLROnPlateau(o, factor=0.5, patience=2, cooldown=1, min_lr=0.1)
    ts = torch.optim.lr_scheduler.ReduceLROnPlateau(t, factor=0.5, patience=2, cooldown=1, min_lr=0.1)
    for metric in [5, 4, 4, 4, 4, 4.5, 4, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]:
        s.step(metric)
        ts.step(metric)
        assert o.param_groups[0]["lr"] == pytest.approx(t.param_groups[0]["lr"])


def test_linear_init_distribution_matches_pytorch_bounds():
    lin = nn.Linear(30, 10)
    tlin = torch.nn.Linear(30, 10)
    bound = 1 / np.sqrt(30)
    assert np.abs(lin.weight.numpy()).max() <= bound
    assert float(tlin.weight.detach().abs().max()) <= bound
