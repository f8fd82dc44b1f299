"""Version counters: an in-place change to a value backward() needs is a RuntimeError naming
the tensor (as in PyTorch), never a silently wrong gradient; normal training never raises."""
import numpy as np
import pytest

import engine
from engine import Tensor, nn, optim
from engine.nn import init

# Each way of changing a tensor in place through the engine (the tensor given is a plain
# input of a recorded Mul, which requires no grad, so check_inplace lets the change through).
IN_PLACE_CHANGES = {
    "mul_": lambda t: t.mul_(2.0),
    "add_": lambda t: t.add_(1.0),
    "add_ alpha": lambda t: t.add_(t, alpha=0.5),
    "sub_": lambda t: t.sub_(1.0),
    "div_": lambda t: t.div_(3.0),
    "zero_": lambda t: t.zero_(),
    "fill_": lambda t: t.fill_(7.0),
    "copy_": lambda t: t.copy_(np.full(t.shape, 2.0)),
    "clamp_": lambda t: t.clamp_(0.0, 1.0),
    "clip_": lambda t: t.clip_(max=0.5),
    "normal_": lambda t: t.normal_(),
    "uniform_": lambda t: t.uniform_(),
    "setitem": lambda t: t.__setitem__((0, 0), 9.0),
    "setitem slice": lambda t: t.__setitem__(slice(None), 0.0),
    "iadd": lambda t: t.__iadd__(1.0),
    "isub": lambda t: t.__isub__(1.0),
    "imul": lambda t: t.__imul__(2.0),
    "itruediv": lambda t: t.__itruediv__(2.0),
    "init.normal_": lambda t: init.normal_(t),
    "init.uniform_": lambda t: init.uniform_(t),
    "init.zeros_": lambda t: init.zeros_(t) if hasattr(init, "zeros_") else t.zero_(),
    "through a view": lambda t: t[1].fill_(3.0),
    "through a reshape": lambda t: t.reshape(-1).zero_(),
    "through detach": lambda t: t.detach().mul_(0.0),
}


def _graph(x):
    w = Tensor(np.linspace(0.5, 2.0, 12).reshape(3, 4), requires_grad=True)
    return w, (w * x).sum()


@pytest.mark.parametrize("change", sorted(IN_PLACE_CHANGES))
def test_changing_a_saved_input_after_forward_is_refused(change):
    x = Tensor(np.arange(12.0).reshape(3, 4))
    _, loss = _graph(x)
    before = x._version
    IN_PLACE_CHANGES[change](x)
    assert x._version > before
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation: \[float64 \[3, 4\]\]"
                                           r".*input 1 of Mul.*version"):
        loss.backward()


def test_the_message_names_versions():
    x = Tensor(np.ones((2, 5), dtype=np.float32))
    w = Tensor(np.ones((2, 5), dtype=np.float32), requires_grad=True)
    loss = (w * x).sum()
    x.add_(1.0)
    x.add_(1.0)
    with pytest.raises(RuntimeError, match=r"\[float32 \[2, 5\]\].*at version 2; expected version 0"):
        loss.backward()


def test_a_leaf_changed_under_no_grad_between_forward_and_backward():
    x = Tensor(np.arange(12.0).reshape(3, 4))
    w, loss = _graph(x)
    with engine.no_grad():
        w.mul_(0.5)
    with pytest.raises(RuntimeError, match="input 0 of Mul"):
        loss.backward()


def test_an_output_saved_by_its_function_changed_through_detach():
    w = Tensor(np.array([0.1, 0.2, 0.3]), requires_grad=True)
    y = w.exp()
    loss = (y * y).sum()
    y.detach().zero_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_an_optimizer_step_between_two_backward_passes_is_caught():
    model = nn.Linear(4, 2)
    opt = optim.SGD(model.parameters(), lr=0.1)
    loss = model(Tensor(np.ones((3, 4), dtype=np.float32))).sum()
    loss.backward(retain_graph=True)
    opt.step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


