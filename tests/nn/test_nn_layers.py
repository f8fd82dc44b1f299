"""Module machinery, initialisers, layers and losses (values, bad input, state_dict)."""
import math

import numpy as np
import pytest

import engine
from engine import Tensor, nn
from engine.nn import functional as F


def t64(a, grad=False):
    return Tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


# ------------------------------------------------------------------ Module machinery
def small_model():
    return nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.ReLU(), nn.Linear(3, 2))


def test_state_dict_names_and_round_trip():
    engine.manual_seed(0)
    m = small_model()
    sd = m.state_dict()
    assert list(sd) == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
                        "1.running_var", "1.num_batches_tracked", "3.weight", "3.bias"]
    assert sd["0.weight"].shape == (3, 4)
    m2 = small_model()
    m2.load_state_dict(sd)
    for k, v in m2.state_dict().items():
        np.testing.assert_array_equal(v, sd[k])
    sd["0.weight"][...] = 7  # a copy: the model is untouched
    assert not np.any(m.state_dict()["0.weight"] == 7)


def test_load_state_dict_errors_name_the_key():
    m = small_model()
    sd = m.state_dict()
    del sd["0.bias"]
    sd["extra"] = np.zeros(1)
    with pytest.raises(ValueError, match=r"missing keys \['0.bias'\].*unexpected keys \['extra'\]"):
        m.load_state_dict(sd)
    missing, unexpected = m.load_state_dict(sd, strict=False)
    assert missing == ["0.bias"] and unexpected == ["extra"]
    sd = m.state_dict()
    sd["3.weight"] = np.zeros((3, 3))
    before = m.state_dict()["0.weight"]
    sd["0.weight"] = before + 1
    with pytest.raises(ValueError, match=r"'3.weight' has shape \(2, 3\).*\(3, 3\)"):
        m.load_state_dict(sd)
    np.testing.assert_array_equal(m.state_dict()["0.weight"], before)  # nothing changed


def test_double_float_and_to():
    m = small_model().double()
    assert all(p.dtype == np.float64 for p in m.parameters())
    assert m[1].running_mean.dtype == np.float64
    assert m[1].num_batches_tracked.dtype == np.int64
    m.float()
    assert all(p.dtype == np.float32 for p in m.parameters())
    assert m.to("cpu") is m
    if not engine.cuda.is_available():
        with pytest.raises(RuntimeError, match="cuda"):
            m.to("cuda")
    with pytest.raises(ValueError):
        m.to("tpu")


def test_requires_grad_freezes_and_summary_counts():
    m = small_model()
    m[0].requires_grad_(False)
    text = m.summary((2, 4))
    assert "Total params: 29" in text
    assert "Trainable params: 14" in text and "Non-trainable params: 15" in text
    assert "(2, 3)" in text and "(2, 2)" in text and "BatchNorm1d" in text
    assert m.training  # restored
    loss = m(Tensor(np.ones((2, 4), np.float32))).sum()
    loss.backward()
    assert m[0].weight.grad is None and m[3].weight.grad is not None
    m.zero_grad()
    assert m[3].weight.grad is None


def test_buffers():
    bn = nn.BatchNorm2d(2)
    assert [n for n, _ in bn.named_buffers()] == ["running_mean", "running_var",
                                                  "num_batches_tracked"]
    with pytest.raises(TypeError):
        bn.register_buffer("x", 3)


# ------------------------------------------------------------------ init
def test_init_bounds_and_gain():
    engine.manual_seed(1)
    w = nn.Parameter(np.empty((200, 300)))
    nn.init.xavier_uniform_(w)
    assert np.abs(w.numpy()).max() <= math.sqrt(6 / 500)
    nn.init.kaiming_normal_(w, nonlinearity="relu")
    assert w.numpy().std() == pytest.approx(math.sqrt(2 / 300), rel=0.05)
    nn.init.constant_(w, 3)
    assert np.all(w.numpy() == 3)
    assert nn.init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert nn.init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    with pytest.raises(ValueError):
        nn.init.xavier_uniform_(nn.Parameter(np.empty(3)))
    lin = nn.Linear(50, 20)
    assert np.abs(lin.weight.numpy()).max() <= 1 / math.sqrt(50)
    assert np.abs(lin.bias.numpy()).max() <= 1 / math.sqrt(50)
    assert nn.Dense is nn.Linear


def test_seeded_init_is_repeatable():
    engine.manual_seed(5)
    a = nn.Linear(3, 2).weight.numpy().copy()
    engine.manual_seed(5)
    np.testing.assert_array_equal(a, nn.Linear(3, 2).weight.numpy())


# ------------------------------------------------------------------ layers
def test_linear_bad_input():
    with pytest.raises(ValueError, match="4 features"):
        nn.Linear(4, 2)(Tensor(np.ones((3, 5))))
    with pytest.raises(ValueError):
        nn.Linear(0, 2)


def test_dropout_train_and_eval():
    engine.manual_seed(0)
    d = nn.Dropout(0.25)
    x = Tensor(np.ones((100, 100)), requires_grad=True)
    y = d(x).numpy()
    assert set(np.unique(y)) <= {0.0, 1 / 0.75}
    assert abs((y == 0).mean() - 0.25) < 0.03
    d.eval()
    assert d(x) is x
    with pytest.raises(ValueError):
        nn.Dropout(1.0)


