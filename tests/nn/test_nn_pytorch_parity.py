"""The layers, losses and Module methods PyTorch programs use, against PyTorch when installed
(values and gradients, float32 and float64), plus checks that need no oracle."""
import numpy as np
import pytest

import engine
from engine import Tensor, nn
from engine.nn import functional as F

DTYPES = [np.float32, np.float64]
TOL = {np.float32: dict(rtol=2e-5, atol=2e-6), np.float64: dict(rtol=1e-10, atol=1e-12)}


def torch_or_skip():
    return pytest.importorskip("torch")


def pair(a, dtype):
    """The same data as an engine tensor and a torch tensor, both requiring a gradient."""
    torch = torch_or_skip()
    a = np.asarray(a, dtype=dtype)
    return Tensor(a.copy(), requires_grad=True), torch.tensor(a.copy(), requires_grad=True)


def check(ours, theirs, inputs, dtype):
    """Same values, and the same gradients of Σ out·r for a fixed random r."""
    theirs_np = theirs.detach().numpy()
    np.testing.assert_allclose(ours.numpy(), theirs_np, **TOL[dtype])
    assert ours.dtype == theirs_np.dtype
    r = np.random.default_rng(1).standard_normal(theirs_np.shape).astype(dtype)
    import torch
    (ours * Tensor(r)).sum().backward()
    (theirs * torch.tensor(r)).sum().backward()
    for a, b in inputs:
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_nll_loss(dtype, reduction):
    torch = torch_or_skip()
    rng = np.random.default_rng(0)
    x, tx = pair(rng.standard_normal((6, 4)), dtype)
    labels = np.array([0, 3, -100, 1, 2, 3])
    w = np.array([0.5, 1.0, 2.0, 1.5], dtype=dtype)
    ours = F.nll_loss(F.log_softmax(x, dim=1), labels, weight=w, reduction=reduction)
    theirs = torch.nn.functional.nll_loss(torch.log_softmax(tx, dim=1), torch.tensor(labels),
                                          weight=torch.tensor(w), reduction=reduction)
    check(ours, theirs, [(x, tx)], dtype)
    # the layer, and labels per position (N, C, d)
    x, tx = pair(rng.standard_normal((2, 3, 5)), dtype)
    labels = rng.integers(0, 3, (2, 5))
    check(nn.NLLLoss(reduction=reduction)(x, labels),
          torch.nn.NLLLoss(reduction=reduction)(tx, torch.tensor(labels)), [(x, tx)], dtype)


def test_nll_loss_refuses_bad_labels():
    x = Tensor(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"lie in \[0, 3\)"):
        F.nll_loss(x, np.array([0, 3]))
    with pytest.raises(TypeError, match="integer class labels"):
        F.nll_loss(x, np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="shape"):
        F.nll_loss(x, np.array([0, 1, 2]))
    with pytest.raises(TypeError, match="reduction="):
        F.nll_loss(x, np.array([0, 1]), size_average=False)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("beta", [1.0, 0.3, 0.0])
def test_smooth_l1_loss(dtype, reduction, beta):
    torch = torch_or_skip()
    rng = np.random.default_rng(2)
    y, ty = pair(rng.standard_normal((4, 5)) * 2, dtype)
    t, tt = pair(rng.standard_normal((4, 5)), dtype)
    check(F.smooth_l1_loss(y, t, reduction=reduction, beta=beta),
          torch.nn.functional.smooth_l1_loss(ty, tt, reduction=reduction, beta=beta),
          [(y, ty), (t, tt)], dtype)
    check(nn.SmoothL1Loss(reduction=reduction, beta=beta)(y, t) * 1.0,
          torch.nn.SmoothL1Loss(reduction=reduction, beta=beta)(ty, tt) * 1.0, [], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["gelu", "gelu_tanh", "silu"])
