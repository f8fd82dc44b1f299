"""engine.models: the perceptron rule, and every model's forward/backward shapes (gradchecked
where small)."""
import numpy as np
import pytest

import engine
import engine.nn.functional as F
from engine.models import (MLP, LeNet5, LinearRegression, LogisticRegression, Perceptron,
                           PolynomialRegression, SoftmaxRegression, VGGNet, polynomial_features)

X2 = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)


# ----------------------------------------------------------------------------- perceptron
@pytest.mark.parametrize("gate, y", [("AND", [0, 0, 0, 1]), ("OR", [0, 1, 1, 1])])
@pytest.mark.parametrize("lr", [0.1, 1.0])
def test_perceptron_learns_and_and_or(gate, y, lr):
    p = Perceptron(2, lr=lr)
    errors = p.fit(X2, y, epochs=100)
    assert errors[-1] == 0 and all(e > 0 for e in errors[:-1])     # stops at the first clean epoch
    assert len(errors) < 100
    assert p.predict(X2).tolist() == y


@pytest.mark.parametrize("init", ["zeros", "random"])
def test_perceptron_never_learns_xor(init):
    p = Perceptron(2, lr=0.5, init=init, random_state=3)
    errors = p.fit(X2, [0, 1, 1, 0], epochs=500)
    assert len(errors) == 500 and min(errors) >= 1
    assert (p.predict(X2) != np.array([0, 1, 1, 0])).any()


def test_perceptron_rule_one_step_by_hand():
    # w = 0, b = 0: H(0) = 1 for x = (1, 1) while ŷ = 0, so w ← w + α(0 − 1)x = (−α, −α), b ← −α
    p = Perceptron(2, lr=0.5)
    p.fit(np.array([[1.0, 1.0]]), [0], epochs=1)
    np.testing.assert_allclose(p.w, [-0.5, -0.5])
    assert p.b == -0.5


def test_perceptron_bad_input():
    with pytest.raises(ValueError, match="n_inputs"):
        Perceptron(0)
    with pytest.raises(ValueError, match="lr"):
        Perceptron(2, lr=-1)
    with pytest.raises(TypeError, match="lr"):
        Perceptron(2, lr="fast")
    p = Perceptron(2)
    with pytest.raises(ValueError, match=r"shape \(n_samples, 2\)"):
        p.fit(np.zeros((4, 3)), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="0 or 1"):
        p.fit(X2, [0, 2, 1, 0])


# ----------------------------------------------------------------------------- shapes
CASES = {
    "mlp": (lambda: MLP((6, 5, 3), activation="tanh"), (4, 6), (4, 3)),
    "mlp_images": (lambda: MLP((16, 8, 2)), (2, 1, 4, 4), (2, 2)),
    "lenet_classic": (lambda: LeNet5(), (2, 1, 28, 28), (2, 10)),
    "lenet_relu_max": (lambda: LeNet5(activation="relu", pooling="max", num_classes=7), (2, 1, 28, 28), (2, 7)),
    "lenet_32": (lambda: LeNet5(image_size=32, in_channels=3), (2, 3, 32, 32), (2, 10)),
    "vgg": (lambda: VGGNet(), (3, 1, 28, 28), (3, 10)),
    "vgg_small": (lambda: VGGNet(in_channels=3, channels=(4, 8, 8), hidden=6, image_size=8,
                                 num_classes=5), (3, 3, 8, 8), (3, 5)),
    "linear": (lambda: LinearRegression(3, 2), (5, 3), (5, 2)),
    "logistic": (lambda: LogisticRegression(3), (5, 3), (5, 1)),
    "softmax": (lambda: SoftmaxRegression(12, 4), (5, 12), (5, 4)),
    "polynomial": (lambda: PolynomialRegression(4), (5, 4), (5, 1)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_forward_and_backward_shapes(name):
    make, in_shape, out_shape = CASES[name]
    engine.manual_seed(0)
    model = make()
    x = engine.tensor(np.random.default_rng(0).random(in_shape, dtype=np.float32), requires_grad=True)
    out = model(x)
    assert out.shape == out_shape
    (out * out).sum().backward()
    assert x.grad is not None and x.grad.shape == in_shape
    params = list(model.parameters())
    assert params
    for p in params:
        assert p.grad is not None and p.grad.shape == p.shape
    assert any(np.abs(p.grad.numpy()).sum() > 0 for p in params)


SMALL = {
    "mlp": (lambda: MLP((3, 4, 2), activation="tanh"), (2, 3)),
    "softmax": (lambda: SoftmaxRegression(3, 3), (2, 3)),
    "vgg_tiny": (lambda: VGGNet(channels=(2,), hidden=3, dropout=0.0, image_size=4, num_classes=2), (3, 1, 4, 4)),
    "lenet_32_eval": (lambda: LeNet5(image_size=32).eval(), (1, 1, 32, 32)),
}


@pytest.mark.parametrize("name", sorted(SMALL))
def test_gradcheck_small_models(name):
    make, in_shape = SMALL[name]
    engine.manual_seed(1)
    model = make()
    if hasattr(model, "double"):
        model.double()
    x = engine.tensor(np.random.default_rng(1).standard_normal(in_shape), dtype=engine.float64,
                      requires_grad=True)
    assert engine.gradcheck(lambda t: F.softplus(model(t)).sum(), [x], atol=1e-5, rtol=1e-3)


def test_gradcheck_parameters_of_the_single_neuron():
    neuron = LinearRegression(2).double()
    x = np.array([[0.5, -1.0], [2.0, 0.25]])
    y = np.array([[1.0], [-0.5]])
    w, b = neuron.linear.weight, neuron.linear.bias

    def cost(w_, b_):
        return F.mse_loss(engine.tensor(x, dtype=engine.float64) @ w_.transpose(1, 0) + b_,
                          engine.tensor(y, dtype=engine.float64))
    wt = engine.tensor(w.numpy(), dtype=engine.float64, requires_grad=True)
    bt = engine.tensor(b.numpy(), dtype=engine.float64, requires_grad=True)
    assert engine.gradcheck(cost, [wt, bt])


def test_polynomial_features():
    f = polynomial_features(np.array([2.0, -1.0]), 3)
    np.testing.assert_allclose(f, [[2, 4, 8], [-1, 1, -1]])
    assert f.dtype == np.float32
    np.testing.assert_allclose(polynomial_features(np.array([[3.0]]), 2), [[3, 9]])
    with pytest.raises(ValueError, match="shape"):
        polynomial_features(np.zeros((2, 2)), 2)
    with pytest.raises(ValueError, match="degree"):
        polynomial_features(np.zeros(2), 0)


def test_model_arguments_are_checked():
    with pytest.raises(ValueError, match="sizes"):
        MLP((3,))
    with pytest.raises(ValueError, match="activation"):
        MLP((3, 2), activation="swishy")
    with pytest.raises(ValueError, match="pooling"):
        LeNet5(pooling="median")
    with pytest.raises(ValueError, match="image_size"):
        LeNet5(image_size=30)
    with pytest.raises(ValueError, match="divisible"):
        VGGNet(channels=(4, 8, 8), image_size=28)
    with pytest.raises(ValueError, match="dropout"):
        VGGNet(dropout=1.5)