def test_batchnorm_running_stats_only_in_training():
    engine.manual_seed(0)
    bn = nn.BatchNorm1d(3, momentum=0.5)
    x = np.random.default_rng(0).normal(2.0, 3.0, (50, 3))
    y = bn(Tensor(x)).numpy()
    np.testing.assert_allclose(y.mean(0), 0, atol=1e-6)
    np.testing.assert_allclose(bn.running_mean, 0.5 * x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(bn.running_var, 0.5 + 0.5 * x.var(0, ddof=1), rtol=1e-5)
    bn.eval()
    before = bn.running_mean.copy()
    y_eval = bn(Tensor(x)).numpy()
    np.testing.assert_array_equal(bn.running_mean, before)
    np.testing.assert_allclose(y_eval, (x - before) / np.sqrt(bn.running_var + 1e-5), rtol=1e-5)
    with pytest.raises(ValueError, match="3 channels"):
        bn(Tensor(np.ones((4, 2))))


def test_embedding_accumulates_repeated_rows():
    e = nn.Embedding(5, 2)
    y = e(np.array([1, 1, 3]))
    y.sum().backward()
    np.testing.assert_array_equal(e.weight.grad.numpy()[:, 0], [0, 2, 0, 1, 0])
    with pytest.raises(ValueError):
        e(np.array([5]))
    with pytest.raises(TypeError):
        e(np.array([1.0]))


def test_reshape_layer():
    assert nn.Reshape(1, 2, 2)(Tensor(np.ones((3, 4)))).shape == (3, 1, 2, 2)


def test_lstm_shapes_and_batch_first():
    engine.manual_seed(0)
    lstm = nn.LSTM(3, 5, num_layers=2, batch_first=True)
    assert lstm.weight_ih_l0.shape == (20, 3) and lstm.weight_hh_l1.shape == (20, 5)
    out, (h, c) = lstm(np.zeros((4, 7, 3), np.float32))
    assert out.shape == (4, 7, 5) and h.shape == (2, 4, 5) and c.shape == (2, 4, 5)
    rnn = nn.RNN(3, 5)
    out, h = rnn(np.zeros((7, 3), np.float32))  # unbatched
    assert out.shape == (7, 5) and h.shape == (1, 5)
    with pytest.raises(ValueError):
        rnn(np.zeros((7, 2, 4), np.float32))


def test_lstm_backward_matches_gradcheck():
    engine.manual_seed(0)
    lstm = nn.LSTM(2, 3, dtype=engine.float64)
    x = t64(np.random.default_rng(0).normal(size=(4, 2, 2)), grad=True)
    assert engine.gradcheck(lambda x, w: lstm(x)[0], (x, lstm.weight_hh_l0))


# ------------------------------------------------------------------ losses
def test_losses_values():
    y, t = t64([0.5, -1.0, 2.0]), t64([1.0, 1.0, -1.0])
    assert F.mse_loss(y, t).item() == pytest.approx((0.25 + 4 + 9) / 3)
    assert F.l1_loss(y, t, reduction="sum").item() == pytest.approx(0.5 + 2 + 3)
    assert F.hinge_loss(y, t).item() == pytest.approx((0.5 + 2 + 3) / 3)
    z = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    labels = np.array([1, 2])
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    assert F.cross_entropy(t64(z), labels).item() == pytest.approx(-(logp[0, 1] + logp[1, 2]) / 2)
    w = np.array([1.0, 2.0, 3.0])
    assert F.cross_entropy(t64(z), labels, weight=w).item() == pytest.approx(
        -(2 * logp[0, 1] + 3 * logp[1, 2]) / 5)
    p = t64([0.0, 0.5, 1.0])
    assert F.binary_cross_entropy(p, t64([1.0, 1.0, 1.0]), reduction="sum").item() == \
        pytest.approx(100 + math.log(2))
    zz = t64([800.0, -800.0])
    assert F.binary_cross_entropy_with_logits(zz, t64([1.0, 0.0])).item() == 0.0
    assert F.binary_cross_entropy_with_logits(zz, t64([0.0, 1.0])).item() == pytest.approx(800)
    mu, logvar = t64([[0.0, 1.0]]), t64([[0.0, math.log(2.0)]])
    assert F.kl_div_normal(mu, logvar).item() == pytest.approx(-0.5 * (1 + math.log(2) - 1 - 2))
    assert nn.CrossEntropyLoss()(t64(z), labels).item() == pytest.approx(
        F.cross_entropy(t64(z), labels).item())


def test_cross_entropy_is_stable_for_huge_logits():
    z = t64([[1000.0, 0.0], [0.0, 1000.0]], grad=True)
    loss = F.cross_entropy(z, np.array([0, 0]))
    loss.backward()
    assert loss.item() == pytest.approx(500.0)
    assert np.all(np.isfinite(z.grad.numpy()))


def test_loss_bad_targets():
    z = t64(np.zeros((3, 4)))
    with pytest.raises(TypeError, match="integer class labels"):
        F.cross_entropy(z, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match=r"\[0, 4\)"):
        F.cross_entropy(z, np.array([0, 4, 1]))
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        F.cross_entropy(z, np.array([0, 1]))
    with pytest.raises(ValueError, match="target shape"):
        F.mse_loss(t64([1.0, 2.0]), t64([1.0]))
    with pytest.raises(ValueError, match="-1 or \\+1"):
        F.hinge_loss(t64([1.0, 2.0]), t64([0.0, 1.0]))
    with pytest.raises(ValueError, match="probabilities"):
        F.binary_cross_entropy(t64([1.5]), t64([1.0]))
    with pytest.raises(ValueError, match="reduction"):
        F.mse_loss(t64([1.0]), t64([1.0]), reduction="avg")