def test_gelu_silu(dtype, name):
    torch = torch_or_skip()
    x, tx = pair(np.linspace(-6, 6, 49).reshape(7, 7), dtype)
    if name == "silu":
        ours, theirs = nn.SiLU()(x), torch.nn.SiLU()(tx)
    else:
        approximate = "tanh" if name == "gelu_tanh" else "none"
        ours = nn.GELU(approximate=approximate)(x)
        theirs = torch.nn.GELU(approximate=approximate)(tx)
    check(ours, theirs, [(x, tx)], dtype)


def test_gelu_refuses_unknown_form():
    with pytest.raises(ValueError, match="approximate"):
        nn.GELU("fast")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,normalized,affine", [((4, 6), 6, True), ((2, 3, 4, 5), (4, 5), True),
                                                     ((3, 7), [7], False)])
def test_layer_norm(dtype, shape, normalized, affine):
    torch = torch_or_skip()
    rng = np.random.default_rng(3)
    x, tx = pair(rng.standard_normal(shape) * 3 + 1, dtype)
    ours = nn.LayerNorm(normalized, elementwise_affine=affine, dtype=dtype)
    theirs = torch.nn.LayerNorm(normalized, elementwise_affine=affine,
                                dtype=getattr(torch, np.dtype(dtype).name))
    inputs = [(x, tx)]
    if affine:        # non-trivial γ and β, the same in both
        g = rng.uniform(0.5, 1.5, ours.weight.shape).astype(dtype)
        b = rng.standard_normal(ours.bias.shape).astype(dtype)
        ours.weight.data[...] = g
        ours.bias.data[...] = b
        with torch.no_grad():
            theirs.weight.copy_(torch.tensor(g))
            theirs.bias.copy_(torch.tensor(b))
        inputs += [(ours.weight, theirs.weight), (ours.bias, theirs.bias)]
    tol = TOL[dtype] if dtype == np.float64 else dict(rtol=1e-4, atol=1e-5)
    out, tout = ours(x), theirs(tx)
    np.testing.assert_allclose(out.numpy(), tout.detach().numpy(), **tol)
    r = np.random.default_rng(1).standard_normal(shape).astype(dtype)
    (out * Tensor(r)).sum().backward()
    (tout * torch.tensor(r)).sum().backward()
    for a, b in inputs:
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), **tol)


def test_layer_norm_checks_shapes():
    with pytest.raises(ValueError, match="normalized_shape"):
        nn.LayerNorm(4)(Tensor(np.zeros((2, 5))))
    assert [n for n, _ in nn.LayerNorm(3, bias=False).named_parameters()] == ["weight"]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("size,out", [((5, 7), (2, 3)), ((8, 8), 3), ((6, 4), (None, 1)),
                                      ((4, 4), 1), ((3, 5), (6, 7))])
def test_adaptive_avg_pool2d(dtype, size, out):
    torch = torch_or_skip()
    x, tx = pair(np.random.default_rng(4).standard_normal((2, 3) + size), dtype)
    check(nn.AdaptiveAvgPool2d(out)(x), torch.nn.AdaptiveAvgPool2d(out)(tx), [(x, tx)], dtype)


def test_adaptive_avg_pool2d_means_windows():
    x = Tensor(np.arange(16.0).reshape(1, 1, 4, 4))
    np.testing.assert_allclose(F.adaptive_avg_pool2d(x, 2).numpy()[0, 0],
                               [[2.5, 4.5], [10.5, 12.5]])
    np.testing.assert_allclose(F.adaptive_avg_pool2d(x, 1).numpy().ravel(), [7.5])


def test_dropout2d_zeroes_whole_channels():
    engine.manual_seed(0)
    x = Tensor(np.ones((64, 16, 3, 3)), requires_grad=True)
    layer = nn.Dropout2d(0.25)
    y = layer(x).numpy()
    per_channel = y.reshape(64, 16, 9)
    assert np.all(per_channel.min(axis=2) == per_channel.max(axis=2))      # whole maps
    assert set(np.unique(y)) == {0.0, 1 / 0.75}
    assert 0.15 < (per_channel[:, :, 0] == 0).mean() < 0.35
    layer.eval()
    assert layer(x) is x
    with pytest.raises(ValueError, match="dropout2d"):
        F.dropout2d(Tensor(np.ones(3)))
    with pytest.warns(UserWarning, match="2-D input"):         # as PyTorch: plain dropout
        flat = nn.Dropout2d(0.5)(Tensor(np.ones((200, 50)))).numpy()
    assert 0.4 < (flat == 0).mean() < 0.6 and 0 < (flat == 0).sum(axis=1).min()


