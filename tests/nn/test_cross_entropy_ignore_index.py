"""cross_entropy's ignore_index (PyTorch's default -100): ignored rows add nothing, to the loss
or to the mean's denominator, and get no gradient."""
import numpy as np
import pytest

import engine
import engine.nn.functional as F
from engine import nn


def _logits(seed=0):
    return np.random.default_rng(seed).normal(size=(5, 3))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_ignored_rows_are_left_out(reduction, smoothing):
    z, t = _logits(), np.array([0, -100, 2, 1, -100])
    kept = t != -100
    x = engine.tensor(z, requires_grad=True)
    loss = F.cross_entropy(x, t, reduction=reduction, label_smoothing=smoothing)
    loss.sum().backward()
    x_kept = engine.tensor(z[kept], requires_grad=True)
    ref = F.cross_entropy(x_kept, t[kept], reduction=reduction, label_smoothing=smoothing)
    ref.sum().backward()
    if reduction == "none":
        assert loss.shape == (5,)
        np.testing.assert_allclose(loss.data[kept], ref.data)
        assert (loss.data[~kept] == 0).all()
    else:
        np.testing.assert_allclose(loss.data, ref.data)
    np.testing.assert_allclose(x.grad.data[kept], x_kept.grad.data)
    assert (x.grad.data[~kept] == 0).all()


def test_a_chosen_ignore_index_and_the_module():
    z, t = _logits(1), np.array([0, 2, 2, 1, 0])
    full = F.cross_entropy(engine.tensor(z), t, ignore_index=2)
    direct = F.cross_entropy(engine.tensor(z[t != 2]), t[t != 2])
    assert full.item() == pytest.approx(direct.item())
    module = nn.CrossEntropyLoss(ignore_index=2)
    assert module(engine.tensor(z), t).item() == pytest.approx(direct.item())


def test_pytorch_agrees():
    torch = pytest.importorskip("torch")
    z, t = _logits(2), np.array([1, -100, 0, -100, 2])
    ours = F.cross_entropy(engine.tensor(z), t, reduction="none")
    theirs = torch.nn.functional.cross_entropy(torch.tensor(z), torch.tensor(t), reduction="none")
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12)


def test_bad_ignore_index_and_legacy_arguments():
    z, t = engine.tensor(_logits()), np.array([0, 1, 2, 1, 0])
    with pytest.raises(TypeError, match="ignore_index"):
        F.cross_entropy(z, t, ignore_index=1.5)
    with pytest.raises(TypeError, match="deprecated"):
        F.cross_entropy(z, t, size_average=True)
    # the engine's older positional order (input, target, weight, reduction) still works
    assert F.cross_entropy(z, t, None, "sum").item() == pytest.approx(
        F.cross_entropy(z, t, reduction="sum").item())
