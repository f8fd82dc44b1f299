"""Upsample, the containers (Sequential, ModuleList, ModuleDict), the module repr and freezing.

Upsample and the containers are compared with PyTorch when it is installed (skipped otherwise).
"""
from collections import OrderedDict

import numpy as np
import pytest

import engine
from engine import nn
from engine.nn import functional as F

try:
    import torch
except ImportError:  # the comparisons below skip
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


# ----------------------------------------------------------------------------- Upsample
RESIZES = [
    ((2, 3, 5, 7), "nearest", None, dict(scale_factor=2)),
    ((2, 3, 5, 7), "nearest", None, dict(scale_factor=3)),
    ((2, 3, 5, 7), "nearest", None, dict(size=(8, 11))),
    ((2, 3, 5, 7), "nearest", None, dict(size=(3, 4))),
    ((2, 3, 5, 7), "bilinear", False, dict(scale_factor=2)),
    ((2, 3, 5, 7), "bilinear", False, dict(size=(8, 11))),
    ((2, 3, 5, 7), "bilinear", True, dict(size=(9, 3))),
    ((2, 3, 5, 7), "bilinear", False, dict(scale_factor=(2, 1.5))),
    ((2, 3, 5), "nearest", None, dict(scale_factor=2)),
    ((2, 3, 5), "linear", False, dict(size=9)),
]


@needs_torch
@pytest.mark.parametrize("shape, mode, align_corners, kwargs", RESIZES)
def test_interpolate_matches_torch_forward_and_backward(shape, mode, align_corners, kwargs):
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape)
    xe = engine.tensor(x, requires_grad=True)
    ye = F.interpolate(xe, mode=mode, align_corners=align_corners, **kwargs)
    xt = torch.tensor(x, requires_grad=True)
    yt = torch.nn.functional.interpolate(xt, mode=mode, align_corners=align_corners, **kwargs)
    np.testing.assert_allclose(ye.numpy(), yt.detach().numpy(), rtol=1e-12, atol=1e-12)
    gy = rng.normal(size=yt.shape)
    ye.backward(engine.tensor(gy))
    yt.backward(torch.tensor(gy))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_upsample_nearest_is_blocks_and_its_gradient_sums_them():
    x = engine.tensor(np.arange(4.0).reshape(1, 1, 2, 2), requires_grad=True)
    y = nn.Upsample(scale_factor=2)(x)
    assert y.shape == (1, 1, 4, 4)
    np.testing.assert_array_equal(y.numpy()[0, 0], [[0, 0, 1, 1], [0, 0, 1, 1],
                                                    [2, 2, 3, 3], [2, 2, 3, 3]])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((1, 1, 2, 2), 4.0))


def test_upsample_float32_stays_float32_and_gradchecks_in_float64():
    x = engine.tensor(np.ones((1, 2, 3, 3), dtype=np.float32))
    assert nn.Upsample(scale_factor=2, mode="bilinear")(x).dtype == np.float32
    x64 = engine.tensor(np.random.default_rng(1).normal(size=(2, 1, 3, 4)), requires_grad=True)
    assert engine.gradcheck(lambda t: F.interpolate(t, size=(5, 9), mode="bilinear",
                                                    align_corners=True), [x64])
    assert engine.gradcheck(lambda t: F.interpolate(t, scale_factor=2), [x64])


@pytest.mark.parametrize("kwargs, message", [
    (dict(), "exactly one"),
    (dict(size=4, scale_factor=2), "exactly one"),
    (dict(scale_factor=2, mode="cubic"), "mode"),
    (dict(scale_factor=0), "scale_factor"),
    (dict(size=(4, -1)), "size"),
    (dict(size=(4, 4, 4)), "size"),
    (dict(scale_factor=2, mode="linear"), "3-D"),
    (dict(scale_factor=2, align_corners=True), "align_corners"),
])
def test_interpolate_rejects_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        F.interpolate(engine.tensor(np.zeros((1, 1, 3, 3))), **kwargs)


# ----------------------------------------------------------------------------- containers
def _mlp():
    return nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 2))


def test_sequential_indexing_negative_slicing_len_append_and_assignment():
    model = _mlp()
    assert len(model) == 5
    assert model[-1] is model[4] and isinstance(model[-2], nn.Tanh)
    with pytest.raises(IndexError, match="out of range"):
        model[5]
    with pytest.raises(TypeError, match="integers or slices"):
        model["0"]
    head = model[:2]
    assert isinstance(head, nn.Sequential) and len(head) == 2 and head[0] is model[0]
    assert list(dict(head.named_parameters())) == ["0.weight", "0.bias"]
    tail = model[2:]
    assert list(dict(tail.named_parameters())) == ["2.weight", "2.bias", "4.weight", "4.bias"]
    x = engine.tensor(np.random.default_rng(0).normal(size=(6, 3)).astype(np.float32))
    np.testing.assert_allclose(tail(head(x)).numpy(), model(x).numpy())
    new_head = nn.Linear(4, 7)
    model[-1] = new_head
    assert model[4] is new_head and model(x).shape == (6, 7)
    assert "4.weight" in model.state_dict() and model.state_dict()["4.weight"].shape == (7, 4)
    with pytest.raises(TypeError, match="Modules"):
        model[0] = "not a layer"
    model.append(nn.Sigmoid())
    assert len(model) == 6 and isinstance(model[5], nn.Sigmoid)
    del model[1]
    assert len(model) == 5 and list(model._modules) == ["0", "1", "2", "3", "4"]