def test_pytorch_positional_pool_and_log_softmax():
    x = Tensor(np.random.default_rng(5).standard_normal((2, 3, 6, 6)))
    np.testing.assert_allclose(F.max_pool2d(x, 2).numpy(), F.max_pool2d(x, 2, 2, 0).numpy())
    assert F.max_pool2d(x, 2).shape == (2, 3, 3, 3)
    with pytest.raises(ValueError, match="ceil_mode"):
        F.max_pool2d(x, 2, ceil_mode=True)
    z = F.log_softmax(Tensor(np.ones((2, 4))), dim=1).numpy()
    np.testing.assert_allclose(z, np.log(0.25))


def test_module_tree_walks():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Sequential(shared, nn.ReLU(inplace=True)), shared)
    names = [name for name, _ in model.named_modules()]
    assert names == ["", "0", "1", "1.0", "1.1"]            # the shared layer listed once
    assert len(list(model.modules())) == 5
    assert [type(m).__name__ for m in model.children()] == ["Conv2d", "Sequential", "Linear"]
    seen = []
    assert model.apply(lambda m: seen.append(type(m).__name__)) is model
    assert seen == ["Conv2d", "Linear", "ReLU", "Sequential", "Linear", "Sequential"]

    def init(m):
        if isinstance(m, nn.Linear):
            m.weight.data[...] = 0.5
    model.apply(init)
    assert np.all(shared.weight.numpy() == 0.5)


def test_module_zero_grad_sets_none_like_pytorch_2():
    layer = nn.Linear(3, 2)
    layer(Tensor(np.ones((1, 3), np.float32))).sum().backward()
    assert layer.weight.grad is not None
    layer.zero_grad(set_to_none=False)
    assert np.all(layer.weight.grad.numpy() == 0)
    layer.zero_grad()
    assert layer.weight.grad is None and layer.bias.grad is None


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm(dtype, norm_type, max_norm):
    torch = torch_or_skip()
    rng = np.random.default_rng(6)
    grads = [rng.standard_normal(s).astype(dtype) for s in ((3, 4), (4,), (2, 2, 2))]
    ours = [nn.Parameter(np.zeros_like(g)) for g in grads]
    theirs = [torch.zeros(g.shape, dtype=getattr(torch, np.dtype(dtype).name),
                          requires_grad=True) for g in grads]
    for p, tp, g in zip(ours, theirs, grads):
        p.grad = g.copy()
        tp.grad = torch.tensor(g.copy())
    total = nn.utils.clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    ttotal = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    np.testing.assert_allclose(total.item(), ttotal.item(), rtol=1e-5)
    for p, tp in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_clip_grad_value_and_norm_by_hand():
    p, q = nn.Parameter(np.zeros(2)), nn.Parameter(np.zeros(1))
    p.grad, q.grad = np.array([3.0, -4.0]), np.array([0.5])
    nn.utils.clip_grad_value_([p, q], 1.0)
    np.testing.assert_array_equal(p.grad.numpy(), [1.0, -1.0])
    np.testing.assert_array_equal(q.grad.numpy(), [0.5])
    p.grad = np.array([3.0, 4.0])
    total = nn.utils.clip_grad_norm_(p, 1.0)                 # ‖g‖ = 5 → scaled to 1
    assert total.item() == pytest.approx(5.0)
    np.testing.assert_allclose(p.grad.numpy(), [0.6, 0.8], rtol=1e-5)
    with pytest.raises(RuntimeError, match="non-finite"):
        p.grad = np.array([np.inf, 0.0])
        nn.utils.clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