@pytest.mark.parametrize("make_opt", [lambda p: optim.SGD(p, lr=0.1, momentum=0.9),
                                      lambda p: optim.Adam(p, lr=0.01)])
def test_a_normal_training_loop_never_raises_and_bumps_versions(make_opt):
    engine.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    opt = make_opt(model.parameters())
    x = Tensor(np.random.default_rng(0).normal(size=(16, 4)).astype(np.float32))
    weight = model[0].weight
    start = weight._version
    for _ in range(3):
        opt.zero_grad()
        loss = (model(x) ** 2).mean()
        loss.backward()
        opt.step()
    assert weight._version == start + 3


def test_a_change_after_backward_is_fine_and_the_gradient_is_right():
    x = Tensor(np.arange(12.0).reshape(3, 4))
    w, loss = _graph(x)
    loss.backward()
    x.mul_(2.0)   # the graph is gone: nothing to protect
    np.testing.assert_array_equal(w.grad.numpy(), np.arange(12.0).reshape(3, 4))
    _, loss2 = _graph(x)
    loss2.backward()


def test_views_and_detach_share_the_counter():
    x = Tensor(np.zeros((4, 3)))
    view, flat, alias = x[1:3], x.reshape(-1), x.detach()
    assert x._version == view._version == 0
    view.fill_(1.0)
    assert x._version == flat._version == alias._version == view._version == 1
    other = Tensor(np.zeros((4, 3)))
    assert other._version == 0


def test_retain_graph_twice_with_a_change_in_between():
    x = Tensor(np.arange(12.0).reshape(3, 4))
    w, loss = _graph(x)
    loss.backward(retain_graph=True)
    x[0, 0] = 100.0
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_unrelated_in_place_changes_do_not_raise():
    x = Tensor(np.arange(12.0).reshape(3, 4))
    unrelated = Tensor(np.ones(5))
    w, loss = _graph(x)
    unrelated.add_(1.0)
    loss.backward()
    np.testing.assert_array_equal(w.grad.numpy(), x.numpy())


def test_the_expected_version_counts_changes_before_the_forward_too():
    x = Tensor(np.ones(4))
    x.add_(1.0)
    x.add_(1.0)
    w = Tensor(np.ones(4), requires_grad=True)
    loss = (w * x).sum()
    x.add_(1.0)
    with pytest.raises(RuntimeError, match="is at version 3; expected version 2 instead"):
        loss.backward()


def test_many_changes_after_the_forward_still_raise():
    x = Tensor(np.ones(4))
    w = Tensor(np.ones(4), requires_grad=True)
    loss = (w * x).sum()
    for _ in range(100):
        x.add_(1.0)
    with pytest.raises(RuntimeError, match="is at version 100; expected version 68 or lower"):
        loss.backward()


def test_an_attribute_saved_by_forward_is_named_as_the_output_it_is():
    w = Tensor(np.array([0.1, 0.2]), requires_grad=True)
    y = w.sigmoid() if hasattr(w, "sigmoid") else engine.sigmoid(w)
    loss = (y * 2.0).sum()
    y.detach().fill_(0.0)
    with pytest.raises(RuntimeError, match=r"float64 \[2\]\], which is (output 0 of Sigmoid|input 0 of Mul)"):
        loss.backward()


def test_inputs_only_read_for_their_shapes_may_change_as_in_pytorch():
    x = Tensor(np.ones((2, 3)))
    b = Tensor(np.zeros(3), requires_grad=True)
    loss = ((x + b).reshape(-1)[1:] - 1.0).sum()
    x.mul_(5.0)                    # Add, Reshape, GetItem, Sub, Sum never read x's values
    loss.backward()
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 2.0, 2.0])
    y = Tensor(np.ones(3))
    loss = (b * y).sum()
    y.mul_(5.0)                    # Mul does
    with pytest.raises(RuntimeError, match="input 1 of Mul"):
        loss.backward()