def test_sequential_with_named_layers():
    model = nn.Sequential(OrderedDict(fc=nn.Linear(2, 3), act=nn.ReLU()))
    assert model.fc is model[0] and list(dict(model.named_parameters())) == ["fc.weight", "fc.bias"]
    assert list(model[1:]._modules) == ["act"]


def test_module_list_and_dict_register_their_parameters():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
            self.heads = nn.ModuleDict({"a": nn.Linear(2, 1), "b": nn.Linear(2, 4)})

        def forward(self, x, head):
            for block in self.blocks:
                x = block(x)
            return self.heads[head](x)

    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias",
                     "blocks.2.weight", "blocks.2.bias", "heads.a.weight", "heads.a.bias",
                     "heads.b.weight", "heads.b.bias"]
    assert net(engine.tensor(np.ones((5, 2), dtype=np.float32)), "b").shape == (5, 4)
    net.blocks.append(nn.Linear(2, 2))
    assert len(net.blocks) == 4 and len(list(net.parameters())) == 12
    assert isinstance(net.blocks[1:], nn.ModuleList) and len(net.blocks[-2:]) == 2
    assert "a" in net.heads and list(net.heads.keys()) == ["a", "b"]
    assert isinstance(net.heads.pop("a"), nn.Linear) and len(net.heads) == 1
    with pytest.raises(KeyError, match="without '.'"):
        net.heads["x.y"] = nn.ReLU()
    with pytest.raises(TypeError, match="Modules"):
        nn.ModuleList([nn.ReLU(), 3])
    with pytest.raises(NotImplementedError):
        net.blocks(engine.tensor(np.ones((1, 2), dtype=np.float32)))


@needs_torch
def test_container_names_and_repr_match_torch():
    mine = nn.Sequential(nn.Linear(2, 4), nn.ReLU(),
                         nn.ModuleList([nn.Linear(4, 3), nn.Tanh()]),
                         nn.ModuleDict({"out": nn.Linear(3, 1), "act": nn.Sigmoid()}),
                         nn.Upsample(scale_factor=2))
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.ReLU(),
                                 torch.nn.ModuleList([torch.nn.Linear(4, 3), torch.nn.Tanh()]),
                                 torch.nn.ModuleDict({"out": torch.nn.Linear(3, 1),
                                                      "act": torch.nn.Sigmoid()}),
                                 torch.nn.Upsample(scale_factor=2))
    assert repr(mine) == repr(theirs)
    assert list(mine.state_dict()) == list(theirs.state_dict())
    runs = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU(), nn.Linear(2, 2)])
    torch_runs = torch.nn.ModuleList([torch.nn.Linear(2, 2) for _ in range(3)]
                                     + [torch.nn.ReLU(), torch.nn.Linear(2, 2)])
    assert repr(runs) == repr(torch_runs) and "(0-2): 3 x Linear" in repr(runs)
    assert repr(nn.ModuleList()) == repr(torch.nn.ModuleList())
    assert repr(nn.Sequential()) == repr(torch.nn.Sequential())
    assert repr(mine[:2]) == repr(theirs[:2])
    mine[-1] = nn.Linear(1, 2)
    theirs[-1] = torch.nn.Linear(1, 2)
    assert repr(mine) == repr(theirs) and list(mine.state_dict()) == list(theirs.state_dict())


# ----------------------------------------------------------------------------- freezing
def _conv_net():
    features = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                             nn.MaxPool2d(2), nn.Flatten())
    return nn.Sequential(features, nn.Linear(4 * 4 * 4, 3))


def test_freeze_keeps_weights_and_batchnorm_statistics_bit_identical_through_fine_tuning():
    engine.manual_seed(0)
    model = _conv_net()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 1, 8, 8)).astype(np.float32)
    y = rng.integers(0, 3, size=64)
    # Give the batch norm statistics that differ from their initial values first.
    model.train()
    model(engine.tensor(x))
    nn.freeze(model[0])
    model[-1] = nn.Linear(4 * 4 * 4, 3)
    before = {k: v.copy() for k, v in model[0].state_dict().items()}
    head_before = model[-1].weight.numpy().copy()
    assert nn.is_frozen(model[0]) and not any(p.requires_grad for p in model[0].parameters())
    optimizer = engine.optim.SGD([p for p in model.parameters() if p.requires_grad],
                                 lr=0.1, momentum=0.9)
    engine.train.fit(model, F.cross_entropy, optimizer, (x, y), epochs=3, batch_size=16,
                     verbose=0, seed=0)
    model.train()                                   # the parent in training mode ...
    assert model.training and not model[0][1].training   # ... the frozen BatchNorm held in eval
    after = model[0].state_dict()
    assert set(after) == set(before)
    for key in before:
        assert np.array_equal(after[key], before[key]), key   # bit-identical
    assert not np.array_equal(model[-1].weight.numpy(), head_before)  # the head did learn


def test_freeze_without_holding_batchnorm_would_move_its_statistics():
    # The same fine-tuning with only requires_grad_(False): the statistics change, which is
    # what freeze() prevents.
    model = _conv_net()
    model[0].requires_grad_(False)
    before = model[0][1].running_mean.copy()
    model.train()
    model(engine.tensor(np.random.default_rng(2).normal(size=(8, 1, 8, 8)).astype(np.float32)))
    assert not np.array_equal(model[0][1].running_mean, before)


def test_unfreeze_lets_it_learn_again():
    model = _conv_net()
    nn.freeze(model[0])
    nn.unfreeze(model[0])
    model.train()
    assert model[0][1].training and all(p.requires_grad for p in model.parameters())
    assert not nn.is_frozen(model[0])
    with pytest.raises(TypeError, match="Module"):
        nn.freeze("model")
